#!/usr/bin/env bash
# Set up (or bring up to date) a virtual environment and score the bundled Shanyang 2019 season.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[plot,fast,excel]'
.venv/bin/red-property score rubrics/shanyang-red-property-2019.yaml \
    examples/shanyang-2019/ratings.csv --claims examples/shanyang-2019/claims.csv \
    --companies examples/shanyang-2019/companies.csv "$@"
