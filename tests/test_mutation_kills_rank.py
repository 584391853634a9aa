"""Competition ranks from totals and from integer codes of totals (the weight-sensitivity draws
rank codes), along either axis, and the integer types of the awards: behaviour that mutation
testing found guarded only by the analysis layer's tests."""

from __future__ import annotations

import numpy as np
import pytest

import red_property as rp
from red_property.awarding import rank

from .fixtures import ONE_SOURCE, load, rec
from .test_awarding import VETO_DIMENSIONS


def _competition(total: np.ndarray, rated: np.ndarray) -> np.ndarray:
    """Competition ranks ("1224") by brute force: 1 + the rated companies above, 0 unrated."""
    return np.array([1 + int(np.sum(rated & (total > t))) if ok else 0
                     for t, ok in zip(total.tolist(), rated.tolist(), strict=True)])


@pytest.mark.parametrize("dtype", ["int64", "int8", "uint8", "uint64", "float64"])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_rank_along_either_axis_from_any_number_type(dtype: str, axis: int) -> None:
    """Each draw's companies are ranked by competition ranks among the rated ones, along the
    axis named, from floats or integer codes of any width and sign (negative codes too)."""
    rng = np.random.default_rng(7)
    low = 0 if dtype.startswith("u") else -4
    codes = rng.integers(low, low + 6, size=(9, 4))  # ties in every draw
    rated = rng.random((9, 4)) < 0.7
    total = codes.astype(dtype)
    if axis != 0:
        total, rated_in = total.T.copy(), rated.T.copy()
    else:
        rated_in = rated
    got = rank(total, rated_in, axis=axis)
    if axis != 0:
        got = got.T
    for j in range(4):
        np.testing.assert_array_equal(got[:, j], _competition(codes[:, j], rated[:, j]))
    if dtype == "float64":
        assert got.dtype == np.int64
    else:
        assert got.dtype.kind == "u"  # the smallest unsigned type that holds the ranks


def test_rank_of_one_draw_is_the_reports_rank() -> None:
    """A one-dimensional total ranks as a single draw: 1, 2, 2, 4, and 0 for the unrated."""
    got = rank(np.array([9.5, 7.0, 7.0, 3.0, 10.0]), np.array([True, True, True, True, False]))
    assert got.tolist() == [1, 2, 2, 4, 0]
    assert got.dtype == np.int64


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0, 0)])
@pytest.mark.parametrize("dtype", ["float64", "uint16"])
def test_rank_of_no_companies_or_no_draws(shape: tuple[int, int], dtype: str) -> None:
    """No companies, or no draws, rank to an empty int64 array of the same shape."""
    got = rank(np.zeros(shape, dtype=dtype), np.ones(shape, dtype=bool), axis=0)
    assert got.shape == shape
    assert got.dtype == np.int64


def test_awards_are_integer_arrays() -> None:
    """The awards' stars, earned stars, stars after vetoes, verdicts, levels and ranks are int64
    arrays (the report's JSON writes them as integers)."""
    rubric = load(ONE_SOURCE, VETO_DIMENSIONS, """
        vetoes:
          - {id: safety, label: {en: Safety}, when: accident, effect: cap, cap: 1}
        """)
    rows = [rec("a", "authority", "r", "s", 75), rec("a", "authority", "r", "accident", 1),
            rec("b", "authority", "r", "s", 80), rec("b", "authority", "r", "accident", 0)]
    report = rp.evaluate(rubric, rp.Ratings.from_records(rows), claims={"a": 2})
    awards = report.awards
    for name in ("stars", "earned", "after_veto", "verdict", "level", "rank"):
        assert getattr(awards, name).dtype == np.int64, name
    assert awards.after_veto.tolist() == [1, 2]
    assert '"stars": 1,' in report.to_json()


def test_rank_codes_are_the_smallest_unsigned_type_that_holds_them() -> None:
    """Ranks of integer codes are uint16 up to 65,535 companies (every rank fits), uint32
    beyond; every company rated still ranks (no empty last bin)."""
    for n_c, dtype in ((65_535, np.uint16), (65_536, np.uint32)):
        codes = np.arange(n_c, dtype=np.int64)[:, None]  # all distinct, all rated
        got = rank(codes, np.ones((n_c, 1), dtype=bool), axis=0)
        assert got.dtype == dtype
        assert int(got[0, 0]) == n_c and int(got[-1, 0]) == 1


def test_a_named_zero_star_level_is_awarded_only_when_held() -> None:
    """A named level of 0 stars (Basic) is awarded to a rated company that reaches it, was not
    vetoed and whose claim was not refused; below it, vetoed, refused or not rated: no level."""
    rubric = rp.load_rubric(
        'language_version: 2\nid: t\nversion: "1"\ntitle: {en: T}\n'
        "sources:\n  a: {label: {en: A}, weight: 1, quorum: 2, when_short: not_rated}\n"
        "dimensions:\n  d:\n    label: {en: D}\n    indicators:\n"
        "      s: {label: {en: S}, kind: score, points: 100}\n"
        "      accident: {label: {en: Accident}, kind: check}\n"
        "levels:\n  - {stars: 0, name: {en: Basic}, min_total: 20}\n"
        "  - {stars: 1, name: {en: Gold}, min_total: 60}\n"
        "vetoes:\n  - {id: v, label: {en: V}, when: accident, effect: remove}\n"
        "claims: {below_claim: award_none}\n")
    rows = []
    for company, total, accident in (("basic", 30, 0), ("low", 10, 0), ("gold", 70, 0),
                                     ("vetoed", 30, 1), ("refused", 30, 0)):
        rows += [rec(company, "a", r, "s", total) for r in ("r1", "r2")]
        rows += [rec(company, "a", r, "accident", accident) for r in ("r1", "r2")]
    rows += [rec("short", "a", "r1", "s", 30), rec("short", "a", "r1", "accident", 0)]
    report = rp.evaluate(rubric, rp.Ratings.from_records(rows), claims={"refused": 1})
    levels = {r["company"]: r["level"] for r in report.to_records()}
    assert levels == {"basic": "Basic", "gold": "Gold", "low": None, "refused": None,
                      "short": None, "vetoed": None}
    assert report.awards.level.tolist() == [0, 1, -1, -1, -1, -1]


def test_a_rated_company_below_every_level_holds_no_level() -> None:
    """Without a 0-star level, a rated company below the first level holds level -1 (none)."""
    rubric = load(ONE_SOURCE, VETO_DIMENSIONS)
    report = rp.evaluate(rubric, rp.Ratings.from_records([rec("a", "authority", "r", "s", 10),
                                                          rec("a", "authority", "r", "accident",
                                                              0)]))
    assert report["a"].rated and report["a"].stars == 0
    assert report.awards.level.tolist() == [-1]
