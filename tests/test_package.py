"""The built wheel carries what an installed user needs: typing marker, schema, rubrics."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel once, into a temporary folder."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True)
    (found,) = out.glob("red_property-*.whl")
    return found


def test_wheel_contents(wheel: Path) -> None:
    """The wheel holds py.typed, the JSON Schema, the bundled rubrics and the entry point."""
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "red_property/py.typed" in names
    assert "red_property/rubric.schema.json" in names
    assert "red_property/_rubrics/shanyang-red-property-2019.yaml" in names
    assert "red_property/_rubrics/provincial-property-service-grading.yaml" in names
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry).decode()
    assert "red-property = red_property.cli:main" in text


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel alone installed into a folder of its own (no source tree on the path)."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(wheel)], check=True, capture_output=True)
    return target


def _run_installed(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, check=False,
                          env={"PYTHONPATH": str(installed), "PATH": ""}, cwd=cwd)


def test_installed_wheel_loads_bundled_rubric(installed: Path, tmp_path: Path) -> None:
    """Installed from the wheel alone (not the source tree), the bundled rubric loads."""
    code = ("import red_property as rp; r = rp.bundled_rubric('shanyang-red-property-2019'); "
            "print(r.id, rp.__file__)")
    res = _run_installed(installed, tmp_path, "-c", code)
    assert res.returncode == 0, res.stderr
    rid, where = res.stdout.split()
    assert rid == "shanyang-red-property"
    assert where.startswith(str(installed))


def test_installed_cli_names_bundled_rubrics(installed: Path, tmp_path: Path) -> None:
    """The installed command line takes a bundled rubric by its name, outside the source tree."""
    res = _run_installed(installed, tmp_path, "-m", "red_property", "validate",
                         "shanyang-red-property-2019", "provincial-property-service-grading")
    assert res.returncode == 0, res.stderr
    assert "shanyang-red-property-2019: ok (shanyang-red-property@" in res.stdout
    assert "2 file(s) checked, 0 invalid" in res.stdout


def test_wheel_carries_the_licence(wheel: Path) -> None:
    """The wheel holds the MIT licence text and declares it in its metadata."""
    archive = zipfile.ZipFile(wheel)
    (licence,) = [n for n in archive.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
    assert archive.read(licence).decode().startswith("MIT License")
    metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    text = archive.read(metadata).decode()
    assert "License-Expression: MIT" in text
    assert "License-File: LICENSE" in text


def test_declared_ranges_are_tested_and_tools_pinned() -> None:
    """Lint and type tools are pinned exactly; every other dependency has a lower bound that
    the suite's own script installs and tests (run by CI through scripts/test.sh)."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = meta["project"]
    test_extra = project["optional-dependencies"]["test"]
    pinned = {r.split("==")[0] for r in test_extra if re.fullmatch(r"[\w.-]+==[\w.]+", r)}
    assert {"ruff", "mypy", "types-PyYAML"} <= pinned
    ranged = [*meta["build-system"]["requires"], *project["dependencies"],
              *project["optional-dependencies"]["pandas"], *test_extra]
    assert all(re.fullmatch(r"[\w.-]+(>=|==)[0-9][\w.]*", r) for r in ranged), ranged
    assert "bash scripts/test-lowest.sh" in (ROOT / "scripts" / "test.sh").read_text("utf-8")
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
