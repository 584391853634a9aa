"""Pinned behaviours of the runner of weight sensitivity's draws (``analysis._draw_run``).

The oracle is :func:`red_property.evaluate` on the rubric a draw stands for
(``test_sensitivity.reweighted``), and, with every draw kept, the per-company summaries
recounted from the kept draws. Each season is built to reach one branch of the runner: a gate
on a check the sources disagree about, minimum dimension shares, a bonus that the sources
disagree about (capped, or read by a level), draws exactly on a threshold. The rest is in
``test_mutation_kills_analysis__draw_run_2``.
"""

from __future__ import annotations

import dataclasses
import math
import textwrap
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

import red_property as rp
from red_property.analysis import WeightSensitivity, _draw_run, weight_sensitivity
from red_property.analysis._draws import Engine

from .fixtures import recording_client
from .test_sensitivity import assert_draw_matches, reweighted

FloatArray = npt.NDArray[np.float64]

HEAD = 'id: t\nversion: "1"\ntitle: {en: T}\nweighting: points\n'
TWO = """
sources:
  a: {label: {en: A}, weight: 0.5}
  b: {label: {en: B}, weight: 0.5}
"""


def rubric(*parts: str, rounding: str = "{digits: 1, mode: half_up}") -> rp.Rubric:
    """A rubric from YAML fragments (each dedented) after a fixed head and rounding."""
    text = HEAD + f"rounding: {rounding}\n" + "".join(textwrap.dedent(p) for p in parts)
    return rp.load_rubric(text, name="<draw-run>")


def ratings(values: Mapping[str, Mapping[str, tuple[float, float]]]) -> rp.Ratings:
    """``{company: {indicator: (a's value, b's value)}}``, one rater per source."""
    return rp.Ratings.from_records(
        [{"company": c, "source": s, "rater": f"{s}1", "indicator": i, "value": v[k]}
         for c, row in values.items() for i, v in row.items() for k, s in enumerate("ab")])


def matches_evaluate(ws: WeightSensitivity, rub: rp.Rubric, rat: rp.Ratings,
                     draws: Iterable[int]) -> None:
    """The kept ``draws`` equal `evaluate` on the rubric each stands for."""
    for j in draws:
        draw = reweighted(rub, ws.source_factors[j], ws.dimension_factors[j])
        assert_draw_matches(ws, j, rp.evaluate(draw, rat))


def quantile(values: FloatArray, q: float) -> float:
    """The ``ceil(q * m)``-th smallest of ``m`` values (NaN for none)."""
    v = np.sort(values)
    return math.nan if v.size == 0 else float(v[max(0, math.ceil(q * v.size - 1e-9) - 1)])


def summaries_match_kept(ws: WeightSensitivity) -> None:
    """With every draw kept, each company's shares and quantiles are those of its kept draws."""
    assert ws.kept_stars.shape == (ws.draws, len(ws))
    rated = ws.kept_rated
    for s in range(ws.top + 1):
        np.testing.assert_array_equal(ws.p_stars[:, s], (rated & (ws.kept_stars == s)).mean(0))
    np.testing.assert_array_equal(ws.p_not_rated, (~rated).mean(axis=0))
    stated = np.where(ws.rated, ws.awarded, -1)
    np.testing.assert_array_equal(ws.p_differs,
                                  (np.where(rated, ws.kept_stars, -1) != stated).mean(axis=0))
    for c in range(len(ws)):
        ranks = ws.kept_rank[rated[:, c], c].astype(np.float64)
        totals = ws.kept_total[:, c]
        for q, rank_q, total_q in ((0.5, ws.rank_median, ws.total_median),
                                   (0.05, ws.rank_low, ws.total_low),
                                   (0.95, ws.rank_high, ws.total_high)):
            np.testing.assert_array_equal(rank_q[c], quantile(ranks, q), err_msg=f"{c} {q}")
            assert total_q[c] == quantile(totals, q)


def same_but_raw(ws: WeightSensitivity, other: WeightSensitivity) -> None:
    """Equal results, save the last bits of unrounded totals (left free between chunk sizes)."""
    np.testing.assert_allclose(ws.kept_raw_total, other.kept_raw_total, rtol=0, atol=1e-12)
    assert dataclasses.replace(ws, kept_raw_total=other.kept_raw_total) == other


# ------------------------------------------------------------------ a gate the weights decide

GATE = """
sources:
  a: {label: {en: A}, weight: 0.4}
  b: {label: {en: B}, weight: 0.6}
dimensions:
  d:
    label: {en: D}
    indicators:
      x: {label: {en: X}, kind: score, points: 10}
      open: {label: {en: Open}, kind: check}
gates:
  - {id: op, label: {en: Open}, all_of: [open]}
levels:
  - {stars: 1, min_total: 5}
"""
# g0 is not rated at the stated weights (40 % say open) but rated, and first, when a's weight
# grows past b's; the others are always rated (g3 with no star)
GATE_VALUES = {"g0": {"x": (10, 10), "open": (1, 0)}, "g1": {"x": (8, 8), "open": (1, 1)},
               "g2": {"x": (6, 6), "open": (1, 1)}, "g3": {"x": (3, 3), "open": (1, 1)}}


def gate_season() -> tuple[rp.Rubric, rp.Ratings, rp.Report]:
    """The gate season and its report."""
    rub, rat = rubric(GATE), ratings(GATE_VALUES)
    return rub, rat, rp.evaluate(rub, rat)


def test_a_company_rated_only_in_some_draws_is_ranked_in_them() -> None:
    """A company that a disputed gate leaves not rated at the stated weights is rated, and
    ranked, in the draws whose weights pass the gate, whatever the chunk size (a chunk of one
    draw in which every such company is rated included)."""
    rub, rat, report = gate_season()
    assert report.awards.rated.tolist() == [False, True, True, True]
    ws = weight_sensitivity(report, draws=30, spread=0.6, keep=30, seed=1, chunk=1, workers=1)
    in_draws = ws.kept_rated[:, 0]
    assert 0 < in_draws.sum() < 30
    assert np.all(ws.kept_rank[in_draws, 0] == 1) and np.all(ws.kept_rank[~in_draws, 0] == 0)
    matches_evaluate(ws, rub, rat, range(ws.draws))
    summaries_match_kept(ws)
    whole = weight_sensitivity(report, draws=30, spread=0.6, keep=30, seed=1, workers=1)
    same_but_raw(ws, whole)


def test_rank_quantiles_count_only_the_draws_that_rate_the_company() -> None:
    """Rank quantiles are over the draws in which the company is rated, here always first, even
    for a company not rated at the stated weights; its P(stars) follow the gate draw by draw."""
    rub, rat, report = gate_season()
    ws = weight_sensitivity(report, draws=40, spread=0.6, keep=40, seed=2)
    assert 0.05 < ws.p_not_rated[0] < 0.95
    assert (ws.rank_low[0], ws.rank_median[0], ws.rank_high[0]) == (1.0, 1.0, 1.0)
    summaries_match_kept(ws)
    matches_evaluate(ws, rub, rat, range(ws.draws))


def test_a_client_runs_chunks_with_companies_decided_draw_by_draw() -> None:
    """On a client, chunks holding companies decided draw by draw (a disputed gate) give the
    local result."""
    pytest.importorskip("distributed")
    _, _, report = gate_season()
    calls: list[tuple[Any, ...]] = []
    there = weight_sensitivity(report, draws=20, spread=0.6, seed=3, chunk=6, keep=8,
                               client=recording_client(calls))
    assert [c[0] for c in calls] == ["scatter", *["submit"] * 4, "gather"]
    assert there == weight_sensitivity(report, draws=20, spread=0.6, seed=3, chunk=6, keep=8)


# ------------------------------------------------------------------ minimum dimension shares

SHARES = TWO + """
dimensions:
  d1: {label: {en: D1}, indicators: {x: {label: {en: X}, kind: score, points: 10}}}
  d2: {label: {en: D2}, indicators: {y: {label: {en: Y}, kind: score, points: 10}}}
levels:
  - {stars: 1, min_total: 8}
  - {stars: 2, min_total: 12, min_dimension_share: SHARE}
"""
# s0 (d1) and s1 (d2) sit on the 2★ share with their sources disagreeing; s2 is far from it
SHARE_VALUES = {"s0": {"x": (10, 4), "y": (10, 10)}, "s1": {"x": (10, 10), "y": (2, 10)},
                "s2": {"x": (9, 9), "y": (9, 9)}}


@pytest.mark.parametrize("share", ["0.7", "{d1: 0.7, d2: 0.6}"], ids=["uniform", "per-dimension"])
def test_minimum_shares_decide_draw_by_draw(share: str) -> None:
    """Companies on a minimum dimension share keep or lose the level as `evaluate` decides it
    in each draw (the first company with an open share too), and their P(stars) count those
    draws."""
    rub, rat = rubric(SHARES.replace("SHARE", share)), ratings(SHARE_VALUES)
    report = rp.evaluate(rub, rat)
    ws = weight_sensitivity(report, draws=40, spread=0.5, keep=40, seed=4)
    assert 0 < ws.p_stars[0, 2] < 1 and 0 < ws.p_stars[1, 2] < 1 and ws.p_stars[2, 2] == 1
    summaries_match_kept(ws)
    matches_evaluate(ws, rub, rat, range(ws.draws))


# ------------------------------------------------------------------ a bonus the weights move

BONUS = TWO + """
bonus_cap: 3
dimensions:
  d1:
    label: {en: D1}
    indicators:
      x: {label: {en: X}, kind: score, points: 10}
      prize: {label: {en: Prize}, kind: bonus, per: 1, cap: 5}
  d2: {label: {en: D2}, indicators: {y: {label: {en: Y}, kind: score, points: 10}}}
levels:
  - LEVEL1
  - LEVEL2
"""
BONUS_SEASONS = {
    # the sources agree on every bonus: the minimum bonus is decided once
    "agreed": ("{stars: 1, min_total: 8}", "{stars: 2, min_total: 12, min_bonus: 2}",
               {"b0": {"x": (9, 9), "y": (9, 9), "prize": (2, 2)},
                "b1": {"x": (8, 8), "y": (8, 8), "prize": (1, 1)}}),
    # b0's bonus crosses the cap, b1's the 2★ minimum
    "capped": ("{stars: 1, min_total: 8}", "{stars: 2, min_total: 12, min_bonus: 2}",
               {"b0": {"x": (9, 9), "y": (9, 9), "prize": (5, 1)},
                "b1": {"x": (8, 8), "y": (8, 8), "prize": (3, 1)},
                "b2": {"x": (7, 7), "y": (7, 7), "prize": (0, 0)}}),
    # one level: q0's d1 share needs a's weight up, its bonus needs it down; q1's bonus holds
    "share-and-bonus": ("{stars: 1, min_total: 8}",
                        "{stars: 2, min_total: 12, min_bonus: 2, min_dimension_share: {d1: 0.7}}",
                        {"q0": {"x": (10, 4), "y": (10, 10), "prize": (1, 3)},
                         "q1": {"x": (10, 4), "y": (10, 10), "prize": (2, 2)}}),
    # two companies on shares, a third on the bonus only
    "shares-then-bonus": ("{stars: 1, min_total: 8, min_dimension_share: 0.5}",
                          "{stars: 2, min_total: 12, min_dimension_share: 0.7, min_bonus: 2}",
                          {"p0": {"x": (10, 4), "y": (10, 10), "prize": (2, 2)},
                           "p1": {"x": (10, 10), "y": (10, 4), "prize": (2, 2)},
                           "p2": {"x": (9, 9), "y": (9, 9), "prize": (3, 1)}}),
}


@pytest.mark.parametrize("season", list(BONUS_SEASONS))
def test_bonus_cap_and_minimum_bonus_decide_draw_by_draw(season: str) -> None:
    """Bonuses the sources disagree about are capped and held against a level's minimum bonus
    (alone, or with its minimum shares) draw by draw as `evaluate` does; bonuses they agree
    about decide nothing new."""
    level1, level2, values = BONUS_SEASONS[season]
    rub = rubric(BONUS.replace("LEVEL1", level1).replace("LEVEL2", level2))
    rat = ratings(values)
    report = rp.evaluate(rub, rat)
    ws = weight_sensitivity(report, draws=40, spread=0.5, keep=40, seed=5)
    summaries_match_kept(ws)
    matches_evaluate(ws, rub, rat, range(ws.draws))
    moved = {"agreed": 0, "capped": 1, "share-and-bonus": 2, "shares-then-bonus": 3}[season]
    assert int((ws.p_differs > 0).sum()) == moved


# ------------------------------------------------------------------ exactly on a threshold

EDGE_SHARES = TWO + """
dimensions:
  d1: {label: {en: D1}, indicators: {x: {label: {en: X}, kind: score, points: 10}}}
  d2: {label: {en: D2}, indicators: {y: {label: {en: Y}, kind: score, points: 10}}}
levels:
  - {stars: 1, min_total: 5}
  - {stars: 2, min_total: 10, min_dimension_share: SHARE}
"""
EDGE_CHECK = TWO + """
dimensions:
  d:
    label: {en: D}
    indicators:
      x: {label: {en: X}, kind: score, points: 10}
      ok: {label: {en: OK}, kind: check}
levels:
  - {stars: 1, min_total: 5, requires: [ok]}
"""


def on_threshold(engine: Engine, value: Callable[[FloatArray], float], target: float
                 ) -> tuple[FloatArray, FloatArray]:
    """Source factors of one draw whose ``value`` (of the draw's renormalised weights) is
    exactly ``target``, and of one whose value is just below it: a's factor is searched with
    b's at 1."""
    def at(fa: float) -> float:
        return value(_draw_run.omega(engine, np.array([[fa, 1.0]])))

    lo, hi = 0.5, 1.5
    while np.nextafter(lo, hi) < hi:
        mid = np.nextafter(lo, hi) if (hi - lo) < 1e-15 else (lo + hi) / 2
        lo, hi = (mid, hi) if at(mid) < target else (lo, mid)
    for k in range(400):  # values round: walk on from the crossing to an exact hit
        fa = float(hi + k * np.spacing(hi))
        if at(fa) == target:
            below = float(np.nextafter(fa, 0.0))
            while at(below) >= target:
                below = float(np.nextafter(below, 0.0))
            return np.array([[fa, 1.0]]), np.array([[below, 1.0]])
    raise AssertionError("no draw hits the threshold exactly")


def one_draw(engine: Engine, sf: FloatArray) -> dict[str, Any]:
    """The runner's results for one draw with these source factors (dimension factors 1)."""
    return _draw_run.run(engine, sf, np.ones((1, engine.n_d)), chunk=1, keep=1, workers=1)


@pytest.mark.parametrize("share", ["0.7", "{d1: 0.7, d2: 0.6}"], ids=["uniform", "per-dimension"])
def test_a_share_exactly_on_its_threshold_reaches_the_level(share: str) -> None:
    """A draw whose dimension share is exactly the level's threshold (the minimum less the
    tolerance) reaches the level, one just below does not. Such a draw is built from the
    engine's own weights, so the runner is called directly."""
    report = rp.evaluate(rubric(EDGE_SHARES.replace("SHARE", share)),
                         ratings({"e0": {"x": (10, 4), "y": (10, 10)}}))
    engine = Engine(report, np.array([0.5, 0.5]), np.zeros(2))
    assert engine.uniform is (share == "0.7") and engine.n_pairs == 1
    threshold = (engine.uniform_thr[1] if engine.uniform else float(engine.pair_thr[1, 0]))
    exact, below = on_threshold(
        engine, lambda om: float(_draw_run._matmul(engine.pairs_a, om)[0, 0]), threshold)
    for sf, stars in ((exact, 2), (below, 1)):
        got = one_draw(engine, sf)
        assert got["kept_stars"].tolist() == [[stars]]
        assert got["p_stars"][0].tolist() == [float(s == stars) for s in range(3)]


def test_a_disputed_check_exactly_on_its_pass_mark_is_met() -> None:
    """A draw whose share of yes on a disputed check is exactly its threshold (the pass mark
    less the tolerance) meets the check, one just below does not (the runner, called directly
    as above)."""
    report = rp.evaluate(rubric(EDGE_CHECK), ratings({"e0": {"x": (8, 8), "ok": (1, 0)}}))
    engine = Engine(report, np.array([0.5, 0.5]), np.zeros(1))
    assert engine.cell_c.tolist() == [0]
    exact, below = on_threshold(
        engine, lambda om: float(_draw_run._matmul(engine.cell_v, om)[0, 0]),
        float(engine.cell_thr[0]))
    assert one_draw(engine, exact)["kept_stars"].tolist() == [[1]]
    assert one_draw(engine, below)["kept_stars"].tolist() == [[0]]
