"""Hand-computed fixtures for scoring: indicator kinds, aggregation, missing sources, defaults,
``weighting: shares``, input checking and the additive breakdown of :meth:`Report.explain`.

Every rubric is written inline as YAML; each test states its arithmetic, and the numbers asserted
are the hand-computed ones (to 1e-9).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import red_property as rp

from .budget import examples
from .fixtures import ONE_SOURCE, THREE_SOURCES, approx, load, rec, run


def points(report: rp.Report, company: str, indicator: str) -> float:
    """Points (total scale) ``company`` got through ``indicator``, from the explanation's parts."""
    return sum(p.points for p in report.explain(company).parts if p.indicator == indicator)


def raw(report: rp.Report, company: str) -> float:
    """The unrounded total of ``company``."""
    return report.explain(company).raw_total


# --------------------------------------------------------------------------- indicator kinds


def test_check_points_times_weighted_share_of_yes() -> None:
    """check: each source gives points x its share of yes; sources are weighted."""
    rubric = load(THREE_SOURCES, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              c: {label: {en: C}, kind: check, points: 10}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [
        rec("a", "authority", "a1", "c", 1), rec("a", "authority", "a2", "c", 0),
        rec("a", "association", "b1", "c", 1),
        rec("a", "peer", "p1", "c", 0, rater_company="z"),
        rec("b", "authority", "a1", "c", 1), rec("b", "authority", "a2", "c", 1),
        rec("b", "association", "b1", "c", 0),
        rec("b", "peer", "p1", "c", 1, rater_company="z"),
    ]
    report = run(rubric, rows)
    # a: authority 10 x 1/2 = 5 (w .5) + association 10 (w .3) + peer 0 (w .2) = 2.5 + 3 = 5.5
    assert raw(report, "a") == approx(5.5)
    # b: authority 10 (w .5) + association 0 (w .3) + peer 10 (w .2) = 5 + 2 = 7
    assert raw(report, "b") == approx(7.0)
    assert report.explain("a").total == approx(5.5)


def test_options_number_is_refused_with_the_labels() -> None:
    """options: a number is no option (2 is not read as the third option); the error lists the
    labels, at the number's row."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              o: {label: {en: O}, kind: options, options: {none: 0, applied: 3, approved: 5}}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [rec("a", "authority", "r", "o", "approved"), rec("b", "authority", "r", "o", 2),
            rec("c", "authority", "r", "o", "0")]
    with pytest.raises(rp.RatingsError) as info:
        run(rubric, rows)
    assert [(p.row, p.path) for p in info.value.problems] == [(2, "value"), (3, "value")]
    assert info.value.problems[0].message == (
        "value 2 is a number, but indicator 'o' takes an option's label: none, applied, approved")


def test_options_numbers_as_points_when_the_rubric_declares_it() -> None:
    """options with `numbers: points`: a number names the option worth exactly that many points;
    any other number is refused with the options and their points."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              o: {label: {en: O}, kind: options, options: {none: 0, applied: 3, approved: 5},
                  numbers: points}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [rec("a", "authority", "r", "o", 3), rec("b", "authority", "r", "o", "approved"),
            rec("c", "authority", "r", "o", "0")]
    report = run(rubric, rows)
    assert [raw(report, c) for c in "abc"] == [approx(3.0), approx(5.0), approx(0.0)]
    with pytest.raises(rp.RatingsError) as info:
        run(rubric, [*rows, rec("d", "authority", "r", "o", 2)])
    assert [p.row for p in info.value.problems] == [4]
    assert info.value.problems[0].message == (
        "value 2 is not the points of an option of 'o': none 0, applied 3, approved 5")


def test_options_text_keys_in_value_column() -> None:
    """options: the value column holds the option's label."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              o: {label: {en: O}, kind: options, options: {none: 0, applied: 3, approved: 5}}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [rec("a", "authority", "r", "o", "approved"), rec("b", "authority", "r", "o", "applied"),
            rec("c", "authority", "r", "o", "none")]
    report = run(rubric, rows)
    # "approved" -> 5, "applied" -> 3, "none" -> 0
    assert [raw(report, c) for c in "abc"] == [approx(5.0), approx(3.0), approx(0.0)]
    assert report.rows_dropped == 0


def test_options_interpolate_between_neighbours_when_raters_differ() -> None:
    """options: raters' codes are averaged and the points read between the neighbouring options."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              o: {label: {en: O}, kind: options, options: {none: 0, applied: 3, approved: 5}}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [
        rec("a", "authority", "r1", "o", "applied"), rec("a", "authority", "r2", "o", "approved"),
        rec("b", "authority", "r1", "o", "none"), rec("b", "authority", "r2", "o", "applied"),
        rec("c", "authority", "r1", "o", "none"), rec("c", "authority", "r2", "o", "applied"),
        rec("c", "authority", "r3", "o", "approved"), rec("c", "authority", "r4", "o", "approved"),
    ]
    report = run(rubric, rows)
    # a: codes 1, 2 -> 1.5 -> halfway between 3 and 5 = 4
    assert raw(report, "a") == approx(4.0)
    # b: codes 0, 1 -> 0.5 -> halfway between 0 and 3 = 1.5
    assert raw(report, "b") == approx(1.5)
    # c: codes 0, 1, 2, 2 -> 1.25 -> 3 + 0.25 x (5 - 3) = 3.5
    assert raw(report, "c") == approx(3.5)


def test_options_sources_weight_their_own_option_points() -> None:
    """options: each source's own option points are weighted across sources."""
    # approved 5 (w .5) + applied 3 (w .3) + none 0 (w .2) = 2.5 + 0.9 = 3.4
    rubric = load(THREE_SOURCES, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              o: {label: {en: O}, kind: options, options: {none: 0, applied: 3, approved: 5}}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [rec("a", "authority", "a1", "o", "approved"),
            rec("a", "association", "b1", "o", "applied"),
            rec("a", "peer", "p1", "o", "none", rater_company="z")]
    report = run(rubric, rows)
    assert raw(report, "a") == approx(0.5 * 5 + 0.3 * 3 + 0.2 * 0)
    assert raw(report, "a") == approx(3.4)


def test_score_value_is_the_points() -> None:
    """score: the (aggregated) value is the points: mean of 6 and 9 = 7.5 of 10."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 10}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [rec("a", "authority", "r1", "s", 6), rec("a", "authority", "r2", "s", 9),
            rec("b", "authority", "r1", "s", 10), rec("b", "authority", "r2", "s", 0)]
    report = run(rubric, rows)
    assert raw(report, "a") == approx(7.5)  # (6 + 9) / 2
    assert raw(report, "b") == approx(5.0)  # (10 + 0) / 2


def test_measure_goalposts_higher_is_better() -> None:
    """measure goalposts worst 60 best 100: points x (v - 60) / 40, clipped to [0, 1]."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              m:
                label: {en: Satisfaction}
                kind: measure
                points: 10
                goalposts: {worst: 60, best: 100}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [rec("a", "authority", "r", "m", 85), rec("b", "authority", "r", "m", 40),
            rec("c", "authority", "r", "m", 120)]
    report = run(rubric, rows)
    assert raw(report, "a") == approx(6.25)  # 10 x (85 - 60) / 40
    assert raw(report, "b") == approx(0.0)  # below worst: 0
    assert raw(report, "c") == approx(10.0)  # beyond best: full points


def test_measure_goalposts_lower_is_better() -> None:
    """measure goalposts worst 48 best 24 (hours): points x (v - 48) / (24 - 48), clipped."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              m:
                label: {en: Response hours}
                kind: measure
                points: 8
                goalposts: {worst: 48, best: 24}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [rec("a", "authority", "r", "m", 30), rec("b", "authority", "r", "m", 60),
            rec("c", "authority", "r", "m", 12)]
    report = run(rubric, rows)
    assert raw(report, "a") == approx(6.0)  # 8 x (30 - 48) / (24 - 48) = 8 x 0.75
    assert raw(report, "b") == approx(0.0)  # worse than worst
    assert raw(report, "c") == approx(8.0)  # better than best


def test_measure_bands_higher_is_better() -> None:
    """measure bands (5: 100 %, 3: 60 %, 1: 30 %) of 6 points; the raters' mean picks the band."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              m:
                label: {en: Graduates}
                kind: measure
                points: 6
                bands:
                  - {threshold: 5, share: 1.0}
                  - {threshold: 3, share: 0.6}
                  - {threshold: 1, share: 0.3}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [rec("a", "authority", "r1", "m", 4), rec("b", "authority", "r1", "m", 0),
            rec("c", "authority", "r1", "m", 5),
            rec("d", "authority", "r1", "m", 2), rec("d", "authority", "r2", "m", 4)]
    report = run(rubric, rows)
    assert raw(report, "a") == approx(3.6)  # 4 reaches 3: 6 x 0.6
    assert raw(report, "b") == approx(0.0)  # 0 reaches no band
    assert raw(report, "c") == approx(6.0)  # exactly 5: 6 x 1.0
    assert raw(report, "d") == approx(3.6)  # mean (2 + 4) / 2 = 3 reaches 3: 6 x 0.6


def test_measure_bands_lower_is_better() -> None:
    """measure bands, better lower (24 h: 100 %, 48 h: 50 %) of 4 points."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              m:
                label: {en: Response hours}
                kind: measure
                points: 4
                better: lower
                bands:
                  - {threshold: 24, share: 1.0}
                  - {threshold: 48, share: 0.5}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [rec("a", "authority", "r", "m", 24), rec("b", "authority", "r", "m", 30),
            rec("c", "authority", "r", "m", 50)]
    report = run(rubric, rows)
    assert raw(report, "a") == approx(4.0)  # 24 <= 24: 4 x 1.0
    assert raw(report, "b") == approx(2.0)  # 30 <= 48: 4 x 0.5
    assert raw(report, "c") == approx(0.0)  # 50 beyond every band


def test_deduction_per_occurrence_up_to_cap() -> None:
    """deduction 10 points, 2 per occurrence, cap 6: 10 - min(2n, 6)."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              x: {label: {en: Complaints}, kind: deduction, points: 10, per: 2, cap: 6}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [rec("a", "authority", "r", "x", 0), rec("b", "authority", "r", "x", 2),
            rec("c", "authority", "r", "x", 5)]
    report = run(rubric, rows)
    assert raw(report, "a") == approx(10.0)  # nothing off
    assert raw(report, "b") == approx(6.0)  # 10 - 2 x 2
    assert raw(report, "c") == approx(4.0)  # 10 - min(10, 6)


def test_deduction_never_below_floor() -> None:
    """deduction 10 points, 3 per occurrence, floor 2: max(10 - 3n, 2)."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              x: {label: {en: Complaints}, kind: deduction, points: 10, per: 3, floor: 2}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [rec("a", "authority", "r", "x", 2), rec("b", "authority", "r", "x", 3),
            rec("c", "authority", "r", "x", 10)]
    report = run(rubric, rows)
    assert raw(report, "a") == approx(4.0)  # 10 - 6
    assert raw(report, "b") == approx(2.0)  # 10 - 9 = 1, floor 2
    assert raw(report, "c") == approx(2.0)  # 10 - 30 < 0, floor 2


def test_deduction_cap_and_floor_together() -> None:
    """deduction 10, 4 per occurrence, cap 6, floor 5: max(10 - min(4n, 6), 5)."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              x: {label: {en: X}, kind: deduction, points: 10, per: 4, cap: 6, floor: 5}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [rec("a", "authority", "r", "x", 1), rec("b", "authority", "r", "x", 2),
            rec("c", "authority", "r1", "x", 0), rec("c", "authority", "r2", "x", 1)]
    report = run(rubric, rows)
    assert raw(report, "a") == approx(6.0)  # 10 - 4
    assert raw(report, "b") == approx(5.0)  # 10 - min(8, 6) = 4, floor 5
    assert raw(report, "c") == approx(8.0)  # mean count 0.5: 10 - 2


def test_bonus_per_cap_and_rubric_bonus_pool() -> None:
    """bonus: min(per x n, cap) each, summed into a pool capped by the rubric's bonus_cap."""
    rubric = load(ONE_SOURCE, """
        bonus_cap: 3
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 10}
              b1: {label: {en: Awards}, kind: bonus, per: 1, cap: 2}
              b2: {label: {en: Commendations}, kind: bonus, per: 1.5, cap: 3}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [
        rec("a", "authority", "r", "s", 6), rec("a", "authority", "r", "b1", 1),
        rec("a", "authority", "r", "b2", 1),
        rec("b", "authority", "r", "s", 6), rec("b", "authority", "r", "b1", 3),
        rec("b", "authority", "r", "b2", 2),
    ]
    report = run(rubric, rows)
    recs = {r["company"]: r for r in report.to_records()}
    # a: bonus 1 x 1 + 1.5 x 1 = 2.5 (under the pool cap 3); total 6 + 2.5 = 8.5
    assert recs["a"]["bonus"] == approx(2.5)
    assert raw(report, "a") == approx(8.5)
    # b: b1 min(3, 2) = 2, b2 min(3, 3) = 3 -> 5, pool cap 3; total 6 + 3 = 9
    assert points(report, "b", "b1") == approx(2.0)
    assert points(report, "b", "b2") == approx(3.0)
    assert recs["b"]["bonus"] == approx(3.0)
    assert raw(report, "b") == approx(9.0)
    # the bonus is outside the dimension: d holds the score only
    assert recs["b"]["dimensions"] == {"d": approx(6.0)}
    assert report.explain("b").adjustments["bonus cap"] == approx(-2.0)
    assert report.explain("a").adjustments["bonus cap"] == approx(0.0)


# --------------------------------------------------------------------------- aggregation


AGG_DIMENSIONS = """
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
levels:
  - {stars: 1, min_total: 1}
"""


def _agg_rubric(aggregate: str) -> rp.Rubric:
    return load(f"""
        sources:
          authority: {{label: {{en: Authority}}, weight: 1, aggregate: {aggregate}}}
        """, AGG_DIMENSIONS)


def _ratings(company_values: dict[str, list[float]]) -> list[dict[str, Any]]:
    return [rec(c, "authority", f"r{k}", "s", v)
            for c, values in company_values.items() for k, v in enumerate(values)]


def test_aggregate_mean() -> None:
    """mean: (6 + 8 + 10) / 3 = 8 and (1 + 2) / 2 = 1.5."""
    report = run(_agg_rubric("mean"), _ratings({"a": [6, 8, 10], "b": [1, 2]}))
    assert raw(report, "a") == approx(8.0)
    assert raw(report, "b") == approx(1.5)


def test_aggregate_median_odd_and_even_counts() -> None:
    """median: odd count 2, 4, 9 -> 4; even count 2, 4, 9, 10 -> (4 + 9) / 2 = 6.5."""
    report = run(_agg_rubric("median"), _ratings({"a": [9, 2, 4], "b": [10, 2, 9, 4]}))
    assert raw(report, "a") == approx(4.0)
    assert raw(report, "b") == approx(6.5)


def test_aggregate_trimmed_default_min_raters() -> None:
    """trimmed trim 1 (min_raters 2 x 1 + 1 = 3): trim from 3 raters on, plain mean below."""
    report = run(_agg_rubric("{method: trimmed, trim: 1}"),
                 _ratings({"a": [1, 5, 10, 6], "b": [0, 4, 10], "c": [2, 8]}))
    assert raw(report, "a") == approx(5.5)  # drop 1 and 10: (5 + 6) / 2
    assert raw(report, "b") == approx(4.0)  # drop 0 and 10: 4
    assert raw(report, "c") == approx(5.0)  # 2 raters < 3: (2 + 8) / 2


def test_aggregate_trimmed_below_min_raters_is_plain_mean() -> None:
    """trimmed trim 1 min_raters 5: 4 raters plain mean, 5 raters trimmed."""
    report = run(_agg_rubric("{method: trimmed, trim: 1, min_raters: 5}"),
                 _ratings({"a": [1, 5, 6, 10], "b": [0, 5, 6, 7, 10]}))
    assert raw(report, "a") == approx(5.5)  # (1 + 5 + 6 + 10) / 4
    assert raw(report, "b") == approx(6.0)  # drop 0 and 10: (5 + 6 + 7) / 3 (plain mean 5.6)


def test_aggregation_is_within_source_before_weighting() -> None:
    """Each source aggregates its own raters first, then the source views are weighted."""
    # authority mean(8, 10) = 9 (w .5) + association median(2, 6, 7) = 6 (w .3) + peer 5 (w .2)
    # = 4.5 + 1.8 + 1 = 7.3
    rubric = load("""
        sources:
          authority: {label: {en: Authority}, weight: 0.5}
          association: {label: {en: Association}, weight: 0.3, aggregate: median}
          peer: {label: {en: Peer}, weight: 0.2, peer: true}
        """, AGG_DIMENSIONS)
    rows = [rec("a", "authority", "a1", "s", 8), rec("a", "authority", "a2", "s", 10),
            rec("a", "association", "b1", "s", 2), rec("a", "association", "b2", "s", 7),
            rec("a", "association", "b3", "s", 6),
            rec("a", "peer", "p1", "s", 5, rater_company="z")]
    report = run(rubric, rows)
    assert raw(report, "a") == approx(7.3)
    assert report.explain("a").by_source == {"authority": approx(4.5),
                                             "association": approx(1.8),
                                             "peer": approx(1.0)}


# --------------------------------------------------------------------------- missing sources


def test_renormalise_rescales_the_remaining_weights() -> None:
    """renormalise: a missing source's weight goes to the others, pro rata; shown in explain."""
    # a: 8 (w .5) + 6 (w .3) + 4 (w .2) = 6.6; b (no peer): 8 (w .5/.8) + 6 (w .3/.8) = 7.25
    rubric = load(THREE_SOURCES, AGG_DIMENSIONS)
    rows = [rec("a", "authority", "a1", "s", 8), rec("a", "association", "b1", "s", 6),
            rec("a", "peer", "p1", "s", 4, rater_company="z"),
            rec("b", "authority", "a1", "s", 8), rec("b", "association", "b1", "s", 6)]
    report = run(rubric, rows)
    assert raw(report, "a") == approx(6.6)
    assert raw(report, "b") == approx(7.25)
    assert report.explain("a").weights == {"s": {"authority": approx(0.5),
                                                 "association": approx(0.3),
                                                 "peer": approx(0.2)}}
    assert report.explain("b").weights == {"s": {"authority": approx(0.625),
                                                 "association": approx(0.375)}}
    recs = {r["company"]: r for r in report.to_records()}
    assert recs["a"]["quorum_short"] == []
    assert recs["b"]["quorum_short"] == ["peer"]
    assert recs["b"]["rated"] is True


def test_renormalise_below_quorum_drops_the_source() -> None:
    """renormalise: a source below its quorum (peer, 2) is dropped and the weights rescaled."""
    # a: two peers mean(4, 6) = 5: 4 + 1.8 + 1 = 6.8; b: one peer is short: (4 + 1.8) / .8 = 7.25
    rubric = load("""
        sources:
          authority: {label: {en: Authority}, weight: 0.5}
          association: {label: {en: Association}, weight: 0.3}
          peer: {label: {en: Peer}, weight: 0.2, peer: true, quorum: 2}
        """, AGG_DIMENSIONS)
    rows = [rec("a", "authority", "a1", "s", 8), rec("a", "association", "b1", "s", 6),
            rec("a", "peer", "p1", "s", 4, rater_company="y"),
            rec("a", "peer", "p2", "s", 6, rater_company="z"),
            rec("b", "authority", "a1", "s", 8), rec("b", "association", "b1", "s", 6),
            rec("b", "peer", "p1", "s", 0, rater_company="y")]
    report = run(rubric, rows)
    assert raw(report, "a") == approx(6.8)
    assert raw(report, "b") == approx(7.25)
    assert report.explain("b").weights == {"s": {"authority": approx(0.625),
                                                 "association": approx(0.375)}}
    recs = {r["company"]: r for r in report.to_records()}
    assert recs["b"]["quorum_short"] == ["peer"]
    assert recs["a"]["quorum_short"] == []


def test_not_rated_policy_marks_company_not_rated() -> None:
    """when_short not_rated: short of the authority, a company is not rated, with a reason."""
    rubric = load("""
        sources:
          authority: {label: {en: Authority}, weight: 0.5, when_short: not_rated}
          association: {label: {en: Association}, weight: 0.5}
        """, AGG_DIMENSIONS)
    rows = [rec("a", "authority", "a1", "s", 8), rec("a", "association", "b1", "s", 6),
            rec("b", "association", "b1", "s", 9)]
    report = run(rubric, rows)
    recs = {r["company"]: r for r in report.to_records()}
    assert recs["a"]["rated"] is True
    assert recs["a"]["total"] == approx(7.0)  # 8 x .5 + 6 x .5
    assert recs["a"]["rank"] == 1
    assert recs["b"]["rated"] is False
    assert recs["b"]["stars"] is None
    assert recs["b"]["rank"] is None
    assert recs["b"]["total"] is None
    assert recs["b"]["not_rated"] == ["below quorum: authority/s (0 of 1)"]
    assert report.stars["b"] is None


def test_fail_policy_raises_evaluation_error() -> None:
    """when_short fail: a short source refuses the whole evaluation."""
    rubric = load("""
        sources:
          authority: {label: {en: Authority}, weight: 0.5}
          peer: {label: {en: Peer}, weight: 0.5, peer: true, quorum: 2, when_short: fail}
        """, AGG_DIMENSIONS)
    rows = [rec("a", "authority", "a1", "s", 8), rec("a", "peer", "p1", "s", 6, rater_company="y"),
            rec("a", "peer", "p2", "s", 6, rater_company="z"),
            rec("b", "authority", "a1", "s", 8), rec("b", "peer", "p1", "s", 6, rater_company="y")]
    with pytest.raises(rp.EvaluationError, match=r"source 'peer' has 1 rater\(s\) on indicator "
                       r"'s' for company 'b', fewer than its quorum of 2"):
        run(rubric, rows)


def test_fail_policy_passes_when_every_cell_reaches_quorum() -> None:
    """when_short fail: with quorum met everywhere the evaluation runs: 8 x .5 + 6 x .5 = 7."""
    rubric = load("""
        sources:
          authority: {label: {en: Authority}, weight: 0.5}
          peer: {label: {en: Peer}, weight: 0.5, peer: true, quorum: 2, when_short: fail}
        """, AGG_DIMENSIONS)
    rows = [rec("a", "authority", "a1", "s", 8), rec("a", "peer", "p1", "s", 4, rater_company="y"),
            rec("a", "peer", "p2", "s", 8, rater_company="z")]
    assert raw(run(rubric, rows), "a") == approx(7.0)  # peer mean(4, 8) = 6


# --------------------------------------------------------------------------- defaults


def test_default_used_when_nobody_rated_the_indicator() -> None:
    """An indicator no source rated takes its default; a rated one does not."""
    # defaults: check 1 -> 4 points; measure 80 on goalposts 60..100 -> 10 x 20 / 40 = 5
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 6}
              c: {label: {en: C}, kind: check, points: 4, default: 1}
              m:
                label: {en: M}
                kind: measure
                points: 10
                goalposts: {worst: 60, best: 100}
                default: 80
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [rec("a", "authority", "r", "s", 5), rec("a", "authority", "r", "c", 0),
            rec("a", "authority", "r", "m", 100),
            rec("b", "authority", "r", "s", 5)]
    report = run(rubric, rows)
    # a rated everything: 5 + 0 + 10 = 15
    assert raw(report, "a") == approx(15.0)
    # b: 5 + default check 1 -> 4 + default measure 80 -> 10 x (80 - 60) / 40 = 5 -> 14
    assert raw(report, "b") == approx(14.0)
    parts = {(p.indicator, p.source): p.points for p in report.explain("b").parts}
    assert parts == {("s", "authority"): approx(5.0), ("c", "default"): approx(4.0),
                     ("m", "default"): approx(5.0)}
    assert report.explain("b").by_source == {"authority": approx(5.0), "default": approx(9.0)}
    assert report.explain("b").weights == {"s": {"authority": approx(1.0)}}


def test_no_rating_and_no_default_is_not_rated() -> None:
    """An indicator no source rated and without a default leaves the company not rated."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 6}
              t: {label: {en: T}, kind: score, points: 4}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [rec("a", "authority", "r", "s", 5), rec("a", "authority", "r", "t", 4),
            rec("b", "authority", "r", "s", 5)]
    recs = {r["company"]: r for r in run(rubric, rows).to_records()}
    assert recs["a"]["rated"] is True
    assert recs["a"]["total"] == approx(9.0)
    assert recs["b"]["rated"] is False
    assert recs["b"]["not_rated"] == ["no rating for t (and no default)"]
    assert recs["b"]["rank"] is None


# --------------------------------------------------------------------------- weighting: shares


def test_shares_weighting_scales_dimensions_to_max_total() -> None:
    """weighting shares: dimension points are scaled to weight x max_total."""
    # max_total 100: a (weight .6, 20 points) x 60/20 = x3; b (weight .4, 5 points) x 40/5 = x8
    # x: a 5 + 10 = 15 -> 45, b 4 -> 32, total 77
    rubric = load(ONE_SOURCE, """
        weighting: shares
        max_total: 100
        dimensions:
          a:
            label: {en: A}
            weight: 0.6
            indicators:
              s: {label: {en: S}, kind: score, points: 10}
              c: {label: {en: C}, kind: check, points: 10}
          b:
            label: {en: B}
            weight: 0.4
            indicators:
              t: {label: {en: T}, kind: score, points: 5}
        levels:
          - {stars: 1, min_total: 50}
        """)
    rows = [rec("x", "authority", "r", "s", 5), rec("x", "authority", "r", "c", 1),
            rec("x", "authority", "r", "t", 4),
            rec("y", "authority", "r", "s", 10), rec("y", "authority", "r", "c", 1),
            rec("y", "authority", "r", "t", 5)]
    report = run(rubric, rows)
    e = report.explain("x")
    assert e.dimensions == {"a": (approx(45.0), approx(60.0)), "b": (approx(32.0), approx(40.0))}
    assert points(report, "x", "s") == approx(15.0)  # 5 x 60 / 20
    assert points(report, "x", "c") == approx(30.0)  # 10 x 60 / 20
    assert points(report, "x", "t") == approx(32.0)  # 4 x 40 / 5
    assert e.raw_total == approx(77.0)
    assert raw(report, "y") == approx(100.0)  # a perfect company scores max_total


# --------------------------------------------------------------------------- input checking


def test_self_ratings_are_dropped_and_counted() -> None:
    """A peer rating its own company is dropped (by default), counted, and not used."""
    rubric = load("""
        sources:
          authority: {label: {en: Authority}, weight: 0.5}
          peer: {label: {en: Peer}, weight: 0.5, peer: true}
        """, AGG_DIMENSIONS)
    rows = [rec("a", "authority", "a1", "s", 8),
            rec("a", "peer", "pa", "s", 10, rater_company="a"),  # self-rating: dropped
            rec("a", "peer", "pb", "s", 4, rater_company="b"),
            rec("b", "authority", "a1", "s", 6),
            rec("b", "peer", "pb", "s", 10, rater_company="b"),  # self-rating: dropped
            rec("b", "peer", "pa", "s", 2, rater_company="a")]
    report = run(rubric, rows)
    assert report.rows_read == 6
    assert report.rows_used == 4
    assert report.rows_dropped == 2
    assert report.dropped_by_reason == {"self-rating": 2}
    assert [p.row for p in report.dropped] == [2, 5]
    assert raw(report, "a") == approx(6.0)  # 8 x .5 + 4 x .5 (pa's 10 not used)
    assert raw(report, "b") == approx(4.0)  # 6 x .5 + 2 x .5 (pb's 10 not used)


def test_self_ratings_error_policy_refuses() -> None:
    """input.self_ratings error: a self-rating is a RatingsError naming its row."""
    rubric = load("""
        sources:
          authority: {label: {en: Authority}, weight: 0.5}
          peer: {label: {en: Peer}, weight: 0.5, peer: true}
        input: {self_ratings: error}
        """, AGG_DIMENSIONS)
    rows = [rec("a", "authority", "a1", "s", 8),
            rec("a", "peer", "pa", "s", 10, rater_company="a")]
    with pytest.raises(rp.RatingsError) as info:
        run(rubric, rows)
    assert [p.row for p in info.value.problems] == [2]
    assert "self-rating" in info.value.problems[0].message


INPUT_SOURCES = """
sources:
  authority: {label: {en: Authority}, weight: 0.5}
  association: {label: {en: Association}, weight: 0.3}
  peer: {label: {en: Peer}, weight: 0.2, peer: true}
"""

# rows 1, 2, 4, 5 are valid; the case's rows go in at row 3. Valid totals:
# a: (8 x .5 + 6 x .3) / .8 = 7.25, b: (7 x .5 + 5 x .3) / .8 = 6.25 (no peer: renormalised)
BAD_ROWS = {
    "unknown indicator": (rec("a", "authority", "a2", "nope", 5), [3],
                          "unknown indicator 'nope'", 7.25),
    "unknown source": (rec("a", "press", "x", "s", 5), [3], "unknown source 'press'", 7.25),
    "out of range": (rec("a", "authority", "a2", "s", 11), [3],
                     "value 11 is outside 0 to 10 for indicator 's'", 7.25),
    "duplicate": (rec("a", "authority", "a1", "s", 2), [3],
                  "rater 'a1' rated company 'a' on 's' twice", 7.25),
    # every row of a rater found in two sources is suspect: rows 1, 3 and 4 are a1's; a keeps
    # association 6 alone, b association 5 alone. One cause: listed once, at row 1, with its rows
    "rater in two sources": (rec("a", "association", "a1", "s", 9), [1, 3, 4],
                             "rater 'a1' appears in more than one source", 6.0),
    "peer rating without rater_company": (rec("a", "peer", "p1", "s", 4), [3],
                                          "peer rating without rater_company", 7.25),
    "not a number": (rec("a", "authority", "a2", "s", "eight"), [3],
                     "value 'eight' is not a number", 7.25),
}


def _input_rows(bad: dict[str, Any]) -> list[dict[str, Any]]:
    return [rec("a", "authority", "a1", "s", 8), rec("a", "association", "b1", "s", 6), bad,
            rec("b", "authority", "a1", "s", 7), rec("b", "association", "b1", "s", 5)]


@pytest.mark.parametrize("reason", list(BAD_ROWS))
def test_invalid_row_is_a_ratings_error_with_its_row(reason: str) -> None:
    """input.invalid_rows error (default): an invalid row raises RatingsError naming its row
    (the rows of one cause in one problem, at the first)."""
    bad, rows, message, _ = BAD_ROWS[reason]
    rubric = load(INPUT_SOURCES, AGG_DIMENSIONS)
    with pytest.raises(rp.RatingsError) as info:
        run(rubric, _input_rows(bad))
    assert [p.row for p in info.value.problems] == rows[:1]
    assert all(message in p.message for p in info.value.problems)
    if len(rows) > 1:
        assert info.value.problems[0].message.endswith(f"(rows {', '.join(map(str, rows))})")


@pytest.mark.parametrize("reason", list(BAD_ROWS))
def test_invalid_row_dropped_and_counted_with_drop_policy(reason: str) -> None:
    """input.invalid_rows drop: the same rows are dropped, counted by reason and not used."""
    bad, rows, message, total_a = BAD_ROWS[reason]
    rubric = load(INPUT_SOURCES, AGG_DIMENSIONS, "input: {invalid_rows: drop}\n")
    report = run(rubric, _input_rows(bad))
    assert report.rows_read == 5
    assert report.rows_dropped == len(rows)
    assert report.dropped_by_reason == {reason: len(rows)}
    assert [p.row for p in report.dropped] == rows  # the report lists dropped rows one by one
    assert all(message in p.message for p in report.dropped)
    assert raw(report, "a") == approx(total_a)
    assert raw(report, "b") == approx(5.0 if reason == "rater in two sources" else 6.25)


def test_option_key_of_another_indicator_is_not_a_number() -> None:
    """A text value that is not an option of its own indicator is refused (not a number)."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              o: {label: {en: O}, kind: options, options: {none: 0, applied: 3, approved: 5}}
              p: {label: {en: P}, kind: options, options: {low: 0, high: 2}}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [rec("a", "authority", "r", "o", "approved"), rec("a", "authority", "r", "p", "applied")]
    with pytest.raises(rp.RatingsError) as info:
        run(rubric, rows)
    assert [p.row for p in info.value.problems] == [2]
    assert info.value.problems[0].message == (
        "value 'applied' is not a number or an option of 'p': low, high")


# --------------------------------------------------------------------------- explain


def test_explain_parts_and_adjustments_sum_to_total() -> None:
    """explain: parts (by source and indicator) + bonus-cap and rounding adjustments = total."""
    rubric = load("""
        sources:
          authority: {label: {en: Authority}, weight: 0.5}
          association: {label: {en: Association}, weight: 0.3}
          peer: {label: {en: Peer}, weight: 0.2, peer: true}
        bonus_cap: 1
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 10}
              o: {label: {en: O}, kind: options, options: {none: 0, some: 2, all: 5}}
              b: {label: {en: B}, kind: bonus, per: 0.75, cap: 3}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [rec("a", "authority", "a1", "s", 7.33), rec("a", "association", "b1", "s", 6.1),
            rec("a", "peer", "p1", "s", 9.07, rater_company="z"),
            rec("a", "authority", "a1", "o", "some"), rec("a", "association", "b1", "o", "all"),
            rec("a", "authority", "a1", "b", 2)]
    e = run(rubric, rows).explain("a")
    parts = {(p.indicator, p.source): p.points for p in e.parts}
    # s: 7.33 x .5 + 6.1 x .3 + 9.07 x .2 = 3.665 + 1.83 + 1.814 = 7.309
    # o (no peer): 2 x .5/.8 + 5 x .3/.8 = 1.25 + 1.875 = 3.125
    # b: 0.75 x 2 = 1.5, pool cap 1 -> -0.5; raw 7.309 + 3.125 + 1 = 11.434 -> 11.4 (-0.034)
    assert parts == {("s", "authority"): approx(3.665), ("s", "association"): approx(1.83),
                     ("s", "peer"): approx(1.814), ("o", "authority"): approx(1.25),
                     ("o", "association"): approx(1.875), ("b", "authority"): approx(1.5)}
    assert e.adjustments == {"bonus cap": approx(-0.5), "rounding": approx(-0.034)}
    assert e.raw_total == approx(11.434)
    assert e.total == approx(11.4)
    assert e.parts_sum() == approx(e.total)
    assert e.weights == {"s": {"authority": approx(0.5), "association": approx(0.3),
                               "peer": approx(0.2)},
                         "o": {"authority": approx(0.625), "association": approx(0.375)},
                         "b": {"authority": approx(1.0)}}
    assert e.by_source == {"authority": approx(3.665 + 1.25 + 1.5),
                           "association": approx(1.83 + 1.875), "peer": approx(1.814)}


def test_quorum_and_trimming_count_raters_after_self_ratings_are_dropped() -> None:
    """Quorum and trimming count a peer source's raters after self-ratings are dropped."""
    # peer trimmed trim 1, quorum 3. a keeps 3 peers after its own 10 is dropped: 2, 5, 9 ->
    # trimmed 5: 8 x .5 + 5 x .5 = 6.5. b keeps 2 peers, short: authority 6 alone
    rubric = load("""
        sources:
          authority: {label: {en: Authority}, weight: 0.5}
          peer:
            label: {en: Peer}
            weight: 0.5
            peer: true
            quorum: 3
            aggregate: {method: trimmed, trim: 1}
        """, AGG_DIMENSIONS)
    rows = [rec("a", "authority", "a1", "s", 8),
            rec("a", "peer", "pa", "s", 10, rater_company="a"),
            rec("a", "peer", "pb", "s", 2, rater_company="b"),
            rec("a", "peer", "pc", "s", 5, rater_company="c"),
            rec("a", "peer", "pd", "s", 9, rater_company="d"),
            rec("b", "authority", "a1", "s", 6),
            rec("b", "peer", "pb", "s", 10, rater_company="b"),
            rec("b", "peer", "pa", "s", 4, rater_company="a"),
            rec("b", "peer", "pc", "s", 7, rater_company="c")]
    report = run(rubric, rows)
    assert report.dropped_by_reason == {"self-rating": 2}
    assert raw(report, "a") == approx(6.5)
    assert raw(report, "b") == approx(6.0)
    assert {r["company"]: r["quorum_short"] for r in report.to_records()} == {
        "a": [], "b": ["peer"]}


def test_default_applies_when_the_only_rating_is_below_quorum() -> None:
    """A rating dropped as short (below quorum) counts as no rating: the default applies."""
    # a (no t rating) and b (one peer on t, quorum 2): s 5 + t default 2 = 7 both
    rubric = load("""
        sources:
          authority: {label: {en: Authority}, weight: 0.5, covers: [s]}
          peer: {label: {en: Peer}, weight: 0.5, peer: true, quorum: 2, covers: [t]}
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 6}
              t: {label: {en: T}, kind: score, points: 4, default: 2}
        levels:
          - {stars: 1, min_total: 1}
        """)
    rows = [rec("a", "authority", "x", "s", 5),
            rec("b", "authority", "x", "s", 5), rec("b", "peer", "p", "t", 4, rater_company="z")]
    recs = {r["company"]: r for r in run(rubric, rows).to_records()}
    assert (recs["a"]["rated"], recs["a"]["total"]) == (True, approx(7.0))
    assert recs["b"]["not_rated"] == []
    assert (recs["b"]["rated"], recs["b"]["total"]) == (True, approx(7.0))


def test_from_columns_scores_like_records_and_keeps_row_numbers() -> None:
    """Ratings.from_columns scores like from_records; problems carry the given row numbers."""
    # authority 8 (w .5) + association 6 (w .3) + peer 4 (w .2) = 6.6
    rubric = load(THREE_SOURCES, AGG_DIMENSIONS)
    cols = {
        "company": np.array(["a", "a", "a"]),
        "source": np.array(["authority", "association", "peer"]),
        "rater": np.array(["a1", "b1", "p1"]),
        "indicator": np.array(["s", "s", "s"]),
        "rater_company": np.array(["", "", "z"]),
    }
    good = rp.Ratings.from_columns(**cols, value=np.array([8.0, 6.0, 4.0]), row=[10, 11, 12])
    assert rp.evaluate(rubric, good).explain("a").raw_total == approx(6.6)
    bad = rp.Ratings.from_columns(**cols, value=np.array([8.0, 60.0, 4.0]), row=[10, 11, 12])
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(rubric, bad)
    assert [p.row for p in info.value.problems] == [11]
    assert info.value.problems[0].path == "value"


_MEAN_RUBRIC = load(ONE_SOURCE, """
    dimensions:
      d:
        label: {en: D}
        indicators:
          s: {label: {en: S}, kind: score, points: 10}
    levels:
      - {stars: 1, min_total: 1}
    rounding: {mode: none}
    """)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.integers(0, 1000).map(lambda k: k / 100), min_size=3, max_size=40),
       st.randoms(use_true_random=False))
def test_within_source_mean_ignores_row_order(values: list[float], rnd: Any) -> None:
    """A within-source mean is the same float, to the last bit, whatever the rows' order."""
    rows = [rec("a", "authority", f"r{k}", "s", v) for k, v in enumerate(values)]
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert run(_MEAN_RUBRIC, rows).scores.value.tobytes() == (
        run(_MEAN_RUBRIC, shuffled).scores.value.tobytes())
