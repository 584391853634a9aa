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

from .awarding import ClaimOutcome
from .errors import EvaluationError, Problem, RatingsError, RedPropertyError, RubricError
from .evaluation import evaluate, library_version
from .explanation import Explanation
from .loading import bundled_rubric, dump_rubric, load_rubric
from .plan import Plan, compile_plan, fingerprint
from .ratings import Claims, Companies, Ratings
from .report import CompanyResult, Report
from .rubric import Rubric

if TYPE_CHECKING:
    from . import analysis
    from .analysis.diff import diff

__version__ = library_version()


def __getattr__(name: str) -> Any:
    """The analysis layer, imported on first use (the core never needs it)."""
    if name == "analysis":
        return importlib.import_module(f"{__name__}.analysis")
    if name == "diff":
        from .analysis.diff import diff

        return diff
    raise AttributeError(f"module 'red_property' has no attribute {name!r}")


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
