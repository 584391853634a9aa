"""Match ratings rows to a compiled rubric: every row is kept, dropped by policy, or an error.

Each rule is a vectorised test over all rows; a row's first failing rule is its reason. With the
rubric's ``input.invalid_rows: error`` (the default) any invalid row makes a
:class:`~red_property.errors.RatingsError` listing them all (the first
:data:`MAX_LISTED` of each reason, and how many more); with ``drop`` they are dropped and
reported. Self-ratings follow ``input.self_ratings`` (dropped by default).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .errors import Problem, RatingsError
from .plan import VALUE_LIMIT, Plan, label_codes
from .ratings import Ratings

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: How many rows of each reason are listed in an error or report (all are counted).
MAX_LISTED = 50

@dataclass(frozen=True, slots=True)
class Reason:
    """Why a row is not used: the column to point at, a short name, the message template."""

    column: str
    short: str
    template: str


OK = 0  # a kept row; a flagged row holds the 1-based position of its reason in REASONS
REASONS = (
    Reason("source", "unknown source",
           "unknown source {source!r}; the rubric's sources are {sources}"),
    Reason("indicator", "unknown indicator",
           "unknown indicator {indicator!r}; check the rubric's indicator ids"),
    Reason("company", "unknown company",
           "unknown company {company!r}; it is not in the companies table"),
    Reason("indicator", "source does not rate indicator",
           "source {source!r} does not rate indicator {indicator!r} (see the source's `covers`)"),
    Reason("value", "not a number", "value {text!r} is not a number{options}"),
    Reason("value", "not finite", "value {value} is not a finite number"),
    Reason("value", "out of range",
           "value {value:g} is outside {lower:g} to {upper:g} for indicator {indicator!r}"),
    Reason("value", "not a whole number",
           "value {value:g} must be a whole number for indicator {indicator!r}"),
    Reason("rater", "duplicate",
           "rater {rater!r} rated company {company!r} on {indicator!r} twice; keep one row"),
    Reason("rater", "rater in two sources",
           "rater {rater!r} appears in more than one source; a rater belongs to one source"),
    Reason("rater_company", "peer rating without rater_company",
           "peer rating without rater_company: name the company the rater belongs to"),
    Reason("rater", "self-rating",
           "self-rating: rater {rater!r} belongs to {company!r}, the company rated"),
    Reason("value", "too large", "value {value:g} is too large: values lie within ±1e15"),
)
(UNKNOWN_SOURCE, UNKNOWN_INDICATOR, UNKNOWN_COMPANY, NOT_COVERED, NOT_A_NUMBER, NOT_FINITE,
 OUT_OF_RANGE, NOT_WHOLE, DUPLICATE, TWO_SOURCES, NO_RATER_COMPANY, SELF_RATING,
 TOO_LARGE) = range(1, len(REASONS) + 1)


@dataclass(frozen=True, slots=True)
class Checked:
    """The kept rows, coded to the plan's axes, and the account of the others."""

    company: IntArray  # into companies
    source: IntArray  # into plan.sources
    indicator: IntArray  # into plan.indicators
    rater: IntArray  # into rater_labels
    value: FloatArray
    companies: npt.NDArray[np.str_]
    rater_labels: npt.NDArray[np.str_]
    rows_read: int
    dropped: tuple[Problem, ...]  # listed (capped per reason)
    dropped_by_reason: dict[str, int]


def check_ratings(plan: Plan, ratings: Ratings, *, companies: list[str] | None = None
                  ) -> Checked:
    """Code ``ratings`` to ``plan``; raise or drop (by the rubric's policy) every bad row.

    Each rule is first tested cheaply on the labels or on the column's extremes; only a rule
    that may fail is tested row by row, so a clean season costs little more than its gathers.
    """
    n = len(ratings)
    reason = np.zeros(n, dtype=np.int8)
    dirty = False

    def flag(mask: npt.NDArray[np.bool_], code: int) -> None:
        nonlocal dirty
        if not mask.any():
            return
        np.copyto(reason, np.int8(code), where=(mask & (reason == OK)) if dirty else mask)
        dirty = True

    s_map = label_codes(ratings.source_labels, plan.sources)
    i_map = label_codes(ratings.indicator_labels, plan.indicators)
    s = s_map[ratings.source]
    i = i_map[ratings.indicator]
    if (s_map < 0).any():
        flag(s < 0, UNKNOWN_SOURCE)
    if (i_map < 0).any():
        flag(i < 0, UNKNOWN_INDICATOR)
    if companies is not None:
        known = np.isin(ratings.company_labels, np.asarray(companies, dtype=str))
        if not known.all():
            flag(~known[ratings.company], UNKNOWN_COMPANY)
    # codes safe to index with (-1, an unknown label, already flagged, becomes 0)
    si = s if (s_map >= 0).all() else np.maximum(s, 0)
    ii = i if (i_map >= 0).all() else np.maximum(i, 0)
    label_covers = plan.covers[np.maximum(s_map, 0)][:, np.maximum(i_map, 0)]
    label_covers |= (s_map < 0)[:, None] | (i_map < 0)[None, :]  # already flagged
    if not label_covers.all():
        flag(~label_covers[ratings.source, ratings.indicator], NOT_COVERED)

    value = ratings.value
    if ratings.text is not None:
        value = _option_codes(plan, ratings, i, value.copy())
        flag(np.isnan(value) & (ratings.text != ""), NOT_A_NUMBER)
    finite = np.isfinite(value)
    all_finite = bool(finite.all())
    if not all_finite:
        flag(~finite, NOT_FINITE)
    used = np.unique(i_map[i_map >= 0])
    if used.size and n:
        with np.errstate(invalid="ignore"):
            shown = value if all_finite else value[finite]
            lo = shown.min(initial=np.inf)
            hi = shown.max(initial=-np.inf)
            if lo < -VALUE_LIMIT or hi > VALUE_LIMIT:
                flag(np.abs(value) > VALUE_LIMIT, TOO_LARGE)
            if lo < plan.lower[used].max() or hi > plan.upper[used].min():
                flag((value < plan.lower[ii]) | (value > plan.upper[ii]), OUT_OF_RANGE)
            if plan.integral[used].any():
                flag(plan.integral[ii] & (value != np.round(value)), NOT_WHOLE)

    _flag_duplicates(ratings, s, i, reason if dirty else None, reason)
    dirty = dirty or bool(reason.any())
    if _flag_multi_source(ratings, s, reason):
        dirty = True
    if plan.peer.any():
        peer = plan.peer[si]
        if dirty:
            peer &= reason == OK
        flag(peer & (ratings.rater_company < 0), NO_RATER_COMPANY)
        flag(peer & (ratings.rater_company == ratings.company), SELF_RATING)

    problems, counts = _account(plan, ratings, reason, s, i, value) if dirty else ([], {})
    policy = plan.rubric.input
    errors = [p for p, r in problems
              if (policy.self_ratings if r == SELF_RATING else policy.invalid_rows) == "error"]
    if errors:
        raise RatingsError(errors, file=ratings.origin)
    if companies is None:
        # every company named, even if all its rows were dropped
        rated = np.flatnonzero(np.bincount(ratings.company,
                                           minlength=len(ratings.company_labels)))
        company_labels = ratings.company_labels[rated]
        remap = np.full(len(ratings.company_labels), -1, dtype=np.int64)
        remap[rated] = np.arange(len(rated))
    else:
        company_labels = np.asarray(companies, dtype=str)
        remap = label_codes(ratings.company_labels, tuple(companies))
    keep: npt.NDArray[np.bool_] | slice = (reason == OK) if dirty else slice(None)
    return Checked(
        company=remap[ratings.company[keep]],
        source=s[keep],
        indicator=i[keep],
        rater=ratings.rater[keep],
        value=value[keep],
        companies=company_labels,
        rater_labels=ratings.rater_labels,
        rows_read=n,
        dropped=tuple(p for p, _ in problems),
        dropped_by_reason={REASONS[r - 1].short: c for r, c in counts.items()},
    )


def _option_codes(plan: Plan, ratings: Ratings, i: IntArray, value: FloatArray) -> FloatArray:
    """Option keys given as text become their 0-based position."""
    if ratings.text is None:
        return value
    text_rows = np.flatnonzero(ratings.text != "")
    for k, keys in plan.option_keys.items():
        rows = text_rows[i[text_rows] == k]
        for code, key in enumerate(keys):
            value[rows[ratings.text[rows] == key]] = code
    return value


def _flag_duplicates(ratings: Ratings, s: IntArray, i: IntArray,
                     reason_so_far: npt.NDArray[np.int8] | None,
                     reason: npt.NDArray[np.int8]) -> None:
    """Flag the second and later rows of one rater on one company, source and indicator."""
    rows = None if reason_so_far is None else np.flatnonzero(reason_so_far == OK)

    def col(x: IntArray) -> IntArray:
        return x if rows is None else x[rows]

    n_r = max(len(ratings.rater_labels), 1)
    n_i = max(int(i.max(initial=0)) + 1, 1)
    n_s = max(int(s.max(initial=0)) + 1, 1)
    key = ((col(ratings.company) * n_s + col(s)) * n_r + col(ratings.rater)) * n_i + col(i)
    if key.size < 2 or bool(np.all(key[1:] > key[:-1])):
        return  # strictly increasing: no two rows share a key (the common, fast case)
    ordered = np.sort(key)
    if not (ordered[1:] == ordered[:-1]).any():
        return
    order = np.argsort(key, kind="stable")  # only now: to name the repeated rows
    sk = key[order]
    repeat = order[np.flatnonzero(sk[1:] == sk[:-1]) + 1]
    reason[repeat if rows is None else rows[repeat]] = DUPLICATE


def _flag_multi_source(ratings: Ratings, s: IntArray, reason: npt.NDArray[np.int8]) -> bool:
    """Flag every row of a rater who appears in two sources; True when any was flagged."""
    n_s = int(s.max(initial=0)) + 1
    n_r = len(ratings.rater_labels)
    key = ratings.rater * (n_s + 1) + (s + 1)  # s = -1 (unknown) gets its own slot
    seen = np.bincount(key, minlength=n_r * (n_s + 1)).reshape(n_r, n_s + 1)[:, 1:] > 0
    multi = seen.sum(axis=1) > 1
    if not multi.any():
        return False
    mask = multi[ratings.rater] & (reason == OK)
    reason[mask] = TWO_SOURCES
    return bool(mask.any())


def _account(plan: Plan, ratings: Ratings, reason: npt.NDArray[np.int8], s: IntArray,
             i: IntArray, value: FloatArray) -> tuple[list[tuple[Problem, int]], dict[int, int]]:
    counts: dict[int, int] = {}
    problems: list[tuple[Problem, int]] = []
    codes, tally = np.unique(reason[reason != OK], return_counts=True)
    for code, count in zip(codes.tolist(), tally.tolist(), strict=True):
        counts[code] = count
        rows = np.flatnonzero(reason == code)
        for k in rows[:MAX_LISTED].tolist():
            problems.append((_problem(plan, ratings, code, k, s, i, value), code))
        if count > MAX_LISTED:
            why = REASONS[code - 1]
            problems.append((Problem(f"... and {count - MAX_LISTED} more rows: {why.short}",
                                     file=ratings.origin, row=int(ratings.row[rows[-1]]),
                                     path=why.column), code))
    problems.sort(key=lambda pc: pc[0].row)
    return problems, counts


def _problem(plan: Plan, ratings: Ratings, code: int, k: int, s: IntArray, i: IntArray,
             value: FloatArray) -> Problem:
    ind = int(i[k])
    options = ""
    if ind in plan.option_keys:
        options = f" or an option of {plan.indicators[ind]!r}: {', '.join(plan.option_keys[ind])}"
    rc = int(ratings.rater_company[k])
    fields = {
        "source": str(ratings.source_labels[ratings.source[k]]),
        "sources": ", ".join(plan.sources),
        "indicator": str(ratings.indicator_labels[ratings.indicator[k]]),
        "company": str(ratings.company_labels[ratings.company[k]]),
        "rater": str(ratings.rater_labels[ratings.rater[k]]),
        "rater_company": str(ratings.company_labels[rc]) if rc >= 0 else "",
        "value": float(value[k]),
        "text": "" if ratings.text is None else str(ratings.text[k]),
        "options": options,
        "lower": float(plan.lower[max(ind, 0)]),
        "upper": float(plan.upper[max(ind, 0)]),
    }
    why = REASONS[code - 1]
    return Problem(why.template.format(**fields), file=ratings.origin, row=int(ratings.row[k]),
                   path=why.column)
