"""Defend every award: agreement, rater effects, uncertainty, weight sensitivity, rubric change.

Each function takes a rubric, ratings or a report and returns a data object with
``to_records()``, ``_repr_html_()`` and a short ``repr``:

- :func:`rater_agreement` — Krippendorff's alpha and ICC per source and dimension; the plain
  :func:`krippendorff_alpha` and :func:`icc` work on any units x raters table;
- :func:`rater_effects` — lenient or severe raters, outliers, colluding peer pairs, and
  :func:`compare_corrected` scores with rater-corrected values beside the raw ones;
- :func:`bootstrap` — resample raters within each source: intervals and P(stars = s);
- :func:`weight_sensitivity` — Monte Carlo over source and dimension weights: flips and ranks;
- :func:`diff` — what a rubric change does to a season.
"""

from .agreement import ICCResult, icc, krippendorff_alpha
from .diff import RubricDiff, diff
from .effects import RaterEffects, compare_corrected, rater_effects
from .panels import PanelAgreement, rater_agreement
from .sensitivity import WeightSensitivity, weight_sensitivity
from .uncertainty import Uncertainty, bootstrap

__all__ = [
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
