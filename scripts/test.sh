#!/usr/bin/env bash
# Set up a virtual environment (once) and run the whole test suite.
# Exits non-zero when any test fails and when no test was collected (pytest exit code 5).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test,pandas,fast,excel]'
.venv/bin/python -m pytest "$@"
