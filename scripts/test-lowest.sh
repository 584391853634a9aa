#!/usr/bin/env bash
# Run the test suite against the LOWEST version of every declared dependency, on the oldest
# CPython the package supports: every `name>=X` of pyproject.toml (the dependencies, every extra,
# and the build backend) is installed as `name==X` into .venv-lowest/.
# Proves the declared ranges true. Arguments go to pytest, as in scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

oldest=$(sed -n 's/^requires-python = ">=\([0-9.]*\)"$/\1/p' pyproject.toml)
[[ -n "$oldest" ]] || { echo "test-lowest: no requires-python = \">=X.Y\" in pyproject.toml" >&2; exit 2; }

# Find a CPython $oldest wherever it is installed, rather than assume a path.
python=""
candidates=("python$oldest" "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$oldest".*/bin/"python$oldest"
            /usr/local/bin/"python$oldest" /usr/bin/"python$oldest" /opt/python*/bin/"python$oldest"
            python3 python)
want=$(echo "$oldest" | tr . ,)
for c in "${candidates[@]}"; do
    if "$c" -c "import sys; sys.exit(sys.version_info[:2] != ($want))" 2>/dev/null; then
        python=$c
        break
    fi
done
[[ -n "$python" ]] || { echo "test-lowest: no Python $oldest found (tried: ${candidates[*]})" >&2; exit 2; }

"$python" -m venv .venv-lowest
lowest=.venv-lowest/lowest-constraints.txt
# Writes the constraints; prints the extras to install (all but aliases such as dev).
extras=$(.venv-lowest/bin/python - "$lowest" <<'EOF'
import re
import sys
import tomllib

with open("pyproject.toml", "rb") as fh:
    meta = tomllib.load(fh)
project = meta["project"]
optional = project["optional-dependencies"]
extras = [name for name, reqs in optional.items()
          if not any(r.startswith(project["name"]) for r in reqs)]
wanted = [*meta["build-system"]["requires"], *project["dependencies"]]
for extra in extras:
    wanted += optional[extra]
pins = []
for req in wanted:
    found = re.fullmatch(r"([A-Za-z0-9._-]+)\s*(?:>=|==)\s*([0-9][^,;\s]*)(?:,<[^;]*)?", req)
    if not found:
        sys.exit(f"test-lowest: {req!r} declares no lower bound (name>=X); give it one")
    pins.append(f"{found[1]}=={found[2]}\n")
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.writelines(pins)
print(",".join(extras))
EOF
)
echo "lowest declared versions, on $("$python" --version), extras [$extras]:" $(cat "$lowest")
.venv-lowest/bin/python -m pip install -q --upgrade pip
.venv-lowest/bin/python -m pip install -q -c "$lowest" --build-constraint "$lowest" -e ".[$extras]"
# The wheel the suite builds (tests/test_package.py) is built with the lowest backend too.
# `mypy --strict` is judged against the newest numpy's type stubs (scripts/test.sh): numpy
# 1.26's stubs type many results as Any, which strict mode reports, so it is left out here.
PIP_CONSTRAINT="$PWD/$lowest" .venv-lowest/bin/python -m pytest \
    --deselect tests/test_lint.py::test_mypy_strict_is_clean \
    "$@"
