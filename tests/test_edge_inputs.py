"""Files and frames as spreadsheets and services really hand them over: lines of bare
delimiters, unused categories, old Mac line endings, UTF-16 without a BOM. Each is read the
same with and without the pyarrow reader, or refused with a located, typed error."""

from __future__ import annotations

from pathlib import Path

import pytest

import red_property as rp

from .conftest import SHANYANG

HEADER = "company,source,rater,indicator,value,rater_company"
ROWS = ["sy-01,authority,authority-1,six_haves,1,", "sy-02,authority,authority-1,six_haves,0,"]


def _both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, data: bytes) -> str:
    """The report's JSON read with the pyarrow reader and without it; they must agree."""
    path = tmp_path / name
    path.write_bytes(data)
    out = []
    for switch in ("0", "1"):
        monkeypatch.setenv("RED_PROPERTY_NO_ARROW", switch)
        out.append(rp.evaluate(SHANYANG, rp.Ratings.from_csv(path)).to_json())
    assert out[0] == out[1]
    return out[0]


def test_line_of_delimiters_is_a_blank_line(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A line of bare commas (Excel writes them below a sheet) is skipped as a blank line on
    both readers: no empty company, no crash."""
    text = "\n".join([HEADER, ROWS[0], ",,,,,", ROWS[1], ",,,,,"]) + "\n"
    got = _both(tmp_path, monkeypatch, "blank.csv", text.encode())
    plain = _both(tmp_path, monkeypatch, "plain.csv",
                  ("\n".join([HEADER, *ROWS]) + "\n").encode())
    assert got.replace("blank.csv", "plain.csv") == plain


def test_unused_categories_name_no_company() -> None:
    """A pandas categorical's unused categories (a blank one too) are not companies, raters
    or indicators."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame([r.split(",")[:5] for r in ROWS],
                         columns=["company", "source", "rater", "indicator", "value"])
    for col in ("company", "source", "rater", "indicator"):
        frame[col] = pd.Categorical(frame[col], categories=[*frame[col].unique(), "zz", ""])
    report = rp.evaluate(SHANYANG, rp.Ratings.from_frame(frame))
    assert list(report) == ["sy-01", "sy-02"]


def test_unused_dictionary_entries_name_no_company() -> None:
    """An Arrow dictionary column's unused entries (a blank and an id too long to be one)
    are not companies, raters or indicators, in a pyarrow Table and in an Arrow-backed frame;
    plain text columns of the same ids give the same report."""
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    cells = [r.split(",")[:5] for r in ROWS]
    plain = {name: [row[k] for row in cells]
             for k, name in enumerate(["company", "source", "rater", "indicator", "value"])}
    extra = ["zz", "", "x" * 500]

    def coded(ids: list[str]) -> object:
        dictionary = [*dict.fromkeys(ids), *extra]
        return pa.DictionaryArray.from_arrays(
            pa.array([dictionary.index(v) for v in ids], pa.int32()), pa.array(dictionary))

    table = pa.table({k: coded(v) if k != "value" else pa.array(v) for k, v in plain.items()})
    want = rp.evaluate(SHANYANG, rp.Ratings.from_frame(pa.table(plain))).to_json()
    for frame in (table, table.to_pandas(types_mapper=pd.ArrowDtype)):
        report = rp.evaluate(SHANYANG, rp.Ratings.from_frame(frame))
        assert list(report) == ["sy-01", "sy-02"]
        assert report.to_json().replace("<frame>", "") == want.replace("<frame>", "")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   encoding: str) -> None:
    """UTF-16 saved without a byte-order mark reads as the same file in UTF-8."""
    text = "\r\n".join([HEADER, *ROWS]) + "\r\n"
    wide = _both(tmp_path, monkeypatch, "t.csv", text.encode(encoding))
    assert wide == _both(tmp_path, monkeypatch, "t.csv", text.encode("utf-8"))


def test_old_mac_line_endings_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Carriage returns alone (Excel's "CSV (Macintosh)") end lines as line feeds do."""
    text = [HEADER, *ROWS]
    mac = _both(tmp_path, monkeypatch, "m.csv", ("\r".join(text) + "\r").encode())
    assert mac == _both(tmp_path, monkeypatch, "m.csv", ("\n".join(text) + "\n").encode())


def test_stray_carriage_return_is_located(tmp_path: Path) -> None:
    """A carriage return inside a row is a located RatingsError, not the csv module's."""
    path = tmp_path / "cr.csv"
    path.write_bytes(("\n".join([HEADER, "sy-01,auth\rority,authority-1,six_haves,1,"])
                      + "\n").encode())
    with pytest.raises(rp.RatingsError) as err:
        rp.Ratings.from_csv(path)
    assert err.value.problems[0].row == 2


def test_report_iterates_over_its_companies(shanyang_report: rp.Report) -> None:
    """``for c in report`` gives the company ids in report order, each a key of the report."""
    ids = list(shanyang_report)
    assert ids == shanyang_report.companies.tolist()
    assert all(shanyang_report[c].company == c for c in ids)


def test_chinese_table_names_the_veto(shanyang_report: rp.Report) -> None:
    """The Chinese star table and HTML name a veto by its Chinese label, as the explanation
    and the workbook do, without the word 一票否决 twice when the label has it; the English
    ones keep its id."""
    zh = shanyang_report.table(lang="zh")
    assert "  重大安全责任事故一票否决" in zh and "一票否决：" not in zh
    assert "重大安全责任事故一票否决" in shanyang_report.to_html(lang="zh")
    assert "一票否决：重大" not in shanyang_report.to_html(lang="zh")
    assert "veto: safety" in shanyang_report.table(lang="en")


def test_decimal_comma_and_percent_get_a_hint(tmp_path: Path) -> None:
    """A value written with a decimal comma or a percent sign is refused at its row with
    what to write instead."""
    path = tmp_path / "dec.csv"
    path.write_text("\n".join([HEADER, 'sy-01,authority,authority-1,party_work_coverage,"2,9",',
                               "sy-01,authority,authority-2,party_work_coverage,85%,"]) + "\n")
    with pytest.raises(rp.RatingsError) as err:
        rp.evaluate(SHANYANG, path)
    got = {p.row: p.message for p in err.value.problems}
    assert got[2].endswith("is not a number; a decimal comma? write 2.9")
    assert got[3].endswith("is not a number; write the number without the percent sign: 85")
