#!/usr/bin/env bash
# Set up a virtual environment (once) and run the whole test suite with the newest dependencies,
# then with no optional extra (scripts/test-bare.sh), then with the lowest declared versions
# (scripts/test-lowest.sh). Arguments go to pytest.
# Exits non-zero when any test fails and when no test was collected (pytest exit code 5).
set -euo pipefail
cd "$(dirname "$0")/.."
# The public notice is tested in a real browser: install Debian's Chromium and a CJK font when
# they are missing and we may (root with apt-get); without them those tests skip, saying why.
if { ! command -v chromium >/dev/null || ! fc-list :lang=zh 2>/dev/null | grep -q .; } \
    && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        chromium fonts-noto-cjk >/dev/null; } \
        || echo "scripts/test.sh: could not install chromium; the browser tests will skip" >&2
fi
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test,pandas,plot,fast,excel,distributed]'
.venv/bin/python -m pytest "$@"
bash scripts/test-bare.sh "$@"
bash scripts/test-lowest.sh "$@"
