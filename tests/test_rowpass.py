"""The blocked pass that proves a season clean agrees with the rule-by-rule row checks: it
proves every clean season, never one with a bad row, and hands on the same codes."""

from __future__ import annotations

import math
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import red_property as rp
from red_property import _rowpass, checking, scoring
from red_property.checking import Checked, check_ratings
from red_property.plan import compile_plan, label_codes

from .fixtures import load
from .strategies import season_for

RUBRIC = load("""
sources:
  authority: {label: {en: A}, weight: 0.5}
  association: {label: {en: B}, weight: 0.3, covers: [s, n]}
  peer: {label: {en: P}, weight: 0.2, peer: true}
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
      n: {label: {en: N}, kind: score, points: 4}
      c: {label: {en: C}, kind: check, points: 2}
      o: {label: {en: O}, kind: options, options: {none: 0, some: 3, full: 5}}
levels:
  - {stars: 1, min_total: 1}
""")
PLAN = compile_plan(RUBRIC)

# each fault turns one row (or adds one) into a row the checks refuse or drop
FAULTS = ("none", "duplicate", "above", "below", "fraction on a check", "empty", "infinite",
          "too large", "two sources", "two rater companies", "self-rating", "not covered",
          "peer without company", "unknown option", "number for an option")


def _faulty(records: list[dict[str, Any]], fault: str, at: int) -> list[dict[str, Any]]:
    """``records`` with ``fault`` at (or copied from) row ``at``."""
    rows = [dict(r) for r in records]
    row = rows[at % len(rows)]
    values = {"above": 11, "below": -1, "empty": "", "infinite": math.inf, "too large": 1e16}
    if fault == "duplicate":
        rows.append(dict(row))
    elif fault in values:
        row["value"] = values[fault]
    elif fault == "fraction on a check":
        row.update(indicator="c", source="authority", rater="authority-0", value=0.5)
    elif fault == "two sources":
        rows.append({**row, "source": "association" if row["source"] != "association"
                     else "authority", "indicator": "s", "rater_company": ""})
    elif fault == "two rater companies":
        row.update(source="peer", rater="peer-0", rater_company="elsewhere")
    elif fault == "self-rating":
        row.update(source="peer", rater="peer-x", rater_company=row["company"])
    elif fault == "not covered":
        row.update(source="association", indicator="c", rater="association-0")
    elif fault == "peer without company":
        row.update(source="peer", rater="peer-y", rater_company="")
    elif fault in ("unknown option", "number for an option"):
        row.update(source="authority", rater="authority-0", indicator="o",
                   value="maybe" if fault == "unknown option" else 3)
    return rows


def _outcome(ratings: rp.Ratings) -> Checked | str:
    """The checks' result, or the error they raise."""
    try:
        return check_ratings(PLAN, ratings)
    except rp.RatingsError as e:
        return str(e)


def _proof(ratings: rp.Ratings) -> _rowpass.Clean | None:
    """What the blocked pass says of ``ratings`` under the test rubric."""
    s_map = label_codes(ratings.source_labels, PLAN.sources)
    i_map = label_codes(ratings.indicator_labels, PLAN.indicators)
    if (s_map < 0).any() or (i_map < 0).any():
        return None
    value, refused, unmatched = checking.option_values(PLAN, ratings, i_map[ratings.indicator])
    if refused.any() or unmatched.any():
        return None
    return _rowpass.clean_season(PLAN, ratings, s_map, i_map, value)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 5), st.sampled_from(FAULTS),
       st.integers(0, 10**6), st.sampled_from([3, 7, 40, 1 << 16]))
def test_blocked_pass_agrees_with_the_row_checks(seed: int, n: int, fault: str, at: int,
                                                 block: int) -> None:
    """A season is proved clean exactly when the rule-by-rule checks keep every row, and the
    checks then give the same codes, labels and cells, whatever the block size."""
    season = season_for(RUBRIC, seed, n, [2, 2, 3], 0.9)
    ratings = rp.Ratings.from_records(_faulty(season.records, fault, at))
    with mock.patch.object(_rowpass, "BLOCK", block):
        proof = _proof(ratings)
        fast = _outcome(ratings)
    with mock.patch.object(checking, "clean_season", return_value=None):
        slow = _outcome(ratings)
    clean = isinstance(slow, Checked) and not slow.dropped
    assert (proof is not None) == clean
    if fault == "none":
        assert proof is not None
    if not isinstance(slow, Checked) or not isinstance(fast, Checked):
        assert fast == slow
        return
    for name in ("company", "source", "indicator", "rater", "value", "companies",
                 "rater_labels"):
        assert np.array_equal(getattr(fast, name), getattr(slow, name)), name
    assert (fast.rows_read, fast.dropped, fast.dropped_by_reason) == (
        slow.rows_read, slow.dropped, slow.dropped_by_reason)
    if fast.cell is not None:
        n_s, n_i = len(PLAN.sources), len(PLAN.indicators)
        assert np.array_equal(fast.cell, (slow.company * n_s + slow.source) * n_i
                              + slow.indicator)


def _wide(company: list[int], rater: list[int]) -> rp.Ratings:
    """Rows of one authority indicator among 2**16 + 1 company and 2**16 rater labels, so that
    a row's key (company * 2**16 + rater) passes 32 bits."""
    n_c, n_r, n = 2**16 + 1, 2**16, len(company)
    return rp.Ratings(
        company=np.array(company, dtype=np.int64), source=np.zeros(n, dtype=np.int64),
        rater=np.array(rater, dtype=np.int64), indicator=np.zeros(n, dtype=np.int64),
        value=np.full(n, 5.0), rater_company=np.full(n, -1, dtype=np.int64),
        company_labels=np.array([f"c{k:06d}" for k in range(n_c)]),
        source_labels=np.array(["authority"]), rater_labels=np.array(
            [f"r{k:05d}" for k in range(n_r)]), indicator_labels=np.array(["s"]),
        row=np.arange(1, n + 1, dtype=np.int64))


def test_keys_alike_in_their_low_bits_are_compared_in_full() -> None:
    """Two rows whose keys differ by exactly 2**32 (same low bits) are distinct; the same row
    twice is a repeat the pass refuses to prove."""
    assert _proof(_wide([0, 2**16, 7], [5, 5, 5])) is not None
    assert _proof(_wide([0, 2**16, 0], [5, 5, 5])) is None


@pytest.mark.parametrize("values", [[0.25, -3.5, 10.0], [0.1, 0.2, 1e-6]])
def test_scaled_exactly_gives_the_integers(values: list[float]) -> None:
    """Decimals of up to six places come back as their integers of millionths."""
    scaled = _rowpass.scaled_exactly(np.array(values * 5), 1e6)
    assert scaled is not None
    assert scaled[0].tolist() == [round(v * 10**6) for v in values * 5]
    assert scaled[1] == max(abs(round(v * 10**6)) for v in values)


@pytest.mark.parametrize("bad", [0.1 + 0.2, 1e-7, math.nan, math.inf, -math.inf, 1e12])
@pytest.mark.parametrize("block", [2, 1 << 16])
def test_scaled_exactly_refuses_what_it_cannot_sum_exactly(bad: float, block: int) -> None:
    """A value that is no decimal of six places, not finite, or so large that the sum of the
    integers could pass 2**53, in any block, makes the answer None."""
    v = np.array([1.5, 2.0, 3.25, bad, 4.0])
    with mock.patch.object(_rowpass, "BLOCK", block):
        assert _rowpass.scaled_exactly(v, 1e6) is None


@given(st.lists(st.tuples(st.sampled_from([0.0, 0.25, 1.0]),
                          st.sampled_from([0.0, -2.5, 3.0, math.nan, math.inf, -math.inf])),
                min_size=1, max_size=12))
def test_weighted_products_read_nan_and_infinity_as_nan_to_num_does(
        pairs: list[tuple[float, float]]) -> None:
    """Weighted points are ``weight * nan_to_num(x)`` where the weight is positive and 0
    elsewhere, including where ``x`` is NaN or infinite."""
    weight = np.array([w for w, _ in pairs])
    x = np.array([v for _, v in pairs])
    expected = np.where(weight > 0, weight * np.nan_to_num(x), 0.0)
    got = scoring._weighted(weight, weight > 0, x)
    assert got.tobytes() == expected.tobytes()


def _clean_ratings(seed: int) -> rp.Ratings:
    """A clean season of the test rubric (every row kept)."""
    return rp.Ratings.from_records(season_for(RUBRIC, seed, 5, [2, 2, 3], 0.9).records)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rows_taken_from_a_clean_season_score_as_from_the_checks(seed: int) -> None:
    """Rows drawn with repeats from a proved season carry their own cells and codes: they
    score exactly as the same rows from the rule-by-rule checks."""
    ratings = _clean_ratings(seed)
    fast = check_ratings(PLAN, ratings)
    with mock.patch.object(checking, "clean_season", return_value=None):
        slow = check_ratings(PLAN, ratings)
    assert fast.cell is not None and slow.cell is None
    rows = np.random.default_rng(seed).integers(0, len(ratings), len(ratings))
    a, b = fast.take(rows, fast.value[rows]), slow.take(rows, slow.value[rows])
    assert np.array_equal(a.source, b.source) and np.array_equal(a.indicator, b.indicator)
    n_c = len(fast.companies)
    assert scoring.score(PLAN, a, n_c) == scoring.score(PLAN, b, n_c)


def test_bootstrap_of_a_clean_season_is_the_same_either_way() -> None:
    """The bootstrap over raters draws the same result from a proved season as from the
    rule-by-rule checks."""
    from red_property.analysis import bootstrap

    report = rp.evaluate(RUBRIC, _clean_ratings(4))
    fast = bootstrap(report, replicates=30, seed=5)
    with mock.patch.object(checking, "clean_season", return_value=None):
        slow = bootstrap(report, replicates=30, seed=5)
    assert np.array_equal(fast.p_stars, slow.p_stars)
    assert np.array_equal(fast.low, slow.low) and np.array_equal(fast.high, slow.high)


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(-999, 999)), max_size=40),
       st.integers(0, 3))
def test_counted_sums_are_two_bincounts_in_one(rows: list[tuple[int, int]], spare: int) -> None:
    """Sums of integers and rows per cell read from one bincount equal the two bincounts,
    bit for bit, whenever no cell holds more rows than the bound."""
    cell = np.array([c for c, _ in rows], dtype=np.int64)
    q = np.array([float(v) for _, v in rows])
    before = q.copy()
    most_rows = max(np.bincount(cell, minlength=1).max(initial=0), 1) + spare
    got = _rowpass.counted_sums(cell, q, float(np.abs(q).max(initial=0)), int(most_rows), 6)
    assert got is not None
    assert got[0].tobytes() == np.bincount(cell, weights=before, minlength=6).tobytes()
    assert got[1].tolist() == np.bincount(cell, minlength=6).tolist()


def test_counted_sums_refuse_what_they_cannot_tell_apart() -> None:
    """Integers too wide to pack beside the counts, or a cell holding more rows than the bound
    it was given, make the answer None, with the integers as they were."""
    q = np.array([1.0, 1.0, 1.0])
    cell = np.zeros(3, dtype=np.int64)
    assert _rowpass.counted_sums(cell, q, 1.0, 1, 1) is None  # three rows where one may be
    assert _rowpass.counted_sums(cell, q, 2.0**40, 10**4, 1) is None  # too wide
    assert q.tolist() == [1.0, 1.0, 1.0]


def test_one_bincount_or_two_give_the_same_report() -> None:
    """A season scored with sums and counts from one bincount and from two gives the same
    report, byte for byte; rows taken with repeats are counted the plain way."""
    ratings = _clean_ratings(6)
    results: list[object] = []

    def spy(*args: Any) -> object:
        results.append(_rowpass.counted_sums(*args))
        return results[-1]

    with mock.patch.object(scoring, "counted_sums", spy):
        packed = rp.evaluate(RUBRIC, ratings).to_json()
    assert results and results[0] is not None  # the one-bincount path was taken
    with mock.patch.object(scoring, "counted_sums", return_value=None):
        plain = rp.evaluate(RUBRIC, ratings).to_json()
    assert packed == plain
    checked = check_ratings(PLAN, ratings)
    assert checked.one_row_each
    assert not checked.take(np.arange(len(ratings)), checked.value).one_row_each


@pytest.mark.parametrize("block", [4, 2])
def test_a_rater_changing_source_between_blocks_is_not_proved(block: int) -> None:
    """A rater in one source in the first block and another in the next is caught, whether
    the slots are compared whole (few raters, blocks of 4) or row by row (blocks of 2)."""
    records = [{"company": f"c{k}", "source": "authority" if k < 4 else "association",
                "rater": "a1", "indicator": "s", "value": 5} for k in range(5)]
    ratings = rp.Ratings.from_records(records)
    with mock.patch.object(_rowpass, "BLOCK", block):
        assert _proof(ratings) is None
        assert _proof(ratings.take(np.arange(4))) is not None


def test_the_bundled_season_with_options_is_proved_and_reports_the_same() -> None:
    """The bundled rubric (options among its indicators) on the example season without its
    self-ratings is proved clean, and the report is the same, byte for byte, as from the
    rule-by-rule checks."""
    from .conftest import EXAMPLE, SHANYANG

    ratings = rp.Ratings.from_csv(EXAMPLE / "ratings.csv")
    ratings = ratings.take(np.flatnonzero(ratings.rater_company != ratings.company))
    proofs: list[bool] = []

    def spy(*args: Any) -> _rowpass.Clean | None:
        proof = _rowpass.clean_season(*args)
        proofs.append(proof is not None)
        return proof

    with mock.patch.object(checking, "clean_season", spy):
        fast = rp.evaluate(SHANYANG, ratings, claims=EXAMPLE / "claims.csv").to_json()
    with mock.patch.object(checking, "clean_season", return_value=None):
        slow = rp.evaluate(SHANYANG, ratings, claims=EXAMPLE / "claims.csv").to_json()
    assert proofs == [True]
    assert fast == slow
