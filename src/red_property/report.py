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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ._values import ValueEquality, frozen_mapping
from .awarding import OUTCOMES, Awards, ClaimOutcome
from .cells import printable
from .errors import Problem
from .plan import Plan
from .ratings import Claims, Companies, Ratings
from .scoring import Scores

if TYPE_CHECKING:
    from .explanation import Explanation

HTML_ROWS = 60


@dataclass(frozen=True, slots=True, kw_only=True)
class CompanyResult:
    """One company's result in a :class:`Report` (``report["sy-03"]``).

    Not rated is ``rated=False`` with the ``reasons``; ``stars``, ``earned``, ``total`` and
    ``rank`` are then None. ``claim`` is what became of the company's claim
    (``ClaimOutcome.NO_CLAIM`` without one); ``vetoes`` the vetoes that capped or removed its
    stars.
    """

    company: str
    name: str | None
    rated: bool
    reasons: tuple[str, ...]
    stars: int | None
    earned: int | None
    total: float | None
    rank: int | None
    claimed: int | None
    claim: ClaimOutcome
    vetoes: tuple[str, ...]

    def __repr__(self) -> str:
        if not self.rated:
            return f"<CompanyResult {self.company}: not rated>"
        return (f"<CompanyResult {self.company}: {self.stars}★ total {self.total:g} "
                f"rank {self.rank}>")

    def _repr_html_(self) -> str:
        e = html.escape
        who = f"{self.company} {self.name}" if self.name else self.company
        if not self.rated:
            what = "not rated: " + "; ".join(self.reasons)
        else:
            what = f"{self.stars}★, total {self.total:g}, rank {self.rank}"
        claim = "" if self.claimed is None else f"; claimed {self.claimed}★: {self.claim.value}"
        return f"<p><b>{e(who)}</b> {e(what + claim)}</p>"


@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Report(ValueEquality):
    """Scores and stars of every company, with what made them and what it was made from.

    ``report["sy-03"]`` is one company's :class:`CompanyResult`; :attr:`stars` and
    :attr:`totals` map every company to its stars and total (None when not rated). ``ratings``,
    ``claims`` and ``company_table`` are the inputs as given (before any rater correction), so
    the analysis functions need the report alone. Equal reports hold equal values.
    """

    plan: Plan
    companies: npt.NDArray[np.str_]
    scores: Scores
    awards: Awards
    ratings: Ratings
    claims: Claims | None
    company_table: Companies | None
    rows_read: int
    rows_used: int
    dropped: tuple[Problem, ...]
    dropped_by_reason: Mapping[str, int]
    warnings: tuple[str, ...]
    library_version: str
    names: Mapping[str, str] = field(default_factory=frozen_mapping)
    districts: Mapping[str, str] = field(default_factory=frozen_mapping)
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

    def __getitem__(self, company: str) -> CompanyResult:
        """One company's result (KeyError for a company not in the report)."""
        c = self._index(company)
        a, s = self.awards, self.scores
        rated = bool(a.rated[c])
        return CompanyResult(
            company=company,
            name=self.names.get(company),
            rated=rated,
            reasons=a.reasons(c),
            stars=int(a.stars[c]) if rated else None,
            earned=int(a.earned[c]) if rated else None,
            total=float(s.total[c]) if rated else None,
            rank=int(a.rank[c]) if rated else None,
            claimed=int(a.claimed[c]) if a.claimed[c] >= 0 else None,
            claim=OUTCOMES[int(a.verdict[c])],
            vetoes=tuple(v for k, v in enumerate(self.plan.veto_ids) if a.vetoed[c, k]),
        )

    def __contains__(self, company: object) -> bool:
        return bool(np.any(self.companies == company))

    def __iter__(self) -> Iterator[str]:
        """The company ids, in report order (``for c in report: report[c]``)."""
        return iter(self.companies.tolist())

    @property
    def stars(self) -> Mapping[str, int | None]:
        """Stars by company, in report order (None when not rated); read-only."""
        a = self.awards
        return frozen_mapping(zip(self.companies.tolist(),
                                  (int(x) if r else None for x, r in
                                   zip(a.stars.tolist(), a.rated.tolist(), strict=True)),
                                  strict=True))

    @property
    def totals(self) -> Mapping[str, float | None]:
        """Rounded totals by company, in report order (None when not rated); read-only."""
        return frozen_mapping(zip(self.companies.tolist(),
                                  (float(x) if r else None for x, r in
                                   zip(self.scores.total.tolist(),
                                       self.awards.rated.tolist(), strict=True)),
                                  strict=True))

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
                "level": self.level_name(c),
                "earned": int(a.earned[c]) if rated else None,
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
        frame = pd.DataFrame(rows).set_index("company")
        # whole numbers stay whole where a company has none (not rated): pandas' nullable Int64
        return frame.astype({c: "Int64" for c in ("stars", "earned", "claimed", "rank")})

    def to_csv(self, path: str | os.PathLike[str], *, lang: str | None = None) -> None:
        """Write one row per company; text cells that a spreadsheet would run as a formula
        (starting with = + - @, tab or CR) are prefixed with ' so they stay text. ``lang``
        "zh" writes Chinese headers and labels (default: the rubric's, else English)."""
        from . import _messages as m
        from .texts import flat_table

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
        from . import _messages as m
        from .texts import star_table

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

    def level_name(self, company: int) -> str | None:
        """The name of the level company ``company`` (an index) was awarded, when named."""
        n = int(self.awards.level[company])
        return self.plan.level_names[n] if n >= 0 else None

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self, *, lang: str | None = None) -> str:
        """The star table as an HTML fragment (what Jupyter shows): what :meth:`table` shows
        (rank, total, stars, claim and its outcome, vetoes, why a company is not rated, the
        summary lines), plus the dimension scores of rated companies; ``lang`` "en" or "zh"."""
        from . import _messages as m
        from .texts import claim_and_flags, star_table, stars_text

        lang_ = m.resolve(lang, self.plan.rubric)
        top = self.plan.rubric.top_stars
        shown = self._order()[:HTML_ROWS]
        a, s, p = self.awards, self.scores, self.plan
        e = html.escape
        head = "".join(f"<th>{e(m.label(p.rubric.dimensions[d].label, lang_, d))}</th>"
                       for d in p.dimensions)
        rows = []
        for c in shown.tolist():
            label = self._label(str(self.companies[c]))
            if a.rated[c]:
                cells = [str(a.rank[c]), label, f"{s.total[c]:.{p.digits}f}",
                         stars_text(int(a.stars[c]), top, lang=lang_),
                         *(f"{s.dimension[c, k]:.1f}" for k in range(len(p.dimensions)))]
            else:  # no rank, total or scores: only why it is not rated
                cells = ["-", label, "-", stars_text(0, top, rated=False, lang=lang_),
                         *(["-"] * len(p.dimensions))]
            claim, flags = claim_and_flags(self, c, lang_)
            cells += [claim, " | ".join(flags)]
            rows.append("<tr>" + "".join(f"<td>{e(x)}</td>" for x in cells) + "</tr>")
        more = (f"<p>{e(m.msg('table.more', lang_, n=len(self) - len(shown)))}</p>"
                if len(self) > len(shown) else "")
        summary = "".join(f"<p>{e(line)}</p>" for line in
                          star_table(self, limit=0, lang=lang_).splitlines()[1:])
        r = p.rubric
        counts = m.msg("table.rows_used", lang_, n=len(self), used=self.rows_used,
                       read=self.rows_read)
        cols = "".join(f"<th>{e(m.msg(f'col.{k}', lang_))}</th>"
                       for k in ("rank", "company", "total", "stars"))
        tail = "".join(f"<th>{e(m.msg(f'col.{k}', lang_))}</th>" for k in ("claim", "note"))
        return (
            f"<div><p><b>{e(m.label(r.title, lang_))}</b> {e(r.id)}@{e(r.version)} — "
            f"{e(counts)}</p>"
            f"<table><thead><tr>{cols}{head}{tail}</tr></thead><tbody>{''.join(rows)}</tbody>"
            f"</table>{more}{summary}</div>"
        )

    # ------------------------------------------------------------------ explain

    def explain(self, company: str, *, lang: str | None = None) -> Explanation:
        """Why ``company`` got its stars: parts, weights, level trace and the gap upward;
        ``str()`` of it reads in ``lang`` ("en" or "zh"; default the rubric's, else English)."""
        from .explanation import explain

        return explain(self, self._index(company), lang=lang)


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
