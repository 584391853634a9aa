"""Defend every award: agreement, rater effects, uncertainty, weight sensitivity, rubric change.

Every function takes a :class:`~red_property.report.Report` (which carries the rubric, the
ratings, the claims and the companies) and returns a result object with ``to_records()``,
``_repr_html_()``, a short ``repr`` and value equality. Across the results "not rated" is
``rated`` False (stars 0 in arrays, None in records), ``p_stars[c, s]`` is the share of
replicates or draws in which company ``c`` is rated and awarded ``s`` stars (``p_not_rated`` the
rest), and quantiles follow the inverted empirical distribution function (a value some
replicate or draw produced).

- :func:`rater_agreement` — Krippendorff's alpha and ICC per source and dimension; the plain
  :func:`krippendorff_alpha` and :func:`icc` work on any units x raters table;
- :func:`rater_effects` — lenient or severe raters, outliers, colluding peer pairs, and
  :func:`compare_corrected` the totals and stars with rater-corrected values beside the raw;
- :func:`bootstrap` — resample raters within each source: intervals and P(stars = s);
- :func:`weight_sensitivity` — Monte Carlo over source and dimension weights: flips and ranks;
- :func:`diff` — what a rubric change does to a season.

:func:`bootstrap` and :func:`weight_sensitivity` run on a Dask cluster with ``client=``.
"""

from .agreement import krippendorff_alpha
from .comparison import CorrectedComparison, compare_corrected
from .diff import RubricDiff, diff
from .effects import RaterEffects, rater_effects
from .icc import ICCResult, icc
from .panels import PanelAgreement, rater_agreement
from .sensitivity import WeightSensitivity, weight_sensitivity
from .uncertainty import Uncertainty, bootstrap

__all__ = [
    "CorrectedComparison",
    "ICCResult",
    "PanelAgreement",
    "RaterEffects",
    "RubricDiff",
    "Uncertainty",
    "WeightSensitivity",
    "bootstrap",
    "compare_corrected",
    "diff",
    "icc",
    "krippendorff_alpha",
    "rater_agreement",
    "rater_effects",
    "weight_sensitivity",
]
