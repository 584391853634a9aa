"""Scores from checked ratings: arrays in, arrays out, no files.

Flow, vectorised over all companies at once:

1. within each source, the raters' values on one company and indicator are aggregated (mean,
   median, or mean after dropping the k highest and k lowest);
2. a source-indicator cell with fewer raters than the source's quorum is *short*: the source's
   policy drops it (its weight goes to the other sources), marks the company not rated, or fails;
3. each source's aggregate is mapped to points by the indicator's kind;
4. the covering sources' points are combined with their weights, renormalised over the sources
   present. An indicator on which no source reached its quorum takes the rubric's ``default``
   (else the company is not rated); a source that gave no rating at all on an indicator with a
   default is not counted short, since there "no rating" means the default (no accident
   recorded);
5. points are scaled to the dimension's weight, summed per dimension, the bonus pool is capped,
   the base points are added where every gate passes, the sum is divided by the rubric's
   ``divide_total_by``, and the total is rounded as the rubric says (never above the most that
   can be scored).

Within-source means do not depend on the order of the rows (a plain running sum differs in the
last bits with the order): values that are decimals of a few places (ratings are) are summed
exactly as scaled integers; any others over the rows sorted by value, with a compensating
second pass.

"Weighted sum of the source aggregates" is the combination used: each source first reaches its
own view of the company (within-source aggregation), then the views are weighted. It differs
from "mean of per-rater totals" once raters are missing; the weights the rubric states are the
weights each *source* gets whatever its number of raters.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import numpy as np
import numpy.typing as npt

from ._rowpass import counted_sums, scaled_exactly
from ._tolerance import at_least
from ._values import ValueEquality
from .checking import Checked
from .errors import EvaluationError
from .plan import Plan, WhenShort, indicator_points

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Scores(ValueEquality):
    """Per-company scores. Axes: C companies, S sources, I indicators, D dimensions."""

    raters: IntArray  # (C, S, I) raters counted after exclusions
    value: FloatArray  # (C, S, I) within-source aggregate; NaN where absent or short
    weight: FloatArray  # (C, S, I) effective source weight (0 where not used)
    source_points: FloatArray  # (C, S, I) points (indicator scale) by each source's aggregate
    defaulted: BoolArray  # (C, I) the rubric's default was used
    combined_value: FloatArray  # (C, I) weighted raw value (checks: share of yes)
    points: FloatArray  # (C, I) points in total scale (after dimension scaling)
    dimension: FloatArray  # (C, D)
    bonus_raw: FloatArray  # (C,)
    bonus: FloatArray  # (C,) after the pool cap
    base: FloatArray  # (C,) base points granted (the gates passed)
    raw_total: FloatArray  # (C,) before rounding
    total: FloatArray  # (C,) rounded
    short: BoolArray  # (C, S, I) cell below quorum (or missing) where the source covers
    not_rated_quorum: BoolArray  # (C,) a 'not_rated' source was short
    unscored: BoolArray  # (C, I) no source present and no default

    def __repr__(self) -> str:
        n_c, n_s, n_i = self.raters.shape
        return f"<Scores {n_c} companies x {n_s} sources x {n_i} indicators>"


def aggregate(plan: Plan, checked: Checked, n_companies: int) -> tuple[FloatArray, IntArray]:
    """Within-source aggregate and rater count per (company, source, indicator)."""
    n_s, n_i = len(plan.sources), len(plan.indicators)
    size = n_companies * n_s * n_i
    cell = checked.cell
    if cell is None:
        cell = checked.company * n_s
        cell += checked.source
        cell *= n_i
        cell += checked.indicator
    exact = _exact_means(cell, checked.value, size,
                         len(checked.rater_labels) if checked.one_row_each else None)
    if exact is not None:
        value, counts = exact
    else:
        counts = np.bincount(cell, minlength=size)
        # Sums run over the rows sorted by value (so each cell's values come in one order), so they
        # do not depend on the order of the rows at all (a compensating pass alone leaves the last
        # bit to the order). One sort of floats: much cheaper than sorting by cell and value.
        order = np.argsort(checked.value)
        c_sorted, v_sorted = cell[order], checked.value[order]
        sums = np.bincount(c_sorted, weights=v_sorted, minlength=size)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = sums / counts
            # A second, compensating pass: the residuals' mean corrects the first pass's rounding,
            # so the mean is (nearly always) the float nearest the exact one.
            residual = np.bincount(c_sorted, weights=v_sorted - value[c_sorted], minlength=size)
            value = value + residual / counts
    for s, method in enumerate(plan.method):
        if method == "mean":
            continue
        rows = np.flatnonzero(checked.source == s)
        if rows.size == 0:
            continue
        c, v = cell[rows], checked.value[rows]
        order = np.lexsort((v, c))
        c, v = c[order], v[order]
        starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
        n = np.diff(np.r_[starts, c.size])
        if method == "median":
            lo = v[starts + (n - 1) // 2]
            hi = v[starts + n // 2]
            value[c[starts]] = (lo + hi) / 2.0
        else:
            k, at = int(plan.trim[s]), int(plan.trim_from[s])
            rank = np.arange(c.size) - np.repeat(starts, n)
            size_of = np.repeat(n, n)
            keep = (size_of < at) | ((rank >= k) & (rank < size_of - k))
            kept_cells = c[keep]
            tsum = np.bincount(kept_cells, weights=v[keep], minlength=size)
            tcnt = np.bincount(kept_cells, minlength=size)
            value[c[starts]] = tsum[c[starts]] / tcnt[c[starts]]
    shape = (n_companies, n_s, n_i)
    return value.reshape(shape), counts.reshape(shape).astype(np.int64, copy=False)


#: Values with at most this many decimals are summed exactly, as integers.
_DECIMALS = 6


def _exact_means(cell: IntArray, v: FloatArray, size: int, most_rows: int | None
                 ) -> tuple[FloatArray, IntArray] | None:
    """Means and rows per cell, the means exact up to one final rounding, when every value is
    a decimal of at most :data:`_DECIMALS` places (ratings are): scaled to integers, the sums
    are exact in float64 and so cannot depend on the order of the rows. When no cell holds
    more than ``most_rows`` rows (one per rater), sums and rows come from one bincount
    (:func:`counted_sums`). None when the values are not such decimals."""
    scale = 10.0**_DECIMALS
    scaled = scaled_exactly(v, scale)
    if scaled is None:
        return None
    q, most = scaled
    counted = None if most_rows is None else counted_sums(cell, q, most, most_rows, size)
    if counted is None:
        sums = np.bincount(cell, weights=q, minlength=size).astype(np.float64, copy=False)
        counts = np.bincount(cell, minlength=size).astype(np.int64, copy=False)
    else:
        sums, counts = counted
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / (counts * scale), counts


#: Within this many units in the last place of ``x * 10**digits`` from a tie, binary error may
#: have moved a value across it: such entries are decided on their decimal value.
_TIE_ULPS = 64.0
#: Significant digits a float carries through a few sums and products; beyond them is binary
#: error (a total of 2.5 + 1.0 computed as 3.4999999999999996 is the tie 3.5).
_CARRIED = 15


def _near_tie(r: FloatArray) -> npt.NDArray[np.bool_]:
    """Where ``r`` (a scaled value plus one half) lies within binary error of a whole number."""
    gap = np.abs(r - np.rint(r))
    return np.asarray(gap <= _TIE_ULPS * np.spacing(np.abs(r)), dtype=bool)


def _decimal_codes(x: FloatArray, digits: int, mode: str) -> FloatArray:
    """Exact codes of ``|x|`` rounded at ``digits``, on each value's decimal form at the
    :data:`_CARRIED` significant digits a float holds: 80.45 is the tie it was typed as, though
    its binary neighbour is 80.4499..., and so is a sum that binary error moved off a tie."""
    how = ROUND_HALF_UP if mode == "half_up" else ROUND_HALF_EVEN
    return np.array([float(Decimal(format(abs(float(v)), f".{_CARRIED}g")).scaleb(digits)
                           .quantize(Decimal(1), rounding=how)) for v in x.tolist()],
                    dtype=np.float64)


def half_up_codes(x: FloatArray, digits: int, out: FloatArray | None = None) -> FloatArray:
    """The integer codes of half-up rounding of ``x >= 0`` at ``digits`` decimals
    (``round_half_up(x, digits) == codes / 10**digits``), into ``out`` when given.

    A tie is decided on the value's decimal form, as typed: floats within binary error of a
    tie (a few units in the last place) are rounded exactly with ``decimal`` on their 15
    significant digits, all others by ``floor(x * 10**digits + 0.5)``. The tolerance absorbs
    binary error only, at any ``digits``: 89.99999942 at 6 digits is 89.999999, not 90; any
    value whose shortest form (``repr``) has at most 15 significant digits rounds exactly as
    ``decimal`` rounds that form.
    """
    t = np.multiply(x, 10.0**digits, out=out)
    t += 0.5
    near = np.flatnonzero(_near_tie(t))
    np.floor(t, out=t)
    if near.size:  # flat positions: totals may come as a matrix
        t.flat[near] = _decimal_codes(np.asarray(x).flat[near], digits, "half_up")
    return t


def round_half_up(x: FloatArray, digits: int) -> FloatArray:
    """Round half away from zero at ``digits`` decimals, as score sheets do (四舍五入), deciding
    ties on the decimal value (see :func:`half_up_codes`)."""
    return np.sign(x) * half_up_codes(np.abs(x), digits) / 10.0**digits


def round_half_even(x: FloatArray, digits: int) -> FloatArray:
    """Round half to even at ``digits`` decimals, deciding ties on the decimal value (0.575 is
    a tie, although its binary neighbour is 0.57499999...)."""
    f = 10.0**digits
    a = np.abs(x) * f
    codes = np.rint(a)
    near = np.flatnonzero(_near_tie(a + 0.5))
    if near.size:
        codes.flat[near] = _decimal_codes(np.abs(x).flat[near], digits, "half_even")
    return np.sign(x) * codes / f


def round_values(x: FloatArray, digits: int, mode: str) -> FloatArray:
    """Round as the rubric says: ``half_up``, ``half_even`` or ``none``."""
    if mode == "none":
        return x.copy()
    if mode == "half_even":
        return round_half_even(x, digits)
    return round_half_up(x, digits)


def checks_met(plan: Plan, combined_value: FloatArray) -> BoolArray:
    """(..., C, I) each check indicator's weighted share of yes reaches its pass mark. A
    missing share (NaN: no rating and no default) meets no check however low the pass mark,
    and an indicator that is not a check (its pass mark NaN) is never met."""
    return at_least(combined_value, plan.pass_mark)


def gates_passed(plan: Plan, met: BoolArray) -> BoolArray:
    """(..., C, G) each gate passes: all or any of its checks met, as the gate says."""
    if not len(plan.gate_ids):
        return np.ones((*met.shape[:-1], 0), dtype=bool)
    return np.stack([met[..., members].all(axis=-1) if every else met[..., members].any(axis=-1)
                     for members, every in zip(plan.gate_members, plan.gate_all.tolist(),
                                               strict=True)], axis=-1)


def _weighted(weight: FloatArray, used: BoolArray, x: FloatArray) -> FloatArray:
    """``weight * x`` where ``used`` (NaN read as 0 and infinities as the largest floats,
    as ``np.nan_to_num`` reads them), 0 elsewhere: one product, unless a used entry of ``x``
    is not finite."""
    out = np.zeros_like(weight)
    np.multiply(weight, x, out=out, where=used)
    if np.isfinite(out).all():
        return out
    return np.where(used, weight * np.nan_to_num(x), 0.0)


def score(plan: Plan, checked: Checked, n_companies: int) -> Scores:
    """Score every company (see the module's docstring for the steps)."""
    value, raters = aggregate(plan, checked, n_companies)
    covers = plan.covers[None, :, :]
    present = covers & (raters >= plan.quorum[None, :, None])
    short = covers & ~present
    has_default = ~np.isnan(plan.default)
    # no source reached its quorum on an indicator with a default: the default applies
    defaulted = ~present.any(axis=1) & has_default[None, :]
    # a source that gave no rating at all on such an indicator is not 'short': for these
    # indicators no rating means the default (e.g. no accident recorded)
    short &= ~((raters == 0) & has_default[None, None, :])

    policy = np.array([w.value for w in plan.when_short], dtype=object)
    fail = short & (policy == WhenShort.FAIL.value)[None, :, None]
    if fail.any():
        c, s, i = (int(x[0]) for x in np.nonzero(fail))
        raise EvaluationError(
            f"source {plan.sources[s]!r} has {raters[c, s, i]} rater(s) on indicator "
            f"{plan.indicators[i]!r} for company {str(checked.companies[c])!r}, fewer than its "
            f"quorum of {plan.quorum[s]}; its policy `when_short: fail` refuses to evaluate "
            f"({int(fail.sum())} such cells in all)"
        )
    not_rated_quorum = (short & (policy == WhenShort.NOT_RATED.value)[None, :, None]).any(
        axis=(1, 2))

    value = np.where(present, value, np.nan)
    w = np.where(present, plan.source_weight[None, :, None], 0.0)
    wsum = w.sum(axis=1)  # (C, I)
    unscored = (wsum <= 0) & ~defaulted
    with np.errstate(invalid="ignore", divide="ignore"):
        weight = np.where(wsum[:, None, :] > 0, w / wsum[:, None, :], 0.0)

    inds = plan.rubric.indicators()
    # indicator by indicator over (indicator, company, source) copies: a slice of the
    # (company, source, indicator) arrays would stride through all of their memory each time
    by_indicator = np.ascontiguousarray(value.transpose(2, 0, 1))
    points_by_indicator = np.full(by_indicator.shape, np.nan)
    default_points = np.zeros(len(plan.indicators))
    for k, iid in enumerate(plan.indicators):
        ind = inds[iid][1]
        points_by_indicator[k] = indicator_points(ind, by_indicator[k])
        if has_default[k]:
            default_points[k] = float(indicator_points(ind, np.array([plan.default[k]]))[0])
    source_points = np.ascontiguousarray(points_by_indicator.transpose(1, 2, 0))

    used = weight > 0
    contributed = _weighted(weight, used, source_points)
    own_points = contributed.sum(axis=1) + np.where(defaulted, default_points[None, :], 0.0)
    combined_value = _weighted(weight, used, value).sum(axis=1)
    combined_value = np.where(defaulted, plan.default[None, :], combined_value)
    combined_value = np.where(unscored, np.nan, combined_value)

    points = own_points * plan.scale[None, :]
    dimension = points @ plan.membership
    bonus_raw = points[:, plan.is_bonus].sum(axis=1)
    bonus = np.minimum(bonus_raw, plan.bonus_cap)
    passed = gates_passed(plan, checks_met(plan, combined_value)).all(axis=-1)
    base = np.where(passed, plan.base_points, 0.0)
    raw_total = (dimension.sum(axis=1) + base + bonus) / plan.divide_by
    # rounding never lifts a total above what can be scored (2.5 of 2.5 at 0 digits stays 2.5)
    total = np.minimum(round_values(raw_total, plan.digits, plan.rounding),
                       np.maximum(plan.most_total, raw_total))
    return Scores(
        raters=raters,
        value=value,
        weight=weight,
        source_points=source_points,
        defaulted=defaulted,
        combined_value=combined_value,
        points=points,
        dimension=dimension,
        bonus_raw=bonus_raw,
        bonus=bonus,
        base=base,
        raw_total=raw_total,
        total=total,
        short=short,
        not_rated_quorum=not_rated_quorum,
        unscored=unscored,
    )
