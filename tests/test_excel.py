"""The Excel workbook: sheets, frozen headers, numbers as numbers, Chinese, formula-safe text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import red_property as rp
from red_property.cli import main

from .conftest import EXAMPLE, SHANYANG

openpyxl = pytest.importorskip("openpyxl", reason="the excel extra is not installed")


@pytest.fixture(scope="module")
def named_report() -> rp.Report:
    """The bundled season with company names and districts."""
    return rp.evaluate(SHANYANG, EXAMPLE / "ratings.csv", claims=EXAMPLE / "claims.csv",
                       companies=EXAMPLE / "companies.csv")


def test_workbook_sheets_and_star_table(named_report: rp.Report, tmp_path: Path) -> None:
    """Four sheets in Chinese; the star table is best first with numbers stored as numbers."""
    out = tmp_path / "season.xlsx"
    named_report.to_excel(out, lang="zh")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["星级", "得分明细", "剔除的评分", "来源信息"]
    ws = wb["星级"]
    header = [c.value for c in ws[1]]
    assert header[:6] == ["企业", "名称", "所在区", "是否评定", "总分", "星级"]
    assert "服务质量" in header and "排名" in header
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    first = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert first["企业"].value == "sy-31" and first["名称"].value == "宏达物业"
    assert first["总分"].value == pytest.approx(97.4) and first["总分"].data_type == "n"
    assert first["星级"].value == 0 and first["达标星级"].value == 5
    assert first["认领结果"].value == "降级认定"
    assert ws.max_row == len(named_report) + 1
    ranks = [r[header.index("排名")].value for r in ws.iter_rows(min_row=2)]
    rated = [r for r in ranks if r is not None]
    assert rated == sorted(rated) and len(rated) == 39
    not_rated = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "sy-38")
    assert not_rated[header.index("总分")].value is None
    assert "运营满一年方可参评" in not_rated[header.index("未评定原因")].value
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert widths["A"] >= 7 and widths["B"] >= 10 and max(widths.values()) <= 62


def test_breakdown_adds_up_to_the_total(named_report: rp.Report, tmp_path: Path) -> None:
    """Per company, the breakdown's points (dimensions and adjustments) sum to its total."""
    out = tmp_path / "season.xlsx"
    named_report.to_excel(out)
    wb = openpyxl.load_workbook(out)
    ws = wb["Breakdown"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["company", "name", "dimension"]
    assert "Industry authority" in header and "Peer companies" in header
    points = header.index("points")
    sums: dict[str, float] = {}
    for row in ws.iter_rows(min_row=2):
        sums[row[0].value] = sums.get(row[0].value, 0.0) + row[points].value
        sources = [c.value for c in row[3:points]]
        if row[2].value == "bonus":
            assert sum(sources) == pytest.approx(row[points].value, abs=1e-5)
        if row[2].value not in ("adjustments", "bonus"):
            assert sum(sources) == pytest.approx(row[points].value, abs=1e-5)
    for company in ("sy-12", "sy-01", "sy-31"):
        assert sums[company] == pytest.approx(named_report.explain(company).total, abs=1e-5)


def test_dropped_rows_and_provenance(named_report: rp.Report, tmp_path: Path) -> None:
    """The dropped sheet lists each dropped row with its reason; provenance has the sha256."""
    out = tmp_path / "season.xlsx"
    named_report.to_excel(out, lang="zh")
    wb = openpyxl.load_workbook(out)
    dropped = list(wb["剔除的评分"].iter_rows(min_row=2, values_only=True))
    assert len(dropped) == named_report.rows_dropped == 7
    assert all(isinstance(r[0], int) and r[1] == "rater" and r[2].startswith("自评：")
               for r in dropped)
    prov = dict(wb["来源信息"].iter_rows(min_row=2, values_only=True))
    assert prov["指纹（sha256）"] == named_report.plan.fingerprint
    assert prov["读入行数"] == 6191 and prov["剔除行数：自评"] == 7
    assert prov["版本"] == "2019.1"


def test_formula_text_stays_text(tmp_path: Path) -> None:
    """A name that looks like a formula is stored as text and reads back unchanged."""
    ratings = rp.Ratings.from_records([
        {"company": "a", "source": "authority", "rater": "r1", "indicator": "x", "value": 8},
        {"company": "b", "source": "authority", "rater": "r1", "indicator": "x", "value": 5},
    ])
    rubric = rp.load_rubric(
        'id: t\nversion: "1"\ntitle: {en: T}\n'
        "sources:\n  authority: {label: {en: Authority}, weight: 1}\n"
        "dimensions:\n  d:\n    label: {en: D}\n    points: 10\n    indicators:\n"
        "      x: {label: {en: X}, kind: score, points: 10}\n"
        "levels:\n  - {stars: 1, min_total: 6}\n")
    names = {"a": '=HYPERLINK("http://x","y")', "b": "+1-2"}
    report = rp.evaluate(rubric, ratings, companies=names)
    out = tmp_path / "t.xlsx"
    report.to_excel(out)
    ws = openpyxl.load_workbook(out)["Stars"]
    cells = {r[0].value: r[1] for r in ws.iter_rows(min_row=2)}
    for company, name in names.items():
        assert cells[company].value == name
        assert cells[company].data_type == "s"
        assert cells[company].quotePrefix


def test_cli_writes_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`score --format xlsx --out F` writes the workbook; without --out it is a usage error."""
    ratings = str(EXAMPLE / "ratings.csv")
    out = tmp_path / "s.xlsx"
    assert main(["score", str(SHANYANG), ratings, "--format", "xlsx", "--out", str(out),
                 "--lang", "zh"]) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "星级"
    assert main(["score", str(SHANYANG), ratings, "--format", "xlsx"]) == 2
    assert "--format xlsx needs --out FILE" in capsys.readouterr().err


def test_missing_openpyxl_names_the_extra(named_report: rp.Report, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Without openpyxl, to_excel() raises ImportError naming the `excel` extra."""
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(ImportError, match=r"pip install 'red-property\[excel\]'"):
        named_report.to_excel(tmp_path / "x.xlsx")
