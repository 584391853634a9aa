"""The row checks' result: rows taken for a resample carry every field along, and the rules
that only the row-by-row checks apply (two rater companies, coverage, the value limit, option
points, repeats, peer rules) are told with their rows and file; behaviour that mutation
testing found unguarded."""

from __future__ import annotations

import numpy as np
import pytest

import red_property as rp
from red_property.checking import check_ratings
from red_property.plan import compile_plan

from .fixtures import load, rec

SCORES = """
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
      t: {label: {en: T}, kind: score, points: 5}
levels:
  - {stars: 1, min_total: 1}
"""
TWO_SOURCES = """
sources:
  authority: {label: {en: A}, weight: 0.6}
  peer: {label: {en: P}, weight: 0.4, peer: true}
""" + SCORES
PLAN = compile_plan(load(TWO_SOURCES))
PLAN_DROP = compile_plan(load("input: {invalid_rows: drop}\n", TWO_SOURCES))


def _season() -> rp.Ratings:
    rows = []
    for c in ("c1", "c2", "c3"):
        for ind, v in (("s", 7), ("t", 3)):
            rows.append(rec(c, "authority", "a1", ind, v))
            other = {"c1": "c2", "c2": "c3", "c3": "c1"}[c]
            rows.append(rec(c, "peer", f"p-{other}", ind, v - 1, rater_company=other))
    return rp.Ratings.from_records(rows)


def test_rows_taken_carry_every_field() -> None:
    """Rows taken (repeats allowed, new values) keep the companies, raters, accounts and cells
    of the rows they name, and say that a rater may now have several rows in a cell."""
    checked = check_ratings(PLAN, _season())
    assert checked.cell is not None  # a clean season: cells made by the blocked pass
    rows = np.array([0, 0, 5, 3, 11])
    value = np.arange(5, dtype=float)
    taken = checked.take(rows, value)
    assert np.array_equal(taken.company, checked.company[rows])
    assert np.array_equal(taken.rater, checked.rater[rows])
    assert np.array_equal(taken.value, value)
    assert taken.companies is checked.companies
    assert taken.rater_labels is checked.rater_labels
    assert taken.rows_read == checked.rows_read == 12
    assert taken.dropped == checked.dropped == ()
    assert taken.dropped_by_reason == checked.dropped_by_reason == {}
    assert np.array_equal(taken.cell, checked.cell[rows])
    assert np.array_equal(taken.source, checked.source[rows])
    assert np.array_equal(taken.indicator, checked.indicator[rows])
    assert taken.one_row_each is False and checked.one_row_each is True


def _dropped(rubric: rp.Rubric, rows: list[dict[str, object]]) -> dict[str, int]:
    """Rows dropped per reason when ``rubric`` (under ``invalid_rows: drop``) checks ``rows``."""
    return check_ratings(compile_plan(rubric), rp.Ratings.from_records(rows)).dropped_by_reason


def _drop(*parts: str) -> rp.Rubric:
    """A rubric from YAML fragments that drops invalid rows."""
    return load("input: {invalid_rows: drop}\n", *parts)



def test_codes_are_made_from_the_cells_once() -> None:
    """A clean season's source and indicator codes are made on first use and then kept: later
    uses read the same two arrays."""
    checked = check_ratings(PLAN, _season())
    assert checked.codes == []
    first = checked.source
    assert checked.source is first and checked.indicator is checked.codes[1]
    assert len(checked.codes) == 2


def test_raters_with_two_rater_companies_are_told_in_row_order_with_their_file() -> None:
    """Each rater named with two rater_company values is one problem, located in the ratings'
    file at the first row of its second value, the problems in row order."""
    rows = [rec("c1", "peer", "a", "s", 5, rater_company="c2"),
            rec("c1", "peer", "b", "s", 5, rater_company="c2"),
            rec("c2", "peer", "b", "s", 5, rater_company="c3"),
            rec("c3", "peer", "a", "t", 2, rater_company="c2"),
            rec("c2", "peer", "a", "t", 2, rater_company="c4")]
    ratings = rp.Ratings.from_records(rows, origin="season.csv")
    with pytest.raises(rp.RatingsError) as caught:
        check_ratings(PLAN, ratings)
    err = caught.value
    assert err.file == "season.csv"
    assert str(err).startswith("2 problems in ratings season.csv:\n")
    assert [(p.row, p.file, p.path) for p in err.problems] == [
        (3, "season.csv", "rater_company"), (5, "season.csv", "rater_company")]
    assert [p.message for p in err.problems] == [
        "rater 'b' is given 2 rater_company values: 'c2' (row 2) and 'c3' (row 3); a rater "
        "belongs to one company for the whole season",
        "rater 'a' is given 2 rater_company values: 'c2' (rows 1, 4) and 'c4' (row 5); a rater "
        "belongs to one company for the whole season"]


def test_invalid_rows_are_refused_with_the_file_they_came_from() -> None:
    """Refused rows make one error that names the ratings' file in its summary line."""
    rows = [rec("c1", "authority", "a1", "s", 11), rec("c1", "authority", "a1", "t", -1)]
    with pytest.raises(rp.RatingsError) as caught:
        check_ratings(PLAN, rp.Ratings.from_records(rows, origin="season.csv"))
    assert caught.value.file == "season.csv"
    assert str(caught.value).startswith("2 problems in ratings season.csv:\n")


def test_the_first_source_and_first_indicator_are_checked_for_coverage() -> None:
    """A row of the rubric's first source on its first indicator, which that source does not
    rate, is dropped as not covered like any other."""
    rubric = _drop("""
        sources:
          authority: {label: {en: A}, weight: 0.6, covers: [t]}
          association: {label: {en: B}, weight: 0.4}
        """, SCORES)
    rows = [rec("c1", "authority", "a1", "s", 5), rec("c1", "authority", "a1", "t", 3),
            rec("c1", "association", "b1", "s", 5)]
    assert _dropped(rubric, rows) == {"source does not rate indicator": 1}


def test_a_season_of_unknown_indicators_only_is_refused() -> None:
    """When no row names an indicator of the rubric, every row is refused as an unknown
    indicator (no indicator's range is consulted)."""
    rows = [rec("c1", "authority", "a1", "x", 5), rec("c2", "authority", "a1", "y", 50)]
    with pytest.raises(rp.RatingsError, match="unknown indicator"):
        check_ratings(PLAN, rp.Ratings.from_records(rows))
    assert _dropped(_drop("sources:\n  authority: {label: {en: A}, weight: 1}\n", SCORES),
                    rows) == {"unknown indicator": 2}


def test_a_value_at_the_value_limit_is_out_of_range_not_too_large() -> None:
    """A value of exactly 1e15 lies within the values' limit: outside its indicator's range it
    is out of range, while a larger one is too large."""
    rubric = _drop("sources:\n  authority: {label: {en: A}, weight: 1}\n", SCORES)
    rows = [rec("c1", "authority", "a1", "s", 1e15), rec("c2", "authority", "a1", "s", 1e16),
            rec("c3", "authority", "a1", "s", -1e15), rec("c4", "authority", "a1", "s", 4)]
    assert _dropped(rubric, rows) == {"out of range": 2, "too large": 1}


PEER_FIRST = """
sources:
  peer: {label: {en: P}, weight: 0.4, peer: true}
  authority: {label: {en: A}, weight: 0.6}
"""


def test_a_peer_rater_without_company_in_the_first_source_is_dropped() -> None:
    """A rater of the rubric's first source, a peer source, who names no rater_company has its
    rows dropped as peer ratings without rater_company."""
    rows = [rec("c1", "peer", "p1", "s", 5), rec("c1", "authority", "a1", "s", 6),
            rec("c2", "peer", "p2", "s", 4, rater_company="c1")]
    assert _dropped(_drop(PEER_FIRST, SCORES), rows) == {"peer rating without rater_company": 1}


def test_rater_labels_without_rows_leave_the_peer_rules_alone() -> None:
    """Ratings taken from a larger season keep raters that no longer have rows; the peer rules
    of a rubric whose one source is a peer source then judge the remaining rows as usual."""
    rubric = _drop("sources:\n  peer: {label: {en: P}, weight: 1, peer: true}\n", SCORES)
    ratings = rp.Ratings.from_records([
        rec("c1", "peer", "p1", "s", 5, rater_company="c2"),
        rec("c1", "peer", "p1", "t", 11, rater_company="c2"),
        rec("c2", "peer", "p2", "s", 4, rater_company="c1")]).take(np.array([0, 1]))
    checked = check_ratings(compile_plan(rubric), ratings)
    assert checked.dropped_by_reason == {"out of range": 1}
    assert checked.value.tolist() == [5.0]


def test_a_season_of_self_ratings_only_drops_them_all() -> None:
    """When every row names the company rated as its rater's own, the peer source's rows are
    all dropped as self-ratings."""
    rows = [rec("c1", "peer", "p1", "s", 5, rater_company="c1"),
            rec("c1", "peer", "p1", "t", 3, rater_company="c1")]
    checked = check_ratings(PLAN, rp.Ratings.from_records(rows))
    assert checked.dropped_by_reason == {"self-rating": 2}
    assert checked.value.size == 0


def test_a_number_above_every_options_points_is_no_options_points() -> None:
    """Under `numbers: points`, a number larger than the most an option is worth names no
    option and is dropped as such, like any other number that names none."""
    rubric = _drop("sources:\n  authority: {label: {en: A}, weight: 1}\n", """
        dimensions:
          d:
            label: {en: D}
            indicators:
              o: {label: {en: O}, kind: options, options: {none: 0, some: 3, full: 5},
                  numbers: points}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [rec("c1", "authority", "a1", "o", 7), rec("c2", "authority", "a1", "o", 4),
            rec("c3", "authority", "a1", "o", 5)]
    checked = check_ratings(compile_plan(rubric), rp.Ratings.from_records(rows))
    assert checked.dropped_by_reason == {"not an option's points": 2}
    assert checked.value.tolist() == [2.0]


def test_a_season_of_two_rows_that_repeat_is_refused() -> None:
    """Two rows of one rater on one company and indicator are a repeat, even when they are the
    whole season."""
    rows = [rec("c1", "authority", "a1", "s", 5), rec("c1", "authority", "a1", "s", 6)]
    told = "row 2, column rater: rater 'a1' rated company 'c1' on 's' twice"
    with pytest.raises(rp.RatingsError, match=told):
        check_ratings(PLAN, rp.Ratings.from_records(rows))


def test_a_repeat_after_the_first_thousand_sorted_rows_is_dropped() -> None:
    """A repeat is found wherever it is: here the last of 1002 rows, in order, repeats the row
    before it."""
    rows = [rec(f"c{k:04d}", "authority", "a1", "s", 5) for k in range(1001)]
    rows.append(rec("c1000", "authority", "a1", "s", 6))
    checked = check_ratings(PLAN_DROP, rp.Ratings.from_records(rows))
    assert checked.dropped_by_reason == {"duplicate": 1}
    assert [p.row for p in checked.dropped] == [1002]
    assert checked.value.tolist() == [5.0] * 1001


def test_the_first_of_repeated_rows_is_kept() -> None:
    """Of a rater's repeated rows on one company and indicator, the first in the input is kept
    and every later one dropped, however the rows interleave."""
    rows = []
    for k in range(20):
        if k % 2 == 0:
            rows.append(rec("c1", "authority", "a1", "t", k // 2 % 6))
        else:
            rows.append(rec("c1", "authority", "a1", "s", 10 - k // 2))
    checked = check_ratings(PLAN_DROP, rp.Ratings.from_records(rows))
    assert checked.dropped_by_reason == {"duplicate": 18}
    assert [p.row for p in checked.dropped] == list(range(3, 21))
    assert checked.value.tolist() == [0.0, 10.0]


def test_an_empty_list_of_companies_still_gives_text_labels() -> None:
    """Checked against an empty list of companies, every row is an unknown company and the
    companies are an empty array of text, as for any other list."""
    rows = [rec("c1", "authority", "a1", "s", 5)]
    checked = check_ratings(PLAN_DROP, rp.Ratings.from_records(rows), companies=[])
    assert checked.dropped_by_reason == {"unknown company": 1}
    assert checked.companies.dtype.kind == "U" and checked.companies.size == 0
    assert checked.company.size == 0
