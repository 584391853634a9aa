"""Tests of red_property.loading: located problems, round trips, fingerprints, hostile input.

Each file in ``tests/rubrics/broken/`` is a small rubric with one mistake. Its leading comment
lines state what the loader must report, one line per problem::

    # expect: LINE:COLUMN: dotted.path: message substring

(the path is empty for problems of the document as a whole, e.g. ``# expect: 1:1: : the file
is empty``). A fixture whose correct location the loader does not report yet also carries::

    # xfail: why (a known loader bug)

and is run as a strict xfail, so fixing the bug turns it into a failure until the line goes.
A fixture whose problems lie in the base rubric it extends names that file::

    # in: ../bases/broken-base.yaml

The tests at the end marked ``xfail(strict=True)`` pin bugs found while writing this file; each
names the behaviour that should hold.
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from red_property import loading
from red_property.errors import Problem, RubricError
from red_property.loading import MAX_BYTES, dump_rubric, load_rubric, rubric_data
from red_property.plan import fingerprint
from red_property.rubric import Rubric
from red_property.rubric_checks import check_rubric, total_maxima

from .budget import examples

ROOT = Path(__file__).resolve().parent.parent
RUBRICS = sorted((ROOT / "rubrics").glob("*.yaml"))
SHANYANG = ROOT / "rubrics" / "shanyang-red-property-2019.yaml"
PROVINCIAL = ROOT / "rubrics" / "provincial-property-service-grading.yaml"
BROKEN_DIR = Path(__file__).resolve().parent / "rubrics" / "broken"
BROKEN = sorted(BROKEN_DIR.glob("*.yaml"))
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/rubric.schema.json"

#: Hostile input must be refused well within this many seconds (a guard against hanging).
QUICK = 2.0

MINIMAL = """\
id: mini
version: "1"
title: {en: Mini}
sources:
  panel:
    label: {en: Panel}
    weight: 1
dimensions:
  service:
    label: {en: Service}
    points: 10
    indicators:
      clean:
        label: {en: Clean}
        kind: check
        points: 10
levels:
  - stars: 1
    min_total: 5
"""


# --------------------------------------------------------------------------- broken fixtures

_EXPECT = re.compile(r"^# expect: (\d+):(\d+): ([^ ]*): (.+)$")


@dataclass(frozen=True)
class Expected:
    """One problem a broken fixture states the loader must report."""

    line: int
    column: int
    path: str
    message: str

    def matches(self, problem: Problem) -> bool:
        """Same line, column and path, and the message contains the expected text."""
        return (problem.line, problem.column, problem.path) == (
            self.line,
            self.column,
            self.path,
        ) and self.message in problem.message

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.path}: {self.message}"


def _header(path: Path) -> tuple[list[Expected], str | None]:
    """The `# expect:` lines and the `# xfail:` reason of a fixture's leading comments."""
    expected: list[Expected] = []
    xfail: str | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.startswith("#"):
            break
        if raw.startswith("# expect"):
            m = _EXPECT.match(raw)
            if m is None:
                raise ValueError(f"{path.name}: malformed expectation {raw!r}")
            expected.append(Expected(int(m[1]), int(m[2]), m[3], m[4]))
        elif raw.startswith("# xfail: "):
            xfail = raw.removeprefix("# xfail: ")
    return expected, xfail


def _broken_params() -> list[Any]:
    params = []
    for path in BROKEN:
        _, xfail = _header(path)
        marks = []
        if xfail:
            marks.append(pytest.mark.xfail(reason=xfail, raises=AssertionError, strict=True))
        params.append(pytest.param(path, id=path.stem, marks=marks))
    return params


def test_broken_fixtures_are_many_and_well_formed() -> None:
    """There are at least 24 broken fixtures, named NN-description.yaml, each stating problems."""
    assert len(BROKEN) >= 24
    for path in BROKEN:
        assert re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*\.yaml", path.name), path.name
        expected, _ = _header(path)
        assert expected, f"{path.name} states no `# expect:` line"
    numbers = [p.name[:2] for p in BROKEN]
    assert len(set(numbers)) == len(numbers), "fixture numbers repeat"


@pytest.mark.parametrize("path", _broken_params())
def test_broken_rubric_reports_exactly_the_expected_problems(path: Path) -> None:
    """A broken fixture raises RubricError with exactly its `# expect:` problems, each located."""
    expected, _ = _header(path)
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    problems = list(info.value.problems)
    unmatched = list(problems)
    missing: list[Expected] = []
    for want in expected:
        hit = next((p for p in unmatched if want.matches(p)), None)
        if hit is None:
            missing.append(want)
        else:
            unmatched.remove(hit)
    report = (
        f"\nmissing:    {[str(m) for m in missing]}"
        f"\nunexpected: {[f'{p.line}:{p.column}: {p.path}: {p.message}' for p in unmatched]}"
    )
    assert not missing, report
    assert not unmatched, report
    assert len(problems) == len(expected)
    assert all(p.file == _problem_file(path) for p in problems)


def _problem_file(path: Path) -> str:
    """The file a fixture's problems are in: itself, or the base its `# in:` line names (a
    fixture that extends a broken base)."""
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("# in: "):
            return os.path.normpath(path.parent / raw.removeprefix("# in: "))
    return str(path)


# --------------------------------------------------------------------------- bundled rubrics


def test_both_bundled_rubrics_are_there() -> None:
    """The repository bundles the Shanyang and the provincial rubric (and maybe more)."""
    assert SHANYANG in RUBRICS
    assert PROVINCIAL in RUBRICS


@pytest.mark.parametrize("path", RUBRICS, ids=lambda p: p.stem)
def test_bundled_rubric_loads(path: Path) -> None:
    """Every bundled rubric loads, and starts with the schema line for editors."""
    rubric = load_rubric(path)
    assert isinstance(rubric, Rubric)
    assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE


@pytest.mark.parametrize("path", RUBRICS, ids=lambda p: p.stem)
def test_bundled_rubric_round_trips(path: Path) -> None:
    """YAML -> model -> YAML -> model gives an equal model, fingerprint and (stable) text."""
    rubric = load_rubric(path)
    text = dump_rubric(rubric)
    again = load_rubric(text)
    assert again == rubric
    assert fingerprint(again) == fingerprint(rubric)
    assert dump_rubric(again) == text


def test_provincial_rubric_shape() -> None:
    """The provincial rubric is on 1,000 + 100 points and five stars cannot be had without bonus."""
    rubric = load_rubric(PROVINCIAL)
    assert rubric.weighting == "shares"
    assert total_maxima(rubric) == (1000.0, 100.0)
    kinds = {ind.kind for _, ind in rubric.indicators().values()}
    assert kinds == {"check", "options", "score", "measure", "deduction", "bonus"}
    thresholds = [level.min_total for level in rubric.levels]
    assert thresholds == sorted(set(thresholds))
    top = rubric.levels[-1]
    assert top.stars == 5
    assert top.min_total > total_maxima(rubric)[0]
    assert rubric.claims.below_claim == "award_none"


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        (SHANYANG, "min_total: 94", "min_total: 95"),
        (PROVINCIAL, "min_total: 1020", "min_total: 1030"),
    ],
    ids=["shanyang", "provincial"],
)
def test_fingerprint_changes_with_a_threshold(path: Path, old: str, new: str) -> None:
    """Changing one level's threshold changes the fingerprint."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    assert fingerprint(load_rubric(text.replace(old, new))) != fingerprint(load_rubric(text))


@pytest.mark.parametrize("path", RUBRICS, ids=lambda p: p.stem)
def test_fingerprint_ignores_comments_and_formatting(path: Path) -> None:
    """Comments, blank lines, quoting, flow or block style do not change the fingerprint."""
    text = path.read_text(encoding="utf-8")
    rubric = load_rubric(text)
    commented = (
        "# a new comment at the top\n\n"
        + text.replace("\nsources:\n", "\n\n# before the sources\nsources:   # and after\n")
        + "\n# a comment at the end\n"
    )
    assert commented != text
    flow = yaml.safe_dump(
        rubric_data(rubric), default_flow_style=True, allow_unicode=True, sort_keys=False, width=60
    )
    variants = [commented, dump_rubric(rubric), flow]
    for variant in variants:
        assert fingerprint(load_rubric(variant)) == fingerprint(rubric)


# --------------------------------------------------------------------------- hostile input


def _refused_quickly(source: str | bytes | Path) -> RubricError:
    """Load ``source``, which must raise RubricError (and nothing else) within QUICK seconds."""
    start = time.perf_counter()
    with pytest.raises(RubricError) as info:
        load_rubric(source)
    assert time.perf_counter() - start < QUICK
    assert info.value.problems
    return info.value


@pytest.mark.parametrize(
    "template",
    [
        "!!python/object/apply:os.system ['touch {marker}']\n",
        "id: !!python/object/apply:os.system ['touch {marker}']\nversion: '1'\n",
        "id: mini\nversion: !!python/object/new:os.system ['touch {marker}']\n",
        "id: !!python/name:os.system\nversion: '1'\n",
    ],
    ids=["document", "value", "object-new", "name"],
)
def test_python_tags_are_refused_and_never_run(template: str, tmp_path: Path) -> None:
    """`!!python/...` tags raise RubricError naming the tag, and the code is never executed."""
    marker = tmp_path / "pwned"
    error = _refused_quickly(template.format(marker=marker))
    assert not marker.exists()
    assert any("!!python" in p.message or "python/" in p.message for p in error.problems)
    assert all("is not allowed" in p.message for p in error.problems)


def _alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for k in range(1, levels + 1):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_quickly() -> None:
    """A billion-laughs document (9 levels of 9 aliases) is refused at once, not expanded."""
    error = _refused_quickly(_alias_bomb())
    assert any("alias *a0 is not allowed" in p.message for p in error.problems)


def test_ten_megabyte_file_is_refused_quickly(tmp_path: Path) -> None:
    """A 10 MB file, its bytes or its text are refused for size, without being parsed."""
    path = tmp_path / "huge.yaml"
    data = b"notes:\n" + b"- padding padding padding padding\n" * (10_000_000 // 34)
    path.write_bytes(data)
    assert path.stat().st_size > 9_900_000
    for source in (path, data, data.decode("utf-8")):
        error = _refused_quickly(source)
        assert len(error.problems) == 1
        assert f"more than the {MAX_BYTES:,}" in error.problems[0].message


def test_duplicate_keys_are_refused() -> None:
    """A key given twice is refused, naming the key and the line of its first use."""
    error = _refused_quickly("id: one\nversion: '1'\nid: two\n")
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert (problem.line, problem.path) == (3, "id")
    assert "duplicate key 'id' (first at line 1)" in problem.message


def test_bytes_that_are_not_utf8_are_refused() -> None:
    """Bytes that are not UTF-8 are refused at the offending byte."""
    error = _refused_quickly(b"id: \xff\xfe")
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert (problem.line, problem.column) == (1, 5)
    assert "not UTF-8 (byte 0xff)" in problem.message


@pytest.mark.parametrize(
    ("text", "column"),
    [("\n" + "[" * 100_000, 41), ("\n" + "- " * 100_000 + "x\n", 81),
     ("\n" + "{a: " * 50_000, 161)],
    ids=["flow-sequences", "block-sequences", "flow-mappings"],
)
def test_deep_nesting_is_refused_quickly(text: str, column: int) -> None:
    """Absurdly deep nesting is refused at the first level too deep, before it is composed."""
    error = _refused_quickly(text)
    assert len(error.problems) == 1
    problem = error.problems[0]
    if "exceeded maximum nesting depth" in problem.message:  # newer libyaml's own flow limit
        assert (problem.line, problem.column) == (2, 1001)
    else:
        assert (problem.line, problem.column) == (2, column)
        assert "nested deeper than 40 levels" in problem.message


def test_nesting_at_the_limit_is_not_refused_as_deep() -> None:
    """Forty levels of nesting pass the depth guard (and fail only as a rubric)."""
    error = _refused_quickly("[" * 40 + "]" * 40 + "\n")
    assert "nested" not in str(error)
    assert "a rubric is a mapping" in str(error)


# --------------------------------------------------------------------------- fuzzing

_YAMLISH = st.text(alphabet=" \n\t-:,[]{}&*!|>#'\"?%@`.0123456789axyen~=<", max_size=200)


def _outcome(source: str | bytes) -> Rubric | RubricError:
    try:
        return load_rubric(source)
    except RubricError as exc:
        return exc


def _loads_or_rubric_error(source: str | bytes) -> None:
    outcome = _outcome(source)
    if isinstance(outcome, RubricError):
        assert outcome.problems
        assert all(isinstance(p, Problem) for p in outcome.problems)
    else:
        assert isinstance(outcome, Rubric)


@settings(max_examples=examples(200), deadline=None)
@given(st.text())
def test_any_text_loads_or_raises_rubric_error(text: str) -> None:
    """Any text is either a Rubric or a RubricError, never another exception."""
    _loads_or_rubric_error("\n" + text)


@settings(max_examples=examples(200), deadline=None)
@given(st.binary())
def test_any_bytes_load_or_raise_rubric_error(data: bytes) -> None:
    """Any bytes are either a Rubric or a RubricError, never another exception."""
    _loads_or_rubric_error(data)


@settings(max_examples=examples(200), deadline=None)
@given(_YAMLISH)
def test_yaml_punctuation_loads_or_raises_rubric_error(text: str) -> None:
    """Text made of YAML's punctuation (anchors, tags, flows, blocks) never escapes RubricError."""
    _loads_or_rubric_error("\n" + text)


def _shanyang_data() -> dict[str, Any]:
    return load_rubric(SHANYANG).model_dump()


_texts = st.text(max_size=40)
_halves = st.integers(min_value=2, max_value=40).map(lambda k: k / 2)  # 1.0 .. 20.0 by 0.5
_positive = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)
_share = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@st.composite
def rubrics(draw: st.DrawFn) -> Rubric:
    """Valid rubrics: the Shanyang rubric with weights, points, thresholds and texts varied."""
    data = copy.deepcopy(_shanyang_data())
    data["version"] = draw(_texts.filter(bool))
    data["title"]["en"] = draw(_texts.filter(bool))
    data["notes"] = draw(st.lists(_texts, max_size=3))
    data["rounding"] = {
        "digits": draw(st.integers(0, 6)),
        "mode": draw(st.sampled_from(["half_up", "half_even", "none"])),
    }
    for source in data["sources"].values():
        source["weight"] = draw(_positive)
        source["when_short"] = draw(st.sampled_from(["renormalise", "not_rated", "fail"]))
    bonus = 0.0
    for dim in data["dimensions"].values():
        total = 0.0
        for ind in dim["indicators"].values():
            kind = ind["kind"]
            if kind == "check":
                if ind["points"] > 0:
                    ind["points"] = draw(_halves | st.just(0.0))
                ind["pass_mark"] = draw(st.floats(min_value=0.01, max_value=1.0))
                total += ind["points"]
            elif kind == "options":
                points = sorted(draw(st.lists(_halves, min_size=len(ind["options"]),
                                              max_size=len(ind["options"]))))
                ind["options"] = dict(zip(ind["options"], points, strict=True))
                total += points[-1]
            elif kind in ("score", "measure", "deduction"):
                ind["points"] = draw(_halves)
                total += ind["points"]
            elif kind == "bonus":
                ind["per"] = draw(_halves)
                ind["cap"] = draw(_halves)
                bonus += ind["cap"]
        dim["points"] = total
    data["bonus_cap"] = draw(_halves)
    base = sum(d["points"] for d in data["dimensions"].values())
    cents = draw(st.lists(st.integers(0, int(base * 100)), min_size=len(data["levels"]),
                          max_size=len(data["levels"]), unique=True))
    for level, threshold in zip(data["levels"], sorted(cents), strict=True):
        level["min_total"] = threshold / 100
        if level["min_dimension_share"] is not None:
            level["min_dimension_share"] = draw(_share)
    rubric = Rubric.model_validate(data)
    assert check_rubric(rubric) == [], "the strategy must only build valid rubrics"
    return rubric


@settings(max_examples=examples(100), deadline=None)
@given(rubrics())
def test_generated_rubrics_round_trip(rubric: Rubric) -> None:
    """Any valid rubric dumps to YAML that loads back to an equal rubric and fingerprint."""
    again = load_rubric(dump_rubric(rubric))
    assert again == rubric
    assert fingerprint(again) == fingerprint(rubric)


# --------------------------------------------------------------------------- all at once

_THREE_SCHEMA_ERRORS = """\
levels:
  - stars: 1
    min_total: -5
id: mini
version: "1"
title: {en: Mini}
sources:
  panel:
    label: {en: Panel}
    weight: heavy
dimensions:
  service:
    label: {en: Service}
    points: 10
    colour: blue
    indicators:
      clean:
        label: {en: Clean}
        kind: check
        points: 10
"""

_THREE_RUBRIC_ERRORS = """\
bonus_cap: 5
id: mini
version: "1"
title: {en: Mini}
sources:
  panel:
    label: {en: Panel}
    weight: 1
    covers: [service, hygiene]
dimensions:
  service:
    label: {en: Service}
    points: 12
    indicators:
      clean:
        label: {en: Clean}
        kind: check
        points: 10
levels:
  - stars: 1
    min_total: 5
"""


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            _THREE_SCHEMA_ERRORS,
            [(3, "levels[0].min_total"), (10, "sources.panel.weight"),
             (15, "dimensions.service.colour")],
        ),
        (
            _THREE_RUBRIC_ERRORS,
            [(1, "bonus_cap"), (9, "sources.panel.covers[1]"), (13, "dimensions.service.points")],
        ),
    ],
    ids=["field-errors", "whole-rubric-errors"],
)
def test_all_problems_are_reported_at_once_sorted_by_line(
    text: str, where: list[tuple[int, str]]
) -> None:
    """Three independent mistakes give exactly three problems, in line order."""
    with pytest.raises(RubricError) as info:
        load_rubric(text)
    problems = info.value.problems
    assert [(p.line, p.path) for p in problems] == where
    assert str(info.value).startswith("3 problems in rubric <text>:")


def test_minimal_rubric_loads() -> None:
    """The minimal rubric the broken fixtures start from is itself valid."""
    assert load_rubric(MINIMAL).id == "mini"


# --------------------------------------------------------------------------- known bugs
# Each test pins a bug found while writing this file and since fixed; what is still open keeps
# a strict xfail, so fixing it makes the test fail until the mark is removed.


def test_duplicate_block_key_points_at_the_key() -> None:
    """A duplicate key whose value is a block mapping is reported at the key's own line."""
    text = MINIMAL.replace("    weight: 1\n", "    weight: 1\n  panel:\n    label: {en: X}\n")
    with pytest.raises(RubricError) as info:
        load_rubric(text)
    (problem,) = info.value.problems
    assert (problem.line, problem.column, problem.path) == (8, 3, "sources.panel")


def test_merge_key_that_is_not_first_points_at_the_merge_key() -> None:
    """A `<<` merge key after other keys is reported at its own line."""
    text = MINIMAL.replace("    weight: 1\n", "    weight: 1\n    <<: {quorum: 2}\n")
    with pytest.raises(RubricError) as info:
        load_rubric(text)
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (8, 5)


def test_invalid_date_is_located() -> None:
    """A date that does not exist (2019-13-45) is reported at its line, column and path."""
    text = MINIMAL.replace(
        "title: {en: Mini}\n", "title: {en: Mini}\neffective:\n  start: 2019-13-45\n"
    )
    with pytest.raises(RubricError) as info:
        load_rubric(text)
    (problem,) = info.value.problems
    assert (problem.line, problem.column, problem.path) == (5, 10, "effective.start")


def test_control_character_is_located() -> None:
    """A control character is reported at the line where it is, not at 1:1."""
    with pytest.raises(RubricError) as info:
        load_rubric(MINIMAL + "notes: ['\x07']\n")
    (problem,) = info.value.problems
    assert problem.line == 20


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("id: !!bool maybe\n", id="bool"),
        pytest.param("id: !!timestamp someday\n", id="timestamp"),
    ],
)
def test_explicit_core_tag_with_a_bad_value_is_a_rubric_error(text: str) -> None:
    """`!!bool maybe` or `!!timestamp someday` raise RubricError, not a constructor's error."""
    with pytest.raises(RubricError):
        load_rubric(text)


def test_path_with_nul_byte_is_a_rubric_error() -> None:
    """A file name holding a NUL character raises RubricError (cannot read), not ValueError."""
    with pytest.raises(RubricError):
        load_rubric("rubric\x00.yaml")


def test_quote_advice_keeps_the_text_as_written() -> None:
    """`version: 2019.10` is advised to be quoted as '2019.10', not '2019.1'."""
    with pytest.raises(RubricError) as info:
        load_rubric(MINIMAL.replace('version: "1"', "version: 2019.10"))
    (problem,) = info.value.problems
    assert "quote it: '2019.10'" in problem.message


def test_score_default_above_points_is_reported() -> None:
    """A score indicator's default outside [0, points] is a problem."""
    text = MINIMAL.replace("kind: check\n        points: 10\n",
                           "kind: score\n        points: 10\n        default: 50\n")
    with pytest.raises(RubricError):
        load_rubric(text)


def test_next_line_character_round_trips() -> None:
    """Text holding U+0085 (NEL), U+2028 or U+2029 survives dump_rubric then load_rubric."""
    notes = ["a\x85b", "c\u2028d", "e\u2029f"]
    rubric = load_rubric(MINIMAL).model_copy(update={"notes": notes})
    assert load_rubric(dump_rubric(rubric)).notes == notes


def test_loading_keeps_no_yaml_nodes_alive() -> None:
    """After a load, no YAML node of the document is kept alive (in a fresh interpreter, so
    nodes other tests keep cannot hide or fake a leak)."""
    code = ("import gc, sys, yaml; from red_property import load_rubric; "
            "rubric = load_rubric(sys.stdin.read()); gc.collect(); "
            "print(rubric.id, sum(isinstance(o, yaml.Node) for o in gc.get_objects()))")
    out = subprocess.run([sys.executable, "-c", code], input=MINIMAL, capture_output=True,
                         text=True, check=True)
    assert out.stdout.split() == [load_rubric(MINIMAL).id, "0"]


def test_deep_nesting_is_refused_by_the_pure_python_parser(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """Without libyaml, deep nesting is refused from the events at the first level too deep."""
    monkeypatch.setattr(loading, "_Loader", yaml.SafeLoader)
    error = _refused_quickly("\n" + "- " * 5_000 + "x\n")
    assert [(p.line, p.column) for p in error.problems] == [(2, 81)]
    assert "nested deeper than 40 levels" in error.problems[0].message


# --------------------------------------------------------------------------- bundled names


def test_a_bundled_rubric_is_named_where_a_file_is_taken() -> None:
    """load_rubric takes a bundled rubric's name and labels its messages with the file name."""
    assert load_rubric("shanyang-red-property-2019") == load_rubric(SHANYANG)


def test_bundled_rubric_refuses_paths(tmp_path: Path) -> None:
    """bundled_rubric takes only the listed names: a relative path to a rubric is refused."""
    (tmp_path / "elsewhere.yaml").write_text(SHANYANG.read_text(encoding="utf-8"),
                                             encoding="utf-8")
    sneaky = os.path.relpath(tmp_path / "elsewhere", loading._bundled_dir())
    for name in (sneaky, "../rubrics/shanyang-red-property-2019", str(SHANYANG.with_suffix(""))):
        with pytest.raises(RubricError, match=r"no bundled rubric .*; bundled: provincial"):
            loading.bundled_rubric(name)


def test_a_name_that_is_also_a_file_here_is_refused(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A bundled name that is also a file in the working folder is refused, never guessed."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shanyang-red-property-2019").write_text("id: mine\n", encoding="utf-8")
    with pytest.raises(RubricError, match="names a bundled rubric and a file here; write "
                       r"\./shanyang-red-property-2019 for the file"):
        load_rubric("shanyang-red-property-2019")
    with pytest.raises(RubricError, match="version: required key is missing"):
        load_rubric("./shanyang-red-property-2019")
