"""How sure is a star? A seeded bootstrap over raters within each source.

Each replicate redraws, for every company and source, that source's raters of the company with
replacement (a rater drawn twice counts twice), then scores and awards exactly as
:func:`red_property.evaluate` does, with every rule of the rubric. Over the replicates each
company gets a confidence interval of its total and the probability of each star level.

**Parametric fallback.** A company rated by a single rater of a source cannot be resampled
within that source. For those cells each replicate adds normal noise to the rater's value with
the source's pooled within-company spread (the standard deviation of raters around their cell
mean, per indicator, pooled over the cells of that source with two raters or more), reflected
at the bounds of the indicator's domain (so a value at the top is not only pushed down).
Whole-number indicators (checks, options, counts) are not jittered: noise means nothing there.
When no cell of a source has two raters the source's values are kept fixed, and
:attr:`Uncertainty.fallback` says so.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from ..awarding import award
from ..checking import Checked, check_ratings
from ..correction import corrected_ratings, fit_raters
from ..errors import EvaluationError
from ..evaluation import as_plan, evaluate_as_rated
from ..plan import Plan
from ..ratings import Claims, Ratings, as_ratings
from ..rubric import Rubric
from ..scoring import score

__all__ = ["Uncertainty", "bootstrap"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True, repr=False)
class Uncertainty:
    """Bootstrap results. Axes: C companies, B replicates, L star levels 0..top."""

    companies: npt.NDArray[np.str_]
    replicates: int
    seed: int
    confidence: float
    awarded: IntArray  # (C,) stars on the full data (-1 not rated)
    total: FloatArray  # (C,) total on the full data
    low: FloatArray  # (C,) interval of the total
    high: FloatArray  # (C,)
    p_stars: FloatArray  # (C, top + 1) share of replicates awarding each level
    # (replicates in which the company is not rated count in p_not_rated, not here)
    p_not_rated: FloatArray  # (C,)
    fallback: dict[str, str]  # source -> how single-rater cells were treated

    def __repr__(self) -> str:
        unsure = int((self.p_stable() < 0.95).sum())
        return (f"<Uncertainty {self.replicates} replicates x {len(self.companies)} companies: "
                f"{unsure} awards below 95% stable>")

    def p_stable(self) -> FloatArray:
        """(C,) probability that a replicate gives the awarded level."""
        top = self.p_stars.shape[1] - 1
        idx = np.clip(self.awarded, 0, top)
        p = self.p_stars[np.arange(len(self.companies)), idx]
        return np.where(self.awarded >= 0, p, self.p_not_rated)

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per company: interval, probability of each level, stability."""
        stable = self.p_stable()
        out = []
        for c, name in enumerate(self.companies.tolist()):
            out.append({
                "company": name,
                "stars": int(self.awarded[c]) if self.awarded[c] >= 0 else None,
                "total": float(self.total[c]),
                "low": float(self.low[c]),
                "high": float(self.high[c]),
                "p_stars": {s: round(float(p), 6) for s, p in enumerate(self.p_stars[c])},
                "p_not_rated": round(float(self.p_not_rated[c]), 6),
                "p_stable": round(float(stable[c]), 6),
            })
        return out

    def _repr_html_(self) -> str:
        e = html.escape
        top = self.p_stars.shape[1] - 1
        head = "".join(f"<th>P({s}★)</th>" for s in range(top + 1))
        rows = []
        for rec in self.to_records()[:60]:
            cells = "".join(f"<td>{rec['p_stars'][s]:.2f}</td>" for s in range(top + 1))
            rows.append(f"<tr><td>{e(rec['company'])}</td><td>{rec['stars']}</td>"
                        f"<td>{rec['low']:.1f} – {rec['high']:.1f}</td>{cells}</tr>")
        return (f"<table><thead><tr><th>company</th><th>stars</th>"
                f"<th>{self.confidence:.0%} interval</th>{head}</tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>")


def _groups(checked: Checked, n_s: int) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Per row its (company, source, rater) triple; per triple its (company, source) group;
    per group the first triple and the number of raters."""
    key = (checked.company * n_s + checked.source) * max(len(checked.rater_labels), 1) \
        + checked.rater
    triples, row_triple = np.unique(key, return_inverse=True)
    group_key = triples // max(len(checked.rater_labels), 1)
    starts = np.flatnonzero(np.r_[True, group_key[1:] != group_key[:-1]])
    sizes = np.diff(np.r_[starts, group_key.size])
    return row_triple.astype(np.int64), group_key, starts.astype(np.int64), sizes


def _pooled_sd(plan: Plan, checked: Checked, n_c: int) -> FloatArray:
    """(S, I) pooled within-cell standard deviation of raters, NaN where not estimable."""
    n_s, n_i = len(plan.sources), len(plan.indicators)
    cell = (checked.company * n_s + checked.source) * n_i + checked.indicator
    size = n_c * n_s * n_i
    cnt = np.bincount(cell, minlength=size).astype(float)
    s1 = np.bincount(cell, weights=checked.value, minlength=size)
    s2 = np.bincount(cell, weights=checked.value**2, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        ss = np.maximum(s2 - s1**2 / cnt, 0.0)
    ss = np.where(cnt > 1, ss, 0.0).reshape(n_c, n_s, n_i).sum(axis=0)
    dof = np.where(cnt > 1, cnt - 1, 0.0).reshape(n_c, n_s, n_i).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(dof > 0, np.sqrt(ss / dof), np.nan)


def bootstrap(
    rubric: Rubric | Plan | str | os.PathLike[str],
    ratings: Ratings | str | os.PathLike[str],
    *,
    claims: Claims | dict[str, int] | str | os.PathLike[str] | None = None,
    replicates: int = 500,
    seed: int = 0,
    confidence: float = 0.9,
) -> Uncertainty:
    """Resample raters within each source ``replicates`` times (seeded; the same seed gives
    the same result) and return intervals and star probabilities per company."""
    if replicates < 1:
        raise ValueError("replicates must be at least 1")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    plan = as_plan(rubric)
    data = as_ratings(ratings)
    if plan.rubric.rater_correction:  # resample what evaluate scores: the corrected values
        data = corrected_ratings(fit_raters(plan, data))
    base = evaluate_as_rated(plan, data, claims=claims)
    checked = check_ratings(plan, data)
    if checked.value.size == 0:
        raise EvaluationError("bootstrap: no usable ratings to resample")
    n_c, n_s = len(checked.companies), len(plan.sources)
    claimed = base.awards.claimed

    row_triple, group_key, starts, sizes = _groups(checked, n_s)
    group_of_row = np.searchsorted(group_key[starts], group_key[row_triple])
    single_row = sizes[group_of_row] == 1
    sd = _pooled_sd(plan, checked, n_c)
    row_sd = sd[checked.source, checked.indicator]
    noisy = single_row & ~np.isnan(row_sd) & ~plan.integral[checked.indicator]
    fallback = {}
    for s, sid in enumerate(plan.sources):
        singles = single_row & (checked.source == s)
        if singles.any():
            fallback[sid] = ("normal noise with the pooled within-company SD"
                             if noisy[singles].any() else "kept fixed (no cell has two raters)")
    lower = plan.lower[checked.indicator]
    upper = plan.upper[checked.indicator]

    rng = np.random.default_rng(seed)
    top = plan.rubric.top_stars
    totals = np.empty((replicates, n_c))
    stars = np.empty((replicates, n_c), dtype=np.int64)
    n_triples = group_key.size
    group_start_of_draw = np.repeat(starts, sizes)
    size_of_draw = np.repeat(sizes, sizes)
    for b in range(replicates):  # one full, vectorised evaluation per replicate
        draws = group_start_of_draw + (rng.random(n_triples) * size_of_draw).astype(np.int64)
        weight = np.bincount(draws, minlength=n_triples)[row_triple]
        rows = np.repeat(np.arange(weight.size), weight)
        value = checked.value[rows]
        if noisy.any():
            jitter = rng.standard_normal(rows.size) * np.nan_to_num(row_sd[rows])
            lo, hi = lower[rows], upper[rows]
            moved = value + jitter
            moved = np.where(moved < lo, 2 * lo - moved, moved)  # reflect at the bounds
            moved = np.where(moved > hi, 2 * hi - moved, moved)
            value = np.where(noisy[rows], np.clip(moved, lo, hi), value)
        sample = replace(checked, company=checked.company[rows], source=checked.source[rows],
                         indicator=checked.indicator[rows], rater=checked.rater[rows],
                         value=value)
        sc = score(plan, sample, n_c)
        aw = award(plan, sc, claimed)
        totals[b] = sc.total
        stars[b] = np.where(aw.rated, aw.stars, -1)

    alpha = (1 - confidence) / 2
    rated = stars >= 0
    p = np.stack([(stars == s).mean(axis=0) for s in range(top + 1)], axis=1)
    return Uncertainty(
        companies=checked.companies,
        replicates=replicates,
        seed=seed,
        confidence=confidence,
        awarded=np.where(base.awards.rated, base.awards.stars, -1),
        total=base.scores.total.copy(),
        low=np.quantile(totals, alpha, axis=0),
        high=np.quantile(totals, 1 - alpha, axis=0),
        p_stars=p,
        p_not_rated=1.0 - rated.mean(axis=0),
        fallback=fallback,
    )
