"""docs/rubric-language.md cannot drift: every schema key is documented, every example
validates, and the error catalogue lists every broken fixture's problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import red_property as rp
from red_property.schema import rubric_json_schema

from .conftest import ROOT

DOC = (ROOT / "docs" / "rubric-language.md").read_text(encoding="utf-8")
BROKEN = sorted((ROOT / "tests" / "rubrics" / "broken").glob("*.yaml"))
_COMMON = {"label", "note", "default", "missing", "kind"}


def _sections() -> dict[str, str]:
    """The text under each `### Name` heading, by its first word."""
    parts = re.split(r"^### ", DOC, flags=re.M)[1:]
    return {p.split()[0]: p for p in parts}


def _documented(section: str) -> set[str]:
    return set(re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M))


def _models() -> dict[str, list[str]]:
    schema = rubric_json_schema()
    models = {"Rubric": list(schema["properties"])}
    models.update({name: list(d.get("properties", {})) for name, d in schema["$defs"].items()})
    return models


@pytest.mark.parametrize("model", sorted(_models()))
def test_every_schema_key_is_documented(model: str) -> None:
    """Each key of each model in the schema has a row (key, type, default, meaning) in the
    model's section; the indicators' common keys in the Indicator section."""
    sections = _sections()
    assert model in sections, f"no `### {model}` section"
    keys = set(_models()[model])
    have = _documented(sections[model])
    if model.endswith("Indicator"):
        have |= _documented(sections["Indicator"]) & _COMMON
    assert keys <= have, f"undocumented in {model}: {sorted(keys - have)}"
    assert have <= keys | _COMMON, f"documented but not in the schema: {sorted(have - keys)}"


def _yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOC, flags=re.S)


def test_the_minimal_rubric_validates() -> None:
    """The page's first YAML block is a complete, valid rubric."""
    rubric = rp.load_rubric(_yaml_blocks()[0])
    assert rubric.language_version == 2


@pytest.mark.parametrize("n", range(1, len(_yaml_blocks())))
def test_every_yaml_example_validates(n: int, tmp_path: Path) -> None:
    """Each example, merged over the minimal rubric (as `extends` merges), is a valid rubric."""
    blocks = _yaml_blocks()
    (tmp_path / "minimal.yaml").write_text(blocks[0], encoding="utf-8")
    example = tmp_path / "example.yaml"
    example.write_text("extends: minimal.yaml\n" + blocks[n], encoding="utf-8")
    rubric = rp.load_rubric(example)
    assert rubric.id == "example"


def _expected(path: Path) -> list[str]:
    return [m[1] for raw in path.read_text(encoding="utf-8").splitlines()
            if raw.startswith("# expect")
            for m in [re.match(r"^# expect: \d+:\d+: [^ ]*: (.+)$", raw)] if m]


def test_error_catalogue_lists_every_broken_fixture() -> None:
    """Every broken fixture's expected message appears in the catalogue, on its file's row."""
    catalogue = DOC[DOC.index("## Error catalogue"):].replace("\\|", "|")
    rows = {line.split(" | ")[0].lstrip("| "): line for line in catalogue.splitlines()
            if re.match(r"^\| \d\d \|", line)}
    assert len(rows) >= len({p.name[:2] for p in BROKEN}) - 1
    for path in BROKEN:
        for message in _expected(path):
            hits = [line for line in catalogue.splitlines()
                    if line.startswith(f"| {path.name[:2]} |") and message in line]
            assert hits, f"{path.name}: {message!r} is not in the catalogue"
