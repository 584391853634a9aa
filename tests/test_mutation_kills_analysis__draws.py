"""Pinned behaviours of the draw engine of weight sensitivity (analysis._draws) that mutation
testing found unpinned.

The oracle (``draws_oracle.check_draws``): a draw's stars, ratings, ranks and totals are those
of :func:`red_property.evaluate` on the rubric the draw stands for, both on the fast path and
with every company decided draw by draw (``generic=True``); the distributions are the counts of
the kept draws. Each season is built to reach one part of the engine: per-dimension
minimum shares near their thresholds, checks the sources disagree about (gates, requirements,
vetoes), bonus points with defaults, caps and minimums, base points and a divisor.
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

import numpy as np
import pytest

import red_property as rp
from red_property.analysis import weight_sensitivity
from red_property.analysis._draws import Engine

from .draws_oracle import (
    CHECK_GATE,
    Season,
    check_draws,
    check_gate_draws,
    first_weight_of_a,
    gate_rows,
    generic_run,
    pass_mark_with_threshold,
    rows_of,
    rubric_of,
)

draws_module = importlib.import_module("red_property.analysis._draws")

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


def test_a_light_source_near_its_lowest_weight_is_not_taken_as_sure() -> None:
    """A share carried by a light source (weight 0.2 of 1, spread 0.9) falls below its minimum
    in the draws that push that source to its lowest renormalised weight: the engine's cheap
    bounds must not declare the minimum surely met."""
    body = """
dimensions:
  d1: {label: {en: D1}, indicators: {x: {label: {en: X}, kind: score, points: 10}}}
levels:
  - {stars: 1, min_total: 0, min_dimension_share: 0.03}
"""
    season = {"light": {"a": {"x": 0}, "b": {"x": 10}}}
    ws = check_draws(rubric_of(body, {"a": 0.8, "b": 0.2}), season, draws=10, seed=0,
                     spread=0.9)
    assert 0 < ws.p_differs[0] < 1


BONUS_PARTS = """
bonus_cap: CAP
dimensions:
  d1: {label: {en: D1}, indicators: {x: {label: {en: X}, kind: score, points: 10}}}
bonus:
  e: {label: {en: E}, kind: bonus, cap: 2000, default: 2}
  f: {label: {en: F}, kind: bonus, cap: 2000}
levels:
  - {stars: 1, min_total: 5}
"""


def test_a_defaulted_bonus_counts_towards_the_cap() -> None:
    """A bonus over the cap only with its defaulted points added is capped in every draw."""
    season = {"mix": {"a": {"x": 6, "f": 2}, "b": {"x": 8, "f": 2}},
              "plain": {"a": {"x": 6, "e": 0, "f": 1}, "b": {"x": 8, "e": 0, "f": 0}}}
    check_draws(rubric_of(BONUS_PARTS.replace("CAP", "3"), version=2), season, draws=8,
                seed=1, spread=0.5)


@pytest.mark.parametrize("over", [1e-6 - 5e-10, 1e-6 + 5e-10])
def test_a_bonus_a_hair_over_a_large_cap_is_capped(over: float) -> None:
    """A bonus of 1000 plus about 1e-6 (so over the cap of 1000 by more than the tolerance of
    1e-9 relative) is capped in every draw, its raw totals evaluate's."""
    season = {"rich": {"a": {"x": 6, "e": 0, "f": 1000 + over},
                       "b": {"x": 8, "e": 0, "f": 1000 + over}}}
    check_draws(rubric_of(BONUS_PARTS.replace("CAP", "1000"), version=2, digits=6), season,
                draws=4, seed=1, spread=0.5)


def test_three_open_dimensions_are_all_checked() -> None:
    """A company with three dimensions near their minimum shares, beside companies with one
    and two, meets a level in a draw only when all three shares reach it."""
    dims = "".join(f"  d{k}: {{label: {{en: D{k}}}, indicators: {{x{k}: {{label: {{en: X{k}}}, "
                   f"kind: score, points: 10}}}}}}\n" for k in (1, 2, 3))
    levels = ("levels:\n  - {stars: 1, min_total: 1, min_dimension_share: SHARE}\n"
              "  - {stars: 2, min_total: 2, min_dimension_share: 0.7}\n")
    edge, sure = {"a": 8, "b": 3}, {"a": 9, "b": 9}
    season: Season = {name: {s: {f"x{k}": (edge if k in near else sure)[s] for k in (1, 2, 3)}
                     for s in "ab"}
              for name, near in {"three": (1, 2, 3), "two": (2, 3), "one": (3,),
                                 "last": (1,)}.items()}
    season["three"]["a"]["x2"] = 10
    season["three"]["a"]["x3"], season["three"]["b"]["x3"] = 5, 7.5  # on 6.0, moving the other way
    for share in ("0.6", "{d1: 0.6, d2: 0.5, d3: 0.6}"):
        rubric = rubric_of("dimensions:\n" + dims + levels.replace("SHARE", share))
        ws = check_draws(rubric, season, draws=16, seed=6, spread=0.5)
        assert ws.p_differs[list(ws.companies).index("three")] > 0


def test_threshold_codes_are_found_near_the_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thresholds of 90 and 99.5 at six digits become codes found within a few steps of
    threshold x 10**6 (not counted up from 0), each the smallest code that reaches it."""
    body = """
dimensions:
  d1: {label: {en: D1}, indicators: {x: {label: {en: X}, kind: score, points: 100}}}
levels:
  - {stars: 1, min_total: 90}
  - {stars: 2, min_total: 99.5}
"""
    report = rp.evaluate(rubric_of(body, digits=6), rp.Ratings.from_records(
        rows_of({"c": {"a": {"x": 95}, "b": {"x": 99}}})))
    calls: list[int] = []
    real = draws_module.at_least

    def counted(x: Any, t: Any) -> Any:
        calls.append(1)
        if len(calls) > 20:
            raise AssertionError("more than 20 steps to find two threshold codes")
        return real(x, t)

    monkeypatch.setattr(draws_module, "at_least", counted)
    engine = Engine(report, np.array([0.5, 0.5]), np.array([0.5]))
    assert engine.key_thr.tolist() == [90_000_000, 99_500_000]


def test_minimum_shares_on_different_dimensions_per_level() -> None:
    """A level with a minimum on one dimension below a level with one minimum on every
    dimension: the lower level's minimum is not applied to the other dimensions."""
    check_draws(share_rubric("{d1: 0.4}", "0.6"), SHARE_SEASON, draws=24, seed=3, spread=0.5)
    check_draws(share_rubric("0.6", "{d2: 0.7}"), SHARE_SEASON, draws=24, seed=3, spread=0.5)


# ------------------------------------------------------------------------ memory, dtypes


def test_draws_read_no_working_memory_before_writing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Arrays the draws allocate without filling are written before they are read: with every
    new float array starting as NaN, each draw still equals evaluate."""
    real = np.empty

    def poisoned(shape: Any, dtype: Any = float, order: Any = "C", **kw: Any) -> Any:
        out = real(shape, dtype=dtype, order=order, **kw)
        if out.dtype.kind == "f":
            out.fill(np.nan)
        return out

    monkeypatch.setattr(np, "empty", poisoned)
    check_draws(share_rubric("0.4", "0.6"), SHARE_SEASON, draws=8, seed=3, spread=0.5)
    check_draws(rubric_of(CHECK_BODY, CHECK_SOURCES), CHECK_SEASON, draws=8, seed=2,
                spread=0.5)


def test_outcome_codes_are_small_integers() -> None:
    """The engine's outcome codes (stars, or top + 1 for not rated) are int8, as its table of
    outcomes is stored; at the stated conditions they are the report's awards."""
    report = rp.evaluate(rubric_of(CHECK_BODY, CHECK_SOURCES),
                         rp.Ratings.from_records(rows_of(CHECK_SEASON)))
    engine = Engine(report, np.full(3, 0.5), np.array([0.5]))
    rows = np.arange(len(report))
    level = report.awards.level_pass[:, None, :]
    out = engine.decide(rows, level, report.awards.met[:, None, :])
    assert out.dtype == np.int8 and engine.table.dtype == np.int8
    stated = np.where(report.awards.rated, report.awards.stars, engine.not_rated)
    assert out[:, 0].tolist() == stated.tolist()


# ------------------------------------------------------------------------ thresholds to the bit


def test_a_share_a_hair_below_its_minimum_fails() -> None:
    """On a one-point dimension, a draw whose share falls 1.5e-9 short of the minimum (more
    than the 1e-9 forgiven) misses the level, as in evaluate."""
    share = first_weight_of_a(seed=3, n_dims=2) + 1.5e-9  # the share of d2 is a's weight
    body = SHARE_BODY.replace("points: 10}}}\nlevels", "points: 1}}}\nlevels")
    body = body.replace("SHARE1", f"{{d2: {share!r}}}").replace("SHARE2", "0.9")
    season = {"edge": {"a": {"x": 9, "y": 1}, "b": {"x": 9, "y": 0}}}
    ws = check_draws(rubric_of(body), season, draws=2, seed=3, source_spread=0.5,
                     dimension_spread=0.0)
    assert ws.kept_stars[0, 0] == 0 and ws.awarded[0] == 1


def test_a_disputed_check_a_hair_above_its_pass_mark_is_met() -> None:
    """A check whose weighted share of yes in a draw is 0.5e-9 below the pass mark (within
    the 1e-9 forgiven) is met in that draw, as in evaluate."""
    ws = check_gate_draws(first_weight_of_a(seed=1, n_dims=1) + 0.5e-9,
                          {"c": {"a": [1], "b": [0]}}, draws=1, seed=1)
    assert ws.kept_rated[0, 0]


ON_THE_MARK = {"most": {"a": [1, 1, 1, 0], "b": [0, 1, 1, 1]},  # 0.75 from each source
               "none": {"a": [0, 0, 0, 0], "b": [0, 0, 0, 0]},
               "all": {"a": [1, 1, 1, 1], "b": [1, 1, 1, 1]}}


@pytest.mark.parametrize(("threshold", "seed", "met"), [(0.75, 0, True),
                                                     (float(np.nextafter(0.75, 1.0)), 1, False)],
                         ids=["on", "a-hair-above"])
def test_sources_agreeing_on_the_threshold_keep_the_reports_verdict(
        threshold: float, seed: int, met: bool) -> None:
    """A check on which the sources agree (3 of 4 raters of each say yes), with its threshold
    exactly on that share or one unit in the last place above it, does not depend on the
    weights: it is met (missed) in every draw, as in the report, although a weighted average
    of the two equal shares computed per draw can miss them by one unit in the last place."""
    ws = check_gate_draws(pass_mark_with_threshold(threshold), ON_THE_MARK, draws=40,
                          seed=seed, against_evaluate=False)
    assert ws.rated.tolist() == [True, met, False]
    assert ws.kept_rated.tolist() == [[True, met, False]] * 40


def test_a_check_disputed_by_sources_without_spread_keeps_the_reports_verdict() -> None:
    """A check the sources dispute but whose weights cannot move (each of its sources has no
    spread; another source does) keeps the report's verdict in every draw, even with the
    pass mark exactly on its weighted share (5/6, which a per-draw product can miss by one
    unit in the last place)."""
    sources = {"a": 0.3, "b": 0.45, "c": 0.25, "d": 0.5}
    yes = {"x": {"a": [1], "b": [1], "c": [1, 0, 0]},
           "y": {"a": [1], "b": [1], "c": [1], "d": [1]}}
    rubric = rubric_of(CHECK_GATE.replace("PM", repr(pass_mark_with_threshold(5 / 6))),
                       sources)
    report = rp.evaluate(rubric, rp.Ratings.from_records(gate_rows(yes)))
    assert report.scores.combined_value[0, report.plan.index["g"]] == 5 / 6
    ws = weight_sensitivity(report, draws=6, seed=1, keep=6, workers=1, chunk=2,
                            source_spread={"a": 0.0, "b": 0.0, "c": 0.0, "d": 0.5})
    assert ws.rated.tolist() == [True, True]
    assert ws.kept_rated.tolist() == [[True, True]] * 6
    generic = generic_run(report, ws, 6)
    np.testing.assert_array_equal(generic["kept_rated"], ws.kept_rated)
