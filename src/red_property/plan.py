"""Compile a :class:`~red_property.rubric.Rubric` into a :class:`Plan`: every decision as arrays.

The plan holds everything scoring and awarding decide by: index maps, weights, coverage and
quorums, maxima, levels, gates, vetoes and the claims policy, as arrays and enums. Scoring works
on the plan's arrays; the only models it still reads are the indicators, once per indicator (not
per row or company), to map values to points by kind. Awarding reads the plan alone. Nothing here
knows YAML or files.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from ._fingerprint import fingerprint
from ._rubric_bounds import _domain, _missing_value, dimension_maxima, total_maxima
from ._tolerance import at_least, at_most
from .rubric import Aggregate, Rubric
from .rubric_indicators import (
    BonusIndicator,
    CheckIndicator,
    DeductionIndicator,
    Indicator,
    MeasureIndicator,
    OptionsIndicator,
    ScoreIndicator,
    max_points,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]



class WhenShort(enum.Enum):
    """What a source's ``when_short`` policy does with a cell below its quorum."""

    RENORMALISE = "renormalise"
    NOT_RATED = "not_rated"
    FAIL = "fail"


class AboveClaim(enum.Enum):
    """A company earned more than it claimed: award the claim or what it earned."""

    AWARD_CLAIM = "award_claim"
    AWARD_EARNED = "award_earned"


class BelowClaim(enum.Enum):
    """A company earned less than it claimed: award what it earned, or none."""

    AWARD_EARNED = "award_earned"
    AWARD_NONE = "award_none"


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimsPolicy:
    """The rubric's claims policy (对标认领)."""

    required: bool
    above: AboveClaim
    below: BelowClaim

#: Any rated value must lie within ± this (larger magnitudes are input errors, not
#: measurements, and would overflow sums), whatever the indicator's domain.
VALUE_LIMIT = 1e15


@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Plan:
    """A rubric as arrays. Axes: S sources, I indicators, D dimensions, L levels, G gates,
    V vetoes. Built by :func:`compile_plan`; its arrays are read-only."""

    rubric: Rubric
    fingerprint: str
    sources: tuple[str, ...]
    indicators: tuple[str, ...]
    dimensions: tuple[str, ...]
    source_weight: FloatArray  # (S,) as stated (not normalised)
    covers: BoolArray  # (S, I)
    quorum: IntArray  # (S,)
    when_short: tuple[WhenShort, ...]  # (S,)
    peer: BoolArray  # (S,)
    method: tuple[str, ...]  # (S,) mean / median / trimmed
    trim: IntArray  # (S,)
    trim_from: IntArray  # (S,) fewest raters at which trimming applies
    dimension_of: IntArray  # (I,)
    kind: tuple[str, ...]  # (I,)
    max_points: FloatArray  # (I,) in the indicator's own points
    scale: FloatArray  # (I,) factor from indicator points to total points
    is_bonus: BoolArray  # (I,)
    pass_mark: FloatArray  # (I,) checks: share of yes to be met; NaN otherwise
    default: FloatArray  # (I,) value used without a rating (missing policy); NaN when none
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
    level_names: tuple[str | None, ...]  # (L,) the level's name, when it has one
    base_points: float  # granted to every company that passes the gates
    divide_by: float  # the total is (base + dimensions + bonus) / divide_by
    digits: int
    rounding: str
    index: Mapping[str, int]  # position of each indicator id
    membership: FloatArray  # (I, D) 1 where a base (not bonus) indicator counts to a dimension
    most_total: float  # the most a company can score: base maximum plus the bonus room
    top_stars: int
    gate_ids: tuple[str, ...]  # (G,)
    gate_words: tuple[str, ...]  # (G,) short label of each gate
    gate_members: BoolArray  # (G, I) the checks a gate reads
    gate_all: BoolArray  # (G,) every member must be met (all_of), else one (any_of)
    veto_ids: tuple[str, ...]  # (V,)
    veto_when: IntArray  # (V,) the check whose being met triggers the veto
    veto_limit: IntArray  # (V,) the most stars a vetoed company keeps
    claims: ClaimsPolicy
    option_keys: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    #: options indicators that read a number as an option's points (``numbers: points``)
    option_points: Mapping[int, tuple[float, ...]] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"<Plan {self.rubric.id}@{self.rubric.version}: {len(self.indicators)} "
                f"indicators, {len(self.sources)} sources, {len(self.level_stars)} levels>")

    def __eq__(self, other: object) -> bool:
        """Plans are equal when they compile the same rubric content."""
        if not isinstance(other, Plan):
            return NotImplemented
        return self.fingerprint == other.fingerprint

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    def __reduce__(self) -> tuple[Any, tuple[Rubric]]:
        """Pickled as its rubric and compiled again (to a cluster's workers, for instance)."""
        return compile_plan, (self.rubric,)


def covered(rubric: Rubric) -> dict[str, list[str]]:
    """Per source, the indicators it covers, in rubric order (unknown references skipped)."""
    order = list(rubric.indicators())
    out: dict[str, list[str]] = {}
    for sid, src in rubric.sources.items():
        if src.covers == "all":
            out[sid] = order
            continue
        chosen: set[str] = set()
        for ref in src.covers:
            if ref in rubric.dimensions:
                chosen.update(rubric.dimensions[ref].indicators)
            elif ref in order:
                chosen.add(ref)
        out[sid] = [i for i in order if i in chosen]
    return out


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
    for s, members in enumerate(covered(rubric).values()):
        covers[s, [index[i] for i in members]] = True

    aggs = [src.aggregation() for src in rubric.sources.values()]
    maxima = dimension_maxima(rubric)
    # rubric-level bonus and prerequisites sit in no dimension: they count towards none
    outside = np.array([items[i][0] == "" for i in indicators], dtype=bool)
    dim_of = np.array([dim_index.get(items[i][0], 0) for i in indicators], dtype=np.int64)
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
    counted = ~is_bonus & ~outside
    membership[np.flatnonzero(counted), dim_of[counted]] = 1.0

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
        for iid in [*level.requires, *rubric.prerequisites]:
            requires[n, index[iid]] = True
    min_bonus = np.array([lv.min_bonus for lv in levels], dtype=float)
    if rubric.language_version >= 2:  # a level's conditions hold for every level above it too
        for n in range(1, len(levels)):
            if levels[n].inherit:
                min_share[n] = np.maximum(min_share[n], min_share[n - 1])
                requires[n] |= requires[n - 1]
                min_bonus[n] = max(min_bonus[n], min_bonus[n - 1])

    gate_members = np.zeros((len(rubric.gates), n_i), dtype=bool)
    for g, gate in enumerate(rubric.gates):
        gate_members[g, [index[i] for i in gate.indicators()]] = True
    policy = rubric.claims
    plan = Plan(
        rubric=rubric,
        fingerprint=fingerprint(rubric),
        sources=sources,
        indicators=indicators,
        dimensions=dimensions,
        source_weight=np.array([src.weight for src in rubric.sources.values()]),
        covers=covers,
        quorum=np.array([src.quorum for src in rubric.sources.values()], dtype=np.int64),
        when_short=tuple(WhenShort(src.when_short) for src in rubric.sources.values()),
        peer=np.array([src.peer for src in rubric.sources.values()]),
        method=tuple(a.method for a in aggs),
        trim=np.array([a.trim if a.method == "trimmed" else 0 for a in aggs], dtype=np.int64),
        trim_from=np.array([trim_from(a, rubric.language_version) if a.method == "trimmed" else 0
                            for a in aggs], dtype=np.int64),
        dimension_of=dim_of,
        kind=tuple(ind.kind for ind in inds),
        max_points=mx,
        scale=scale,
        is_bonus=is_bonus,
        pass_mark=np.array([ind.pass_mark if isinstance(ind, CheckIndicator) else np.nan
                            for ind in inds]),
        default=np.array([_missing_value(rubric, iid, ind) for iid, ind in zip(indicators, inds,
                                                                              strict=True)]),
        lower=np.array(lower, dtype=float),
        upper=np.array(upper, dtype=float),
        integral=np.array(integral, dtype=bool),
        dimension_max=np.array(list(maxima.values()), dtype=float),
        bonus_cap=float(rubric.bonus_cap) if rubric.bonus_cap is not None else np.inf,
        level_stars=np.array([lv.stars for lv in levels], dtype=np.int64),
        level_min_total=np.array([lv.min_total for lv in levels], dtype=float),
        level_min_share=min_share,
        level_requires=requires,
        level_min_bonus=min_bonus,
        level_names=tuple(lv.name.short() if lv.name else None for lv in levels),
        base_points=float(rubric.base_points),
        divide_by=float(rubric.divide_total_by),
        digits=rubric.rounding.digits,
        rounding=rubric.rounding.mode,
        index=MappingProxyType(index),
        membership=membership,
        most_total=float(sum(total_maxima(rubric)) + rubric.base_points)
        / rubric.divide_total_by,
        top_stars=int(rubric.top_stars),
        gate_ids=tuple(g.id for g in rubric.gates),
        gate_words=tuple(g.label.short() for g in rubric.gates),
        gate_members=gate_members,
        gate_all=np.array([g.all_of is not None for g in rubric.gates], dtype=bool),
        veto_ids=tuple(v.id for v in rubric.vetoes),
        veto_when=np.array([index[v.when] for v in rubric.vetoes], dtype=np.int64),
        veto_limit=np.array([v.limit for v in rubric.vetoes], dtype=np.int64),
        claims=ClaimsPolicy(required=bool(policy.required), above=AboveClaim(policy.above_claim),
                            below=BelowClaim(policy.below_claim)),
        option_keys=MappingProxyType({k: tuple(ind.options) for k, ind in enumerate(inds)
                                      if isinstance(ind, OptionsIndicator)}),
        option_points=MappingProxyType({
            k: tuple(ind.options.values()) for k, ind in enumerate(inds)
            if isinstance(ind, OptionsIndicator) and ind.numbers == "points"}),
    )
    for name in plan.__slots__:
        value = getattr(plan, name)
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return plan


def trim_from(agg: Aggregate, language: int) -> int:
    """The fewest raters at which trimming applies: as stated, else ``2 x trim + 1`` in
    language 1 and ``2 x trim + 3`` (judging practice: from five raters up for one each way)
    in language 2."""
    if agg.min_raters is not None:
        return agg.min_raters
    return 2 * agg.trim + (1 if language < 2 else 3)


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
    if ind.per is None:
        return np.asarray(np.clip(v, 0.0, ind.cap), dtype=np.float64)
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
        reached = at_least(v[..., None], thresholds)
    else:
        reached = at_most(v[..., None], thresholds)
    first = np.where(reached.any(axis=-1), reached.argmax(axis=-1), len(bands))
    return np.where(np.isnan(v), np.nan, shares[first])
