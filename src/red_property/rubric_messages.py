"""What a pydantic validation error of a rubric says, in the words of a rubric author.

Pydantic speaks of models and types; a rubric author wrote YAML. Unknown keys, missing keys,
values YAML read as another type (``yes`` as a bool, ``1.10`` as a float), unknown indicator
kinds and malformed ids each get a message that says what to write instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any


def pydantic_message(err: Mapping[str, Any], written: str | None = None) -> str:
    """The message for one pydantic error of a rubric; ``written`` is the value's text as it
    stands in the file, quoted back where the value was read as another type."""
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        return "unknown key; remove it or check its spelling"
    if kind == "missing":
        return "required key is missing"
    if kind in ("dict_type", "model_type", "model_attributes_type") and not isinstance(
            value, Mapping):
        shown = written if written is not None else repr(value)
        return (f"expected a mapping of keys, got {shown} (YAML reads it as "
                f"{type(value).__name__})")
    if kind == "string_type" and isinstance(value, (bool, int, float, dt.date)):
        return (f"expected text, got {value!r} (YAML reads it as {type(value).__name__}); "
                f"quote it: '{written if written is not None else _yaml_text(value)}'")
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        return f"unknown kind {ctx.get('tag')!r}; use one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "missing `kind` (check, options, score, measure, deduction or bonus)"
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if kind == "string_pattern_mismatch":
        msg = f"{value!r} is not a valid id: use lower-case letters, digits and _, " \
              "starting with a letter"
    return msg[0].lower() + msg[1:] if msg else msg


def _yaml_text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
