"""The built wheel carries what an installed user needs: typing marker, schema, rubrics."""

from __future__ import annotations

import subprocess
import sys
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


def test_installed_wheel_loads_bundled_rubric(wheel: Path, tmp_path: Path) -> None:
    """Installed from the wheel alone (not the source tree), the bundled rubric loads."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(wheel)], check=True, capture_output=True)
    code = ("import red_property as rp; r = rp.bundled_rubric('shanyang-red-property-2019'); "
            "print(r.id, rp.__file__)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(target), "PATH": ""}, cwd=tmp_path)
    rid, where = res.stdout.split()
    assert rid == "shanyang-red-property"
    assert where.startswith(str(target))
