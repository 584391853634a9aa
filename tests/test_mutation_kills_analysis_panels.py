"""Rater agreement per source and dimension: the tables it builds, its notes and its output.

Each season is a handful of rows on an inline rubric whose one dimension mixes indicators of
different domains (a score of 10 points, one of half a point, a measure ranged 50 to 100 and a
measure without a range), so that the table of shares each panel is judged on is written out
here by hand and its alpha and ICC computed from that table directly.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np

import red_property as rp
from red_property.analysis import PanelAgreement, icc, krippendorff_alpha, rater_agreement

RUBRIC = rp.load_rubric(textwrap.dedent("""
    id: panels-test
    version: "1"
    title: {en: Panels test}
    sources:
      authority: {label: {en: Authority}, weight: 0.5}
      association: {label: {en: Association}, weight: 0.5}
    dimensions:
      quality:
        label: {en: Quality}
        indicators:
          s: {label: {en: S}, kind: score, points: 10}
          h: {label: {en: H}, kind: score, points: 0.5}
          m: {label: {en: M}, kind: measure, points: 10, range: [50, 100],
              goalposts: {worst: 50, best: 100}}
          u: {label: {en: U}, kind: measure, points: 10, goalposts: {worst: 0, best: 10}}
      other:
        label: {en: Other}
        indicators:
          o: {label: {en: O}, kind: score, points: 10}
    levels:
      - {stars: 1, min_total: 10}
    """))

Row = tuple[str, str, str, str, float]  # company, source, rater, indicator, value


def agreement(rows: list[Row]) -> PanelAgreement:
    """Rater agreement of a season of these rows on the inline rubric."""
    company, source, rater, indicator, value = zip(*rows, strict=True)
    ratings = rp.Ratings.from_columns(company=list(company), source=list(source),
                                      rater=list(rater), indicator=list(indicator),
                                      value=np.array(value, dtype=float))
    return rater_agreement(rp.evaluate(RUBRIC, ratings))


def table_rows(table: dict[tuple[str, str], list[float]], source: str) -> list[Row]:
    """Rows of one source from ``{(company, indicator): [value of rater r1, r2, ...]}``."""
    return [(c, source, f"r{k + 1}", i, v) for (c, i), values in table.items()
            for k, v in enumerate(values) if not math.isnan(v)]


def expected(table: list[list[float]]) -> tuple[float, float, float]:
    """Alpha (interval), ICC(A,k) and ICC(A,1) of a units x raters table, as reported."""
    res = icc(table)
    return (round(krippendorff_alpha(table, level="interval"), 6),
            round(res["ICC2k"].icc, 6), round(res["ICC2"].icc, 6))


NAN = float("nan")


def test_each_rating_is_a_share_of_its_indicator_range() -> None:
    """A panel's table holds each value as a share of its indicator's domain (value minus the
    domain's low end, over its width), raw where the domain is unbounded."""
    raw = {("a", "s"): [7.0, 8.0, 6.0], ("a", "h"): [0.3, 0.45, 0.1],
           ("a", "m"): [80.0, 95.0, 60.0], ("a", "u"): [0.2, 0.9, 0.5],
           ("b", "s"): [2.0, 4.5, 3.0], ("b", "h"): [0.05, 0.2, 0.5],
           ("b", "m"): [55.0, 70.0, 100.0], ("b", "u"): [0.7, 0.1, 0.4]}
    shares = [[0.7, 0.8, 0.6], [0.6, 0.9, 0.2], [0.6, 0.9, 0.2], [0.2, 0.9, 0.5],
              [0.2, 0.45, 0.3], [0.1, 0.4, 1.0], [0.1, 0.4, 1.0], [0.7, 0.1, 0.4]]
    alpha, a_k, a_1 = expected(shares)
    records = agreement(table_rows(raw, "authority")).to_records()
    assert records == [{"source": "authority", "dimension": "quality", "units": 8,
                        "raters": 3, "alpha": alpha, "icc_a_k": a_k, "icc_a_1": a_1,
                        "note": ""}]


def test_a_unit_is_one_company_on_one_indicator() -> None:
    """Every company rated on every indicator is its own unit, even with more companies than
    the rubric has indicators."""
    rows = [(f"c{k}", "association", rater, i, float((k * 3 + j) % 7) / 14)
            for k in range(7) for j, rater in enumerate(("x", "y")) for i in ("s", "h", "o")]
    records = agreement(rows).to_records()
    assert [(r["dimension"], r["units"], r["raters"]) for r in records] == [
        ("quality", 14, 2), ("other", 7, 2)]


def test_a_single_rater_has_no_alpha_and_says_why() -> None:
    """A panel of one rater gets no alpha and no ICC, the reason in its note; with no alpha at
    all the repr shows the lowest as nan."""
    result = agreement([("a", "authority", "r1", "s", 4.0), ("b", "authority", "r1", "s", 6.0)])
    assert result.to_records() == [{
        "source": "authority", "dimension": "quality", "units": 2, "raters": 1,
        "alpha": None, "icc_a_k": None, "icc_a_1": None,
        "note": "alpha: krippendorff_alpha: no pairable data (no unit has ratings from two or "
                "more raters)"}]
    assert repr(result) == "<PanelAgreement 1 panels: lowest alpha nan>"
    assert repr(PanelAgreement(rows=())) == "<PanelAgreement 0 panels: lowest alpha nan>"


def test_two_raters_with_one_shared_unit_get_alpha_only() -> None:
    """Two raters sharing only one unit get alpha, and a note that the ICC needs units every
    rater rated."""
    raw = {("a", "s"): [2.0, 6.0], ("b", "s"): [5.0, NAN], ("c", "s"): [NAN, 9.0]}
    alpha = round(krippendorff_alpha([[0.2, 0.6], [0.5, NAN], [NAN, 0.9]]), 6)
    assert agreement(table_rows(raw, "authority")).to_records() == [{
        "source": "authority", "dimension": "quality", "units": 3, "raters": 2, "alpha": alpha,
        "icc_a_k": None, "icc_a_1": None,
        "note": "ICC needs units every rater rated; use alpha"}]


def test_two_complete_units_are_enough_for_the_icc() -> None:
    """Two raters who both rated two units get the ICC as well as alpha."""
    raw = {("a", "s"): [2.0, 3.5], ("b", "s"): [8.0, 6.5]}
    shares = [[0.2, 0.35], [0.8, 0.65]]
    alpha, a_k, a_1 = expected(shares)
    assert agreement(table_rows(raw, "authority")).to_records() == [{
        "source": "authority", "dimension": "quality", "units": 2, "raters": 2, "alpha": alpha,
        "icc_a_k": a_k, "icc_a_1": a_1, "note": ""}]


def test_an_icc_without_variation_is_noted_beside_alpha() -> None:
    """When the complete units show no variation the ICC is left out, its reason the note,
    while alpha, from every unit two raters share, is still given."""
    raw = {("a", "s"): [5.0, 5.0, 5.0], ("b", "s"): [5.0, 5.0, 5.0], ("c", "s"): [2.0, 8.0, NAN]}
    alpha = round(krippendorff_alpha([[0.5, 0.5, 0.5], [0.5, 0.5, 0.5], [0.2, 0.8, NAN]]), 6)
    assert agreement(table_rows(raw, "authority")).to_records() == [{
        "source": "authority", "dimension": "quality", "units": 3, "raters": 3, "alpha": alpha,
        "icc_a_k": None, "icc_a_1": None,
        "note": "ICC: icc: no variation (every rating is the same value, ICC is undefined)"}]


def test_both_reasons_are_noted_when_nothing_varies() -> None:
    """A panel whose ratings are all the same value notes why alpha and why the ICC are
    missing, one after the other."""
    raw = {("a", "s"): [5.0, 5.0], ("b", "s"): [5.0, 5.0]}
    assert agreement(table_rows(raw, "association")).to_records() == [{
        "source": "association", "dimension": "quality", "units": 2, "raters": 2,
        "alpha": None, "icc_a_k": None, "icc_a_1": None,
        "note": "alpha: krippendorff_alpha: no variation (every pairable rating is the same "
                "value, so the expected disagreement is 0 and alpha is undefined); ICC: icc: no "
                "variation (every rating is the same value, ICC is undefined)"}]


def test_an_undefined_icc_is_none_not_nan() -> None:
    """An ICC that comes out NaN (a zero over zero, from values a rounding error apart) is
    reported as missing (None), not as NaN."""
    below = 1.0 - np.spacing(1.0) / 2
    table = [[1.0, 1.0], [1.0, below]]
    res = icc(table)
    assert math.isnan(res["ICC2k"].icc) and math.isnan(res["ICC2"].icc)
    rows = [("a", "authority", "r1", "u", 1.0), ("a", "authority", "r2", "u", 1.0),
            ("b", "authority", "r1", "u", 1.0), ("b", "authority", "r2", "u", below)]
    (record,) = agreement(rows).to_records()
    assert record["alpha"] == round(krippendorff_alpha(table), 6)
    assert record["icc_a_k"] is None and record["icc_a_1"] is None and record["note"] == ""


def test_html_table_of_panels() -> None:
    """The notebook table: a header row, then one row per panel with alpha and ICC(A,k) to three
    decimals, a dash where missing, labels escaped."""
    result = PanelAgreement(rows=(
        {"source": "authority", "dimension": "quality", "units": 8, "raters": 3,
         "alpha": 0.61234, "icc_a_k": -0.5, "icc_a_1": 0.1, "note": ""},
        {"source": "<peer>", "dimension": "a&b", "units": 2, "raters": 1, "alpha": None,
         "icc_a_k": None, "icc_a_1": None, "note": "alpha: \"none\""},
    ))
    assert result._repr_html_() == (
        "<table><thead><tr><th>source</th><th>dimension</th><th>units</th>"
        "<th>raters</th><th>alpha (interval)</th><th>ICC(A,k)</th><th>note</th></tr></thead>"
        "<tbody>"
        "<tr><td>authority</td><td>quality</td><td>8</td><td>3</td><td>0.612</td>"
        "<td>-0.500</td><td></td></tr>"
        "<tr><td>&lt;peer&gt;</td><td>a&amp;b</td><td>2</td><td>1</td><td>–</td><td>–</td>"
        "<td>alpha: &quot;none&quot;</td></tr>"
        "</tbody></table>")
