"""What a rubric allows and adds up to: the range of one rater's raw value on an indicator, the
value a missing rating stands for, and the most points each dimension and the total can reach.

Read from the validated model by :func:`red_property.plan.compile_plan` (into the plan's arrays)
and by the rubric's checks; nothing here knows YAML or files.
"""

from __future__ import annotations

import numpy as np

from .rubric import Rubric
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


def dimension_maxima(rubric: Rubric) -> dict[str, float]:
    """The most points each dimension can contribute to the base total (bonus excluded)."""
    if rubric.weighting == "points":
        return {
            did: sum(max_points(i) for i in dim.indicators.values()
                     if not isinstance(i, BonusIndicator))
            for did, dim in rubric.dimensions.items()
        }
    total_weight = sum(d.weight or 0.0 for d in rubric.dimensions.values())
    max_total = rubric.max_total or 0.0
    return {
        did: (dim.weight or 0.0) / total_weight * max_total if total_weight else 0.0
        for did, dim in rubric.dimensions.items()
    }


def total_maxima(rubric: Rubric) -> tuple[float, float]:
    """``(most base points, most bonus points)`` a company can reach."""
    base = sum(dimension_maxima(rubric).values())
    bonus = sum(i.cap for _, i in rubric.indicators().values() if isinstance(i, BonusIndicator))
    if rubric.bonus_cap is not None:
        bonus = min(bonus, rubric.bonus_cap)
    return base, bonus


def _missing_value(rubric: Rubric, iid: str, ind: Indicator) -> float:
    """The raw value a missing rating stands for: the indicator's ``default``; under
    ``missing: not_met`` the value earning the fewest points (a check not met); else NaN
    (not rated)."""
    if ind.default is not None:
        return float(ind.default)
    if rubric.missing_policy(iid) == "not_rated":
        return float("nan")
    if isinstance(ind, MeasureIndicator):
        if ind.goalposts is not None:
            return ind.goalposts.worst
        worst = (ind.bands or [])[-1]
        if worst.share == 0:
            return worst.threshold
        step = max(1.0, abs(worst.threshold))
        return worst.threshold - step if ind.better == "higher" else worst.threshold + step
    if isinstance(ind, DeductionIndicator):
        return float(np.ceil((ind.points - ind.floor) / ind.per))
    return 0.0  # check, options (the worst), score, bonus


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
    if isinstance(ind, BonusIndicator) and ind.per is None:
        return 0.0, ind.cap, False  # points rated directly
    return 0.0, np.inf, True  # deduction and bonus: counts
