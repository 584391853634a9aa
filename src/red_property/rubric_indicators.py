"""The rubric's indicators: one scored item each, of one of six kinds.

Indicator kinds, and what one rater's value means for each:

========== ===================================== ==============================================
kind       a rater gives                         points
========== ===================================== ==============================================
check      1 (yes) or 0 (no)                     ``points`` x share of yes
options    an option's label (a number only      the option's points (between neighbours when
           with ``numbers: points``)             raters differ)
score      points in ``[0, points]``             the value
measure    a measured value                      ``points`` x share from goalposts or bands
deduction  a count of occurrences                ``points - min(per x count, cap)``, not below
                                                 ``floor``
bonus      a count of occurrences                ``min(per x count, cap)``, into the bonus pool
========== ===================================== ==============================================
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from ._rubric_base import Finite, Id, Label, Missing, NonNegative, Positive, Share, _Model


class _IndicatorBase(_Model):
    label: Label
    note: str | None = None
    default: Finite | None = Field(
        default=None,
        description="value used when no source reached its quorum on the indicator for a "
        "company; without it the `missing` policy applies",
    )
    missing: Missing | None = Field(
        default=None,
        description="no rating and no `default`: 'not_met' (fewest points; a check is not "
        "met) or 'not_rated'; inherited from the dimension, then the rubric",
    )


class CheckIndicator(_IndicatorBase):
    """Yes/no item; a zero-point check is a prerequisite, gate or veto condition."""

    kind: Literal["check"]
    points: NonNegative = 0.0
    pass_mark: Annotated[float, Field(gt=0, le=1)] = Field(
        default=0.5, description="share of yes (after weighting sources) at which the check is met"
    )


class OptionsIndicator(_IndicatorBase):
    """Ordered options, worst first, each worth points (none 0 / applied 3 / approved 5)."""

    kind: Literal["options"]
    options: dict[Id, NonNegative] = Field(min_length=2)
    numbers: Literal["refused", "points"] = Field(
        default="refused",
        description="what a number in the value column means: `refused` (raters give an "
        "option's label; a number is an error listing the labels) or `points` (a number is the "
        "points of the one option worth exactly that; options then need distinct points)",
    )


class ScoreIndicator(_IndicatorBase):
    """Points given directly, within ``[0, points]``."""

    kind: Literal["score"]
    points: Positive


class Goalposts(_Model):
    """Linear map: ``worst`` earns nothing, ``best`` earns everything (``best < worst``: lower
    is better)."""

    worst: Finite
    best: Finite

    @model_validator(mode="after")
    def _distinct(self) -> Goalposts:
        if self.worst == self.best:
            raise ValueError("`worst` and `best` must differ")
        return self


class BandStep(_Model):
    """From ``threshold`` on (in the better direction) the indicator earns ``share`` of its
    points."""

    threshold: Finite
    share: Share


class MeasureIndicator(_IndicatorBase):
    """A measured value (satisfaction rate, response time) mapped to a share of ``points``."""

    kind: Literal["measure"]
    points: Positive
    goalposts: Goalposts | None = None
    bands: Annotated[list[BandStep], Field(min_length=1)] | None = None
    better: Literal["higher", "lower"] = "higher"
    range: Annotated[list[Finite], Field(min_length=2, max_length=2)] | None = Field(
        default=None, description="[low, high]: values outside are input errors"
    )

    @model_validator(mode="before")
    @classmethod
    def _direction_from_goalposts(cls, data: Any) -> Any:
        """Goalposts say which way is better; state it, so the model says what it means."""
        if isinstance(data, dict) and "better" not in data:
            gp = data.get("goalposts")
            if isinstance(gp, dict):
                worst, best = gp.get("worst"), gp.get("best")
                if isinstance(worst, (int, float)) and isinstance(best, (int, float)):
                    return {**data, "better": "lower" if best < worst else "higher"}
        return data

    @model_validator(mode="after")
    def _one_curve(self) -> MeasureIndicator:
        if (self.goalposts is None) == (self.bands is None):
            raise ValueError("give exactly one of `goalposts` and `bands`")
        if self.range is not None and self.range[0] >= self.range[1]:
            raise ValueError("`range` must be [low, high] with low < high")
        if self.goalposts is not None:
            gp = self.goalposts
            implied = "higher" if gp.best > gp.worst else "lower"
            if self.better != implied:
                raise ValueError(
                    f"`better: {self.better}` contradicts goalposts worst={gp.worst}, "
                    f"best={gp.best}; drop `better` or swap the goalposts"
                )
        return self


class DeductionIndicator(_IndicatorBase):
    """Starts at ``points``; ``per`` points off each occurrence, at most ``cap`` in all, never
    below ``floor`` (扣完为止)."""

    kind: Literal["deduction"]
    points: Positive
    per: Positive
    cap: Positive | None = None
    floor: NonNegative = 0.0


class BonusIndicator(_IndicatorBase):
    """``per`` points each occurrence, up to ``cap``; without ``per`` the rater gives the
    points themselves (fractions allowed) within ``[0, cap]``. Goes into the bonus pool."""

    kind: Literal["bonus"]
    per: Positive | None = Field(
        default=None, description="points per occurrence; omit it to rate points directly"
    )
    cap: Positive


Indicator = Annotated[
    CheckIndicator
    | OptionsIndicator
    | ScoreIndicator
    | MeasureIndicator
    | DeductionIndicator
    | BonusIndicator,
    Field(discriminator="kind"),
]


def max_points(indicator: Indicator) -> float:
    """The most points an indicator can give (a bonus indicator: its cap)."""
    if isinstance(indicator, OptionsIndicator):
        return max(indicator.options.values())
    if isinstance(indicator, BonusIndicator):
        return indicator.cap
    return indicator.points
