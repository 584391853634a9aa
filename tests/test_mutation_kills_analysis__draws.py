"""Pinned behaviours of the draw engine of weight sensitivity (analysis._draws) that mutation
testing found unpinned.

The oracle: a draw's stars, ratings, ranks and totals are those of :func:`red_property.evaluate`
on the rubric the draw stands for (``reweighted``, from the sensitivity tests), both on the fast
path and with every company decided draw by draw (``generic=True``); the distributions are the
counts of the kept draws. Each season is built to reach one part of the engine: per-dimension
minimum shares near their thresholds, checks the sources disagree about (gates, requirements,
vetoes), bonus points with defaults, caps and minimums, base points and a divisor.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import red_property as rp
from red_property.analysis import WeightSensitivity, weight_sensitivity
from red_property.analysis._draw_run import run
from red_property.analysis._draws import Engine

from .test_sensitivity import assert_draw_matches, reweighted

SOURCES = {"a": 0.6, "b": 0.4}


def rubric_of(body: str, sources: dict[str, float] | None = None, version: int = 1,
              digits: int = 1, mode: str = "half_up") -> rp.Rubric:
    """A rubric with the given sources (weights), rounding and YAML body."""
    src = "".join(f"  {s}: {{label: {{en: {s.upper()}}}, weight: {w}}}\n"
                  for s, w in (sources or SOURCES).items())
    head = (f'language_version: {version}\nid: t\nversion: "1"\ntitle: {{en: T}}\n'
            f"rounding: {{digits: {digits}, mode: {mode}}}\nsources:\n{src}")
    return rp.load_rubric(head + body, name="<draws>")


def rows_of(values: dict[str, dict[str, dict[str, float]]]) -> list[dict[str, Any]]:
    """Rows from ``{company: {source: {indicator: value}}}``, one rater per source."""
    return [{"company": c, "source": s, "rater": f"{s}1", "indicator": i, "value": v}
            for c, by_source in values.items() for s, cells in by_source.items()
            for i, v in cells.items()]


def generic_run(report: rp.Report, ws: WeightSensitivity, chunk: int) -> dict[str, Any]:
    """The draws of ``ws`` run with every company decided draw by draw."""
    src_sp = np.array(list(ws.source_spread.values()))
    dim_sp = np.array(list(ws.dimension_spread.values()))
    engine = Engine(report, src_sp, dim_sp, generic=True)
    return run(engine, ws.source_factors, ws.dimension_factors, chunk=chunk, keep=ws.draws,
               workers=1)


def check_draws(rubric: rp.Rubric, values: dict[str, dict[str, dict[str, float]]], *,
                draws: int, seed: int, companies: list[str] | None = None,
                **spreads: Any) -> WeightSensitivity:
    """Run ``draws`` draws on the season and check every one against `evaluate` on its
    reweighted rubric, the distributions against the kept draws, and the generic path
    against the fast one."""
    ratings = rp.Ratings.from_records(rows_of(values))
    report = rp.evaluate(rubric, ratings, companies=companies)
    ws = weight_sensitivity(report, draws=draws, seed=seed, keep=draws, workers=1,
                            chunk=max(1, draws // 2), **spreads)
    for j in range(draws):
        draw = reweighted(rubric, ws.source_factors[j], ws.dimension_factors[j])
        assert_draw_matches(ws, j, rp.evaluate(draw, ratings, companies=companies))
    counted = np.stack([((ws.kept_stars == s) & ws.kept_rated).mean(axis=0)
                        for s in range(ws.top + 1)], axis=1)
    np.testing.assert_allclose(ws.p_stars, counted, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ws.p_not_rated, (~ws.kept_rated).mean(axis=0), rtol=0,
                               atol=1e-12)
    generic = generic_run(report, ws, draws)
    for name in ("p_stars", "p_not_rated", "p_differs", "rank_median", "rank_low",
                 "rank_high", "total_median", "total_low", "total_high", "kept_stars",
                 "kept_rated", "kept_rank", "kept_total"):
        np.testing.assert_array_equal(generic[name], getattr(ws, name), err_msg=name)
    return ws


# ------------------------------------------------------------------------ per-dimension shares

SHARE_BODY = """
dimensions:
  d1: {label: {en: D1}, indicators: {x: {label: {en: X}, kind: score, points: 10}}}
  d2: {label: {en: D2}, indicators: {y: {label: {en: Y}, kind: score, points: 10}}}
levels:
  - {stars: 1, min_total: 2, min_dimension_share: SHARE1}
  - {stars: 2, min_total: 4, min_dimension_share: SHARE2}
"""


def share_rubric(share1: str, share2: str) -> rp.Rubric:
    """Two dimensions of 10 points, two levels with low totals and the given shares."""
    return rubric_of(SHARE_BODY.replace("SHARE1", share1).replace("SHARE2", share2))


# source a's and b's values on x and y; shares at the stated weights 0.6 / 0.4
SHARE_SEASON = {
    "edge": {"a": {"x": 8, "y": 8}, "b": {"x": 3, "y": 3}},      # 6.0 on both: on 0.6
    "lowedge": {"a": {"x": 2, "y": 9}, "b": {"x": 7, "y": 9}},   # x 4.0: on 0.4
    "split": {"a": {"x": 10, "y": 2}, "b": {"x": 0, "y": 9}},    # x 6.0, y 4.8
    "sure": {"a": {"x": 10, "y": 10}, "b": {"x": 9, "y": 9}},    # far above
    "fixed": {"a": {"x": 6, "y": 4}, "b": {"x": 6, "y": 4}},     # agree: on 0.6 and 0.4
    "low": {"a": {"x": 1, "y": 1}, "b": {"x": 0, "y": 2}},       # far below
}


@pytest.mark.parametrize(("share1", "share2"), [
    ("0.4", "0.6"),
    ("{d1: 0.4}", "{d1: 0.6, d2: 0.4}"),
    ("{d1: 0.4, d2: 0.6}", "{d1: 0.6, d2: 0.4}"),
    ("0.6", "0.4"),
], ids=["uniform", "partial", "mixed", "falling"])
def test_dimension_shares_near_their_minimums_equal_evaluate(share1: str, share2: str) -> None:
    """Companies on, near and far from per-dimension minimum shares get evaluate's awards in
    every draw, whether the shares are uniform, per dimension, or fall with the levels."""
    check_draws(share_rubric(share1, share2), SHARE_SEASON, draws=24, seed=3, spread=0.5)


def test_three_levels_with_shares_rising_then_falling_equal_evaluate() -> None:
    """Minimum shares that rise from the first level to the second and fall to the third (all
    above the first) are decided draw by draw, as evaluate decides them."""
    body = SHARE_BODY + "  - {stars: 3, min_total: 6, min_dimension_share: 0.5}\n"
    check_draws(rubric_of(body.replace("SHARE1", "0.3").replace("SHARE2", "0.6")),
                SHARE_SEASON, draws=24, seed=3, spread=0.5)


def test_a_dimension_of_one_point_keeps_its_minimum_share() -> None:
    """A dimension whose maximum is one point still has its minimum share moved by the
    source weights."""
    body = SHARE_BODY.replace("points: 10}}}\nlevels", "points: 1}}}\nlevels")
    season = {c: {s: {"x": v["x"], "y": v["y"] / 10} for s, v in by.items()}
              for c, by in SHARE_SEASON.items()}
    ws = check_draws(rubric_of(body.replace("SHARE1", "0.4").replace("SHARE2", "0.6")),
                     season, draws=24, seed=3, spread=0.5)
    assert ws.p_differs.max() > 0


def test_a_dimension_without_points_raises_no_warning() -> None:
    """A minimum share over a dimension that holds only a zero-point check (its maximum is 0)
    is computed without a floating-point warning, and that dimension never costs a level."""
    body = """
dimensions:
  d1: {label: {en: D1}, indicators: {x: {label: {en: X}, kind: score, points: 10}}}
  d2: {label: {en: D2}, indicators: {k: {label: {en: K}, kind: check}}}
levels:
  - {stars: 1, min_total: 2, min_dimension_share: 0.4}
"""
    values = {"edge": {"a": {"x": 8, "k": 1}, "b": {"x": 0, "k": 0}},
              "sure": {"a": {"x": 9, "k": 0}, "b": {"x": 9, "k": 0}}}
    report = rp.evaluate(rubric_of(body), rp.Ratings.from_records(rows_of(values)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ws = weight_sensitivity(report, draws=20, seed=1, spread=0.5, keep=20)
    assert ws.p_stars[1].tolist() == [0.0, 1.0]
    assert 0 < ws.p_stars[0, 1] < 1


# ------------------------------------------------------------------------ disputed checks

CHECK_BODY = """
dimensions:
  d1:
    label: {en: D1}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
      g: {label: {en: G}, kind: check, points: 1}
      r: {label: {en: R}, kind: check, points: 1}
      v: {label: {en: V}, kind: check}
gates:
  - {id: open, label: {en: Open}, all_of: [g]}
levels:
  - {stars: 1, min_total: 3}
  - {stars: 2, min_total: 6, requires: [r]}
vetoes:
  - {id: bad, label: {en: Bad}, when: v, effect: cap, cap: 1}
"""
CHECK_SOURCES = {"a": 0.4, "b": 0.35, "c": 0.25}
YES = {"g": 1, "r": 1, "v": 0}


def check_season(company: str, check: str, a: float, b: float) -> dict[str, dict[str, float]]:
    """A company rated 9 on the score by every source and yes on the checks but one, on which
    sources a and b give ``a`` and ``b`` (c never rates the checks)."""
    cells = {s: {"s": 9.0, **({} if s == "c" else YES)} for s in CHECK_SOURCES}
    cells["a"][check], cells["b"][check] = a, b
    return cells


CHECK_SEASON = {
    "gate": check_season("gate", "g", 1, 0),      # met at the stated weights, can fail
    "req": check_season("req", "r", 0, 1),        # not met at the stated weights, can be
    "veto": check_season("veto", "v", 1, 0),      # vetoed at the stated weights, can escape
    "calm": check_season("calm", "g", 1, 1),      # nothing disputed
}


def test_checks_the_sources_dispute_equal_evaluate() -> None:
    """Gates, level requirements and vetoes on checks two of three sources dispute are
    re-decided in every draw as evaluate decides them."""
    ws = check_draws(rubric_of(CHECK_BODY, CHECK_SOURCES), CHECK_SEASON, draws=24, seed=2,
                     spread=0.5)
    p = dict(zip(ws.companies, ws.p_differs.tolist(), strict=True))
    assert min(p["gate"], p["req"], p["veto"]) > 0 and p["calm"] == 0


def test_checks_disputed_by_three_sources_equal_evaluate() -> None:
    """A check on which three sources disagree (each present) is re-decided in every draw."""
    three = zip("abc", (1, 0, 1), strict=True)
    season = {"three": {s: {"s": 9.0, **YES, "g": v} for s, v in three},
              "two": check_season("two", "r", 1, 0)}
    season["three"]["b"]["v"] = 1
    ws = check_draws(rubric_of(CHECK_BODY, CHECK_SOURCES), season, draws=24, seed=4,
                     spread=0.6)
    assert ws.p_differs.min() > 0


# ------------------------------------------------------------------------ bonus, base, divisor

BONUS_BODY = """
base_points: 5
divide_total_by: 2
bonus_cap: 3
dimensions:
  d1:
    label: {en: D1}
    indicators:
      x: {label: {en: X}, kind: score, points: 10}
      y: {label: {en: Y}, kind: score, points: 10}
bonus:
  e: {label: {en: E}, kind: bonus, cap: 4, default: 1}
levels:
  - {stars: 1, min_total: 8}
  - {stars: 2, min_total: 10, min_bonus: 1.5}
"""
BONUS_SEASON = {
    "over": {"a": {"x": 6, "y": 6, "e": 4}, "b": {"x": 7, "y": 7, "e": 4}},  # bonus capped
    "bedge": {"a": {"x": 9, "y": 9, "e": 2}, "b": {"x": 9, "y": 9, "e": 1}},  # bonus on 1.6
    "dflt": {"a": {"x": 9, "y": 9}, "b": {"x": 9, "y": 9}},                   # bonus default 1
    "tedge": {"a": {"x": 10, "y": 8, "e": 0}, "b": {"x": 4, "y": 2, "e": 0}},  # total on 8.0
}


def test_bonus_base_points_and_divisor_equal_evaluate() -> None:
    """Bonus points over their cap, on a level's minimum bonus or defaulted, with base points
    and a divisor, give evaluate's totals and awards in every draw."""
    ws = check_draws(rubric_of(BONUS_BODY, version=2), BONUS_SEASON, draws=24, seed=5,
                     spread=0.5)
    p = dict(zip(ws.companies, ws.p_differs.tolist(), strict=True))
    assert p["bedge"] > 0 and p["tedge"] > 0
