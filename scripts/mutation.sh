#!/usr/bin/env bash
# Mutation testing of the core modules with mutmut; slow, so not part of CI (see tests/MUTATION.md).
#
#   bash scripts/mutation.sh                  # every core module, one after the other
#   bash scripts/mutation.sh report checking  # only these modules
#   bash scripts/mutation.sh analysis         # every module of the analysis layer
#   bash scripts/mutation.sh analysis.icc     # one of them
#
# Sets up the test environment of scripts/test.sh (plus the `mutation` extra) in .venv/, runs
# mutmut module by module at low priority (MUTATION_JOBS mutants at a time, default 1), and
# prints each module's score. Results accumulate in mutants/; naming a module runs all its
# mutants again (to recheck some survivors, name them: see tests/MUTATION.md).
set -euo pipefail
cd "$(dirname "$0")/.."
CORE=(loading plan _fingerprint _rubric_bounds checking _row_reasons _rowpass scoring awarding report
      ratings _codes _ascii_codes _columns _claims_companies _headers texts explanation)
ANALYSIS=(analysis._draw_run analysis._draws analysis._rater_judging analysis._resample
          analysis.agreement analysis.comparison analysis.diff analysis.effects analysis.fdist
          analysis.icc analysis.panels analysis.peers analysis.sensitivity analysis.uncertainty)
if [ "$#" -eq 0 ]; then set -- "${CORE[@]}"; fi
if [ "$*" = "analysis" ]; then set -- "${ANALYSIS[@]}"; fi
for module in "$@"; do
    case " ${CORE[*]} ${ANALYSIS[*]} " in
        *" $module "*) ;;
        *) echo "mutation.sh: unknown module '$module'; choose from: ${CORE[*]} analysis ${ANALYSIS[*]}" >&2; exit 2 ;;
    esac
done
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test,pandas,plot,fast,excel,distributed,mutation]'
# few, fixed Hypothesis examples per mutant (tests/conftest.py, tests/budget.py)
export HYPOTHESIS_PROFILE=mutation
for module in "$@"; do
    echo "== mutmut: red_property.$module" >&2
    nice -n 15 .venv/bin/mutmut run --max-children "${MUTATION_JOBS:-1}" \
        "red_property.$module.*" >&2
done
.venv/bin/python scripts/mutation_score.py "$@"
