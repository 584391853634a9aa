"""Print the mutation score of the core and analysis modules from mutmut's results in mutants/.

Usage: python scripts/mutation_score.py [module ...]   (a module of the analysis layer as
analysis.icc; `analysis` for all of them)

A mutant is killed when a test failed (or timed out, or the type check caught it). Mutants that
tests/MUTATION.md lists as equivalent (a line starting with "- `NAME`") are left out of the
score. A module with mutants not yet checked is marked incomplete.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ("loading", "plan", "_fingerprint", "_rubric_bounds", "checking", "_row_reasons", "_rowpass",
        "scoring", "awarding", "report", "ratings", "_codes", "_ascii_codes", "_columns",
        "_claims_companies", "_headers", "texts", "explanation")
ANALYSIS = ("analysis._draw_run", "analysis._draws", "analysis._rater_judging",
            "analysis._resample", "analysis.agreement", "analysis.comparison", "analysis.diff",
            "analysis.effects", "analysis.fdist", "analysis.icc", "analysis.panels",
            "analysis.peers", "analysis.sensitivity", "analysis.uncertainty")
KILLED = {1, 3, 24, -24, 36, 37, 152, 255}  # test failed, pytest error, timeouts, type check


def equivalents() -> set[str]:
    """Mutant names recorded as equivalent in tests/MUTATION.md."""
    path = ROOT / "tests" / "MUTATION.md"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return set(re.findall(r"^- `(red_property\.[^`]+)`", text, flags=re.M))


def line(name: str, mutants: int, status: Counter[str]) -> str:
    judged = status["killed"] + status["survived"]
    score = f"{100 * status['killed'] / judged:6.1f}%" if judged else "      -"
    note = "  (incomplete)" if status["unchecked"] else ""
    return (f"{name:<22} {mutants:>7} {status['killed']:>7} {status['survived']:>8} "
            f"{status['equivalent']:>6} {status['unchecked']:>9} {score}{note}")


def main(modules: list[str]) -> int:
    equivalent = equivalents()
    print(f"{'module':<22} {'mutants':>7} {'killed':>7} {'survived':>8} {'equiv.':>6} "
          f"{'unchecked':>9} {'score':>7}")
    if modules == ["analysis"]:
        modules = list(ANALYSIS)
    total: Counter[str] = Counter()
    total_mutants = 0
    stale = 0
    for module in modules or CORE + ANALYSIS:
        meta = ROOT / "mutants" / "src" / "red_property" / f"{module.replace('.', '/')}.py.meta"
        if not meta.exists():
            print(f"{module:<22} not run")
            continue
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        status: Counter[str] = Counter()
        for name, code in codes.items():
            if code in KILLED:  # killed, even if listed as equivalent (a stale name)
                status["killed"] += 1
                stale += name in equivalent
            elif name in equivalent:
                status["equivalent"] += 1
            elif code is None:
                status["unchecked"] += 1
            else:  # survived, no covering test, skipped, suspicious, segfault: not killed
                status["survived"] += 1
        print(line(module, len(codes), status))
        total.update(status)
        total_mutants += len(codes)
    if total_mutants:
        print(line("all of the above", total_mutants, total))
    if stale:
        print(f"{stale} mutants listed as equivalent in tests/MUTATION.md were killed: their "
              "names now stand for other mutants (the code changed); judge the survivors again")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
