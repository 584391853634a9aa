"""The rubric model: what a star-rating standard says, as validated, immutable data.

A rubric is read from YAML by :func:`red_property.load_rubric`; this module only knows Python
objects. Field-level rules (types, ranges, unknown keys) live on the models; rules that need the
whole rubric (references resolve, levels reachable, ...) are in :mod:`red_property.rubric_checks`.
The indicators, and what a rater's value means for each kind, are in
:mod:`red_property.rubric_indicators`; the shared building blocks (ids, number types, labels) in
:mod:`red_property._rubric_base`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from ._rubric_base import Id, Label, Missing, NonNegative, Positive, Share, _Model
from .rubric_indicators import BonusIndicator, CheckIndicator, Indicator


class Effective(_Model):
    """The dates a rubric version applies to (``end`` open when omitted)."""

    start: Annotated[dt.date, Field(strict=False)]
    end: Annotated[dt.date | None, Field(strict=False)] = None

    @model_validator(mode="after")
    def _ordered(self) -> Effective:
        if self.end is not None and self.end < self.start:
            raise ValueError("`end` is before `start`")
        return self


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
        default=None, description="the level's name (Certified, Gold, 基本级) shown in reports"
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
    """一票否决: when the check indicator ``when`` is met, remove the stars or cap them."""

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
    """对标认领: how a claimed level is verified."""

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
        the rubric's (looked up as :meth:`indicators` would find it, without building it)."""
        for group in (self.prerequisites, self.bonus):
            if iid in group:
                return group[iid].missing or self.missing
        for dim in reversed(self.dimensions.values()):
            if iid in dim.indicators:
                return dim.indicators[iid].missing or dim.missing or self.missing
        raise KeyError(iid)
