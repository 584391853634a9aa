"""Match ratings rows to a compiled rubric: every row is kept, dropped by policy, or an error.

Each rule is a vectorised test over all rows; a row's first failing rule is its reason (see
:mod:`red_property._row_reasons`). With the rubric's ``input.invalid_rows: error`` (the default)
any invalid row makes a :class:`~red_property.errors.RatingsError` listing them all (the first
``MAX_LISTED`` of each reason, and how many more); with ``drop`` they are dropped and
reported. Self-ratings follow ``input.self_ratings`` (dropped by default).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._distinct import has_repeats, value_of_each
from ._row_reasons import (
    DUPLICATE,
    EMPTY,
    NO_RATER_COMPANY,
    NOT_A_NUMBER,
    NOT_COVERED,
    NOT_FINITE,
    NOT_OPTION_POINTS,
    NOT_WHOLE,
    OK,
    OPTION_NUMBER,
    OUT_OF_RANGE,
    REASONS,
    SELF_RATING,
    TOO_LARGE,
    TWO_SOURCES,
    UNKNOWN_COMPANY,
    UNKNOWN_INDICATOR,
    UNKNOWN_RATER_COMPANY,
    UNKNOWN_SOURCE,
    _account,
)
from ._rowpass import Clean, clean_season
from .errors import Problem, RatingsError, rows_text
from .plan import VALUE_LIMIT, Plan, label_codes
from .ratings import Ratings

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Checked:
    """The kept rows, coded to the plan's axes, and the account of the others.

    A clean season's source and indicator codes are made from the rows' cells on first use
    (scoring a season by its means needs only the cells)."""

    company: IntArray  # into companies
    rater: IntArray  # into rater_labels
    value: FloatArray
    companies: npt.NDArray[np.str_]
    rater_labels: npt.NDArray[np.str_]
    rows_read: int
    dropped: tuple[Problem, ...]  # listed (capped per reason)
    dropped_by_reason: dict[str, int]
    codes: list[IntArray]  # [source, indicator] in the plan's order; [] until made from cells
    # (company * sources + source) * indicators + indicator, from the other fields: rows
    # are taken with take(), which takes the cells along
    cell: IntArray | None = None
    sources_indicators: tuple[IntArray, int, int] | None = None  # cells to make codes from
    one_row_each: bool = True  # a rater has at most one row in a cell (take() may repeat rows)

    @property
    def source(self) -> IntArray:
        """Each row's source, into ``plan.sources``."""
        return self._codes()[0]

    @property
    def indicator(self) -> IntArray:
        """Each row's indicator, into ``plan.indicators``."""
        return self._codes()[1]

    def take(self, rows: IntArray, value: FloatArray) -> Checked:
        """The rows at ``rows`` (repeats allowed) with the values ``value``, their cells and
        codes taken along (``dataclasses.replace`` would keep the old rows' cells)."""
        derive = self.sources_indicators
        return Checked(
            company=self.company[rows], rater=self.rater[rows], value=value,
            companies=self.companies, rater_labels=self.rater_labels, rows_read=self.rows_read,
            dropped=self.dropped, dropped_by_reason=self.dropped_by_reason,
            codes=[codes[rows] for codes in self.codes],
            cell=None if self.cell is None else self.cell[rows],
            sources_indicators=None if derive is None else (derive[0][rows], *derive[1:]),
            one_row_each=False)

    def _codes(self) -> list[IntArray]:
        if not self.codes and self.sources_indicators is not None:
            cell, n_s, n_i = self.sources_indicators
            self.codes.extend((cell // n_i % n_s, cell % n_i))
        return self.codes


def check_ratings(plan: Plan, ratings: Ratings, *, companies: list[str] | None = None
                  ) -> Checked:
    """Code ``ratings`` to ``plan``; raise or drop (by the rubric's policy) every bad row.

    Each rule is first tested cheaply on the labels or on the column's extremes; only a rule
    that may fail is tested row by row, so a clean season costs little more than its gathers.
    """
    n = len(ratings)
    s_map = label_codes(ratings.source_labels, plan.sources)
    i_map = label_codes(ratings.indicator_labels, plan.indicators)
    if companies is None and bool((s_map >= 0).all()) and bool((i_map >= 0).all()):
        value: FloatArray | None = ratings.value
        if plan.option_keys:  # options' labels to their positions first, as below
            value, refused, unmatched = option_values(plan, ratings, i_map[ratings.indicator])
            if refused.any() or unmatched.any():
                value = None
        clean = None if value is None else clean_season(plan, ratings, s_map, i_map, value)
        if clean is not None and value is not None:
            return _checked_clean(ratings, clean, value, len(plan.sources),
                                  len(plan.indicators))
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

    problems, counts = _account(plan, ratings, reason, i, value) if dirty else ([], {})
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
        codes=[s[keep], i[keep]],
        rater=ratings.rater[keep],
        value=value[keep],
        companies=company_labels,
        rater_labels=ratings.rater_labels,
        rows_read=n,
        dropped=tuple(p for p, _ in (_account(plan, ratings, reason, i, value, by_row=True)[0]
                                     if dirty else [])),
        dropped_by_reason={REASONS[r - 1].short: c for r, c in counts.items()},
    )


def _checked_clean(ratings: Ratings, clean: Clean, value: FloatArray, n_s: int, n_i: int
                   ) -> Checked:
    """Every row kept, as :func:`clean_season` proved: the columns themselves where no
    company label goes unrated, and the codes made from the cells when they are used."""
    n_c = len(ratings.company_labels)
    if bool(clean.rated.all()):
        company, companies, cell = ratings.company, ratings.company_labels.copy(), clean.cell
    else:
        rated = np.flatnonzero(clean.rated)
        remap = np.full(n_c, -1, dtype=np.int64)
        remap[rated] = np.arange(len(rated))
        company, companies, cell = remap[ratings.company], ratings.company_labels[rated], None
    return Checked(company=company, rater=ratings.rater, value=value,
                   companies=companies, rater_labels=ratings.rater_labels,
                   rows_read=len(ratings), dropped=(), dropped_by_reason={}, codes=[],
                   cell=cell, sources_indicators=(clean.cell, n_s, n_i))


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
    pairs = np.unique(pair)
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
