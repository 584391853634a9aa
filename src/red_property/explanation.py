"""Why a company got its stars: the parts of its total, the level trace and the gap upward."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .awarding import OUTCOMES, REFUSED
from .plan import AboveClaim

if TYPE_CHECKING:
    from .report import Report


def stars_text(stars: int, top: int, *, rated: bool = True) -> str:
    """★★★☆☆ for 3 of 5; "not rated" when not rated."""
    if not rated:
        return "not rated"
    return "★" * stars + "☆" * (top - stars)


def _num(x: float, digits: int = 2) -> str:
    """A score for people: at most ``digits`` decimals, no trailing zeros."""
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@dataclass(frozen=True, slots=True)
class Part:
    """One additive part of a total: ``points`` that ``source`` gave through ``indicator``."""

    dimension: str
    indicator: str
    source: str
    points: float


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition of a star level: what it needs, what the company has, pass or fail."""

    what: str
    required: float | str
    actual: float | str
    passed: bool
    shortfall: float = 0.0
    digits: int = 2  # decimals shown: at least the rubric's rounding digits

    def __str__(self) -> str:
        mark = "✓" if self.passed else "✗"
        if isinstance(self.required, str) or isinstance(self.actual, str):
            return f"{mark} {self.what}: needs {self.required}, has {self.actual}"
        d = self.digits
        gap = "" if self.passed else f" (−{_num(self.shortfall, d)})"
        return f"{mark} {self.what} ≥ {_num(self.required, d)}: has {_num(self.actual, d)}{gap}"


@dataclass(frozen=True, slots=True)
class LevelTrace:
    """A level's conditions for one company."""

    stars: int
    passed: bool
    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a company got its stars, and what the next star would take."""

    company: str
    rated: bool
    not_rated_reasons: tuple[str, ...]
    total: float
    raw_total: float
    stars: int
    earned: int
    claimed: int | None
    verdict: str
    rank: int | None
    top: int
    dimensions: dict[str, tuple[float, float]]  # id -> (points, maximum)
    parts: tuple[Part, ...]
    adjustments: dict[str, float]  # bonus cap, rounding
    by_source: dict[str, float]
    weights: dict[str, dict[str, float]]  # indicator -> source -> effective weight
    trace: tuple[LevelTrace, ...]
    vetoes: tuple[str, ...]
    next_level: int | None
    gap: tuple[Condition, ...]
    labels: dict[str, str] = field(default_factory=dict)
    name: str | None = None  # from the companies table
    headroom: tuple[tuple[str, float, float], ...] = ()  # (indicator, points, most), most room

    def parts_sum(self) -> float:
        """Sum of every part and adjustment: equals ``total``."""
        return float(sum(p.points for p in self.parts) + sum(self.adjustments.values()))

    def to_dict(self) -> dict[str, Any]:
        """The explanation as plain data."""
        return {
            "company": self.company,
            "rated": self.rated,
            "not_rated_reasons": list(self.not_rated_reasons),
            "total": self.total,
            "raw_total": self.raw_total,
            "stars": self.stars if self.rated else None,
            "earned": self.earned,
            "claimed": self.claimed,
            "verdict": self.verdict,
            "rank": self.rank,
            "dimensions": {k: {"points": v, "max": m} for k, (v, m) in self.dimensions.items()},
            "parts": [
                {"dimension": p.dimension, "indicator": p.indicator, "source": p.source,
                 "points": p.points} for p in self.parts
            ],
            "adjustments": dict(self.adjustments),
            "by_source": dict(self.by_source),
            "weights": {k: dict(v) for k, v in self.weights.items()},
            "trace": [
                {"stars": t.stars, "passed": t.passed,
                 "conditions": [_cond_dict(c) for c in t.conditions]} for t in self.trace
            ],
            "vetoes": list(self.vetoes),
            "next_level": self.next_level,
            "gap": [_cond_dict(c) for c in self.gap],
            "name": self.name,
            "headroom": [{"indicator": i, "points": pts, "max": most}
                         for i, pts, most in self.headroom],
        }

    def __str__(self) -> str:
        head = f"{self.company} {self.name}: " if self.name else f"{self.company}: "
        if not self.rated:
            return head + "not rated — " + "; ".join(self.not_rated_reasons)
        claim = ""
        if self.claimed is not None:
            claim = f"; claimed {self.claimed}★: {self.verdict}"
        lines = [
            f"{head}{stars_text(self.stars, self.top)} {self.stars}★ (earned {self.earned}★"
            f"{claim}), total {_num(self.total, 6)}, rank {self.rank}",
            "",
            "Dimensions:",
        ]
        for did, (pts, mx) in self.dimensions.items():
            share = f"{pts / mx:.0%}" if mx else "-"
            lines.append(f"  {self.labels.get(did, did):<40} {pts:8.2f} / {_num(mx):<5} {share:>5}")
        lines.append("By source: " + ", ".join(f"{s} {v:.2f}" for s, v in self.by_source.items())
                     + "".join(f", {k} {v:+.2f}" for k, v in self.adjustments.items() if v))
        if self.vetoes:
            lines.append("Vetoes: " + ", ".join(self.vetoes))
        lines += ["", "Star decision (from the top):"]
        for t in self.trace:
            lines.append(f"  {t.stars}★ {'passed' if t.passed else 'not reached'}")
            lines += [f"     {c}" for c in t.conditions]
        if self.next_level is not None:
            lines += ["", f"To reach {self.next_level}★:"]
            lines += [f"  {c}" for c in self.gap] or ["  (all conditions met)"]
            if self.headroom:
                room = ", ".join(f"{i} {_num(pts)}/{_num(most)} (+{_num(most - pts)})"
                                 for i, pts, most in self.headroom)
                lines.append(f"  most points still open: {room}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        state = f"{self.stars}★ total {_num(self.total)}" if self.rated else "not rated"
        return f"<Explanation {self.company}: {state}>"

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(str(self)) + "</pre>"


def _cond_dict(c: Condition) -> dict[str, Any]:
    return {"what": c.what, "required": c.required, "actual": c.actual, "passed": c.passed,
            "shortfall": c.shortfall}



def explain(report: Report, c: int) -> Explanation:
    """Why company ``c`` (an index) got its stars: parts, weights, level trace and the gap
    upward."""
    p, s, a = report.plan, report.scores, report.awards
    rubric = p.rubric
    parts: list[Part] = []
    by_source = {src: 0.0 for src in p.sources}
    default_total = 0.0
    weights: dict[str, dict[str, float]] = {}
    for i, iid in enumerate(p.indicators):
        did = p.dimensions[p.dimension_of[i]]
        if s.defaulted[c, i]:
            pts = float(s.points[c, i])
            parts.append(Part(did, iid, "default", pts))
            default_total += pts
            continue
        weights[iid] = {p.sources[k]: float(s.weight[c, k, i])
                        for k in range(len(p.sources)) if s.weight[c, k, i] > 0}
        for k, src in enumerate(p.sources):
            if s.weight[c, k, i] > 0:
                pts = float(s.weight[c, k, i] * s.source_points[c, k, i] * p.scale[i])
                parts.append(Part(did, iid, src, pts))
                by_source[src] += pts
    if default_total:
        by_source["default"] = default_total
    adjustments = {
        "bonus cap": float(s.bonus[c] - s.bonus_raw[c]),
        "rounding": float(s.total[c] - s.raw_total[c]),
    }
    trace = tuple(_trace(report, c, n) for n in range(len(rubric.levels) - 1, -1, -1))
    stars = int(a.stars[c])
    higher = [n for n, lv in enumerate(rubric.levels) if lv.stars > stars]
    next_level = rubric.levels[higher[0]].stars if higher and a.rated[c] else None
    gap: tuple[Condition, ...] = ()
    if next_level is not None:
        gap = tuple(x for x in _trace(report, c, higher[0]).conditions if not x.passed)
        gap += _blockers(report, c, next_level)
    return Explanation(
        company=str(report.companies[c]),
        rated=bool(a.rated[c]),
        not_rated_reasons=a.reasons(c),
        total=float(s.total[c]),
        raw_total=float(s.raw_total[c]),
        stars=stars,
        earned=int(a.earned[c]),
        claimed=int(a.claimed[c]) if a.claimed[c] >= 0 else None,
        verdict=OUTCOMES[int(a.verdict[c])].value,
        rank=int(a.rank[c]) if a.rated[c] else None,
        top=rubric.top_stars,
        dimensions={d: (float(s.dimension[c, k]), float(p.dimension_max[k]))
                    for k, d in enumerate(p.dimensions)},
        parts=tuple(parts),
        adjustments=adjustments,
        by_source=by_source,
        weights=weights,
        trace=trace,
        vetoes=tuple(v for k, v in enumerate(p.veto_ids) if a.vetoed[c, k]),
        next_level=next_level,
        gap=gap,
        labels={d: rubric.dimensions[d].label.short() for d in p.dimensions},
        name=report.names.get(str(report.companies[c])),
        headroom=_headroom(report, c),
    )

def _headroom(report: Report, c: int, top: int = 5) -> tuple[tuple[str, float, float], ...]:
    """The base indicators with the most points still to gain, in total-scale points."""
    p, s = report.plan, report.scores
    most = p.max_points * p.scale
    room = np.where(p.is_bonus, 0.0, most - np.nan_to_num(s.points[c]))
    order = [int(i) for i in np.argsort(-room, kind="stable")[:top] if room[i] > 1e-9]
    return tuple((p.indicators[i], float(s.points[c, i]), float(most[i])) for i in order)

def _trace(report: Report, c: int, n: int) -> LevelTrace:
    p, s, a = report.plan, report.scores, report.awards
    level = p.rubric.levels[n]
    d = max(2, p.digits)
    conds = [Condition("total", level.min_total, float(s.total[c]), bool(a.level_total[c, n]),
                       max(0.0, level.min_total - float(s.total[c])), d)]
    for k, did in enumerate(p.dimensions):
        share = p.level_min_share[n, k]
        if share > 0:
            need = float(share * p.dimension_max[k])
            have = float(s.dimension[c, k])
            conds.append(Condition(f"{did} ({share:.0%} of {_num(p.dimension_max[k])})",
                                   need, have, bool(a.level_dims[c, n, k]),
                                   max(0.0, need - have), d))
    for iid in level.requires:
        i = p.index[iid]
        ok = bool(a.met[c, i])
        conds.append(Condition(f"{iid} met", "yes", "yes" if ok else "no", ok))
    if level.min_bonus > 0:
        have = float(s.bonus[c])
        conds.append(Condition("bonus", level.min_bonus, have, bool(a.level_bonus[c, n]),
                               max(0.0, level.min_bonus - have), d))
    return LevelTrace(level.stars, bool(a.level_pass[c, n]), tuple(conds))

def _blockers(report: Report, c: int, next_level: int) -> tuple[Condition, ...]:
    """What stops ``next_level`` besides the level's own conditions: vetoes and claims."""
    p, a = report.plan, report.awards
    out = []
    for k, veto in enumerate(p.veto_ids):
        if a.vetoed[c, k] and p.veto_limit[k] < next_level:
            out.append(Condition(f"veto {veto}", "not triggered", "triggered", False))
    claimed = int(a.claimed[c])
    if claimed >= 0 and a.verdict[c] == REFUSED:
        out.append(Condition("claim", f"reach the claimed {claimed}★",
                             f"{int(a.after_veto[c])}★ reached", False))
    if (claimed >= 0 and claimed < next_level
            and p.claims.above is AboveClaim.AWARD_CLAIM):
        out.append(Condition("claim", f"a claim of {next_level}★ or more", f"{claimed}★",
                             False))
    return tuple(out)
