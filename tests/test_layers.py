"""The layers stay apart: the core (load, compile, read, score, award, report) never imports
the analysis layer, and plan compilation never imports the YAML loader."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest


def _core() -> list[str]:
    """Every module of the package outside red_property.analysis (the CLI's entry point
    excepted: importing it runs the CLI)."""
    import pkgutil

    import red_property

    names = [info.name for info in pkgutil.walk_packages(red_property.__path__, "red_property.")]
    return ["red_property", *(n for n in names if not n.startswith("red_property.analysis")
                              and n != "red_property.__main__")]


CORE = _core()


def _loaded_after(module: str) -> set[str]:
    """The modules loaded by importing ``module`` in a fresh interpreter."""
    code = (f"import sys, importlib; importlib.import_module({module!r}); "
            "print('\\n'.join(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("module", CORE)
def test_core_module_never_imports_analysis(module: str) -> None:
    """Importing a core module loads no module of red_property.analysis."""
    loaded = _loaded_after(module)
    assert module in loaded
    assert not {m for m in loaded if m.startswith("red_property.analysis")}


def test_plan_never_imports_the_loader() -> None:
    """plan.py imports neither the YAML loader nor PyYAML (anywhere in the file)."""
    import red_property.plan as plan

    tree = ast.parse(Path(plan.__file__).read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names.add(f"{'.' * node.level}{node.module or ''}")
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    assert names, "plan.py imports something"
    assert not {n for n in names if n.split(".")[-1] in ("loading", "yaml")}


def test_analysis_is_loaded_on_first_use() -> None:
    """`red_property.analysis` and `red_property.diff` import the analysis layer on use."""
    code = ("import sys, red_property as rp; a = 'red_property.analysis' in sys.modules; "
            "rp.analysis.weight_sensitivity; rp.diff; "
            "print(a, 'red_property.analysis.diff' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "True"]
