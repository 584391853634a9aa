"""Compile a :class:`~red_property.rubric.Rubric` into a :class:`Plan`: index maps and arrays.

Scoring works on the plan's arrays; the only models it still reads are the indicators, once per
indicator (not per row or company), to map values to points by kind.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .loading import fingerprint, load_rubric
from .rubric import (
    BonusIndicator,
    CheckIndicator,
    DeductionIndicator,
    Indicator,
    MeasureIndicator,
    OptionsIndicator,
    Rubric,
    ScoreIndicator,
    max_points,
)
from .rubric_checks import dimension_maxima, total_maxima

__all__ = ["Plan", "as_plan", "compile_plan", "indicator_points", "label_codes"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

WHEN_SHORT = ("renormalise", "not_rated", "fail")

#: Any rated value must lie within ± this (larger magnitudes are input errors, not
#: measurements, and would overflow sums), whatever the indicator's domain.
VALUE_LIMIT = 1e15


@dataclass(frozen=True, slots=True)
class Plan:
    """A rubric as arrays. Axes: S sources, I indicators, D dimensions, L levels."""

    rubric: Rubric
    fingerprint: str
    sources: tuple[str, ...]
    indicators: tuple[str, ...]
    dimensions: tuple[str, ...]
    source_weight: FloatArray  # (S,) as stated (not normalised)
    covers: BoolArray  # (S, I)
    quorum: IntArray  # (S,)
    when_short: IntArray  # (S,) index into WHEN_SHORT
    peer: BoolArray  # (S,)
    method: tuple[str, ...]  # (S,) mean / median / trimmed
    trim: IntArray  # (S,)
    trim_from: IntArray  # (S,) fewest raters at which trimming applies
    dimension_of: IntArray  # (I,)
    kind: tuple[str, ...]  # (I,)
    max_points: FloatArray  # (I,) in the indicator's own points
    scale: FloatArray  # (I,) factor from indicator points to total points
    is_bonus: BoolArray  # (I,)
    is_check: BoolArray  # (I,)
    pass_mark: FloatArray  # (I,) checks: share of yes to be met; NaN otherwise
    default: FloatArray  # (I,) NaN when none
    lower: FloatArray  # (I,) lowest valid raw value
    upper: FloatArray  # (I,) highest valid raw value
    integral: BoolArray  # (I,) raw values must be whole numbers
    dimension_max: FloatArray  # (D,)
    bonus_cap: float  # inf when none
    level_stars: IntArray  # (L,)
    level_min_total: FloatArray  # (L,)
    level_min_share: FloatArray  # (L, D) 0 where none
    level_requires: BoolArray  # (L, I)
    level_min_bonus: FloatArray  # (L,)
    digits: int
    rounding: str
    index: dict[str, int]  # position of each indicator id
    membership: FloatArray  # (I, D) 1 where a base (not bonus) indicator counts to a dimension
    most_total: float  # the most a company can score: base maximum plus the bonus room
    option_keys: dict[int, tuple[str, ...]] = field(default_factory=dict)
    #: options indicators that read a number as an option's points (``numbers: points``)
    option_points: dict[int, tuple[float, ...]] = field(default_factory=dict)


def as_plan(rubric: Rubric | Plan | str | os.PathLike[str]) -> Plan:
    """A compiled plan from a plan, a rubric, or a rubric file."""
    if isinstance(rubric, Plan):
        return rubric
    if isinstance(rubric, (str, os.PathLike)):
        rubric = load_rubric(rubric)
    if not isinstance(rubric, Rubric):
        raise TypeError(f"rubric must be a Rubric, a Plan or a path to a rubric file, not "
                        f"{type(rubric).__name__}")
    return compile_plan(rubric)


def label_codes(labels: npt.NDArray[np.str_], known: tuple[str, ...]) -> IntArray:
    """Position of each label in ``known``, -1 where absent (one lookup per label, not per
    row)."""
    pos = {k: n for n, k in enumerate(known)}
    return np.array([pos.get(str(label), -1) for label in labels.tolist()], dtype=np.int64)


def compile_plan(rubric: Rubric) -> Plan:
    """The arrays scoring needs, from a validated rubric."""
    items = rubric.indicators()
    indicators = tuple(items)
    dimensions = tuple(rubric.dimensions)
    sources = tuple(rubric.sources)
    n_i = len(indicators)
    index = {iid: k for k, iid in enumerate(indicators)}
    dim_index = {did: k for k, did in enumerate(dimensions)}

    covers = np.zeros((len(sources), n_i), dtype=bool)
    for s, src in enumerate(rubric.sources.values()):
        if src.covers == "all":
            covers[s] = True
            continue
        for ref in src.covers:
            if ref in rubric.dimensions:
                for iid in rubric.dimensions[ref].indicators:
                    covers[s, index[iid]] = True
            else:
                covers[s, index[ref]] = True

    aggs = [src.aggregation() for src in rubric.sources.values()]
    maxima = dimension_maxima(rubric)
    dim_of = np.array([dim_index[items[i][0]] for i in indicators], dtype=np.int64)
    inds = [items[i][1] for i in indicators]
    mx = np.array([max_points(ind) for ind in inds], dtype=float)
    is_bonus = np.array([isinstance(ind, BonusIndicator) for ind in inds])
    base_sum = np.zeros(len(dimensions))
    np.add.at(base_sum, dim_of[~is_bonus], mx[~is_bonus])
    with np.errstate(divide="ignore", invalid="ignore"):
        dim_scale = np.where(base_sum > 0, np.array(list(maxima.values())) / base_sum, 0.0)
    scale = np.where(is_bonus, 1.0, dim_scale[dim_of])
    lower, upper, integral = zip(*(_domain(ind) for ind in inds), strict=True)
    membership = np.zeros((n_i, len(dimensions)))
    membership[np.flatnonzero(~is_bonus), dim_of[~is_bonus]] = 1.0

    levels = rubric.levels
    min_share = np.zeros((len(levels), len(dimensions)))
    requires = np.zeros((len(levels), n_i), dtype=bool)
    for n, level in enumerate(levels):
        share = level.min_dimension_share
        if isinstance(share, dict):
            for did, v in share.items():
                min_share[n, dim_index[did]] = v
        elif share is not None:
            min_share[n] = np.where(np.array(list(maxima.values())) > 0, share, 0.0)
        for iid in level.requires:
            requires[n, index[iid]] = True

    return Plan(
        rubric=rubric,
        fingerprint=fingerprint(rubric),
        sources=sources,
        indicators=indicators,
        dimensions=dimensions,
        source_weight=np.array([src.weight for src in rubric.sources.values()]),
        covers=covers,
        quorum=np.array([src.quorum for src in rubric.sources.values()], dtype=np.int64),
        when_short=np.array([WHEN_SHORT.index(src.when_short)
                             for src in rubric.sources.values()], dtype=np.int64),
        peer=np.array([src.peer for src in rubric.sources.values()]),
        method=tuple(a.method for a in aggs),
        trim=np.array([a.trim if a.method == "trimmed" else 0 for a in aggs], dtype=np.int64),
        trim_from=np.array([(a.min_raters or 2 * a.trim + 1) if a.method == "trimmed" else 0
                            for a in aggs], dtype=np.int64),
        dimension_of=dim_of,
        kind=tuple(ind.kind for ind in inds),
        max_points=mx,
        scale=scale,
        is_bonus=is_bonus,
        is_check=np.array([isinstance(ind, CheckIndicator) for ind in inds]),
        pass_mark=np.array([ind.pass_mark if isinstance(ind, CheckIndicator) else np.nan
                            for ind in inds]),
        default=np.array([np.nan if ind.default is None else ind.default for ind in inds]),
        lower=np.array(lower, dtype=float),
        upper=np.array(upper, dtype=float),
        integral=np.array(integral, dtype=bool),
        dimension_max=np.array(list(maxima.values()), dtype=float),
        bonus_cap=float(rubric.bonus_cap) if rubric.bonus_cap is not None else np.inf,
        level_stars=np.array([lv.stars for lv in levels], dtype=np.int64),
        level_min_total=np.array([lv.min_total for lv in levels], dtype=float),
        level_min_share=min_share,
        level_requires=requires,
        level_min_bonus=np.array([lv.min_bonus for lv in levels], dtype=float),
        digits=rubric.rounding.digits,
        rounding=rubric.rounding.mode,
        index=index,
        membership=membership,
        most_total=float(sum(total_maxima(rubric))),
        option_keys={k: tuple(ind.options) for k, ind in enumerate(inds)
                     if isinstance(ind, OptionsIndicator)},
        option_points={k: tuple(ind.options.values()) for k, ind in enumerate(inds)
                       if isinstance(ind, OptionsIndicator) and ind.numbers == "points"},
    )


def _domain(ind: Indicator) -> tuple[float, float, bool]:
    """``(lowest, highest, whole numbers only)`` of one rater's raw value."""
    if isinstance(ind, CheckIndicator):
        return 0.0, 1.0, True
    if isinstance(ind, OptionsIndicator):
        return 0.0, float(len(ind.options) - 1), True
    if isinstance(ind, ScoreIndicator):
        return 0.0, ind.points, False
    if isinstance(ind, MeasureIndicator):
        if ind.range is not None:
            return ind.range[0], ind.range[1], False
        return -np.inf, np.inf, False
    return 0.0, np.inf, True  # deduction and bonus: counts


def indicator_points(ind: Indicator, value: FloatArray) -> FloatArray:
    """Points (in the indicator's own scale) for aggregated raw values; NaN stays NaN."""
    v = np.asarray(value, dtype=float)
    if isinstance(ind, CheckIndicator):
        return ind.points * v
    if isinstance(ind, OptionsIndicator):
        pts = np.array(list(ind.options.values()))
        out = np.interp(v, np.arange(len(pts), dtype=float), pts)
        return np.where(np.isnan(v), np.nan, out)
    if isinstance(ind, ScoreIndicator):
        return np.asarray(np.clip(v, 0.0, ind.points), dtype=np.float64)
    if isinstance(ind, MeasureIndicator):
        return np.asarray(ind.points * measure_share(ind, v), dtype=np.float64)
    if isinstance(ind, DeductionIndicator):
        taken = ind.per * v
        if ind.cap is not None:
            taken = np.minimum(taken, ind.cap)
        return np.maximum(ind.points - taken, ind.floor)
    return np.asarray(np.minimum(ind.per * v, ind.cap), dtype=np.float64)


def measure_share(ind: MeasureIndicator, v: FloatArray) -> FloatArray:
    """Share of the points a measured value earns (goalposts or bands)."""
    if ind.goalposts is not None:
        gp = ind.goalposts
        share = np.clip((v - gp.worst) / (gp.best - gp.worst), 0.0, 1.0)
        return np.where(np.isnan(v), np.nan, share)
    bands = ind.bands or []
    thresholds = np.array([b.threshold for b in bands])
    shares = np.array([b.share for b in bands] + [0.0])
    # bands are listed best first; a value reaches a band when it is at or beyond the threshold
    if ind.better == "higher":
        reached = v[..., None] >= thresholds - 1e-9 * np.maximum(1.0, np.abs(thresholds))
    else:
        reached = v[..., None] <= thresholds + 1e-9 * np.maximum(1.0, np.abs(thresholds))
    first = np.where(reached.any(axis=-1), reached.argmax(axis=-1), len(bands))
    return np.where(np.isnan(v), np.nan, shares[first])
