"""Tests of red_property.analysis.sensitivity: the Monte Carlo over source and dimension weights.

The reference for every draw is :func:`red_property.evaluate` itself, run on the rubric the draw
stands for (:func:`reweighted`): source weights times their factors, and dimensions weighted by
their maxima times their factors (``weighting: shares`` with the same total maximum).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np
import pytest

import red_property as rp
from red_property import Rubric
from red_property.analysis import WeightSensitivity, weight_sensitivity
from red_property.plan import compile_plan

from .conftest import EXAMPLE, SHANYANG
from .fixtures import ONE_SOURCE, load, rows_of, run

RATINGS = EXAMPLE / "ratings.csv"
CLAIMS = EXAMPLE / "claims.csv"


def reweighted(rubric: Rubric, source_factors: Any, dimension_factors: Any) -> Rubric:
    """The rubric one draw stands for, built from the rubric's own data."""
    data = rubric.model_dump()
    for sid, f in zip(rubric.sources, source_factors, strict=True):
        data["sources"][sid]["weight"] = rubric.sources[sid].weight * float(f)
    maxima = compile_plan(rubric).dimension_max
    scaled = maxima * np.asarray(dimension_factors, dtype=float)
    data["weighting"] = "shares"
    data["max_total"] = float(maxima.sum())
    for k, did in enumerate(rubric.dimensions):
        data["dimensions"][did]["points"] = None
        data["dimensions"][did]["weight"] = float(scaled[k] / scaled.sum())
    return Rubric.model_validate(data)


def assert_draw_matches(ws: WeightSensitivity, j: int, report: rp.Report) -> None:
    """Draw ``j`` of ``ws`` (kept) equals ``report`` company by company."""
    np.testing.assert_allclose(ws.kept_raw_total[j], report.scores.raw_total, rtol=0, atol=1e-9)
    # a rounding step is at least 1e-6; 1e-9 leaves room only for the last bits of a total
    # clamped to the most that can be scored (which the reweighted rubric computes in floats)
    np.testing.assert_allclose(ws.kept_total[j], report.scores.total, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(ws.kept_rated[j], report.awards.rated)
    np.testing.assert_array_equal(ws.kept_stars[j], report.awards.stars)
    np.testing.assert_array_equal(ws.kept_rank[j], report.awards.rank)


@pytest.fixture(scope="module")
def report() -> rp.Report:
    """The bundled Shanyang season."""
    return rp.evaluate(SHANYANG, RATINGS, claims=CLAIMS)


@pytest.fixture(scope="module")
def sensitivity(report: rp.Report) -> WeightSensitivity:
    """1,000 draws at the default spread of 20 %."""
    return weight_sensitivity(report, draws=1000, seed=11)


# ------------------------------------------------------------------------------ exactness


def test_factors_of_one_reproduce_the_report(report: rp.Report) -> None:
    """With all factors 1 a draw's raw totals, totals, stars, ratings and ranks are the report's."""
    ws = weight_sensitivity(report, draws=3, spread=0.0, keep=3)
    assert np.all(ws.source_factors == 1.0) and np.all(ws.dimension_factors == 1.0)
    for j in range(3):
        assert_draw_matches(ws, j, report)


def test_a_draw_equals_evaluate_on_the_reweighted_rubric(report: rp.Report) -> None:
    """Draws whose awards differ from the stated ones equal `evaluate` on the reweighted rubric."""
    ws = weight_sensitivity(report, draws=40, spread=0.5, keep=40, seed=3)
    changed = (ws.kept_stars != report.awards.stars).sum(axis=1)
    assert changed.max() > 0  # the check below is not vacuous
    for j in np.argsort(-changed, kind="stable")[:3].tolist():
        rubric = reweighted(report.plan.rubric, ws.source_factors[j], ws.dimension_factors[j])
        assert_draw_matches(ws, j, rp.evaluate(rubric, RATINGS, claims=CLAIMS))


@pytest.mark.parametrize(
    "change",
    [
        {"rounding": {"digits": 2, "mode": "half_even"}},
        {"rounding": {"digits": 1, "mode": "none"}},
        {"claims": {"above_claim": "award_earned", "below_claim": "award_none"}},
        {"levels": "non-nested"},
    ],
    ids=["half-even", "no-rounding", "claims", "non-nested-shares"],
)
def test_rubric_variants_equal_evaluate(report: rp.Report, change: dict[str, Any]) -> None:
    """Rounding modes, claim policies and non-nested dimension minimums agree with `evaluate`."""
    data = report.plan.rubric.model_dump()
    if change.get("levels") == "non-nested":  # 4★ needs more public image than 5★
        data["levels"][3]["min_dimension_share"] = {"public_image": 0.9, "core_team": 0.8}
        data["levels"][4]["min_dimension_share"] = {"public_image": 0.5, "service_quality": 0.9}
    else:
        data.update(change)
    rubric = Rubric.model_validate(data)
    base = rp.evaluate(rubric, RATINGS, claims=CLAIMS)
    ws = weight_sensitivity(base, draws=200, spread=0.6, keep=4, seed=5)
    for j in range(4):
        draw = reweighted(rubric, ws.source_factors[j], ws.dimension_factors[j])
        assert_draw_matches(ws, j, rp.evaluate(draw, RATINGS, claims=CLAIMS))
    ws0 = weight_sensitivity(base, draws=2, spread=0.0, keep=2)
    assert_draw_matches(ws0, 1, base)


TINY = """
id: tiny
version: "1"
title: {en: Tiny}
weighting: points
rounding: {digits: 0, mode: MODE}
sources:
  a: {label: {en: A}, weight: 0.6}
  b: {label: {en: B}, weight: 0.4}
dimensions:
  d1: {label: {en: D1}, indicators: {x: {label: {en: X}, kind: score, points: 2.5}}}
  d2: {label: {en: D2}, indicators: {y: {label: {en: Y}, kind: score, points: 1.0}}}
levels:
  - {stars: 1, min_total: 2}
  - {stars: 2, min_total: 3.5}
"""


@pytest.mark.parametrize("mode", ["half_up", "half_even"])
def test_rounding_at_ties_and_at_the_maximum_is_scorings(mode: str) -> None:
    """Totals on decimal ties and at a maximum between two rounding steps round as in scoring."""
    rubric = rp.load_rubric(TINY.replace("MODE", mode), name="<tiny>")
    values = {"c1": (2.5, 1.0, 2.5, 1.0), "c2": (2.5, 1.0, 2.0, 1.0), "c3": (2.5, 0.0, 0.0, 1.0),
              "c4": (1.5, 1.0, 2.5, 0.5), "c5": (2.0, 0.5, 1.0, 1.0)}
    records = [{"company": c, "source": s, "rater": f"{s}1", "indicator": i, "value": v[k]}
               for c, v in values.items()
               for k, (s, i) in enumerate([("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")])]
    ratings = rp.Ratings.from_records(records)
    base = rp.evaluate(rubric, ratings)
    ws = weight_sensitivity(base, draws=60, spread=0.9, keep=60, seed=1)
    for j in (0, *np.flatnonzero(ws.kept_stars.sum(axis=1) != base.awards.stars.sum())[:2]):
        draw = reweighted(rubric, ws.source_factors[j], ws.dimension_factors[j])
        assert_draw_matches(ws, int(j), rp.evaluate(draw, ratings))
    assert_draw_matches(weight_sensitivity(base, draws=1, spread=0.0, keep=1), 0, base)


def test_kept_draws_add_up_to_the_distributions(report: rp.Report) -> None:
    """Counting the kept draws' stars gives P(stars) and P(not rated) exactly: the kept draws
    are decided draw by draw for every company, the distributions through the table of
    outcomes of the companies whose conditions are nested, so the two paths agree."""
    ws = weight_sensitivity(report, draws=300, spread=0.8, keep=300, seed=4, chunk=70)
    counted = np.stack([((ws.kept_stars == s) & ws.kept_rated).mean(axis=0)
                        for s in range(ws.top + 1)], axis=1)
    np.testing.assert_allclose(counted, ws.p_stars, rtol=0, atol=1e-12)
    np.testing.assert_allclose((~ws.kept_rated).mean(axis=0), ws.p_not_rated, rtol=0, atol=1e-12)
    stated = np.where(ws.rated, ws.awarded, -1)
    drawn = np.where(ws.kept_rated, ws.kept_stars, -1)
    np.testing.assert_allclose((drawn != stated).mean(axis=0), ws.p_differs, rtol=0, atol=1e-12)


# ------------------------------------------------------------------------------ behaviour


def test_same_seed_same_results(report: rp.Report) -> None:
    """The same seed gives identical results whatever the chunk size and threads; others differ."""
    a = weight_sensitivity(report, draws=500, seed=42, chunk=500, workers=1)
    b = weight_sensitivity(report, draws=500, seed=42, chunk=37, workers=3)
    for f in dataclasses.fields(WeightSensitivity):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=f.name)
        else:
            assert x == y, f.name
    c = weight_sensitivity(report, draws=500, seed=43)
    assert not np.array_equal(a.source_factors, c.source_factors)


def test_far_above_every_threshold_never_flips(report: rp.Report,
                                               sensitivity: WeightSensitivity) -> None:
    """A company far above every condition of the top level keeps the top award in every draw."""
    plan, a = report.plan, report.awards
    top = int(np.argmax(plan.level_stars))
    share = report.scores.dimension / plan.dimension_max
    margin = np.minimum(report.scores.total - plan.level_min_total[top],
                        100 * (share - plan.level_min_share[top]).min(axis=1))
    margin = np.where(a.rated & (a.stars == plan.level_stars[top]), margin, -np.inf)
    c = int(np.argmax(margin))
    assert margin[c] >= 2.0  # sy-09: 96.6 points, every dimension at 85 % or more
    assert sensitivity.p_differs[c] == 0.0
    assert sensitivity.p_stars[c, plan.level_stars[top]] == 1.0
    assert sensitivity.total_low[c] > plan.level_min_total[top]
    assert sensitivity.companies[c] not in sensitivity.flips()


def test_exactly_at_a_threshold_flips_often(report: rp.Report,
                                            sensitivity: WeightSensitivity) -> None:
    """A company whose total is exactly a level's minimum keeps or loses it about half the time."""
    c = report.companies.tolist().index("sy-04")
    assert report.scores.total[c] == 60.0 == report.plan.level_min_total[0]
    assert report.awards.stars[c] == 1
    assert 0.25 < sensitivity.p_differs[c] < 0.75
    assert sensitivity.p_stars[c, 0] + sensitivity.p_stars[c, 1] == pytest.approx(1.0)
    assert sensitivity.total_low[c] < 60.0 < sensitivity.total_high[c]
    assert "sy-04" in sensitivity.flips()


def test_zero_spreads_keep_every_award(report: rp.Report) -> None:
    """With all spreads 0 every company gets its stated award, rank and total in every draw."""
    ws = weight_sensitivity(report, draws=50, spread=0.0)
    c = np.arange(len(report))
    rated = report.awards.rated
    assert np.all(ws.p_stars[c[rated], report.awards.stars[rated]] == 1.0)
    assert np.all(ws.p_stars[~rated] == 0.0)
    assert np.all(ws.p_differs == 0.0)
    np.testing.assert_array_equal(ws.p_not_rated, (~report.awards.rated).astype(float))
    rated = report.awards.rated
    for q in (ws.rank_median, ws.rank_low, ws.rank_high):
        np.testing.assert_array_equal(q[rated], report.awards.rank[rated])
        assert np.all(np.isnan(q[~rated]))
    for q in (ws.total_median, ws.total_low, ws.total_high):
        np.testing.assert_array_equal(q, report.scores.total)
    assert ws.flips() == []


def test_per_kind_and_per_id_spreads(report: rp.Report) -> None:
    """`source_spread` and `dimension_spread` override `spread` per kind and, by mapping, per id."""
    ws = weight_sensitivity(report, draws=200, spread=0.3, source_spread=0.0,
                            dimension_spread={"public_image": 0.0})
    assert np.all(ws.source_factors == 1.0)
    k = ws.dimensions.index("public_image")
    assert np.all(ws.dimension_factors[:, k] == 1.0)
    others = np.delete(ws.dimension_factors, k, axis=1)
    assert others.min() >= 0.7 and others.max() < 1.3 and others.std() > 0.05
    assert ws.source_spread == dict.fromkeys(ws.sources, 0.0)
    assert ws.dimension_spread["public_image"] == 0.0 and ws.dimension_spread["core_team"] == 0.3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"spread": 1.0}, "spread"),
        ({"spread": -0.1}, "spread"),
        ({"source_spread": {"nobody": 0.1}}, "unknown source"),
        ({"dimension_spread": {"core_team": 2.0}}, "core_team"),
        ({"draws": 0}, "draws"),
        ({"keep": 5, "draws": 4}, "keep"),
        ({"chunk": 0}, "chunk"),
    ],
)
def test_bad_arguments_are_refused(report: rp.Report, kwargs: dict[str, Any],
                                   message: str) -> None:
    """Spreads outside [0, 1), unknown ids and non-positive counts raise ValueError."""
    with pytest.raises(ValueError, match=message):
        weight_sensitivity(report, **kwargs)


# ------------------------------------------------------------------------------ presentation


def test_flips_repr_and_records(sensitivity: WeightSensitivity) -> None:
    """`flips()` is sorted by how often the award changes; repr and records describe the result."""
    flips = sensitivity.flips()
    p = {name: sensitivity.p_differs[k] for k, name in enumerate(sensitivity.companies)}
    assert flips and all(p[f] >= 0.05 for f in flips)
    assert [p[f] for f in flips] == sorted((p[f] for f in flips), reverse=True)
    assert sum(v >= 0.05 for v in p.values()) == len(flips)
    assert re.fullmatch(r"<WeightSensitivity 1000 draws x 40 companies: \d+ awards? flips?>",
                        repr(sensitivity))
    assert f": {len(flips)} award" in repr(sensitivity)
    records = sensitivity.to_records()
    assert [r["company"] for r in records] == list(sensitivity.companies)
    for r in records:
        assert sum(r[f"p_stars_{s}"] for s in range(sensitivity.top + 1)) + r[
            "p_not_rated"] == pytest.approx(1.0)
        if r["rated"]:
            assert r["rank_low"] <= r["rank_median"] <= r["rank_high"]
        assert r["total_low"] <= r["total_median"] <= r["total_high"]
    unrated = [r for r in records if not r["rated"]]
    assert unrated and all(r["stars"] is None and r["rank"] is None for r in unrated)


def test_html_escapes_company_names(sensitivity: WeightSensitivity) -> None:
    """Company names are escaped in the notebook table."""
    hostile = ("<script>alert(1)</script>", *sensitivity.companies[1:])
    page = dataclasses.replace(sensitivity, companies=hostile)._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.count("<tr>") == 1 + len(hostile)


def test_listed_company_without_ratings_stays_not_rated_in_every_draw() -> None:
    """A company listed in `companies=` without ratings, every indicator defaulted, is not rated
    in every draw as in the report: with spread 0, `p_differs` is 0."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 10, default: 6}
              t: {label: {en: T}, kind: score, points: 10, default: 4}
        levels:
          - {stars: 1, min_total: 5}
        """)
    report = run(rubric, rows_of({"a": {"s": 8, "t": 7}}), companies=["a", "ghost"])
    assert report.to_records()[1]["rated"] is False
    ws = weight_sensitivity(report, draws=20, spread=0.0, keep=20)
    assert ws.p_differs.tolist() == [0.0, 0.0]
    assert ws.p_not_rated.tolist() == [0.0, 1.0]
    assert not ws.kept_rated[:, 1].any()
