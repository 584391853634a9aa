"""The committed JSON Schema matches the model; rubric files point editors at it."""

from __future__ import annotations

import json

from red_property.schema import rubric_json_schema, rubric_json_schema_text

from .conftest import ROOT


def test_committed_schema_matches_model() -> None:
    """schema/rubric.schema.json is what the model generates (regenerate with
    `red-property schema > schema/rubric.schema.json`)."""
    committed = (ROOT / "schema" / "rubric.schema.json").read_text(encoding="utf-8")
    assert committed == rubric_json_schema_text()


def test_schema_forbids_unknown_keys() -> None:
    """The schema, like the model, rejects unknown keys at the top level."""
    schema = rubric_json_schema()
    assert schema["additionalProperties"] is False
    assert {"id", "version", "title", "sources", "dimensions", "levels"} <= set(
        schema["required"])
    json.dumps(schema)  # serialisable


def test_rubric_files_declare_the_schema() -> None:
    """Every bundled rubric begins with the yaml-language-server schema line."""
    files = sorted((ROOT / "rubrics").glob("*.yaml"))
    assert files
    for f in files:
        first = f.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schema/rubric.schema.json", f
