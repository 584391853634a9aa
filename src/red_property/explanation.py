"""Why a company got its stars: the parts of its total, the level trace and the gap upward."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _messages as m
from .awarding import OUTCOMES, REFUSED
from .plan import AboveClaim
from .texts import condition_text, explanation_text, num

if TYPE_CHECKING:
    from .report import Report


_num = num


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
    # what the condition is about, for wording it in another language:
    # kind total | dimension | requires | bonus | veto | claim_refused | claim_low
    kind: str = ""
    subject: str = ""  # dimension, indicator or veto id
    share: float = 0.0  # kind dimension: the share of ``maximum`` needed
    maximum: float = 0.0
    level: int = 0  # kind claim_*: the level claimed or needed
    reached: int = 0  # kind claim_*: the level reached or claimed

    def __str__(self) -> str:
        return condition_text(self, "en")


@dataclass(frozen=True, slots=True)
class LevelTrace:
    """A level's conditions for one company."""

    stars: int
    passed: bool
    conditions: tuple[Condition, ...]
    name: str | None = None  # the level's name, when the rubric gives one


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
    level: str | None = None  # the name of the level awarded, when the rubric names it
    lang: str = "en"  # the language of str(): "en" or "zh"
    indicator_labels: dict[str, str] = field(default_factory=dict)
    source_labels: dict[str, str] = field(default_factory=dict)
    veto_labels: dict[str, str] = field(default_factory=dict)

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
            "level": self.level,
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
                {"stars": t.stars, "name": t.name, "passed": t.passed,
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
        return explanation_text(self)

    def __repr__(self) -> str:
        state = f"{self.stars}★ total {_num(self.total)}" if self.rated else "not rated"
        return f"<Explanation {self.company}: {state}>"

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(str(self)) + "</pre>"


def _cond_dict(c: Condition) -> dict[str, Any]:
    return {"what": c.what, "required": c.required, "actual": c.actual, "passed": c.passed,
            "shortfall": c.shortfall}


def explain(report: Report, c: int, *, lang: str | None = None) -> Explanation:
    """Why company ``c`` (an index) got its stars: parts, weights, level trace and the gap
    upward; ``str()`` of it reads in ``lang`` ("en" or "zh"; default the rubric's, else
    English)."""
    language = m.resolve(lang, report.plan.rubric)
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
    adjustments = {"bonus cap": float(s.bonus[c] - s.bonus_raw[c])}
    if p.base_points or p.divide_by != 1:  # only where the rubric grants or divides
        summed = float(s.dimension[c].sum() + s.bonus[c] + s.base[c])
        adjustments["base points"] = float(s.base[c])
        adjustments["divided"] = summed / p.divide_by - summed
    adjustments["rounding"] = float(s.total[c] - s.raw_total[c])
    trace = tuple(_trace(report, c, n, language)
                  for n in range(len(rubric.levels) - 1, -1, -1))
    stars = int(a.stars[c])
    higher = [n for n, lv in enumerate(rubric.levels) if lv.stars > stars]
    next_level = rubric.levels[higher[0]].stars if higher and a.rated[c] else None
    gap: tuple[Condition, ...] = ()
    if next_level is not None:
        gap = tuple(x for x in _trace(report, c, higher[0], language).conditions if not x.passed)
        gap += _blockers(report, c, next_level)
    return Explanation(
        company=str(report.companies[c]),
        rated=bool(a.rated[c]),
        not_rated_reasons=tuple(m.reason(r, language, rubric) for r in a.reasons(c)),
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
        labels={d: m.label(rubric.dimensions[d].label, language, d) for d in p.dimensions},
        name=report.names.get(str(report.companies[c])),
        headroom=_headroom(report, c),
        level=(m.label(rubric.levels[int(a.level[c])].name, language) or None)
        if a.level[c] >= 0 else None,
        lang=language,
        indicator_labels={i: m.label(ind.label, language, i)
                          for i, (_, ind) in rubric.indicators().items()},
        source_labels={k: m.label(v.label, language, k) for k, v in rubric.sources.items()},
        veto_labels={v.id: m.label(v.label, language, v.id) for v in rubric.vetoes},
    )

def _headroom(report: Report, c: int, top: int = 5) -> tuple[tuple[str, float, float], ...]:
    """The base indicators with the most points still to gain, in total-scale points."""
    p, s = report.plan, report.scores
    most = p.max_points * p.scale
    room = np.where(p.is_bonus, 0.0, most - np.nan_to_num(s.points[c]))
    order = [int(i) for i in np.argsort(-room, kind="stable")[:top] if room[i] > 1e-9]
    return tuple((p.indicators[i], float(s.points[c, i]), float(most[i])) for i in order)

def _trace(report: Report, c: int, n: int, language: m.Lang) -> LevelTrace:
    """Level ``n``'s conditions for company ``c``; the level's name in ``language``."""
    p, s, a = report.plan, report.scores, report.awards
    level = p.rubric.levels[n]
    d = max(2, p.digits)
    conds = [Condition("total", level.min_total, float(s.total[c]), bool(a.level_total[c, n]),
                       max(0.0, level.min_total - float(s.total[c])), d, kind="total")]
    for k, did in enumerate(p.dimensions):
        share = p.level_min_share[n, k]
        if share > 0:
            need = float(share * p.dimension_max[k])
            have = float(s.dimension[c, k])
            conds.append(Condition(f"{did} ({share:.0%} of {_num(p.dimension_max[k])})",
                                   need, have, bool(a.level_dims[c, n, k]),
                                   max(0.0, need - have), d, kind="dimension",
                                   subject=did, share=float(share),
                                   maximum=float(p.dimension_max[k])))
    for i in np.flatnonzero(p.level_requires[n]).tolist():  # inherited ones included
        iid = p.indicators[i]
        ok = bool(a.met[c, i])
        conds.append(Condition(f"{iid} met", "yes", "yes" if ok else "no", ok,
                               kind="requires", subject=iid))
    min_bonus = float(p.level_min_bonus[n])
    if min_bonus > 0:
        have = float(s.bonus[c])
        conds.append(Condition("bonus", min_bonus, have, bool(a.level_bonus[c, n]),
                               max(0.0, min_bonus - have), d, kind="bonus"))
    return LevelTrace(level.stars, bool(a.level_pass[c, n]), tuple(conds),
                      m.label(level.name, language) or None)

def _blockers(report: Report, c: int, next_level: int) -> tuple[Condition, ...]:
    """What stops ``next_level`` besides the level's own conditions: vetoes and claims."""
    p, a = report.plan, report.awards
    out = []
    for k, veto in enumerate(p.veto_ids):
        if a.vetoed[c, k] and p.veto_limit[k] < next_level:
            out.append(Condition(f"veto {veto}", "not triggered", "triggered", False,
                                 kind="veto", subject=veto))
    claimed = int(a.claimed[c])
    if claimed >= 0 and a.verdict[c] == REFUSED:
        out.append(Condition("claim", f"reach the claimed {claimed}★",
                             f"{int(a.after_veto[c])}★ reached", False,
                             kind="claim_refused", level=claimed,
                             reached=int(a.after_veto[c])))
    if (claimed >= 0 and claimed < next_level
            and p.claims.above is AboveClaim.AWARD_CLAIM):
        out.append(Condition("claim", f"a claim of {next_level}★ or more", f"{claimed}★",
                             False, kind="claim_low", level=next_level, reached=claimed))
    return tuple(out)
