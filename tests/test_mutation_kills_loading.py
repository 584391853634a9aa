"""Where a rubric's problems are said to be: bytes that are not UTF-8, a file too large, a
document that is not a mapping, and one problem for a value that fits no branch of a union;
behaviour that mutation testing found unguarded."""

from __future__ import annotations

from pathlib import Path

import pytest

import red_property as rp

RUBRIC = ('id: t\nversion: "1"\ntitle: {{en: T}}\nsources:\n'
          "  a: {{label: {{en: A}}, weight: 1, covers: {covers}}}\n"
          "dimensions:\n  s:\n    label: {{en: S}}\n    indicators:\n"
          "      x: {{label: {{en: X}}, kind: score, points: 10}}\n"
          "levels:\n  - {{stars: 1, min_total: 5}}\n")


def _problems(source: object, **kw: object) -> list[str]:
    with pytest.raises(rp.RubricError) as info:
        rp.load_rubric(source, **kw)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(("covers", "said"), [
    ("[Service]", "5:43: sources.a.covers[0]: 'Service' is not a valid id: use lower-case "
     "letters, digits and _, starting with a letter (parts may be joined by single dots)"),
    ("5", "5:42: sources.a.covers: input should be 'all'"),
    ("[s, 5]", "5:46: sources.a.covers[1]: expected text, got 5 (YAML reads it as int); "
     "quote it: '5'"),
])
def test_a_value_fitting_no_branch_of_a_union_is_one_problem(covers: str, said: str) -> None:
    """`covers` is 'all' or a list of ids: a bad value gets the one telling problem, not one
    per branch of the union."""
    assert _problems(RUBRIC.format(covers=covers), name="r.yaml") == [f"r.yaml:{said}"]


def test_bytes_that_are_not_utf8_are_located(tmp_path: Path) -> None:
    """A byte that is not UTF-8 is located at its line and column, in the file named; a BOM is
    read as UTF-8."""
    data = b'id: t\nversion: "1"\ntitle: {en: \xff}\n'
    assert _problems(data, name="r.yaml") == [
        "r.yaml:3:13: not UTF-8 (byte 0xff); save the file as UTF-8"]
    f = tmp_path / "r.yaml"
    f.write_bytes(data)
    assert _problems(f) == [f"{f}:3:13: not UTF-8 (byte 0xff); save the file as UTF-8"]
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbf" + RUBRIC.format(covers="all").encode("utf-8"))
    assert rp.load_rubric(bom).id == "t"


def test_a_rubric_too_large_is_refused_at_its_start(tmp_path: Path) -> None:
    """More than a million bytes is refused at line 1, column 1, naming the source."""
    big = b"#" * 1_000_001
    said = "1,000,001 bytes is more than the 1,000,000 a rubric may have"
    assert _problems(big) == [f"<bytes>:1:1: {said}"]
    f = tmp_path / "big.yaml"
    f.write_bytes(big)
    assert _problems(f) == [f"{f}:1:1: {said}"]


def test_a_rubric_that_is_not_a_mapping_is_refused_where_it_starts() -> None:
    """A YAML list, or a single text, is no rubric: refused at where the document starts."""
    assert _problems("- a\n- b\n", name="r.yaml") == [
        "r.yaml:1:1: a rubric is a mapping (keys `id`, `version`, ...), not list"]
    assert _problems("\n\n  - a\n", name="r.yaml") == [
        "r.yaml:3:3: a rubric is a mapping (keys `id`, `version`, ...), not list"]
