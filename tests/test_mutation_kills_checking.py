"""The row checks' result: rows taken for a resample carry every field along, and the rules
that only the row-by-row checks apply (two sources, two rater companies, repeats, peer rules)
are told with their rows; behaviour that mutation testing found unguarded."""

from __future__ import annotations

import numpy as np
import pytest

import red_property as rp
from red_property.checking import check_ratings
from red_property.plan import compile_plan

from .fixtures import load, rec

RUBRIC = load("""
sources:
  authority: {label: {en: A}, weight: 0.6}
  peer: {label: {en: P}, weight: 0.4, peer: true}
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
      t: {label: {en: T}, kind: score, points: 5}
levels:
  - {stars: 1, min_total: 1}
""")
PLAN = compile_plan(RUBRIC)


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
