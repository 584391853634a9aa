"""The row checks' result: rows taken for a resample carry every field along, and the rules
that only the row-by-row checks apply (two sources, two rater companies, repeats, peer rules)
are told with their rows; behaviour that mutation testing found unguarded."""

from __future__ import annotations

import numpy as np

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
