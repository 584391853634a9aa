"""The result of an evaluation: immutable, explainable, exportable.

:class:`Report` holds the arrays of every stage and the provenance (rubric id, version and
fingerprint, library version, rows read / used / dropped, warnings). :meth:`Report.explain`
gives one company's :class:`Explanation`: an additive breakdown that sums to the total, the
effective source weights, the star decision level by level, and the gap to the next star.
"""

from __future__ import annotations

import csv
import html
import json
import os
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .awarding import REFUSED, VERDICTS, Awards
from .cells import printable
from .errors import Problem
from .plan import Plan
from .scoring import Scores

__all__ = ["Condition", "Explanation", "LevelTrace", "Part", "Report"]

HTML_ROWS = 60


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
        head = printable(f"{self.company} {self.name}: " if self.name else f"{self.company}: ")
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


@dataclass(frozen=True, slots=True, repr=False)
class Report:
    """Scores and stars of every company, with what made them."""

    plan: Plan
    companies: npt.NDArray[np.str_]
    scores: Scores
    awards: Awards
    rows_read: int
    rows_used: int
    dropped: tuple[Problem, ...]
    dropped_by_reason: dict[str, int]
    warnings: tuple[str, ...]
    library_version: str
    names: dict[str, str] = field(default_factory=dict)
    districts: dict[str, str] = field(default_factory=dict)
    uncorrected: Report | None = None  # with rater_correction: the result on the raw values
    rater_flags: tuple[str, ...] = ()  # with rater_correction: what the rater analysis flagged

    # ------------------------------------------------------------------ basics

    def __len__(self) -> int:
        return int(self.companies.shape[0])

    def __repr__(self) -> str:
        r = self.plan.rubric
        return f"<Report {r.id}@{r.version}: {len(self)} companies>"

    @property
    def rows_dropped(self) -> int:
        """Rows read but not used (every one listed in :attr:`dropped` or counted by reason)."""
        return self.rows_read - self.rows_used

    def _index(self, company: str) -> int:
        hit = np.flatnonzero(self.companies == company)
        if hit.size == 0:
            raise KeyError(f"no company {company!r} in this report")
        return int(hit[0])

    def stars_of(self, company: str) -> int | None:
        """Stars awarded to ``company`` (None when not rated)."""
        c = self._index(company)
        return int(self.awards.stars[c]) if self.awards.rated[c] else None

    def provenance(self) -> dict[str, Any]:
        """What made this report: rubric identity and fingerprint, library, input counts."""
        r = self.plan.rubric
        return {
            "rubric": {"id": r.id, "version": r.version, "sha256": self.plan.fingerprint},
            "library": {"name": "red-property", "version": self.library_version},
            "rows": {"read": self.rows_read, "used": self.rows_used,
                     "dropped": self.rows_dropped,
                     "dropped_by_reason": dict(sorted(self.dropped_by_reason.items()))},
            "warnings": list(self.warnings),
            "rater_correction": {"applied": self.uncorrected is not None,
                                 "flags": list(self.rater_flags)},
        }

    # ------------------------------------------------------------------ records

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per company (in id order, or the companies table's order): total, stars,
        dimensions, sources, flags."""
        a, s, p = self.awards, self.scores, self.plan
        src_share = self.source_scores()
        out = []
        for c, name in enumerate(self.companies.tolist()):
            rated = bool(a.rated[c])
            out.append({
                "company": name,
                "name": self.names.get(name),
                "district": self.districts.get(name),
                "rated": rated,
                "total": float(s.total[c]) if rated else None,
                "stars": int(a.stars[c]) if rated else None,
                "earned": int(a.earned[c]),
                "claimed": int(a.claimed[c]) if a.claimed[c] >= 0 else None,
                "verdict": VERDICTS[int(a.verdict[c])],
                "rank": int(a.rank[c]) if rated else None,
                "dimensions": {d: round(float(s.dimension[c, k]), 6)
                               for k, d in enumerate(p.dimensions)},
                "dimension_shares": {
                    d: (round(float(s.dimension[c, k] / p.dimension_max[k]), 6)
                        if p.dimension_max[k] > 0 else None)
                    for k, d in enumerate(p.dimensions)},
                "sources": {src: (None if np.isnan(src_share[c, k]) else
                                  round(float(src_share[c, k]), 6))
                            for k, src in enumerate(p.sources)},
                "bonus": round(float(s.bonus[c]), 6),
                "vetoed": [v.id for k, v in enumerate(p.rubric.vetoes) if a.vetoed[c, k]],
                "not_rated": list(a.reasons(c)),
                "quorum_short": sorted({p.sources[k] for k in
                                        np.flatnonzero(s.short[c].any(axis=1))}),
            })
        if self.uncorrected is not None:
            raw = {r["company"]: r for r in self.uncorrected.to_records()}
            for rec in out:
                rec["uncorrected_total"] = raw[rec["company"]]["total"]
                rec["uncorrected_stars"] = raw[rec["company"]]["stars"]
        return out

    def source_scores(self) -> npt.NDArray[np.float64]:
        """(C, S): each source's own view of each company, as a share (0–1) of the points
        available on the base indicators it rated; NaN where it rated none."""
        s, p = self.scores, self.plan
        used = ~np.isnan(s.source_points) & ~p.is_bonus[None, None, :]
        got = np.where(used, np.nan_to_num(s.source_points), 0.0) * p.scale
        avail = np.where(used, p.max_points * p.scale, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = got.sum(axis=2) / avail.sum(axis=2)
        return np.where(avail.sum(axis=2) > 0, out, np.nan)

    def to_json(self, *, indent: int | None = 2) -> str:
        """Deterministic JSON: provenance, then the companies as in :meth:`to_records`, keys
        sorted."""
        doc = {"provenance": self.provenance(), "companies": self.to_records(),
               "dropped": [d.to_dict() for d in self.dropped]}
        return json.dumps(doc, indent=indent, sort_keys=True, ensure_ascii=False,
                          allow_nan=False)

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row per company (needs the ``pandas`` extra)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError(
                "Report.to_frame() needs pandas: pip install 'red-property[pandas]'"
            ) from None
        rows = []
        for rec in self.to_records():
            flat = {k: v for k, v in rec.items()
                    if k not in ("dimensions", "dimension_shares", "sources", "vetoed",
                                 "not_rated", "quorum_short")}
            flat.update({f"dim.{k}": v for k, v in rec["dimensions"].items()})
            flat.update({f"source.{k}": v for k, v in rec["sources"].items()})
            flat["vetoed"] = ",".join(rec["vetoed"])
            flat["not_rated"] = "; ".join(rec["not_rated"])
            rows.append(flat)
        if not rows:
            return pd.DataFrame(columns=["company"]).set_index("company")
        return pd.DataFrame(rows).set_index("company")

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Write one row per company; text cells that a spreadsheet would run as a formula
        (starting with = + - @, tab or CR) are prefixed with ' so they stay text."""
        recs = self.to_records()
        p = self.plan
        header = ["company", "name", "district", "rated", "total", "stars", "earned", "claimed",
                  "verdict", "rank", *[f"dim.{d}" for d in p.dimensions],
                  *[f"source.{s}" for s in p.sources],
                  "bonus", "vetoed", "not_rated"]
        # utf-8-sig: spreadsheet programs read Chinese names right only with the BOM
        with open(path, "w", newline="", encoding="utf-8-sig") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            for r in recs:
                row = [r["company"], r["name"] or "", r["district"] or "", r["rated"],
                       r["total"], r["stars"], r["earned"], r["claimed"], r["verdict"], r["rank"],
                       *r["dimensions"].values(), *r["sources"].values(), r["bonus"],
                       ",".join(r["vetoed"]), "; ".join(r["not_rated"])]
                w.writerow([_cell(v) for v in row])

    # ------------------------------------------------------------------ display

    def table(self, *, limit: int | None = None) -> str:
        """The star table as text, best first (equal totals in company order)."""
        top = self.plan.rubric.top_stars
        order = self._order()
        if limit is not None:
            order = order[:limit]
        labels = [self._label(str(c)) for c in self.companies]
        width = max([len("company"), *(_width(labels[c]) for c in order.tolist())])
        lines = [f"{'rank':>4}  {'company':<{width}}  {'total':>7}  {'stars':<{top + 2}}  claim"]
        a, s = self.awards, self.scores
        for c in order.tolist():
            rated = bool(a.rated[c])
            rank = str(a.rank[c]) if rated else "-"
            total = f"{s.total[c]:7.{self.plan.digits}f}" if rated else f"{'-':>7}"
            claim = ""
            if a.claimed[c] >= 0:
                claim = f"{a.claimed[c]}★ {VERDICTS[int(a.verdict[c])]}"
            flags = []
            if a.vetoed[c].any():
                flags.append("veto: " + ",".join(v.id for k, v in
                                                 enumerate(self.plan.rubric.vetoes)
                                                 if a.vetoed[c, k]))
            if not rated:
                flags.append("; ".join(a.reasons(c)))
            raw = self.uncorrected
            if raw is not None and rated and (raw.scores.total[c] != s.total[c]
                                              or raw.awards.stars[c] != a.stars[c]):
                flags.append(f"uncorrected {raw.scores.total[c]:.{self.plan.digits}f} "
                             f"{raw.awards.stars[c]}★")
            extra = ("  " + " | ".join(flags)) if flags else ""
            pad = " " * (width - _width(labels[c]))
            lines.append(f"{rank:>4}  {labels[c]}{pad}  {total}  "
                         f"{stars_text(int(a.stars[c]), top, rated=rated):<{top + 2}}  "
                         f"{claim}{extra}".rstrip())
        counts = np.bincount(a.stars[a.rated], minlength=top + 1)
        summary = ", ".join(f"{k}★ {int(counts[k])}" for k in range(top, -1, -1))
        lines.append(f"{len(self)} companies: {summary}; not rated {int((~a.rated).sum())}")
        if self.uncorrected is not None:
            moved = int((self.uncorrected.awards.stars != a.stars).sum())
            lines.append(f"rater-corrected values ({len(self.rater_flags)} rater flag(s)); "
                         f"{moved} award(s) differ from the uncorrected ones")
        if self.rows_dropped:
            reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.dropped_by_reason.items()))
            lines.append(f"{self.rows_dropped} of {self.rows_read} rating rows dropped "
                         f"({reasons})")
        return "\n".join(lines)

    def _label(self, company: str) -> str:
        """The company id, with its name when the companies table gave one."""
        name = self.names.get(company)
        return printable(f"{company} {name}" if name else company)

    def _order(self) -> npt.NDArray[np.int64]:
        a, s = self.awards, self.scores
        key = np.where(a.rated, -s.total, np.inf)
        return np.lexsort((np.arange(len(self)), key)).astype(np.int64)

    def __str__(self) -> str:
        return self.table()

    def _repr_html_(self) -> str:
        top = self.plan.rubric.top_stars
        order = self._order()
        shown = order[:HTML_ROWS]
        a, s, p = self.awards, self.scores, self.plan
        e = html.escape
        head = "".join(f"<th>{e(p.rubric.dimensions[d].label.short())}</th>"
                       for d in p.dimensions)
        rows = []
        for c in shown.tolist():
            rated = bool(a.rated[c])
            dims = "".join(f"<td>{s.dimension[c, k]:.1f}</td>" for k in range(len(p.dimensions)))
            note = "; ".join(a.reasons(c))
            rows.append(
                f"<tr><td>{a.rank[c] if rated else '-'}</td>"
                f"<td>{e(self._label(str(self.companies[c])))}</td>"
                f"<td>{s.total[c]:.{p.digits}f}</td>"
                f"<td>{e(stars_text(int(a.stars[c]), top, rated=rated))}</td>{dims}"
                f"<td>{e(note)}</td></tr>"
            )
        more = (f"<p>… {len(self) - len(shown)} more companies (use to_frame() or to_records())"
                "</p>") if len(self) > len(shown) else ""
        r = p.rubric
        return (
            f"<div><p><b>{e(r.title.short())}</b> {e(r.id)}@{e(r.version)} — {len(self)} "
            f"companies, {self.rows_used} of {self.rows_read} rows used</p>"
            f"<table><thead><tr><th>rank</th><th>company</th><th>total</th><th>stars</th>{head}"
            f"<th>note</th></tr></thead><tbody>{''.join(rows)}</tbody></table>{more}</div>"
        )

    # ------------------------------------------------------------------ explain

    def explain(self, company: str) -> Explanation:
        """Why ``company`` got its stars: parts, weights, level trace and the gap upward."""
        c = self._index(company)
        p, s, a = self.plan, self.scores, self.awards
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
        trace = tuple(self._trace(c, n) for n in range(len(rubric.levels) - 1, -1, -1))
        stars = int(a.stars[c])
        higher = [n for n, lv in enumerate(rubric.levels) if lv.stars > stars]
        next_level = rubric.levels[higher[0]].stars if higher and a.rated[c] else None
        gap: tuple[Condition, ...] = ()
        if next_level is not None:
            gap = tuple(x for x in self._trace(c, higher[0]).conditions if not x.passed)
            gap += self._blockers(c, next_level)
        return Explanation(
            company=str(self.companies[c]),
            rated=bool(a.rated[c]),
            not_rated_reasons=a.reasons(c),
            total=float(s.total[c]),
            raw_total=float(s.raw_total[c]),
            stars=stars,
            earned=int(a.earned[c]),
            claimed=int(a.claimed[c]) if a.claimed[c] >= 0 else None,
            verdict=VERDICTS[int(a.verdict[c])],
            rank=int(a.rank[c]) if a.rated[c] else None,
            top=rubric.top_stars,
            dimensions={d: (float(s.dimension[c, k]), float(p.dimension_max[k]))
                        for k, d in enumerate(p.dimensions)},
            parts=tuple(parts),
            adjustments=adjustments,
            by_source=by_source,
            weights=weights,
            trace=trace,
            vetoes=tuple(v.id for k, v in enumerate(rubric.vetoes) if a.vetoed[c, k]),
            next_level=next_level,
            gap=gap,
            labels={d: rubric.dimensions[d].label.short() for d in p.dimensions},
            name=self.names.get(str(self.companies[c])),
            headroom=self._headroom(c),
        )

    def _headroom(self, c: int, top: int = 5) -> tuple[tuple[str, float, float], ...]:
        """The base indicators with the most points still to gain, in total-scale points."""
        p, s = self.plan, self.scores
        most = p.max_points * p.scale
        room = np.where(p.is_bonus, 0.0, most - np.nan_to_num(s.points[c]))
        order = [int(i) for i in np.argsort(-room, kind="stable")[:top] if room[i] > 1e-9]
        return tuple((p.indicators[i], float(s.points[c, i]), float(most[i])) for i in order)

    def _trace(self, c: int, n: int) -> LevelTrace:
        p, s, a = self.plan, self.scores, self.awards
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

    def _blockers(self, c: int, next_level: int) -> tuple[Condition, ...]:
        """What stops ``next_level`` besides the level's own conditions: vetoes and claims."""
        p, a = self.plan, self.awards
        out = []
        for k, veto in enumerate(p.rubric.vetoes):
            if a.vetoed[c, k] and veto.limit < next_level:
                out.append(Condition(f"veto {veto.id}", "not triggered", "triggered", False))
        claimed = int(a.claimed[c])
        if claimed >= 0 and a.verdict[c] == REFUSED:
            out.append(Condition("claim", f"reach the claimed {claimed}★",
                                 f"{int(a.after_veto[c])}★ reached", False))
        if (claimed >= 0 and claimed < next_level
                and p.rubric.claims.above_claim == "award_claim"):
            out.append(Condition("claim", f"a claim of {next_level}★ or more", f"{claimed}★",
                                 False))
        return tuple(out)


def _width(text: str) -> int:
    """Columns a text takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
