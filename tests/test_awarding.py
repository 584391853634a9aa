"""Hand-computed fixtures for awarding: check pass marks, gates, vetoes, level conditions
(requires, per-dimension minimums, min_bonus), claims, rounding at thresholds, ranks, and the gap
to the next star in :meth:`Report.explain`.

Every rubric is written inline as YAML; each test states its arithmetic.
"""

from __future__ import annotations

import numpy as np
import pytest

import red_property as rp

from .fixtures import ONE_SOURCE, approx, load, rec, records, rows_of, run

# --------------------------------------------------------------------------- checks and gates


def test_check_pass_mark_decides_met() -> None:
    """A check is met when the share of yes reaches its pass_mark (c: .6, c2: default .5)."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 10}
              c: {label: {en: C}, kind: check, pass_mark: 0.6}
              c2: {label: {en: C2}, kind: check}
        levels:
          - {stars: 1, min_total: 1, requires: [c2]}
          - {stars: 2, min_total: 5, requires: [c, c2]}
        """)
    rows = [rec(c, "authority", f"r{k}", "s", 8) for c in "ab" for k in (1,)]
    rows += [rec("a", "authority", "r1", "c", 1), rec("a", "authority", "r2", "c", 1),
             rec("a", "authority", "r3", "c", 0),  # 2/3 >= .6: met
             rec("b", "authority", "r1", "c", 1), rec("b", "authority", "r2", "c", 0)]  # .5 < .6
    rows += [rec(c, "authority", f"r{k}", "c2", k % 2) for c in "ab" for k in (1, 2)]  # .5 >= .5
    report = run(rubric, rows)
    assert report.awards.met[:, report.plan.index["c"]].tolist() == [True, False]
    assert report.awards.met[:, report.plan.index["c2"]].tolist() == [True, True]
    assert report.stars["a"] == 2
    assert report.stars["b"] == 1


GATE_DIMENSIONS = """
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
      licensed: {label: {en: Licensed}, kind: check}
      insured: {label: {en: Insured}, kind: check}
levels:
  - {stars: 1, min_total: 5}
"""


def test_gate_all_of_failing_means_not_rated() -> None:
    """gate all_of [licensed, insured]: both met -> rated; one unmet -> not rated, rank None."""
    rubric = load(ONE_SOURCE, GATE_DIMENSIONS, """
        gates:
          - {id: basics, label: {en: Licensed and insured}, all_of: [licensed, insured]}
        """)
    rows = rows_of({"a": {"s": 6, "licensed": 1, "insured": 1},
                    "b": {"s": 9, "licensed": 1, "insured": 0}})
    recs = records(run(rubric, rows))
    assert recs["a"]["rated"] is True
    assert (recs["a"]["stars"], recs["a"]["rank"]) == (1, 1)
    assert recs["b"]["rated"] is False
    assert (recs["b"]["stars"], recs["b"]["rank"], recs["b"]["total"]) == (None, None, None)
    assert recs["b"]["not_rated"] == ["gate 'basics' not passed (Licensed and insured)"]


def test_gate_any_of_needs_one_met() -> None:
    """gate any_of [licensed, insured]: one met -> rated; none met -> not rated."""
    rubric = load(ONE_SOURCE, GATE_DIMENSIONS, """
        gates:
          - {id: either, label: {en: Licensed or insured}, any_of: [licensed, insured]}
        """)
    rows = rows_of({"a": {"s": 6, "licensed": 0, "insured": 1},
                    "b": {"s": 9, "licensed": 0, "insured": 0}})
    report = run(rubric, rows)
    recs = records(report)
    assert (recs["a"]["rated"], recs["a"]["stars"], recs["a"]["rank"]) == (True, 1, 1)
    assert (recs["b"]["rated"], recs["b"]["rank"]) == (False, None)
    assert recs["b"]["not_rated"] == ["gate 'either' not passed (Licensed or insured)"]
    e = report.explain("b")
    assert (e.rated, e.rank, e.next_level, e.gap) == (False, None, None, ())


# --------------------------------------------------------------------------- vetoes


VETO_DIMENSIONS = """
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 100}
      accident: {label: {en: Serious accident}, kind: check}
levels:
  - {stars: 1, min_total: 50}
  - {stars: 2, min_total: 70}
  - {stars: 3, min_total: 90}
"""


def test_veto_remove_takes_every_star() -> None:
    """veto remove: a met veto condition leaves 0 stars (earned 3 by the total 95)."""
    rubric = load(ONE_SOURCE, VETO_DIMENSIONS, """
        vetoes:
          - {id: safety, label: {en: Safety}, when: accident}
        """)
    rows = rows_of({"a": {"s": 95, "accident": 1}, "b": {"s": 95, "accident": 0}})
    recs = records(run(rubric, rows))
    assert (recs["a"]["rated"], recs["a"]["earned"], recs["a"]["stars"]) == (True, 3, 0)
    assert recs["a"]["vetoed"] == ["safety"]
    assert (recs["b"]["earned"], recs["b"]["stars"], recs["b"]["vetoed"]) == (3, 3, [])
    # still ranked on the total: both 95
    assert (recs["a"]["rank"], recs["b"]["rank"]) == (1, 1)


def test_veto_cap_limits_the_stars() -> None:
    """veto cap 1: earned 3 -> 1; earned 1 stays 1; not met -> unchanged."""
    rubric = load(ONE_SOURCE, VETO_DIMENSIONS, """
        vetoes:
          - {id: safety, label: {en: Safety}, when: accident, effect: cap, cap: 1}
        """)
    rows = rows_of({"a": {"s": 95, "accident": 1}, "b": {"s": 55, "accident": 1},
                    "c": {"s": 75, "accident": 0}})
    recs = records(run(rubric, rows))
    assert (recs["a"]["earned"], recs["a"]["stars"]) == (3, 1)
    assert (recs["b"]["earned"], recs["b"]["stars"]) == (1, 1)
    assert (recs["c"]["earned"], recs["c"]["stars"], recs["c"]["vetoed"]) == (2, 2, [])


# --------------------------------------------------------------------------- level conditions


def test_level_requires_are_level_specific() -> None:
    """requires: 2 stars need c1, 3 stars need c1 and c2 (all totals 95)."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 100}
              c1: {label: {en: C1}, kind: check}
              c2: {label: {en: C2}, kind: check}
        levels:
          - {stars: 1, min_total: 50}
          - {stars: 2, min_total: 70, requires: [c1]}
          - {stars: 3, min_total: 90, requires: [c1, c2]}
        """)
    rows = rows_of({"a": {"s": 95, "c1": 1, "c2": 0}, "b": {"s": 95, "c1": 0, "c2": 1},
                    "c": {"s": 95, "c1": 1, "c2": 1}})
    report = run(rubric, rows)
    assert [report.stars[c] for c in "abc"] == [2, 1, 3]


def test_min_dimension_share_float_applies_to_every_dimension() -> None:
    """min_dimension_share .6 (float): every dimension needs 60 % of its 50 points, i.e. 30."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          a:
            label: {en: A}
            indicators:
              x: {label: {en: X}, kind: score, points: 50}
          b:
            label: {en: B}
            indicators:
              y: {label: {en: Y}, kind: score, points: 50}
        levels:
          - {stars: 1, min_total: 50}
          - {stars: 2, min_total: 70, min_dimension_share: 0.6}
        """)
    rows = rows_of({"p": {"x": 45, "y": 30}, "q": {"x": 50, "y": 25}, "r": {"x": 29, "y": 50}})
    report = run(rubric, rows)
    # p exactly at 30 passes; q's b 25 < 30; r's a 29 < 30 (totals 75, 75, 79)
    assert [report.stars[c] for c in "pqr"] == [2, 1, 1]


def test_min_dimension_share_mapping_applies_to_named_dimensions() -> None:
    """min_dimension_share {b: .6}: only b needs 30 of 50; a may be low."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          a:
            label: {en: A}
            indicators:
              x: {label: {en: X}, kind: score, points: 50}
          b:
            label: {en: B}
            indicators:
              y: {label: {en: Y}, kind: score, points: 50}
        levels:
          - {stars: 1, min_total: 50}
          - {stars: 2, min_total: 70, min_dimension_share: {b: 0.6}}
        """)
    rows = rows_of({"p": {"x": 20, "y": 50}, "q": {"x": 45, "y": 29}})
    report = run(rubric, rows)
    assert [report.stars[c] for c in "pq"] == [2, 1]  # p: a 20 unconstrained; q: b 29 < 30


def test_min_bonus_is_a_level_condition() -> None:
    """min_bonus 1: 2 stars need total 8 and a bonus of 1 (9 + 0 fails, 8 + 1 passes)."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 10}
              b: {label: {en: B}, kind: bonus, per: 1, cap: 2}
        levels:
          - {stars: 1, min_total: 5}
          - {stars: 2, min_total: 8, min_bonus: 1}
        """)
    rows = rows_of({"a": {"s": 9, "b": 0}, "b": {"s": 8, "b": 1}})
    report = run(rubric, rows)
    recs = records(report)
    assert (recs["a"]["total"], recs["a"]["stars"]) == (approx(9.0), 1)
    assert (recs["b"]["total"], recs["b"]["stars"]) == (approx(9.0), 2)


def test_earned_level_is_the_highest_whose_conditions_hold() -> None:
    """Thresholds 50/70/90: totals 49.9, 50, 89.9, 90 earn 0, 1, 2, 3 stars."""
    rubric = load(ONE_SOURCE, VETO_DIMENSIONS)
    rows = rows_of({"a": {"s": 49.9, "accident": 0}, "b": {"s": 50, "accident": 0},
                    "c": {"s": 89.9, "accident": 0}, "d": {"s": 90, "accident": 0}})
    report = run(rubric, rows)
    assert [report.stars[c] for c in "abcd"] == [0, 1, 2, 3]


# --------------------------------------------------------------------------- claims


CLAIM_DIMENSIONS = """
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 100}
levels:
  - {stars: 1, min_total: 50}
  - {stars: 2, min_total: 70}
  - {stars: 3, min_total: 90}
"""


@pytest.mark.parametrize(
    ("policy", "claim", "stars", "verdict"),
    [
        ("{}", 2, 2, "confirmed"),  # earned 2, claimed 2
        ("{}", 3, 2, "lowered"),  # below_claim award_earned (default): the earned 2
        ("{below_claim: award_none}", 3, 0, "refused"),  # below_claim award_none: nothing
        ("{}", 1, 1, "confirmed"),  # above_claim award_claim (default): the claimed 1
        ("{above_claim: award_earned}", 1, 2, "exceeded"),  # above_claim award_earned: 2
    ],
)
def test_claims(policy: str, claim: int, stars: int, verdict: str) -> None:
    """Claims against an earned 2 stars (total 75) follow the rubric's claim policy."""
    rubric = load(ONE_SOURCE, CLAIM_DIMENSIONS, f"claims: {policy}\n")
    report = run(rubric, rows_of({"a": {"s": 75}, "b": {"s": 75}}), claims={"a": claim})
    recs = records(report)
    assert recs["a"]["rated"] is True
    assert (recs["a"]["earned"], recs["a"]["claimed"]) == (2, claim)
    assert (recs["a"]["stars"], recs["a"]["verdict"]) == (stars, verdict)
    # b claims nothing: awarded what it earned
    assert (recs["b"]["stars"], recs["b"]["claimed"], recs["b"]["verdict"]) == (2, None,
                                                                                "no claim")


def test_claims_required_leaves_unclaimed_company_not_rated() -> None:
    """claims.required: a company without a claim is not rated."""
    rubric = load(ONE_SOURCE, CLAIM_DIMENSIONS, "claims: {required: true}\n")
    report = run(rubric, rows_of({"a": {"s": 75}, "b": {"s": 95}}), claims={"a": 2})
    recs = records(report)
    assert (recs["a"]["rated"], recs["a"]["stars"], recs["a"]["rank"]) == (True, 2, 1)
    assert (recs["b"]["rated"], recs["b"]["stars"], recs["b"]["rank"]) == (False, None, None)
    assert recs["b"]["not_rated"] == ["no claim, and the rubric requires one"]


def test_claim_of_a_missing_level_is_refused() -> None:
    """A claim of a level the rubric does not have is a RatingsError."""
    rubric = load(ONE_SOURCE, CLAIM_DIMENSIONS)
    with pytest.raises(rp.RatingsError, match=r"4 is not a level of the rubric \(0, 1, 2, 3\)"):
        run(rubric, rows_of({"a": {"s": 75}}), claims={"a": 4})


def test_claim_checked_against_stars_after_veto() -> None:
    """A vetoed company (earned 3, capped to 1) claiming 2 is lowered to 1."""
    rubric = load(ONE_SOURCE, VETO_DIMENSIONS, """
        vetoes:
          - {id: safety, label: {en: Safety}, when: accident, effect: cap, cap: 1}
        """)
    report = run(rubric, rows_of({"a": {"s": 95, "accident": 1}}), claims={"a": 2})
    rec_a = records(report)["a"]
    assert (rec_a["earned"], rec_a["stars"], rec_a["verdict"]) == (3, 1, "lowered")


# --------------------------------------------------------------------------- rounding


def test_half_up_rounding_exactly_at_threshold_earns_the_level() -> None:
    """Half up to 1 digit: a raw total of 79.95 rounds to 80.0 and earns the 80 level."""
    # a: 80 (w .5) + 79.9 (w .5) = 79.95 -> 80.0; b: 80 (w .5) + 79.8 (w .5) = 79.9 -> 79.9
    rubric = load("""
        sources:
          authority: {label: {en: Authority}, weight: 0.5}
          association: {label: {en: Association}, weight: 0.5}
        rounding: {digits: 1, mode: half_up}
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 100}
        levels:
          - {stars: 1, min_total: 60}
          - {stars: 2, min_total: 80}
        """)
    rows = [rec("a", "authority", "x", "s", 80), rec("a", "association", "y", "s", 79.9),
            rec("b", "authority", "x", "s", 80), rec("b", "association", "y", "s", 79.8)]
    report = run(rubric, rows)
    ea, eb = report.explain("a"), report.explain("b")
    assert ea.raw_total == approx(79.95)
    assert ea.total == 80.0
    assert ea.stars == 2
    assert eb.total == approx(79.9)
    assert eb.stars == 1


def test_float_sum_just_below_threshold_still_earns_the_level() -> None:
    """A raw total a float error below the threshold (rounding none) still earns the level."""
    # 0.3 (w .1/.8) + 0.3 (w .1/.8) + 0.3 (w .6/.8) is 0.29999999999999993 in floats, as
    # np.average([.2] * 3, weights=[.1, .1, .6]) is 0.19999999999999998
    assert np.average([0.2] * 3, weights=[0.1, 0.1, 0.6]) < 0.2  # such float error is real
    rubric = load("""
        sources:
          authority: {label: {en: Authority}, weight: 0.1}
          association: {label: {en: Association}, weight: 0.1}
          peer: {label: {en: Peer}, weight: 0.6, peer: true}
        rounding: {mode: none}
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 1}
        levels:
          - {stars: 1, min_total: 0.3}
        """)
    rows = [rec("a", "authority", "x", "s", 0.3), rec("a", "association", "y", "s", 0.3),
            rec("a", "peer", "p", "s", 0.3, rater_company="z")]
    e = run(rubric, rows).explain("a")
    assert e.raw_total < 0.3  # the engine's sum carries the float error too
    assert e.raw_total == approx(0.3)
    assert e.stars == 1


def test_float_sum_of_indicators_rounds_to_threshold() -> None:
    """A sum of indicators a float error below the threshold earns it, rounded or not."""
    # s 0.7 + t 0.1 is 0.7999999999999999 in floats; half up to 1 digit 0.8; level at 0.8
    body = """
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 1}
              t: {label: {en: T}, kind: score, points: 1}
        levels:
          - {stars: 1, min_total: 0.8}
        """
    rows = rows_of({"a": {"s": 0.7, "t": 0.1}})
    rounded = run(load(ONE_SOURCE, body), rows).explain("a")
    assert rounded.raw_total < 0.8
    assert rounded.total == 0.8
    assert rounded.stars == 1
    unrounded = run(load(ONE_SOURCE, body, "rounding: {mode: none}\n"), rows).explain("a")
    assert unrounded.total < 0.8
    assert unrounded.stars == 1


@pytest.mark.parametrize(
    ("value", "digits", "mode", "total"),
    [
        (80.45, 1, "half_up", 80.5),  # stored as 80.4499999...: the decimal 5 rounds up
        (80.44, 1, "half_up", 80.4),
        (2.675, 2, "half_up", 2.68),  # stored as 2.67499999...
        (0.125, 2, "half_up", 0.13),
        (80.45, 1, "half_even", 80.4),  # 4 is even: stays
        (80.55, 1, "half_even", 80.6),  # 5 is odd: up to 6
        (80.46, 0, "half_up", 80.0),
        (80.45678, 1, "none", 80.45678),
    ],
)
def test_rounding_modes(value: float, digits: int, mode: str, total: float) -> None:
    """The total is rounded as the rubric says (half up on the decimal value, half even, none)."""
    rubric = load(ONE_SOURCE, CLAIM_DIMENSIONS,
                  f"rounding: {{digits: {digits}, mode: {mode}}}\n")
    e = run(rubric, rows_of({"a": {"s": value}})).explain("a")
    assert e.raw_total == approx(value)
    assert e.total == approx(total)
    assert e.adjustments["rounding"] == approx(total - value)


# --------------------------------------------------------------------------- ranks


def test_competition_ranks_and_not_rated_has_no_rank() -> None:
    """Competition ranks 1, 2, 2, 4 on the rounded total; a not-rated company has rank None."""
    # totals 9, 8.04 -> 8.0, 7.96 -> 8.0, 7; e has no ratings
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 10}
        levels:
          - {stars: 1, min_total: 5}
        """)
    rows = rows_of({"a": {"s": 9}, "b": {"s": 8.04}, "c": {"s": 7.96}, "d": {"s": 7}})
    report = run(rubric, rows, companies=["e", "a", "b", "c", "d"])
    recs = records(report)
    assert [recs[c]["rank"] for c in "abcde"] == [1, 2, 2, 4, None]
    assert [recs[c]["total"] for c in "abcd"] == [approx(9.0), approx(8.0), approx(8.0),
                                                 approx(7.0)]
    assert recs["e"]["rated"] is False
    assert recs["e"]["not_rated"] == ["no ratings"]
    assert report.explain("b").rank == 2
    assert report.explain("e").rank is None


# --------------------------------------------------------------------------- explain: the gap


GAP_RUBRIC = """
dimensions:
  a:
    label: {en: A}
    indicators:
      x: {label: {en: X}, kind: score, points: 60}
      c: {label: {en: C}, kind: check}
      b: {label: {en: B}, kind: bonus, per: 1, cap: 5}
  bb:
    label: {en: BB}
    indicators:
      y: {label: {en: Y}, kind: score, points: 40}
levels:
  - {stars: 1, min_total: 50}
  - {stars: 2, min_total: 80, min_dimension_share: 0.75, requires: [c], min_bonus: 2}
"""


def test_gap_lists_each_unmet_condition_with_its_shortfall() -> None:
    """The gap to the next star lists each unmet condition of it with its shortfall."""
    # p: a 50 + bb 25 + bonus 1 = 76. 2 stars need: total 80 (-4), a 45 (met, not listed),
    # bb 30 (-5), c met (no), bonus 2 (-1)
    rubric = load(ONE_SOURCE, GAP_RUBRIC)
    report = run(rubric, rows_of({"p": {"x": 50, "y": 25, "c": 0, "b": 1}}))
    e = report.explain("p")
    assert (e.total, e.stars, e.next_level) == (approx(76.0), 1, 2)
    gap = [(g.what, g.required, g.actual, g.passed, g.shortfall) for g in e.gap]
    assert gap == [
        ("total", 80, approx(76.0), False, approx(4.0)),
        ("bb (75% of 40)", approx(30.0), approx(25.0), False, approx(5.0)),
        ("c met", "yes", "no", False, 0.0),
        ("bonus", 2, approx(1.0), False, approx(1.0)),
    ]
    assert e.parts_sum() == approx(76.0)


def test_gap_is_empty_of_met_conditions_and_none_at_the_top() -> None:
    """The gap lists only unmet conditions; at the top level there is no next level or gap."""
    rubric = load(ONE_SOURCE, GAP_RUBRIC)
    report = run(rubric, rows_of({"p": {"x": 50, "y": 35, "c": 1, "b": 2},
                                  "q": {"x": 50, "y": 35, "c": 0, "b": 2}}))
    top = report.explain("p")
    assert (top.stars, top.next_level, top.gap) == (2, None, ())
    q = report.explain("q")
    assert (q.total, q.stars, q.next_level) == (approx(87.0), 1, 2)
    assert [(g.what, g.actual) for g in q.gap] == [("c met", "no")]


def test_gap_names_veto_and_claim_blockers() -> None:
    """The gap also names a triggered veto and a lower claim (award_claim) as blockers."""
    rubric = load(ONE_SOURCE, VETO_DIMENSIONS, """
        vetoes:
          - {id: safety, label: {en: Safety}, when: accident, effect: cap, cap: 1}
        """)
    report = run(rubric, rows_of({"a": {"s": 95, "accident": 1}, "b": {"s": 95, "accident": 0}}),
                 claims={"b": 2})
    a = report.explain("a")
    assert (a.earned, a.stars, a.next_level) == (3, 1, 2)
    assert [(g.what, g.required, g.actual) for g in a.gap] == [
        ("veto safety", "not triggered", "triggered")]
    b = report.explain("b")
    assert (b.earned, b.stars, b.verdict, b.next_level) == (3, 2, "confirmed", 3)
    assert [(g.what, g.required, g.actual) for g in b.gap] == [
        ("claim", "a claim of 3★ or more", "2★")]


def test_gap_names_a_refused_claim() -> None:
    """Refused (claimed 3, earned 2, award_none -> 0 stars): the gap to 1 star names the claim."""
    rubric = load(ONE_SOURCE, CLAIM_DIMENSIONS, "claims: {below_claim: award_none}\n")
    e = run(rubric, rows_of({"a": {"s": 75}}), claims={"a": 3}).explain("a")
    assert (e.earned, e.stars, e.verdict, e.next_level) == (2, 0, "refused", 1)
    assert [(g.what, g.passed) for g in e.gap] == [("claim", False)]
