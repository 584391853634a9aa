"""Pinned behaviours of the draw engine's precomputation (``Engine.__init__`` of
red_property.analysis._draws) that mutation testing found unpinned.

The oracle is the one of the sensitivity tests: every draw (all kept) must equal
:func:`red_property.evaluate` on the rubric the draw stands for, the shares of stars must be
those of the kept draws (the fast path counts outcomes through a table, the kept draws are
decided one by one), and the engine forced onto its generic path must give the same result.
Each season is built to reach one branch: a bonus over its cap, base points or a divisor,
minimum bonuses, dimension minimums that do not rise with the stars, disputed checks, ties
of half-even rounding, totals one rounding step below the most, unrounded totals within the
tolerance of a threshold, codes past 65,535, and points the same for every company.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import red_property as rp
from red_property.analysis import WeightSensitivity, weight_sensitivity
from red_property.analysis._draw_run import run
from red_property.analysis._draws import Engine

from .test_sensitivity import assert_draw_matches, reweighted

HEAD = 'language_version: 2\nid: e\nversion: "1"\ntitle: {en: E}\n'
TWO_SOURCES = """
sources:
  a: {label: {en: A}, weight: 0.6}
  b: {label: {en: B}, weight: 0.4}
"""
ONE_SOURCE = """
sources:
  a: {label: {en: A}, weight: 1}
"""
TWO_DIMENSIONS = """
dimensions:
  d1: {label: {en: D1}, indicators: {x: {label: {en: X}, kind: score, points: 10}}}
  d2: {label: {en: D2}, indicators: {y: {label: {en: Y}, kind: score, points: 10}}}
"""
BONUS = """
bonus:
  p: {label: {en: P}, kind: bonus, cap: 4}
"""


def rubric(*parts: str) -> rp.Rubric:
    """A language-2 rubric from YAML parts (each a block of top-level keys)."""
    return rp.load_rubric(HEAD + "".join(parts), name="<engine>")


def ratings(values: dict[str, Any]) -> rp.Ratings:
    """Ratings from ``{company: {source: {indicator: value}}}``, one rater per source."""
    return rp.Ratings.from_records([
        {"company": c, "source": s, "rater": f"{s}1", "indicator": i, "value": v}
        for c, by_source in values.items() for s, row in by_source.items()
        for i, v in row.items()])


def assert_draws_are_evaluate(rub: rp.Rubric, rated: rp.Ratings, *, draws: int = 40,
                              seed: int = 0, **spreads: Any) -> WeightSensitivity:
    """Every draw equals `evaluate` on its reweighted rubric; the shares of stars, of not
    rated and of differing awards are those of the draws; the generic path agrees (run
    through `Engine` and `run`: the public API has no switch for it)."""
    report = rp.evaluate(rub, rated)
    ws = weight_sensitivity(report, draws=draws, keep=draws, seed=seed, workers=1, **spreads)
    for j in range(draws):
        draw = reweighted(rub, ws.source_factors[j], ws.dimension_factors[j])
        assert_draw_matches(ws, j, rp.evaluate(draw, rated))
    for s in range(ws.top + 1):
        np.testing.assert_array_equal(ws.p_stars[:, s],
                                      (ws.kept_rated & (ws.kept_stars == s)).mean(axis=0))
    np.testing.assert_array_equal(ws.p_not_rated, (~ws.kept_rated).mean(axis=0))
    differs = (ws.kept_rated != ws.rated) | (ws.kept_stars != ws.awarded)
    np.testing.assert_array_equal(ws.p_differs, differs.mean(axis=0))
    src_sp = np.array(list(ws.source_spread.values()))
    dim_sp = np.array(list(ws.dimension_spread.values()))
    generic = run(Engine(report, src_sp, dim_sp, generic=True), ws.source_factors,
                  ws.dimension_factors, chunk=draws, keep=draws, workers=1)
    for name, value in generic.items():
        np.testing.assert_array_equal(value, getattr(ws, name), err_msg=name)
    return ws


def moved(ws: WeightSensitivity) -> None:
    """The season's awards do move under the draws (the checks above are not vacuous)."""
    assert ws.p_differs.max() > 0


# ------------------------------------------------------------------------------ the total


CAPPED = {
    "c1": {"a": {"x": 9, "y": 6, "p": 4}, "b": {"x": 5, "y": 8, "p": 0}},
    "c2": {"a": {"x": 7, "y": 7, "p": 1}, "b": {"x": 8, "y": 3, "p": 4}},
    "c3": {"a": {"x": 6, "y": 5, "p": 0}, "b": {"x": 6, "y": 6, "p": 0}},
}


@pytest.mark.parametrize("scale", ["", "base_points: 3\n", "divide_total_by: 2\n",
                                   "base_points: 3\ndivide_total_by: 2\n"],
                         ids=["plain", "base", "divisor", "both"])
def test_a_bonus_over_its_cap_and_base_points_and_divisors_follow_evaluate(scale: str) -> None:
    """A bonus over `bonus_cap`, base points and a divisor make each draw's total as scoring."""
    levels = ("levels:\n  - {stars: 1, min_total: 7}\n  - {stars: 2, min_total: 8.5}\n"
              if "divide" in scale else
              "levels:\n  - {stars: 1, min_total: 14}\n  - {stars: 2, min_total: 17}\n")
    rub = rubric(scale, "bonus_cap: 2\n", TWO_SOURCES, TWO_DIMENSIONS, BONUS, levels)
    moved(assert_draws_are_evaluate(rub, ratings(CAPPED), spread=0.6))


def test_a_bonus_over_its_cap_by_less_than_the_tolerance_is_capped() -> None:
    """A bonus over `bonus_cap` by less than the tolerance (10.000000005 of 10) is capped."""
    rub = rubric("bonus_cap: 10\nrounding: {digits: 0, mode: none}\n", ONE_SOURCE, """
dimensions:
  d: {label: {en: D}, indicators: {x: {label: {en: X}, kind: score, points: 10}}}
bonus:
  p: {label: {en: P}, kind: bonus, cap: 20}
levels:
  - {stars: 1, min_total: 3}
""")
    values = {"over": {"a": {"x": 5, "p": 10.000000005}}, "at": {"a": {"x": 5, "p": 10}}}
    ws = assert_draws_are_evaluate(rub, ratings(values), draws=2, spread=0.0)
    assert ws.total.tolist() == [15.0, 15.0]
    assert ws.kept_total.tolist() == [[15.0, 15.0]] * 2 and ws.total_high.tolist() == [15.0] * 2


# ------------------------------------------------------------------------------ level conditions

# the weights move the bonus of "moves" and "fails" across 1; "no_d2" has no point in d2
BONUSES = {
    "moves": {"a": {"x": 9, "y": 8, "p": 0}, "b": {"x": 8, "y": 9, "p": 3}},
    "fails": {"a": {"x": 9, "y": 9, "p": 1.5}, "b": {"x": 9, "y": 9, "p": 0}},
    "never": {"a": {"x": 10, "y": 10, "p": 0}, "b": {"x": 10, "y": 10, "p": 0}},
    "always": {"a": {"x": 6, "y": 7, "p": 3}, "b": {"x": 8, "y": 6, "p": 3}},
    "no_d2": {"a": {"x": 10, "y": 0, "p": 3}, "b": {"x": 10, "y": 0, "p": 3}},
}


def test_a_minimum_bonus_is_checked_in_every_draw() -> None:
    """`min_bonus` holds in the draws whose bonus reaches it, whatever the report says."""
    rub = rubric(TWO_SOURCES, TWO_DIMENSIONS, BONUS, """
        levels:
          - {stars: 1, min_total: 8}
          - {stars: 2, min_total: 16, min_bonus: 1}
        """.replace("\n        ", "\n"))
    ws = assert_draws_are_evaluate(rub, ratings(BONUSES), spread=0.6)
    # companies in report order: always, fails, moves, never, no_d2
    assert ws.awarded.tolist() == [2, 1, 2, 1, 1]
    assert 0 < ws.p_stars[1, 2] < 1 and 0 < ws.p_stars[2, 2] < 1 and ws.p_stars[3, 2] == 0


def test_a_minimum_bonus_keeps_the_dimension_minimums_decided_once() -> None:
    """Beside a minimum bonus, a dimension minimum no weights can reach is never met."""
    rub = rubric(TWO_SOURCES, TWO_DIMENSIONS, BONUS, """
        levels:
          - {stars: 1, min_total: 8, min_bonus: 0.5}
          - {stars: 2, min_total: 12, min_dimension_share: {d2: 0.5}}
        """.replace("\n        ", "\n"))
    ws = assert_draws_are_evaluate(rub, ratings(BONUSES), spread=0.6)
    assert ws.awarded[4] == 1 and ws.p_stars[4, 2] == 0
    moved(ws)


def test_a_minimum_bonus_is_checked_however_small_the_bonus() -> None:
    """A bonus of a trillionth of a point is checked against `min_bonus` in every draw."""
    values = {"tiny": {"a": {"x": 9, "y": 9, "p": 8e-13}, "b": {"x": 9, "y": 9, "p": 0}}}
    rub = rubric(TWO_SOURCES, TWO_DIMENSIONS, BONUS, """
        levels:
          - {stars: 1, min_total: 8}
          - {stars: 2, min_total: 16, min_bonus: 1.00045e-9}
        """.replace("\n        ", "\n"))
    ws = assert_draws_are_evaluate(rub, ratings(values), spread=0.5)
    assert ws.awarded.tolist() == [2] and 0 < ws.p_stars[0, 2] < 1


# d1's share moves from about 0.4 to 1 with the source weights
SHARES = {
    "moves": {"a": {"x": 10, "y": 9, "p": 3}, "b": {"x": 2, "y": 9, "p": 3}},
    "steady": {"a": {"x": 8, "y": 8, "p": 3}, "b": {"x": 8, "y": 8, "p": 3}},
}


@pytest.mark.parametrize("bonus", ["", ", min_bonus: 0.5"], ids=["shares", "shares-and-bonus"])
def test_dimension_minimums_falling_with_the_stars_are_decided_draw_by_draw(bonus: str) -> None:
    """A higher level needing a smaller dimension share than a lower one is met draw by draw."""
    rub = rubric(TWO_SOURCES, TWO_DIMENSIONS, BONUS, f"""
        levels:
          - {{stars: 1, min_total: 8, min_dimension_share: {{d1: 0.9}}, inherit: false{bonus}}}
          - {{stars: 2, min_total: 14, min_dimension_share: {{d1: 0.5}}, inherit: false{bonus}}}
        """.replace("\n        ", "\n"))
    ws = assert_draws_are_evaluate(rub, ratings(SHARES), spread=0.8)
    moved(ws)


@pytest.mark.parametrize("companies", [["moves"], ["moves", "steady"]], ids=["one", "two"])
def test_minimum_bonuses_falling_with_the_stars_are_decided_draw_by_draw(
        companies: list[str]) -> None:
    """A higher level needing a smaller bonus than a lower one is met draw by draw."""
    values = {
        "moves": {"a": {"x": 9, "y": 9, "p": 0}, "b": {"x": 9, "y": 9, "p": 4}},
        "steady": {"a": {"x": 8, "y": 8, "p": 3}, "b": {"x": 8, "y": 8, "p": 3}},
    }
    rub = rubric(TWO_SOURCES, TWO_DIMENSIONS, BONUS, """
        levels:
          - {stars: 1, min_total: 8, min_bonus: 2.5, inherit: false}
          - {stars: 2, min_total: 14, min_bonus: 1, inherit: false}
        """.replace("\n        ", "\n"))
    ws = assert_draws_are_evaluate(rub, ratings({c: values[c] for c in companies}),
                                   spread=0.6)
    moved(ws)


CHECKED = """
dimensions:
  d1:
    label: {en: D1}
    indicators:
      x: {label: {en: X}, kind: score, points: 10}
      safe: {label: {en: Safe}, kind: check}
  d2: {label: {en: D2}, indicators: {y: {label: {en: Y}, kind: score, points: 10}}}
levels:
  - {stars: 1, min_total: 8}
  - {stars: 2, min_total: 14, requires: [safe]}
"""


def test_a_check_the_sources_disagree_on_is_decided_in_every_draw() -> None:
    """A check the sources disagree on is met in the draws where the yes weighs enough."""
    values = {
        "split": {"a": {"x": 9, "y": 9, "safe": 1}, "b": {"x": 9, "y": 9, "safe": 0}},
        "agreed": {"a": {"x": 9, "y": 9, "safe": 1}, "b": {"x": 9, "y": 9, "safe": 1}},
    }
    ws = assert_draws_are_evaluate(rubric(TWO_SOURCES, CHECKED), ratings(values), spread=0.6)
    assert 0 < ws.p_stars[1, 2] < 1 and ws.p_stars[0, 2] == 1


def test_the_generic_path_decides_every_company_draw_by_draw() -> None:
    """`Engine(generic=True)` leaves no company to the table of outcomes (public API: none)."""
    report = rp.evaluate(rubric(TWO_SOURCES, TWO_DIMENSIONS, BONUS, """
        levels:
          - {stars: 1, min_total: 8}
          - {stars: 2, min_total: 16}
        """.replace("\n        ", "\n")), ratings(BONUSES))
    spreads = np.full(2, 0.3)
    generic = Engine(report, spreads, spreads, generic=True)
    assert generic.f_rows.size == 0 and generic.g_rows.tolist() == [0, 1, 2, 3, 4]
    assert Engine(report, spreads, spreads).f_rows.size == 5  # the table could decide them


# ------------------------------------------------------------------------------ rounding


def one_source(points: float, digits: int, mode: str, levels: str) -> rp.Rubric:
    """One source, one dimension of one score indicator ``x`` worth ``points``."""
    return rubric(ONE_SOURCE, f"""
rounding: {{digits: {digits}, mode: {mode}}}
dimensions:
  d: {{label: {{en: D}}, indicators: {{x: {{label: {{en: X}}, kind: score, points: {points}}}}}}}
levels:
{levels}""")


def scores(values: dict[str, float]) -> rp.Ratings:
    """One rating of ``x`` per company by source a."""
    return ratings({c: {"a": {"x": v}} for c, v in values.items()})


def test_half_even_ties_round_to_even_in_every_draw() -> None:
    """Under `half_even` totals on a tie round to the even neighbour in every draw."""
    rub = one_source(10, 0, "half_even", "  - {stars: 1, min_total: 3}\n"
                     "  - {stars: 2, min_total: 4}\n")
    ws = assert_draws_are_evaluate(rub, scores({"c1": 2.5, "c2": 3.5, "c3": 4.5}), draws=3,
                                   spread=0.0)
    assert ws.total_median.tolist() == [2.0, 4.0, 4.0]
    assert ws.p_stars.tolist() == [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 1.0]]


@pytest.mark.parametrize("mode", ["half_up", "half_even"])
def test_a_season_without_any_points_draws_zero_totals(mode: str) -> None:
    """A season in which no company earns a point draws totals of 0 (nothing to weigh)."""
    rub = one_source(10, 1, mode, "  - {stars: 1, min_total: 3}\n")
    ws = assert_draws_are_evaluate(rub, scores({"c1": 0, "c2": 0}), draws=3, spread=0.5)
    assert ws.total_high.tolist() == [0.0, 0.0] and ws.p_stars[:, 0].tolist() == [1.0, 1.0]


def test_a_total_one_step_below_the_most_stays_below_it() -> None:
    """A total one rounding step below the most (19.9 of 20) is drawn as 19.9, not 20."""
    rub = one_source(20, 1, "half_up", "  - {stars: 1, min_total: 10}\n"
                     "  - {stars: 2, min_total: 20}\n")
    ws = assert_draws_are_evaluate(rub, scores({"c1": 19.9, "c2": 20}), draws=3, spread=0.5)
    assert ws.total_median.tolist() == [19.9, 20.0]
    assert ws.p_stars[:, 2].tolist() == [0.0, 1.0]


def test_the_most_between_two_codes_is_drawn_as_scoring_clamps_it() -> None:
    """A most just below a rounding step (0.06 + 0.84) is drawn exactly as scoring clamps it."""
    rub = rubric(ONE_SOURCE, """
rounding: {digits: 1, mode: half_up}
dimensions:
  d1: {label: {en: D1}, indicators: {x: {label: {en: X}, kind: score, points: 0.06}}}
  d2: {label: {en: D2}, indicators: {y: {label: {en: Y}, kind: score, points: 0.84}}}
levels:
  - {stars: 1, min_total: 0.5}
""")
    values = {"full": {"a": {"x": 0.06, "y": 0.84}}, "part": {"a": {"x": 0.03, "y": 0.5}}}
    ws = assert_draws_are_evaluate(rub, ratings(values), draws=3, spread=0.3)
    most = 0.06 + 0.84
    assert most < 0.9 and ws.total[0] == most
    assert ws.total_median.tolist() == [most, 0.5] and ws.kept_total[:, 0].tolist() == [most] * 3


def test_rounded_totals_past_65535_codes_keep_their_value() -> None:
    """Totals whose codes pass 65,535 (80.125 at three decimals) are drawn whole."""
    rub = one_source(100, 3, "half_up", "  - {stars: 1, min_total: 70}\n")
    ws = assert_draws_are_evaluate(rub, scores({"c1": 80.125, "c2": 65.536}), draws=3,
                                   spread=0.5)
    assert ws.total_median.tolist() == [80.125, 65.536]
    assert ws.p_stars[:, 1].tolist() == [1.0, 0.0]


def test_unrounded_totals_within_the_tolerance_of_a_threshold() -> None:
    """Without rounding, a threshold forgives 1e-9 (relative above 1), as in scoring."""
    rub = one_source(20, 0, "none", "  - {stars: 1, min_total: 1}\n"
                     "  - {stars: 2, min_total: 10}\n")
    values = {"near_ten": 10 - 5e-9, "near_one": 1 - 1.5e-9, "one": 1 - 5e-10}
    ws = assert_draws_are_evaluate(rub, scores(values), draws=3, spread=0.0)
    assert ws.awarded.tolist() == [0, 2, 1] and ws.p_differs.tolist() == [0.0, 0.0, 0.0]


# ------------------------------------------------------------------------------ same points


def test_points_every_company_earns_alike_are_counted() -> None:
    """Points every company earns alike (1 of ``x``, 1 or 2 of bonus) count in every total."""
    rub = rubric(ONE_SOURCE, BONUS, """
dimensions:
  d: {label: {en: D}, indicators: {x: {label: {en: X}, kind: score, points: 10}}}
levels:
  - {stars: 1, min_total: 2}
""")
    for bonus in (1, 2):
        values = {c: {"a": {"x": 1, "p": bonus}} for c in ("c1", "c2")}
        ws = assert_draws_are_evaluate(rub, ratings(values), draws=3, spread=0.5)
        assert ws.total_low.tolist() == [1.0 + bonus] * 2


# ------------------------------------------------------------------------------ sizes


def test_ranks_past_65535_keep_their_value() -> None:
    """In a season of 65,536 companies the last one is ranked 65,536 in every draw."""
    n = 1 << 16
    value = np.full(n, 10.0)
    value[-1] = 5.0
    rated = rp.Ratings.from_columns(company=np.array([f"c{k:05d}" for k in range(n)]),
                                    source=np.full(n, "a"), rater=np.full(n, "a1"),
                                    indicator=np.full(n, "x"), value=value)
    report = rp.evaluate(one_source(10, 0, "half_up", "  - {stars: 1, min_total: 3}\n"), rated)
    ws = weight_sensitivity(report, draws=2, spread=0.5, keep=1, workers=1)
    assert ws.rank_median[-2:].tolist() == [1.0, 65536.0]
    assert ws.kept_rank[0, -2:].tolist() == [1, 65536]


def test_a_season_without_companies_gives_an_empty_result() -> None:
    """A report of no companies (every row dropped) draws an empty result."""
    rub = rubric("input: {invalid_rows: drop}\n", ONE_SOURCE, """
dimensions:
  d: {label: {en: D}, indicators: {x: {label: {en: X}, kind: score, points: 10}}}
levels:
  - {stars: 1, min_total: 3}
""")
    report = rp.evaluate(rub, scores({"c1": 3}), companies=[])
    ws = weight_sensitivity(report, draws=2, spread=0.5)
    assert len(ws) == 0 and ws.p_stars.shape == (0, 2) and ws.total_median.shape == (0,)


def test_codes_and_ranks_that_fit_are_kept_in_two_bytes() -> None:
    """Codes and ranks that fit are stored in two bytes, as documented (public API: none)."""
    small = rp.evaluate(one_source(10, 1, "half_even", "  - {stars: 1, min_total: 3}\n"),
                        scores({"c1": 4, "c2": 6}))
    engine = Engine(small, np.full(1, 0.2), np.full(1, 0.2))
    assert (engine.key_dtype, engine.rank_dtype) == (np.uint16, np.uint16)
    # the most, 6499.9, is code 64,999 itself
    near = rp.evaluate(one_source(6499.9, 1, "half_up", "  - {stars: 1, min_total: 3}\n"),
                       scores({"c1": 4, "c2": 6}))
    assert Engine(near, np.full(1, 0.2), np.full(1, 0.2)).key_dtype == np.uint16
    wide = rp.evaluate(one_source(100, 3, "half_up", "  - {stars: 1, min_total: 3}\n"),
                       scores({"c1": 4, "c2": 6}))
    assert Engine(wide, np.full(1, 0.2), np.full(1, 0.2)).key_dtype == np.int64
