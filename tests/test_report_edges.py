"""Report outputs on edge cases: two vetoes, several not-rated reasons, a 0★ claim, three
rounding digits, rater-corrected values, a zero-point dimension and two adjustments at once."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

import red_property as rp

from .fixtures import ONE_SOURCE, lenient_rater_report, load, rec

SECOND = """
rounding: {digits: 3}
sources:
  authority: {label: {en: A}, weight: 1, quorum: 2, when_short: not_rated}
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
      licence: {label: {en: Licence}, kind: check}
      fire: {label: {en: Fire}, kind: check}
      fraud: {label: {en: Fraud}, kind: check}
gates:
  - {id: licensed, label: {en: Licensed}, all_of: [licence]}
vetoes:
  - {id: fire, label: {en: Fire}, when: fire, effect: cap, cap: 1}
  - {id: fraud, label: {en: Fraud}, when: fraud}
levels:
  - {stars: 1, min_total: 2.5}
  - {stars: 2, min_total: 7.995}
"""


@pytest.fixture(scope="module")
def second() -> rp.Report:
    """Two vetoes on a, a total 0.005 short at 3 digits on b, a claim of 0★ on z, and n not
    rated for three reasons at once."""
    def both(c: str, i: str, v: float) -> list[dict[str, Any]]:
        return [rec(c, "authority", "r1", i, v), rec(c, "authority", "r2", i, v)]

    rows: list[dict[str, Any]] = []
    for c, (s, licence, fire, fraud) in {"a": (9, 1, 1, 1), "b": (7.99, 1, 0, 0),
                                         "z": (3, 1, 0, 0)}.items():
        rows += both(c, "s", s) + both(c, "licence", licence) + both(c, "fire", fire)
        rows += both(c, "fraud", fraud)
    rows += [rec("n", "authority", "r1", "s", 5), *both("n", "licence", 0),
             *both("n", "fire", 0), *both("n", "fraud", 0)]
    return rp.evaluate(load(SECOND), rp.Ratings.from_records(rows), claims={"z": 0})


REASONS_N = ("gate 'licensed' not passed (Licensed); below quorum: authority/s (1 of 2); "
             "no rating for s (and no default)")


def test_table_with_two_vetoes_a_zero_claim_and_several_reasons(second: rp.Report) -> None:
    """Vetoes and reasons are joined in the table; a claim of 0★ is shown; totals carry the
    rubric's 3 digits."""
    assert second.table() == "\n".join([
        "rank  company    total  stars      claim",
        "   1  a          9.000  ☆☆           veto: fire,fraud",
        "   2  b          7.990  ★☆",
        "   3  z          3.000  ☆☆         0★ confirmed",
        f"   -  n              -  not rated    {REASONS_N}",
        "4 companies: 2★ 0, 1★ 1, 0★ 2; not rated 1",
    ])


def test_csv_joins_vetoes_and_reasons(second: rp.Report, tmp_path: Path) -> None:
    """The CSV's vetoed cell joins ids with commas, its not_rated cell joins reasons with '; '."""
    second.to_csv(tmp_path / "r.csv")
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["company"]: r for r in csv.DictReader(fh)}
    assert (rows["a"]["vetoed"], rows["a"]["stars"], rows["a"]["earned"]) == ("fire,fraud", "0",
                                                                             "2")
    assert rows["n"]["not_rated"] == REASONS_N
    assert (rows["b"]["name"], rows["b"]["district"], rows["b"]["vetoed"]) == ("", "", "")
    assert (rows["z"]["claimed"], rows["z"]["verdict"]) == ("0", "confirmed")


def test_gap_shows_the_rubric_digits(second: rp.Report) -> None:
    """A threshold of 7.995 against 7.99 shows all three digits, and the shortfall."""
    assert [str(c) for c in second.explain("b").gap] == ["✗ total ≥ 7.995: has 7.99 (−0.005)"]
    assert str(second.explain("n")) == f"n: not rated — {REASONS_N}"
    assert "\nVetoes: fire, fraud\n" in str(second.explain("a"))


def test_frame_and_html_join_vetoes_and_reasons(second: rp.Report) -> None:
    """The frame joins vetoes with commas and reasons with '; ', as the notebook table does."""
    import html

    pytest.importorskip("pandas")
    frame = second.to_frame()
    assert (frame.loc["a", "vetoed"], frame.loc["n", "not_rated"]) == ("fire,fraud", REASONS_N)
    assert html.escape(REASONS_N) in second.to_html()


def test_table_of_rater_corrected_values() -> None:
    """With `rater_correction: true` the table flags each company whose total or stars moved
    (with its uncorrected total and stars) and counts the awards that differ."""
    report = lenient_rater_report()
    assert report.table() == "\n".join([
        "rank  company    total  stars      claim",
        "   1  d           16.0  ★★           uncorrected 17.3 2★",
        "   2  a           14.0  ★★",
        "   3  b           12.0  ★☆",
        "   3  f           12.0  ★☆           uncorrected 14.0 2★",
        "   5  c           10.0  ★☆           uncorrected 11.3 1★",
        "   6  e            8.0  ☆☆           uncorrected 10.0 1★",
        "6 companies: 2★ 2, 1★ 3, 0★ 1; not rated 0",
        "rater-corrected values; 2 awards differ from the uncorrected ones",
    ])


def test_explanation_of_a_zero_point_dimension_and_two_adjustments() -> None:
    """A dimension worth 0 points shows "-" for its share; a capped bonus and rounding both show
    as adjustments after the sources: 6.4 + bonus 2 capped at 1 = 7.4, rounded to 7."""
    rubric = load(ONE_SOURCE, """
        bonus_cap: 1
        rounding: {digits: 0}
        dimensions:
          pre:
            label: {en: Prerequisites}
            indicators:
              party: {label: {en: Party}, kind: check}
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 10}
              extra: {label: {en: Extra}, kind: bonus, per: 2, cap: 4}
        levels:
          - {stars: 1, min_total: 5, requires: [party]}
        """)
    rows = [rec("a", "authority", "r", "party", 1), rec("a", "authority", "r", "s", 6.4),
            rec("a", "authority", "r", "extra", 1)]
    lines = str(rp.evaluate(rubric, rp.Ratings.from_records(rows)).explain("a")).splitlines()
    assert lines[0] == "a: ★ 1★ (earned 1★), total 7, rank 1"
    assert lines[3:6] == [
        "  Prerequisites                                0.00 / 0         -",
        "  D                                            6.40 / 10      64%",
        "By source: authority 8.40, bonus cap -1.00, rounding -0.40"]
