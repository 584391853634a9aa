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
    said = "1,000,001 bytes is more than the 1,000,000 bytes a rubric may have"
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


def test_tags_merge_keys_and_compound_keys_are_each_refused_where_they_are() -> None:
    """A custom tag, every merge key (two of them: two problems) and a key that is not a plain
    scalar are each refused at their place, with what to write instead."""
    text = 'id: t\nversion: !foo 1\ntitle:\n  <<: {en: T}\n  <<: {zh: T}\n'
    assert _problems(text, name="r.yaml") == [
        "r.yaml:2:10: version: tag '!foo' is not allowed; write plain YAML data",
        "r.yaml:4:3: title: merge keys (<<) are not allowed; write the keys out",
        "r.yaml:5:3: title: merge keys (<<) are not allowed; write the keys out"]
    assert _problems("id: t\n? [a, b]\n: 1\n", name="r.yaml") == [
        "r.yaml:2:3: mapping keys must be plain scalars"]


def test_an_unknown_key_is_located_at_the_key() -> None:
    """An unknown key is reported where the key is written, not where its value is."""
    text = RUBRIC.format(covers="all").replace("weight: 1,", "weight: 1, agregate:   mean,")
    assert _problems(text, name="r.yaml") == [
        "r.yaml:5:34: sources.a.agregate: unknown key; did you mean 'aggregate'? (or remove it)"]


def test_a_dumped_rubric_is_compact_readable_yaml() -> None:
    """dump_rubric writes Chinese as it is, keys in the model's order, only what differs from
    the defaults, lines up to 100 characters, and double-quotes text holding a line separator
    YAML would otherwise lose."""
    text = rp.dump_rubric(rp.load_rubric(Path(__file__).parent.parent / "rubrics"
                                         / "shanyang-red-property-2019.yaml"))
    assert text.startswith("id: shanyang-red-property\nversion: '2019.1'\ntitle:\n  zh: 山阳区")
    assert "\\u" not in text and "weighting:" not in text and "language_version:" not in text
    assert any(80 < len(line) <= 100 for line in text.splitlines())  # folded at 100, not 80
    odd = rp.dump_rubric(rp.load_rubric(RUBRIC.format(covers="all").replace(
        "title: {en: T}", 'title: {en: "a\\u2028b"}')))
    assert '  en: "a\\Lb"\n' in odd and "  en: A\n" in odd


def test_a_control_character_is_located() -> None:
    """A control character in the YAML is refused at its line and column."""
    assert _problems('id: t\nversion: "1\x07"\n', name="r.yaml") == [
        "r.yaml:2:12: not valid YAML: unacceptable character #x0007: control characters are "
        "not allowed"]
    assert _problems("id: t\nti\x01tle: x\n", name="r.yaml") == [
        "r.yaml:2:3: not valid YAML: unacceptable character #x0001: control characters are "
        "not allowed"]


def test_nesting_is_counted_as_collections_close() -> None:
    """Nesting deeper than 40 levels is refused where it passes the limit, counted level by
    level as collections open and close: 41 levels after a closed sibling are refused, 40 are
    not."""
    def deep(levels: int) -> str:
        return "x: [[1], " + "[" * (levels - 2) + "1" + "]" * (levels - 2) + "]\n"
    assert _problems(deep(41), name="r.yaml") == [
        "r.yaml:1:48: nested deeper than 40 levels; a rubric needs a handful"]
    assert not any("nested" in p for p in _problems(deep(40), name="r.yaml"))


def test_a_full_width_colon_keeps_yamls_own_words() -> None:
    """An input method's colon in block YAML gets YAML's message and the hint, both."""
    text = 'id: t\nversion: "1"\ntitle：\n  en: T\n'
    (said,) = _problems(text, name="r.yaml")
    assert said.startswith("r.yaml:") and "not valid YAML: " in said
    assert said.endswith("could not find expected ':'; a full-width colon '：' is not YAML's "
                         "':': type ':' (half-width)")


def test_other_yaml_errors_get_no_colon_hint_and_count_a_leading_blank_line() -> None:
    """A YAML error with no full-width colon near it gets no hint about one; a leading blank
    line counts as line 1."""
    (said,) = _problems('id: t\nversion: "1\n', name="r.yaml")
    assert "full-width" not in said
    assert _problems("\nid: t\x01\n", name="r.yaml") == [
        "r.yaml:2:6: not valid YAML: unacceptable character #x0001: control characters are "
        "not allowed"]


def test_bytes_and_one_line_text_are_read_as_rubrics() -> None:
    """Bytes are named "<bytes>" (the error's file too) and may be a million bytes; a rubric
    written on one line in flow style, even after blanks, is YAML text, not a file name."""
    with pytest.raises(rp.RubricError) as info:
        rp.load_rubric(b"#" * 1_000_001)
    assert info.value.file == "<bytes>"
    assert not any("bytes is more than" in p for p in _problems(b"#" * 1_000_000))
    one_line = ('  {id: t, version: "1", title: {en: T}, sources: {a: {label: {en: A}, '
                "weight: 1}}, dimensions: {s: {label: {en: S}, indicators: {x: {label: {en: X}, "
                "kind: score, points: 10}}}}, levels: [{stars: 1, min_total: 5}]}")
    assert rp.load_rubric(one_line).id == "t"


def test_an_unreadable_value_is_located_with_why() -> None:
    """A value YAML cannot read (a date with month 13) is refused at its place, with why."""
    text = (Path(__file__).parent.parent / "rubrics" / "shanyang-red-property-2019.yaml"
            ).read_text(encoding="utf-8").replace("start: 2019-01-01", "start: 2019-13-45")
    assert _problems(text, name="r.yaml") == [
        "r.yaml:19:10: effective.start: unreadable value '2019-13-45': month must be in 1..12"]
