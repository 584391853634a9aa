"""Every output of a report pinned on one hand-computed season: the table, explanations (text,
repr and plain data), records, CSV and HTML. Sources 0.6 / 0.4, a default, a capped bonus pool,
a cap veto, a required check, per-dimension shares and claims.

Hand computation (points):

* a: party 10, team 18, quality 0.6 x 27 + 0.4 x 24 = 25.8, complaints 10 - 2 x 1 = 8, awards
  2 x 2 = 4 capped at 3: org 28, service 33.8, total 64.8; 3★ needs 65, so 2★ (claimed 2).
* b: party 10, team 15, quality 0.6 x 25 + 0.4 x 20 = 23, complaints by default 10, awards 2:
  org 25, service 33, total 60, 2★.
* c: party 0, team 12, quality 0.6 x 20 + 0.4 x 21 = 20.4, complaints 10 - 6 = 4, no awards:
  org 12 (below 50 % of 30), service 24.4, total 36.4, 1★; the accident caps it at 1★ anyway.
* d: listed without ratings: not rated.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

import red_property as rp
from red_property.explanation import Part

from .fixtures import load, rec

RICH = """
bonus_cap: 3
sources:
  authority: {label: {en: Authority}, weight: 0.6}
  peer: {label: {en: Peer}, weight: 0.4, peer: true, covers: [quality]}
dimensions:
  org:
    label: {zh: 組織建設, en: Organisation}
    indicators:
      party: {label: {en: Party}, kind: check, points: 10}
      team: {label: {en: Team}, kind: score, points: 20}
  service:
    label: {zh: 服務質量}
    indicators:
      quality: {label: {en: Quality}, kind: score, points: 30}
      complaints: {label: {en: Complaints}, kind: deduction, points: 10, per: 2, default: 0}
      awards: {label: {en: Awards}, kind: bonus, per: 2, cap: 4}
      accident: {label: {en: Accident}, kind: check}
vetoes:
  - {id: safety, label: {en: Safety}, when: accident, effect: cap, cap: 1}
levels:
  - {stars: 1, min_total: 30}
  - {stars: 2, min_total: 50, min_dimension_share: 0.5}
  - {stars: 3, min_total: 65, requires: [party], min_bonus: 2}
"""

#: company: party, team, quality (authority), quality (peer), complaints, awards, accident
DATA: dict[str, tuple[Any, ...]] = {
    "a": (1, 18, 27, 24, 1, 2, 0),
    "b": (1, 15, 25, 20, None, 1, 0),
    "c": (0, 12, 20, 21, 3, 0, 1),
}


def _rows() -> list[dict[str, Any]]:
    out = []
    for c, (party, team, qa, qp, complaints, awards, accident) in DATA.items():
        out += [rec(c, "authority", "a1", "party", party), rec(c, "authority", "a1", "team", team),
                rec(c, "authority", "a1", "quality", qa),
                rec(c, "peer", f"p-{c}", "quality", qp, rater_company="d"),
                rec(c, "authority", "a1", "awards", awards),
                rec(c, "authority", "a1", "accident", accident)]
        if complaints is not None:
            out.append(rec(c, "authority", "a1", "complaints", complaints))
    return out


@pytest.fixture(scope="module")
def report() -> rp.Report:
    """The season above, with claims and a companies table naming a fourth company."""
    return rp.evaluate(load(RICH), rp.Ratings.from_records(_rows()), claims={"a": 2, "c": 1},
                       companies={"a": "甲物業", "b": "乙", "c": "丙", "d": "丁"})


def _rounded(obj: Any) -> Any:
    """Floats rounded to 9 decimals, everywhere in a nested structure."""
    if isinstance(obj, float):
        return round(obj, 9)
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_rounded(v) for v in obj]
    return obj


def test_table_text(report: rp.Report) -> None:
    """The star table: ranks, names, totals, stars, claims, vetoes, reasons and the summary."""
    assert report.table() == "\n".join([
        "rank  company     total  stars      claim",
        "   1  a 甲物業     64.8  ★★☆        2★ confirmed",
        "   2  b 乙         60.0  ★★☆",
        "   3  c 丙         36.4  ★☆☆        1★ confirmed  veto: safety",
        "   -  d 丁            -  not rated    no ratings",
        "4 companies: 3★ 0, 2★ 2, 1★ 1, 0★ 0; not rated 1",
    ])
    assert report.table(limit=2).splitlines()[1:3] == [
        "   1  a 甲物業     64.8  ★★☆        2★ confirmed", "   2  b 乙         60.0  ★★☆"]
    assert len(report.table(limit=2).splitlines()) == 4
    assert str(report) == report.table()


def test_explanation_text_of_a_company_short_of_the_next_star(report: rp.Report) -> None:
    """str(explain) of a: stars, claim, total, rank, dimensions, sources with the bonus cap,
    the level trace from the top, the gap (total and claim) and the headroom."""
    assert str(report.explain("a")) == "\n".join([
        "a 甲物業: ★★☆ 2★ (earned 2★; claimed 2★: confirmed), total 64.8, rank 1",
        "",
        "Dimensions:",
        "  Organisation                                28.00 / 30      93%",
        "  服務質量                                    33.80 / 40      84%",
        "By source: authority 56.20, peer 9.60, bonus cap -1.00",
        "",
        "Star decision (from the top):",
        "  3★ not reached",
        "     ✗ total ≥ 65: has 64.8 (−0.2)",
        "     ✓ party met: needs yes, has yes",
        "     ✓ bonus ≥ 2: has 3",
        "  2★ passed",
        "     ✓ total ≥ 50: has 64.8",
        "     ✓ org (50% of 30) ≥ 15: has 28",
        "     ✓ service (50% of 40) ≥ 20: has 33.8",
        "  1★ passed",
        "     ✓ total ≥ 30: has 64.8",
        "",
        "To reach 3★:",
        "  ✗ total ≥ 65: has 64.8 (−0.2)",
        "  ✗ claim: needs a claim of 3★ or more, has 2★",
        "  most points still open: quality 25.8/30 (+4.2), team 18/20 (+2), complaints 8/10 (+2)",
    ])
    assert repr(report.explain("a")) == "<Explanation a: 2★ total 64.8>"


def test_explanation_text_of_a_vetoed_company(report: rp.Report) -> None:
    """str(explain) of c: failed conditions with their shortfalls, the veto, and a gap that
    names the veto and the claim."""
    text = str(report.explain("c"))
    assert text.splitlines()[0] == (
        "c 丙: ★☆☆ 1★ (earned 1★; claimed 1★: confirmed), total 36.4, rank 3")
    assert "By source: authority 28.00, peer 8.40\nVetoes: safety\n" in text
    assert text.endswith("\n".join([
        "  3★ not reached",
        "     ✗ total ≥ 65: has 36.4 (−28.6)",
        "     ✗ party met: needs yes, has no",
        "     ✗ bonus ≥ 2: has 0 (−2)",
        "  2★ not reached",
        "     ✗ total ≥ 50: has 36.4 (−13.6)",
        "     ✗ org (50% of 30) ≥ 15: has 12 (−3)",
        "     ✓ service (50% of 40) ≥ 20: has 24.4",
        "  1★ passed",
        "     ✓ total ≥ 30: has 36.4",
        "",
        "To reach 2★:",
        "  ✗ total ≥ 50: has 36.4 (−13.6)",
        "  ✗ org (50% of 30) ≥ 15: has 12 (−3)",
        "  ✗ veto safety: needs not triggered, has triggered",
        "  ✗ claim: needs a claim of 2★ or more, has 1★",
        "  most points still open: party 0/10 (+10), quality 20.4/30 (+9.6), team 12/20 (+8), "
        "complaints 4/10 (+6)",
    ]))


def test_explanation_of_a_default_and_of_a_company_not_rated(report: rp.Report) -> None:
    """b's complaints come from the default (a part of its own); d explains why it is not
    rated, with no next level."""
    b = report.explain("b")
    assert str(b).splitlines()[0] == "b 乙: ★★☆ 2★ (earned 2★), total 60, rank 2"
    assert b.by_source == pytest.approx({"authority": 42.0, "peer": 8.0, "default": 10.0})
    assert [p for p in b.parts if p.source == "default"] == [
        Part("service", "complaints", "default", 10.0)]
    assert b.parts_sum() == pytest.approx(60.0)
    assert "complaints" not in b.weights
    d = report.explain("d")
    assert (d.rated, d.next_level, d.gap, d.rank) == (False, None, (), None)
    assert str(d) == "d 丁: not rated — no ratings"
    assert repr(d) == "<Explanation d: not rated>"
    assert d.to_dict()["stars"] is None
    html = report.explain("c")._repr_html_()
    assert html.startswith("<pre>c 丙: ★☆☆") and html.endswith("(+6)</pre>")


def test_explanation_as_plain_data(report: rp.Report) -> None:
    """explain().to_dict() carries every field, with the hand-computed values."""
    cond = {"passed": True, "shortfall": 0.0}
    assert _rounded(report.explain("a").to_dict()) == {
        "company": "a", "rated": True, "not_rated_reasons": [], "total": 64.8,
        "raw_total": 64.8, "stars": 2, "level": None, "earned": 2, "claimed": 2,
        "verdict": "confirmed", "rank": 1,
        "dimensions": {"org": {"points": 28.0, "max": 30.0},
                       "service": {"points": 33.8, "max": 40.0}},
        "parts": [
            {"dimension": "org", "indicator": "party", "source": "authority", "points": 10.0},
            {"dimension": "org", "indicator": "team", "source": "authority", "points": 18.0},
            {"dimension": "service", "indicator": "quality", "source": "authority",
             "points": 16.2},
            {"dimension": "service", "indicator": "quality", "source": "peer", "points": 9.6},
            {"dimension": "service", "indicator": "complaints", "source": "authority",
             "points": 8.0},
            {"dimension": "service", "indicator": "awards", "source": "authority",
             "points": 4.0},
            {"dimension": "service", "indicator": "accident", "source": "authority",
             "points": 0.0},
        ],
        "adjustments": {"bonus cap": -1.0, "rounding": 0.0},
        "by_source": {"authority": 56.2, "peer": 9.6},
        "weights": {"party": {"authority": 1.0}, "team": {"authority": 1.0},
                    "quality": {"authority": 0.6, "peer": 0.4},
                    "complaints": {"authority": 1.0}, "awards": {"authority": 1.0},
                    "accident": {"authority": 1.0}},
        "trace": [
            {"stars": 3, "name": None, "passed": False, "conditions": [
                {"what": "total", "required": 65.0, "actual": 64.8, "passed": False,
                 "shortfall": 0.2},
                {"what": "party met", "required": "yes", "actual": "yes", **cond},
                {"what": "bonus", "required": 2.0, "actual": 3.0, **cond}]},
            {"stars": 2, "name": None, "passed": True, "conditions": [
                {"what": "total", "required": 50.0, "actual": 64.8, **cond},
                {"what": "org (50% of 30)", "required": 15.0, "actual": 28.0, **cond},
                {"what": "service (50% of 40)", "required": 20.0, "actual": 33.8, **cond}]},
            {"stars": 1, "name": None, "passed": True, "conditions": [
                {"what": "total", "required": 30.0, "actual": 64.8, **cond}]},
        ],
        "vetoes": [],
        "next_level": 3,
        "gap": [
            {"what": "total", "required": 65.0, "actual": 64.8, "passed": False,
             "shortfall": 0.2},
            {"what": "claim", "required": "a claim of 3★ or more", "actual": "2★",
             "passed": False, "shortfall": 0.0},
        ],
        "name": "甲物業",
        "headroom": [{"indicator": "quality", "points": 25.8, "max": 30.0},
                     {"indicator": "team", "points": 18.0, "max": 20.0},
                     {"indicator": "complaints", "points": 8.0, "max": 10.0}],
    }
    assert report.explain("c").to_dict()["vetoes"] == ["safety"]


def test_records(report: rp.Report) -> None:
    """to_records(): one dict per company with totals, shares, each source's own view (share of
    the points it could give), bonus, vetoes and reasons."""
    recs = _rounded(report.to_records())
    assert recs[0] == {
        "company": "a", "name": "甲物業", "district": None, "rated": True, "total": 64.8,
        "stars": 2, "level": None, "earned": 2, "claimed": 2, "verdict": "confirmed",
        "rank": 1, "dimensions": {"org": 28.0, "service": 33.8},
        "dimension_shares": {"org": 0.933333, "service": 0.845},
        # authority: 10 + 18 + 27 + 8 + 0 of 70; peer: 24 of 30
        "sources": {"authority": 0.9, "peer": 0.8},
        "bonus": 3.0, "vetoed": [], "not_rated": [], "quorum_short": []}
    assert recs[1]["sources"] == {"authority": 0.833333, "peer": 0.666667}  # 50 / 60, 20 / 30
    assert (recs[1]["claimed"], recs[1]["verdict"], recs[1]["bonus"]) == (None, "no claim", 2.0)
    assert (recs[2]["vetoed"], recs[2]["stars"], recs[2]["sources"]) == (
        ["safety"], 1, {"authority": 0.514286, "peer": 0.7})
    assert {k: recs[3][k] for k in ("rated", "total", "stars", "rank", "earned", "not_rated",
                                     "quorum_short", "sources")} == {
        "rated": False, "total": None, "stars": None, "rank": None, "earned": None,
        "not_rated": ["no ratings"], "quorum_short": ["authority", "peer"],
        "sources": {"authority": None, "peer": None}}


def test_csv(report: rp.Report, tmp_path: Path) -> None:
    """to_csv(): a UTF-8 file with BOM, the header and one row per company."""
    out = tmp_path / "r.csv"
    report.to_csv(out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbfcompany,")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [
        ["company", "name", "district", "rated", "total", "stars", "earned", "claimed",
         "verdict", "rank", "dim.org", "dim.service", "source.authority", "source.peer",
         "bonus", "vetoed", "not_rated"],
        ["a", "甲物業", "", "True", "64.8", "2", "2", "2", "confirmed", "1", "28.0", "33.8",
         "0.9", "0.8", "3.0", "", ""],
        ["b", "乙", "", "True", "60.0", "2", "2", "", "no claim", "2", "25.0", "33.0",
         "0.833333", "0.666667", "2.0", "", ""],
        ["c", "丙", "", "True", "36.4", "1", "1", "1", "confirmed", "3", "12.0", "24.4",
         "0.514286", "0.7", "0.0", "safety", ""],
        ["d", "丁", "", "False", "", "", "", "", "no claim", "", "0.0", "10.0", "", "", "0.0",
         "", "no ratings"],
    ]


def test_json_and_provenance(report: rp.Report) -> None:
    """to_json(): provenance with the rubric's fingerprint and the row counts, the records, keys
    sorted, non-ASCII kept; indent=None gives one line."""
    import json

    text = report.to_json()
    doc = json.loads(text)
    assert doc["provenance"] == {
        "rubric": {"id": "t", "version": "1", "sha256": rp.fingerprint(report.plan.rubric)},
        "library": {"name": "red-property", "version": rp.__version__},
        "rows": {"read": 20, "used": 20, "dropped": 0, "dropped_by_reason": {}},
        "warnings": [],
        "rater_correction": {"applied": False}}
    assert doc["companies"] == json.loads(json.dumps(report.to_records()))
    assert doc["dropped"] == []
    assert list(doc) == ["companies", "dropped", "provenance"]
    assert '"name": "甲物業"' in text
    assert "\n" not in report.to_json(indent=None)
    assert text.startswith('{\n  "companies": [\n    {\n      "bonus": 3.0,')


def test_html(report: rp.Report) -> None:
    """_repr_html_(): the rubric's title and counts, a header with the dimension labels, and one
    escaped row per company, best first."""
    html = report._repr_html_()
    assert html == report.to_html()
    assert html.startswith("<div><p><b>T</b> t@1 — 4 companies, 20 of 20 rows used</p>"
                           "<table><thead><tr><th>rank</th><th>company</th><th>total</th>"
                           "<th>stars</th><th>Organisation</th><th>服務質量</th>")
    assert "<tr><td>1</td><td>a 甲物業</td><td>64.8</td><td>★★☆</td><td>28.0</td>" in html
    assert "<tr><td>3</td><td>c 丙</td><td>36.4</td><td>★☆☆</td><td>12.0</td>" in html
    assert "<td>-</td><td>d 丁</td>" in html and "<td>not rated</td>" in html
    assert "no ratings" in html
    assert html.count("<tr>") == 5 and html.endswith("</div>")
    assert html.index("a 甲物業") < html.index("b 乙") < html.index("c 丙") < html.index("d 丁")


def test_frame(report: rp.Report) -> None:
    """to_frame(): one row per company, dimensions and sources flattened; stars, levels
    earned, claims and ranks as whole numbers (pandas' Int64, missing as <NA>)."""
    pd = pytest.importorskip("pandas")
    frame = report.to_frame()
    assert list(frame.index) == ["a", "b", "c", "d"]
    assert frame.loc["a", "dim.service"] == pytest.approx(33.8)
    assert frame.loc["c", "source.authority"] == pytest.approx(0.514286)
    assert frame.loc["c", "vetoed"] == "safety"
    assert frame.loc["d", "not_rated"] == "no ratings"
    for column in ("stars", "earned", "claimed", "rank"):  # whole numbers, missing as <NA>
        assert str(frame[column].dtype) == "Int64", column
    assert frame.loc["a", "stars"] == 2 and frame.loc["d", "stars"] is pd.NA
    assert list(frame.columns) == [
        "name", "district", "rated", "total", "stars", "level", "earned", "claimed", "verdict",
        "rank", "bonus", "dim.org", "dim.service", "source.authority", "source.peer", "vetoed",
        "not_rated"]


def test_frame_without_pandas_names_the_extra(report: rp.Report,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pandas, to_frame() says exactly what to install."""
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError) as info:
        report.to_frame()
    assert str(info.value) == ("Report.to_frame() needs pandas: pip install "
                               "'red-property[pandas]'")


def test_stars_and_length(report: rp.Report) -> None:
    """stars maps companies to stars, None when not rated; len() counts the companies."""
    assert [report.stars[c] for c in "abcd"] == [2, 2, 1, None]
    assert len(report) == 4
    assert report.rows_dropped == 0
