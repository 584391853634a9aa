"""The docs execute: README snippets run and the CLI help is what the README shows."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import red_property as rp
from red_property.cli import build_parser, main

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_readme_python_snippets_run(monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Every ```python block of the README runs, in order, from the repository root (with the
    extras the README installs: its blocks draw plots and make frames)."""
    for module, extra in (("pandas", "pandas"), ("matplotlib", "plot")):
        pytest.importorskip(module, reason=f"the README's examples need the {extra} extra")
    blocks = _python_blocks()
    assert blocks, "the README shows Python usage"
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    out = capsys.readouterr().out
    assert "sy-12" in out or "rank" in out


def test_readme_commands_exist() -> None:
    """Every `red-property X` command the README shows is a real subcommand."""
    shown = set(re.findall(r"^red-property (\w+)", README, flags=re.M))
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert shown and shown <= set(sub.choices)  # type: ignore[arg-type]


def test_readme_two_setup_commands_are_the_scripts() -> None:
    """The README's two set-up commands exist, and .ci/run runs the test one."""
    assert "bash scripts/run-example.sh" in README
    assert "bash scripts/test.sh" in README
    assert (ROOT / "scripts" / "run-example.sh").exists()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in ci


@pytest.mark.parametrize("command", ["validate", "score", "explain", "schema"])
def test_help_for_each_command(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`red-property COMMAND --help` exits 0 and describes the command's arguments."""
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: red-property {command}")
    if command != "schema":
        assert "--format" in out
    assert os.linesep in out or "\n" in out


def test_readme_explain_example_is_what_the_code_prints(shanyang_report) -> None:  # type: ignore[no-untyped-def]
    """The gap line quoted in the README is the one explain() gives for sy-12."""
    line = re.search(r"`(✗ total ≥ [^`]+)`", README)
    assert line is not None
    assert [str(c) for c in shanyang_report.explain("sy-12").gap] == [line.group(1)]


def test_service_example_runs(tmp_path: Path) -> None:
    """examples/service.py prints stars and provenance as JSON, and a JSON error on bad input."""
    script = ROOT / "examples" / "service.py"
    ok = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                        check=False)
    assert ok.returncode == 0, ok.stderr
    doc = json.loads(ok.stdout)
    assert doc["stars"]["sy-09"] == 5
    assert doc["stars"]["sy-38"] is None
    assert doc["provenance"]["rubric"]["id"] == "shanyang-red-property"
    bad = tmp_path / "r.csv"
    bad.write_text("company,source,rater,indicator,value\na,authority,r,nope,1\n",
                   encoding="utf-8")
    err = subprocess.run([sys.executable, str(script), str(bad)], capture_output=True,
                         text=True, check=False)
    assert err.returncode == 1
    problem = json.loads(err.stdout)["problems"][0]
    assert (problem["row"], problem["path"]) == (2, "indicator")


def _service() -> Any:
    spec = importlib.util.spec_from_file_location("service", ROOT / "examples" / "service.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_service_names_files_without_their_folders(tmp_path: Path) -> None:
    """The service's JSON never holds the server's folders, on success or on bad input."""
    script = ROOT / "examples" / "service.py"
    ok = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                        check=True)
    assert str(ROOT) not in ok.stdout
    assert json.loads(ok.stdout)["provenance"]["warnings"] == [
        "ratings.csv: 7 rows dropped by the rubric's input policy"]
    bad = tmp_path / "r.csv"
    bad.write_text("company,source,rater,indicator,value\na,authority,r,six_haves,maybe\n",
                   encoding="utf-8")
    for args in ([str(bad)], ["r.csv"], [str(tmp_path / "missing.csv")]):
        err = subprocess.run([sys.executable, str(script), *args], capture_output=True,
                             text=True, check=False, cwd=tmp_path)
        assert err.returncode == 1, err.stderr
        assert str(tmp_path) not in err.stdout
        doc = json.loads(err.stdout)
        assert doc["problems"][0]["file"] in ("r.csv", "missing.csv")


@pytest.mark.parametrize(("raised", "status", "message"), [
    (rp.EvaluationError("source 'peer' is short under /srv/data/secret.csv"), 1,
     "source 'peer' is short under secret.csv"),
    (RuntimeError("boom in /srv/data/secret.csv"), 2, "internal error"),
])
def test_service_answers_every_error_in_json(raised: Exception, status: int, message: str,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A refused evaluation or an unexpected failure is a JSON error, no traceback, no folders."""
    service = _service()

    def refuse(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr(service.rp, "evaluate", refuse)
    assert service.main(["/srv/data/secret.csv"]) == status
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"error": message, "problems": []}
    assert "/srv" not in captured.out + captured.err
    assert "Traceback" not in captured.err
