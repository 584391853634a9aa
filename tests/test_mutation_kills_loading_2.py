"""More of what a rubric's problems say and where: refused YAML inside mappings and lists, text
and files at the size limit, files that cannot be read, bundled rubrics, branches of a union,
and the form of a dumped rubric; behaviour that mutation testing found unguarded."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import red_property as rp
from red_property import loading

RUBRIC = ('id: t\nversion: "1"\ntitle: {en: T}\nsources:\n'
          "  a: {label: {en: A}, weight: 1, covers: all}\n"
          "dimensions:\n  s:\n    label: {en: S}\n    indicators:\n"
          "      x: {label: {en: X}, kind: score, points: 10}\n"
          "levels:\n  - {stars: 1, min_total: 5}\n")
X = "{label: {en: X}, kind: score, points: 10}"


def _error(source: object, **kw: object) -> rp.RubricError:
    with pytest.raises(rp.RubricError) as info:
        rp.load_rubric(source, **kw)  # type: ignore[arg-type]
    return info.value


def _problems(source: object, **kw: object) -> list[str]:
    return [str(p) for p in _error(source, **kw).problems]


def test_tagged_mappings_keys_and_list_items_are_each_refused() -> None:
    """A tagged mapping, a tagged key and a tagged list item are each refused at their place,
    and a compound key does not hide the problems written after it."""
    text = "id: t\n? [a, b]\n: 1\ntitle: !foo {en: T}\n!bar k: 1\nlevels:\n  - !baz 1\n"
    assert _problems(text, name="r.yaml") == [
        "r.yaml:2:3: mapping keys must be plain scalars",
        "r.yaml:4:8: title: tag '!foo' is not allowed; write plain YAML data",
        "r.yaml:5:1: mapping keys must be plain scalars",
        "r.yaml:7:5: levels[0]: tag '!baz' is not allowed; write plain YAML data"]


def test_an_unreadable_key_is_located_with_why() -> None:
    """A key YAML cannot read (a date with month 13) is refused in its mapping, with why."""
    assert _problems("id: t\ntitle:\n  en: T\n  2019-13-45: x\n", name="r.yaml") == [
        "r.yaml:3:3: title: unreadable value '2019-13-45': month must be in 1..12"]


def test_a_byte_not_utf8_after_a_leading_newline_is_located_and_named() -> None:
    """A byte that is not UTF-8 right after a leading blank line is at line 2, counted from
    that line's start; the error names the file."""
    error = _error(b"\nx: \xff", name="r.yaml")
    assert [str(p) for p in error.problems] == [
        "r.yaml:2:4: not UTF-8 (byte 0xff); save the file as UTF-8"]
    assert error.file == "r.yaml"


def test_text_is_measured_in_utf8_bytes_at_the_limit() -> None:
    """Text of exactly a million bytes is not refused for its size; Chinese text is measured in
    UTF-8 bytes (three a character), whether shorter or exactly a million characters long; text
    of more than a million characters is refused as such, unmeasured."""
    def size_problems(text: str) -> list[str]:
        error = _error(text)
        assert error.file == "<text>"
        return [p for p in map(str, error.problems) if "is more than" in p]
    assert size_problems("x:\n" + "#" * (1_000_000 - 3)) == []
    said = " bytes is more than the 1,000,000 bytes a rubric may have"
    assert size_problems("x:\n#" + "中" * 400_000) == [f"<text>:1:1: 1,200,004{said}"]
    assert size_problems("中\n" + "#" * 999_998) == [f"<text>:1:1: 1,000,002{said}"]
    error = _error("x:\n" + "中" * 999_998)
    assert error.file == "<text>"
    assert [str(p) for p in error.problems] == [
        "<text>:1:1: 1,000,001 characters is more than the 1,000,000 bytes a rubric may have"]


def test_a_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    """A rubric file of exactly a million bytes loads."""
    text = RUBRIC + "#"
    f = tmp_path / "r.yaml"
    f.write_text(text + "x" * (1_000_000 - len(text) - 1) + "\n", encoding="utf-8")
    assert f.stat().st_size == 1_000_000
    assert rp.load_rubric(f).id == "t"


def test_a_file_over_the_limit_is_refused_unread(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A rubric file over the limit is refused by its size without being read, and the error
    names the file."""
    f = tmp_path / "big.yaml"
    f.write_bytes(b"#" * 1_000_001)

    def unread(self: Path) -> bytes:
        raise AssertionError(f"{self} was read")
    monkeypatch.setattr(Path, "read_bytes", unread)
    error = _error(f)
    assert error.file == str(f)
    assert [str(p) for p in error.problems] == [
        f"{f}:1:1: 1,000,001 bytes is more than the 1,000,000 bytes a rubric may have"]


def test_a_file_that_cannot_be_read_says_why_in_plain_words(tmp_path: Path) -> None:
    """A folder, or a path holding a NUL character, is refused with the system's plain reason
    (no error number), and the error names the path."""
    error = _error(tmp_path)
    assert [str(p) for p in error.problems] == [
        f"{tmp_path}: cannot read the rubric: Is a directory"]
    assert error.file == str(tmp_path)
    assert _problems("r\x00.yaml") == ["r\\x00.yaml: cannot read the rubric: embedded null byte"]


def test_a_bare_name_that_is_nothing_lists_the_bundled_rubrics() -> None:
    """A bare name that is neither a file nor a bundled rubric lists the bundled ones."""
    names = ", ".join(loading.bundled_rubric_names())
    assert _problems("nosuch-rubric") == [
        f"nosuch-rubric: cannot read the rubric: 'nosuch-rubric' is neither a file nor a bundled "
        f"rubric; the bundled rubrics are {names} (or give the path of a rubric file)"]


def test_a_bundled_name_that_is_also_a_file_here_is_refused_naming_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bare name that is both a bundled rubric and a file here is refused, naming it."""
    monkeypatch.chdir(tmp_path)
    name = next(loading.bundled_rubric_names())
    (tmp_path / name).write_text(RUBRIC, encoding="utf-8")
    assert _problems(name) == [f"{name}: {name!r} names a bundled rubric and a file here; "
                               f"write ./{name} for the file"]


def test_an_installed_package_reads_its_rubrics_beside_its_code(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Installed, the package reads the bundled rubrics from its `_rubrics` folder; a problem
    in one is said in the rubric's file name, whether asked for by name or bundled_rubric."""
    shipped = tmp_path / "site" / "red_property" / "_rubrics"
    shipped.mkdir(parents=True)
    (shipped / "good.yaml").write_text(RUBRIC, encoding="utf-8")
    (shipped / "bad.yaml").write_text(RUBRIC.replace('"1"', "1"), encoding="utf-8")
    monkeypatch.setattr(loading, "__file__", str(shipped.parent / "loading.py"))
    assert list(loading.bundled_rubric_names()) == ["bad", "good"]
    assert rp.bundled_rubric("good").id == "t"
    said = "bad.yaml:2:10: version: expected text, got 1 (YAML reads it as int); quote it: '1'"
    assert _problems("bad") == [said]
    assert _problems("bad", name="mine.yaml") == [said.replace("bad.yaml", "mine.yaml")]
    with pytest.raises(rp.RubricError) as info:
        rp.bundled_rubric("bad")
    assert [str(p) for p in info.value.problems] == [said]
    with pytest.raises(rp.RubricError) as info:
        rp.bundled_rubric("nope")
    assert str(info.value) == "no bundled rubric 'nope'; bundled: bad, good"


def test_yaml_errors_are_said_whole_and_at_their_place() -> None:
    """A YAML error gives YAML's context and problem both, at the problem's line and column
    (also on a later line, or at the very first character), and names the file; an empty
    file says what a rubric is."""
    error = _error("id: t\ntitle: [a\nversion: 1\n", name="r.yaml")
    assert error.file == "r.yaml"
    assert [str(p) for p in error.problems] == [
        "r.yaml:3:8: not valid YAML: while parsing a flow sequence; did not find expected ',' or "
        "']'"]
    assert _problems("\x01\nid: t\n", name="r.yaml") == [
        "r.yaml:1:1: not valid YAML: unacceptable character #x0001: control characters are not "
        "allowed"]
    assert _problems("a: 1\nb: 2\nc: 3\x01\n", name="r.yaml") == [
        "r.yaml:3:5: not valid YAML: unacceptable character #x0001: control characters are not "
        "allowed"]
    assert _problems(b"", name="r.yaml") == [
        "r.yaml:1:1: the file is empty; a rubric is a mapping with `id`, `version`, ..."]


def test_a_document_that_is_no_mapping_names_its_file() -> None:
    """A rubric that is a list is refused in an error naming its file."""
    assert _error("- a\n- b\n", name="r.yaml").file == "r.yaml"


def test_each_wrong_value_keeps_its_own_problem() -> None:
    """A missing key beside a wrong one in the same mapping, a bad id holding a value of the
    wrong type, and a value fitting neither branch of a union each keep their problem."""
    gp = RUBRIC.replace(X, "{label: {en: X}, kind: measure, points: 10, goalposts: {worst: a}}")
    assert _problems(gp, name="r.yaml") == [
        "r.yaml:10:65: dimensions.s.indicators.x.goalposts.best: required key is missing",
        "r.yaml:10:73: dimensions.s.indicators.x.goalposts.worst: input should be a valid number"]
    assert _problems(RUBRIC.replace("dimensions:", "  Bad: 5\ndimensions:"), name="r.yaml") == [
        "r.yaml:6:3: sources.Bad: 'Bad' is not a valid id: use lower-case letters, digits and "
        "_, starting with a letter (parts may be joined by single dots)",
        "r.yaml:6:8: sources.Bad: expected a mapping of keys, got 5 (YAML reads it as int)"]
    mds = RUBRIC.replace("min_total: 5}", "min_total: 5, min_dimension_share: x}").replace(
        "weight: 1,", "weight: 1, foo: 2,")
    assert _problems(mds, name="r.yaml")[1:] == [
        "r.yaml:12:51: levels[0].min_dimension_share: input should be a valid number",
        "r.yaml:12:51: levels[0].min_dimension_share: expected a mapping of keys, got x (YAML "
        "reads it as str)"]


def test_a_key_named_like_the_kind_does_not_move_a_missing_key() -> None:
    """An indicator with a key named like its kind still has a missing key located in the
    mapping that misses it."""
    text = RUBRIC.replace(X, "{label: {en: X}, kind: measure, points: 10, measure: 1, "
                             "goalposts: {worst: 1}}")
    assert _problems(text, name="r.yaml") == [
        "r.yaml:10:54: dimensions.s.indicators.x.measure: unknown key; remove it or check its "
        "spelling",
        "r.yaml:10:77: dimensions.s.indicators.x.goalposts.best: required key is missing"]


def test_a_dumped_label_is_quoted_only_when_it_must_be_and_folded_past_100() -> None:
    """A plain label stays unquoted, and a long one is folded where a line passes 100
    characters, not 80 or 101."""
    title = "w" * 89 + " z z z z"
    text = rp.dump_rubric(rp.load_rubric(RUBRIC.replace("{en: T}", "{en: " + title + "}").replace(
        "{en: X}", "{en: Xavier}")))
    assert "  en: Xavier\n" in text
    assert f"title:\n  en: {'w' * 89} z z z\n    z\n" in text
    assert rp.load_rubric(text).title.en == title


@pytest.mark.parametrize("loader", [getattr(yaml, "CSafeLoader", yaml.SafeLoader), yaml.SafeLoader])
def test_unreadable_characters_are_located_after_chinese_text(
        loader: type[yaml.SafeLoader], monkeypatch: pytest.MonkeyPatch) -> None:
    """A control character, or half of a surrogate pair, after Chinese text is located at its
    line and column counted in characters, whichever YAML reader reads it."""
    monkeypatch.setattr(loading, "_Loader", loader)
    for text, where, char in [("id: t\ntitle: 中文\x01\n", "2:10", "0001"),
                              ("id: 中文中文\ntitle: 中\ud800\n", "2:9", "d800"),
                              ("\ntitle: 中\ud800\n", "2:9", "d800"),
                              ("id: t\nx: 1\ntitle: 中\ud800\n", "3:9", "d800")]:
        (said,) = _problems(text, name="r.yaml")
        assert said.startswith(f"r.yaml:{where}: not valid YAML: unacceptable character "
                               f"#x{char}: ")


def test_half_a_surrogate_pair_is_refused_saying_what_to_do() -> None:
    """Text holding half of a surrogate pair is refused, saying it is no text and to remove it."""
    assert _problems("id: t\ntitle: \udc80\n", name="r.yaml") == [
        "r.yaml:2:8: not valid YAML: unacceptable character #xdc80: "
        + ("half of a surrogate pair is not text; remove it" if hasattr(yaml, "CSafeLoader")
           else "special characters are not allowed")]


def test_a_yaml_error_names_its_file_on_the_error_itself() -> None:
    """The RubricError of text that is not YAML carries the file name it was given, as each
    of its problems does."""
    with pytest.raises(rp.RubricError) as info:
        rp.load_rubric("id: [\n", name="x.yaml")
    assert info.value.file == "x.yaml"
    assert [p.file for p in info.value.problems] == ["x.yaml"]
