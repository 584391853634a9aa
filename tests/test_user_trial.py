"""What a new user's first trial of the command line, diff and workbook ran into."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest

import red_property as rp
from red_property._factorize import NO_ARROW
from red_property._row_reasons import REASONS
from red_property.cli import main
from red_property.loading import bundled_rubric_names

from .conftest import EXAMPLE, SHANYANG

EXAMPLE_RATINGS = EXAMPLE / "ratings.csv"
RATINGS = str(EXAMPLE_RATINGS)
OTHER = "provincial-property-service-grading"


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    text = SHANYANG.read_text(encoding="utf-8")
    assert old in text
    out = tmp_path / "new.yaml"
    out.write_text(text.replace(old, new, 1), encoding="utf-8")
    return out


# ---- diff


def test_diff_counts_companies_of_both_reports(capsys: pytest.CaptureFixture[str]) -> None:
    """The diff headline counts the companies of either report, not only the new one's."""
    season = rp.evaluate(SHANYANG, RATINGS)
    assert main(["diff", str(SHANYANG), OTHER, RATINGS]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert head.endswith(f"among {len(season)} companies"), head
    assert main(["diff", str(SHANYANG), OTHER, RATINGS, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["companies_compared"] == len(season)


def test_diff_says_when_the_new_rubric_uses_no_row(capsys: pytest.CaptureFixture[str]) -> None:
    """A new rubric that knows none of the file's indicators/sources is said to use none."""
    rows = len(rp.Ratings.from_csv(RATINGS))
    assert main(["diff", str(SHANYANG), OTHER, RATINGS]) == 0
    out = capsys.readouterr().out
    assert f"the new rubric uses none of the {rows:,} rating rows" in out
    assert "rating rows have no indicator/source in the new rubric" not in out


def test_diff_shows_a_missing_rank_as_a_dash(capsys: pytest.CaptureFixture[str]) -> None:
    """A company without a rank under one rubric shows "-", never Python's None."""
    assert main(["diff", str(SHANYANG), OTHER, RATINGS]) == 0
    out = capsys.readouterr().out
    assert "None" not in out
    assert re.search(r"^  sy-01: \d★ → not rated \(rank \d+ → -\)$", out, re.MULTILINE), out


def test_diff_blocking_change_is_an_error_annotation(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With --fail-on-change a star change is annotated ::error, and one company is singular."""
    new = _edited(tmp_path, "min_total: 88", "min_total: 88.3")
    code = main(["diff", str(SHANYANG), str(new), RATINGS, "--format", "github",
                 "--fail-on-change"])
    captured = capsys.readouterr()
    assert code == 1
    annotations = [line for line in captured.out.splitlines() if line.startswith("::error")]
    assert len(annotations) == 1
    assert annotations[0].startswith(f"::error file={new}::")
    assert "red-property diff: 1 company changes stars" in captured.err


def test_diff_headline_singular(tmp_path: Path) -> None:
    """A diff over one company says "1 company"."""
    rubric = tmp_path / "r.yaml"
    rubric.write_text('id: t\nversion: "1"\ntitle: {en: T}\nsources:\n'
                      "  a: {label: {en: A}, weight: 1}\ndimensions:\n  d:\n    label: {en: D}\n"
                      "    indicators:\n      x: {label: {en: X}, kind: score, points: 10}\n"
                      "levels:\n  - {stars: 1, min_total: 5}\n", encoding="utf-8")
    ratings = tmp_path / "r.csv"
    ratings.write_text("source,rater,company,indicator,value\na,r1,c1,x,7\n", encoding="utf-8")
    assert str(rp.diff(rubric, rubric, ratings)).splitlines()[0].endswith("among 1 company")


# ---- option names in messages


def _gbk_ratings(tmp_path: Path) -> Path:
    text = Path(RATINGS).read_text(encoding="utf-8").replace("sy-01", "山阳-01")
    f = tmp_path / "gbk.csv"
    f.write_bytes(text.encode("gbk"))
    return f


def _semicolon_ratings(tmp_path: Path) -> Path:
    lines = Path(RATINGS).read_text(encoding="utf-8").splitlines()[:20]
    f = tmp_path / "semi.csv"
    f.write_text("\n".join(line.replace(",", ";") for line in lines) + "\n", encoding="utf-8")
    return f


@pytest.mark.parametrize("builtin", ["0", "1"], ids=["fast", "builtin"])
def test_cli_names_the_delimiter_option(
        builtin: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """From the command line a wrong --delimiter is answered with --delimiter ';'."""
    monkeypatch.setenv(NO_ARROW, builtin)
    f = _semicolon_ratings(tmp_path)
    assert main(["score", str(SHANYANG), str(f), "--delimiter", ","]) == 1
    err = capsys.readouterr().err
    assert "looks like a semicolon-separated export; pass --delimiter ';'" in err
    assert "delimiter=" not in err


@pytest.mark.parametrize("builtin", ["0", "1"], ids=["fast", "builtin"])
def test_cli_names_the_encoding_option(
        builtin: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """From the command line a wrong --encoding is answered with --encoding gb18030."""
    monkeypatch.setenv(NO_ARROW, builtin)
    f = _gbk_ratings(tmp_path)
    assert main(["score", str(SHANYANG), str(f), "--encoding", "utf-8"]) == 1
    err = capsys.readouterr().err
    assert "pass --encoding gb18030" in err
    assert "encoding=" not in err


def test_unknown_encoding_is_called_unknown(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """An --encoding Python does not know is called unknown, not undecodable."""
    f = _gbk_ratings(tmp_path)
    assert main(["score", str(SHANYANG), str(f), "--encoding", "latin-9x"]) == 1
    err = capsys.readouterr().err
    assert "unknown encoding 'latin-9x'; it reads as gb18030: pass --encoding gb18030" in err


def test_python_names_the_keywords_after_a_cli_call(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """From Python the same problems name the keywords, even after the command line ran."""
    semi, gbk = _semicolon_ratings(tmp_path), _gbk_ratings(tmp_path)
    assert main(["score", str(SHANYANG), str(semi), "--delimiter", ","]) == 1
    capsys.readouterr()
    with pytest.raises(rp.RatingsError, match=re.escape("pass delimiter=';'")):
        rp.Ratings.from_csv(semi, delimiter=",")
    with pytest.raises(rp.RatingsError, match=re.escape("pass encoding='gb18030'")):
        rp.Ratings.from_csv(gbk, encoding="utf-8")


# ---- rubric names


def test_unknown_rubric_name_lists_the_bundled_ones(capsys: pytest.CaptureFixture[str]) -> None:
    """A bare name that is neither a file nor a bundled rubric lists the bundled names."""
    assert main(["validate", "shanyang-red-property"]) == 1
    err = capsys.readouterr().err
    assert "'shanyang-red-property' is neither a file nor a bundled rubric" in err
    for name in bundled_rubric_names():
        assert name in err
    assert main(["score", "shanyang-2019", RATINGS]) == 1
    assert "shanyang-red-property-2019" in capsys.readouterr().err


def test_unknown_rubric_name_from_python() -> None:
    """evaluate() with an unknown bare rubric name says which names are bundled."""
    with pytest.raises(rp.RubricError, match="neither a file nor a bundled rubric") as info:
        rp.evaluate("shanyang", RATINGS)
    assert "shanyang-red-property-2019" in str(info.value)


def test_missing_rubric_path_is_not_called_a_name(tmp_path: Path) -> None:
    """A path with a folder in it that does not exist is a missing file, not a wrong name."""
    with pytest.raises(rp.RubricError, match="No such file") as info:
        rp.load_rubric(tmp_path / "absent.yaml")
    assert "bundled" not in str(info.value)


# ---- Chinese workbook


def test_chinese_workbook_dropped_rows_and_warning(tmp_path: Path) -> None:
    """The zh workbook gives each dropped row's reason and the drop warning in Chinese."""
    openpyxl = pytest.importorskip("openpyxl", reason="the excel extra is not installed")
    report = rp.evaluate(SHANYANG, RATINGS)
    assert report.dropped, "the bundled season has self-ratings to drop"
    out = tmp_path / "x.xlsx"
    report.to_excel(out, lang="zh")
    wb = openpyxl.load_workbook(out)
    dropped = list(wb["剔除的评分"].iter_rows(min_row=2, values_only=True))
    assert len(dropped) == len(report.dropped)
    for row in dropped:
        reason = re.sub(r"'[^']*'", "", str(row[2]))  # the file's own values may stay
        assert reason.startswith("自评：评委"), row
        assert not re.search(r"[A-Za-z]", reason), row
    notes = [value for item, value in wb["来源信息"].iter_rows(values_only=True)
             if item == "提示"]
    assert notes == [f"{RATINGS}：按评定标准的录入规则剔除 {report.rows_dropped} 行"]


def test_every_drop_reason_has_chinese() -> None:
    """Every reason a row can be dropped for has a Chinese message from the same fields as the
    English one, with the options it could have been worded in Chinese too."""
    fields = {"source": "s", "sources": "a, b", "indicator": "i", "company": "c",
              "rater": "r", "rater_company": "rc", "value": 1.5, "text": "x",
              "options": "，也不是指标 'i' 的选项：a, b", "labels": "a 1, b 2",
              "outside": "outside 0 to 10", "outside_zh": "超出指标 'i' 的分值范围 0 至 10"}
    for reason in REASONS:
        english, chinese = reason.template.format(**fields), reason.zh.format(**fields)
        assert chinese != english and re.search(r"[\u4e00-\u9fff]", chinese), reason.short
        assert not re.search(r"[A-Za-z]{3,}", re.sub(r"'[^']*'|rater_company|covers|e15",
                                                      "", chinese)), reason.short


def test_a_count_below_zero_is_said_to_be_below_it() -> None:
    """A value below 0 for a count (a deduction's occurrences: no upper bound) is "below 0",
    not "outside 0 to inf", in English and Chinese; a score keeps its range."""
    rubric = rp.load_rubric(
        'id: t\nversion: "1"\ntitle: {en: T}\nsources:\n  a: {label: {en: A}, weight: 1}\n'
        "dimensions:\n  d:\n    label: {en: D}\n    indicators:\n"
        "      x: {label: {en: X}, kind: deduction, points: 10, per: 1}\n"
        "      y: {label: {en: Y}, kind: score, points: 10}\n"
        "levels:\n  - {stars: 1, min_total: 5}\n")
    rows = [{"company": "c", "source": "a", "rater": "r", "indicator": "x", "value": -1},
            {"company": "c", "source": "a", "rater": "r", "indicator": "y", "value": 11}]
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(rubric, rows)
    assert [(p.message, p.message_zh) for p in info.value.problems] == [
        ("value -1 is below 0 for indicator 'x'", "数值 -1 低于指标 'x' 的下限 0"),
        ("value 11 is outside 0 to 10 for indicator 'y'",
         "数值 11 超出指标 'y' 的分值范围 0 至 10")]


def test_rows_beyond_those_listed_are_counted_in_chinese() -> None:
    """Past the rows listed one by one, the report's last dropped entry counts the rest, in
    English and in Chinese."""
    rubric = rp.load_rubric('id: t\nversion: "1"\ntitle: {en: T}\nsources:\n'
                            "  a: {label: {en: A}, weight: 1}\ndimensions:\n  d:\n"
                            "    label: {en: D}\n    indicators:\n"
                            "      x: {label: {en: X}, kind: score, points: 10}\n"
                            "levels:\n  - {stars: 1, min_total: 5}\n"
                            "input:\n  invalid_rows: drop\n")
    rows = [{"company": "c", "source": "a", "rater": f"r{k}", "indicator": "x",
             "value": 11 + k} for k in range(60)]
    rows.append({"company": "c", "source": "a", "rater": "ok", "indicator": "x", "value": 7})
    last = rp.evaluate(rubric, rp.Ratings.from_records(rows)).dropped[-1]
    assert last.message == "... and 10 more rows: out of range"
    assert last.message_zh == "……另有 10 行：超出分值范围"


@pytest.mark.parametrize(("value", "hint"), [("2,9", "是小数逗号吗？请写作 2.9"),
                                             ("85%", "请去掉百分号，写作 85")])
def test_number_hints_read_in_chinese(tmp_path: Path, value: str, hint: str) -> None:
    """A dropped value's hint (decimal comma, percent sign) reads in Chinese in the workbook."""
    openpyxl = pytest.importorskip("openpyxl", reason="the excel extra is not installed")
    rubric = tmp_path / "r.yaml"
    rubric.write_text('id: t\nversion: "1"\ntitle: {en: T}\nsources:\n'
                      "  a: {label: {en: A}, weight: 1}\ndimensions:\n  d:\n    label: {en: D}\n"
                      "    indicators:\n      x: {label: {en: X}, kind: score, points: 10}\n"
                      "levels:\n  - {stars: 1, min_total: 5}\n"
                      "input:\n  invalid_rows: drop\n", encoding="utf-8")
    ratings = tmp_path / "r.csv"
    ratings.write_text(f'source,rater,company,indicator,value\na,r1,c1,x,7\na,r2,c1,x,"{value}"\n',
                       encoding="utf-8")
    out = tmp_path / "x.xlsx"
    rp.evaluate(rubric, ratings).to_excel(out, lang="zh")
    rows = list(openpyxl.load_workbook(out)["剔除的评分"].iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in rows] == [f"数值 {value!r} 不是数字；{hint}"]


@pytest.mark.parametrize("builtin", ["0", "1"])
def test_title_case_headers_are_named_with_their_fix(
        builtin: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A header spelled in another case or with spaces gets the name to use, not a missing list."""
    monkeypatch.setenv(NO_ARROW, builtin)
    f = tmp_path / "r.csv"
    f.write_text("Company,Source,Rater,Indicator,Value,Rater Company\n"
                 "sy-01,authority,a1,six_haves,1,\n", encoding="utf-8")
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_csv(f)
    messages = [p.message for p in info.value.problems]
    assert len(messages) == 6
    assert messages[0] == ("column 'Company' should be named 'company' (names are lower case, "
                           "words joined by _); rename it")
    assert "should be named 'rater_company'" in messages[-1]
    assert all(p.row == 1 for p in info.value.problems)


def test_frame_header_in_title_case_is_named_with_its_fix() -> None:
    """A data frame's 'Value' column is named as 'value' to rename, not reported missing."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"company": ["c"], "source": ["a"], "rater": ["r"],
                          "indicator": ["x"], "Value": [1]})
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_frame(frame)
    assert [p.message for p in info.value.problems] == [
        "column 'Value' should be named 'value' (names are lower case, words joined by _); "
        "rename it"]


_BASE = {"source": "authority", "rater": "a1", "indicator": "six_haves", "value": 1}


@pytest.mark.parametrize(("ids", "message"), [
    ([True, False], "a boolean True where an id is expected"),
    ([7.5, "sy-02"], "a fractional number 7.5 where an id is expected"),
    ([("sy-01",), "sy-02"], "a tuple ('sy-01',) where an id is expected"),
])
def test_ids_that_are_not_text_or_whole_numbers_are_refused(ids: list[object], message: str
                                                           ) -> None:
    """A boolean, a fractional number or any other object as an id is refused at its row,
    never written out as text ('True', '7.5'); whole numbers stay ids (101.0 is '101')."""
    records = [{**_BASE, "company": c, "rater": f"a{k}"} for k, c in enumerate(ids)]
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_records(records)
    assert info.value.problems[0].message.startswith(message)
    assert (info.value.problems[0].row, info.value.problems[0].path) == (1, "company")
    ok = rp.Ratings.from_records([{**_BASE, "company": 101.0}, {**_BASE, "company": "x"}])
    assert ok.company_labels.tolist() == ["101", "x"]


def test_typed_id_columns_of_frames_are_refused() -> None:
    """Boolean and fractional id columns of numpy, pandas and Arrow are refused too."""
    pd = pytest.importorskip("pandas")
    cols = {"source": ["a", "a"], "rater": ["r1", "r2"], "indicator": ["s", "s"],
            "value": [1, 2]}
    for company in (np.array([True, False]), np.array([1.5, 2.0]), pd.Series([True, False]),
                    pd.Series([1.5, 2.0]), pd.array([True, None], dtype="boolean")):
        with pytest.raises(rp.RatingsError, match="where an id is expected"):
            rp.Ratings.from_frame(pd.DataFrame({"company": company, **cols}))
        if isinstance(company, np.ndarray):
            with pytest.raises(rp.RatingsError, match="where an id is expected"):
                rp.Ratings.from_columns(company=company, **cols)


def test_a_field_missing_from_every_record_is_one_problem() -> None:
    """A field missing from 6,000 records is one line with its row count; a field spelled in
    another case is named with its fix, and not reported missing as well."""
    rows = [{**_BASE, "company": f"c{k}"} for k in range(6000)]
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_records([{k: v for k, v in r.items() if k != "rater"} for r in rows])
    assert [p.message for p in info.value.problems] == [
        "missing rater (rows 1, 2, 3, 4, 5 and 5995 more)"]
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_records([{**{k: v for k, v in r.items() if k != "rater"},
                                  "Rater": r["rater"]} for r in rows[:3]])
    assert [p.message for p in info.value.problems] == [
        "field 'Rater' should be named 'rater' (names are lower case, words joined by _); "
        "rename it (rows 1, 2, 3)"]


def test_evaluate_takes_records_and_columns_as_a_service_holds_them() -> None:
    """evaluate() takes a list of records and a mapping of columns as it takes a frame, and
    claims as records with the fields company and stars."""
    rubric = rp.bundled_rubric("shanyang-red-property-2019")
    with EXAMPLE_RATINGS.open(encoding="utf-8") as f:
        listed = [{k: v for k, v in r.items() if v != ""} for r in csv.DictReader(f)]
    reference = rp.evaluate(rubric, EXAMPLE_RATINGS, claims={"sy-12": 3})
    from_list = rp.evaluate(rubric, listed, claims=[{"company": "sy-12", "stars": 3}])
    columns = {k: [r.get(k) for r in listed] for k in listed[0]}
    columns["rater_company"] = [r.get("rater_company") for r in listed]
    from_columns = rp.evaluate(rubric, columns, claims=[{"company": "sy-12", "stars": 3}])
    assert dict(from_list.stars) == dict(from_columns.stars) == dict(reference.stars)
    assert from_list["sy-12"].claimed == 3


def test_a_frame_with_a_column_twice_is_refused() -> None:
    """A data frame naming a column twice is a RatingsError saying so, not an AttributeError."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame([["sy-01", "authority", "a1", "six_haves", 1, 1]],
                         columns=["company", "source", "rater", "indicator", "value", "value"])
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(rp.bundled_rubric("shanyang-red-property-2019"), frame)
    assert [p.message for p in info.value.problems] == [
        "column 'value' appears 2 times; keep one"]


def test_english_counts_agree_with_their_nouns() -> None:
    """One company is "1 company", one row "1 row", one award "differs"; more are plural."""
    from red_property._messages import msg

    assert msg("notice.group", "en", n=4, k=1) == "4★ (1 company)"
    assert msg("notice.group", "en", n=4, k=2) == "4★ (2 companies)"
    assert msg("table.corrected", "en", moved=1).endswith("1 award differs from the uncorrected "
                                                          "ones")
    assert msg("warn.dropped", "en", file="f.csv", n=1) == (
        "f.csv: 1 row dropped by the rubric's input policy")
    assert msg("notice.intro", "en", n=1, rubric="R").startswith(
        "The following 1 company is rated under R.")


def test_chinese_table_header_lines_up_with_its_columns() -> None:
    """In the Chinese star table the header 总分 ends where the totals end (CJK characters
    take two columns)."""
    from red_property.texts import text_width

    report = rp.evaluate(SHANYANG, RATINGS)
    head, first = report.table(lang="zh").splitlines()[:2]
    end_of_total = text_width(head[:head.index("总分") + 2])
    assert text_width(first[:first.index("97.4") + 4]) == end_of_total


def test_diff_warns_when_the_version_was_not_bumped(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """A rubric edited under the same id and version is flagged, in text, JSON and GitHub
    annotations; a bumped version is not."""
    same = _edited(tmp_path, "min_total: 88", "min_total: 87")
    assert main(["diff", str(SHANYANG), str(same), RATINGS, "--format", "github"]) == 0
    out = capsys.readouterr().out
    assert "::warning file=" in out and "its version did not; bump `version`" in out
    assert "the rubric changed but its version did not (2019.1)" in out
    assert main(["diff", str(SHANYANG), str(same), RATINGS, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["version_unchanged"] is True
    bumped = tmp_path / "bumped.yaml"
    bumped.write_text(same.read_text(encoding="utf-8").replace('version: "2019.1"',
                                                               'version: "2019.2"'),
                      encoding="utf-8")
    assert main(["diff", str(SHANYANG), str(bumped), RATINGS]) == 0
    assert "version did not" not in capsys.readouterr().out


@pytest.mark.parametrize("builtin", ["0", "1"])
def test_title_lines_above_the_header_are_skipped(builtin: str, monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    """A sheet's title lines above its header are skipped, rows keep the file's line numbers;
    a file with no line naming two columns still gets the header error."""
    monkeypatch.setenv(NO_ARROW, builtin)
    f = tmp_path / "r.csv"
    f.write_text("山阳区2019年度评分表,,,,,\n导出日期 2019-12-01,,,,,\n"
                 "company,source,rater,indicator,value,rater_company\n"
                 "sy-01,authority,a1,six_haves,1,\nsy-02,authority,a1,six_haves,0,\n",
                 encoding="utf-8")
    r = rp.Ratings.from_csv(f)
    assert (r.company_labels.tolist(), r.row.tolist()) == (["sy-01", "sy-02"], [4, 5])
    f.write_text("山阳区2019年度评分表\nsy-01,authority,a1,six_haves,1\n", encoding="utf-8")
    with pytest.raises(rp.RatingsError, match="no header naming the columns: the first line "
                       "reads '山阳区2019年度评分表'"):
        rp.Ratings.from_csv(f)


def test_workbook_title_row_above_the_header_is_skipped(tmp_path: Path) -> None:
    """A workbook with a merged title row above its header reads from the header on."""
    openpyxl = pytest.importorskip("openpyxl", reason="the excel extra is not installed")
    pytest.importorskip("python_calamine", reason="the excel extra is not installed")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["山阳区2019年度评分表"])
    sheet.merge_cells("A1:E1")
    sheet.append(["company", "source", "rater", "indicator", "value"])
    sheet.append(["sy-01", "authority", "a1", "six_haves", 1])
    path = tmp_path / "r.xlsx"
    book.save(path)
    r = rp.Ratings.from_csv(path)
    assert (r.company_labels.tolist(), r.row.tolist()) == (["sy-01"], [3])


def test_a_misspelled_rubric_key_gets_the_key_it_resembles(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    """`min_totl` is answered with "did you mean 'min_total'?", a full-width colon (an input
    method's) with the half-width one to type; a key like none keeps the plain message."""
    for old, new, said in (("min_total: 88", "min_totl: 88", "did you mean 'min_total'?"),
                           ("min_total: 88", "min_total：88", "a full-width colon '：' is not "
                            "YAML's ':'"),
                           ("min_total: 88", "min_total: 88\n    zzz: 1",
                            "unknown key; remove it or check its spelling")):
        assert main(["validate", str(_edited(tmp_path, old, new))]) == 1
        assert said in capsys.readouterr().err


def test_a_company_not_rated_earns_no_level() -> None:
    """A company that is not rated (a gate not passed) shows no earned level in its result,
    records, CSV and workbook, as it shows no stars."""
    report = rp.evaluate(SHANYANG, RATINGS)
    assert report["sy-38"].rated is False and report["sy-38"].earned is None
    record = next(r for r in report.to_records() if r["company"] == "sy-38")
    assert (record["stars"], record["earned"]) == (None, None)
    assert report["sy-12"].earned == 3


def test_command_line_lines_speak_the_output_language(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Under --lang zh the command line's own lines (what it wrote, an unknown company) are
    Chinese; in English one company is "1 company"."""
    out = tmp_path / "t.txt"
    assert main(["score", str(SHANYANG), RATINGS, "--lang", "zh", "--out", str(out)]) == 0
    assert capsys.readouterr().err == f"已将 40 家企业的结果写入 {out}\n"
    assert main(["explain", str(SHANYANG), RATINGS, "sy-99", "--lang", "zh"]) == 1
    assert capsys.readouterr().err.startswith("red-property explain：评分中没有企业 'sy-99'")
    assert main(["score", str(SHANYANG), RATINGS, "--out", str(out)]) == 0
    assert capsys.readouterr().err == f"wrote 40 companies to {out}\n"


def test_bad_rows_are_told_in_chinese_under_lang_zh(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Under --lang zh a refused row is told in Chinese, its place too; in English as before."""
    bad = tmp_path / "bad.csv"
    bad.write_text("company,source,rater,indicator,value\nsy-01,authority,a1,six_haves,x\n",
                   encoding="utf-8")
    assert main(["score", str(SHANYANG), str(bad), "--lang", "zh"]) == 1
    assert capsys.readouterr().err == f"{bad}：第 2 行，value 列：数值 'x' 不是数字\n"
    assert main(["score", str(SHANYANG), str(bad)]) == 1
    assert capsys.readouterr().err == f"{bad}: row 2, column value: value 'x' is not a number\n"


def test_chinese_explanation_of_a_company_earning_no_star() -> None:
    """A company whose scores reach no level is said 得分未达到一星, not 按得分达到无星."""
    report = rp.evaluate(SHANYANG, RATINGS, claims=EXAMPLE / "claims.csv")
    head = str(report.explain("sy-08", lang="zh")).splitlines()[0]
    assert "（得分未达到一星；认领三星，降级认定）" in head
    assert "（按得分达到三星；" in str(report.explain("sy-12", lang="zh")).splitlines()[0]


def test_sheet_by_position_on_the_command_line(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """--sheet 2 reads the second sheet; a sheet named "2" would win; --sheet 3 of two sheets
    is refused, listing the sheets."""
    openpyxl = pytest.importorskip("openpyxl", reason="the excel extra is not installed")
    pytest.importorskip("python_calamine", reason="the excel extra is not installed")
    book = openpyxl.Workbook()
    book.active.title = "notes"
    book.active.append(["nothing here"])
    sheet = book.create_sheet("ratings")
    sheet.append(["company", "source", "rater", "indicator", "value"])
    sheet.append(["sy-01", "authority", "a1", "six_haves", 1])
    path = tmp_path / "r.xlsx"
    book.save(path)
    assert main(["score", str(SHANYANG), str(path), "--sheet", "2"]) == 0
    assert "sy-01" in capsys.readouterr().out
    assert main(["score", str(SHANYANG), str(path), "--sheet", "3"]) == 1
    assert "no sheet '3'; the sheets are notes, ratings" in capsys.readouterr().err


@pytest.mark.parametrize("builtin", ["0", "1"])
def test_chinese_headers_are_named_with_the_column_to_use(
        builtin: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A header written in Chinese (企业, 评委, 分值 ...) gets the English column to rename it
    to, in English and, under --lang zh, in Chinese; not a list of missing columns."""
    monkeypatch.setenv(NO_ARROW, builtin)
    f = tmp_path / "r.csv"
    f.write_text("企业,评分方,评委,指标,分值\nsy-01,authority,a1,six_haves,1\n", encoding="utf-8")
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_csv(f)
    assert [p.message for p in info.value.problems][:2] == [
        "column '企业' should be named 'company' (columns are named in English); rename it",
        "column '评分方' should be named 'source' (columns are named in English); rename it"]
    assert len(info.value.problems) == 5
    assert main(["score", str(SHANYANG), str(f), "--lang", "zh"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{f}：第 1 行，企业 列：列 '企业' 应改名为 'company'（列名须用英文）")


def test_a_problem_of_one_row_does_not_repeat_its_row() -> None:
    """A bad value on one row says its row once, in its place; several rows sharing one
    problem are listed after it."""
    base = {"company": "c", "source": "a", "rater": "r", "indicator": "x"}
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_records([{**base, "value": [1]}, {**base, "value": complex(1, 2)},
                                 {**base, "value": complex(1, 2)}])
    assert [str(p) for p in info.value.problems] == [
        "<records>: row 1, column value: value [1] is not a number",
        "<records>: row 2, column value: value (1+2j) is not a number (rows 2, 3)"]


def test_a_quoted_number_in_a_rubric_is_told_to_lose_its_quotes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`min_total: '88'` is answered with the number to write without quotes; a quoted text
    that is no number keeps pydantic's message."""
    assert main(["validate", str(_edited(tmp_path, "min_total: 88", 'min_total: "88"'))]) == 1
    assert "'88' in quotes is text, not a number: write 88 without quotes" in (
        capsys.readouterr().err)
    assert main(["validate", str(_edited(tmp_path, "min_total: 88", 'min_total: "8x8"'))]) == 1
    assert "input should be a valid number" in capsys.readouterr().err
