"""Rater correction: take each rater's leniency or severity out of its values.

Used by :func:`red_property.evaluate` when the rubric says ``rater_correction: true``; the
analysis layer (:func:`red_property.analysis.rater_effects`) reports on the same fit.

The model
---------
Every rating is put on a common scale, ``y = (value - lower) / (upper - lower)``, with the
indicator's domain from the rubric (a check 0-1, options 0 to the last option, a score 0 to its
points, a measure its ``range``); an indicator without finite bounds uses the lowest and highest
value observed for it. Then ``y = u[company, source, indicator] + b[rater] + e`` with
``sum(b) = 0`` over the raters of each source: ``b > 0`` is a rater more lenient, ``b < 0``
more severe than the source's average rater, in shares of each indicator's range. A rater is
compared only with the other raters of its own panel (the same source rating the same
company), so raters who agree on every company they rate together get the same effect, and
how a source as a whole differs from another on a company is never put down to its raters.
It is fitted by least squares, alternating over the two blocks (backfitting) until no fitted
value moves by more than ``1e-10``. Deduction and bonus indicators (counts of facts, not
judgements) are left out by default.

The correction
--------------
``value - (b - m) * (upper - lower)`` with ``m`` the median effect of the rater's source (over
the raters with at least ``min_ratings`` informative ratings, all of them when fewer than two
have that many), so one lenient assessor does not make the rest of the panel look severe.
Values are clipped to the indicator's domain and rounded on whole-number indicators.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .checking import Checked, check_ratings, option_values
from .plan import Plan, label_codes
from .ratings import Ratings

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Indicator kinds left out of the fit by default: counts of facts, not judgements.
FACT_KINDS = ("deduction", "bonus")
#: Fewest informative ratings for a rater to join the panel that sets its source's median.
MIN_RATINGS = 10
#: The fit stops when no fitted value moves by more than this.
FIT_TOLERANCE = 1e-10
#: The fit gives up (and says so) after this many rounds.
MAX_ROUNDS = 5000


@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class RaterFit:
    """The rater-effects model fitted to a season. Axes: N rows in the fit (ratings on the
    included indicators that checking kept), R raters in the fit, S sources, I indicators."""

    plan: Plan
    ratings: Ratings
    checked: Checked
    keep: BoolArray  # (checked rows,) the rows in the fit
    y: FloatArray  # (N,) values on the common scale
    resid: FloatArray  # (N,)
    cell: IntArray  # (N,) company x source x indicator cell: one panel's ratings of one indicator
    rater: IntArray  # (N,) index into ``raters_used``
    raters_used: IntArray  # (R,) rater codes of ``ratings``
    rater_source: IntArray  # (R,)
    effect: FloatArray  # (R,) b
    informative: BoolArray  # (N,) the row shares its cell with another rating
    n: IntArray  # (R,) informative ratings
    median: FloatArray  # (S,) median effect of each source's panel
    shift_by_code: FloatArray  # (rater codes,) b minus its source's median: what is removed
    lower: FloatArray  # (I,) normalising lower bound
    span: FloatArray  # (I,) normalising range
    included: BoolArray  # (I,) indicators in the fit
    rounds: int
    converged: bool

    @property
    def company(self) -> IntArray:
        """(N,) company codes (into ``checked.companies``) of the rows in the fit."""
        return self.checked.company[self.keep]

    @property
    def source(self) -> IntArray:
        """(N,) source of the rows in the fit."""
        return self.checked.source[self.keep]

    @property
    def indicator(self) -> IntArray:
        """(N,) indicator of the rows in the fit."""
        return self.checked.indicator[self.keep]


def _group_mean(codes: IntArray, x: FloatArray, count: FloatArray) -> FloatArray:
    return np.bincount(codes, weights=x, minlength=count.shape[0]) / count


def _backfit(y: FloatArray, cell: IntArray, rater: IntArray, rater_source: IntArray,
             n_sources: int) -> tuple[FloatArray, FloatArray, int, bool]:
    """Alternating least squares for ``y = u[cell] + b[rater]``, every cell within one source,
    sum(b) = 0 within each source. Returns ``b``, the residuals, the rounds and whether it
    converged."""
    n_cell, n_rater = int(cell.max()) + 1, int(rater.max()) + 1
    c_cell = np.bincount(cell, minlength=n_cell).astype(float)
    c_rater = np.bincount(rater, minlength=n_rater).astype(float)
    raters_in = np.bincount(rater_source, minlength=n_sources).astype(float)
    u = _group_mean(cell, y, c_cell)
    b = np.zeros(n_rater)
    fit = u[cell]
    converged = False
    it = 0
    for it in range(1, MAX_ROUNDS + 1):  # noqa: B007  (the count is reported)
        b = _group_mean(rater, y - u[cell], c_rater)
        # the constraint moves each source's mean effect into its cells: the fit is unchanged
        b -= (np.bincount(rater_source, weights=b, minlength=n_sources)
              / np.maximum(raters_in, 1.0))[rater_source]
        u = _group_mean(cell, y - b[rater], c_cell)
        new_fit = u[cell] + b[rater]
        change = float(np.max(np.abs(new_fit - fit)))
        fit = new_fit
        if change < FIT_TOLERANCE:
            converged = True
            break
    return b, y - fit, it, converged


def fit_raters(plan: Plan, ratings: Ratings, *, indicators: Sequence[str] | None = None,
               min_ratings: int = MIN_RATINGS) -> RaterFit:
    """Fit the rater-effects model (see the module docstring). ``indicators`` restricts the
    fit to these ids (default: all but deduction and bonus indicators); ``min_ratings`` sets
    who joins the panel whose median is each source's standard. Rows are checked as
    :func:`red_property.evaluate` checks them."""
    n_i, n_s = len(plan.indicators), len(plan.sources)
    if indicators is None:
        included = np.array([k not in FACT_KINDS for k in plan.kind], dtype=bool)
    else:
        unknown = [i for i in indicators if i not in plan.indicators]
        if unknown:
            raise ValueError(f"unknown indicators {unknown}; the rubric's are "
                             f"{', '.join(plan.indicators)}")
        included = np.isin(np.array(plan.indicators, dtype=str), list(indicators))
    checked = check_ratings(plan, ratings)
    keep = included[checked.indicator] if checked.indicator.size else np.zeros(0, dtype=bool)
    company, source = checked.company[keep], checked.source[keep]
    indicator, value = checked.indicator[keep], checked.value[keep]

    # normalise to the domain; unbounded sides use the observed extremes
    lower, upper = plan.lower.copy(), plan.upper.copy()
    if value.size:
        obs_lo = np.full(n_i, np.inf)
        obs_hi = np.full(n_i, -np.inf)
        np.minimum.at(obs_lo, indicator, value)
        np.maximum.at(obs_hi, indicator, value)
        lower = np.where(np.isfinite(lower), lower, obs_lo)
        upper = np.where(np.isfinite(upper), upper, obs_hi)
    span = upper - lower
    span = np.where(np.isfinite(span) & (span > 0), span, 1.0)
    lower = np.where(np.isfinite(lower), lower, 0.0)
    y = (value - lower[indicator]) / span[indicator]

    empty_i = np.zeros(0, dtype=np.int64)
    shift = np.zeros(len(ratings.rater_labels))
    if y.size == 0:
        return RaterFit(plan=plan, ratings=ratings, checked=checked, keep=keep, y=y, resid=y,
                        cell=empty_i, rater=empty_i, raters_used=empty_i,
                        rater_source=empty_i, effect=np.zeros(0),
                        informative=np.zeros(0, dtype=bool), n=empty_i,
                        median=np.zeros(n_s), shift_by_code=shift, lower=lower, span=span,
                        included=included, rounds=0, converged=True)
    cell = np.unique((company * n_s + source) * n_i + indicator,
                     return_inverse=True)[1].ravel()
    raters_used, rater = np.unique(checked.rater[keep], return_inverse=True)
    rater = rater.ravel()
    rater_source = np.zeros(raters_used.shape[0], dtype=np.int64)
    rater_source[rater] = source
    b, resid, rounds, converged = _backfit(y, cell, rater, rater_source, n_s)
    informative = np.bincount(cell)[cell] >= 2
    n = np.bincount(rater, weights=informative.astype(float),
                    minlength=raters_used.shape[0]).astype(np.int64)
    median = np.zeros(n_s)
    for s in range(n_s):
        members = (rater_source == s) & (n > 0)
        panel = members & (n >= min_ratings)
        if np.count_nonzero(panel) < 2:
            panel = members
        if panel.any():
            median[s] = float(np.median(b[panel]))
    shift[raters_used] = b - median[rater_source]
    shift[np.abs(shift) < FIT_TOLERANCE] = 0.0  # below what the fit resolves: no effect
    return RaterFit(plan=plan, ratings=ratings, checked=checked, keep=keep, y=y, resid=resid,
                    cell=cell, rater=rater, raters_used=raters_used,
                    rater_source=rater_source, effect=b, informative=informative, n=n,
                    median=median, shift_by_code=shift, lower=lower, span=span,
                    included=included, rounds=rounds, converged=converged)


def corrected_ratings(fit: RaterFit) -> Ratings:
    """The fitted ratings' rows with each rater's effect taken out of ``value``.

    ``value - (b - m) * (upper - lower)`` (see the module docstring); clipped to the domain;
    whole-number indicators are rounded (an options rating that changes is written as the
    label of its new option, as the input gives options). Rows the rubric would drop (out of
    range, unknown indicator) are left as they were, so they are dropped again; indicators
    left out of the fit are unchanged.
    """
    r, plan = fit.ratings, fit.plan
    ind = label_codes(r.indicator_labels, plan.indicators)[r.indicator]
    known = ind >= 0
    ii = np.maximum(ind, 0)
    value = r.value.copy()
    coded = option_values(plan, r, ind)[0] if plan.option_keys else value.copy()
    text = None if r.text is None else r.text.copy()
    shift = np.where(known & fit.included[ii], fit.shift_by_code[r.rater] * fit.span[ii], 0.0)
    lo, hi = plan.lower[ii], plan.upper[ii]
    integral = plan.integral[ii]
    with np.errstate(invalid="ignore"):
        ok = known & np.isfinite(coded) & (coded >= lo) & (coded <= hi) & (shift != 0.0)
        ok &= ~integral | (coded == np.round(coded))
        new = np.clip(coded - shift, lo, hi)
    new = np.where(integral, np.round(new), new)
    changed = ok & (new != coded)
    value[changed] = new[changed]
    if plan.option_keys:
        if text is None:
            text = np.full(len(value), "", dtype=object)
        for k, keys in plan.option_keys.items():
            rows = np.flatnonzero(changed & (ind == k))
            text[rows] = np.asarray(keys, dtype=object)[new[rows].astype(np.int64)]
            value[rows] = np.nan
        changed &= ~np.isin(ind, list(plan.option_keys))
    if text is not None:
        text[changed] = ""
    return dataclasses.replace(r, value=value, text=text,
                               origin=f"{r.origin} (rater-corrected)")
