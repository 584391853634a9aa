"""The rubric's JSON Schema, for editors (yaml-language-server) and other tools.

The committed copy lives in ``schema/rubric.schema.json``; a test fails when it drifts from the
model. Regenerate it with ``red-property schema > schema/rubric.schema.json``.
"""

from __future__ import annotations

import json
from typing import Any

from .rubric import Rubric

SCHEMA_ID = "https://red-property.example/schema/rubric.schema.json"


def rubric_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a rubric file."""
    schema = Rubric.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "red-property rubric",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def rubric_json_schema_text() -> str:
    """The schema as stable, indented JSON text (what is committed)."""
    return json.dumps(rubric_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
