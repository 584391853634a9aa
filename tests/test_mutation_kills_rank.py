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
