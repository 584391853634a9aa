"""Raw and rater-corrected results side by side."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .._values import ValueEquality, html_rows
from ..correction import corrected_ratings, fit_raters
from ..evaluation import evaluate_as_rated
from ..report import Report

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]



@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class CorrectedComparison(ValueEquality):
    """Raw and rater-corrected results of every company, side by side. Axes: C companies, in
    report order. Not rated is ``*_rated`` False, with stars 0 in the arrays and None in
    :meth:`to_records`."""

    companies: tuple[str, ...]
    raw_rated: BoolArray
    raw_total: FloatArray
    raw_stars: IntArray
    corrected_rated: BoolArray
    corrected_total: FloatArray
    corrected_stars: IntArray

    def __len__(self) -> int:
        return len(self.companies)

    @property
    def total_change(self) -> FloatArray:
        """(C,) corrected minus raw total."""
        return np.asarray(self.corrected_total - self.raw_total, dtype=np.float64)

    @property
    def stars_changed(self) -> BoolArray:
        """(C,) the award (rated, stars) differs."""
        return np.asarray((self.raw_rated != self.corrected_rated)
                          | (self.raw_stars != self.corrected_stars))

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per company: ``company, rated, raw_total, raw_stars, corrected_total,
        corrected_stars, total_change, stars_change`` (stars None where not rated)."""
        out = []
        for c, name in enumerate(self.companies):
            raw = int(self.raw_stars[c]) if self.raw_rated[c] else None
            cor = int(self.corrected_stars[c]) if self.corrected_rated[c] else None
            out.append({
                "company": name,
                "rated": bool(self.raw_rated[c] and self.corrected_rated[c]),
                "raw_total": float(self.raw_total[c]),
                "raw_stars": raw,
                "corrected_total": float(self.corrected_total[c]),
                "corrected_stars": cor,
                "total_change": round(float(self.total_change[c]), 6),  # as records round
                "stars_change": cor - raw if raw is not None and cor is not None else None,
            })
        return out

    def __repr__(self) -> str:
        return (f"<CorrectedComparison {len(self)} companies: "
                f"{int(self.stars_changed.sum())} awards change>")

    def _repr_html_(self) -> str:
        rows = [[r["company"], _stars(r["raw_stars"]), f"{r['raw_total']:g}",
                 _stars(r["corrected_stars"]), f"{r['corrected_total']:g}",
                 f"{r['total_change']:+g}"] for r in self.to_records()]
        return (f"<div><p>{html.escape(repr(self))}</p>"
                + html_rows(rows, ["company", "raw", "raw total", "corrected",
                                   "corrected total", "change"], what="companies") + "</div>")


def _stars(stars: int | None) -> str:
    return "not rated" if stars is None else f"{stars}★"


def compare_corrected(report: Report) -> CorrectedComparison:
    """Raw and rater-corrected totals and stars of every company of ``report``, side by side:
    the report's own two results when its rubric corrects, else the report beside its season
    scored on rater-corrected values (:mod:`red_property.correction`)."""
    if report.uncorrected is not None:
        raw, cor = report.uncorrected, report
    else:
        raw = report
        fixed = corrected_ratings(fit_raters(report.plan, report.ratings))
        cor = evaluate_as_rated(report.plan, fixed, claims=report.claims,
                                companies=report.company_table)
    index = {str(c): k for k, c in enumerate(cor.companies.tolist())}
    at = np.array([index[str(c)] for c in raw.companies.tolist()], dtype=np.int64)
    return CorrectedComparison(
        companies=tuple(str(c) for c in raw.companies.tolist()),
        raw_rated=raw.awards.rated.copy(),
        raw_total=raw.scores.total.astype(np.float64),
        raw_stars=raw.awards.stars.astype(np.int64),
        corrected_rated=cor.awards.rated[at],
        corrected_total=cor.scores.total[at].astype(np.float64),
        corrected_stars=cor.awards.stars[at].astype(np.int64),
    )
