"""Run the hostile-input catalogue through the Python API and the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

import red_property as rp
from red_property.cli import main
from red_property.errors import Problem

from .cases import Case, ratings_csv
from .claims import CLAIMS
from .columns import COLUMNS
from .companies import COMPANIES
from .ratings import RATINGS
from .rubrics import RUBRICS

CASES = [*RATINGS, *CLAIMS, *COMPANIES, *COLUMNS, *RUBRICS]


def _write(path: Path, data: str | bytes) -> Path:
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8", newline="")
    return path


def _files(case: Case, tmp: Path) -> dict[str, Path]:
    """The case's input as files: rubric, ratings, and claims or companies."""
    if case.kind == "rubric":
        source = case.input if isinstance(case.input, Path) else _write(tmp / "rubric.yaml",
                                                                        case.input)
        return {"rubric": source}
    assert isinstance(case.input, (str, bytes))
    files = {"rubric": _write(tmp / "rubric.yaml", case.rubric_text())}
    if case.kind == "ratings":
        files["ratings"] = _write(tmp / "ratings.csv", case.input)
    else:
        files["ratings"] = _write(tmp / "ratings.csv", case.ratings or ratings_csv())
        files[case.kind] = _write(tmp / f"{case.kind}.csv", case.input)
    return files


def _run_api(case: Case, files: dict[str, Path]) -> rp.Report | rp.Rubric:
    if case.kind == "rubric":
        return rp.load_rubric(files["rubric"])
    return rp.evaluate(files["rubric"], files["ratings"], claims=files.get("claims"),
                       companies=files.get("companies"))


def _located(case: Case, problems: tuple[Problem, ...]) -> list[Problem]:
    """The problems at the case's location whose message holds the case's fragment."""
    return [p for p in problems if case.message in p.message
            and (case.kind == "rubric" or (p.row, p.path) == (case.row, case.column))
            and (case.kind != "rubric" or ((p.line, p.path) == (case.line, case.column)
                                          and case.col in (0, p.column)))]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.kind}-{c.name}")
def test_api(case: Case, tmp_path: Path) -> None:
    """The API raises exactly the case's error class, located, with the message fragment; or
    accepts the input with rows read = used + dropped as stated."""
    if case.error is None:
        assert not callable(case.input)
        report = _run_api(case, _files(case, tmp_path))
        assert isinstance(report, rp.Report)
        assert report.rows_read == report.rows_used + report.rows_dropped
        assert (report.rows_read, report.rows_used, report.rows_dropped) == case.rows
        return
    call = case.input if callable(case.input) else lambda: _run_api(case, _files(case, tmp_path))
    with pytest.raises(Exception) as info:  # noqa: PT011 - the exact class is checked below
        call()
    error = info.value
    assert type(error) is case.error, repr(error)
    problems = getattr(error, "problems", (Problem(str(error)),))
    assert _located(case, problems), "\n".join(
        f"{p.line}:{p.column} row {p.row} [{p.path}] {p.message}" for p in problems)


@pytest.mark.parametrize("case", [c for c in CASES if c.exit is not None],
                         ids=lambda c: f"{c.kind}-{c.name}")
def test_cli(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The command line exits with the case's code; its messages name the location and hold
    the fragment, and nothing it prints holds a raw control character."""
    files = _files(case, tmp_path)
    if case.kind == "rubric":
        argv = ["validate", str(files["rubric"])]
    else:
        argv = ["score", str(files["rubric"]), str(files["ratings"])]
        if case.kind in ("claims", "companies"):
            argv += [f"--{case.kind}", str(files[case.kind])]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == case.exit, err
    if case.exit:
        assert case.message in err
        if case.row:
            where = f"row {case.row}" + (f", column {case.column}" if case.column else "")
            assert where in err
        if case.line:
            assert f":{case.line}:" in err
    if case.shown:
        assert case.shown in out
    assert not any(ch in out + err for ch in "\x00\x1b\u202e")


def test_catalogue_is_large_and_names_are_unique() -> None:
    """The catalogue covers every input kind, and no two cases share a name."""
    names = [f"{c.kind}-{c.name}" for c in CASES]
    assert len(set(names)) == len(names)
    assert {c.kind for c in CASES} == {"ratings", "claims", "companies", "api", "rubric"}
    assert len(CASES) >= 120
