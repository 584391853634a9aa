"""Tests of red_property.analysis.agreement: Krippendorff's alpha, the six ICCs, the F distribution.

Sources of the expected numbers:

* [SF79] Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: Uses in assessing rater
  reliability. Psychological Bulletin 86(2), 420-428: Table 2 (data) and the six ICCs the
  paper computes from it, ICC(1,1) .17, ICC(2,1) .29, ICC(3,1) .71, ICC(1,4) .44, ICC(2,4)
  .62, ICC(3,4) .91 (two decimals).
* [PSYCH] R psych::ICC on the [SF79] data (the example of its help page); its printed output,
  as reproduced in D. Wollschlaeger's "RExRepos" (interRaterICC), is::

      type  ICC    F df1 df2       p lower bound upper bound
      ICC1 0.17  1.8   5  18 0.16477      -0.133        0.72
      ICC2 0.29 11.0   5  15 0.00013       0.019        0.76
      ICC3 0.71 11.0   5  15 0.00013       0.342        0.95
     ICC1k 0.44  1.8   5  18 0.16477      -0.884        0.91
     ICC2k 0.62 11.0   5  15 0.00013       0.071        0.93
     ICC3k 0.91 11.0   5  15 0.00013       0.676        0.99

  Every bound was also recomputed from the [MW96] formulas (independently, with SciPy's F
  quantiles, during development) and agrees to 1e-9. Note the ICC2 lower bound is +0.019
  (0.01879), not -0.02.

* [MW96] McGraw, K. O., & Wong, S. P. (1996). Psychological Methods 1(1), 30-46: the interval
  formulas, used for the invariance properties.
* [K11] Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Section on the
  reliability data matrix with missing values (4 observers x 12 units): alpha = 0.743
  (nominal), 0.815 (ordinal), 0.849 (interval), 0.797 (ratio).
* [NIST] NIST/SEMATECH e-Handbook of Statistical Methods, 1.3.6.7.3, upper critical values of the
  F distribution (alpha = 0.05, three decimals); the alpha = 0.025 F table of any statistics
  textbook (two decimals).
* [AS64] Abramowitz & Stegun (1964), 26.5 and 26.6: closed forms of the incomplete beta function
  and of the F distribution for 1 or 2 degrees of freedom.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from red_property.analysis import ICCResult, icc, krippendorff_alpha
from red_property.analysis.fdist import f_cdf, f_isf, f_ppf, f_sf, regularized_incomplete_beta
from red_property.analysis.icc import ICCRow

NAN = math.nan
FORMS = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")
LEVELS = ("nominal", "ordinal", "interval", "ratio")

# [SF79] Table 2: 6 targets (rows) x 4 judges (columns)
SHROUT_FLEISS = np.array(
    [
        [9, 2, 5, 8],
        [6, 1, 3, 2],
        [8, 4, 6, 8],
        [7, 1, 2, 6],
        [10, 5, 6, 9],
        [6, 2, 4, 7],
    ],
    dtype=float,
)

# [K11] observers A..D (rows here) x units 1..12 (columns here); transposed below
_K11_BY_OBSERVER = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
)
KRIPPENDORFF = _K11_BY_OBSERVER.T  # 12 units (rows) x 4 observers (columns)

# hypothesis: small rating tables with star-like integer ratings
_SHAPES = st.tuples(st.integers(2, 6), st.integers(2, 5))


@st.composite
def _tables(draw: st.DrawFn, *, missing: bool) -> np.ndarray[Any, np.dtype[np.float64]]:
    n, k = draw(_SHAPES)
    cell = st.one_of(st.integers(1, 5).map(float), st.just(NAN)) if missing else st.integers(1, 5)
    cells = draw(st.lists(cell, min_size=n * k, max_size=n * k))
    return np.array(cells, dtype=float).reshape(n, k)


def _icc_numbers(result: ICCResult) -> list[float]:
    return [
        value
        for row in result.rows
        for value in (row.icc, row.f, float(row.df1), float(row.df2), row.p, row.lower, row.upper)
    ]


# ---------------------------------------------------------------------------------------------
# ICC against the published numbers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("ICC1", 0.17),
        ("ICC2", 0.29),
        ("ICC3", 0.71),
        ("ICC1k", 0.44),
        ("ICC2k", 0.62),
        ("ICC3k", 0.91),
    ],
)
def test_icc_matches_shrout_fleiss_table(form: str, expected: float) -> None:
    """Each ICC form on the [SF79] Table 2 data equals the published value to 2 decimals [SF79]."""
    assert round(icc(SHROUT_FLEISS)[form].icc, 2) == expected


def test_icc_shrout_fleiss_names_are_aliases() -> None:
    """ICC(1,1)..ICC(3,k) and ICC(A,1)/(C,1)/(A,k)/(C,k) name the psych forms [SF79], [MW96]."""
    result = icc(SHROUT_FLEISS)
    pairs = {
        "ICC(1,1)": "ICC1",
        "ICC(2,1)": "ICC2",
        "ICC(3,1)": "ICC3",
        "ICC(1,k)": "ICC1k",
        "ICC(2,k)": "ICC2k",
        "ICC(3,k)": "ICC3k",
        "ICC(A,1)": "ICC2",
        "ICC(C,1)": "ICC3",
        "ICC(A,k)": "ICC2k",
        "ICC(C,k)": "ICC3k",
    }
    for alias, form in pairs.items():
        assert result[alias] is result[form]
        assert result[alias].form == form


@pytest.mark.parametrize(
    ("form", "f_value", "df1", "df2", "p_value"),
    [
        ("ICC1", 1.8, 5, 18, 0.16477),
        ("ICC2", 11.0, 5, 15, 0.00013),
        ("ICC3", 11.0, 5, 15, 0.00013),
        ("ICC1k", 1.8, 5, 18, 0.16477),
        ("ICC2k", 11.0, 5, 15, 0.00013),
        ("ICC3k", 11.0, 5, 15, 0.00013),
    ],
)
def test_icc_f_tests_match_psych(
    form: str, f_value: float, df1: int, df2: int, p_value: float
) -> None:
    """F, df1, df2 and p of each form equal psych::ICC's printout to its precision [PSYCH]."""
    row = icc(SHROUT_FLEISS)[form]
    assert round(row.f, 1) == f_value
    assert (row.df1, row.df2) == (df1, df2)
    assert round(row.p, 5) == p_value


@pytest.mark.parametrize(
    ("form", "lower", "upper"),
    [
        ("ICC1", -0.133, 0.72),
        ("ICC2", 0.019, 0.76),
        ("ICC3", 0.342, 0.95),
        ("ICC1k", -0.884, 0.91),
        ("ICC2k", 0.071, 0.93),
        ("ICC3k", 0.676, 0.99),
    ],
)
def test_icc_confidence_intervals_match_psych(form: str, lower: float, upper: float) -> None:
    """95% bounds equal psych::ICC's printed bounds (3/2 decimals) [PSYCH] via [MW96] formulas."""
    row = icc(SHROUT_FLEISS, confidence=0.95)[form]
    assert round(row.lower, 3) == lower
    assert round(row.upper, 2) == upper


def test_icc_interval_narrows_with_lower_confidence() -> None:
    """A 90% interval lies strictly inside the 95% interval for every form [MW96]."""
    wide = icc(SHROUT_FLEISS, confidence=0.95)
    narrow = icc(SHROUT_FLEISS, confidence=0.90)
    for form in FORMS:
        assert wide[form].lower < narrow[form].lower < narrow[form].icc
        assert narrow[form].icc < narrow[form].upper < wide[form].upper
    assert narrow.confidence == 0.90


# ---------------------------------------------------------------------------------------------
# the F distribution and the incomplete beta function
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "dfn", "dfd", "expected", "decimals"),
    [
        (0.95, 5, 15, 2.901, 3),
        (0.95, 1, 10, 4.965, 3),
        (0.95, 5, 18, 2.773, 3),
        (0.95, 10, 10, 2.978, 3),
        (0.975, 5, 18, 3.38, 2),
        (0.975, 5, 15, 3.58, 2),
    ],
)
def test_f_quantile_matches_tables(
    q: float, dfn: int, dfd: int, expected: float, decimals: int
) -> None:
    """F quantiles equal the printed F tables to their precision ([NIST] 0.05; 0.025 table)."""
    assert round(f_ppf(q, dfn, dfd), decimals) == expected
    assert round(f_isf(1.0 - q, dfn, dfd), decimals) == expected


@pytest.mark.parametrize("dfd", [1.0, 2.0, 3.5, 15.0, 200.0])
@pytest.mark.parametrize("x", [1e-8, 0.01, 0.5, 1.0, 3.0, 40.0, 1e6])
def test_f_sf_matches_closed_form_for_two_numerator_df(dfd: float, x: float) -> None:
    """P(F(2, d) > x) = (1 + 2x/d)^(-d/2) to 1e-12 relative [AS64 26.6]."""
    expected = (1.0 + 2.0 * x / dfd) ** (-dfd / 2.0)
    assert f_sf(x, 2.0, dfd) == pytest.approx(expected, rel=1e-12)
    assert f_cdf(x, 2.0, dfd) == pytest.approx(1.0 - expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("p", [1e-12, 1e-5, 0.01, 0.05, 0.5, 0.9, 0.999])
@pytest.mark.parametrize("dfd", [1.0, 4.0, 15.0, 120.0])
def test_f_isf_matches_closed_form_for_two_numerator_df(p: float, dfd: float) -> None:
    """The x with P(F(2, d) > x) = p is d/2 (p^(-2/d) - 1), to 1e-10 relative [AS64 26.6]."""
    expected = dfd / 2.0 * math.expm1(-2.0 / dfd * math.log(p))
    assert f_isf(p, 2.0, dfd) == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("x", [1e-6, 0.2, 1.0, 7.0, 1e4])
def test_f_cdf_matches_closed_form_for_one_one_df(x: float) -> None:
    """P(F(1, 1) <= x) = (2/pi) atan(sqrt x), to 1e-12 relative [AS64 26.6]."""
    assert f_cdf(x, 1, 1) == pytest.approx(2.0 / math.pi * math.atan(math.sqrt(x)), rel=1e-12)


@pytest.mark.parametrize(("a", "b"), [(1.0, 0.5), (1.0, 3.0), (1.0, 40.0)])
@pytest.mark.parametrize("x", [1e-9, 0.1, 0.5, 0.9, 0.999])
def test_incomplete_beta_closed_forms(a: float, b: float, x: float) -> None:
    """I_x(1, b) = 1 - (1-x)^b and I_x(b, 1) = x^b to 1e-12 relative [AS64 26.5]."""
    assert regularized_incomplete_beta(x, a, b) == pytest.approx(
        -math.expm1(b * math.log1p(-x)), rel=1e-12
    )
    assert regularized_incomplete_beta(x, b, a) == pytest.approx(x**b, rel=1e-12)


@pytest.mark.parametrize("a", [0.3, 1.0, 2.5, 17.0, 400.0])
def test_incomplete_beta_symmetry(a: float) -> None:
    """I_(1/2)(a, a) = 1/2 and I_x(a, b) + I_(1-x)(b, a) = 1 [AS64 26.5.2]."""
    assert regularized_incomplete_beta(0.5, a, a) == pytest.approx(0.5, rel=1e-10)
    for x, b in [(0.2, 3.0), (0.7, 0.8), (0.45, a + 1.0)]:
        total = regularized_incomplete_beta(x, a, b) + regularized_incomplete_beta(1 - x, b, a)
        assert total == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize(
    ("dfn", "dfd"), [(1, 1), (1, 10), (5, 15), (5, 18), (0.7, 3.3), (30, 2), (250, 400)]
)
@pytest.mark.parametrize("p", [1e-10, 1e-4, 0.025, 0.3, 0.5, 0.8, 0.975, 0.9999])
def test_f_quantile_and_survival_are_inverses(dfn: float, dfd: float, p: float) -> None:
    """sf(isf(p)) = p, cdf(ppf(p)) = p and isf(sf(x)) = x within 1e-9 relative (definition)."""
    x = f_isf(p, dfn, dfd)
    assert f_sf(x, dfn, dfd) == pytest.approx(p, rel=1e-9)
    assert f_isf(f_sf(x, dfn, dfd), dfn, dfd) == pytest.approx(x, rel=1e-9)
    y = f_ppf(p, dfn, dfd)
    assert f_cdf(y, dfn, dfd) == pytest.approx(p, rel=1e-9)
    assert f_ppf(f_cdf(y, dfn, dfd), dfn, dfd) == pytest.approx(y, rel=1e-9)
    q = 1.0 - p  # rounded; 1 - q below is exact
    assert f_ppf(q, dfn, dfd) == pytest.approx(f_isf(1.0 - q, dfn, dfd), rel=1e-9)


def test_f_distribution_edges() -> None:
    """cdf/sf at 0 and infinity, ppf/isf at 0 and 1 take their limits (definition)."""
    assert (f_cdf(0.0, 3, 4), f_sf(0.0, 3, 4)) == (0.0, 1.0)
    assert (f_cdf(math.inf, 3, 4), f_sf(math.inf, 3, 4)) == (1.0, 0.0)
    assert (f_ppf(0.0, 3, 4), f_ppf(1.0, 3, 4)) == (0.0, math.inf)
    assert (f_isf(1.0, 3, 4), f_isf(0.0, 3, 4)) == (0.0, math.inf)
    assert math.isnan(f_sf(NAN, 3, 4))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: f_ppf(1.5, 3, 4), "probability"),
        (lambda: f_isf(NAN, 3, 4), "probability"),
        (lambda: f_sf(1.0, 0, 4), "dfn"),
        (lambda: f_cdf(1.0, 3, -1), "dfd"),
        (lambda: regularized_incomplete_beta(1.2, 1, 1), r"\[0, 1\]"),
        (lambda: regularized_incomplete_beta(0.5, math.inf, 1), "a must"),
    ],
)
def test_f_distribution_rejects_bad_arguments(call: Any, message: str) -> None:
    """Probabilities outside [0, 1] and non-positive degrees of freedom raise ValueError (API)."""
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------------------------------------
# Krippendorff's alpha against the published numbers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_matches_krippendorff_2011(level: str, expected: float) -> None:
    """Alpha of the [K11] 4 observers x 12 units example equals the published value to 3 dp."""
    assert round(krippendorff_alpha(KRIPPENDORFF, level), 3) == expected


def test_alpha_default_level_is_interval() -> None:
    """Without a level, alpha is the interval alpha (0.849 on the [K11] data)."""
    assert krippendorff_alpha(KRIPPENDORFF) == krippendorff_alpha(KRIPPENDORFF, "interval")
    assert round(krippendorff_alpha(KRIPPENDORFF), 3) == 0.849


def test_alpha_accepts_nested_lists_with_none() -> None:
    """Nested lists with None for missing give the same alpha as the NaN array [K11]."""
    as_lists = [[None if math.isnan(v) else v for v in row] for row in KRIPPENDORFF.tolist()]
    assert krippendorff_alpha(as_lists, "nominal") == krippendorff_alpha(KRIPPENDORFF, "nominal")


def _pairwise_alpha(table: np.ndarray[Any, np.dtype[np.float64]], level: str) -> float:
    """Alpha straight from its pairable-values definition [K11], with plain Python loops."""

    def d2(c: float, k: float) -> float:
        if level == "nominal":
            return 0.0 if c == k else 1.0
        if level == "interval":
            return (c - k) ** 2
        return 0.0 if c + k == 0 else ((c - k) / (c + k)) ** 2  # ratio

    observed, pooled = 0.0, []
    for unit in table:
        ratings = [float(v) for v in unit if not math.isnan(v)]
        if len(ratings) < 2:
            continue
        pooled += ratings
        m = len(ratings)
        for i, c in enumerate(ratings):
            for j, k in enumerate(ratings):
                if i != j:
                    observed += d2(c, k) / (m - 1)
    n = len(pooled)
    expected = sum(d2(c, k) for i, c in enumerate(pooled) for j, k in enumerate(pooled) if i != j)
    return 1.0 - (n - 1) * observed / expected


@settings(deadline=None, max_examples=50)
@given(table=_tables(missing=True), level=st.sampled_from(["nominal", "interval", "ratio"]))
def test_alpha_equals_pairwise_definition(
    table: np.ndarray[Any, np.dtype[np.float64]], level: str
) -> None:
    """The vectorised coincidence-matrix alpha equals a loop over all pairable pairs [K11]."""
    try:
        expected = _pairwise_alpha(table, level)
    except ZeroDivisionError:  # no pairable values, or no variation
        with pytest.raises(ValueError, match=r"no pairable data|no variation"):
            krippendorff_alpha(table, level)
        return
    assert krippendorff_alpha(table, level) == pytest.approx(expected, rel=1e-9, abs=1e-12)


# ---------------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_perfect_agreement_is_one(level: str) -> None:
    """Identical ratings within every unit (with gaps) give alpha = 1 exactly (D_o = 0) [K11]."""
    table = np.array([[1, 1, NAN], [3, 3, 3], [2, NAN, 2], [5, 5, 5], [4, 4, NAN]], dtype=float)
    assert krippendorff_alpha(table, level) == 1.0


def test_icc_perfect_agreement_is_one() -> None:
    """Raters identical on every target give every ICC = 1, F = inf, p = 0, bounds 1 [MW96]."""
    column = np.array([1.0, 4.0, 2.0, 5.0, 3.0])
    result = icc(np.column_stack([column, column, column]))
    for form in FORMS:
        row = result[form]
        assert row.icc == pytest.approx(1.0, abs=1e-12)
        assert row.f == math.inf
        assert row.p == 0.0
        assert (row.lower, row.upper) == (1.0, 1.0)


def test_icc_rater_offset_separates_consistency_from_agreement() -> None:
    """A rater one star stricter keeps ICC3/ICC3k at 1 but lowers ICC1/ICC2 below 1 [MW96]."""
    column = np.array([1.0, 4.0, 2.0, 5.0, 3.0])
    result = icc(np.column_stack([column, column, column - 1.0]))
    assert result["ICC3"].icc == pytest.approx(1.0, abs=1e-12)
    assert result["ICC3k"].icc == pytest.approx(1.0, abs=1e-12)
    assert result["ICC2"].icc < 0.95
    assert result["ICC2k"].icc < 0.99
    assert result["ICC1"].icc < 0.95
    for form in FORMS:
        row = result[form]
        assert row.lower <= row.icc + 1e-12
        assert row.icc <= row.upper + 1e-12


def _shuffled(table: np.ndarray[Any, np.dtype[np.float64]],
              data: st.DataObject) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The table with its rows and its columns in a drawn order."""
    n, k = table.shape
    rows = data.draw(st.permutations(range(n)))
    cols = data.draw(st.permutations(range(k)))
    return table[np.ix_(rows, cols)]


def _alpha_or_error(table: np.ndarray[Any, np.dtype[np.float64]], level: str) -> float | str:
    try:
        return krippendorff_alpha(table, level)
    except ValueError as exc:
        return str(exc)


@settings(deadline=None, max_examples=50)
@given(table=_tables(missing=True), data=st.data())
def test_alpha_invariant_under_row_and_column_permutation(
    table: np.ndarray[Any, np.dtype[np.float64]], data: st.DataObject
) -> None:
    """Reordering units or raters never changes alpha at any level (definition, [K11])."""
    shuffled = _shuffled(table, data)
    for level in LEVELS:
        expected = _alpha_or_error(table, level)
        got = _alpha_or_error(shuffled, level)
        if isinstance(expected, str):
            assert got == expected
        else:
            assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


@settings(deadline=None, max_examples=50)
@given(table=_tables(missing=False), data=st.data())
def test_icc_invariant_under_row_and_column_permutation(
    table: np.ndarray[Any, np.dtype[np.float64]], data: st.DataObject
) -> None:
    """Reordering targets or raters never changes any ICC, F, p or bound (definition, [SF79])."""
    shuffled = _shuffled(table, data)
    try:
        expected = icc(table)
    except ValueError:
        with pytest.raises(ValueError, match="no variation"):
            icc(shuffled)
        return
    got = icc(shuffled)
    assert _icc_numbers(got) == pytest.approx(
        _icc_numbers(expected), rel=1e-7, abs=1e-9, nan_ok=True
    )


@pytest.mark.parametrize("shift", [-3.0, 0.5, 1000.0])
def test_interval_alpha_and_icc_invariant_under_shift(shift: float) -> None:
    """Adding a constant to every rating changes neither interval alpha nor any ICC [K11] [MW96]."""
    assert krippendorff_alpha(KRIPPENDORFF + shift, "interval") == pytest.approx(
        krippendorff_alpha(KRIPPENDORFF, "interval"), rel=1e-12
    )
    assert _icc_numbers(icc(SHROUT_FLEISS + shift)) == pytest.approx(
        _icc_numbers(icc(SHROUT_FLEISS)), rel=1e-9
    )


def test_ratio_alpha_changes_under_shift() -> None:
    """Ratio alpha, unlike interval alpha, does change under a shift (metric over c + k) [K11]."""
    assert krippendorff_alpha(KRIPPENDORFF + 10.0, "ratio") != pytest.approx(
        krippendorff_alpha(KRIPPENDORFF, "ratio"), abs=1e-3
    )


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_ignores_units_with_a_single_rating(level: str) -> None:
    """A unit rated once (even with an otherwise unseen value) leaves alpha unchanged [K11]."""
    lonely = np.array([[NAN, 9.0, NAN, NAN], [NAN, NAN, NAN, NAN]])
    assert krippendorff_alpha(np.vstack([lonely, KRIPPENDORFF]), level) == krippendorff_alpha(
        KRIPPENDORFF, level
    )


def test_icc_drops_incomplete_rows_and_reports_them() -> None:
    """Rows with NaN are dropped and counted; the ICCs equal those of the complete rows [SF79]."""
    with_gaps = np.vstack([SHROUT_FLEISS[:3], [[1, NAN, 3, 4]], SHROUT_FLEISS[3:], [[NAN] * 4]])
    result = icc(with_gaps)
    assert result.dropped_rows == 2
    assert (result.n_targets, result.n_raters) == (6, 4)
    assert _icc_numbers(result) == _icc_numbers(icc(SHROUT_FLEISS))
    assert icc(SHROUT_FLEISS).dropped_rows == 0


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "level", "message"),
    [
        ([1.0, 2.0, 3.0], "interval", "2-D"),
        (np.ones((2, 2, 2)), "interval", "2-D"),
        (KRIPPENDORFF, "cardinal", "unknown level"),
        (np.full((3, 4), NAN), "nominal", "no pairable data"),
        ([[1.0, NAN], [NAN, 2.0]], "interval", "no pairable data"),
        ([[2.0, 2.0], [2.0, NAN], [2.0, 2.0]], "ordinal", "no variation"),
        ([[1.0, -1.0], [2.0, 2.0]], "ratio", "non-negative"),
        ([[1.0, math.inf], [2.0, 2.0]], "interval", "finite"),
        ([["a", "b"], ["c", "d"]], "nominal", "numbers"),
    ],
)
def test_alpha_rejects_bad_input(values: Any, level: str, message: str) -> None:
    """Non-2-D, unknown level, no pairable data, no variation etc. raise ValueError (API)."""
    with pytest.raises(ValueError, match=message):
        krippendorff_alpha(values, level)


@pytest.mark.parametrize(
    ("values", "confidence", "message"),
    [
        ([1.0, 2.0, 3.0], 0.95, "2-D"),
        (np.full((4, 3), NAN), 0.95, "2 complete rows"),
        (np.vstack([SHROUT_FLEISS[:1], [[NAN, 1, 2, 3]]]), 0.95, "2 complete rows"),
        (SHROUT_FLEISS[:, :1], 0.95, "2 raters"),
        (np.full((4, 3), 3.0), 0.95, "no variation"),
        (SHROUT_FLEISS, 1.0, "confidence"),
        (SHROUT_FLEISS, 0.0, "confidence"),
        (SHROUT_FLEISS, NAN, "confidence"),
        ([[1.0, -math.inf], [2.0, 2.0]], 0.95, "finite"),
    ],
)
def test_icc_rejects_bad_input(values: Any, confidence: float, message: str) -> None:
    """Non-2-D, too few rows/raters, constant data, bad confidence raise ValueError (API)."""
    with pytest.raises(ValueError, match=message):
        icc(values, confidence=confidence)


# ---------------------------------------------------------------------------------------------
# the result object
# ---------------------------------------------------------------------------------------------


def test_icc_result_container() -> None:
    """Rows come in psych order, are frozen/slotted, and unknown names raise KeyError (API)."""
    result = icc(SHROUT_FLEISS)
    assert tuple(row.form for row in result.rows) == FORMS
    assert result["ICC3"] is result.rows[2]
    with pytest.raises(KeyError, match="ICC4"):
        result["ICC4"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.n_targets = 7  # type: ignore[misc]
    assert not hasattr(result, "__dict__")
    assert not hasattr(result.rows[0], "__dict__")


def test_icc_result_records() -> None:
    """to_records gives one plain dict per form holding every ICCRow field (ICC2k .62 [SF79])."""
    records = icc(SHROUT_FLEISS).to_records()
    assert [r["form"] for r in records] == list(FORMS)
    assert set(records[0]) == {
        "form",
        "description",
        "icc",
        "f",
        "df1",
        "df2",
        "p",
        "lower",
        "upper",
    }
    value = records[4]["icc"]
    assert isinstance(value, float)
    assert round(value, 2) == 0.62


def test_icc_result_repr() -> None:
    """repr is short and names the panel-mean absolute-agreement form, ICC2k = .62 [SF79]."""
    assert repr(icc(SHROUT_FLEISS)) == "<ICCResult 6 targets x 4 raters: ICC2k=0.620>"


def test_icc_result_html_is_escaped_table() -> None:
    """_repr_html_ is a table of formatted values with all text HTML-escaped (API)."""
    page = icc(SHROUT_FLEISS)._repr_html_()
    assert page.startswith("<table>")
    assert page.rstrip().endswith("</table>")
    assert page.count("<tr>") == 7  # header + 6 forms
    assert "<td>0.620</td>" in page  # ICC2k, three decimals [SF79]
    assert "<td>0.019</td>" in page  # ICC2 lower bound [PSYCH]
    evil = ICCRow("<b>&x</b>", 'say "hi"', 0.5, 2.0, 1, 2, 0.25, NAN, math.inf)
    page = ICCResult(rows=(evil,), n_targets=2, n_raters=2, dropped_rows=0)._repr_html_()
    assert "<b>" not in page
    assert "&lt;b&gt;&amp;x&lt;/b&gt;" in page
    assert "&quot;hi&quot;" in page
    assert "<td>NaN</td>" in page
