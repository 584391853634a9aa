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
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from . import _messages as m
from .awarding import OUTCOMES, REFUSED, Awards
from .cells import printable
from .errors import Problem
from .plan import AboveClaim, Plan
from .scoring import Scores
from .texts import condition_text, explanation_text, flat_table, num, star_table, stars_text

__all__ = ["Condition", "Explanation", "LevelTrace", "Part", "Report"]

HTML_ROWS = 60


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
        return explanation_text(self)

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
            "rater_correction": {"applied": self.uncorrected is not None},
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
                "verdict": OUTCOMES[int(a.verdict[c])].value,
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
                "vetoed": [v for k, v in enumerate(p.veto_ids) if a.vetoed[c, k]],
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

    def to_csv(self, path: str | os.PathLike[str], *, lang: str | None = None) -> None:
        """Write one row per company; text cells that a spreadsheet would run as a formula
        (starting with = + - @, tab or CR) are prefixed with ' so they stay text. ``lang``
        "zh" writes Chinese headers and labels (default: the rubric's, else English)."""
        header, rows = flat_table(self, m.resolve(lang, self.plan.rubric))
        # utf-8-sig: spreadsheet programs read Chinese names right only with the BOM
        with open(path, "w", newline="", encoding="utf-8-sig") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            for row in rows:
                w.writerow([_cell(v) for v in row])

    def to_excel(self, path: str | os.PathLike[str], *, lang: str | None = None) -> None:
        """Write an .xlsx workbook: star table, breakdown by dimension and source, dropped
        rows, provenance (needs the ``excel`` extra); ``lang`` "en" or "zh"."""
        from .excel import write_workbook

        write_workbook(self, path, lang=lang)

    def notice(self, path: str | os.PathLike[str], *, title: str | None = None,
               period: str, contact: str, lang: str | None = None) -> None:
        """Write the public notice of the rated companies and their stars as a self-contained
        HTML page (``.html``) or, where Chromium is installed, a PDF (``.pdf``); see
        :func:`red_property.notice.write_notice`."""
        from .notice import write_notice

        write_notice(self, path, title=title, period=period, contact=contact, lang=lang)

    # ------------------------------------------------------------------ display

    def table(self, *, limit: int | None = None, lang: str | None = None) -> str:
        """The star table as text, best first (equal totals in company order); ``lang``
        "en" or "zh" (default: the rubric's ``language``, else English)."""
        return star_table(self, limit=limit, lang=m.resolve(lang, self.plan.rubric))

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
        return self.to_html()

    def to_html(self, *, lang: str | None = None) -> str:
        """The star table as an HTML fragment (what Jupyter shows); ``lang`` "en" or "zh"."""
        lang_ = m.resolve(lang, self.plan.rubric)
        top = self.plan.rubric.top_stars
        order = self._order()
        shown = order[:HTML_ROWS]
        a, s, p = self.awards, self.scores, self.plan
        e = html.escape
        head = "".join(f"<th>{e(m.label(p.rubric.dimensions[d].label, lang_, d))}</th>"
                       for d in p.dimensions)
        rows = []
        for c in shown.tolist():
            rated = bool(a.rated[c])
            dims = "".join(f"<td>{s.dimension[c, k]:.1f}</td>" for k in range(len(p.dimensions)))
            note = m.msg("sep.clause", lang_).join(m.reason(x, lang_, p.rubric)
                                                   for x in a.reasons(c))
            rows.append(
                f"<tr><td>{a.rank[c] if rated else '-'}</td>"
                f"<td>{e(self._label(str(self.companies[c])))}</td>"
                f"<td>{s.total[c]:.{p.digits}f}</td>"
                f"<td>{e(stars_text(int(a.stars[c]), top, rated=rated, lang=lang_))}</td>{dims}"
                f"<td>{e(note)}</td></tr>"
            )
        more = (f"<p>{e(m.msg('table.more', lang_, n=len(self) - len(shown)))}</p>"
                if len(self) > len(shown) else "")
        r = p.rubric
        counts = m.msg("table.rows_used", lang_, n=len(self), used=self.rows_used,
                       read=self.rows_read)
        cols = "".join(f"<th>{e(m.msg(f'col.{k}', lang_))}</th>"
                       for k in ("rank", "company", "total", "stars"))
        return (
            f"<div><p><b>{e(m.label(r.title, lang_))}</b> {e(r.id)}@{e(r.version)} — "
            f"{e(counts)}</p>"
            f"<table><thead><tr>{cols}{head}"
            f"<th>{e(m.msg('col.note', lang_))}</th></tr></thead><tbody>{''.join(rows)}</tbody>"
            f"</table>{more}</div>"
        )

    # ------------------------------------------------------------------ explain

    def explain(self, company: str, *, lang: str | None = None) -> Explanation:
        """Why ``company`` got its stars: parts, weights, level trace and the gap upward;
        ``str()`` of it reads in ``lang`` ("en" or "zh"; default the rubric's, else English)."""
        language = m.resolve(lang, self.plan.rubric)
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
            name=self.names.get(str(self.companies[c])),
            headroom=self._headroom(c),
            lang=language,
            indicator_labels={i: m.label(ind.label, language, i)
                              for i, (_, ind) in rubric.indicators().items()},
            source_labels={k: m.label(v.label, language, k) for k, v in rubric.sources.items()},
            veto_labels={v.id: m.label(v.label, language, v.id) for v in rubric.vetoes},
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
        for iid in level.requires:
            i = p.index[iid]
            ok = bool(a.met[c, i])
            conds.append(Condition(f"{iid} met", "yes", "yes" if ok else "no", ok,
                                   kind="requires", subject=iid))
        if level.min_bonus > 0:
            have = float(s.bonus[c])
            conds.append(Condition("bonus", level.min_bonus, have, bool(a.level_bonus[c, n]),
                                   max(0.0, level.min_bonus - have), d, kind="bonus"))
        return LevelTrace(level.stars, bool(a.level_pass[c, n]), tuple(conds))

    def _blockers(self, c: int, next_level: int) -> tuple[Condition, ...]:
        """What stops ``next_level`` besides the level's own conditions: vetoes and claims."""
        p, a = self.plan, self.awards
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


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
