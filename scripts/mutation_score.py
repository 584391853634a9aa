"""Print the mutation score of core modules from mutmut's results in mutants/.

Usage: python scripts/mutation_score.py [module ...]

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
KILLED = {1, 3, 24, -24, 36, 37, 152, 255}  # test failed, pytest error, timeouts, type check
SURVIVED = {0, 5, 33}  # no test failed, or no test covers the mutant


def equivalents() -> set[str]:
    """Mutant names recorded as equivalent in tests/MUTATION.md."""
    path = ROOT / "tests" / "MUTATION.md"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return set(re.findall(r"^- `(red_property\.[^`]+)`", text, flags=re.M))


def main(modules: list[str]) -> int:
    equivalent = equivalents()
    print(f"{'module':<17} {'mutants':>7} {'killed':>7} {'survived':>8} {'equiv.':>6} "
          f"{'unchecked':>9} {'score':>7}")
    for module in modules or CORE:
        meta = ROOT / "mutants" / "src" / "red_property" / f"{module}.py.meta"
        if not meta.exists():
            print(f"{module:<17} not run")
            continue
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        status: Counter[str] = Counter()
        for name, code in codes.items():
            if name in equivalent:
                status["equivalent"] += 1
            elif code is None:
                status["unchecked"] += 1
            elif code in KILLED:
                status["killed"] += 1
            elif code in SURVIVED:
                status["survived"] += 1
            else:  # skipped, suspicious, segfault: counted as not killed
                status["survived"] += 1
        judged = status["killed"] + status["survived"]
        score = f"{100 * status['killed'] / judged:6.1f}%" if judged else "      -"
        note = "  (incomplete)" if status["unchecked"] else ""
        print(f"{module:<17} {len(codes):>7} {status['killed']:>7} {status['survived']:>8} "
              f"{status['equivalent']:>6} {status['unchecked']:>9} {score}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
