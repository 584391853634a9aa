#!/usr/bin/env bash
# Run the test suite with the newest dependencies (every extra) on every supported CPython found
# on this machine (3.11 and newer: on PATH and under pyenv), each in its own .venv-X.Y/.
# Arguments go to pytest. Exits non-zero when the suite fails on any of them.
set -euo pipefail
cd "$(dirname "$0")/.."

oldest=$(sed -n 's/^requires-python = ">=3\.\([0-9]*\)"$/\1/p' pyproject.toml)
[[ -n "$oldest" ]] || { echo "test-pythons: no requires-python = \">=3.N\" in pyproject.toml" >&2; exit 2; }

declare -A found=()
for minor in $(seq "$oldest" 20); do
    for c in "python3.$minor" "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"3.$minor".*/bin/"python3.$minor" \
             /usr/local/bin/"python3.$minor" /usr/bin/"python3.$minor"; do
        if "$c" -c "import sys; sys.exit(sys.version_info[:2] != (3, $minor))" 2>/dev/null; then
            found[3.$minor]=$c
            break
        fi
    done
done
[[ ${#found[@]} -gt 0 ]] || { echo "test-pythons: no Python 3.$oldest or newer found" >&2; exit 2; }

failed=()
for version in $(printf '%s\n' "${!found[@]}" | sort -V); do
    echo "== Python $version (${found[$version]})"
    "${found[$version]}" -m venv ".venv-$version"
    ".venv-$version/bin/python" -m pip install -q --upgrade pip
    extras=$(".venv-$version/bin/python" -c 'import tomllib
p = tomllib.load(open("pyproject.toml", "rb"))["project"]
print(",".join(k for k, v in p["optional-dependencies"].items()
               if not any(r.startswith(p["name"]) for r in v)))')
    ".venv-$version/bin/python" -m pip install -q --upgrade -e ".[$extras]"
    ".venv-$version/bin/python" -m pip list 2>/dev/null \
        | grep -iE '^(numpy|pydantic|pyyaml|pandas|pytest|hypothesis|mypy|ruff) ' | tr -s ' ' | paste -sd ';'
    ".venv-$version/bin/python" -m pytest "$@" || failed+=("$version")
done
[[ ${#failed[@]} -eq 0 ]] || { echo "test-pythons: the suite failed on Python ${failed[*]}" >&2; exit 1; }
echo "test-pythons: the suite passed on Python $(printf '%s\n' "${!found[@]}" | sort -V | paste -sd ' ')"
