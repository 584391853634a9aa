"""Awarding behaviour that mutation testing found unguarded: a 0★ claim under a required
claim, and any-of gates decided over draws (a leading axis) as in the report."""

from __future__ import annotations

import numpy as np

import red_property as rp
from red_property.analysis import weight_sensitivity

from .fixtures import ONE_SOURCE, load, rec
from .test_mutation_kills_2 import _TWO_GATES


def test_a_zero_star_claim_is_a_claim_when_claims_are_required() -> None:
    """Under `claims: {required: true}` a company claiming 0★ is rated; only a company with
    no claim at all is not rated for want of one."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 10}
        levels:
          - {stars: 1, min_total: 5}
        claims: {required: true, above_claim: award_earned, below_claim: award_none}
        """)
    rows = [rec(c, "authority", "r1", "s", 8) for c in ("a", "b", "c")]
    report = rp.evaluate(rubric, rp.Ratings.from_records(rows), claims={"a": 0, "b": 1})
    assert [report[c].rated for c in ("a", "b", "c")] == [True, True, False]
    assert report["b"].stars == 1


def test_gates_decided_over_draws_as_in_the_report() -> None:
    """With the weights unchanged, every weight-sensitivity draw rates exactly the companies
    the report rates under an all-of and an any-of gate."""
    checks = {"a": (1, 1, 1, 0), "b": (1, 0, 1, 0), "c": (1, 1, 0, 0), "d": (1, 1, 0, 1),
              "e": (1, 1, 1, 1)}
    rows = [{"company": c, "source": "panel", "rater": "r", "indicator": i, "value": v}
            for c, values in checks.items()
            for i, v in zip(("safe", "tidy", "lit", "quiet"), values, strict=True)]
    report = rp.evaluate(rp.load_rubric(_TWO_GATES), rp.Ratings.from_records(rows))
    assert report.awards.rated.tolist() == [True, False, False, True, True]
    ws = weight_sensitivity(report, draws=3, spread=0.0, keep=3)
    for j in range(3):
        np.testing.assert_array_equal(ws.kept_rated[j], report.awards.rated)
        np.testing.assert_array_equal(ws.kept_stars[j], report.awards.stars)
