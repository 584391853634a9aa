"""Stars from scores: gates, level conditions, vetoes and claims, vectorised over companies.

Order of decisions (each one stated by the rubric):

1. **not rated** — the company has no rating at all, a gate failed, a source with
   ``when_short: not_rated`` was short, an indicator had no rating and no default, or a claim
   is required and missing;
2. **earned** — the highest level whose every condition holds: the total reaches ``min_total``,
   each dimension its ``min_dimension_share`` of its maximum, each required check is met, the
   bonus reaches ``min_bonus``. Comparisons forgive 1e-9 (relative) so float error never costs
   a star;
3. **vetoes** — a met veto condition removes the stars or caps them;
4. **claims** (對標認領) — a claimed level is confirmed when reached (``above_claim`` says whether
   a higher earned level is awarded); otherwise the earned level or none (``below_claim``).

Ranks are competition ranks ("1224") on the rounded total among rated companies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .plan import Plan
from .scoring import EPS, Scores

__all__ = ["VERDICTS", "Awards", "at_least", "award"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Claim verdicts, by code.
VERDICTS = ("no claim", "confirmed", "exceeded", "lowered", "refused")
NO_CLAIM, CONFIRMED, EXCEEDED, LOWERED, REFUSED = range(5)


def at_least(x: FloatArray, threshold: FloatArray | float) -> BoolArray:
    """``x >= threshold``, forgiving float error of 1e-9 relative."""
    t = np.asarray(threshold, dtype=float)
    return np.asarray(x >= t - EPS * np.maximum(1.0, np.abs(t)))


@dataclass(frozen=True, slots=True)
class Awards:
    """Per-company decisions. Axes: C companies, L levels, G gates, V vetoes."""

    met: BoolArray  # (C, I) checks met (False for other kinds)
    level_total: BoolArray  # (C, L) min_total reached
    level_dims: BoolArray  # (C, L, D) each dimension's minimum reached
    level_bonus: BoolArray  # (C, L)
    level_pass: BoolArray  # (C, L)
    earned: IntArray  # (C,) stars by score and conditions
    vetoed: BoolArray  # (C, V)
    after_veto: IntArray  # (C,)
    claimed: IntArray  # (C,) -1 when no claim
    verdict: IntArray  # (C,) index into VERDICTS
    rated: BoolArray  # (C,)
    stars: IntArray  # (C,) 0 when not rated
    rank: IntArray  # (C,) 0 when not rated
    not_rated_reasons: dict[int, tuple[str, ...]]  # company index -> why (not rated only)

    def reasons(self, company: int) -> tuple[str, ...]:
        """Why company ``company`` (an index) is not rated; () when it is rated."""
        return self.not_rated_reasons.get(company, ())


def award(plan: Plan, scores: Scores, claimed: IntArray) -> Awards:
    """Stars, verdicts and ranks for every company."""
    rubric = plan.rubric
    n_c = scores.total.shape[0]
    cv = np.nan_to_num(scores.combined_value, nan=-1.0)
    met = plan.is_check[None, :] & at_least(cv, np.nan_to_num(plan.pass_mark, nan=2.0))
    index = plan.index

    gate_pass = np.ones((n_c, len(rubric.gates)), dtype=bool)
    for g, gate in enumerate(rubric.gates):
        cols = met[:, [index[i] for i in gate.indicators()]]
        gate_pass[:, g] = cols.all(axis=1) if gate.all_of is not None else cols.any(axis=1)

    level_total = at_least(scores.total[:, None], plan.level_min_total[None, :])
    dim_max = plan.dimension_max
    need = plan.level_min_share[None, :, :] * dim_max[None, None, :]
    level_dims = at_least(scores.dimension[:, None, :], need)
    level_requires = ~plan.level_requires[None, :, :] | met[:, None, :]
    level_bonus = at_least(scores.bonus[:, None], plan.level_min_bonus[None, :])
    level_pass = level_total & level_dims.all(axis=2) & level_requires.all(axis=2) & level_bonus
    stars_of = np.where(level_pass, plan.level_stars[None, :], 0)
    earned = stars_of.max(axis=1, initial=0).astype(np.int64)

    vetoed = np.zeros((n_c, len(rubric.vetoes)), dtype=bool)
    after_veto = earned.copy()
    for v, veto in enumerate(rubric.vetoes):
        vetoed[:, v] = met[:, index[veto.when]]
        after_veto = np.where(vetoed[:, v], np.minimum(after_veto, veto.limit), after_veto)

    has_claim = claimed >= 0
    policy = rubric.claims
    reached = after_veto >= claimed
    above = after_veto > claimed
    verdict = np.full(n_c, NO_CLAIM, dtype=np.int64)
    verdict[has_claim & reached] = CONFIRMED
    verdict[has_claim & above & (policy.above_claim == "award_earned")] = EXCEEDED
    stars = after_veto.copy()
    if policy.above_claim == "award_claim":
        stars = np.where(has_claim & above, claimed, stars)
    if policy.below_claim == "award_none":
        verdict[has_claim & ~reached] = REFUSED
        stars = np.where(has_claim & ~reached, 0, stars)
    else:
        verdict[has_claim & ~reached] = LOWERED

    unrated = scores.raters.sum(axis=(1, 2)) == 0
    unscored = scores.unscored.any(axis=1) & ~unrated
    no_claim = ~has_claim if policy.required else np.zeros(n_c, dtype=bool)
    rated = ~(unrated | ~gate_pass.all(axis=1) | scores.not_rated_quorum | unscored | no_claim)
    stars = np.where(rated, stars, 0)
    reasons = {c: _reasons(plan, scores, c, unrated=bool(unrated[c]),
                           unscored=bool(unscored[c]), gates=gate_pass[c],
                           no_claim=bool(no_claim[c]))
               for c in np.flatnonzero(~rated).tolist()}  # only the companies not rated

    total = np.where(rated, scores.total, -np.inf)
    order = np.sort(-total)
    rank = np.searchsorted(order, -total, side="left").astype(np.int64) + 1
    rank = np.where(rated, rank, 0)
    return Awards(
        met=met,
        level_total=level_total,
        level_dims=level_dims,
        level_bonus=level_bonus,
        level_pass=level_pass,
        earned=earned,
        vetoed=vetoed,
        after_veto=after_veto,
        claimed=claimed,
        verdict=verdict,
        rated=rated,
        stars=stars.astype(np.int64),
        rank=rank,
        not_rated_reasons=reasons,
    )


def _reasons(plan: Plan, scores: Scores, c: int, *, unrated: bool, unscored: bool,
             gates: BoolArray, no_claim: bool) -> tuple[str, ...]:
    """Why company ``c`` is not rated, in words."""
    out = []
    if unrated:
        out.append("no ratings")
    for gate, passed in zip(plan.rubric.gates, gates.tolist(), strict=True):
        if not passed:
            out.append(f"gate {gate.id!r} not passed ({gate.label.short()})")
    if scores.not_rated_quorum[c]:
        cells = np.argwhere(scores.short[c] & (plan.when_short == 1)[:, None])
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
