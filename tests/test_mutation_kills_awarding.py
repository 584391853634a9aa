"""Awarding behaviour that mutation testing found unguarded: a 0★ claim under a required
claim, and any-of gates decided over draws (a leading axis) as in the report."""

from __future__ import annotations

import numpy as np
import pytest

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


def _points(indicators: int) -> rp.Rubric:
    """One source with a quorum of 2 raters and ``indicators`` indicators without defaults."""
    lines = "".join(f"      i{k}: {{label: {{en: I{k}}}, kind: score, points: 10}}\n"
                    for k in range(indicators))
    return rp.load_rubric(
        'id: t\nversion: "1"\ntitle: {en: T}\nsources:\n'
        "  authority: {label: {en: A}, weight: 1, quorum: 2, when_short: not_rated}\n"
        "dimensions:\n  d:\n    label: {en: D}\n    indicators:\n" + lines
        + "levels:\n  - {stars: 1, min_total: 5}\n"
        "claims: {above_claim: award_earned}\n")


@pytest.mark.parametrize(("short", "tail"), [(3, ""), (4, " and 1 more")])
def test_below_quorum_lists_three_cells_then_counts_the_rest(short: int, tail: str) -> None:
    """The not-rated reason names the first three cells below quorum and counts only those
    beyond them: exactly three cells get no "and 0 more"."""
    rubric = _points(4)
    rows = [rec("a", "authority", r, f"i{k}", 5) for r in ("r1", "r2") for k in range(4)]
    rows += [rec("b", "authority", "r1", f"i{k}", 5) for k in range(4)]
    rows += [rec("b", "authority", "r2", f"i{k}", 5) for k in range(short, 4)]
    report = rp.evaluate(rubric, rp.Ratings.from_records(rows))
    shown = ", ".join(f"authority/i{k} (1 of 2)" for k in range(3))
    assert report["b"].reasons[0] == f"below quorum: {shown}{tail}"


@pytest.mark.parametrize(("missing", "tail"), [(5, ""), (6, " and 1 more")])
def test_unrated_indicators_list_five_then_count_the_rest(missing: int, tail: str) -> None:
    """The not-rated reason names the first five indicators without a rating and counts only
    those beyond them: exactly five get no "and 0 more"."""
    rubric = _points(8)
    rows = [rec(c, "authority", r, f"i{k}", 5) for c in ("a", "b") for r in ("r1", "r2")
            for k in range(8) if c == "a" or k >= missing]
    report = rp.evaluate(rubric, rp.Ratings.from_records(rows))
    names = ", ".join(f"i{k}" for k in range(5))
    assert report["b"].reasons[-1] == f"no rating for {names}{tail} (and no default)"


def test_a_claim_equal_to_the_earned_level_is_confirmed_under_award_earned() -> None:
    """Under `above_claim: award_earned`, a claim of exactly the stars earned is confirmed,
    not "exceeded"; the earned stars are integers in the report and its JSON."""
    rubric = _points(1)
    rows = [rec("a", "authority", r, "i0", 8) for r in ("r1", "r2")]
    report = rp.evaluate(rubric, rp.Ratings.from_records(rows), claims={"a": 1})
    assert (report["a"].stars, report["a"].claim.value) == (1, "confirmed")
    assert report.awards.earned.dtype == np.int64
    assert '"earned": 1,' in report.to_json()


def test_awards_repr_counts_companies_and_levels() -> None:
    """The awards' repr counts companies, rated companies and levels, each from its own axis."""
    rubric = _points(1)
    rows = [rec(c, "authority", r, "i0", 8) for c in ("a", "b", "c") for r in ("r1", "r2")]
    rows = rows[:-1]  # c has one rater of two: not rated
    report = rp.evaluate(rubric, rp.Ratings.from_records(rows))
    assert repr(report.awards) == "<Awards 3 companies: 2 rated, 1 levels>"


def test_a_missing_check_meets_no_gate_however_low_its_pass_mark() -> None:
    """A check with no rating and no default is not met even when its pass mark lies within
    the comparison's tolerance of 0: the gate on it fails, and no base points are granted."""
    rubric = rp.load_rubric(
        'language_version: 2\nid: t\nversion: "1"\ntitle: {en: T}\nsources:\n'
        "  authority: {label: {en: A}, weight: 1}\n"
        "dimensions:\n  d:\n    label: {en: D}\n    indicators:\n"
        "      s: {label: {en: S}, kind: score, points: 10}\n"
        "      licensed: {label: {en: L}, kind: check, pass_mark: 1.0e-10}\n"
        "gates:\n  - {id: g, label: {en: G}, all_of: [licensed]}\n"
        "base_points: 5\nlevels:\n  - {stars: 1, min_total: 5}\n")
    rows = [rec("a", "authority", "r1", "s", 3), rec("b", "authority", "r1", "s", 3),
            rec("b", "authority", "r1", "licensed", 1)]
    report = rp.evaluate(rubric, rp.Ratings.from_records(rows))
    assert report["a"].reasons == ("gate 'g' not passed (G)",
                                   "no rating for licensed (and no default)")
    assert report["a"].total is None
    assert (report["b"].rated, report["b"].total) == (True, 8)
