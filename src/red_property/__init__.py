"""red-property: star ratings of property-management companies, explained and reproducible.

Load a rubric, read a season's ratings, evaluate::

    import red_property as rp

    rubric = rp.load_rubric("rubrics/shanyang-red-property-2019.yaml")
    ratings = rp.Ratings.from_csv("examples/shanyang-2019/ratings.csv")
    report = rp.evaluate(rubric, ratings, claims="examples/shanyang-2019/claims.csv")
    print(report.explain("sy-03"))
"""

import importlib
from typing import TYPE_CHECKING, Any

from .errors import EvaluationError, Problem, RatingsError, RedPropertyError, RubricError

if TYPE_CHECKING:
    from . import analysis
    from ._fingerprint import fingerprint
    from .analysis.diff import diff
    from .awarding import ClaimOutcome
    from .evaluation import evaluate
    from .explanation import Explanation
    from .loading import bundled_rubric, dump_rubric, load_rubric
    from .plan import Plan, compile_plan
    from .ratings import Claims, Companies, Ratings
    from .report import CompanyResult, Report
    from .rubric import Rubric

# Each name is imported from its module on first use, so that ``import red_property`` costs
# little more than its dependencies: the rubric models, the engine, rendering and the analysis
# layer load when they are needed.
_HOME = {
    "ClaimOutcome": "awarding", "Claims": "ratings", "Companies": "ratings",
    "CompanyResult": "report", "Explanation": "explanation", "Plan": "plan",
    "Ratings": "ratings", "Report": "report", "Rubric": "rubric", "analysis": "analysis",
    "bundled_rubric": "loading", "compile_plan": "plan", "diff": "analysis.diff",
    "dump_rubric": "loading", "evaluate": "evaluation", "fingerprint": "_fingerprint",
    "load_rubric": "loading",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from ._version import __version__

        return __version__
    if name in _HOME:
        module = importlib.import_module(f"{__name__}.{_HOME[name]}")
        value = module if name == "analysis" else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'red_property' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "ClaimOutcome",
    "Claims",
    "Companies",
    "CompanyResult",
    "EvaluationError",
    "Explanation",
    "Plan",
    "Problem",
    "Ratings",
    "RatingsError",
    "RedPropertyError",
    "Report",
    "Rubric",
    "RubricError",
    "__version__",
    "analysis",
    "bundled_rubric",
    "compile_plan",
    "diff",
    "dump_rubric",
    "evaluate",
    "fingerprint",
    "load_rubric",
]
