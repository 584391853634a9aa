"""The code stays clean: ruff (with the S rules, so no unsafe yaml.load) and mypy --strict."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT


def test_ruff_is_clean() -> None:
    """`ruff check` finds nothing in the package, tests, benchmarks and examples."""
    res = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tests", "benchmarks",
                          "examples"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stdout + res.stderr


def test_mypy_strict_is_clean() -> None:
    """`mypy` (strict, as configured in pyproject.toml) finds nothing in src/ (typed against
    the optional libraries the package imports when used, so with every extra installed)."""
    for module in ("pandas", "pyarrow", "matplotlib", "openpyxl", "python_calamine", "distributed"):
        pytest.importorskip(module, reason="mypy checks the optional layers against their extras")
    res = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                         text=True, check=False)
    assert res.returncode == 0, res.stdout + res.stderr
