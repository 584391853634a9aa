"""The building blocks every rubric model shares: ids, the number types, the frozen base model
and the bilingual label.

Every model is frozen, refuses unknown keys and is strict about types (a quoted number is no
number), so a rubric says exactly what it means.
"""

from __future__ import annotations

from typing import Annotated, Literal

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
