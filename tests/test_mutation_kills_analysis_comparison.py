"""Promises of the raw-versus-corrected comparison that the other tests left open: its HTML
table, its records where one side is not rated, and the corrected side scored as the report
was (claims, the companies table, no company at all)."""

from __future__ import annotations

import numpy as np

import red_property as rp
from red_property.analysis import CorrectedComparison, compare_corrected

from .conftest import EXAMPLE, SHANYANG
from .fixtures import load, rec

HEAD = ("<tr><th>company</th><th>raw</th><th>raw total</th><th>corrected</th>"
        "<th>corrected total</th><th>change</th></tr>")


def _three() -> CorrectedComparison:
    """a: rated on both sides, 3★ to 2★; b: not rated on either; c: rated only raw;
    d: rated only corrected, its total moved by less than the records' rounding."""
    return CorrectedComparison(
        companies=("a", "<b&>", "c", "d"),
        raw_rated=np.array([True, False, True, False]),
        raw_total=np.array([71.5, 12.0, 40.0, 55.0]),
        raw_stars=np.array([3, 0, 1, 0], dtype=np.int64),
        corrected_rated=np.array([True, False, False, True]),
        corrected_total=np.array([69.25, 12.0, 40.5, 55.0000004]),
        corrected_stars=np.array([2, 0, 0, 1], dtype=np.int64),
    )


def test_records_give_stars_only_where_rated_and_rated_only_where_both_are() -> None:
    """A side not rated has stars None, `rated` needs both sides, and the stars change only
    where both are rated; the total change is rounded to 6 decimals."""
    rows = _three().to_records()
    assert rows[0] == {"company": "a", "rated": True, "raw_total": 71.5, "raw_stars": 3,
                       "corrected_total": 69.25, "corrected_stars": 2, "total_change": -2.25,
                       "stars_change": -1}
    assert rows[1]["rated"] is False
    assert (rows[1]["raw_stars"], rows[1]["corrected_stars"], rows[1]["stars_change"]) \
        == (None, None, None)
    assert rows[2]["rated"] is False
    assert (rows[2]["raw_stars"], rows[2]["corrected_stars"], rows[2]["stars_change"]) \
        == (1, None, None)
    assert rows[3]["rated"] is False
    assert (rows[3]["raw_stars"], rows[3]["corrected_stars"], rows[3]["stars_change"]) \
        == (None, 1, None)
    assert rows[3]["total_change"] == 0.0


def test_html_is_the_summary_and_one_escaped_row_per_company() -> None:
    """The notebook view: the repr, then company, stars (or "not rated") and totals of each side
    and the signed change, every cell escaped."""
    cells = [["a", "3★", "71.5", "2★", "69.25", "-2.25"],
             ["&lt;b&amp;&gt;", "not rated", "12", "not rated", "12", "+0"],
             ["c", "1★", "40", "not rated", "40.5", "+0.5"],
             ["d", "not rated", "55", "1★", "55", "+0"]]
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in cells)
    assert _three()._repr_html_() == (
        "<div><p>&lt;CorrectedComparison 4 companies: 3 awards change&gt;</p>"
        f"<table><thead>{HEAD}</thead><tbody>{body}</tbody></table></div>")


def test_html_of_many_companies_says_how_many_more_are_left_out() -> None:
    """Past 60 companies the HTML table stops and says how many more companies there are."""
    n = 62
    page = CorrectedComparison(
        companies=tuple(f"c{k}" for k in range(n)), raw_rated=np.ones(n, dtype=bool),
        raw_total=np.full(n, 50.0), raw_stars=np.ones(n, dtype=np.int64),
        corrected_rated=np.ones(n, dtype=bool), corrected_total=np.full(n, 50.0),
        corrected_stars=np.ones(n, dtype=np.int64))._repr_html_()
    assert page.count("<tr>") == 61  # the heading and 60 companies
    assert "<td>c59</td>" in page and "<td>c60</td>" not in page
    assert page.endswith("</tbody></table><p>… 2 more companies</p></div>")


def test_corrected_side_keeps_the_claims_and_integer_stars(shanyang_report: rp.Report) -> None:
    """The corrected season is awarded under the report's claims (sy-33's claim of 2★ holds
    it at 2★, as raw), and both sides' stars are integers."""
    unclaimed = rp.evaluate(SHANYANG, EXAMPLE / "ratings.csv")
    at = shanyang_report.companies.tolist().index("sy-33")
    assert (shanyang_report.awards.stars[at], unclaimed.awards.stars[at]) == (2, 4)
    comparison = compare_corrected(shanyang_report)
    row = comparison.to_records()[at]
    assert (row["company"], row["raw_stars"], row["corrected_stars"]) == ("sy-33", 2, 2)
    assert not comparison.stars_changed.any()
    assert comparison.raw_stars.dtype == np.int64
    assert comparison.corrected_stars.dtype == np.int64


def test_a_listed_company_without_ratings_is_not_rated_on_both_sides() -> None:
    """With a companies table, a listed company with no ratings is in the comparison, not rated
    before or after the correction."""
    ratings = rp.Ratings.from_csv(EXAMPLE / "ratings.csv")
    ids = sorted({str(c) for c in ratings.company_labels})
    comparison = compare_corrected(rp.evaluate(SHANYANG, ratings, companies=[*ids, "sy-99"]))
    assert len(comparison) == 41
    last = comparison.to_records()[-1]
    assert (last["company"], last["raw_stars"], last["corrected_stars"]) == ("sy-99", None, None)


def test_a_report_of_no_company_compares_to_an_empty_comparison() -> None:
    """A companies table naming none of the rated companies gives an empty comparison, with
    and without the rubric's own correction."""
    body = """
        sources:
          authority: {label: {en: A}, weight: 1}
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 10}
        levels:
          - {stars: 1, min_total: 10}
        """
    for extra in ("", "rater_correction: true\n"):
        rubric = load("input: {invalid_rows: drop}\n" + extra, body)
        report = rp.evaluate(rubric, rp.Ratings.from_records([rec("a", "authority", "r", "s", 5)]),
                             companies=[])
        comparison = compare_corrected(report)
        assert len(comparison) == 0 and comparison.to_records() == []
        assert repr(comparison) == "<CorrectedComparison 0 companies: 0 awards change>"
