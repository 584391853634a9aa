"""Rounding of totals (scoring.round_half_up / round_half_even) against exact decimal rounding."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from red_property.scoring import round_half_even, round_half_up

from .budget import examples


def _exact(x: float, digits: int, how: str, form: str = "r") -> float:
    """``x`` rounded at ``digits`` by :mod:`decimal`, on its shortest decimal form (``repr``)
    or, with ``form=".15g"``, on the 15 significant digits a float carries."""
    text = repr(x) if form == "r" else format(x, form)
    return float(Decimal(text).quantize(Decimal(1).scaleb(-digits), rounding=how))


def _near_tie(x: float, digits: int) -> bool:
    """Within 64 units in the last place of a tie at ``digits``: binary error, absorbed."""
    r = abs(x) * 10.0**digits + 0.5
    return abs(r - round(r)) <= 64 * math.ulp(r)


@st.composite
def _near_ties(draw: st.DrawFn) -> tuple[float, int]:
    """A decimal tie at ``digits`` (``k.ddd5``), or one of its float neighbours."""
    digits = draw(st.integers(0, 6))
    whole = draw(st.integers(0, 10**(8 - digits)))
    tie = float(f"{whole}5e-{digits + 1}")
    step = draw(st.integers(-3, 3))
    return (math.nextafter(tie, math.inf if step > 0 else -math.inf) if step else tie), digits


_values = st.one_of(
    st.tuples(st.floats(0, 1e6, allow_nan=False), st.integers(0, 6)),
    st.tuples(st.decimals(0, 10**7, places=7).map(float), st.integers(0, 6)),
    _near_ties(),
)


@settings(max_examples=examples(800), deadline=None)
@given(_values, st.booleans())
@example((89.99999942, 6), False)
@example((1.005, 2), False)
@example((80.45, 1), True)
def test_half_up_is_decimal_half_up_of_the_shortest_form(case: tuple[float, int],
                                                          negative: bool) -> None:
    """round_half_up equals decimal ROUND_HALF_UP of repr(x) at every digits, either sign, for
    every value not within binary error of a tie; those round as the tie their 15 significant
    digits show."""
    x, digits = case
    x = -x if negative else x
    got = round_half_up(np.array([x]), digits)[0]
    assert got == _exact(x, digits, ROUND_HALF_UP, ".15g")
    if len(repr(abs(x)).replace(".", "").lstrip("0").split("e")[0]) <= 15 or not _near_tie(
            x, digits):
        assert got == _exact(x, digits, ROUND_HALF_UP)


@settings(max_examples=examples(400), deadline=None)
@given(_values)
@example((0.575, 2))
def test_half_even_is_decimal_half_even_of_the_shortest_form(case: tuple[float, int]) -> None:
    """round_half_even equals decimal ROUND_HALF_EVEN of repr(x) at every digits (ties within
    binary error decided on 15 significant digits)."""
    x, digits = case
    got = round_half_even(np.array([x]), digits)[0]
    assert got == _exact(x, digits, ROUND_HALF_EVEN, ".15g")
    if not _near_tie(x, digits):
        assert got == _exact(x, digits, ROUND_HALF_EVEN)


@pytest.mark.parametrize(("x", "digits", "want"), [
    (1.005, 2, 1.01), (89.99999942, 6, 89.999999), (80.45, 1, 80.5), (2.675, 2, 2.68),
    (89.9999995, 6, 90.0), (72.35, 1, 72.4), (3.4999999999999996, 0, 4.0),
    (0.124999999999, 2, 0.12),
])
def test_half_up_fixed_examples(x: float, digits: int, want: float) -> None:
    """Ties typed as decimals, or moved off by binary error (3.4999999999999996), round up; a
    value short of a tie by more than float error does not, at any digits (89.99999942 at 6
    digits is 89.999999, not 90)."""
    assert round_half_up(np.array([x]), digits)[0] == want
