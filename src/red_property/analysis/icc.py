"""The six Shrout & Fleiss intraclass correlations, with F tests and confidence intervals
(references in :mod:`red_property.analysis.agreement`).

:func:`icc` returns all six forms of Shrout & Fleiss (1979), named as R's ``psych::ICC`` does,
with the McGraw & Wong (1996) names in the model column. With ``MSR`` the mean square between
targets (rows), ``MSC`` between raters (columns), ``MSE`` the residual and ``MSW`` the
within-target mean square of the two-way ANOVA, ``n`` targets and ``k`` raters:

=====  ========  =============================================  ===========================
name   S&F       model                                          formula
=====  ========  =============================================  ===========================
ICC1   ICC(1,1)  one-way random, single rater                   (MSR-MSW)/(MSR+(k-1)MSW)
ICC2   ICC(2,1)  two-way random, absolute agreement, ICC(A,1)   (MSR-MSE)/(MSR+(k-1)MSE
                                                                + k(MSC-MSE)/n)
ICC3   ICC(3,1)  two-way mixed, consistency, ICC(C,1)           (MSR-MSE)/(MSR+(k-1)MSE)
ICC1k  ICC(1,k)  one-way random, mean of k raters               (MSR-MSW)/MSR
ICC2k  ICC(2,k)  two-way random, absolute agreement, ICC(A,k)   (MSR-MSE)/(MSR+(MSC-MSE)/n)
ICC3k  ICC(3,k)  two-way mixed, consistency, ICC(C,k)           (MSR-MSE)/MSR
=====  ========  =============================================  ===========================

Each form comes with the F statistic for ``H0: ICC = 0`` (``MSR/MSW`` for the one-way forms,
``MSR/MSE`` for the others), its degrees of freedom, the p-value and a two-sided confidence
interval (McGraw & Wong 1996; the ICC(A,1) interval uses Satterthwaite's
approximate degrees of freedom). The numbers agree with ``psych::ICC``.

Which one for star cut-offs?
    The consistency forms (ICC3, ICC3k) ignore a rater who is systematically stricter than the
    others; that is harmless for rankings but not for a score compared with an absolute
    threshold ("4 stars from 3.5 upwards"). When the *mean of the panel's* ratings is compared
    with absolute cut-offs, the reliability of that mean is **ICC(A,k) = ICC2k**; when a single
    rater's score is used on its own, it is ICC(A,1) = ICC2. Use ICC1/ICC1k only when each
    target is rated by a different, random set of raters.

ICC needs complete rows: rows with any ``NaN`` are dropped (counted in
:attr:`ICCResult.dropped_rows`). Use :func:`krippendorff_alpha` when much data is missing.

The F distribution (:func:`f_cdf`, :func:`f_sf`, :func:`f_ppf`, :func:`f_isf`) is computed here
from the regularized incomplete beta function (:func:`regularized_incomplete_beta`), evaluated
by its continued fraction with the modified Lentz method, so that nothing beyond numpy is needed.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from .agreement import Ratings, _as_table, _div
from .fdist import LENTZ_EPS, f_ppf, f_sf

FloatArray = npt.NDArray[np.float64]


# ---------------------------------------------------------------------------------------------
# intraclass correlations
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ICCRow:
    """One ICC form: its value, the F test of ``ICC = 0`` and the confidence interval."""

    form: str
    """psych-style name: ``ICC1``, ``ICC2``, ``ICC3``, ``ICC1k``, ``ICC2k`` or ``ICC3k``."""
    description: str
    icc: float
    f: float
    """F statistic for H0: ICC = 0."""
    df1: int
    df2: int
    p: float
    """``P(F(df1, df2) > f)``."""
    lower: float
    upper: float


_FORM_ALIASES: dict[str, str] = {
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


def _fmt(value: float, spec: str) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return format(value, spec)


@dataclass(frozen=True, slots=True)
class ICCResult:
    """The six Shrout & Fleiss ICC forms for one targets x raters table.

    ``result["ICC2k"]`` (or ``result["ICC(A,k)"]``, ``result["ICC(2,k)"]``) gives one
    :class:`ICCRow`; :meth:`to_records` gives plain dicts, e.g. for ``pandas.DataFrame``.
    """

    rows: tuple[ICCRow, ...]
    n_targets: int
    """Complete rows (targets) used."""
    n_raters: int
    dropped_rows: int
    """Rows dropped because they contained NaN."""
    confidence: float = 0.95

    def __getitem__(self, form: str) -> ICCRow:
        name = _FORM_ALIASES.get(form, form)
        for row in self.rows:
            if row.form == name:
                return row
        known = ", ".join(row.form for row in self.rows)
        raise KeyError(f"unknown ICC form {form!r}; known: {known} (or S&F/McGraw-Wong names)")

    def to_records(self) -> list[dict[str, object]]:
        """One dict per form, keys ``form, description, icc, f, df1, df2, p, lower, upper``."""
        names = [field.name for field in fields(ICCRow)]
        return [{name: getattr(row, name) for name in names} for row in self.rows]

    def __repr__(self) -> str:
        return (
            f"<ICCResult {self.n_targets} targets x {self.n_raters} raters: "
            f"ICC2k={_fmt(self['ICC2k'].icc, '.3f')}>"
        )

    def _repr_html_(self) -> str:
        level = _fmt(100.0 * self.confidence, "g")
        head = ["form", "description", "ICC", "F", "df1", "df2", "p", "lower", "upper"]
        lines = [
            "<table>",
            "<caption>"
            + html.escape(
                f"Intraclass correlations: {self.n_targets} targets x {self.n_raters} raters, "
                f"{self.dropped_rows} incomplete row(s) dropped; {level}% confidence interval"
            )
            + "</caption>",
            "<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr></thead>",
            "<tbody>",
        ]
        for row in self.rows:
            cells = [
                row.form,
                row.description,
                _fmt(row.icc, ".3f"),
                _fmt(row.f, ".3g"),
                str(row.df1),
                str(row.df2),
                _fmt(row.p, ".3g"),
                _fmt(row.lower, ".3f"),
                _fmt(row.upper, ".3f"),
            ]
            lines.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        lines += ["</tbody>", "</table>"]
        return "\n".join(lines)


def _exact_sum(values: FloatArray) -> float:
    return math.fsum(values.ravel().tolist())


def _bound_single(f_bound: float, k: int) -> float:
    """``(F - 1) / (F + k - 1)``: an F bound turned into a single-rater ICC bound."""
    if math.isinf(f_bound):
        return 1.0
    return _div(f_bound - 1.0, f_bound + k - 1.0)


def _bound_average(f_bound: float) -> float:
    """``1 - 1 / F``: an F bound turned into an average-of-k-raters ICC bound."""
    return 1.0 - _div(1.0, f_bound)


def _spearman_brown(r: float, k: int) -> float:
    if math.isinf(r):
        return _div(float(k), float(k - 1))
    return _div(k * r, 1.0 + (k - 1) * r)


def _icc_a1_interval(
    ms_r: float, ms_c: float, ms_e: float, n: int, k: int, rho: float, q: float
) -> tuple[float, float]:
    """McGraw & Wong (1996) interval for ICC(A,1) with Satterthwaite degrees of freedom."""
    if ms_c == 0.0 and ms_e == 0.0:  # raters agree exactly: both bounds are 1 whatever F*
        return 1.0, 1.0
    # a, b of McGraw & Wong multiplied by n (1 - rho); v does not change under that scaling
    a = k * rho
    b = n * (1.0 + (k - 1) * rho) - k * rho
    total = a * ms_c + b * ms_e
    if abs(total) <= 64.0 * LENTZ_EPS * (abs(a * ms_c) + abs(b * ms_e)):
        return math.nan, math.nan  # Satterthwaite df is 0 up to rounding: no interval
    num = total**2
    den = (a * ms_c) ** 2 / (k - 1) + (b * ms_e) ** 2 / ((n - 1) * (k - 1))
    v = _div(num, den)
    if not (math.isfinite(v) and v > 0.0):
        return math.nan, math.nan
    f_low = f_ppf(q, n - 1, v)
    f_up = f_ppf(q, v, n - 1)
    c = k * ms_c + (k * n - k - n) * ms_e
    lower = _div(n * (ms_r - f_low * ms_e), f_low * c + n * ms_r)
    upper = _div(n * (f_up * ms_r - ms_e), c + n * f_up * ms_r)
    return lower, upper


def icc(values: Ratings, *, confidence: float = 0.95) -> ICCResult:
    """All six Shrout & Fleiss (1979) intraclass correlations of a targets x raters table.

    Args:
        values: 2-D array-like, one row per target (unit) and one column per rater (judge).
            Rows containing ``NaN`` are dropped; their number is ``dropped_rows``.
        confidence: level of the two-sided confidence intervals, ``0 < confidence < 1``.

    Returns:
        An :class:`ICCResult` with the rows ``ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k`` in that
        order, as ``psych::ICC`` prints them. Degenerate tables give IEEE-style results rather
        than errors: raters who agree exactly give ICC ``1``, ``F = inf``, ``p = 0`` and bounds
        of ``1``; a ratio with zero numerator and denominator gives ``NaN``, a non-zero one over
        zero ``+-inf``; an interval that is undefined (Satterthwaite df of 0) is ``NaN``.

    Raises:
        ValueError: ``values`` is not 2-D or holds non-numbers or infinities; fewer than 2
            raters; fewer than 2 complete rows; every rating the same value ("no variation");
            ``confidence`` outside (0, 1).
    """
    if not 0.0 < confidence < 1.0:  # also refuses NaN
        raise ValueError(f"icc: confidence must lie strictly between 0 and 1, got {confidence!r}")
    table = _as_table(values, "icc")
    complete = ~np.isnan(table).any(axis=1)
    dropped = int(table.shape[0] - np.count_nonzero(complete))
    table = table[complete]
    n, k = table.shape
    if k < 2:
        raise ValueError(f"icc: needs at least 2 raters (columns), got {k}")
    if n < 2:
        raise ValueError(
            f"icc: needs at least 2 complete rows (targets), got {n} "
            f"after dropping {dropped} row(s) with missing ratings"
        )
    if float(np.ptp(table)) == 0.0:
        raise ValueError("icc: no variation (every rating is the same value, ICC is undefined)")

    # Scale by a power of two (exact) so that squares cannot overflow; ICCs are scale-free.
    exponent = math.frexp(float(np.max(np.abs(table))))[1]
    table = np.ldexp(table, -exponent)

    grand = float(table.mean())
    row_means = table.mean(axis=1)
    col_means = table.mean(axis=0)
    # math.fsum is correctly rounded, so the sums of squares do not depend on the order of
    # rows and columns (exact invariance for star ratings, whose means are computed exactly)
    ss_rows = k * _exact_sum(np.square(row_means - grand))
    ss_cols = n * _exact_sum(np.square(col_means - grand))
    ss_within = _exact_sum(np.square(table - row_means[:, None]))
    ss_error = _exact_sum(np.square(table - row_means[:, None] - col_means[None, :] + grand))
    ms_r = ss_rows / (n - 1)
    ms_c = ss_cols / (k - 1)
    ms_w = ss_within / (n * (k - 1))
    ms_e = ss_error / ((n - 1) * (k - 1))

    icc1 = _div(ms_r - ms_w, ms_r + (k - 1) * ms_w)
    # MSR + (k-1)MSE + k(MSC-MSE)/n, regrouped into non-negative terms
    icc2 = _div(ms_r - ms_e, ms_r + k * ms_c / n + (n * k - n - k) * ms_e / n)
    icc3 = _div(ms_r - ms_e, ms_r + (k - 1) * ms_e)
    icc1k = _div(ms_r - ms_w, ms_r)
    icc2k = _div(ms_r - ms_e, ms_r + (ms_c - ms_e) / n)
    icc3k = _div(ms_r - ms_e, ms_r)

    df_r, df_w, df_e = n - 1, n * (k - 1), (n - 1) * (k - 1)
    f_one = _div(ms_r, ms_w)
    f_two = _div(ms_r, ms_e)
    p_one = f_sf(f_one, df_r, df_w)
    p_two = f_sf(f_two, df_r, df_e)

    q = 1.0 - (1.0 - confidence) / 2.0
    f1_low = _div(f_one, f_ppf(q, df_r, df_w))
    f1_up = f_one * f_ppf(q, df_w, df_r)
    f3_low = _div(f_two, f_ppf(q, df_r, df_e))
    f3_up = f_two * f_ppf(q, df_e, df_r)
    low2, up2 = _icc_a1_interval(ms_r, ms_c, ms_e, n, k, icc2, q)

    def row(
        form: str,
        text: str,
        value: float,
        stat: tuple[float, int, int, float],
        ci: tuple[float, float],
    ) -> ICCRow:
        return ICCRow(form, text, value, stat[0], stat[1], stat[2], stat[3], ci[0], ci[1])

    one = (f_one, df_r, df_w, p_one)
    two = (f_two, df_r, df_e, p_two)
    rows = (
        row(
            "ICC1",
            "single rater, one-way random effects, absolute agreement",
            icc1,
            one,
            (_bound_single(f1_low, k), _bound_single(f1_up, k)),
        ),
        row(
            "ICC2",
            "single rater, two-way random effects, absolute agreement [ICC(A,1)]",
            icc2,
            two,
            (low2, up2),
        ),
        row(
            "ICC3",
            "single rater, two-way mixed effects, consistency [ICC(C,1)]",
            icc3,
            two,
            (_bound_single(f3_low, k), _bound_single(f3_up, k)),
        ),
        row(
            "ICC1k",
            f"mean of {k} raters, one-way random effects, absolute agreement",
            icc1k,
            one,
            (_bound_average(f1_low), _bound_average(f1_up)),
        ),
        row(
            "ICC2k",
            f"mean of {k} raters, two-way random effects, absolute agreement [ICC(A,k)]",
            icc2k,
            two,
            (_spearman_brown(low2, k), _spearman_brown(up2, k)),
        ),
        row(
            "ICC3k",
            f"mean of {k} raters, two-way mixed effects, consistency [ICC(C,k)]",
            icc3k,
            two,
            (_bound_average(f3_low), _bound_average(f3_up)),
        ),
    )
    return ICCResult(
        rows=rows, n_targets=n, n_raters=k, dropped_rows=dropped, confidence=float(confidence)
    )
