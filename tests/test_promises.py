"""The README's promises about the edges, each pinned through the public API or the CLI:
formula-safe CSV, byte-identical JSON, every row accounted for, the summary line, encodings and
located duplicate keys."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import red_property as rp

from .fixtures import ONE_SOURCE, load, rec, rows_of, run

RUBRIC = """
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
levels:
  - {stars: 1, min_total: 5}
"""

#: What a spreadsheet runs as a formula when a cell starts with it (README: "neutralises
#: spreadsheet formulas"; Report.to_csv: "= + - @, tab or CR").
LEADING = ("=", "+", "-", "@", "\t", "\r")


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------- formula-safe CSV


@pytest.mark.parametrize("lead", LEADING)
def test_csv_neutralises_every_leading_character_in_every_text_field(tmp_path: Path,
                                                                     lead: str) -> None:
    """Each formula-leading character is neutralised in the company, name and district cells."""
    evil = f"{lead}HYPERLINK(\"http://x\")"
    rubric = load(ONE_SOURCE, RUBRIC)
    # a listed company without ratings keeps its id exactly (ids read from ratings are trimmed)
    companies = {"ok": evil, evil: "plain name"}
    report = run(rubric, rows_of({"ok": {"s": 6}}), companies=companies)
    report.to_csv(tmp_path / "r.csv")
    rows = {r["company"]: r for r in _csv_rows(tmp_path / "r.csv")}
    # the companies table trims ids, so a leading tab or CR never reaches an id
    listed = evil.strip()
    cell = "'" + listed if listed[0] in LEADING else listed
    assert set(rows) == {"ok", cell}
    assert rows["ok"]["name"] == "'" + evil
    assert rows[cell]["name"] == "plain name"
    assert rows[cell]["rated"] == "False"


@pytest.mark.parametrize("lead", LEADING)
def test_csv_neutralises_the_district(tmp_path: Path, lead: str) -> None:
    """A district from the companies table that starts a formula is written as text."""
    table = tmp_path / "companies.csv"
    table.write_text(f'company,name,district\nok,Name,"{lead}1+2 x"\n', encoding="utf-8")
    report = run(load(ONE_SOURCE, RUBRIC), rows_of({"ok": {"s": 6}}), companies=str(table))
    report.to_csv(tmp_path / "r.csv")
    (row,) = _csv_rows(tmp_path / "r.csv")
    # the companies table trims its cells, so a leading tab or CR never reaches the report
    expected = f"{lead}1+2 x".strip()
    assert row["district"] == ("'" + expected if expected[0] in LEADING else expected)
    assert row["name"] == "Name"


def test_csv_leaves_safe_text_and_numbers_alone(tmp_path: Path) -> None:
    """Text not starting a formula and numeric cells (even negative ones) are written as is."""
    rubric = load(ONE_SOURCE, RUBRIC)
    report = run(rubric, rows_of({"a-1": {"s": 6}, "b": {"s": 2}}),
                 companies={"a-1": "x=1", "b": "b+c"})
    report.to_csv(tmp_path / "r.csv")
    rows = {r["company"]: r for r in _csv_rows(tmp_path / "r.csv")}
    assert rows["a-1"]["name"] == "x=1"
    assert rows["b"]["name"] == "b+c"
    assert rows["a-1"]["total"] == "6.0"
    assert rows["b"]["verdict"] == "no claim"


def test_cli_csv_neutralises_names_and_districts(tmp_path: Path) -> None:
    """`red-property score --format csv` writes formula-looking names and districts as text."""
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text('id: t\nversion: "1"\ntitle: {en: T}\n' + ONE_SOURCE + RUBRIC,
                      encoding="utf-8")
    ratings = tmp_path / "ratings.csv"
    ratings.write_text("company,source,rater,indicator,value\n"
                       "a,authority,r,s,6\nb,authority,r,s,3\n", encoding="utf-8")
    companies = tmp_path / "companies.csv"
    companies.write_text("company,name,district\na,=SUM(A1:A9),@here\nb,-2+3,+86\n",
                         encoding="utf-8")
    out = tmp_path / "out.csv"
    subprocess.run([sys.executable, "-m", "red_property", "score", str(rubric), str(ratings),
                    "--companies", str(companies), "--format", "csv", "--out", str(out)],
                   check=True, capture_output=True)
    rows = {r["company"]: r for r in _csv_rows(out)}
    assert (rows["a"]["name"], rows["a"]["district"]) == ("'=SUM(A1:A9)", "'@here")
    assert (rows["b"]["name"], rows["b"]["district"]) == ("'-2+3", "'+86")


# --------------------------------------------------------------------------- deterministic JSON

SETS_RUBRIC = """
input: {invalid_rows: drop}
sources:
  authority: {label: {en: A}, weight: 0.5, quorum: 2}
  association: {label: {en: B}, weight: 0.3, quorum: 2}
  peer: {label: {en: P}, weight: 0.2, peer: true, quorum: 2}
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
      t: {label: {en: T}, kind: score, points: 5}
      v: {label: {en: V}, kind: check, points: 1}
vetoes:
  - {id: zeta, label: {en: Z}, when: v, effect: cap, cap: 1}
  - {id: alpha, label: {en: A}, when: v}
levels:
  - {stars: 1, min_total: 2}
  - {stars: 2, min_total: 6}
"""


def _sets_rows() -> list[dict[str, Any]]:
    """A season where every set-built item has several members: short sources, vetoes, reasons."""
    rows = []
    for c in ("c1", "c2", "c3", "c4"):
        for ind, v in (("s", 7.25), ("t", 3.5)):
            rows.append(rec(c, "authority", "a1", ind, v))
            if (c, ind) != ("c1", "t"):  # c1's authority is short on t
                rows.append(rec(c, "authority", "a2", ind, v - 1))
            rows.append(rec(c, "association", "b1", ind, v - 0.5))  # short: 1 of 2
            rows.append(rec(c, "peer", "p1", ind, v - 2, rater_company="c9"))  # short: 1 of 2
        rows += [rec(c, "authority", a, "v", 1 if c in ("c2", "c3") else 0) for a in ("a1", "a2")]
    rows += [rec("c1", "authority", "a1", "nope", 1), rec("c1", "panel", "x", "s", 1),
             rec("c2", "authority", "a1", "s", 11), rec("c3", "peer", "p3", "s", 4,
                                                         rater_company="c3")]
    return rows


_SCRIPT = """
import json, sys
import red_property as rp
from tests.test_promises import SETS_RUBRIC, _sets_rows
from tests.fixtures import load
report = rp.evaluate(load(SETS_RUBRIC), rp.Ratings.from_records(_sets_rows()))
sys.stdout.write(report.to_json())
"""


def test_json_is_byte_identical_across_hash_seeds() -> None:
    """to_json() prints the same bytes whatever PYTHONHASHSEED orders sets and dicts by."""
    root = Path(__file__).resolve().parent.parent
    outputs = set()
    for seed in ("0", "1", "2", "123", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", _SCRIPT], cwd=root, env=env, check=True,
                              capture_output=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1
    doc = json.loads(outputs.pop())
    c1 = next(c for c in doc["companies"] if c["company"] == "c1")
    assert c1["quorum_short"] == ["association", "authority", "peer"]  # a set, sorted
    c2 = next(c for c in doc["companies"] if c["company"] == "c2")
    assert c2["vetoed"] == ["zeta", "alpha"]  # the rubric's order
    assert list(doc["provenance"]["rows"]["dropped_by_reason"]) == sorted(
        doc["provenance"]["rows"]["dropped_by_reason"])


def test_json_is_byte_identical_across_row_orders() -> None:
    """Shuffling the rows (each keeping its row number) leaves to_json() byte for byte alike."""
    rows = _sets_rows()
    rubric = load(SETS_RUBRIC)
    rng = np.random.default_rng(7)

    def text(order: np.ndarray) -> str:
        cols = {k: [rows[j].get(k, "") for j in order] for k in
                ("company", "source", "rater", "indicator", "value", "rater_company")}
        ratings = rp.Ratings.from_columns(**cols, row=order + 1)
        return rp.evaluate(rubric, ratings).to_json()

    first = text(np.arange(len(rows)))
    for _ in range(5):
        assert text(rng.permutation(len(rows))) == first
    assert text(np.arange(len(rows))[::-1]) == first
    assert json.loads(first)["provenance"]["rows"]["dropped"] == 4


# --------------------------------------------------------------------------- row accounting

ACCOUNT_RUBRIC = """
input: {invalid_rows: drop}
sources:
  authority: {label: {en: A}, weight: 0.6}
  peer: {label: {en: P}, weight: 0.4, peer: true}
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
levels:
  - {stars: 1, min_total: 5}
"""


def _accounting_ratings() -> tuple[rp.Ratings, dict[str, int], int]:
    """2,000 good rows and 4,150 dropped ones over four reasons, interleaved."""
    n_good, bad = 2000, {"unknown indicator": 1700, "out of range": 1300, "self-rating": 900,
                         "unknown source": 250}
    company, source, rater, indicator, value, rc = [], [], [], [], [], []

    def add(c: str, s: str, r: str, i: str, v: float, owner: str = "") -> None:
        company.append(c)
        source.append(s)
        rater.append(r)
        indicator.append(i)
        value.append(v)
        rc.append(owner)

    for k in range(n_good):
        add(f"c{k % 40:02d}", "authority", f"a{k // 40}", "s", 5 + (k // 40) % 5)
    for k in range(bad["unknown indicator"]):
        add(f"c{k % 40:02d}", "authority", f"x{k}", "nope", 1)
    for k in range(bad["out of range"]):
        add(f"c{k % 40:02d}", "authority", f"o{k}", "s", 10.5 + k)
    for k in range(bad["self-rating"]):
        add(f"c{k % 40:02d}", "peer", f"p{k}", "s", 5, owner=f"c{k % 40:02d}")
    for k in range(bad["unknown source"]):
        add(f"c{k % 40:02d}", "panel", f"u{k}", "s", 5)
    order = np.random.default_rng(3).permutation(len(value))
    cols = {name: np.asarray(col, dtype=object)[order] for name, col in
            (("company", company), ("source", source), ("rater", rater),
             ("indicator", indicator), ("rater_company", rc))}
    ratings = rp.Ratings.from_columns(**cols, value=np.asarray(value, dtype=float)[order])
    return ratings, bad, n_good


def test_thousands_of_dropped_rows_are_counted_exactly() -> None:
    """read = used + dropped, and each reason's count is exact although only 50 are listed."""
    ratings, bad, n_good = _accounting_ratings()
    report = rp.evaluate(load(ACCOUNT_RUBRIC), ratings)
    assert report.rows_read == len(ratings) == n_good + sum(bad.values())
    assert report.rows_used == n_good
    assert report.rows_dropped == sum(bad.values())
    assert report.dropped_by_reason == bad
    rows = report.provenance()["rows"]
    assert (rows["read"], rows["used"], rows["dropped"]) == (6150, 2000, 4150)
    # 50 listed per reason, then one line saying how many more
    assert len(report.dropped) == 4 * 51
    more = sorted(p.message for p in report.dropped if p.message.startswith("..."))
    assert more == sorted(f"... and {n - 50} more rows: {why}" for why, n in bad.items())
    assert report.warnings == ("<columns>: 4150 rows dropped by the rubric's input policy",)
    assert report.table().splitlines()[-1] == (
        "4150 of 6150 rating rows dropped (out of range 1300, self-rating 900, unknown indicator "
        "1700, unknown source 250)")


def test_dropped_rows_never_reach_the_scores() -> None:
    """Every company's total comes from its good rows alone, whatever the dropped rows held."""
    ratings, _, _ = _accounting_ratings()
    report = rp.evaluate(load(ACCOUNT_RUBRIC), ratings)
    # each company has 50 good rows, ten each of 5, 6, 7, 8 and 9: a mean of 7
    for rec_ in report.to_records():
        assert rec_["total"] == 7.0
        assert rec_["sources"] == {"authority": 0.7, "peer": None}


# --------------------------------------------------------------------------- the summary line

SUMMARY_RUBRIC = """
sources:
  authority: {label: {en: A}, weight: 1, quorum: 2, when_short: not_rated}
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
levels:
  - {stars: 1, min_total: 5}
  - {stars: 2, min_total: 8}
"""


def test_summary_line_counts_not_rated_companies_apart() -> None:
    """The table's summary counts not-rated companies as not rated, never as 0★."""
    rows = []
    for c, values in {"a": (9, 9), "b": (6, 6), "c": (1, 2), "d": (7,), "e": (3,)}.items():
        rows += [rec(c, "authority", f"r{k}", "s", v) for k, v in enumerate(values)]
    report = run(load(SUMMARY_RUBRIC), rows, companies=["a", "b", "c", "d", "e", "f"])
    summary = report.table().splitlines()[-1]
    assert summary == "6 companies: 2★ 1, 1★ 1, 0★ 1; not rated 3"
    assert [report.stars[c] for c in "abcdef"] == [2, 1, 0, None, None, None]


# --------------------------------------------------------------------------- encodings

ENC_HEADER = "company,source,rater,indicator,value,note\n"


def test_gb18030_characters_that_gbk_lacks_are_read(tmp_path: Path) -> None:
    """A GB18030 file with characters GBK cannot hold ('𠀀' U+20000, '€') reads them exactly."""
    text = ENC_HEADER + "𠀀物業,authority,評委€,s,6,費用€5\n"
    data = text.encode("gb18030")
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    path = tmp_path / "gb18030.csv"
    path.write_bytes(data)
    ratings = rp.Ratings.from_csv(path)
    assert ratings.company_labels.tolist() == ["𠀀物業"]
    assert ratings.rater_labels.tolist() == ["評委€"]
    assert ratings.note is not None and ratings.note.tolist() == ["費用€5"]
    report = rp.evaluate(load(ONE_SOURCE, RUBRIC), ratings)
    assert report.to_records()[0]["company"] == "𠀀物業"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_bom_never_sticks_to_the_first_header(tmp_path: Path, encoding: str) -> None:
    """A byte-order mark before the header is not part of the first column's name."""
    path = tmp_path / "r.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (ENC_HEADER + "公司,authority,r,s,6,\n").encode("utf-8")
                     if encoding == "utf-8-sig" else
                     "\ufeff".encode("gb18030") + (ENC_HEADER + "公司,authority,r,s,6,\n"
                                                   ).encode("gb18030"))
    ratings = rp.Ratings.from_csv(path)
    assert ratings.company_labels.tolist() == ["公司"]
    assert ratings.row.tolist() == [2]


# --------------------------------------------------------------------------- located errors


def test_duplicate_key_names_the_line_of_its_first_use() -> None:
    """A repeated nested key is reported at its second line, naming the line of the first."""
    text = ('id: t\nversion: "1"\ntitle: {en: T}\n'
            "sources:\n"
            "  authority:\n"
            "    label: {en: A}\n"          # line 6
            "    weight: 1\n"               # line 7
            "    quorum: 1\n"               # line 8
            "    weight: 2\n")              # line 9
    with pytest.raises(rp.RubricError) as info:
        rp.load_rubric(text)
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (9, 5)
    assert problem.path == "sources.authority.weight"
    assert "duplicate key 'weight' (first at line 7)" in problem.message


def test_every_duplicate_key_points_at_its_own_first_line() -> None:
    """Two different repeated keys each name the line of their own first use."""
    text = ('id: t\nversion: "1"\n'
            "title: {en: T}\n"          # line 3
            "notes: [a]\n"              # line 4
            "title: {en: U}\n"          # line 5
            "notes: [b]\n")             # line 6
    with pytest.raises(rp.RubricError) as info:
        rp.load_rubric(text)
    found = {p.path: (p.line, p.message) for p in info.value.problems}
    assert found["title"] == (5, "duplicate key 'title' (first at line 3); keep one")
    assert found["notes"] == (6, "duplicate key 'notes' (first at line 4); keep one")


def test_json_with_thousands_of_dropped_rows_ignores_the_row_order() -> None:
    """With more dropped rows than are listed, the listed ones are the first of the input (by row
    number), so shuffling the rows leaves to_json() byte for byte alike."""
    ratings, _, _ = _accounting_ratings()
    rubric = load(ACCOUNT_RUBRIC)
    first = rp.evaluate(rubric, ratings).to_json()
    shuffled = ratings.take(np.random.default_rng(9).permutation(len(ratings)))
    assert rp.evaluate(rubric, shuffled).to_json() == first
    listed = json.loads(first)["dropped"]
    assert [p["row"] for p in listed] == sorted(p["row"] for p in listed)
    # each reason lists its 50 lowest row numbers, then one line at its highest row
    marks = {"unknown indicator": "unknown indicator", "out of range": "is outside",
             "self-rating": "self-rating:", "unknown source": "unknown source"}
    rows_of_reason = {why: sorted(int(r) for r in ratings.row[_rows_with(ratings, why)])
                      for why in marks}
    for why, mark in marks.items():
        shown = [p["row"] for p in listed if p["message"].startswith(mark)
                 or (mark == "is outside" and mark in p["message"])]
        assert shown == rows_of_reason[why][:50]
        (more,) = [p for p in listed if p["message"].endswith(f"more rows: {why}")]
        assert more["row"] == rows_of_reason[why][-1]


def _rows_with(ratings: rp.Ratings, why: str) -> np.ndarray:
    """Positions of the rows built to be dropped for ``why`` (see _accounting_ratings)."""
    source = ratings.source_labels[ratings.source]
    indicator = ratings.indicator_labels[ratings.indicator]
    if why == "unknown indicator":
        return np.flatnonzero(indicator == "nope")
    if why == "unknown source":
        return np.flatnonzero(source == "panel")
    if why == "self-rating":
        return np.flatnonzero(source == "peer")
    return np.flatnonzero((source == "authority") & (indicator == "s") & (ratings.value > 10))


@pytest.mark.parametrize("lead", LEADING)
def test_excel_stores_every_formula_looking_text_as_text(tmp_path: Path, lead: str) -> None:
    """Every text cell of every sheet that starts like a formula (company, name, district,
    rubric version, a dropped row's file) is stored as quoted text and reads back as written."""
    openpyxl = pytest.importorskip("openpyxl")
    evil = f"{lead}SUM(A1:A9)"
    rubric = rp.load_rubric(f'id: t\nversion: "{lead.encode("unicode_escape").decode()}1"\n'
                            "title: {en: T}\ninput: {invalid_rows: drop}\n" + ONE_SOURCE + RUBRIC)
    table = {"ok": evil, evil: "plain"}
    ratings = rp.Ratings.from_records(
        [rec("ok", "authority", "r", "s", 6), rec("ok", "authority", "r", "nope", 1)],
        origin=evil)
    report = rp.evaluate(rubric, ratings, companies=table)
    report.to_excel(tmp_path / "r.xlsx")
    workbook = openpyxl.load_workbook(tmp_path / "r.xlsx")
    # XML reads a carriage return back as a line feed: still text, never a formula
    read_lead = "\n" if lead == "\r" else lead
    risky = [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row
             if isinstance(cell.value, str) and cell.value[:1] in (*LEADING, "\n")]
    values = {cell.value for cell in risky}
    assert {f"{read_lead}SUM(A1:A9)", f"{read_lead}1"} <= values
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in risky)
