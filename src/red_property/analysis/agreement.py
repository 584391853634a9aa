"""How far raters agree: Krippendorff's alpha (the six Shrout & Fleiss ICCs are in
:mod:`red_property.analysis.icc`).

Both functions take a 2-D table with **one row per rated unit** (a property-management
company, a target) and **one column per rater** (a judge, a member of a rater group).

Krippendorff's alpha
--------------------
:func:`krippendorff_alpha` measures agreement as ``1 - D_o / D_e``: the disagreement observed
within units, divided by the disagreement expected if the same ratings had been paired at
random. ``1`` is perfect agreement, ``0`` is agreement no better than chance, below ``0`` is
systematic disagreement. It tolerates missing ratings (``NaN``): every unit with at least two
ratings contributes all its pairs, weighted ``1 / (m_u - 1)`` where ``m_u`` is the number of
ratings of the unit; units with fewer than two ratings carry no pairs and are ignored. It is
computed through the *coincidence matrix* ``o_ck`` (Krippendorff 2011), with the difference
function ``delta^2_ck`` of the level of measurement:

* ``"nominal"``  -- ``0`` if ``c == k`` else ``1``;
* ``"ordinal"``  -- ``(sum_{g=c..k} n_g - (n_c + n_k) / 2)^2``, i.e. the squared distance of
  the mid-ranks of ``c`` and ``k`` in the pooled ratings;
* ``"interval"`` -- ``(c - k)^2`` (the default, stars treated as equally spaced);
* ``"ratio"``    -- ``((c - k) / (c + k))^2`` (values must be non-negative).

References
----------
* Krippendorff, K. (2011). *Computing Krippendorff's Alpha-Reliability*. Annenberg School for
  Communication, University of Pennsylvania, Departmental Papers (ASC) 43.
* Krippendorff, K. (2019). *Content Analysis: An Introduction to Its Methodology*, 4th ed.,
  ch. 12. Sage.
* Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: Uses in assessing rater
  reliability. *Psychological Bulletin*, 86(2), 420-428.
* McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass correlation
  coefficients. *Psychological Methods*, 1(1), 30-46 (correction: 1(4), 390).
* Revelle, W. ``psych::ICC``, R package *psych*.
* Abramowitz, M., & Stegun, I. A. (1964). *Handbook of Mathematical Functions*, 26.5.8
  (continued fraction of the incomplete beta function) and 26.6.2 (F distribution).
* Lentz, W. J. (1976), Applied Optics 15(3), 668-671; Thompson, I. J., & Barnett, A. R.
  (1986), J. Comput. Phys. 64, 490-509 (modified Lentz method).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
Ratings = npt.ArrayLike | Sequence[Sequence[float | None]]
"""A units x raters table: an array or nested sequences; NaN or None marks a missing rating."""

LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")

# ---------------------------------------------------------------------------------------------
# input handling
# ---------------------------------------------------------------------------------------------


def _as_table(values: Ratings, what: str) -> FloatArray:
    """``values`` as a 2-D float array; NaN marks a missing rating, +-inf is refused."""
    try:
        table = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what}: ratings must be numbers (NaN for missing): {exc}") from exc
    if table.ndim != 2:
        raise ValueError(
            f"{what}: expected a 2-D table (rows = units/targets, columns = raters), "
            f"got an array with {table.ndim} dimension(s) and shape {table.shape}"
        )
    if np.isinf(table).any():
        raise ValueError(f"{what}: ratings must be finite (use NaN for a missing rating)")
    return table


def _div(num: float, den: float) -> float:
    """``num / den`` with IEEE-style results instead of ZeroDivisionError (0/0 -> nan)."""
    if den == 0.0:
        if math.isnan(num) or num == 0.0:
            return math.nan
        return math.copysign(math.inf, num) * math.copysign(1.0, den)
    return num / den


# ---------------------------------------------------------------------------------------------
# Krippendorff's alpha
# ---------------------------------------------------------------------------------------------


def _squared_differences(distinct: FloatArray, n_c: FloatArray, level: str) -> FloatArray:
    """The matrix ``delta^2_ck`` over the sorted distinct values for one level of measurement."""
    if level == "nominal":
        return 1.0 - np.eye(distinct.size)
    if level == "ordinal":
        # sum_{g=c..k} n_g - (n_c + n_k)/2 equals the distance between the mid-ranks
        # cumsum(n)_c - n_c/2 and cumsum(n)_k - n_k/2 of the two values.
        mid_rank = np.cumsum(n_c) - n_c / 2.0
        return np.square(mid_rank[:, None] - mid_rank[None, :])
    diff = distinct[:, None] - distinct[None, :]
    if level == "interval":
        return np.square(diff)
    # ratio: values are non-negative (checked by the caller), so c + k == 0 only for c == k == 0
    total = distinct[:, None] + distinct[None, :]
    ratio = np.divide(diff, total, out=np.zeros_like(diff), where=total != 0.0)
    return np.square(ratio)


def krippendorff_alpha(values: Ratings, level: str = "interval") -> float:
    """Krippendorff's alpha of a units x raters table, NaN marking a missing rating.

    Args:
        values: 2-D array-like, one row per rated unit and one column per rater. ``NaN`` (or
            ``None``) where a rater gave no rating. Units with fewer than two ratings are
            ignored, as in Krippendorff (2011).
        level: level of measurement, one of ``"nominal"``, ``"ordinal"``, ``"interval"``
            (default) and ``"ratio"``.

    Memory and time grow with units x distinct values (plus distinct values squared), which is
    small for star ratings; values are compared exactly, so round continuous ratings first.

    Returns:
        alpha as a float; ``1.0`` for perfect agreement, ``0.0`` for chance agreement, negative
        for systematic disagreement (the lower limit depends on the data).

    Raises:
        ValueError: ``values`` is not 2-D or holds non-numbers or infinities; ``level`` is
            unknown; no unit has two or more ratings ("no pairable data"); all pairable
            ratings are the same value ("no variation", expected disagreement 0, alpha
            undefined); ``level="ratio"`` with a negative rating.
    """
    if level not in LEVELS:
        raise ValueError(f"krippendorff_alpha: unknown level {level!r}; use one of {LEVELS}")
    table = _as_table(values, "krippendorff_alpha")
    present = ~np.isnan(table)
    per_unit = present.sum(axis=1)
    pairable = per_unit >= 2
    if not pairable.any():
        raise ValueError(
            "krippendorff_alpha: no pairable data (no unit has ratings from two or more raters)"
        )
    table = table[pairable]
    present = present[pairable]
    m_u = per_unit[pairable].astype(np.float64)

    ratings = table[present]  # row-major, so ...
    unit_of_rating = np.nonzero(present)[0]  # ... this is the unit of each rating
    distinct, value_index = np.unique(ratings, return_inverse=True)
    if distinct.size < 2:
        raise ValueError(
            "krippendorff_alpha: no variation (every pairable rating is the same value, "
            "so the expected disagreement is 0 and alpha is undefined)"
        )
    if level == "ratio" and distinct[0] < 0.0:
        raise ValueError("krippendorff_alpha: level 'ratio' needs non-negative ratings")

    n_units, n_values = table.shape[0], distinct.size
    # counts[u, c]: how many raters gave value c to unit u
    counts = (
        np.bincount(unit_of_rating * n_values + value_index.ravel(), minlength=n_units * n_values)
        .reshape(n_units, n_values)
        .astype(np.float64)
    )
    weight = 1.0 / (m_u - 1.0)
    # o_ck = sum_u (n_uc * n_uk - [c == k] * n_uc) / (m_u - 1)
    coincidences = counts.T @ (counts * weight[:, None])
    coincidences[np.diag_indices(n_values)] -= counts.T @ weight
    n_c = coincidences.sum(axis=1)
    n_total = float(n_c.sum())

    delta2 = _squared_differences(distinct, n_c, level)
    observed = float(np.sum(coincidences * delta2))
    expected = float(np.sum(np.outer(n_c, n_c) * delta2))
    if not expected > 0.0:
        raise ValueError(
            "krippendorff_alpha: no variation (expected disagreement is 0, alpha is undefined)"
        )
    return 1.0 - (n_total - 1.0) * observed / expected
