"""Every reason a ratings row is refused or dropped, each with its exact message, row and
column, under both input policies; and the CSV, claims and companies readers' messages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import red_property as rp

from .fixtures import load, rec

SOURCES = """
sources:
  authority: {label: {en: A}, weight: 0.5}
  association: {label: {en: B}, weight: 0.3, covers: [s, c]}
  peer: {label: {en: P}, weight: 0.2, peer: true}
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
      o: {label: {en: O}, kind: options, options: {none: 0, applied: 3, approved: 5}}
      c: {label: {en: C}, kind: check, points: 2}
      m: {label: {en: M}, kind: measure, points: 5, goalposts: {worst: 0, best: 100}}
levels:
  - {stars: 1, min_total: 1}
"""

ROWS = [
    rec("a", "authority", "a1", "s", 5),  # 1 kept
    rec("a", "panel", "x1", "s", 5),  # 2
    rec("a", "authority", "a1", "zz", 5),  # 3
    rec("a", "authority", "a1", "o", "maybe"),  # 4
    rec("a", "association", "b1", "o", 1),  # 5
    rec("a", "authority", "a3", "s", 11),  # 6
    rec("a", "authority", "a4", "c", 0.5),  # 7
    rec("a", "authority", "a1", "s", 6),  # 8
    rec("a", "association", "a5", "s", 5), rec("a", "authority", "a5", "c", 1),  # 9, 10
    rec("a", "peer", "p1", "s", 5),  # 11
    rec("a", "peer", "p2", "s", 5, rater_company="a"),  # 12
    rec("a", "authority", "a6", "m", 2e15),  # 13
    rec("b", "authority", "a1", "o", "applied"),  # 14 kept: an option's key
    rec("ghost", "authority", "a1", "s", 5),  # 15
    rec("b", "peer", "p3", "s", 4, rater_company="a"),  # 16 kept
]

MESSAGES = [
    (2, "source", "unknown source 'panel'; the rubric's sources are authority, association, "
                  "peer"),
    (3, "indicator", "unknown indicator 'zz'; check the rubric's indicator ids"),
    (4, "value", "value 'maybe' is not a number or an option of 'o': none, applied, approved"),
    (5, "indicator", "source 'association' does not rate indicator 'o' (see the source's "
                     "`covers`)"),
    (6, "value", "value 11 is outside 0 to 10 for indicator 's'"),
    (7, "value", "value 0.5 must be a whole number for indicator 'c'"),
    (8, "rater", "rater 'a1' rated company 'a' on 's' twice; keep one row"),
    (9, "rater", "rater 'a5' appears in more than one source; a rater belongs to one source"),
    (10, "rater", "rater 'a5' appears in more than one source; a rater belongs to one source"),
    (11, "rater_company", "peer rating without rater_company: name the company the rater "
                          "belongs to"),
    (12, "rater", "self-rating: rater 'p2' belongs to 'a', the company rated"),
    (13, "value", "value 2e+15 is too large: values lie within ±1e15"),
    (15, "company", "unknown company 'ghost'; it is not in the companies table"),
]


def test_every_reason_is_dropped_with_its_message_under_drop() -> None:
    """With `invalid_rows: drop` each bad row is dropped, listed at its row and column with its
    message, and counted under its reason; the good rows are scored."""
    rubric = load("input: {invalid_rows: drop}\n", SOURCES)
    report = rp.evaluate(rubric, rp.Ratings.from_records(ROWS), companies=["a", "b"])
    assert [(p.row, p.path, p.message) for p in report.dropped] == MESSAGES
    assert all(p.file == "<records>" for p in report.dropped)
    assert report.dropped_by_reason == {
        "unknown source": 1, "unknown indicator": 1, "unknown company": 1,
        "source does not rate indicator": 1, "not a number": 1, "out of range": 1,
        "not a whole number": 1, "duplicate": 1, "rater in two sources": 2,
        "peer rating without rater_company": 1, "self-rating": 1, "too large": 1}
    assert (report.rows_read, report.rows_used) == (16, 3)
    recs = {r["company"]: r for r in report.to_records()}
    # a: authority's s = 5 alone (peer rows all dropped); b: o "applied" 3 and peer's s = 4
    assert recs["a"]["dimensions"] == {"d": 5.0}
    assert recs["b"]["dimensions"] == {"d": 7.0}


def test_every_reason_is_an_error_under_error() -> None:
    """With `invalid_rows: error` (the default) one RatingsError lists every bad row but the
    self-rating, which `self_ratings: drop` still drops."""
    rubric = load(SOURCES)
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(rubric, rp.Ratings.from_records(ROWS), companies=["a", "b"])
    got = [(p.row, p.path, p.message) for p in info.value.problems]
    # an error names a rater in two sources once, with all its rows
    expected = [m for m in MESSAGES if m[0] not in (9, 10, 12)]
    expected.insert(7, (9, "rater", "rater 'a5' appears in more than one source; a rater "
                                    "belongs to one source (rows 9, 10)"))
    assert got == expected
    assert str(info.value).splitlines()[1].strip() == (
        "<records>: row 2, column source: unknown source 'panel'; the rubric's sources are "
        "authority, association, peer")


def test_self_ratings_policy_error_refuses_them() -> None:
    """`self_ratings: error` makes a self-rating an error of its own."""
    rubric = load("input: {self_ratings: error}\n", SOURCES)
    rows = [rec("a", "peer", "p2", "s", 5, rater_company="a"), rec("a", "authority", "a", "s", 4)]
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(rubric, rp.Ratings.from_records(rows))
    assert [(p.row, p.path) for p in info.value.problems] == [(1, "rater")]


def test_infinite_number_is_not_finite() -> None:
    """A numeric infinity (from numpy columns) is refused as not finite, at its row."""
    rubric = load(SOURCES)
    ratings = rp.Ratings.from_columns(company=["a", "a"], source=["authority"] * 2,
                                      rater=["r1", "r2"], indicator=["s", "s"],
                                      value=np.array([4.0, -np.inf]))
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(rubric, ratings)
    assert [(p.row, p.path, p.message) for p in info.value.problems] == [
        (2, "value", "value -inf is not a finite number")]


def test_values_on_the_edges_of_the_domain_are_kept() -> None:
    """0 and the indicator's points are valid, as are 0 and 1 for a check, and the first and
    last option."""
    rubric = load(SOURCES)
    rows = [rec("a", "authority", "r", "s", 0), rec("b", "authority", "r", "s", 10),
            rec("a", "authority", "r", "c", 0), rec("b", "authority", "r", "c", 1),
            rec("a", "authority", "r", "o", "approved"), rec("b", "authority", "r", "o", "none"),
            rec("a", "authority", "r", "m", -1e15), rec("b", "authority", "r", "m", 1e15)]
    report = rp.evaluate(rubric, rp.Ratings.from_records(rows))
    assert report.rows_used == 8
    recs = {r["company"]: r for r in report.to_records()}
    # a: s 0 + c 0 + o approved 5 + m 0; b: s 10 + c 2 + o none 0 + m 5
    assert (recs["a"]["dimensions"], recs["b"]["dimensions"]) == ({"d": 5.0}, {"d": 17.0})


def test_more_than_fifty_problems_of_one_reason() -> None:
    """An error lists 50 rows of a reason and one line for the rest, at the last row."""
    rubric = load(SOURCES)
    rows = [rec("a", "authority", f"r{k}", "s", 20 + k) for k in range(53)]
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(rubric, rp.Ratings.from_records(rows))
    problems = info.value.problems
    assert len(problems) == 51
    assert [p.row for p in problems[:50]] == list(range(1, 51))
    assert (problems[50].row, problems[50].path, problems[50].message) == (
        53, "value", "... and 3 more rows: out of range")


# --------------------------------------------------------------------------- readers


def test_csv_reader_messages(tmp_path: Path) -> None:
    """Header and row problems of a ratings CSV, all at once, each at its line."""
    bad = tmp_path / "bad.csv"
    bad.write_text("company,source,rater,value,extra,extra\n", encoding="utf-8")
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_csv(bad)
    assert [str(p) for p in info.value.problems] == [
        f"{bad}: row 1, column indicator: missing column 'indicator'; the header needs company, "
        "source, rater, indicator, value",
        f"{bad}: row 1, column extra: unknown column 'extra'; columns are company, source, "
        "rater, indicator, value, rater_company, note",
        f"{bad}: row 1, column extra: unknown column 'extra'; columns are company, source, "
        "rater, indicator, value, rater_company, note",
        f"{bad}: row 1, column extra: column 'extra' appears 2 times; keep one",
    ]
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("company,source,rater,indicator,value\na,authority,r,s,1\n\n"
                      "a,authority,r,s\nb,authority,r,s,1,9\n", encoding="utf-8")
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_csv(ragged)
    assert [(p.row, p.message) for p in info.value.problems] == [
        (4, "4 fields, the header has 5"), (5, "6 fields, the header has 5")]
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(rp.RatingsError, match="the file is empty; it needs a header row"):
        rp.Ratings.from_csv(empty)
    with pytest.raises(rp.RatingsError, match="cannot read: No such file or directory"):
        rp.Ratings.from_csv(tmp_path / "missing.csv")


def test_csv_reader_keeps_line_numbers_and_trims_ids(tmp_path: Path) -> None:
    """Row numbers are the file's lines (blank lines skipped); ids lose surrounding blanks."""
    path = tmp_path / "r.csv"
    path.write_text(" company , source,rater,indicator,value\n\n a ,authority,r,s,1\n"
                    "\n , , , , \nb,authority, r ,s,2\n", encoding="utf-8")
    ratings = rp.Ratings.from_csv(path)
    assert ratings.row.tolist() == [3, 6]
    assert ratings.company_labels.tolist() == ["a", "b"]
    assert ratings.rater_labels.tolist() == ["r"]
    assert ratings.value.tolist() == [1.0, 2.0]


def test_columns_of_different_lengths_and_empty_ids() -> None:
    """from_columns refuses columns of different lengths, and names each empty id's row."""
    with pytest.raises(rp.RatingsError, match=r"columns differ in length: \{'company': 2, "
                       r"'source': 1, 'rater': 2, 'indicator': 2, 'value': 2\}"):
        rp.Ratings.from_columns(company=["a", "b"], source=["x"], rater=["r", "r"],
                                indicator=["s", "s"], value=[1, 2])
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_columns(company=["a", " ", "b"], source=["x", "x", ""],
                                rater=["r", "r", "r"], indicator=["s", "s", "s"],
                                value=[1, 2, 3])
    assert [(p.row, p.path, p.message) for p in info.value.problems] == [
        (2, "company", "empty; every rating names its company"),
        (3, "source", "empty; every rating names its source")]


def test_claims_and_companies_messages(tmp_path: Path) -> None:
    """Claims: a company claiming twice and a claim for an unknown company or level are located;
    companies: an empty or repeated id is located."""
    rubric = load(SOURCES)
    ratings = rp.Ratings.from_records([rec("a", "authority", "r", "s", 5)])
    claims = tmp_path / "claims.csv"
    claims.write_text("company,stars\na,1\na,1\nz,1\n", encoding="utf-8")
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(rubric, ratings, claims=claims)
    assert [(p.row, p.message) for p in info.value.problems] == [
        (3, "'a' claims twice (first at row 2)")]
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(rubric, ratings, claims=[("z", 1), ("a", 4)])
    assert [(p.row, p.path, p.message) for p in info.value.problems] == [
        (1, "company", "unknown company 'z': it has no ratings"),
        (2, "stars", "4 is not a level of the rubric (0, 1)")]
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(rubric, ratings, claims={"a": True})
    assert info.value.problems[0].message == (
        "stars must be a whole number: True is a boolean; give 1 (yes) or 0 (no)")
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(rubric, ratings, companies=["a", " ", "a"])
    assert [(p.row, p.path, p.message) for p in info.value.problems] == [
        (2, "company", "empty company id"),
        (3, "company", "'a' is listed twice (first at row 1)")]
    report = rp.evaluate(rubric, ratings, claims={"a": 0})
    assert report.to_records()[0]["claimed"] == 0
