"""What a pydantic validation error of a rubric says, in the words of a rubric author.

Pydantic speaks of models and types; a rubric author wrote YAML. Unknown keys, missing keys,
values YAML read as another type (``yes`` as a bool, ``1.10`` as a float), unknown indicator
kinds and malformed ids each get a message that says what to write instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from difflib import get_close_matches
from functools import cache
from typing import Any

from .cells import parse_number


def pydantic_message(err: Mapping[str, Any], written: str | None = None) -> str:
    """The message for one pydantic error of a rubric; ``written`` is the value's text as it
    stands in the file, quoted back where the value was read as another type."""
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        loc = err.get("loc") or ("",)
        if "：" in str(loc[-1]):  # an input method's colon: YAML reads one key "title：{en"
            return ("a full-width colon '：' is not YAML's ':'; type ':' (half-width) and a "
                    "space after it")
        near = get_close_matches(str(loc[-1]), _rubric_keys(), n=1, cutoff=0.75)
        if near:
            return f"unknown key; did you mean {near[0]!r}? (or remove it)"
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
    if kind in ("float_type", "int_type", "float_parsing", "int_parsing") and isinstance(
            value, str) and parse_number(value) is not None:
        return f"{value!r} in quotes is text, not a number: write {value.strip()} without quotes"
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
              "starting with a letter (parts may be joined by single dots)"
    return msg[0].lower() + msg[1:] if msg else msg


@cache
def _rubric_keys() -> tuple[str, ...]:
    """Every key some part of a rubric takes: the fields of all its models."""
    from ._rubric_base import _Model

    keys: set[str] = set()
    todo = list(_Model.__subclasses__())
    while todo:
        model = todo.pop()
        todo += model.__subclasses__()
        keys.update(f.alias or name for name, f in model.model_fields.items())
    return tuple(sorted(keys))


def _yaml_text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
