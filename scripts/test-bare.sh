#!/usr/bin/env bash
# Run the test suite with no optional extra installed (only the `test` extra): every test passes,
# or skips naming the extra it needs. Arguments go to pytest, as in scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv-bare
.venv-bare/bin/python -m pip install -q --upgrade pip
.venv-bare/bin/python -m pip install -q -e '.[test]'
# a run that found an extra installed would prove nothing: refuse it, naming the module
.venv-bare/bin/python - <<'PY'
import sys
from importlib.util import find_spec

extras = ("pandas", "pyarrow", "polars", "matplotlib", "openpyxl", "python_calamine", "distributed")
found = [m for m in extras if find_spec(m) is not None]
if found:
    sys.exit(f"test-bare: {', '.join(found)} installed by the test extra; the run would not test "
             "the package without its extras")
PY
.venv-bare/bin/python -m pytest "$@"
