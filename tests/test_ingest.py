"""Ratings in from files as spreadsheets export them, from data frames and from object columns:
the fast (Arrow) and the built-in paths give the same reports."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pytest

import red_property as rp
from red_property import _arrow_input, cli
from red_property._arrow_input import read_csv_arrow
from red_property._codes import factorize
from red_property._columns import as_ids
from red_property._factorize import NO_ARROW
from red_property.ratings import OPTIONAL, REQUIRED

from .conftest import EXAMPLE, SHANYANG

HEADER = ["company", "source", "rater", "indicator", "value", "rater_company"]
ROWS = [
    ["007", "authority", "a1", "six_haves", "1", ""],
    ["007", "peer", "p2", "reputation", "7.5", "山陽-02"],
    ["山陽-02", "peer", "p1", "reputation", "6", "007"],
    ["山陽-02", "authority", "a1", "six_haves", "0", ""],
]


def _csv(rows: list[list[str]], sep: str = ",", end: str = "\n") -> str:
    return "".join(sep.join(r) + end for r in rows)


def both_paths(monkeypatch: pytest.MonkeyPatch, path: Path, **kw: Any) -> tuple[str, str]:
    """The report's JSON from the Arrow reader and from the built-in reader."""
    pytest.importorskip("pyarrow")
    rubric = rp.load_rubric(SHANYANG)
    fast = rp.evaluate(rubric, rp.Ratings.from_csv(path, **kw)).to_json()
    monkeypatch.setenv(NO_ARROW, "1")
    slow = rp.evaluate(rubric, rp.Ratings.from_csv(path, **kw)).to_json()
    monkeypatch.delenv(NO_ARROW)
    return fast, slow


VARIANTS = {
    "comma": (_csv([HEADER, *ROWS]), "utf-8"),
    "semicolon": (_csv([HEADER, *ROWS], ";"), "utf-8"),
    "tab": (_csv([HEADER, *ROWS], "\t"), "utf-8"),
    "excel sep line": ("sep=;\n" + _csv([HEADER, *ROWS], ";"), "utf-8"),
    "blank first lines and CRLF": ("\n ,,\n" + _csv([HEADER, *ROWS], end="\r\n"), "utf-8"),
    "trailing empty column": (_csv([[*HEADER, ""], *[[*r, ""] for r in ROWS]]), "utf-8"),
    "two trailing empty columns": (_csv([[*HEADER, "", ""], *[[*r, "", ""] for r in ROWS]]),
                                   "utf-8"),
    "BOM": (_csv([HEADER, *ROWS]), "utf-8-sig"),
    "GB18030": (_csv([HEADER, *ROWS]), "gb18030"),
    "UTF-16 with BOM": (_csv([HEADER, *ROWS]), "utf-16"),
    "blank lines between rows": (_csv([HEADER, ROWS[0], [""], ROWS[1], [",,"], *ROWS[2:]]),
                                 "utf-8"),
    "quoted fields": (_csv([HEADER, *ROWS[:3]]) + '山陽-02,authority,"a1",six_haves,"0",\n',
                      "utf-8"),
    "quoted line break": (_csv([[*HEADER, "note"], *[[*r, "x"] for r in ROWS[:3]]])
                          + '山陽-02,authority,a1,six_haves,0,,"two\nlines"\n', "utf-8"),
    # 50,000 characters, 150,000 UTF-8 bytes: over the csv module's field limit in bytes only
    "long note in Chinese": (_csv([[*HEADER, "note"], *[[*r, "物" * 50_000] for r in ROWS]]),
                             "utf-8"),
}
#: Variants the Arrow reader hands to the locating reader (it numbers their lines).
HANDED_ON = {"blank lines between rows", "quoted fields", "quoted line break"}


@pytest.fixture(params=["whole", "split"])
def split(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """The Arrow reader parses the file whole, or split among three threads at line feeds
    (as it does a large file on a machine with several cores)."""
    if request.param == "split":
        monkeypatch.setattr(_arrow_input, "PARALLEL_BYTES", 1)
        monkeypatch.setattr(_arrow_input, "_cores", lambda: 3)
    return bool(request.param == "split")


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_fast_and_builtin_readers_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        variant: str, split: bool) -> None:
    """Every export variant reads to byte-identical reports with and without pyarrow."""
    text, encoding = VARIANTS[variant]
    f = tmp_path / "r.csv"
    f.write_bytes(text.encode(encoding))
    fast, slow = both_paths(monkeypatch, f)
    assert fast == slow
    taken = read_csv_arrow(f.read_bytes(), str(f), REQUIRED, OPTIONAL)
    assert (taken is None) == (variant in HANDED_ON)
    r = rp.Ratings.from_csv(f)
    assert r.company_labels.tolist() == ["007", "山陽-02"]  # 007 stays text
    assert len(r) == 4


def test_line_numbers_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, split: bool
                            ) -> None:
    """Both readers number rows by the file's lines, blank lines and sep= line counted."""
    pytest.importorskip("pyarrow")
    f = tmp_path / "r.csv"
    f.write_text("sep=,\n\n" + _csv([HEADER, *ROWS]), encoding="utf-8")
    fast = rp.Ratings.from_csv(f).row.tolist()
    monkeypatch.setenv(NO_ARROW, "1")
    assert rp.Ratings.from_csv(f).row.tolist() == fast == [4, 5, 6, 7]


@pytest.mark.parametrize("bad", ["ragged", "value in unnamed column",
                                 "value in second unnamed column", "bad value", "empty id"])
def test_errors_located_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: str,
                              split: bool) -> None:
    """A bad file gets the same located problems from either reader."""
    pytest.importorskip("pyarrow")
    rows = [list(r) for r in ROWS]
    header = list(HEADER)
    if bad == "ragged":
        rows[2] = rows[2][:5]
    elif bad == "value in unnamed column":
        header.append("")
        rows = [[*r, ""] for r in rows]
        rows[1][-1] = "oops"
    elif bad == "value in second unnamed column":
        header += ["", ""]
        rows = [[*r, "", ""] for r in rows]
        rows[2][-1] = "oops"
    elif bad == "bad value":
        rows[1][4] = "lots"
    else:
        rows[3][0] = " "
    f = tmp_path / "r.csv"
    f.write_text(_csv([header, *rows]), encoding="utf-8")
    rubric = rp.load_rubric(SHANYANG)
    messages = []
    for switch in ("0", "1"):
        monkeypatch.setenv(NO_ARROW, switch)
        with pytest.raises(rp.RatingsError) as info:
            rp.evaluate(rubric, rp.Ratings.from_csv(f))
        messages.append([str(p) for p in info.value.problems])
    assert messages[0] == messages[1]
    assert all(p.row for p in info.value.problems)


def test_bundled_season_agrees(monkeypatch: pytest.MonkeyPatch, split: bool) -> None:
    """The bundled season scores byte-identically through either reader."""
    fast, slow = both_paths(monkeypatch, EXAMPLE / "ratings.csv")
    assert fast == slow


def test_wrong_delimiter_is_named(tmp_path: Path) -> None:
    """A semicolon export read with a forced comma is called a semicolon export."""
    f = tmp_path / "r.csv"
    f.write_text(_csv([HEADER, *ROWS], ";"), encoding="utf-8")
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_csv(f, delimiter=",")
    assert len(info.value.problems) == 1
    assert "looks like a semicolon-separated export; pass delimiter=';'" in str(info.value)


def test_other_file_is_not_a_list_of_missing_columns(tmp_path: Path) -> None:
    """A file without any known column says so in one problem."""
    f = tmp_path / "r.csv"
    f.write_text("name,amount\nx,1\n", encoding="utf-8")
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_csv(f)
    assert len(info.value.problems) == 1
    assert "no header naming the columns" in str(info.value)
    assert "missing column" not in str(info.value)


def write_xlsx(path: Path, rows: list[list[Any]], sheet: str = "Sheet1") -> None:
    """A minimal workbook: one sheet, text inline, numbers as numbers."""
    def cell(v: Any) -> str:
        if isinstance(v, (int, float)):
            return f'<c t="n"><v>{v!r}</v></c>'
        return f'<c t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'

    data = "".join(f'<row r="{k}">' + "".join(cell(v) for v in r) + "</row>"
                   for k, r in enumerate(rows, start=1))
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    files = {
        "[Content_Types].xml":
            f'<Types xmlns="{pkg}/content-types"><Default Extension="rels" ContentType='
            f'"application/vnd.openxmlformats-package.relationships+xml"/><Default '
            f'Extension="xml" ContentType="application/xml"/><Override PartName='
            f'"/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/><Override PartName='
            f'"/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/></Types>',
        "_rels/.rels":
            f'<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml":
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="{sheet}" '
            f'sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            f'<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" '
            f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml":
            f'<worksheet xmlns="{main}"><sheetData>{data}</sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)


def _typed(rows: list[list[str]]) -> list[list[Any]]:
    return [[float(c) if k == 4 else c for k, c in enumerate(r)] for r in rows]


def test_workbook_reads_like_csv(tmp_path: Path) -> None:
    """An .xlsx workbook (by name or first sheet) reads to the CSV's report, rows numbered."""
    pytest.importorskip("python_calamine")
    book = tmp_path / "ratings.xlsx"
    write_xlsx(book, [HEADER, [], *_typed(ROWS)], sheet="Season")
    f = tmp_path / "r.csv"
    f.write_text(_csv([HEADER, *ROWS]), encoding="utf-8")
    rubric = rp.load_rubric(SHANYANG)
    from_book = rp.evaluate(rubric, rp.Ratings.from_csv(book, sheet="Season"))
    from_csv = rp.evaluate(rubric, f)
    assert from_book.to_records() == from_csv.to_records()
    assert rp.Ratings.from_csv(book).row.tolist() == [3, 4, 5, 6]
    with pytest.raises(rp.RatingsError, match="no sheet 'Other'; the sheets are Season"):
        rp.Ratings.from_csv(book, sheet="Other")


def test_workbook_without_the_extra_is_named(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Without python-calamine a workbook is named as such, with the extra to install."""
    book = tmp_path / "ratings.csv"
    write_xlsx(book, [HEADER, *_typed(ROWS)])
    monkeypatch.setitem(sys.modules, "python_calamine", None)
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_csv(book)
    assert "this is an Excel workbook; install red-property[excel]" in str(info.value)


def test_cli_delimiter_encoding_and_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """--delimiter and --encoding are honoured; without pyarrow the CLI hints once."""
    f = tmp_path / "r.csv"
    f.write_bytes(_csv([HEADER, *ROWS], ";").encode("gb18030"))
    args = ["score", str(SHANYANG), str(f), "--delimiter", ";", "--encoding", "gb18030",
            "--format", "json"]
    monkeypatch.setattr(cli, "arrow", lambda: None)
    monkeypatch.setattr(cli, "_hinted", [])
    assert cli.main(args) == 0
    assert cli.main(args) == 0
    err = capsys.readouterr().err
    assert err.count("pip install 'red-property[fast]'") == 1
    assert cli.main([*args[:3], "--delimiter", ",", "--format", "json"]) == 1
    assert "looks like a semicolon-separated export" in capsys.readouterr().err


def _frame_columns() -> dict[str, list[Any]]:
    return {h: [r[k] for r in ROWS] for k, h in enumerate(HEADER)}


def _report(data: Any) -> str:
    return rp.evaluate(rp.load_rubric(SHANYANG), data).to_json()


def test_frames_of_every_kind_agree() -> None:
    """pandas (object, categorical, Arrow-backed), polars, pyarrow and Arrow streams agree."""
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    pl = pytest.importorskip("polars")
    cols = _frame_columns()
    cols["value"] = [float(v) for v in cols["value"]]
    ids = [h for h in HEADER if h != "value"]
    frame = pd.DataFrame(cols)
    expected = _report(frame)

    class Stream:
        def __init__(self, table: Any) -> None:
            self.table = table

        def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
            return self.table.__arrow_c_stream__(requested_schema)

    table = pa.table(cols)
    kinds = {
        "categorical": frame.astype({c: "category" for c in ids}),
        "arrow-backed": frame.astype({c: pd.ArrowDtype(pa.string()) for c in ids}),
        "string": frame.astype({c: "string" for c in ids}),
        "pyarrow": table,
        "dictionary": pa.table({c: (table[c].dictionary_encode() if c in ids else table[c])
                                for c in HEADER}),
        "polars": pl.from_arrow(table),
        "polars categorical": pl.from_arrow(table).with_columns(pl.col(ids).cast(pl.Categorical)),
        "stream": Stream(table),
    }
    for name, data in kinds.items():
        assert _report(data) == expected, name


def test_arrow_text_columns_coded_on_threads_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large Arrow table's text columns are encoded several at once; codes, labels, missing
    cells and their rows come out as when each column is coded alone."""
    pa = pytest.importorskip("pyarrow")
    from red_property import _frames

    cols = _frame_columns()
    cols["value"] = [float(v) for v in cols["value"]]
    n = len(cols["company"])
    plain = pa.table(cols)
    chunked = pa.Table.from_batches(plain.to_batches(max_chunksize=max(1, n // 3)))
    large = plain.cast(pa.schema([(f.name, pa.large_string() if f.type == pa.string()
                                   else f.type) for f in plain.schema]))
    tables = {"plain": plain, "chunked": chunked, "large_string": large}
    monkeypatch.setattr(_frames, "cores", lambda: 2)  # threads on a one-core machine too
    for name, table in tables.items():
        monkeypatch.setattr(_frames, "PARALLEL_ROWS", 10**9)
        alone = rp.Ratings.from_frame(table)
        monkeypatch.setattr(_frames, "PARALLEL_ROWS", 1)
        threaded = rp.Ratings.from_frame(table)
        for field in ("company", "source", "rater", "indicator", "rater_company", "value",
                      "company_labels", "source_labels", "rater_labels", "indicator_labels",
                      "row"):
            assert np.array_equal(getattr(alone, field), getattr(threaded, field)), (name, field)
    company = pa.array(["c1", None] + ["c2"] * (n - 2))
    missing = plain.set_column(plain.column_names.index("company"), "company", company)
    with pytest.raises(rp.RatingsError, match="row 2, column company: empty; every rating"):
        rp.Ratings.from_frame(missing)


def companies(col: Any) -> list[str]:
    """The company ids as read by Ratings.from_columns, row by row."""
    n = len(col)
    r = rp.Ratings.from_columns(company=col, source=["authority"] * n, rater=["a"] * n,
                                indicator=["six_haves"] * n, value=[1.0] * n)
    return r.company_labels[r.company].tolist()


def test_categorical_keeps_its_codes() -> None:
    """A categorical column is coded from its categories; its rows are never re-stringified."""
    pd = pytest.importorskip("pandas")
    col = pd.Series(pd.Categorical(["b", "a", "b", "007"], categories=["z", "b", "a", "007"]))
    assert companies(col) == ["b", "a", "b", "007"]
    with pytest.raises(rp.RatingsError, match="row 3, column company: empty; every rating"):
        companies(pd.Series(pd.Categorical(["b", "a", None, "b"])))


@pytest.mark.parametrize("arrow", ["0", "1"])
def test_object_columns_match_text_ids(monkeypatch: pytest.MonkeyPatch, arrow: str) -> None:
    """Object columns (text, whole floats, ints) read as as_ids() writes them, either path."""
    monkeypatch.setenv(NO_ARROW, arrow)
    mixed = np.array(["007", 101.0, 7, "007", "a", 101], dtype=object)
    text = np.array(["b", "a", "b", "c"] * 5, dtype=object)
    for col in (mixed, text):
        assert companies(col) == as_ids(col).tolist()
    with pytest.raises(rp.RatingsError, match="bytes b'x' where text is expected"):
        companies(np.array(["a", b"x"], dtype=object))


def test_object_path_keeps_labels_small() -> None:
    """Object ids are stored as their distinct labels, not as rows x longest label."""
    col = np.array(["x" * 200 if k % 1000 == 0 else f"c{k % 7}" for k in range(20_000)],
                   dtype=object)
    n = len(col)
    r = rp.Ratings.from_columns(company=col, source=["authority"] * n, rater=["a"] * n,
                                indicator=["six_haves"] * n, value=np.ones(n))
    assert r.company_labels.nbytes < 10_000
    assert r.company_labels[r.company].tolist() == col.tolist()
    assert factorize(col.astype(str))[1].tolist() == r.company_labels.tolist()


def test_import_is_lean() -> None:
    """Importing the package loads neither the analysis layer nor pandas nor pyarrow."""
    code = ("import sys, red_property as rp; "
            "print(sorted(m for m in ('red_property.analysis', 'pandas', 'pyarrow') "
            "if m in sys.modules)); rp.analysis.rater_effects; "
            "print('red_property.analysis' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "True"


def test_scoring_a_csv_loads_only_what_it_needs(tmp_path: Path) -> None:
    """Evaluating a CSV season (Chinese ids, peers) and printing its table imports neither
    numpy.ma (plain np.unique; numpy before 2.0 imports it itself), pyarrow.compute, pandas nor
    the explanation modules."""
    f = tmp_path / "r.csv"
    f.write_text(_csv([HEADER, *ROWS]), encoding="utf-8")
    code = ("import sys, numpy; base = set(sys.modules); import red_property as rp; "
            f"r = rp.evaluate(rp.load_rubric({str(SHANYANG)!r}), rp.Ratings.from_csv({str(f)!r}));"
            " r.table(); print(sorted(m for m in ('numpy.ma', 'pyarrow.compute', 'pandas', "
            "'red_property.explanation', 'red_property.analysis') "
            "if m in sys.modules and m not in base)); "
            "r.explain('007'); print('red_property.explanation' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "True"


def test_a_process_that_read_a_csv_exits_cleanly(tmp_path: Path) -> None:
    """A process that read ratings through the Arrow reader exits with status 0, every time:
    Arrow's thread pool once made about one exit in ten abort (status 134)."""
    pytest.importorskip("pyarrow")
    script = tmp_path / "read.py"
    script.write_text("import gc, sys\nimport red_property as rp\n"
                      "from red_property import _arrow_input as a\n"
                      "if sys.argv[2] == 'split':  # parsed in parts on threads, as large files\n"
                      "    a.PARALLEL_BYTES, a._cores = 1, lambda: 3\n"
                      "r = rp.Ratings.from_csv(sys.argv[1])\ndel r\ngc.collect()\n",
                      encoding="utf-8")
    codes = [subprocess.run([sys.executable, str(script), str(EXAMPLE / "ratings.csv"), how],
                            capture_output=True, check=False).returncode
             for how in ("whole", "split") * 12]
    assert codes == [0] * 24
