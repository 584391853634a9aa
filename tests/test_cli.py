"""The command line: exit codes, formats, and what goes to stdout and stderr."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from red_property.cli import main

from .conftest import EXAMPLE, ROOT, SHANYANG
from .test_loading import _problem_file

RATINGS = str(EXAMPLE / "ratings.csv")
CLAIMS = str(EXAMPLE / "claims.csv")
BROKEN = """\
id: broken
version: "1"
title: {en: Broken}
sources:
  authority: {label: {en: A}, weight: -1}
dimensions:
  d:
    label: {en: D}
    indicators:
      x: {label: {en: X}, kind: check, points: 5}
levels:
  - {stars: 1, min_total: 3}
"""


def test_validate_bundled_rubrics_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    """Every bundled rubric validates: exit 0 and one 'ok' line per file."""
    files = sorted(str(p) for p in (ROOT / "rubrics").glob("*.yaml"))
    assert main(["validate", *files]) == 0
    out = capsys.readouterr().out
    assert out.count(": ok (") == len(files) >= 2


def test_validate_broken_exit_1_with_location(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A broken rubric exits 1 and names file:line:column, path and message on stderr."""
    f = tmp_path / "bad.yaml"
    f.write_text(BROKEN, encoding="utf-8")
    assert main(["validate", str(f)]) == 1
    err = capsys.readouterr().err
    assert f"{f}:5:39: sources.authority.weight: input should be greater than 0" in err


def test_validate_checks_every_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """All files are checked even after a bad one; the summary counts them."""
    f = tmp_path / "bad.yaml"
    f.write_text(BROKEN, encoding="utf-8")
    assert main(["validate", str(f), str(SHANYANG)]) == 1
    out = capsys.readouterr().out
    assert "2 file(s) checked, 1 invalid, 1 problem(s)" in out
    assert "shanyang-red-property-2019.yaml: ok" in out


def test_validate_json_and_github_formats(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """--format json gives structured problems; --format github gives ::error annotations."""
    f = tmp_path / "bad.yaml"
    f.write_text(BROKEN, encoding="utf-8")
    assert main(["validate", "--format", "json", str(f)]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["valid"] is False
    problem = doc["files"][0]["problems"][0]
    assert (problem["line"], problem["column"], problem["path"]) == (5, 39,
                                                                     "sources.authority.weight")
    assert main(["validate", "--format", "github", str(f)]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(f"::error file={f},line=5,col=39::sources.authority.weight: ")
    assert captured.err == ""  # GitHub reads workflow commands from stdout only


def test_usage_error_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown command or a missing argument is a usage error: exit 2."""
    assert main(["frobnicate"]) == 2
    assert main(["validate"]) == 2
    assert "usage:" in capsys.readouterr().err


def test_missing_file_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    """A rubric file that does not exist is invalid input, not a traceback."""
    assert main(["validate", "no/such/file.yaml"]) == 1
    assert "no/such/file.yaml: cannot read the rubric" in capsys.readouterr().err


def test_score_table(capsys: pytest.CaptureFixture[str]) -> None:
    """`score` prints the star table with the summary and the dropped rows."""
    assert main(["score", str(SHANYANG), RATINGS, "--claims", CLAIMS]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["rank", "company", "total", "stars", "claim"]
    assert "40 companies:" in out
    assert "7 of 6191 rating rows dropped (self-rating 7)" in out
    assert "sy-38" in out and "not rated" in out


def test_score_json_matches_library(shanyang_report, capsys: pytest.CaptureFixture[str]
                                    ) -> None:  # type: ignore[no-untyped-def]
    """`score --format json` prints exactly Report.to_json()."""
    assert main(["score", str(SHANYANG), RATINGS, "--claims", CLAIMS, "--format", "json"]) == 0
    assert capsys.readouterr().out == shanyang_report.to_json() + "\n"


def test_score_csv_to_file_or_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                     ) -> None:
    """--format csv writes a file with --out and the same rows, without a BOM, to stdout."""
    out = tmp_path / "r.csv"
    assert main(["score", str(SHANYANG), RATINGS, "--format", "csv", "--out", str(out)]) == 0
    written = out.read_text(encoding="utf-8-sig")
    lines = written.splitlines()
    assert lines[0].startswith("company,name,district,rated,total,stars")
    assert len(lines) == 41
    capsys.readouterr()
    assert main(["score", str(SHANYANG), RATINGS, "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert captured.out == out.read_bytes().decode("utf-8-sig")
    assert captured.err == ""


def test_explain_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`explain` shows the decision trace; --format json gives the same as data."""
    assert main(["explain", str(SHANYANG), RATINGS, "sy-12", "--claims", CLAIMS]) == 0
    out = capsys.readouterr().out
    assert out.startswith("sy-12: ★★★☆☆ 3★ (earned 3★; claimed 5★: lowered)")
    assert "To reach 4★:" in out
    assert main(["explain", str(SHANYANG), RATINGS, "sy-12", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["company"] == "sy-12" and doc["stars"] == 3


def test_explain_unknown_company(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown company exits 1 with a hint, not a KeyError."""
    assert main(["explain", str(SHANYANG), RATINGS, "sy-99"]) == 1
    assert "no company 'sy-99'" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["score"], ["explain"]])
def test_empty_season_exits_1(command: list[str], tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    """A ratings file with a header and no rows exits 1 in score and explain, saying so."""
    f = tmp_path / "r.csv"
    f.write_text("company,source,rater,indicator,value\n", encoding="utf-8")
    argv = [*command, str(SHANYANG), str(f)] + (["sy-01"] if command == ["explain"] else [])
    assert main(argv) == 1
    assert "no ratings: the file has a header but no rows" in capsys.readouterr().err


def test_bad_ratings_exit_1_with_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad ratings row is reported with its row and column, exit 1."""
    f = tmp_path / "r.csv"
    f.write_text("company,source,rater,indicator,value\n"
                 "a,authority,r1,six_haves,1\n"
                 "a,authority,r1,reputation,11\n", encoding="utf-8")
    assert main(["score", str(SHANYANG), str(f)]) == 1
    err = capsys.readouterr().err
    assert f"{f}: row 3, column value: value 11 is outside 0 to 10" in err


SCRIPT = Path(sys.executable).parent / "red-property"


def test_console_script_and_module_entry_points() -> None:
    """Both the installed `red-property` script and `python -m red_property` run the CLI."""
    assert SCRIPT.exists(), "the console script is installed beside the interpreter"
    a = subprocess.run([str(SCRIPT), "validate", str(SHANYANG)], capture_output=True,
                       text=True, check=False)
    b = subprocess.run([sys.executable, "-m", "red_property", "validate", str(SHANYANG)],
                       capture_output=True, text=True, check=False)
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout


BROKEN_DIR = ROOT / "tests" / "rubrics" / "broken"


@pytest.mark.parametrize("path", sorted(BROKEN_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_validate_each_broken_rubric_exits_1(path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """`red-property validate` exits 1 on every broken fixture and prints each expected
    problem as file:line:column: path: message."""
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect: "):
            where, _, rest = line.removeprefix("# expect: ").partition(": ")
            dotted, _, message = rest.partition(": ")
            file = _problem_file(path)  # a fixture's base file, for a broken base it extends
            head = f"{file}:{where}: {dotted}: " if dotted else f"{file}:{where}: "
            assert any(ln.startswith(head) and message in ln for ln in err.splitlines()), line


def test_unwritable_out_is_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--out pointing at a folder or a missing directory is a clean error, exit 1."""
    assert main(["score", str(SHANYANG), RATINGS, "--out", str(tmp_path)]) == 1
    assert "cannot write" in capsys.readouterr().err
    missing = tmp_path / "no" / "x.csv"
    assert main(["score", str(SHANYANG), RATINGS, "--format", "csv", "--out", str(missing)]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_github_annotations_go_to_stdout(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Every --format github command writes its annotations to stdout, nothing to stderr."""
    bad = tmp_path / "r.csv"
    bad.write_text("company,source,rater,indicator,value\nsy-01,authority,a1,six_haves,maybe\n",
                   encoding="utf-8")
    new = tmp_path / "new.yaml"
    new.write_text(SHANYANG.read_text(encoding="utf-8").replace("min_total: 80", "min_total: 78"),
                   encoding="utf-8")
    refusing = tmp_path / "refusing.yaml"
    refusing.write_text(SHANYANG.read_text(encoding="utf-8").replace(
        "when_short: renormalise", "when_short: fail"), encoding="utf-8")
    for argv in (["diff", str(SHANYANG), str(SHANYANG), str(bad), "--format", "github"],
                 ["diff", str(SHANYANG), str(new), RATINGS, "--format", "github"],
                 ["diff", str(SHANYANG), str(refusing), RATINGS, "--format", "github"]):
        assert main(argv) in (0, 1)
        captured = capsys.readouterr()
        assert captured.err == ""
        annotations = [x for x in captured.out.splitlines() if x.startswith("::")]
        assert annotations
        assert all(re.match(r"::(error|warning)( file=[^,:]+(,line=\d+)?(,col=\d+)?)?::", x)
                   for x in annotations)
    assert annotations[0].startswith(f"::error::refused by the new rubric shanyang-red-property"
                                     f"@2019.1 ({refusing}): source 'peer' has ")
