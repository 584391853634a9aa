"""Rater agreement of a season, per source and per dimension.

For each source and dimension the season's ratings become a table with one row per rated unit
(a company on one indicator of the dimension) and one column per rater of the source, values
normalised to the indicator's domain (0–1) so indicators of different scales can share a table.
Krippendorff's alpha (interval) uses every unit with two ratings or more; the ICC needs units
every rater rated, so it is reported only where at least two such units exist — peer panels,
where each company is rated by different peers, usually have none, and alpha is the measure.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._values import frozen_mapping
from ..checking import check_ratings
from ..report import Report
from .agreement import krippendorff_alpha
from .icc import icc


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class PanelAgreement:
    """Agreement per (source, dimension): alpha, ICC(A,k) and ICC(A,1) where computable."""

    rows: tuple[Mapping[str, Any], ...]

    def __repr__(self) -> str:
        alphas = [r["alpha"] for r in self.rows if r["alpha"] is not None]
        low = min(alphas) if alphas else float("nan")
        return f"<PanelAgreement {len(self.rows)} panels: lowest alpha {low:.2f}>"

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per source and dimension."""
        return [dict(r) for r in self.rows]

    def _repr_html_(self) -> str:
        e = html.escape

        def f(x: Any) -> str:
            return "–" if x is None else f"{x:.3f}"

        body = "".join(
            f"<tr><td>{e(r['source'])}</td><td>{e(r['dimension'])}</td><td>{r['units']}</td>"
            f"<td>{r['raters']}</td><td>{f(r['alpha'])}</td><td>{f(r['icc_a_k'])}</td>"
            f"<td>{e(r['note'])}</td></tr>" for r in self.rows)
        return ("<table><thead><tr><th>source</th><th>dimension</th><th>units</th>"
                "<th>raters</th><th>alpha (interval)</th><th>ICC(A,k)</th><th>note</th></tr>"
                f"</thead><tbody>{body}</tbody></table>")


def rater_agreement(report: Report) -> PanelAgreement:
    """Krippendorff's alpha and ICC per source and dimension of the season a report scored
    (its ratings as given, rows checked as :func:`red_property.evaluate` checks them)."""
    plan = report.plan
    ch = check_ratings(plan, report.ratings)
    width = plan.upper - plan.lower
    finite = np.isfinite(width) & (width > 0)
    rows = []
    for s, sid in enumerate(plan.sources):
        for d, did in enumerate(plan.dimensions):
            mask = (ch.source == s) & (plan.dimension_of[ch.indicator] == d)
            if not mask.any():
                continue
            ind = ch.indicator[mask]
            v = ch.value[mask]
            lo = plan.lower[ind]
            v = np.where(finite[ind], (v - lo) / np.where(finite[ind], width[ind], 1.0), v)
            unit_key = ch.company[mask] * len(plan.indicators) + ind
            units, u = np.unique(unit_key, return_inverse=True)
            raters, r = np.unique(ch.rater[mask], return_inverse=True)
            table = np.full((units.size, raters.size), np.nan)
            table[u, r] = v
            row: dict[str, Any] = {"source": sid, "dimension": did, "units": int(units.size),
                                   "raters": int(raters.size), "alpha": None,
                                   "icc_a_k": None, "icc_a_1": None, "note": ""}
            try:
                row["alpha"] = round(krippendorff_alpha(table, level="interval"), 6)
            except ValueError as exc:
                row["note"] = f"alpha: {exc}"
            complete = int((~np.isnan(table)).all(axis=1).sum())
            if raters.size >= 2 and complete >= 2:
                try:
                    res = icc(table)
                    a_k, a_1 = res["ICC2k"].icc, res["ICC2"].icc
                    row["icc_a_k"] = None if math.isnan(a_k) else round(a_k, 6)
                    row["icc_a_1"] = None if math.isnan(a_1) else round(a_1, 6)
                except ValueError as exc:
                    row["note"] = (row["note"] + "; " if row["note"] else "") + f"ICC: {exc}"
            elif raters.size >= 2:
                row["note"] = "ICC needs units every rater rated; use alpha"
            rows.append(frozen_mapping(row))
    return PanelAgreement(rows=tuple(rows))
