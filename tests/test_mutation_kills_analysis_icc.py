"""Pins of :mod:`red_property.analysis.icc` that the mutation run showed to be loose: the HTML
table, the error messages, the scaling against overflow and the edges of the ICC(A,1) interval."""

from __future__ import annotations

import math

import numpy as np
import pytest

from red_property.analysis import icc
from red_property.analysis.icc import _icc_a1_interval, _spearman_brown

# two targets whose row means are equal, rated in opposite order: MSR = MSC = 0, MSE > 0, so
# ICC1 = ICC3 = -1, ICC1k = ICC3k = -inf, ICC2 = -inf with no interval, ICC2k = 2 (by hand)
CROSSED = [[1.0, 2.0], [2.0, 1.0]]

# the second rater is one star stricter on every target: MSE = 0 exactly, MSC > 0
OFFSET = [[1.0, 2.0], [2.0, 3.0], [3.0, 4.0], [4.0, 5.0]]

# both raters have the same mean: MSC = 0 exactly, MSE > 0
SWAPPED = [[1.0, 2.0], [2.0, 1.0], [3.0, 4.0], [4.0, 3.0]]

_DESCRIPTIONS = {
    "ICC1": "single rater, one-way random effects, absolute agreement",
    "ICC2": "single rater, two-way random effects, absolute agreement [ICC(A,1)]",
    "ICC3": "single rater, two-way mixed effects, consistency [ICC(C,1)]",
    "ICC1k": "mean of {k} raters, one-way random effects, absolute agreement",
    "ICC2k": "mean of {k} raters, two-way random effects, absolute agreement [ICC(A,k)]",
    "ICC3k": "mean of {k} raters, two-way mixed effects, consistency [ICC(C,k)]",
}


def _cells(html_text: str, form: str) -> list[str]:
    line = next(x for x in html_text.splitlines() if x.startswith(f"<tr><td>{form}</td>"))
    return line.removeprefix("<tr><td>").removesuffix("</td></tr>").split("</td><td>")


def test_html_table_is_exact_for_a_degenerate_table() -> None:
    """The notebook HTML is one caption, a header row and one row per form, with -inf and NaN."""
    expected = "\n".join(
        [
            "<table>",
            "<caption>Intraclass correlations: 2 targets x 2 raters, 0 incomplete row(s) "
            "dropped; 95% confidence interval</caption>",
            "<thead><tr><th>form</th><th>description</th><th>ICC</th><th>F</th><th>df1</th>"
            "<th>df2</th><th>p</th><th>lower</th><th>upper</th></tr></thead>",
            "<tbody>",
            "<tr><td>ICC1</td><td>single rater, one-way random effects, absolute agreement</td>"
            "<td>-1.000</td><td>0</td><td>1</td><td>2</td><td>1</td><td>-1.000</td>"
            "<td>-1.000</td></tr>",
            "<tr><td>ICC2</td><td>single rater, two-way random effects, absolute agreement "
            "[ICC(A,1)]</td><td>-∞</td><td>0</td><td>1</td><td>1</td><td>1</td><td>NaN</td>"
            "<td>NaN</td></tr>",
            "<tr><td>ICC3</td><td>single rater, two-way mixed effects, consistency [ICC(C,1)]"
            "</td><td>-1.000</td><td>0</td><td>1</td><td>1</td><td>1</td><td>-1.000</td>"
            "<td>-1.000</td></tr>",
            "<tr><td>ICC1k</td><td>mean of 2 raters, one-way random effects, absolute "
            "agreement</td><td>-∞</td><td>0</td><td>1</td><td>2</td><td>1</td><td>-∞</td>"
            "<td>-∞</td></tr>",
            "<tr><td>ICC2k</td><td>mean of 2 raters, two-way random effects, absolute "
            "agreement [ICC(A,k)]</td><td>2.000</td><td>0</td><td>1</td><td>1</td><td>1</td>"
            "<td>NaN</td><td>NaN</td></tr>",
            "<tr><td>ICC3k</td><td>mean of 2 raters, two-way mixed effects, consistency "
            "[ICC(C,k)]</td><td>-∞</td><td>0</td><td>1</td><td>1</td><td>1</td><td>-∞</td>"
            "<td>-∞</td></tr>",
            "</tbody>",
            "</table>",
        ]
    )
    assert icc(CROSSED)._repr_html_() == expected


def test_html_shows_infinite_f_as_infinity_sign() -> None:
    """A rater offset by a constant gives F = inf, shown as the sign ∞ and p as 0."""
    cells = _cells(icc(OFFSET)._repr_html_(), "ICC3")
    assert cells[2:] == ["1.000", "∞", "3", "3", "0", "1.000", "1.000"]


def test_html_writes_large_f_and_tiny_p_in_lower_case_exponent_form() -> None:
    """F above 1000 and p below 1e-4 are printed with 3 significant digits and a lower-case e."""
    table = np.array([[i, i, i] for i in range(1, 21)], dtype=float)
    table[0, 2] = 2.0
    cells = _cells(icc(table)._repr_html_(), "ICC3")
    assert cells[3] == "6.24e+03"
    assert cells[6] == "1.6e-60"


def test_html_caption_prints_the_confidence_level_in_percent() -> None:
    """The caption gives the level as a percentage in general format (1e-05 for 1e-7)."""
    caption = icc(OFFSET, confidence=1e-7)._repr_html_().splitlines()[1]
    assert caption.endswith("dropped; 1e-05% confidence interval</caption>")
    caption = icc(OFFSET, confidence=0.9)._repr_html_().splitlines()[1]
    assert caption.endswith("dropped; 90% confidence interval</caption>")


@pytest.mark.parametrize("k", [2, 3])
def test_descriptions_name_model_and_panel_size(k: int) -> None:
    """Each form's description names its model and, for means, the number of raters."""
    table = np.array([[1, 2, 4], [2, 2, 3], [3, 5, 5], [4, 4, 5]], dtype=float)[:, :k]
    got = {row.form: row.description for row in icc(table).rows}
    assert got == {form: text.format(k=k) for form, text in _DESCRIPTIONS.items()}


def test_unknown_form_error_lists_the_known_forms() -> None:
    """Asking for an unknown form raises KeyError listing the six psych names."""
    with pytest.raises(KeyError, match=r"known: ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k \(or"):
        icc(OFFSET)["ICC4"]


def test_shape_error_names_the_function() -> None:
    """A table that is not 2-D is refused with a message starting with 'icc:'."""
    with pytest.raises(ValueError, match=r"^icc: expected a 2-D table"):
        icc([1.0, 2.0, 3.0])


def test_constant_table_error_says_icc_is_undefined() -> None:
    """A table of one repeated value is refused with the full 'no variation' message."""
    message = "icc: no variation (every rating is the same value, ICC is undefined)"
    with pytest.raises(ValueError, match="no variation") as caught:
        icc([[3.0, 3.0], [3.0, 3.0]])
    assert str(caught.value) == message


def test_huge_ratings_give_the_same_result_as_small_ones() -> None:
    """Ratings multiplied by 2**600 give exactly the ICCs, tests and intervals of the originals."""
    table = np.array([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6]], dtype=float)
    assert icc(table * 2.0**600).to_records() == icc(table).to_records()


@pytest.mark.parametrize(
    ("table", "lower", "upper"),
    [
        # references: the McGraw & Wong (1996) ICC(A,1) bounds evaluated once, outside the
        # suite, with scipy 1.17 quantiles scipy.stats.f.ppf (pingouin 0.7 gives [-0.98, 0.98]
        # for SWAPPED and cannot do OFFSET: its formula divides by MSE = 0)
        (OFFSET, 0.003842475538180138, 0.9830923460245404),
        (SWAPPED, -0.9760734989731888, 0.9759062191077857),
    ],
)
def test_icc_a1_interval_when_one_mean_square_is_zero(
    table: list[list[float]], lower: float, upper: float
) -> None:
    """ICC(A,1) has a real interval when only MSE or only MSC is 0, not the [1, 1] of agreement."""
    row = icc(table)["ICC2"]
    assert row.lower == pytest.approx(lower, rel=1e-9)
    assert row.upper == pytest.approx(upper, rel=1e-9)
    assert row.lower < row.icc < row.upper < 1.0


def test_icc_a1_interval_exists_with_one_satterthwaite_degree_of_freedom() -> None:
    """Two raters of equal mean on two targets give v = 1, which still has an interval."""
    row = icc([[1.0, 2.0], [3.0, 2.0]])["ICC2"]
    # reference: McGraw & Wong bounds with scipy.stats.f.ppf quantiles, computed once outside
    assert row.lower == pytest.approx(-646.7890114778442, rel=1e-9)
    assert row.upper == pytest.approx(0.9984562874913259, rel=1e-9)


# _icc_a1_interval(ms_r, ms_c, ms_e, n, k, rho, q) with n = k = 2 and rho = -1/2 has
# a = -1 and b = 2, so its Satterthwaite sum is 2 MSE - MSC and its scale MSC + 2 MSE: the
# values below make the sum exactly 64 or 65 times 2**-45 (= 64 LENTZ_EPS) times the scale 64.
_STEP = 2.0**-45


def _a1_at(total: float) -> tuple[float, float]:
    ms_c = 32.0 - total / 2.0
    ms_e = (32.0 + total / 2.0) / 2.0
    assert 2.0 * ms_e - ms_c == total and ms_c + 2.0 * ms_e == 64.0
    return _icc_a1_interval(1.0, ms_c, ms_e, 2, 2, -0.5, 0.975)


def test_icc_a1_interval_is_undefined_when_df_is_zero_up_to_rounding() -> None:
    """A Satterthwaite sum within 64 machine epsilons of its scale gives no interval (NaN)."""
    lower, upper = _a1_at(64.0 * _STEP)
    assert math.isnan(lower) and math.isnan(upper)


def test_icc_a1_interval_exists_just_outside_the_rounding_band() -> None:
    """A Satterthwaite sum just beyond 64 machine epsilons of its scale still gets bounds."""
    lower, upper = _a1_at(65.0 * _STEP)
    assert lower == pytest.approx(-0.5, abs=1e-9)
    assert upper == pytest.approx(-0.5, abs=1e-9)


def test_icc_a1_interval_is_undefined_when_df_underflows_to_zero() -> None:
    """Satterthwaite df that underflows to 0 gives NaN bounds rather than an F quantile error."""
    ms_c = 2.0**-500
    ms_e = 2.0**-501 + 2.0**-541  # b * MSE - MSC = 2**-540: its square underflows to 0
    lower, upper = _icc_a1_interval(1.0, ms_c, ms_e, 2, 2, -0.5, 0.975)
    assert math.isnan(lower) and math.isnan(upper)


@pytest.mark.parametrize("k", [2, 3, 5])
def test_spearman_brown_of_an_infinite_bound_is_its_limit(k: int) -> None:
    """Stepping up an infinite single-rater bound gives the limit k / (k - 1) of k r/(1+(k-1)r)."""
    assert _spearman_brown(math.inf, k) == k / (k - 1)
    assert _spearman_brown(-math.inf, k) == k / (k - 1)
