"""Stars from scores: gates, level conditions, vetoes and claims, over companies and draws.

Order of decisions (each one stated by the rubric, each read from the :class:`Plan`):

1. **not rated** — the company has no rating at all, a gate failed, a source with
   ``when_short: not_rated`` was short, an indicator had no rating and no default, or a claim
   is required and missing;
2. **earned** — the highest level whose every condition holds: the total reaches ``min_total``,
   each dimension its ``min_dimension_share`` of its maximum, each required check is met, the
   bonus reaches ``min_bonus``. Comparisons forgive float error (one tolerance for the whole
   engine) so float error never costs a star;
3. **vetoes** — a met veto condition removes the stars or caps them;
4. **claims** (对标认领) — a claimed level is confirmed when reached (``above_claim`` says whether
   a higher earned level is awarded); otherwise the earned level or none (``below_claim``).

Ranks are competition ranks ("1224") on the rounded total among rated companies.

:func:`decide` and :func:`rank` work over any leading axes (draws of a weight Monte Carlo,
replicates of a bootstrap) before the company axis, so every consumer awards through them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._tolerance import at_least
from ._values import ValueEquality, frozen_mapping
from .plan import AboveClaim, BelowClaim, Plan, WhenShort
from .scoring import Scores, checks_met, gates_passed

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
AnyArray = npt.NDArray[np.generic]


class ClaimOutcome(enum.Enum):
    """What became of a company's claim."""

    NO_CLAIM = "no claim"
    CONFIRMED = "confirmed"
    EXCEEDED = "exceeded"
    LOWERED = "lowered"
    REFUSED = "refused"


#: Claim outcomes by the integer code awarding stores them as.
OUTCOMES = tuple(ClaimOutcome)
NO_CLAIM, CONFIRMED, EXCEEDED, LOWERED, REFUSED = range(len(OUTCOMES))


@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Decision:
    """What :func:`decide` returns. Axes: ``...`` any leading axes, C companies, L levels,
    G gates, V vetoes."""

    level_pass: BoolArray  # (..., C, L) every condition of the level holds
    earned: IntArray  # (..., C) stars by score and conditions
    vetoed: BoolArray  # (..., C, V)
    after_veto: IntArray  # (..., C)
    verdict: IntArray  # (..., C) code into OUTCOMES
    gate_pass: BoolArray  # (..., C, G)
    rated: BoolArray  # (..., C)
    stars: IntArray  # (..., C) 0 when not rated


@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class Awards(ValueEquality):
    """Per-company decisions. Axes: C companies, I indicators, L levels, D dimensions,
    G gates, V vetoes."""

    met: BoolArray  # (C, I) checks met (False for other kinds)
    level_total: BoolArray  # (C, L) min_total reached
    level_dims: BoolArray  # (C, L, D) each dimension's minimum reached
    level_bonus: BoolArray  # (C, L)
    level_pass: BoolArray  # (C, L)
    earned: IntArray  # (C,) stars by score and conditions
    vetoed: BoolArray  # (C, V)
    after_veto: IntArray  # (C,)
    claimed: IntArray  # (C,) -1 when no claim
    verdict: IntArray  # (C,) code into OUTCOMES
    eligible: BoolArray  # (C,) rated unless a gate fails (the conditions weights cannot move)
    rated: BoolArray  # (C,)
    stars: IntArray  # (C,) 0 when not rated
    level: IntArray  # (C,) index of the level awarded, -1 for none
    rank: IntArray  # (C,) 0 when not rated
    not_rated_reasons: Mapping[int, tuple[str, ...]]  # company index -> why (not rated only)

    def __repr__(self) -> str:
        return (f"<Awards {self.rated.shape[0]} companies: {int(self.rated.sum())} rated, "
                f"{self.level_pass.shape[-1]} levels>")

    def reasons(self, company: int) -> tuple[str, ...]:
        """Why company ``company`` (an index) is not rated; () when it is rated."""
        return self.not_rated_reasons.get(company, ())


def level_conditions(plan: Plan, total: FloatArray, dimension: FloatArray, bonus: FloatArray
                     ) -> tuple[BoolArray, BoolArray, BoolArray]:
    """Per level, whether the total, each dimension and the bonus reach the level's minimums:
    ``(..., C, L)``, ``(..., C, L, D)`` and ``(..., C, L)``."""
    level_total = at_least(total[..., None], plan.level_min_total)
    need = plan.level_min_share * plan.dimension_max
    level_dims = at_least(dimension[..., None, :], need)
    level_bonus = at_least(bonus[..., None], plan.level_min_bonus)
    return level_total, level_dims, level_bonus


def decide(plan: Plan, *, conditions: BoolArray, met: BoolArray, claimed: IntArray,
           eligible: BoolArray) -> Decision:
    """Stars from the level conditions that depend on scores, over any leading axes.

    ``conditions`` (..., C, L): the level's minimums on total, dimensions and bonus hold;
    ``met`` (..., C, I): the checks met; ``claimed`` (C,): the claimed stars, -1 for none;
    ``eligible`` (..., C): rated unless a gate fails (see :func:`eligibility`).
    """
    requires = np.stack([met[..., plan.level_requires[lv]].all(axis=-1)
                         for lv in range(len(plan.level_stars))], axis=-1)
    level_pass = conditions & requires
    earned = np.where(level_pass, plan.level_stars, 0).max(axis=-1, initial=0).astype(np.int64)

    vetoed = met[..., plan.veto_when]
    cap = np.where(vetoed, plan.veto_limit, plan.top_stars).min(axis=-1, initial=plan.top_stars)
    after_veto = np.minimum(earned, cap)

    policy = plan.claims
    has_claim = claimed >= 0
    reached = after_veto >= claimed
    above = after_veto > claimed
    verdict = np.where(has_claim & reached, CONFIRMED, NO_CLAIM)
    stars = after_veto
    if policy.above is AboveClaim.AWARD_EARNED:
        verdict = np.where(has_claim & above, EXCEEDED, verdict)
    else:
        stars = np.where(has_claim & above, claimed, stars)
    short = has_claim & ~reached
    if policy.below is BelowClaim.AWARD_NONE:
        verdict = np.where(short, REFUSED, verdict)
        stars = np.where(short, 0, stars)
    else:
        verdict = np.where(short, LOWERED, verdict)

    gate_pass = gates_passed(plan, met)
    rated = eligible & gate_pass.all(axis=-1)
    return Decision(
        level_pass=level_pass,
        earned=earned,
        vetoed=vetoed,
        after_veto=after_veto.astype(np.int64),
        verdict=verdict.astype(np.int64),
        gate_pass=gate_pass,
        rated=rated,
        stars=np.where(rated, stars, 0).astype(np.int64),
    )


def eligibility(plan: Plan, scores: Scores, claimed: IntArray
                ) -> tuple[BoolArray, BoolArray, BoolArray, BoolArray]:
    """Whether each company can be rated whatever its scores (C,), and why not:
    ``(eligible, no ratings, an indicator without rating or default, a required claim
    missing)``. A company with a source short under ``when_short: not_rated`` is not eligible
    either (:attr:`Scores.not_rated_quorum`)."""
    unrated = scores.raters.sum(axis=(1, 2)) == 0
    unscored = scores.unscored.any(axis=1) & ~unrated
    no_claim = (claimed < 0) if plan.claims.required else np.zeros(claimed.shape, dtype=bool)
    eligible = ~(unrated | scores.not_rated_quorum | unscored | no_claim)
    return eligible, unrated, unscored, no_claim


def rank(total: AnyArray, rated: BoolArray, *, axis: int = -1) -> AnyArray:
    """Competition ranks ("1224") of ``total`` among the ``rated`` companies, 0 where not rated.

    ``total`` (C,) or two-dimensional with the companies along ``axis`` (the other axis: draws
    or replicates) is the rounded total, or integer codes of it, which rank by a histogram
    (linear in the companies). ``rated`` broadcasts to ``total``. Returns int64 for float
    totals, the smallest unsigned type that holds the ranks for integer codes.
    """
    t = np.asarray(total)
    ok = np.broadcast_to(rated, t.shape)
    if t.ndim == 1:
        return np.asarray(rank(t[None, :], ok[None, :])[0])
    a = axis % 2
    n_c, n = t.shape[a], t.shape[1 - a]
    if n_c == 0 or n == 0:
        return np.zeros(t.shape, dtype=np.int64)

    def along(x: AnyArray) -> AnyArray:  # a per-draw vector, broadcast along the companies
        return x[None, :] if a == 0 else x[:, None]

    if not np.issubdtype(t.dtype, np.integer):
        vals = np.where(ok, -t.astype(np.float64), np.inf)
        order = np.sort(vals, axis=a)
        out = np.zeros(t.shape, dtype=np.int64)
        for j in range(n):
            at = (slice(None), j) if a == 0 else (j, slice(None))
            r = np.searchsorted(order[at], vals[at], side="left") + 1
            out[at] = np.where(ok[at], r, 0)
        return out
    kmin = int(t.min())
    nb = int(t.max()) - kmin + 2  # the last bin collects the companies not rated
    base = np.arange(n, dtype=np.int64) * nb
    idx = np.add(t, along(base - kmin), dtype=np.int64)
    if not ok.all():
        np.copyto(idx, along(base + nb - 1), where=~ok)
    hist = np.bincount(idx.ravel(), minlength=nb * n).reshape(n, nb)
    hist[:, nb - 1] = 0
    # rank of bin b = 1 + companies in bins above b; the last bin (not rated) ranks 0
    above = np.cumsum(hist[:, :0:-1], axis=1, dtype=np.int64)  # bins nb-1 .. 1
    table = np.empty((n, nb), dtype=np.uint16 if n_c <= np.iinfo(np.uint16).max else np.uint32)
    np.add(above[:, ::-1], 1, out=table[:, : nb - 1], casting="unsafe")
    table[:, nb - 1] = 0
    return np.take(table.ravel(), idx)


def awarded_level(plan: Plan, d: Decision) -> IntArray:
    """(..., C) the index of the level awarded, -1 for none. A level of 0 stars (a named, rated
    level such as Basic) is awarded when it was earned, no veto was triggered and no claim was
    refused."""
    match = plan.level_stars == d.stars[..., None]  # (..., C, L)
    level = np.where(match.any(axis=-1), match.argmax(axis=-1), -1)
    zero = np.flatnonzero(plan.level_stars == 0)
    if zero.size:
        kept = (d.rated & d.level_pass[..., int(zero[0])] & ~d.vetoed.any(axis=-1)
                & (d.verdict != REFUSED))
        level = np.where((d.stars == 0) & ~kept, -1, level)
    return np.where(d.rated, level, -1).astype(np.int64)


def award(plan: Plan, scores: Scores, claimed: IntArray) -> Awards:
    """Stars, verdicts and ranks for every company."""
    met = checks_met(plan, scores.combined_value)
    level_total, level_dims, level_bonus = level_conditions(plan, scores.total,
                                                            scores.dimension, scores.bonus)
    eligible, unrated, unscored, no_claim = eligibility(plan, scores, claimed)
    d = decide(plan, conditions=level_total & level_dims.all(axis=-1) & level_bonus, met=met,
               claimed=claimed, eligible=eligible)
    reasons = {c: _reasons(plan, scores, c, unrated=bool(unrated[c]),
                           unscored=bool(unscored[c]), gates=d.gate_pass[c],
                           no_claim=bool(no_claim[c]))
               for c in np.flatnonzero(~d.rated).tolist()}  # only the companies not rated
    return Awards(
        met=met,
        level_total=level_total,
        level_dims=level_dims,
        level_bonus=level_bonus,
        level_pass=d.level_pass,
        earned=d.earned,
        vetoed=d.vetoed,
        after_veto=d.after_veto,
        claimed=claimed,
        verdict=d.verdict,
        eligible=eligible,
        rated=d.rated,
        stars=d.stars,
        level=awarded_level(plan, d),
        rank=rank(scores.total, d.rated).astype(np.int64),
        not_rated_reasons=frozen_mapping(reasons),
    )


def _reasons(plan: Plan, scores: Scores, c: int, *, unrated: bool, unscored: bool,
             gates: BoolArray, no_claim: bool) -> tuple[str, ...]:
    """Why company ``c`` is not rated, in words."""
    out = []
    if unrated:
        out.append("no ratings")
    for gid, words, passed in zip(plan.gate_ids, plan.gate_words, gates.tolist(), strict=True):
        if not passed:
            out.append(f"gate {gid!r} not passed ({words})")
    if scores.not_rated_quorum[c]:
        marks = np.array([w is WhenShort.NOT_RATED for w in plan.when_short], dtype=bool)
        cells = np.argwhere(scores.short[c] & marks[:, None])
        shown = ", ".join(f"{plan.sources[s]}/{plan.indicators[i]} "
                          f"({scores.raters[c, s, i]} of {plan.quorum[s]})" for s, i in cells[:3])
        more = f" and {len(cells) - 3} more" if len(cells) > 3 else ""
        out.append(f"below quorum: {shown}{more}")
    if unscored:
        missing = [plan.indicators[i] for i in np.flatnonzero(scores.unscored[c])]
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        out.append(f"no rating for {', '.join(missing[:5])}{more} (and no default)")
    if no_claim:
        out.append("no claim, and the rubric requires one")
    return tuple(out)
