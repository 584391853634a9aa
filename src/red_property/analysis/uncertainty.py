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

With the rubric's ``rater_correction`` the replicates resample the corrected values, as
:func:`red_property.evaluate` scores them. Every replicate awards through awarding's own
:func:`~red_property.awarding.decide`, over the replicates of a chunk at once. Replicate ``b``
draws from ``numpy.random.default_rng([seed, b])``, so a result depends on the seed alone, not
on the chunks or on where they run (``client=``: a Dask cluster).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .._values import ValueEquality, frozen_mapping
from ..awarding import decide, eligibility, level_conditions
from ..checking import Checked, check_ratings
from ..correction import corrected_ratings, fit_raters
from ..errors import EvaluationError
from ..plan import Plan
from ..report import Report
from ..scoring import checks_met, score
from ._resample import quantiles, require_count, require_distributed, run_chunks, spans

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
HTML_ROWS = 60


@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Uncertainty(ValueEquality):
    """Bootstrap results. Axes: C companies, in report order.

    ``p_stars[c, s]`` is the share of replicates in which company ``c`` is rated and awarded
    ``s`` stars; ``p_not_rated[c]`` the share in which it is not rated (the two add up to 1).
    ``rated`` / ``awarded`` are the report's award (``awarded`` 0 when not rated). ``low`` and
    ``high`` bound the central ``confidence`` share of the replicates' totals, by the inverted
    empirical distribution function (values some replicate produced).
    """

    companies: tuple[str, ...]
    replicates: int
    seed: int
    confidence: float
    rated: BoolArray  # (C,) in the report
    awarded: IntArray  # (C,) stars in the report (0 when not rated)
    total: FloatArray  # (C,) total in the report
    low: FloatArray  # (C,) interval of the total
    high: FloatArray  # (C,)
    p_stars: FloatArray  # (C, top + 1)
    p_not_rated: FloatArray  # (C,)
    fallback: Mapping[str, str]  # source -> how single-rater cells were treated

    def __len__(self) -> int:
        return len(self.companies)

    def __repr__(self) -> str:
        unsure = int((self.p_stable() < 0.95).sum())
        return (f"<Uncertainty {self.replicates} replicates x {len(self.companies)} companies: "
                f"{unsure} awards below 95% stable>")

    def p_stable(self) -> FloatArray:
        """(C,) share of replicates giving the report's award (its stars, or not rated)."""
        top = self.p_stars.shape[1] - 1
        p = self.p_stars[np.arange(len(self.companies)), np.clip(self.awarded, 0, top)]
        return np.where(self.rated, p, self.p_not_rated)

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per company: interval, probability of each level, stability (stars None
        when not rated)."""
        stable = self.p_stable()
        out = []
        for c, name in enumerate(self.companies):
            out.append({
                "company": name,
                "stars": int(self.awarded[c]) if self.rated[c] else None,
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
        records = self.to_records()
        for rec in records[:HTML_ROWS]:
            cells = "".join(f"<td>{rec['p_stars'][s]:.2f}</td>" for s in range(top + 1))
            stars = "not rated" if rec["stars"] is None else f"{rec['stars']}★"
            rows.append(f"<tr><td>{e(rec['company'])}</td><td>{e(stars)}</td>"
                        f"<td>{rec['low']:.1f} – {rec['high']:.1f}</td>{cells}</tr>")
        more = (f"<p>… {len(records) - HTML_ROWS} more companies (use to_records())</p>"
                if len(records) > HTML_ROWS else "")
        return (f"<div><p>{e(repr(self))}</p><table><thead><tr><th>company</th><th>stars</th>"
                f"<th>{self.confidence:.0%} interval</th>{head}</tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>{more}</div>")


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


@dataclass(frozen=True, slots=True, kw_only=True)
class _Inputs:
    """What every replicate needs, compiled once (and scattered once to a cluster)."""

    plan: Plan
    checked: Checked
    claimed: IntArray
    row_triple: IntArray
    group_start_of_draw: IntArray
    size_of_draw: IntArray
    noisy: BoolArray
    row_sd: FloatArray
    lower: FloatArray
    upper: FloatArray


def bootstrap(
    report: Report,
    *,
    replicates: int = 500,
    seed: int = 0,
    confidence: float = 0.9,
    chunk: int = 50,
    client: Any = None,
) -> Uncertainty:
    """Resample raters within each source ``replicates`` times and return intervals and star
    probabilities per company of ``report`` (see the module docstring).

    The same ``seed`` gives the same result whatever ``chunk`` (replicates per task) and
    wherever it runs: ``client``, a :class:`distributed.Client`, runs the chunks on a Dask
    cluster (needs the ``distributed`` extra).
    """
    require_count("replicates", replicates)
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    require_count("chunk", chunk)
    require_distributed(client)
    plan = report.plan
    data = report.ratings
    if plan.rubric.rater_correction:  # resample what evaluate scores: the corrected values
        data = corrected_ratings(fit_raters(plan, data))
    listed = None if report.company_table is None else list(report.company_table.ids)
    checked = check_ratings(plan, data, companies=listed)
    if checked.value.size == 0:
        raise EvaluationError("bootstrap: no usable ratings to resample")
    n_c, n_s = len(checked.companies), len(plan.sources)

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
    inputs = _Inputs(plan=plan, checked=checked, claimed=report.awards.claimed,
                     row_triple=row_triple, group_start_of_draw=np.repeat(starts, sizes),
                     size_of_draw=np.repeat(sizes, sizes), noisy=noisy,
                     row_sd=np.nan_to_num(row_sd), lower=plan.lower[checked.indicator],
                     upper=plan.upper[checked.indicator])
    parts = run_chunks(_chunk_of_replicates, (inputs, seed), spans(replicates, chunk), client)
    totals = np.concatenate([p[0] for p in parts], axis=0)
    stars = np.concatenate([p[1] for p in parts], axis=0)

    alpha = (1 - confidence) / 2
    low, high = quantiles(totals, [alpha, 1 - alpha])
    top = plan.top_stars
    p = np.stack([(stars == s).mean(axis=0) for s in range(top + 1)], axis=1)
    return Uncertainty(
        companies=tuple(str(c) for c in report.companies.tolist()),
        replicates=replicates,
        seed=seed,
        confidence=float(confidence),
        rated=report.awards.rated.copy(),
        awarded=report.awards.stars.astype(np.int64),
        total=report.scores.total.astype(np.float64),
        low=low,
        high=high,
        p_stars=p,
        p_not_rated=(stars < 0).mean(axis=0),
        fallback=frozen_mapping(fallback),
    )


def _chunk_of_replicates(job: tuple[_Inputs, int], b0: int, b1: int
                         ) -> tuple[FloatArray, IntArray]:
    """Replicates ``b0 .. b1``: their totals and stars (-1 where not rated), (n, C) each."""
    inputs, seed = job
    ch, plan = inputs.checked, inputs.plan
    n_c = len(ch.companies)
    n_triples = inputs.group_start_of_draw.size
    cols: dict[str, list[Any]] = {k: [] for k in ("total", "dimension", "bonus", "met",
                                                  "eligible")}
    for b in range(b0, b1):
        rng = np.random.default_rng([seed, b])
        draws = inputs.group_start_of_draw + (
            rng.random(n_triples) * inputs.size_of_draw).astype(np.int64)
        weight = np.bincount(draws, minlength=n_triples)[inputs.row_triple]
        rows = np.repeat(np.arange(weight.size), weight)
        value = ch.value[rows]
        if inputs.noisy.any():
            jitter = rng.standard_normal(rows.size) * inputs.row_sd[rows]
            lo, hi = inputs.lower[rows], inputs.upper[rows]
            moved = value + jitter
            moved = np.where(moved < lo, 2 * lo - moved, moved)  # reflect at the bounds
            moved = np.where(moved > hi, 2 * hi - moved, moved)
            value = np.where(inputs.noisy[rows], np.clip(moved, lo, hi), value)
        sample = ch.take(rows, value)
        sc = score(plan, sample, n_c)
        cols["total"].append(sc.total)
        cols["dimension"].append(sc.dimension)
        cols["bonus"].append(sc.bonus)
        cols["met"].append(checks_met(plan, sc.combined_value))
        cols["eligible"].append(eligibility(plan, sc, inputs.claimed)[0])
    total = np.stack(cols["total"])
    level_total, level_dims, level_bonus = level_conditions(
        plan, total, np.stack(cols["dimension"]), np.stack(cols["bonus"]))
    d = decide(plan, conditions=level_total & level_dims.all(axis=-1) & level_bonus,
               met=np.stack(cols["met"]), claimed=inputs.claimed,
               eligible=np.stack(cols["eligible"]))
    return total, np.where(d.rated, d.stars, -1)
