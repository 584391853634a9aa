"""Fixed examples for faults that only randomised tests caught before, by chance: defaults
against short panels, fractional claims, half-up rounding's decimal correction, cap vetoes,
the maximum total and a mean that must not depend on the order of the rows."""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import red_property as rp
from red_property.explanation import Part

from .fixtures import ONE_DIMENSION, ONE_SOURCE, load, rec, records, rows_of, run

# --------------------------------------------------------------------------- defaults vs quorum


def _panel_rubric(when_short: str) -> rp.Rubric:
    """Two sources; the authority needs 2 raters; `x` defaults to 4 when nobody rated it."""
    return load(f"""
        sources:
          authority: {{label: {{en: A}}, weight: 0.5, quorum: 2, when_short: {when_short}}}
          association: {{label: {{en: B}}, weight: 0.5, covers: [s]}}
        dimensions:
          d:
            label: {{en: D}}
            indicators:
              s: {{label: {{en: S}}, kind: score, points: 10}}
              x: {{label: {{en: X}}, kind: score, points: 10, default: 4}}
        levels:
          - {{stars: 1, min_total: 5}}
        """)


def _panel_rows(x_raters: int) -> list[dict[str, object]]:
    rows = [rec("a", "authority", "a1", "s", 8), rec("a", "authority", "a2", "s", 8),
            rec("a", "association", "b1", "s", 6)]
    rows += [rec("a", "authority", f"a{k + 1}", "x", 9) for k in range(x_raters)]
    return rows


@pytest.mark.parametrize("when_short", ["renormalise", "not_rated", "fail"])
def test_default_replaces_a_missing_rating_under_every_policy(when_short: str) -> None:
    """No rating at all on an indicator with a default: the default counts, the company is
    rated and no source is short, whatever `when_short` says."""
    report = run(_panel_rubric(when_short), _panel_rows(0))
    (r,) = report.to_records()
    assert r["rated"] is True
    assert r["quorum_short"] == []
    # s: 0.5 x 8 + 0.5 x 6 = 7; x: default 4
    assert r["total"] == 11.0
    assert report.explain("a").parts[-1] == Part("d", "x", "default", 4.0)


def test_default_never_excuses_a_short_panel_under_not_rated() -> None:
    """1 of 2 required raters under `not_rated`: not rated, although `x` has a default."""
    report = run(_panel_rubric("not_rated"), _panel_rows(1))
    (r,) = report.to_records()
    assert r["rated"] is False
    assert r["stars"] is None
    assert r["quorum_short"] == ["authority"]
    assert r["not_rated"] == ["below quorum: authority/x (1 of 2)"]


def test_default_never_excuses_a_short_panel_under_fail() -> None:
    """1 of 2 required raters under `fail`: the evaluation stops, naming the cell."""
    with pytest.raises(rp.EvaluationError, match=r"source 'authority' has 1 rater\(s\) on "
                       r"indicator 'x' for company 'a', fewer than its quorum of 2"):
        run(_panel_rubric("fail"), _panel_rows(1))


def test_short_panel_under_renormalise_is_shown_and_falls_to_the_default() -> None:
    """1 of 2 under `renormalise`: the short source is dropped (and shown); with no other source
    on `x`, the default applies."""
    report = run(_panel_rubric("renormalise"), _panel_rows(1))
    (r,) = report.to_records()
    assert r["rated"] is True
    assert r["quorum_short"] == ["authority"]
    assert r["total"] == 11.0


@pytest.mark.parametrize("when_short", ["renormalise", "not_rated", "fail"])
def test_full_panel_uses_its_ratings_not_the_default(when_short: str) -> None:
    """2 of 2 raters: their mean is used, not the default."""
    report = run(_panel_rubric(when_short), _panel_rows(2))
    (r,) = report.to_records()
    assert (r["rated"], r["total"], r["quorum_short"]) == (True, 16.0, [])


# --------------------------------------------------------------------------- fractional claims

CLAIM_RUBRIC = ONE_DIMENSION + """
levels:
  - {stars: 1, min_total: 2}
  - {stars: 2, min_total: 4}
  - {stars: 3, min_total: 6}
"""


@pytest.mark.parametrize("claim", [2.5, "2.5", 2.0000001, "2,5"])
def test_fractional_claim_is_refused_not_truncated(claim: object) -> None:
    """A claim of 2.5 stars is a located error, never read as 2."""
    with pytest.raises(rp.RatingsError) as info:
        run(load(ONE_SOURCE, CLAIM_RUBRIC), rows_of({"a": {"s": 9}}), claims={"a": claim})
    (problem,) = info.value.problems
    assert (problem.row, problem.path) == (1, "stars")
    assert problem.message == f"stars must be a whole number, not {claim!r}"


def test_fractional_claim_in_a_file_points_at_its_line(tmp_path: Path) -> None:
    """In a claims CSV the refused fraction is reported at its line; whole claims pass."""
    claims = tmp_path / "claims.csv"
    claims.write_text("company,stars\na,2\n\nb,2.5\n", encoding="utf-8")
    with pytest.raises(rp.RatingsError) as info:
        run(load(ONE_SOURCE, CLAIM_RUBRIC), rows_of({"a": {"s": 9}, "b": {"s": 9}}),
            claims=claims)
    (problem,) = info.value.problems
    assert (problem.file, problem.row, problem.path) == (str(claims), 4, "stars")


def test_whole_claims_written_as_decimals_are_accepted() -> None:
    """A claim of 2.0 (or "2.0") is the whole number 2, confirmed by a company that earns 3."""
    report = run(load(ONE_SOURCE, CLAIM_RUBRIC), rows_of({"a": {"s": 9}, "b": {"s": 9}}),
                 claims={"a": 2.0, "b": "2.0"})
    recs = records(report)
    assert [(recs[c]["claimed"], recs[c]["stars"]) for c in "ab"] == [(2, 2), (2, 2)]


# --------------------------------------------------------------------------- rounding


def _rounding_rubric(digits: int, mode: str = "half_up", points: float = 10) -> rp.Rubric:
    return load(ONE_SOURCE, f"""
        rounding: {{digits: {digits}, mode: {mode}}}
        dimensions:
          d:
            label: {{en: D}}
            indicators:
              s: {{label: {{en: S}}, kind: score, points: {points}}}
        levels:
          - {{stars: 1, min_total: 1.01}}
        """)


def test_half_up_rounds_1_005_to_1_01() -> None:
    """1.005 at 2 digits is 1.01 half-up, although 1.005 x 100 is 100.49999999999999 in floats."""
    assert 1.005 * 100 < 100.5  # the binary neighbour the decimal correction must overcome
    report = run(_rounding_rubric(2), rows_of({"a": {"s": 1.005}}))
    (r,) = report.to_records()
    assert r["total"] == 1.01
    assert r["stars"] == 1  # and reaching 1.01 earns the level


@pytest.mark.parametrize(("value", "digits", "expected"), [
    (1.005, 2, 1.01), (0.125, 2, 0.13), (2.5, 0, 3.0), (1.0049, 2, 1.0), (8.345, 2, 8.35),
    (0.0, 2, 0.0), (4.4999, 0, 4.0),
])
def test_half_up_fixed_examples(value: float, digits: int, expected: float) -> None:
    """Half-up at the rubric's digits on decimal ties and near-ties."""
    report = run(_rounding_rubric(digits), rows_of({"a": {"s": value}}))
    assert report.to_records()[0]["total"] == expected


@pytest.mark.parametrize(("value", "expected"), [(0.125, 0.12), (0.135, 0.14), (1.005, 1.0),
                                                 (2.675, 2.68)])
def test_half_even_fixed_examples(value: float, expected: float) -> None:
    """Half-even decides decimal ties to the even digit, on the decimal value."""
    report = run(_rounding_rubric(2, "half_even"), rows_of({"a": {"s": value}}))
    assert report.to_records()[0]["total"] == expected


def test_rounded_total_never_exceeds_the_maximum() -> None:
    """2.5 of 2.5 at 0 digits stays 2.5: rounding up would score more than the maximum."""
    report = run(_rounding_rubric(0, points=2.5), rows_of({"a": {"s": 2.5}, "b": {"s": 2.4}}))
    recs = records(report)
    assert recs["a"]["total"] == 2.5
    assert recs["b"]["total"] == 2.0


# --------------------------------------------------------------------------- vetoes

VETO_RUBRIC = """
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
      accident: {label: {en: Accident}, kind: check, points: 0.001}
vetoes:
  - {id: cap2, label: {en: Cap}, when: accident, effect: cap, cap: 2}
levels:
  - {stars: 1, min_total: 2}
  - {stars: 2, min_total: 4}
  - {stars: 3, min_total: 6}
  - {stars: 4, min_total: 8}
"""


def test_cap_veto_never_raises_stars() -> None:
    """A cap of 2★ leaves a 1★ company at 1★ and a 0★ one at 0★, and lowers a 4★ one to 2★."""
    table = {"low": {"s": 3, "accident": 1}, "none": {"s": 0, "accident": 1},
             "high": {"s": 9, "accident": 1}, "clean": {"s": 9, "accident": 0}}
    report = run(load(ONE_SOURCE, VETO_RUBRIC), rows_of(table))
    recs = records(report)
    assert {c: (r["earned"], r["stars"]) for c, r in recs.items()} == {
        "low": (1, 1), "none": (0, 0), "high": (4, 2), "clean": (4, 4)}
    assert [recs[c]["vetoed"] for c in ("low", "clean")] == [["cap2"], []]


# --------------------------------------------------------------------------- order of the rows

ADVERSARIAL = [0.1, 0.2, 0.3, 0.7, 9.9, 3.3]  # float sums of these depend on the order


def test_mean_does_not_depend_on_the_row_order() -> None:
    """A within-source mean is the same float in every order of the rows, within one ulp of
    the exact mean."""
    exact = float(sum(Fraction(v) for v in ADVERSARIAL) / len(ADVERSARIAL))
    sums = {sum(ADVERSARIAL[k] for k in order) for order in
            ([0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [4, 0, 3, 1, 5, 2])}
    assert len(sums) > 1  # a plain running sum does depend on the order here
    rubric = _rounding_rubric(2, "none")
    totals = set()
    for order in itertools.permutations(range(len(ADVERSARIAL))):
        rows = [rec("a", "authority", f"r{k}", "s", ADVERSARIAL[k]) for k in order]
        totals.add(run(rubric, rows).to_records()[0]["total"])
    (total,) = totals
    assert abs(total - exact) <= np.spacing(exact)


def test_mean_of_exactly_summable_values_is_exact_in_any_order() -> None:
    """Halves and whole numbers sum exactly: their mean is the exact one, in any row order."""
    values = [7.5, 0.25, 9.0, 3.5, 8.75, 6.0, 1.5]
    exact = float(sum(Fraction(v) for v in values) / len(values))
    rubric = _rounding_rubric(2, "none")
    rng = np.random.default_rng(5)
    for _ in range(6):
        order = rng.permutation(len(values))
        rows = [rec("a", "authority", f"r{k}", "s", values[k]) for k in order]
        assert run(rubric, rows).to_records()[0]["total"] == exact


def test_mean_of_long_binary_fractions_does_not_depend_on_the_row_order() -> None:
    """Values no short decimal writes (1/3, 2/7, ...) also give one mean in every row order,
    within one ulp of the exact mean."""
    values = [1 / 3, 2 / 7, 9.876543210987654, 0.1 + 0.2, 5 / 11, 7.000000000000001]
    exact = float(sum(Fraction(v) for v in values) / len(values))
    rubric = _rounding_rubric(2, "none")
    totals = set()
    for order in itertools.islice(itertools.permutations(range(len(values))), 0, None, 7):
        rows = [rec("a", "authority", f"r{k}", "s", values[k]) for k in order]
        totals.add(run(rubric, rows).to_records()[0]["total"])
    (total,) = totals
    assert abs(total - exact) <= np.spacing(exact)


# --------------------------------------------------------------------------- awarding edges


def test_not_rated_reasons_are_shortened_with_a_count() -> None:
    """Below-quorum cells beyond the third and missing indicators beyond the fifth are counted,
    not listed."""
    inds = "".join(f"      i{k}: {{label: {{en: I{k}}}, kind: score, points: 1}}\n"
                   for k in range(8))
    rubric = load(
        "sources:\n"
        "  authority: {label: {en: A}, weight: 1, quorum: 2, when_short: not_rated}\n"
        "  association: {label: {en: B}, weight: 1}\n"
        "dimensions:\n  d:\n    label: {en: D}\n    indicators:\n" + inds +
        "levels:\n  - {stars: 1, min_total: 1}\n")
    rows = [rec("a", "authority", "r1", f"i{k}", 1) for k in range(5)]
    rows.append(rec("b", "association", "s1", "i0", 1))
    recs = records(run(rubric, rows))
    assert recs["a"]["not_rated"] == [
        "below quorum: authority/i0 (1 of 2), authority/i1 (1 of 2), authority/i2 (1 of 2) "
        "and 5 more",
        "no rating for i0, i1, i2, i3, i4 and 3 more (and no default)"]
    assert recs["b"]["not_rated"] == [
        "below quorum: authority/i0 (0 of 2), authority/i1 (0 of 2), authority/i2 (0 of 2) "
        "and 5 more",
        "no rating for i1, i2, i3, i4, i5 and 2 more (and no default)"]


@pytest.mark.parametrize(("value", "stars"), [(999.9999995, 1), (999.999998, 0), (1000.0, 1)])
def test_threshold_tolerance_is_relative_to_the_threshold(value: float, stars: int) -> None:
    """At a threshold of 1000 a total within 1e-9 x 1000 earns the level; 2e-6 below does not."""
    rubric = load(ONE_SOURCE, """
        rounding: {mode: none}
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 2000}
        levels:
          - {stars: 1, min_total: 1000}
        """)
    assert run(rubric, rows_of({"a": {"s": value}})).stars["a"] == stars


def test_evaluation_error_names_the_first_short_cell_and_counts_them_all() -> None:
    """Under `fail`, the error names source, raters, indicator, company and quorum, and how many
    cells are short in all."""
    rows = [*_panel_rows(1), rec("b", "authority", "a1", "s", 1)]
    with pytest.raises(rp.EvaluationError) as info:
        run(_panel_rubric("fail"), rows)
    assert str(info.value) == (
        "source 'authority' has 1 rater(s) on indicator 'x' for company 'a', fewer than its "
        "quorum of 2; its policy `when_short: fail` refuses to evaluate (2 such cells in all)")
