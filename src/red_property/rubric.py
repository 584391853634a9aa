"""The rubric model: what a star-rating standard says, as validated, immutable data.

A rubric is read from YAML by :func:`red_property.load_rubric`; this module only knows Python
objects. Field-level rules (types, ranges, unknown keys) live on the models; rules that need the
whole rubric (references resolve, levels reachable, ...) are in :mod:`red_property.rubric_checks`.

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

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", max_length=64),
    Field(description="lower-case identifier: a letter, then letters, digits or _; parts may "
          "be joined by dots (`service.cleaning`)"),
]
#: What a missing rating means: the indicator is not met (its fewest points, a check not
#: met), or the company is not rated.
Missing = Literal["not_met", "not_rated"]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Finite = Annotated[float, Field(allow_inf_nan=False)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, defer_build=True)


class Label(_Model):
    """A name in Chinese and/or English."""

    zh: str | None = None
    en: str | None = None

    @model_validator(mode="after")
    def _one_language(self) -> Label:
        if not (self.zh or self.en):
            raise ValueError("a label needs `zh` or `en` (or both)")
        return self

    def short(self) -> str:
        """The English label, else the Chinese one."""
        return self.en or self.zh or ""


class Effective(_Model):
    """The dates a rubric version applies to (``end`` open when omitted)."""

    start: Annotated[dt.date, Field(strict=False)]
    end: Annotated[dt.date | None, Field(strict=False)] = None

    @model_validator(mode="after")
    def _ordered(self) -> Effective:
        if self.end is not None and self.end < self.start:
            raise ValueError("`end` is before `start`")
        return self


# --------------------------------------------------------------------------- indicators


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
    below ``floor`` (扣完為止)."""

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


class Dimension(_Model):
    """One aspect scored; holds its indicators."""

    label: Label
    points: Positive | None = Field(
        default=None, description="weighting 'points': must equal the sum of its indicators' points"
    )
    weight: Positive | None = Field(
        default=None, description="weighting 'shares': the dimension's share of max_total"
    )
    missing: Missing | None = Field(
        default=None, description="the `missing` policy of this dimension's indicators"
    )
    indicators: dict[Id, Indicator] = Field(min_length=1)


# --------------------------------------------------------------------------- sources


class Aggregate(_Model):
    """How one source's raters are combined on one company and indicator."""

    method: Literal["mean", "median", "trimmed"] = "mean"
    trim: Annotated[int, Field(ge=1)] = Field(
        default=1, description="'trimmed': drop this many highest and this many lowest values"
    )
    min_raters: Annotated[int, Field(ge=1)] | None = Field(
        default=None,
        description="'trimmed': trim only when at least this many raters; plain mean below "
        "(default 2 x trim + 1)",
    )


class Source(_Model):
    """A group of raters with a weight (authority, association, peers)."""

    label: Label
    weight: Positive
    covers: Literal["all"] | list[Id] = Field(
        default="all", description="dimension or indicator ids this source rates"
    )
    aggregate: Aggregate | Literal["mean", "median"] = "mean"
    quorum: Annotated[int, Field(ge=1)] = Field(
        default=1, description="fewest raters per company and indicator"
    )
    when_short: Literal["renormalise", "not_rated", "fail"] = Field(
        default="renormalise",
        description="below quorum: give the weight to the other sources, mark the company not "
        "rated, or refuse to evaluate",
    )
    peer: bool = Field(
        default=False, description="raters belong to companies; self-ratings are excluded"
    )

    def aggregation(self) -> Aggregate:
        """The aggregation as a model, whichever form the YAML used."""
        if isinstance(self.aggregate, str):
            return Aggregate(method=self.aggregate)
        return self.aggregate


# --------------------------------------------------------------------------- stars


class Level(_Model):
    """One star level and what it takes. From ``language_version: 2`` on, a level's conditions
    (dimension shares, required checks, bonus) also hold for every level above it."""

    stars: Annotated[int, Field(ge=0, le=10)] = Field(
        description="stars awarded; 0 only for a named level (rated, no stars)"
    )
    name: Label | None = Field(
        default=None, description="the level's name (Certified, Gold, 基本級) shown in reports"
    )
    label: Label | None = None
    min_total: NonNegative
    min_dimension_share: Share | dict[Id, Share] | None = Field(
        default=None,
        description="each dimension (or the named ones) must reach this share of its maximum",
    )
    requires: list[Id] = Field(
        default_factory=list, description="check indicators that must be met for this level"
    )
    min_bonus: NonNegative = 0.0
    inherit: bool = Field(
        default=True, description="language 2: also require the conditions of the level below "
        "(and so of every lower level); false: only this level's own"
    )


class Gate(_Model):
    """Eligibility condition checked before scoring: failing it means 'not rated'."""

    id: Id
    label: Label
    all_of: list[Id] | None = None
    any_of: list[Id] | None = None

    @model_validator(mode="after")
    def _one_list(self) -> Gate:
        if (self.all_of is None) == (self.any_of is None):
            raise ValueError("give exactly one of `all_of` and `any_of`")
        if not (self.all_of or self.any_of):
            raise ValueError("a gate needs at least one indicator")
        return self

    def indicators(self) -> list[str]:
        """The check indicators this gate reads."""
        return list(self.all_of or self.any_of or [])


class Veto(_Model):
    """一票否決: when the check indicator ``when`` is met, remove the stars or cap them."""

    id: Id
    label: Label
    when: Id
    effect: Literal["remove", "cap"] = "remove"
    cap: Annotated[int, Field(ge=0)] | None = None

    @property
    def limit(self) -> int:
        """The most stars a company keeps when this veto is triggered."""
        return 0 if self.effect == "remove" else int(self.cap or 0)

    @model_validator(mode="after")
    def _cap_given(self) -> Veto:
        if self.effect == "cap" and self.cap is None:
            raise ValueError("`effect: cap` needs `cap` (the most stars allowed)")
        if self.effect == "remove" and self.cap is not None:
            raise ValueError("`cap` only applies with `effect: cap`")
        return self


class ClaimPolicy(_Model):
    """對標認領: how a claimed level is verified."""

    required: bool = Field(
        default=False, description="a company without a claim is not rated (else rated as earned)"
    )
    above_claim: Literal["award_claim", "award_earned"] = Field(
        default="award_claim", description="earned more than claimed: award the claim or the earned"
    )
    below_claim: Literal["award_earned", "award_none"] = Field(
        default="award_earned",
        description="earned less than claimed: award what it earned, or none",
    )


class InputPolicy(_Model):
    """What happens to a ratings row that breaks a rule: refuse the whole input, or drop the row
    (every dropped row is counted and listed in the report)."""

    invalid_rows: Literal["error", "drop"] = Field(
        default="error",
        description="unknown company/source/indicator, value out of domain, duplicate, ...",
    )
    self_ratings: Literal["drop", "error"] = Field(
        default="drop", description="a peer rater rating its own company"
    )


class Rounding(_Model):
    """How the total is rounded before it is compared with thresholds."""

    digits: Annotated[int, Field(ge=0, le=6)] = 1
    mode: Literal["half_up", "half_even", "none"] = "half_up"


# --------------------------------------------------------------------------- the rubric


class Rubric(_Model):
    """A versioned star-rating standard."""

    language_version: Literal[1, 2] = Field(
        default=1, description="version of the rubric language the file is written in"
    )
    extends: str | None = Field(
        default=None, exclude=True,
        description="file (relative to this one) of a base rubric this one overrides; resolved "
        "by the loader, so the loaded rubric is the merged whole",
    )
    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]*$", max_length=80)]
    version: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    title: Label
    effective: Effective | None = None
    notes: list[str] = Field(default_factory=list)
    weighting: Literal["points", "shares"] = "points"
    max_total: Positive | None = Field(
        default=None, description="weighting 'shares': the total a perfect company scores"
    )
    bonus_cap: Positive | None = Field(
        default=None, description="most bonus points counted, over all bonus indicators"
    )
    base_points: NonNegative = Field(
        default=0.0, description="points every company passing the gates is granted, added to "
        "the total before scaling"
    )
    divide_total_by: Positive = Field(
        default=1.0, description="the total is (base + dimensions + bonus) divided by this; "
        "level thresholds read the divided total"
    )
    missing: Missing = Field(
        default="not_rated", description="what a missing rating means when neither the "
        "indicator nor its dimension says"
    )
    rounding: Rounding = Field(default_factory=Rounding)
    sources: dict[Id, Source] = Field(min_length=1)
    dimensions: dict[Id, Dimension] = Field(min_length=1)
    bonus: dict[Id, BonusIndicator] = Field(
        default_factory=dict, description="bonus indicators outside any dimension"
    )
    prerequisites: dict[Id, CheckIndicator] = Field(
        default_factory=dict,
        description="zero-point checks that every level requires (not met: no level)",
    )
    gates: list[Gate] = Field(default_factory=list)
    levels: list[Level] = Field(min_length=1)
    vetoes: list[Veto] = Field(default_factory=list)
    claims: ClaimPolicy = Field(default_factory=ClaimPolicy)
    input: InputPolicy = Field(default_factory=InputPolicy)
    language: Literal["en", "zh"] | None = Field(
        default=None,
        description="the language of the fixed wording in tables, explanations, workbooks, "
        "plots and notices when none is asked for ('zh': simplified Chinese); English when "
        "omitted",
    )
    rater_correction: bool = Field(
        default=False,
        description="score with values corrected for each rater's leniency or severity "
        "(an additive rater effect estimated with the companies); the report keeps the "
        "uncorrected result beside it",
    )

    def __repr__(self) -> str:
        n = sum(len(d.indicators) for d in self.dimensions.values())
        return (
            f"<Rubric {self.id}@{self.version}: {len(self.dimensions)} dimensions, "
            f"{n} indicators, {len(self.sources)} sources, {self.top_stars}★ top>"
        )

    @property
    def top_stars(self) -> int:
        """The highest level a company can be awarded."""
        return max(level.stars for level in self.levels)

    def indicators(self) -> dict[str, tuple[str, Indicator]]:
        """Every indicator by id, with the id of its dimension ("" for the rubric-level bonus
        and prerequisites), in rubric order."""
        out: dict[str, tuple[str, Indicator]] = {
            iid: (did, ind)
            for did, dim in self.dimensions.items()
            for iid, ind in dim.indicators.items()
        }
        out.update({iid: ("", ind) for iid, ind in self.bonus.items()})
        out.update({iid: ("", ind) for iid, ind in self.prerequisites.items()})
        return out

    def indicator_path(self, iid: str) -> tuple[str, ...]:
        """The keys leading to indicator ``iid`` in the rubric's document."""
        if iid in self.bonus:
            return ("bonus", iid)
        if iid in self.prerequisites:
            return ("prerequisites", iid)
        return ("dimensions", self.indicators()[iid][0], "indicators", iid)

    def missing_policy(self, iid: str) -> Missing:
        """What a missing rating of ``iid`` means: its own policy, else its dimension's, else
        the rubric's."""
        did, ind = self.indicators()[iid]
        dim = self.dimensions.get(did)
        return ind.missing or (dim.missing if dim else None) or self.missing


def max_points(indicator: Indicator) -> float:
    """The most points an indicator can give (a bonus indicator: its cap)."""
    if isinstance(indicator, OptionsIndicator):
        return max(indicator.options.values())
    if isinstance(indicator, BonusIndicator):
        return indicator.cap
    return indicator.points
