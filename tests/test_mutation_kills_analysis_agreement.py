"""Promises of Krippendorff's alpha and of the ICCs' degenerate ratios that the other tests of
the agreement module left open: ratio alpha with zero ratings, the exact error messages, and
IEEE-style results where a ratio's denominator is 0."""

from __future__ import annotations

import math
import re

import pytest

from red_property.analysis import icc, krippendorff_alpha

# three units of two ratings each: (0, 0), (0, 1), (1, 3); pooled 0, 0, 0, 1, 1, 3. Ratio
# differences ((c - k) / (c + k))^2: 0-0 is 0 (0/0 taken as no difference), 0-1 and 0-3 are 1,
# 1-3 is 1/4. Observed: 2 x 1 (unit 2) + 2 x 1/4 (unit 3) = 2.5; expected over the 30 ordered
# pairs of pooled values: 12 x 1 (0-1) + 6 x 1 (0-3) + 4 x 1/4 (1-3) = 19;
# alpha = 1 - 5 x 2.5 / 19 = 13/38.
WITH_ZEROS = [[0.0, 0.0], [0.0, 1.0], [1.0, 3.0]]


def test_ratio_alpha_counts_zero_ratings_as_their_own_value() -> None:
    """Ratio alpha accepts ratings of 0 and below 1, and a pair of zeros differs by nothing."""
    for _ in range(20):  # the same answer every time: nothing read from uninitialised memory
        assert krippendorff_alpha(WITH_ZEROS, "ratio") == pytest.approx(13 / 38, rel=1e-12)
        # (1, 2), (2, 7), (7, 7): observed 2 + 50, expected 2 x (2 + 108 + 150); 1 - 5 x 52 / 520
        assert krippendorff_alpha([[1.0, 2.0], [2.0, 7.0], [7.0, 7.0]], "interval") == 0.5
    # ratings between 0 and 1: same alpha as the same ratings times 10 (ratio is scale-free)
    scaled = [[v / 10 for v in row] for row in WITH_ZEROS]
    assert krippendorff_alpha(scaled, "ratio") == pytest.approx(13 / 38, rel=1e-12)


def _exactly(message: str) -> str:
    return "^" + re.escape(message) + "$"


def test_alpha_error_messages_name_the_function_and_the_cause() -> None:
    """Every refusal of krippendorff_alpha starts with its name and says the cause in full."""
    with pytest.raises(ValueError, match=r"^krippendorff_alpha: expected a 2-D table \("):
        krippendorff_alpha([1.0, 2.0], "interval")
    with pytest.raises(ValueError, match=_exactly(
            "krippendorff_alpha: no pairable data (no unit has ratings from two or more raters)")):
        krippendorff_alpha([[1.0, math.nan], [math.nan, 2.0]], "interval")
    with pytest.raises(ValueError, match=_exactly(
            "krippendorff_alpha: no variation (every pairable rating is the same value, "
            "so the expected disagreement is 0 and alpha is undefined)")):
        krippendorff_alpha([[2.0, 2.0], [2.0, 2.0]], "nominal")
    with pytest.raises(ValueError, match=_exactly(
            "krippendorff_alpha: level 'ratio' needs non-negative ratings")):
        krippendorff_alpha([[0.0, -0.5], [1.0, 1.0]], "ratio")


def test_alpha_refuses_an_expected_disagreement_that_underflows_to_zero() -> None:
    """Distinct ratings whose squared differences underflow to 0 are refused as having no
    variation (a ValueError), not divided by zero."""
    with pytest.raises(ValueError, match=_exactly(
            "krippendorff_alpha: no variation (expected disagreement is 0, alpha is undefined)")):
        krippendorff_alpha([[1e-200, 2e-200], [1e-200, 2e-200]], "interval")


def test_icc_ratio_of_zero_over_zero_is_nan_and_of_nonzero_over_zero_infinite() -> None:
    """Targets with equal means: ICC(3) of raters differing by a constant is 0/0, NaN; the
    ICC(1,k) bound 1 - 1/F at F = 0 is -inf."""
    offset = {row.form: row for row in icc([[1.0, 2.0], [1.0, 2.0]]).rows}
    assert math.isnan(offset["ICC3"].icc) and math.isnan(offset["ICC3k"].icc)
    assert math.isnan(offset["ICC3"].f)
    swapped = {row.form: row for row in icc([[1.0, 2.0], [2.0, 1.0]]).rows}
    assert swapped["ICC1k"].lower == -math.inf and swapped["ICC1k"].upper == -math.inf
    assert swapped["ICC3k"].icc == -math.inf
