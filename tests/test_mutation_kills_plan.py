"""Where trimming starts, and what a source that gave no rating holds for a measure or options
indicator: behaviour that mutation testing found unguarded in the compiled plan."""

from __future__ import annotations

import numpy as np
import pytest

import red_property as rp

from .fixtures import rec


@pytest.mark.parametrize(("language", "raters", "trims"), [
    (1, 4, False), (1, 5, True), (2, 6, False), (2, 7, True)])
def test_trimming_two_each_way_starts_at_its_rater_count(language: int, raters: int,
                                                         trims: bool) -> None:
    """`trim: 2` drops two values at each end from 2 x 2 + 1 = 5 raters on (language 1), from
    2 x 2 + 3 = 7 (language 2); below that the plain mean applies."""
    head = "language_version: 2\n" if language == 2 else ""
    rubric = rp.load_rubric(
        head + 'id: t\nversion: "1"\ntitle: {en: T}\nsources:\n'
        "  a: {label: {en: A}, weight: 1, aggregate: {method: trimmed, trim: 2}}\n"
        "dimensions:\n  d:\n    label: {en: D}\n    indicators:\n"
        "      x: {label: {en: X}, kind: score, points: 10}\n"
        "levels:\n  - {stars: 1, min_total: 5}\n")
    values = [1.0, 10.0] + [5.0] * (raters - 2)  # trimmed: only fives are left
    rows = [rec("c", "a", f"r{k}", "x", v) for k, v in enumerate(values)]
    report = rp.evaluate(rubric, rp.Ratings.from_records(rows))
    expected = 5.0 if trims else sum(values) / raters
    assert report.scores.value[0, 0, 0] == pytest.approx(expected, abs=1e-12)


def test_a_source_without_a_rating_holds_no_points() -> None:
    """Where a source gave no rating of a measure (bands or goalposts) or an options indicator,
    its points are NaN (absent), not 0, and the points stay floats."""
    rubric = rp.load_rubric(
        'id: t\nversion: "1"\ntitle: {en: T}\nsources:\n'
        "  a: {label: {en: A}, weight: 0.5}\n  b: {label: {en: B}, weight: 0.5}\n"
        "dimensions:\n  d:\n    label: {en: D}\n    indicators:\n"
        "      band: {label: {en: B}, kind: measure, points: 10, "
        "bands: [{threshold: 90, share: 1}, {threshold: 60, share: 0.5}]}\n"
        "      goal: {label: {en: G}, kind: measure, points: 10, "
        "goalposts: {worst: 0, best: 100}}\n"
        "      opt: {label: {en: O}, kind: options, options: {none: 0, all: 5}}\n"
        "levels:\n  - {stars: 1, min_total: 5}\n")
    rows = [rec("c", "a", "r1", "band", 95), rec("c", "a", "r1", "goal", 50),
            rec("c", "a", "r1", "opt", "all"), rec("c", "b", "r2", "goal", 70)]
    report = rp.evaluate(rubric, rp.Ratings.from_records(rows))
    points = report.scores.source_points[0]  # (sources, indicators)
    assert points.dtype == np.float64
    np.testing.assert_array_equal(points[0], [10.0, 5.0, 5.0])
    assert np.isnan(points[1, 0]) and points[1, 1] == 7.0 and np.isnan(points[1, 2])


def test_a_prerequisite_beside_a_single_dimension() -> None:
    """A rubric of one dimension and a prerequisite (which sits in none) scores and rates: the
    prerequisite met or not decides the level, not the dimension's points."""
    rubric = rp.load_rubric(
        'language_version: 2\nid: t\nversion: "1"\ntitle: {en: T}\n'
        "sources:\n  a: {label: {en: A}, weight: 1}\n"
        "prerequisites:\n  licence: {label: {en: L}, kind: check}\n"
        "dimensions:\n  d:\n    label: {en: D}\n    indicators:\n"
        "      x: {label: {en: X}, kind: score, points: 10}\n"
        "levels:\n  - {stars: 1, min_total: 5}\n")
    rows = [rec(c, "a", "r", i, v) for c, i, v in
            (("p", "x", 6), ("p", "licence", 1), ("q", "x", 6), ("q", "licence", 0))]
    report = rp.evaluate(rubric, rp.Ratings.from_records(rows))
    assert report.scores.dimension.tolist() == [[6.0], [6.0]]
    assert dict(report.stars) == {"p": 1, "q": 0}


def test_a_dimension_share_applies_to_small_dimensions_and_not_to_empty_ones() -> None:
    """`min_dimension_share` holds for a dimension worth 1 point as for any other, and asks
    nothing of a dimension worth no points (only zero-point checks)."""
    rubric = rp.load_rubric(
        'id: t\nversion: "1"\ntitle: {en: T}\nsources:\n  a: {label: {en: A}, weight: 1}\n'
        "dimensions:\n"
        "  d1:\n    label: {en: D1}\n    indicators:\n"
        "      s: {label: {en: S}, kind: score, points: 10}\n"
        "  d2:\n    label: {en: D2}\n    indicators:\n"
        "      one: {label: {en: One}, kind: check, points: 1}\n"
        "  d3:\n    label: {en: D3}\n    indicators:\n"
        "      flag: {label: {en: Flag}, kind: check}\n"
        "levels:\n  - {stars: 1, min_total: 5, min_dimension_share: 0.5}\n")
    rows = [rec(c, "a", "r", i, v) for c, i, v in
            (("p", "s", 8), ("p", "one", 1), ("p", "flag", 0),
             ("q", "s", 8), ("q", "one", 0), ("q", "flag", 0))]
    report = rp.evaluate(rubric, rp.Ratings.from_records(rows))
    assert dict(report.stars) == {"p": 1, "q": 0}


def test_rounding_never_lifts_a_divided_total_above_its_most() -> None:
    """Full marks of 25 points divided by 10 are 2.5; rounded to whole numbers half up they
    would be 3, above the most a company can reach: the total stays 2.5."""
    rubric = rp.load_rubric(
        'language_version: 2\nid: t\nversion: "1"\ntitle: {en: T}\n'
        "sources:\n  a: {label: {en: A}, weight: 1}\ndivide_total_by: 10\n"
        "rounding: {digits: 0}\n"
        "dimensions:\n  d:\n    label: {en: D}\n    indicators:\n"
        "      x: {label: {en: X}, kind: score, points: 25}\n"
        "levels:\n  - {stars: 1, min_total: 1}\n")
    report = rp.evaluate(rubric, rp.Ratings.from_records([rec("c", "a", "r", "x", 25),
                                                          rec("d", "a", "r", "x", 24)]))
    assert dict(report.totals) == {"c": 2.5, "d": 2.0}


def test_the_compiled_plan_is_read_only() -> None:
    """Every array of a compiled plan is read-only: a plan is a value, shared by reports and
    analyses, and cannot be changed under them."""
    plan = rp.compile_plan(rp.load_rubric(
        'id: t\nversion: "1"\ntitle: {en: T}\nsources:\n  a: {label: {en: A}, weight: 1}\n'
        "dimensions:\n  d:\n    label: {en: D}\n    indicators:\n"
        "      x: {label: {en: X}, kind: score, points: 10}\n"
        "levels:\n  - {stars: 1, min_total: 5}\n"))
    arrays = {k: getattr(plan, k) for k in plan.__dataclass_fields__
              if isinstance(getattr(plan, k), np.ndarray)}
    assert len(arrays) > 20
    assert [k for k, v in arrays.items() if v.flags.writeable] == []
    with pytest.raises(ValueError, match="read-only"):
        plan.level_stars[0] = 5
