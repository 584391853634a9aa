"""The F distribution and the incomplete beta function at their edges: the ends of [0, 1], the
switch between the two continued fractions, quantiles beyond the range of floats, exact roots and
the zero guards of the Lentz method; behaviour that mutation testing found unguarded.

Sources of the expected numbers:

* closed forms [AS64 26.5, 26.6]: ``I_x(1, b) = 1 - (1-x)^b``, ``I_x(a, 1) = x^a``, so
  ``P(F(2, 2) <= x) = x / (1 + x)`` and ``P(F(n, 2) <= x) = w^(n/2)`` with ``w = n x / (n x + 2)``;
* values marked "mpmath" were computed once with mpmath 1.4.1 at 40 significant digits
  (``mp.betainc(a, b, 0, w, regularized=True)`` with ``w`` the beta argument of the F value), and
  agree with SciPy 1.17.1 (``scipy.stats.f.sf`` / ``f.cdf``, ``scipy.special.betainc``) to the
  digits given.
"""

from __future__ import annotations

import math
import re

import pytest

from red_property.analysis import fdist
from red_property.analysis.fdist import (
    f_cdf,
    f_isf,
    f_ppf,
    f_sf,
    regularized_incomplete_beta,
)

ACCURACY = 1e-12  # the relative error regularized_incomplete_beta promises for moderate shapes


@pytest.mark.parametrize(("a", "b"), [(2.0, 3.0), (0.5, 0.5), (40.0, 1.5)])
def test_incomplete_beta_takes_its_values_at_both_ends(a: float, b: float) -> None:
    """I_0(a, b) = 0 and I_1(a, b) = 1: both ends of [0, 1] are accepted and exact."""
    assert regularized_incomplete_beta(0.0, a, b) == 0.0
    assert regularized_incomplete_beta(1.0, a, b) == 1.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: regularized_incomplete_beta(0.5, 1.0, 0.0), r"^b must be a finite positive"),
        (lambda: f_sf(1.0, 0.0, 4.0), r"^dfn must be a finite positive"),
        (lambda: f_cdf(1.0, 3.0, -1.0), r"^dfd must be a finite positive"),
        (lambda: f_ppf(0.5, math.inf, 4.0), r"^dfn must be a finite positive"),
        (lambda: f_ppf(0.5, 3.0, math.nan), r"^dfd must be a finite positive"),
        (lambda: f_isf(0.5, -2.0, 4.0), r"^dfn must be a finite positive"),
        (lambda: f_isf(0.5, 3.0, 0.0), r"^dfd must be a finite positive"),
    ],
)
def test_a_bad_shape_is_named_exactly(call: object, message: str) -> None:
    """A bad shape or degrees of freedom is named as the caller wrote it (b, dfn, dfd)."""
    assert callable(call)
    with pytest.raises(ValueError, match=message):
        call()


def test_tails_stay_probabilities_when_the_beta_argument_leaves_the_floats() -> None:
    """Where n·x underflows to 0 or overflows, the tails are still (0 or 1, 1 or 0), never 2."""
    # 0.25 × 5e-324 rounds to 0: the beta argument is 0; P(F > x) = 1 - O(1e-41) rounds to 1
    assert f_sf(5e-324, 0.25, 3.0) == 1.0
    # 10 × 1e308 overflows: the beta argument's complement is 0; P(F > x) ≈ 1e-462 rounds to 0
    assert f_sf(1e308, 10.0, 3.0) == 0.0
    assert f_cdf(1e308, 10.0, 3.0) == 1.0


@pytest.mark.parametrize(
    ("x", "expected"),
    [  # mpmath: P(F(1, 800) > x); the beta argument lies just above the switch point
        (4.0, 0.04583790688792626),
        (4.25, 0.03957288974122278),
        (4.5, 0.03420177764435883),
        (4.75, 0.02958929329531703),
    ],
)
def test_small_upper_tail_is_accurate_just_past_the_switch(x: float, expected: float) -> None:
    """A p-value of F(1, 800) just past the switch point is computed directly, to 1e-12."""
    assert f_sf(x, 1.0, 800.0) == pytest.approx(expected, rel=ACCURACY, abs=0.0)


@pytest.mark.parametrize(
    ("x", "expected"),
    [  # mpmath: P(F(800, 1) <= x); the beta argument lies just below the switch point
        (0.21, 0.029386568932831463),
        (0.22, 0.03331030091744016),
        (0.23, 0.0373727099590577),
    ],
)
def test_small_lower_tail_is_accurate_just_before_the_switch(x: float, expected: float) -> None:
    """A small lower tail of F(800, 1) just before the switch point is direct, to 1e-12."""
    assert f_cdf(x, 800.0, 1.0) == pytest.approx(expected, rel=ACCURACY, abs=0.0)


@pytest.mark.parametrize("dfd", [2.0, 10.0, 40.0])
def test_isf_near_one_uses_the_small_lower_tail(dfd: float) -> None:
    """f_isf(1 - 1e-12) solves for the lower tail 1e-12 itself: 1e-10 against the closed form."""
    p = 1.0 - 1e-12
    expected = dfd / 2.0 * math.expm1(-2.0 / dfd * math.log(p))  # P(F(2, d) > x) = p
    assert f_isf(p, 2.0, dfd) == pytest.approx(expected, rel=1e-10, abs=0.0)


@pytest.mark.parametrize("q", [0.25, 0.1, 1e-100, 1e-300])
def test_a_newton_step_to_zero_is_not_taken_as_the_quantile(q: float) -> None:
    """F(2, 2) quantiles are q / (1 - q) even where a Newton step from 1 lands exactly on 0."""
    assert f_ppf(q, 2.0, 2.0) == pytest.approx(q / (1.0 - q), rel=ACCURACY, abs=0.0)


def test_quantile_below_the_smallest_float_is_zero() -> None:
    """A quantile far below the smallest float (F(1, 0.5) at 1e-300, about 3e-600) is 0.0."""
    assert f_ppf(1e-300, 1.0, 0.5) == 0.0


@pytest.mark.parametrize("p", [1e-200, 1e-300])
def test_far_quantiles_where_the_density_underflows(p: float) -> None:
    """P(F(2, 2) > x) = 1 / (1 + x): isf(1e-200) = 1e200 although the density there is ~1e-400."""
    assert f_isf(p, 2.0, 2.0) == pytest.approx(1.0 / p - 1.0, rel=ACCURACY, abs=0.0)


def test_exact_median_is_returned_exactly() -> None:
    """Where both tails of F(3, 3) at 1 are exactly 1/2, its median is returned as exactly 1."""
    assert (f_cdf(1.0, 3.0, 3.0), f_sf(1.0, 3.0, 3.0)) == (0.5, 0.5)
    assert f_ppf(0.5, 3.0, 3.0) == 1.0
    assert f_isf(0.5, 3.0, 3.0) == 1.0


@pytest.mark.parametrize("q", [0.01, 0.05, 0.3])
def test_quantiles_with_a_flat_cdf_converge(q: float) -> None:
    """F(0.1, 2) quantiles, where the density is huge and the CDF is q = w^0.05, to 1e-9."""
    w = q**20.0
    expected = 2.0 * w / (0.1 * (1.0 - w))
    assert f_ppf(q, 0.1, 2.0) == pytest.approx(expected, rel=1e-9, abs=0.0)


def test_continued_fraction_survives_a_zero_denominator() -> None:
    """The Lentz evaluation replaces a zero D_j (x = 1/2, a = 1, b = 3) and still gives 14/3."""
    # I_x(1, b) = 1 - (1-x)^b, so the fraction is (1 - y^b) / (b x y^b) = 14/3 here
    assert fdist._beta_continued_fraction(0.5, 1.0, 3.0) == pytest.approx(
        14.0 / 3.0, rel=ACCURACY, abs=0.0
    )


def test_continued_fraction_survives_a_zero_numerator_ratio() -> None:
    """The Lentz evaluation replaces a zero C_j (C_4 at x ≈ 0.195, a = 4, b = 52.5)."""
    # mpmath: I_x(a, b) a B(a, b) / (x^a (1-x)^b) at this x
    value = fdist._beta_continued_fraction(0.19498607242339833, 4.0, 52.5)
    assert value == pytest.approx(171.8162980606276, rel=ACCURACY, abs=0.0)


def test_continued_fraction_that_does_not_converge_says_so() -> None:
    """Shapes of 1e14 near x = 1/2 exhaust the terms: ArithmeticError naming x, a and b."""
    shape = 1e14
    where = f"(x=0.4999999995, a={shape}, b={shape})"
    with pytest.raises(ArithmeticError, match=re.escape(f"did not converge {where}")):
        regularized_incomplete_beta(0.4999999995, shape, shape)
