"""What a missing rating stands for under `missing: not_met`, indicator kind by kind, and the
range of a check's value: behaviour that mutation testing found unguarded."""

from __future__ import annotations

import numpy as np
import pytest

import red_property as rp

HEAD = ('language_version: 2\nid: t\nversion: "1"\ntitle: {en: T}\n'
        "sources:\n  a: {label: {en: A}, weight: 1}\nmissing: not_met\n")
INDICATORS = {
    # indicator: (YAML, the raw value a missing rating stands for, its points)
    "s": ("{label: {en: S}, kind: score, points: 10}", 7.0, 7.0),  # rated 7
    "g": ("{label: {en: G}, kind: measure, points: 10, goalposts: {worst: 60, best: 95}}",
          60.0, 0.0),  # the worst goalpost
    "hi": ("{label: {en: Hi}, kind: measure, points: 10, bands: [{threshold: 90, share: 1}, "
           "{threshold: 75, share: 0.6}, {threshold: 60, share: 0.3}]}", 0.0, 0.0),  # 60 - 60
    "lo": ("{label: {en: Lo}, kind: measure, points: 10, better: lower, bands: "
           "[{threshold: 2, share: 1}, {threshold: 5, share: 0.5}, {threshold: 8, share: 0.2}]}",
           16.0, 0.0),  # 8 + 8
    "tiny": ("{label: {en: T}, kind: measure, points: 10, bands: [{threshold: 0.5, share: 1}, "
             "{threshold: 0.2, share: 0.5}]}", -0.8, 0.0),  # 0.2 - 1: a step of at least 1
    "zero": ("{label: {en: Z}, kind: measure, points: 10, bands: [{threshold: 90, share: 1}, "
             "{threshold: 70, share: 0}]}", 70.0, 0.0),  # the worst band already earns nothing
    "ded": ("{label: {en: D}, kind: deduction, points: 5, per: 2, floor: 1}", 2.0, 1.0),
    "chk": ("{label: {en: C}, kind: check, points: 2}", 0.0, 0.0),  # not met
    "opt": ("{label: {en: O}, kind: options, options: {none: 0, some: 3, all: 5}}", 0.0, 0.0),
}


def _rubric() -> rp.Rubric:
    lines = "".join(f"      {i}: {yaml}\n" for i, (yaml, _, _) in INDICATORS.items())
    return rp.load_rubric(HEAD + "dimensions:\n  d:\n    label: {en: D}\n    indicators:\n"
                          + lines + "levels:\n  - {stars: 1, min_total: 5}\n")


def _one(indicator: str, value: object) -> list[dict[str, object]]:
    return [{"company": "c", "source": "a", "rater": "r", "indicator": indicator,
             "value": value}]


def test_a_missing_rating_under_not_met_stands_for_the_fewest_points() -> None:
    """Under `missing: not_met` a missing rating stands for: the worst goalpost; the worst
    band's threshold when it earns nothing, else a step of at least 1 beyond it (below for
    `higher`, above for `lower`); as many occurrences as take a deduction to its floor; a
    check not met; the first option."""
    report = rp.evaluate(_rubric(), rp.Ratings.from_records(_one("s", 7)))
    assert report.plan.indicators == tuple(INDICATORS)
    expected = [v for _, v, _ in INDICATORS.values()]
    np.testing.assert_allclose(report.scores.combined_value[0], expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(report.scores.points[0], [p for _, _, p in INDICATORS.values()])
    assert report["c"].rated and report.totals["c"] == 8.0


def test_a_check_takes_only_0_or_1() -> None:
    """A check rated 2 is refused, located, with its range."""
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(_rubric(), rp.Ratings.from_records(_one("chk", 2)))
    assert [p.message for p in info.value.problems] == [
        "value 2 is outside 0 to 1 for indicator 'chk'"]


def test_counts_are_whole_and_direct_bonus_points_start_at_zero() -> None:
    """A deduction counts occurrences: 1.5 is refused as not whole; bonus points rated directly
    may be 0."""
    rubric = rp.load_rubric(
        'language_version: 2\nid: t\nversion: "1"\ntitle: {en: T}\n'
        "sources:\n  a: {label: {en: A}, weight: 1}\n"
        "dimensions:\n  d:\n    label: {en: D}\n    indicators:\n"
        "      s: {label: {en: S}, kind: score, points: 10}\n"
        "      ded: {label: {en: D}, kind: deduction, points: 5, per: 1}\n"
        "      b: {label: {en: B}, kind: bonus, cap: 3}\n"
        "levels:\n  - {stars: 1, min_total: 5}\n")
    rows = [{"company": "c", "source": "a", "rater": "r", "indicator": i, "value": v}
            for i, v in (("s", 7), ("ded", 1), ("b", 0))]
    assert rp.evaluate(rubric, rows)["c"].rated
    rows[1]["value"] = 1.5
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(rubric, rows)
    assert [p.message for p in info.value.problems] == [
        "value 1.5 must be a whole number for indicator 'ded'"]
