"""The report's HTML, notice, CSV and one company's HTML, pinned exactly: languages (asked for
or the rubric's), joined flags and summary lines, the line about companies not shown."""

from __future__ import annotations

import csv
import textwrap
from pathlib import Path

import pytest

import red_property as rp
from red_property.notice import notice_html

from .fixtures import lenient_rater_report, load, rec
from .test_report_outputs import RICH, _rows

NAMES = {"a": "甲物業", "b": "乙", "c": "丙", "d": "丁", "e": "戊"}


def _report(language: str = "") -> rp.Report:
    """The rich season plus `e`: vetoed and not rated (two indicators unrated), and one
    self-rating dropped; `a` and `c` claim."""
    rows = [*_rows(), rec("e", "authority", "a1", "party", 1),
            rec("e", "authority", "a1", "quality", 20), rec("e", "authority", "a1", "accident", 1),
            rec("e", "peer", "p-e", "quality", 25, rater_company="e")]
    text = (f"language: {language}\n" if language else "") + RICH
    return rp.evaluate(load(text), rp.Ratings.from_records(rows), claims={"a": 2, "c": 1},
                       companies=NAMES)


EN_HTML = (
    "<div><p><b>T</b> t@1 — 5 companies, 23 of 24 rows used</p><table><thead><tr>"
    "<th>rank</th><th>company</th><th>total</th><th>stars</th><th>Organisation</th>"
    "<th>服務質量</th><th>claim</th><th>note</th></tr></thead><tbody>"
    "<tr><td>1</td><td>a 甲物業</td><td>64.8</td><td>★★☆</td><td>28.0</td><td>33.8</td>"
    "<td>2★ confirmed</td><td></td></tr>"
    "<tr><td>2</td><td>b 乙</td><td>60.0</td><td>★★☆</td><td>25.0</td><td>33.0</td>"
    "<td></td><td></td></tr>"
    "<tr><td>3</td><td>c 丙</td><td>36.4</td><td>★☆☆</td><td>12.0</td><td>24.4</td>"
    "<td>1★ confirmed</td><td>veto: safety</td></tr>"
    "<tr><td>-</td><td>d 丁</td><td>-</td><td>not rated</td><td>-</td><td>-</td><td></td>"
    "<td>no ratings</td></tr>"
    "<tr><td>-</td><td>e 戊</td><td>-</td><td>not rated</td><td>-</td><td>-</td><td></td>"
    "<td>veto: safety | no rating for team, awards (and no default)</td></tr>"
    "</tbody></table><p>5 companies: 3★ 0, 2★ 2, 1★ 1, 0★ 0; not rated 2</p>"
    "<p>1 of 24 rating rows dropped (self-rating 1)</p></div>"
)

ZH_HTML = (
    "<div><p><b>T</b> t@1 — 共 5 家企业，使用评分 23 行（共 24 行）</p><table><thead><tr>"
    "<th>排名</th><th>企业</th><th>总分</th><th>星级</th><th>組織建設</th><th>服務質量</th>"
    "<th>认领</th><th>备注</th></tr></thead><tbody>"
    "<tr><td>1</td><td>a 甲物業</td><td>64.8</td><td>★★☆</td><td>28.0</td><td>33.8</td>"
    "<td>二星 认领属实</td><td></td></tr>"
    "<tr><td>2</td><td>b 乙</td><td>60.0</td><td>★★☆</td><td>25.0</td><td>33.0</td>"
    "<td></td><td></td></tr>"
    "<tr><td>3</td><td>c 丙</td><td>36.4</td><td>★☆☆</td><td>12.0</td><td>24.4</td>"
    "<td>一星 认领属实</td><td>一票否决：Safety</td></tr>"
    "<tr><td>-</td><td>d 丁</td><td>-</td><td>未评定</td><td>-</td><td>-</td><td></td>"
    "<td>没有任何评分</td></tr>"
    "<tr><td>-</td><td>e 戊</td><td>-</td><td>未评定</td><td>-</td><td>-</td><td></td>"
    "<td>一票否决：Safety | 以下指标没有评分（且无默认分）：「Team」，「Awards」</td></tr>"
    "</tbody></table><p>共 5 家企业：三星 0 家，二星 2 家，一星 1 家，无星 0 家；未评定 2 家</p>"
    "<p>共读入评分 24 行，剔除 1 行（自评 1 行）</p></div>"
)


def test_html_table_in_english_exactly() -> None:
    """to_html(): header, one row per company (flags joined by " | "), both summary lines."""
    assert _report().to_html(lang="en") == EN_HTML


def test_html_table_in_the_rubric_language_exactly() -> None:
    """A rubric with `language: zh` gives the Chinese table when no language is asked for."""
    report = _report("zh")
    assert report.to_html() == ZH_HTML
    assert report.to_html(lang="en") == EN_HTML


def test_html_table_says_how_many_companies_it_leaves_out() -> None:
    """Past 60 rows the HTML table ends with the count of companies not shown, in the
    rubric's language; at 60 or fewer it has no such line."""
    rows = [rec(f"c{k:02d}", "authority", "a1", "team", k % 20) for k in range(62)]
    text = "language: zh\n" + RICH.replace("requires: [party], ", "")
    report = rp.evaluate(load(text), rp.Ratings.from_records(rows))
    page = report.to_html()
    assert page.count("<tr>") == 1 + 60
    assert "<p>… 另有 2 家企业（请用 to_frame() 或 to_records() 查看）</p>" in page
    assert "另有" not in _report("zh").to_html()


def test_company_result_html_exactly() -> None:
    """report[c] in HTML: id and name, stars, total, rank, claim; or why it is not rated."""
    report = _report()
    assert report["a"]._repr_html_() == (
        "<p><b>a 甲物業</b> 2★, total 64.8, rank 1; claimed 2★: confirmed</p>")
    assert report["b"]._repr_html_() == "<p><b>b 乙</b> 2★, total 60, rank 2</p>"
    assert report["e"]._repr_html_() == (
        "<p><b>e 戊</b> not rated: no rating for team, awards (and no default)</p>")
    unnamed = rp.evaluate(load(RICH), rp.Ratings.from_records(_rows()))
    assert unnamed["b"]._repr_html_() == "<p><b>b</b> 2★, total 60, rank 2</p>"


def test_company_result_html_joins_several_reasons() -> None:
    """A company not rated for two reasons lists both, joined by "; "."""
    rows = [rec("a", "authority", "a1", "party", 1)]
    text = RICH.replace("levels:", "claims: {required: true}\nlevels:")
    report = rp.evaluate(load(text), rp.Ratings.from_records(rows))
    reasons = report["a"].reasons
    assert len(reasons) == 2
    assert report["a"]._repr_html_() == f"<p><b>a</b> not rated: {'; '.join(reasons)}</p>"


def test_notice_passes_title_period_contact_and_language(tmp_path: Path) -> None:
    """report.notice() writes what notice_html() builds from the same title, period, contact
    and language."""
    report = _report()
    path = tmp_path / "notice.html"
    report.notice(path, title="Title X", period="Period Y", contact="Contact Z", lang="zh")
    page = path.read_text(encoding="utf-8")
    assert page == notice_html(report, title="Title X", period="Period Y", contact="Contact Z",
                               lang="zh")
    assert "Title X" in page and "Period Y" in page and "Contact Z" in page
    assert page != notice_html(report, title="Title X", period="Period Y", contact="Contact Z",
                               lang="en")


def test_csv_is_in_the_rubric_language_by_default(tmp_path: Path) -> None:
    """to_csv() without `lang` writes the headers in the rubric's language."""
    path = tmp_path / "out.csv"
    _report("zh").to_csv(path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[:4] == ["企业", "名称", "所在区", "是否评定"]


def test_company_result_reports_earned_stars_and_the_claim() -> None:
    """report[c] carries the stars earned and the claim: None without one, 0 for a 0★ claim."""
    report = _report()
    assert (report["a"].earned, report["a"].claimed) == (2, 2)
    assert (report["b"].earned, report["b"].claimed) == (2, None)
    zero = rp.evaluate(load(RICH), rp.Ratings.from_records(_rows()), claims={"b": 0})
    assert zero["b"].claimed == 0


def test_records_carry_the_uncorrected_total_and_stars() -> None:
    """With `rater_correction: true` each record carries the uncorrected total and stars."""
    records = {r["company"]: r for r in lenient_rater_report().to_records()}
    assert [(r["total"], r["stars"], r["uncorrected_total"], r["uncorrected_stars"])
            for r in records.values()] == [
        (14.0, 2, 14.0, 2), (12.0, 1, 12.0, 1), (10.0, 1, 11.3, 1), (16.0, 2, 17.3, 2),
        (8.0, 0, 10.0, 1), (12.0, 1, 14.0, 2)]


def test_html_title_is_in_the_language_asked_for() -> None:
    """A title in both languages heads the HTML table in the language of the table."""
    head = 'id: t\nversion: "1"\ntitle: {zh: 標題, en: Title}\nlanguage: zh\n'
    text = head + textwrap.dedent(RICH)
    report = rp.evaluate(rp.load_rubric(text), rp.Ratings.from_records(_rows()))
    assert report.to_html().startswith("<div><p><b>標題</b> t@1 — ")
    assert report.to_html(lang="en").startswith("<div><p><b>Title</b> t@1 — ")


def test_notice_method_signs_off_with_issuer_and_date(tmp_path: Path) -> None:
    """Report.notice passes the issuer and the date on: the page ends with the sign-off."""
    page = tmp_path / "notice.html"
    _report().notice(page, period="2019-12-01 to 2019-12-07", contact="0916-1234567",
                     lang="zh", issuer="山阳区住房和城乡建设局", date="2019年12月1日")
    text = page.read_text(encoding="utf-8")
    assert '<div class="issuer"><p>山阳区住房和城乡建设局</p><p>2019年12月1日</p></div>' in text


def test_a_report_of_no_company_is_an_empty_frame_indexed_by_company() -> None:
    """A companies table that names none of the rated companies (their rows dropped) gives a
    report of no company, and its frame is empty and indexed by company."""
    rubric = load("input: {invalid_rows: drop}\n" + RICH)
    report = rp.evaluate(rubric, rp.Ratings.from_records(_rows()), companies=[])
    assert len(report) == 0
    pytest.importorskip("pandas", reason="the pandas extra is not installed")
    frame = report.to_frame()
    assert len(frame) == 0 and frame.index.name == "company" and list(frame.columns) == []
