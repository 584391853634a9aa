"""Properties of the analysis layer on generated seasons: with nothing to vary, weight
sensitivity and the bootstrap reproduce :func:`red_property.evaluate` exactly.

Seasons come from :mod:`tests.strategies` (defaults, gates, vetoes, claim policies, every
indicator kind), with a listed company that has no ratings (``companies=``), drawn claims and
the rubric's ``rater_correction`` on or off.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import red_property as rp
from red_property.analysis import bootstrap, rater_effects, weight_sensitivity

from .budget import examples
from .strategies import claims_for, rubric_dicts, seasons, validated

SETTINGS = settings(max_examples=examples(40), deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])


def identical_raters(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The season with every rater of a source giving a company what its first rater gave
    (same indicators, same values), so resampling raters changes nothing."""
    raters: dict[tuple[str, str], dict[str, str | None]] = {}
    first: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for rec in records:
        key = (rec["company"], rec["source"])
        seen = raters.setdefault(key, {})
        if not seen:
            first[key] = []
        seen.setdefault(rec["rater"], rec.get("rater_company"))
        if rec["rater"] == next(iter(seen)):
            first[key].append(rec)
    out = []
    for key, who in raters.items():
        for rater, home in who.items():
            for rec in first[key]:
                row = {**rec, "rater": rater}
                row.pop("rater_company", None)
                if home:
                    row["rater_company"] = home
                out.append(row)
    return out


@st.composite
def evaluated(draw: st.DrawFn, *, identical: bool = False) -> rp.Report:
    """A report on a generated season, with a listed company that has no ratings."""
    data = draw(rubric_dicts())
    data["rater_correction"] = draw(st.booleans())
    rubric = validated(data)
    season = draw(seasons(rubric))
    records = identical_raters(season.records) if identical else season.records
    claims = draw(claims_for(rubric, season.companies))
    try:
        return rp.evaluate(rubric, rp.Ratings.from_records(records), claims=claims,
                           companies=[*season.companies, "listed-only"])
    except rp.EvaluationError:  # a source with `when_short: fail` was short
        assume(False)
        raise


@SETTINGS
@given(report=evaluated())
def test_zero_spread_reproduces_evaluate(report: rp.Report) -> None:
    """weight_sensitivity with spread 0 gives every company its report's award, total and rank
    in every draw, and P(differs) 0."""
    ws = weight_sensitivity(report, draws=3, spread=0.0, keep=3)
    assert not report["listed-only"].rated
    for j in range(3):
        np.testing.assert_array_equal(ws.kept_rated[j], report.awards.rated)
        np.testing.assert_array_equal(ws.kept_stars[j], report.awards.stars)
        np.testing.assert_array_equal(ws.kept_rank[j], report.awards.rank)
        np.testing.assert_allclose(ws.kept_total[j], report.scores.total, rtol=0, atol=1e-9)
    assert not ws.p_differs.any()
    np.testing.assert_array_equal(ws.p_not_rated, (~report.awards.rated).astype(float))


@SETTINGS
@given(report=evaluated(identical=True), seed=st.integers(0, 2**16))
def test_bootstrap_over_identical_raters_reproduces_evaluate(report: rp.Report,
                                                             seed: int) -> None:
    """When every rater of a source agrees, every bootstrap replicate is the report: each
    company's award in every replicate, and an interval of width 0 at its total."""
    u = bootstrap(report, replicates=4, seed=seed, chunk=3)
    rated = report.awards.rated
    assert np.all(u.p_not_rated == (~rated).astype(float))
    c = np.flatnonzero(rated)
    assert np.all(u.p_stars[c, report.awards.stars[c]] == 1.0)
    assert np.all(u.p_stable() == 1.0)
    np.testing.assert_allclose(u.low, report.scores.total, rtol=0, atol=1e-9)
    np.testing.assert_allclose(u.high, report.scores.total, rtol=0, atol=1e-9)


AGREEING_PANELS = """
id: agreeing-panels
version: "1"
title: {en: Panels that agree}
rater_correction: true
sources:
  authority: {label: {en: Authority}, weight: 0.5}
  peer: {label: {en: Peer}, weight: 0.5, peer: true}
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
levels:
  - {stars: 1, min_total: 5}
  - {stars: 2, min_total: 7}
"""


def agreeing_panels() -> rp.Report:
    """Four companies; every panel agrees within itself, but the peers and the authority
    differ by a different amount on each company, and self-ratings leave every peer a
    different set of companies."""
    authority = {"c0": 6.0, "c1": 7.0, "c2": 5.0, "c3": 8.0}
    peer = {"c0": 8.0, "c1": 6.0, "c2": 6.5, "c3": 8.5}
    rows: list[dict[str, Any]] = []
    for c in authority:
        rows += [{"company": c, "source": "authority", "rater": f"a{k}", "indicator": "s",
                  "value": authority[c]} for k in range(2)]
        rows += [{"company": c, "source": "peer", "rater": f"p-{home}", "rater_company": home,
                  "indicator": "s", "value": peer[c]} for home in authority if home != c]
    return rp.evaluate(rp.load_rubric(AGREEING_PANELS), rp.Ratings.from_records(rows))


def test_raters_who_agree_with_their_panel_are_not_corrected() -> None:
    """Rater correction compares a rater only with its own panel: raters who agree on every
    company they rate together get no correction, however the sources differ company by
    company, and a bootstrap over them reproduces the report."""
    report = agreeing_panels()
    assert report.uncorrected is not None
    np.testing.assert_array_equal(report.scores.total, report.uncorrected.scores.total)
    effects = {r.rater: r.effect for r in rater_effects(report).raters}
    assert set(effects) == {"a0", "a1", "p-c0", "p-c1", "p-c2", "p-c3"}
    assert max(abs(b) for b in effects.values()) < 1e-12
    u = bootstrap(report, replicates=20, seed=3)
    np.testing.assert_array_equal(u.low, report.scores.total)
    np.testing.assert_array_equal(u.high, report.scores.total)
