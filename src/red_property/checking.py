"""Match ratings rows to a compiled rubric: every row is kept, dropped by policy, or an error.

Each rule is a vectorised test over all rows; a row's first failing rule is its reason. With the
rubric's ``input.invalid_rows: error`` (the default) any invalid row makes a
:class:`~red_property.errors.RatingsError` listing them all (the first
:data:`MAX_LISTED` of each reason, and how many more); with ``drop`` they are dropped and
reported. Self-ratings follow ``input.self_ratings`` (dropped by default).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from ._distinct import has_repeats, value_of_each
from .errors import Problem, RatingsError, rows_text
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
    key: tuple[str, ...] = ()  # the fields the message names: rows alike in them are one cause


OK = 0  # a kept row; a flagged row holds the 1-based position of its reason in REASONS
REASONS = (
    Reason("source", "unknown source",
           "unknown source {source!r}; the rubric's sources are {sources}", ("source",)),
    Reason("indicator", "unknown indicator",
           "unknown indicator {indicator!r}; check the rubric's indicator ids", ("indicator",)),
    Reason("company", "unknown company",
           "unknown company {company!r}; it is not in the companies table", ("company",)),
    Reason("indicator", "source does not rate indicator",
           "source {source!r} does not rate indicator {indicator!r} (see the source's `covers`)",
           ("source", "indicator")),
    Reason("value", "not a number", "value {text!r} is not a number{options}",
           ("text", "indicator")),
    Reason("value", "not finite", "value {value} is not a finite number", ("value",)),
    Reason("value", "out of range",
           "value {value:g} is outside {lower:g} to {upper:g} for indicator {indicator!r}",
           ("value", "indicator")),
    Reason("value", "not a whole number",
           "value {value:g} must be a whole number for indicator {indicator!r}",
           ("value", "indicator")),
    Reason("rater", "duplicate",
           "rater {rater!r} rated company {company!r} on {indicator!r} twice; keep one row",
           ("rater", "company", "indicator")),
    Reason("rater", "rater in two sources",
           "rater {rater!r} appears in more than one source; a rater belongs to one source",
           ("rater",)),
    Reason("rater_company", "peer rating without rater_company",
           "peer rating without rater_company: name the company the rater belongs to",
           ("rater",)),
    Reason("rater", "self-rating",
           "self-rating: rater {rater!r} belongs to {company!r}, the company rated",
           ("rater", "company")),
    Reason("value", "too large", "value {value:g} is too large: values lie within ±1e15",
           ("value",)),
    Reason("value", "empty", "value is empty; every rating needs a value"),
    Reason("value", "number for options",
           "value {value:g} is a number, but indicator {indicator!r} takes an option's label: "
           "{labels}", ("raw", "indicator")),
    Reason("value", "not an option's points",
           "value {value:g} is not the points of an option of {indicator!r}: {labels}",
           ("raw", "indicator")),
    Reason("rater_company", "unknown rater_company",
           "rater_company {rater_company!r} of rater {rater!r} is not in the companies table",
           ("rater_company", "rater")),
)
(UNKNOWN_SOURCE, UNKNOWN_INDICATOR, UNKNOWN_COMPANY, NOT_COVERED, NOT_A_NUMBER, NOT_FINITE,
 OUT_OF_RANGE, NOT_WHOLE, DUPLICATE, TWO_SOURCES, NO_RATER_COMPANY, SELF_RATING,
 TOO_LARGE, EMPTY, OPTION_NUMBER, NOT_OPTION_POINTS,
 UNKNOWN_RATER_COMPANY) = range(1, len(REASONS) + 1)


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
    s_map = label_codes(ratings.source_labels, plan.sources)
    i_map = label_codes(ratings.indicator_labels, plan.indicators)
    s = s_map[ratings.source]
    i = i_map[ratings.indicator]
    # one cheap pass answers the common case: every rater in one source, with one rater_company
    held = None
    n_s = len(plan.sources)
    if (s_map >= 0).all():
        tag = ratings.rater_company + 1
        tag *= n_s + 1
        tag += s
        held = value_of_each(ratings.rater, tag, len(ratings.rater_labels))
    consistent = held is not None
    conflicts = [] if consistent else _rater_company_conflicts(ratings)
    if conflicts:
        raise RatingsError(conflicts, file=ratings.origin)
    reason = np.zeros(n, dtype=np.int8)
    dirty = False

    def flag(mask: npt.NDArray[np.bool_], code: int) -> None:
        nonlocal dirty
        if not mask.any():
            return
        np.copyto(reason, np.int8(code), where=(mask & (reason == OK)) if dirty else mask)
        dirty = True

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
    if plan.option_keys:
        value, refused, unmatched = option_values(plan, ratings, i)
        flag(refused, OPTION_NUMBER)
        flag(unmatched, NOT_OPTION_POINTS)
    finite = np.isfinite(value)
    all_finite = bool(finite.all())
    if not all_finite:  # NaN is not finite: a season of numbers skips the text tests
        if ratings.text is not None:
            flag(np.isnan(value) & (ratings.text != ""), NOT_A_NUMBER)
            flag(np.isnan(ratings.value) & (ratings.text == ""), EMPTY)
        else:
            flag(np.isnan(value), EMPTY)
        flag(~finite, NOT_FINITE)
    used = np.flatnonzero(np.bincount(i_map[i_map >= 0], minlength=len(plan.indicators)))
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

    _flag_duplicates(ratings, None if consistent else s, i, len(plan.sources),
                     reason if dirty else None, reason)
    dirty = dirty or bool(reason.any())
    if not consistent and _flag_multi_source(ratings, s, reason):
        dirty = True
    if plan.peer.any() and _peer_rows_to_check(plan, ratings, held, n_s, companies):
        peer = plan.peer[si]
        if dirty:
            peer &= reason == OK
        flag(peer & (ratings.rater_company < 0), NO_RATER_COMPANY)
        if companies is not None:
            listed = np.isin(ratings.company_labels, np.asarray(companies, dtype=str))
            flag(peer & (ratings.rater_company >= 0) & ~listed[ratings.rater_company],
                 UNKNOWN_RATER_COMPANY)
        flag(peer & (ratings.rater_company == ratings.company), SELF_RATING)

    problems, counts = _account(plan, ratings, reason, s, i, value) if dirty else ([], {})
    policy = plan.rubric.input
    errors = [p for p, r in problems
              if (policy.self_ratings if r == SELF_RATING else policy.invalid_rows) == "error"]
    if errors:
        raise RatingsError(errors, file=ratings.origin)
    if companies is None:
        # every company named, even if all its rows were dropped
        seen = np.zeros(len(ratings.company_labels), dtype=bool)
        seen[ratings.company] = True
        rated = np.flatnonzero(seen)
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
        dropped=tuple(p for p, _ in (_account(plan, ratings, reason, s, i, value, by_row=True)[0]
                                     if dirty else [])),
        dropped_by_reason={REASONS[r - 1].short: c for r, c in counts.items()},
    )


def _peer_rows_to_check(plan: Plan, ratings: Ratings, held: IntArray | None, n_s: int,
                        companies: list[str] | None) -> bool:
    """Whether the peer rules (rater_company given, known, not the company rated) need a pass
    over the rows: not when each rater's one source and rater_company (``held``, from
    :func:`value_of_each`) show every peer rater with a company and no row rates its own."""
    if held is None or companies is not None:
        return True
    present = held >= 0
    source = np.where(present, held % (n_s + 1), 0)
    lacking = present & plan.peer[source] & (held // (n_s + 1) == 0)
    return bool(lacking.any()) or bool((ratings.rater_company == ratings.company).any())


def option_values(plan: Plan, ratings: Ratings, i: IntArray
                  ) -> tuple[FloatArray, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """The values with each option's label replaced by the option's 0-based position, the
    internal code scoring reads. A number on an options indicator is refused (``refused``), unless
    the indicator declares ``numbers: points``: then it names the option worth exactly that
    many points (``unmatched`` where none is). A cell is read one way only: labels are text
    that is no number, so a label and a number can never be the same cell."""
    value = ratings.value.copy()
    refused = np.zeros(len(value), dtype=bool)
    unmatched = np.zeros(len(value), dtype=bool)
    numeric = ~np.isnan(ratings.value)
    text_rows = None if ratings.text is None else np.flatnonzero(ratings.text != "")
    for k, keys in plan.option_keys.items():
        on = i == k
        number_rows = np.flatnonzero(on & numeric)
        if number_rows.size:
            value[number_rows] = np.nan
            points = np.asarray(plan.option_points.get(k, ()), dtype=np.float64)
            if points.size:
                given = ratings.value[number_rows]
                at = np.minimum(np.searchsorted(points, given), points.size - 1)
                hit = points[at] == given
                value[number_rows[hit]] = at[hit]
                unmatched[number_rows[~hit]] = True
            else:
                refused[number_rows] = True
        if text_rows is not None and ratings.text is not None:
            rows = text_rows[on[text_rows]]
            for code, key in enumerate(keys):
                value[rows[ratings.text[rows] == key]] = code
    return value, refused, unmatched


def _rater_company_conflicts(ratings: Ratings) -> list[Problem]:
    """One problem per rater named with two or more ``rater_company`` values: a rater belongs
    to one company for the whole season, else the self-rating exclusion could be evaded by
    naming another company on the rows where the rater rates its own."""
    given = np.flatnonzero(ratings.rater_company >= 0)
    if given.size == 0:
        return []
    n_c = len(ratings.company_labels)
    if value_of_each(ratings.rater[given], ratings.rater_company[given],
                     len(ratings.rater_labels)) is not None:
        return []  # the common case, without a sort
    pair = ratings.rater[given] * n_c + ratings.rater_company[given]
    pairs, first = np.unique(pair, return_index=True)
    raters, per_rater = np.unique(pairs // n_c, return_counts=True)
    problems = []
    for r in raters[per_rater > 1].tolist():
        parts = []
        for p in pairs[pairs // n_c == r].tolist():
            at = ratings.row[given[pair == p]]
            parts.append((int(at[0]), f"{str(ratings.company_labels[p % n_c])!r} "
                          f"({rows_text(at.tolist(), at.size)})"))
        parts.sort()
        problems.append(Problem(
            f"rater {str(ratings.rater_labels[r])!r} is given {len(parts)} rater_company "
            f"values: {' and '.join(text for _, text in parts)}; a rater belongs to one "
            "company for the whole season", file=ratings.origin, row=parts[1][0],
            path="rater_company"))
    del first
    return sorted(problems, key=lambda p: p.row)


def _flag_duplicates(ratings: Ratings, s: IntArray | None, i: IntArray, n_s: int,
                     reason_so_far: npt.NDArray[np.int8] | None,
                     reason: npt.NDArray[np.int8]) -> None:
    """Flag the second and later rows of one rater on one company, source and indicator
    (``s`` is None when every rater is in one source: the rater then names the source)."""
    rows = None if reason_so_far is None else np.flatnonzero(reason_so_far == OK)

    def col(x: IntArray) -> IntArray:
        return x if rows is None else x[rows]

    n_r = max(len(ratings.rater_labels), 1)
    n_i = max(int(i.max(initial=0)) + 1, 1)
    company = col(ratings.company)
    key = company * n_r if s is None else (company * n_s + col(s)) * n_r
    key += col(ratings.rater)
    key *= n_i
    key += col(i)
    head = key[:1000]  # shuffled rows fail here, before a pass over all of them
    if key.size < 2 or (bool(np.all(head[1:] > head[:-1]))
                        and bool(np.all(key[1:] > key[:-1]))):
        return  # strictly increasing: no two rows share a key (the common, fast case)
    if not has_repeats(key):
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
             i: IntArray, value: FloatArray, *, by_row: bool = False
             ) -> tuple[list[tuple[Problem, int]], dict[int, int]]:
    """Problems for the flagged rows, one per cause: rows that share a reason and the fields
    its message names are one problem, with their count and first rows (at most
    :data:`MAX_LISTED` causes per reason are listed; every row is counted). ``by_row`` lists
    each row instead (the report's account of dropped rows, one row each)."""
    counts: dict[int, int] = {}
    problems: list[tuple[Problem, int]] = []
    codes, tally = np.unique(reason[reason != OK], return_counts=True)
    for code, count in zip(codes.tolist(), tally.tolist(), strict=True):
        counts[code] = count
        rows = np.flatnonzero(reason == code)
        # by row number: which rows are listed must not depend on the order the rows came in
        rows = rows[np.argsort(ratings.row[rows], kind="stable")]
        why = REASONS[code - 1]
        group = (np.arange(rows.size, dtype=np.int64) if by_row
                 else _causes(ratings, why.key, rows, value))
        order = np.argsort(group, kind="stable")  # rows of a cause together, in row order
        sg = group[order]
        starts = np.flatnonzero(np.r_[True, sg[1:] != sg[:-1]])
        ends = np.r_[starts[1:], rows.size]
        firsts = sorted(zip(order[starts].tolist(), starts.tolist(), ends.tolist(), strict=True))
        for first, a, b in firsts[:MAX_LISTED]:
            at = ratings.row[rows[order[a:b]]]
            p = _problem(plan, ratings, code, int(rows[first]), s, i, value)
            if b - a > 1:
                p = replace(p, message=f"{p.message} ({rows_text(at.tolist(), b - a)})")
            problems.append((p, code))
        if len(firsts) > MAX_LISTED:
            rest = sum(b - a for _, a, b in firsts[MAX_LISTED:])
            problems.append((Problem(f"... and {rest} more rows: {why.short}",
                                     file=ratings.origin, row=int(ratings.row[rows[-1]]),
                                     path=why.column), code))
    problems.sort(key=lambda pc: pc[0].row)
    return problems, counts


def _causes(ratings: Ratings, key: tuple[str, ...], rows: IntArray, value: FloatArray
            ) -> IntArray:
    """A cause number for each of ``rows``: rows alike in the fields ``key`` names share one."""
    columns: dict[str, npt.NDArray[Any]] = {
        "source": ratings.source, "indicator": ratings.indicator, "company": ratings.company,
        "rater": ratings.rater, "rater_company": ratings.rater_company, "value": value,
        "raw": ratings.value,
    }
    parts = []
    for name in key:
        if name == "text":
            cells = (np.full(rows.size, "", dtype=object) if ratings.text is None
                     else ratings.text[rows])
            parts.append(np.unique(cells.astype(str), return_inverse=True)[1].ravel())
        else:
            parts.append(np.unique(columns[name][rows], return_inverse=True)[1].ravel())
    if not parts:
        return np.zeros(rows.size, dtype=np.int64)
    inverse = np.unique(np.stack(parts, axis=1), axis=0, return_inverse=True)[1]
    return np.asarray(inverse, dtype=np.int64).ravel()


def _problem(plan: Plan, ratings: Ratings, code: int, k: int, s: IntArray, i: IntArray,
             value: FloatArray) -> Problem:
    ind = int(i[k])
    options = labels = ""
    if ind in plan.option_keys:
        options = f" or an option of {plan.indicators[ind]!r}: {', '.join(plan.option_keys[ind])}"
        labels = ", ".join(plan.option_keys[ind])
        if ind in plan.option_points:
            labels = ", ".join(f"{key} {pts:g}" for key, pts in
                               zip(plan.option_keys[ind], plan.option_points[ind], strict=True))
    rc = int(ratings.rater_company[k])
    fields = {
        "source": str(ratings.source_labels[ratings.source[k]]),
        "sources": ", ".join(plan.sources),
        "indicator": str(ratings.indicator_labels[ratings.indicator[k]]),
        "company": str(ratings.company_labels[ratings.company[k]]),
        "rater": str(ratings.rater_labels[ratings.rater[k]]),
        "rater_company": str(ratings.company_labels[rc]) if rc >= 0 else "",
        "value": float(ratings.value[k] if code in (OPTION_NUMBER, NOT_OPTION_POINTS)
                       else value[k]),
        "text": "" if ratings.text is None else str(ratings.text[k]),
        "options": options,
        "labels": labels,
        "lower": float(plan.lower[max(ind, 0)]),
        "upper": float(plan.upper[max(ind, 0)]),
    }
    why = REASONS[code - 1]
    return Problem(why.template.format(**fields), file=ratings.origin, row=int(ratings.row[k]),
                   path=why.column)
