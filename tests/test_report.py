"""The Report: records, JSON, CSV, frame, HTML, and provenance."""

from __future__ import annotations

import csv
import html
import json
import re
import sys
from pathlib import Path

import pytest

import red_property as rp

from .fixtures import ONE_SOURCE, load, rows_of, run

RUBRIC = """
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
levels:
  - {stars: 1, min_total: 5}
"""


def test_repr_and_provenance(shanyang_report) -> None:  # type: ignore[no-untyped-def]
    """repr is short; provenance names the rubric, its fingerprint, the library and the rows."""
    assert repr(shanyang_report) == "<Report shanyang-red-property@2019.1: 40 companies>"
    prov = shanyang_report.provenance()
    assert prov["rubric"]["sha256"] == rp.fingerprint(shanyang_report.plan.rubric)
    assert prov["library"]["version"] == rp.__version__
    rows = prov["rows"]
    assert rows["read"] == rows["used"] + rows["dropped"] == 6191
    assert rows["dropped_by_reason"] == {"self-rating": 7}


def test_json_is_deterministic_and_complete(shanyang_report) -> None:  # type: ignore[no-untyped-def]
    """to_json is the same text every time, parses, and has every company with its stars."""
    text = shanyang_report.to_json()
    assert text == shanyang_report.to_json()
    doc = json.loads(text)
    assert len(doc["companies"]) == 40
    assert len(doc["dropped"]) == 7
    first = doc["companies"][0]
    assert {"company", "total", "stars", "dimensions"} <= set(first)


def test_csv_neutralises_formulas(tmp_path: Path) -> None:
    """A company id that a spreadsheet would run as a formula is written as text."""
    rubric = load(ONE_SOURCE, RUBRIC)
    report = run(rubric, rows_of({"=cmd|'/c calc'!A1": {"s": 6}, "+1": {"s": 2},
                                  "ok": {"s": 9}}))
    out = tmp_path / "r.csv"
    report.to_csv(out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        cells = [row[0] for row in csv.reader(fh)][1:]
    assert sorted(cells) == sorted(["'=cmd|'/c calc'!A1", "'+1", "ok"])


def test_html_escapes_and_truncates() -> None:
    """Company ids are HTML-escaped and a long table is cut with a note."""
    rubric = load(ONE_SOURCE, RUBRIC)
    table = {f"<b>c{k}</b>": {"s": k % 10} for k in range(70)}
    html = run(rubric, rows_of(table))._repr_html_()
    assert "<b>c1</b>" not in html
    assert "&lt;b&gt;c1&lt;/b&gt;" in html
    assert html.count("<tr>") == 1 + 60
    assert "10 more companies" in html


def test_to_frame_and_missing_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    """to_frame gives one row per company; without pandas the error names the extra."""
    pytest.importorskip("pandas")
    rubric = load(ONE_SOURCE, RUBRIC)
    report = run(rubric, rows_of({"a": {"s": 6}, "b": {"s": 2}}))
    frame = report.to_frame()
    assert frame.loc["a", "stars"] == 1
    assert frame.loc["b", "stars"] == 0
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install 'red-property\[pandas\]'"):
        report.to_frame()


def test_explain_not_rated_and_unknown(shanyang_report) -> None:  # type: ignore[no-untyped-def]
    """A not-rated company explains why; an unknown one is a KeyError naming it."""
    e = shanyang_report.explain("sy-38")
    assert not e.rated
    assert str(e).startswith("sy-38: not rated — gate 'operating' not passed")
    with pytest.raises(KeyError, match="sy-99"):
        shanyang_report.explain("sy-99")


def test_table_lists_every_company_once(shanyang_report) -> None:  # type: ignore[no-untyped-def]
    """The text table has one line per company plus header and summaries."""
    lines = shanyang_report.table().splitlines()
    body = [ln for ln in lines[1:] if "sy-" in ln]
    assert len(body) == 40
    assert len({ln.split()[1] for ln in body}) == 40


def test_companies_table_names_and_completeness(tmp_path: Path) -> None:
    """A companies table adds names and districts, lists an unrated company as not rated, and
    makes a rating for an unlisted company an error with its row."""
    rubric = load(ONE_SOURCE, RUBRIC)
    table = tmp_path / "companies.csv"
    table.write_text("company,name,district\na,甲物業,山陽區\nb,乙物業,山陽區\nc,丙物業,解放區\n",
                     encoding="utf-8")
    report = rp.evaluate(rubric, rp.Ratings.from_records(rows_of({"a": {"s": 6}, "b": {"s": 2}})),
                         companies=table)
    recs = {r["company"]: r for r in report.to_records()}
    assert (recs["a"]["name"], recs["a"]["district"]) == ("甲物業", "山陽區")
    assert recs["c"]["rated"] is False
    assert recs["c"]["not_rated"] == ["no ratings"]
    assert "a 甲物業" in report.table()
    with pytest.raises(rp.RatingsError, match="row 1, column company: unknown company 'z'"):
        rp.evaluate(rubric, rp.Ratings.from_records(rows_of({"z": {"s": 6}})), companies=table)


def test_companies_table_problems(tmp_path: Path) -> None:
    """A companies table listing an id twice is refused with the row."""
    table = tmp_path / "companies.csv"
    table.write_text("company,name\na,x\na,y\n", encoding="utf-8")
    rubric = load(ONE_SOURCE, RUBRIC)
    with pytest.raises(rp.RatingsError, match="row 3, column company: 'a' is listed twice"):
        rp.evaluate(rubric, rp.Ratings.from_records(rows_of({"a": {"s": 6}})), companies=table)


def test_company_without_ratings_is_not_rated_even_with_defaults() -> None:
    """A listed company with no rating at all is not rated, even if defaults could score it."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 10, default: 10}
        levels:
          - {stars: 1, min_total: 5}
        """)
    report = run(rubric, rows_of({"a": {"s": 6}}), companies=["a", "ghost"])
    recs = {r["company"]: r for r in report.to_records()}
    assert recs["ghost"]["rated"] is False
    assert recs["ghost"]["not_rated"] == ["no ratings"]
    assert recs["a"]["rank"] == 1


def test_explain_shows_the_rubric_digits() -> None:
    """With rounding to 3 digits, a total of 7.999 against 8 shows as 7.999 (−0.001)."""
    rubric = load(ONE_SOURCE, """
        rounding: {digits: 3}
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 10}
        levels:
          - {stars: 1, min_total: 8}
        """)
    e = run(rubric, rows_of({"a": {"s": 7.999}})).explain("a")
    assert [str(c) for c in e.gap] == ["✗ total ≥ 8: has 7.999 (−0.001)"]


def test_ratings_without_rows_are_refused() -> None:
    """An empty season (no records, empty columns, an empty frame) is a RatingsError, not a
    report of 0 companies: a service that lost its data must not publish nothing silently."""
    pd = pytest.importorskip("pandas")
    rubric = load(ONE_SOURCE, RUBRIC)
    empty = {c: [] for c in ("company", "source", "rater", "indicator", "value")}
    for ratings, origin in ((rp.Ratings.from_records([]), "records"), (empty, "columns"),
                            (pd.DataFrame(empty), "frame"), ([], "records")):
        with pytest.raises(rp.RatingsError) as info:
            rp.evaluate(rubric, ratings)
        assert [p.message for p in info.value.problems] == [
            f"no ratings: the {origin} hold no rows; nothing to score"]


def test_explain_headroom_and_name(tmp_path: Path) -> None:
    """explain() lists the base indicators with the most points still open, largest first,
    and shows the company's name from the companies table."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              x: {label: {en: X}, kind: score, points: 10}
              y: {label: {en: Y}, kind: score, points: 4}
              z: {label: {en: Z}, kind: score, points: 6}
        levels:
          - {stars: 1, min_total: 5}
          - {stars: 2, min_total: 19}
        """)
    report = rp.evaluate(rubric, rp.Ratings.from_records(rows_of({"a": {"x": 9, "y": 1, "z": 6}})),
                         companies={"a": "甲物業"})
    e = report.explain("a")
    assert e.headroom == (("y", 1.0, 4.0), ("x", 9.0, 10.0))
    assert str(e).startswith("a 甲物業: ★☆ 1★")
    assert "most points still open: y 1/4 (+3), x 9/10 (+1)" in str(e)


def test_report_arrays_are_read_only(shanyang_report) -> None:  # type: ignore[no-untyped-def]
    """A report cannot be altered after the fact: its arrays refuse writes."""
    with pytest.raises(ValueError, match="read-only"):
        shanyang_report.scores.total[0] = 100.0
    with pytest.raises(ValueError, match="read-only"):
        shanyang_report.awards.stars[0] = 5


def test_html_shows_what_the_text_table_shows(shanyang_report) -> None:  # type: ignore[no-untyped-def]
    """Each HTML row holds every cell of the company's text-table line: rank, total, stars,
    claim outcome, vetoes and why a company is not rated; the summary lines follow the table."""
    page = shanyang_report._repr_html_()
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page)[1:]:
        cells = [html.unescape(x) for x in re.findall(r"<td>(.*?)</td>", row)]
        rows[cells[1]] = cells
    lines = shanyang_report.table().splitlines()
    for line in lines[1:len(shanyang_report) + 1]:
        text_cells = re.split(r"\s{2,}", line.strip())
        cells = rows[text_cells[1]]
        assert [c for c in text_cells if c not in cells] == [], line
    vetoed = [r for r in shanyang_report.to_records() if r["vetoed"]]
    unrated = [r for r in shanyang_report.to_records() if not r["rated"]]
    assert vetoed and unrated and any(r["claimed"] for r in vetoed)
    for rec in unrated:
        cells = rows[rec["company"]]
        assert cells[:4] == ["-", rec["company"], "-", "not rated"]
        assert set(cells[4:-2]) == {"-"}
        assert cells[-1] == "; ".join(rec["not_rated"]) != ""
    for line in lines[len(shanyang_report) + 1:]:
        assert f"<p>{html.escape(line)}</p>" in page
