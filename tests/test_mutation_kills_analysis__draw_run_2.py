"""Pinned behaviours of the runner of weight sensitivity's draws (``analysis._draw_run``),
continued: rounding half to even on a tie, rubrics whose dimensions hold at most one point or
none, seasons too long for one summary block, the kept draws, threads and row-blocked
products.
"""

from __future__ import annotations

import threading
import warnings
from typing import Any

import numpy as np
import pytest

import red_property as rp
from red_property.analysis import _draw_run, weight_sensitivity

from .test_mutation_kills_analysis__draw_run import TWO, matches_evaluate, ratings, rubric

# ------------------------------------------------------------------ rounding and dimension maxima

TIE = """
sources:
  a: {label: {en: A}, weight: 1}
dimensions:
  d: {label: {en: D}, indicators: {x: {label: {en: X}, kind: score, points: 5}}}
levels:
  - {stars: 1, min_total: 3}
"""


def test_half_even_rounds_a_tie_down_to_even_in_every_draw() -> None:
    """Under `half_even` a total of 2.5 rounds to 2 in every draw, as in scoring (half up would
    give 3 and a star)."""
    rub = rubric(TIE, rounding="{digits: 0, mode: half_even}")
    rat = rp.Ratings.from_records([{"company": "t0", "source": "a", "rater": "a1",
                                    "indicator": "x", "value": 2.5}])
    report = rp.evaluate(rub, rat)
    ws = weight_sensitivity(report, draws=3, spread=0.3, keep=3)
    assert ws.kept_total.tolist() == [[2.0]] * 3 and ws.kept_stars.tolist() == [[0]] * 3
    assert ws.total_median.tolist() == [2.0] and ws.p_stars.tolist() == [[1.0, 0.0]]
    matches_evaluate(ws, rub, rat, [0])


SMALL = TWO + """
dimensions:
  d1: {label: {en: D1}, indicators: {x: {label: {en: X}, kind: score, points: 0.6}}}
  d2: {label: {en: D2}, indicators: {y: {label: {en: Y}, kind: score, points: 0.4}}}
levels:
  - {stars: 1, min_total: 0.6}
"""


def test_dimension_factors_move_totals_of_at_most_one_point() -> None:
    """Dimension factors are renormalised and applied when the dimensions' maxima add up to one
    point or less, as `evaluate` does on the reweighted rubric."""
    rub = rubric(SMALL, rounding="{digits: 3, mode: half_up}")
    rat = ratings({"m0": {"x": (0.6, 0.6), "y": (0.0, 0.0)}})
    report = rp.evaluate(rub, rat)
    ws = weight_sensitivity(report, draws=10, source_spread=0.0, dimension_spread=0.5, keep=10,
                            seed=6)
    assert 0 < ws.p_stars[0, 1] < 1 and ws.total_low[0] < 0.6 < ws.total_high[0]
    matches_evaluate(ws, rub, rat, range(4))


NO_POINTS = TWO + """
dimensions:
  d:
    label: {en: D}
    indicators:
      ok: {label: {en: OK}, kind: check}
      prize: {label: {en: Prize}, kind: bonus, per: 1, cap: 5}
levels:
  - {stars: 1, min_total: 2}
"""


def test_dimensions_without_points_draw_without_warnings() -> None:
    """When no dimension holds points (the total is the bonus alone) dimension factors change
    nothing and raise no floating-point warning; the totals follow the source weights."""
    report = rp.evaluate(rubric(NO_POINTS), ratings({"n0": {"ok": (1, 1), "prize": (3, 1)}}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ws = weight_sensitivity(report, draws=8, spread=0.4, keep=8, seed=7)
    wa = ws.source_factors[:, 0] / ws.source_factors.sum(axis=1)
    np.testing.assert_allclose(ws.kept_raw_total[:, 0], 3 * wa + (1 - wa), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(ws.kept_stars[:, 0], ws.kept_total[:, 0] >= 2)


# ------------------------------------------------------------------ summaries and kept draws

LINE = """
sources:
  a: {label: {en: A}, weight: 1}
dimensions:
  d: {label: {en: D}, indicators: {x: {label: {en: X}, kind: score, points: 10}}}
levels:
  - {stars: 1, min_total: 5}
"""


def line_season(points: dict[str, float]) -> rp.Report:
    """One source, one indicator, totals rounded to whole points."""
    rows = [{"company": c, "source": "a", "rater": "a1", "indicator": "x", "value": v}
            for c, v in points.items()]
    return rp.evaluate(rubric(LINE, rounding="{digits: 0, mode: half_up}"),
                       rp.Ratings.from_records(rows))


def test_summaries_of_more_draws_than_one_block_holds() -> None:
    """Past 2**22 company-draws the summaries are made in blocks of companies; every company's
    quantiles and shares are still its own (here every draw is the stated one)."""
    report = line_season({"c0": 9, "c1": 8})
    ws = weight_sensitivity(report, draws=(1 << 21) + 1, spread=0.0, chunk=1 << 14, workers=1)
    for q in (ws.total_median, ws.total_low, ws.total_high):
        assert q.tolist() == [9.0, 8.0]
    for q in (ws.rank_median, ws.rank_low, ws.rank_high):
        assert q.tolist() == [1.0, 2.0]
    assert ws.p_stars.tolist() == [[0.0, 1.0], [0.0, 1.0]]


def test_kept_draws_are_the_first_keep_with_their_types() -> None:
    """`keep` stores exactly the first `keep` draws, also inside a longer chunk, with integer
    stars and ranks and boolean ratings; with `keep=0` the arrays are empty but typed alike;
    one draw gives each company's stated rank as its rank quantiles."""
    report = line_season({"c0": 9, "c1": 4})
    types = {"kept_raw_total": np.float64, "kept_total": np.float64, "kept_stars": np.int64,
             "kept_rated": np.bool_, "kept_rank": np.int64}
    for keep in (0, 3):
        ws = weight_sensitivity(report, draws=10, spread=0.2, keep=keep, chunk=10)
        for name, dtype in types.items():
            got = getattr(ws, name)
            assert got.shape == (keep, 2) and got.dtype == dtype, name
    ws = weight_sensitivity(report, draws=10, spread=0.2, keep=3, chunk=10)
    assert ws.kept_rank.tolist() == [[1, 2]] * 3 and ws.kept_stars.tolist() == [[1, 0]] * 3
    one = weight_sensitivity(report, draws=1, spread=0.2)
    assert one.rank_median.tolist() == [1.0, 2.0] == one.rank_low.tolist()


# ------------------------------------------------------------------ threads

def chunk_threads(monkeypatch: pytest.MonkeyPatch, together: int) -> list[int]:
    """Record the thread that evaluates each chunk; chunks wait for each other in groups of
    ``together`` (so they must run at the same time, on as many threads; 5 s at most)."""
    seen: list[int] = []
    real = _draw_run.run_chunk
    meet = threading.Barrier(together)

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(threading.get_ident())
        if together > 1:
            meet.wait(timeout=5)
        return real(*args, **kwargs)

    monkeypatch.setattr(_draw_run, "run_chunk", spy)
    return seen


@pytest.mark.parametrize(("workers", "chunks", "threads"),
                         [(1, 4, 0), (4, 1, 0), (2, 2, 2), (2, 6, 2), (3, 2, 2)])
def test_chunks_run_on_at_most_workers_threads(monkeypatch: pytest.MonkeyPatch, workers: int,
                                               chunks: int, threads: int) -> None:
    """One worker, or one chunk, runs the draws on the calling thread (0: no other thread);
    otherwise the chunks run at the same time on as many threads as there are workers, or
    chunks if fewer, and no more."""
    seen = chunk_threads(monkeypatch, max(1, threads))
    report = line_season({"c0": 9, "c1": 4})
    ws = weight_sensitivity(report, draws=2 * chunks, spread=0.3, chunk=2, workers=workers)
    assert len(seen) == chunks
    if threads == 0:
        assert set(seen) == {threading.get_ident()}
    else:
        assert len(set(seen)) == threads and threading.get_ident() not in seen
    assert ws.rank_median.tolist() == [1.0, 2.0]


def test_row_blocked_products_are_the_products() -> None:
    """The runner's products, done in row blocks small enough for one BLAS thread (here 10
    rows of 3 x 4,096), equal the whole product in every row (a helper no season can show
    row by row: an unwritten row holds whatever memory held)."""
    rng = np.random.default_rng(8)
    a, b = rng.random((25, 3)), rng.random((3, 4096))
    expected = a @ b
    np.testing.assert_allclose(_draw_run._matmul(a, b), expected, rtol=1e-12, atol=0)
