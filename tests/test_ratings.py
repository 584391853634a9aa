"""Ratings input: every constructor, encodings, and located problems."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import red_property as rp
from red_property._claims_companies import read_claims
from red_property._codes import factorize

from .conftest import SHANYANG

HEADER = "company,source,rater,indicator,value,rater_company\n"
ROWS = ("山陽-01,authority,a1,six_haves,1,\n"
        "山陽-01,peer,p2,reputation,7.5,山陽-02\n"
        "山陽-02,peer,p1,reputation,6,山陽-01\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    """UTF-8 with or without BOM and GB18030/GBK files read to the same ratings."""
    f = tmp_path / "r.csv"
    f.write_bytes((HEADER + ROWS).encode(encoding))
    r = rp.Ratings.from_csv(f)
    assert len(r) == 3
    assert r.company_labels.tolist() == ["山陽-01", "山陽-02"]
    assert r.row.tolist() == [2, 3, 4]
    assert r.rater_company.tolist()[0] == -1


def test_csv_undecodable_is_located(tmp_path: Path) -> None:
    """Bytes that are neither UTF-8 nor GB18030 give a RatingsError naming the file."""
    f = tmp_path / "r.csv"
    f.write_bytes(HEADER.encode() + b"\x80\xff\xfe,authority,a,b,1,\n")
    with pytest.raises(rp.RatingsError, match="cannot decode"):
        rp.Ratings.from_csv(f)


def test_csv_header_and_ragged_rows(tmp_path: Path) -> None:
    """A missing column and a ragged row are reported with their row numbers, all at once."""
    f = tmp_path / "r.csv"
    f.write_text("company,source,rater,value\n", encoding="utf-8")
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_csv(f)
    assert [p.path for p in info.value.problems] == ["indicator"]
    f.write_text(HEADER + "a,authority,r,six_haves,1\n" + ROWS, encoding="utf-8")
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_csv(f)
    assert str(info.value.problems[0]) == f"{f}: row 2: 5 fields, the header has 6"


def test_columns_records_and_frame_agree() -> None:
    """from_columns, from_records and from_frame build the same evaluation."""
    pd = pytest.importorskip("pandas")
    records = [
        {"company": "a", "source": "authority", "rater": "r1", "indicator": "six_haves",
         "value": 1},
        {"company": "b", "source": "authority", "rater": "r1", "indicator": "six_haves",
         "value": 0},
    ]
    a = rp.Ratings.from_records(records)
    b = rp.Ratings.from_columns(**{k: [r[k] for r in records] for k in records[0]})
    c = rp.Ratings.from_frame(pd.DataFrame(records))
    for x in (b, c):
        assert x.company_labels.tolist() == a.company_labels.tolist()
        assert np.array_equal(x.value, a.value)
        assert np.array_equal(x.indicator, a.indicator)


def test_records_missing_and_unknown_fields() -> None:
    """A record without a value or with an unknown field is a RatingsError with its row."""
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_records([{"company": "a", "source": "s", "rater": "r",
                                  "indicator": "i", "valu": 1}])
    messages = [str(p) for p in info.value.problems]
    assert messages == ["<records>: row 1, column value: missing value",
                        "<records>: row 1, column valu: unknown field 'valu'; fields are "
                        "company, source, rater, indicator, value, rater_company, note"]


def test_blank_company_is_an_error() -> None:
    """An empty company id is refused with its row (not silently a company called '')."""
    with pytest.raises(rp.RatingsError, match="row 2, column company: empty"):
        rp.Ratings.from_columns(company=["a", " "], source=["s", "s"], rater=["r", "r"],
                                indicator=["i", "i"], value=[1, 1])


def test_factorize_matches_unique() -> None:
    """factorize gives np.unique's labels and codes that rebuild the column, in any order."""
    rng = np.random.default_rng(0)
    col = np.array([f"c{k}" for k in rng.integers(0, 50, 5000)])
    for values in (col, np.sort(col), np.tile(col[:60], 80)):
        codes, labels = factorize(values)
        assert np.array_equal(labels, np.unique(values))
        assert np.array_equal(labels[codes], values)


def test_take_keeps_row_numbers() -> None:
    """A subset of ratings keeps the input's row numbers, so problems still point at them."""
    r = rp.Ratings.from_columns(company=["a", "b", "c"], source=["s"] * 3, rater=["r"] * 3,
                                indicator=["i"] * 3, value=[1, 2, 3], row=[10, 11, 12])
    assert r.take(np.array([2, 0])).row.tolist() == [12, 10]


def test_claims_problems_are_located(tmp_path: Path) -> None:
    """A claim that is not a whole number, or a company claiming twice, is located."""
    f = tmp_path / "c.csv"
    f.write_text("company,stars\na,3\na,2\nb,x\n", encoding="utf-8")
    with pytest.raises(rp.RatingsError) as info:
        read_claims(f)
    assert [(p.row, p.path) for p in info.value.problems] == [(3, "company"), (4, "stars")]


def test_claim_for_unknown_company_or_level(tmp_path: Path) -> None:
    """evaluate refuses a claim for a company without ratings or for a level not in the
    rubric."""
    ratings = rp.Ratings.from_records([{"company": "a", "source": "authority", "rater": "r",
                                        "indicator": "six_haves", "value": 1}])
    rubric = rp.load_rubric(SHANYANG)
    with pytest.raises(rp.RatingsError, match="unknown company 'zz'"):
        rp.evaluate(rubric, ratings, claims={"zz": 3})
    with pytest.raises(rp.RatingsError, match="7 is not a level of the rubric"):
        rp.evaluate(rubric, ratings, claims={"a": 7})


def test_frame_numeric_ids_keep_self_ratings_out() -> None:
    """Numeric ids read by pandas (a rater_company column with blanks becomes float) still
    match their company, so a self-rating is dropped as from CSV."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({
        "company": [101, 101, 102],
        "source": ["peer", "peer", "peer"],
        "rater": ["p101", "p102", "p101"],
        "indicator": ["reputation"] * 3,
        "value": [10.0, 5.0, 6.0],
        "rater_company": [101.0, 102.0, 101.0],
    })
    frame.loc[3] = [102, "authority", "a1", "six_haves", 1.0, float("nan")]
    r = rp.Ratings.from_frame(frame)
    assert r.company_labels.tolist() == ["101", "102"]
    report = rp.evaluate(SHANYANG, r)
    assert report.dropped_by_reason == {"self-rating": 1}


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_missing_ids_are_reported_not_merged(missing: object) -> None:
    """A missing company id (None, NaN) is an error with its row, never a company 'nan'."""
    with pytest.raises(rp.RatingsError, match=r"row 2, column company: (empty|missing)"):
        rp.Ratings.from_records([
            {"company": "a", "source": "s", "rater": "r", "indicator": "i", "value": 1},
            {"company": missing, "source": "s", "rater": "r", "indicator": "i", "value": 1},
        ])


def test_rater_company_zero_is_an_id() -> None:
    """A rater company whose id is 0 is a company, not a missing value."""
    r = rp.Ratings.from_records([
        {"company": 1, "source": "peer", "rater": "p0", "indicator": "reputation", "value": 5,
         "rater_company": 0},
    ])
    assert r.company_labels[r.rater_company].tolist() == ["0"]


def test_duplicate_header_and_unreadable_field(tmp_path: Path) -> None:
    """A column named twice, or a field larger than the csv module's limit, is located."""
    f = tmp_path / "r.csv"
    f.write_text("company,source,rater,indicator,value,value\n", encoding="utf-8")
    with pytest.raises(rp.RatingsError, match="column 'value' appears 2 times"):
        rp.Ratings.from_csv(f)
    f.write_text(HEADER + "a,authority,r," + "x" * 200_000 + ",1,\n", encoding="utf-8")
    with pytest.raises(rp.RatingsError, match="row 2: not readable as CSV"):
        rp.Ratings.from_csv(f)


def test_claims_refuse_bools_and_extra_fields(tmp_path: Path) -> None:
    """A claim of True is not 1★; a claims row with an extra field is refused; '2.0' is 2."""
    with pytest.raises(rp.RatingsError, match="whole number"):
        read_claims({"a": True})  # type: ignore[dict-item]
    f = tmp_path / "c.csv"
    f.write_text("company,stars\na,3,4\n", encoding="utf-8")
    with pytest.raises(rp.RatingsError, match="row 2: 3 fields, the header has 2"):
        read_claims(f)
    f.write_text("company,stars\na,2.0\n,\n", encoding="utf-8")
    assert read_claims(f).as_dict() == {"a": 2}


def test_with_values_keeps_option_keys() -> None:
    """Replacing values with themselves changes nothing, option keys given as text included."""
    from .conftest import EXAMPLE

    r = rp.Ratings.from_csv(EXAMPLE / "ratings.csv")
    same = rp.evaluate(SHANYANG, r.with_values(r.value.copy()))
    assert same.to_records() == rp.evaluate(SHANYANG, r).to_records()


def test_huge_values_are_refused() -> None:
    """A value beyond ±1e15 on an indicator without a range is an input error, not an overflow."""
    rubric = rp.load_rubric("""
id: t
version: "1"
title: {en: T}
sources: {a: {label: {en: A}, weight: 1}}
dimensions:
  d:
    label: {en: D}
    indicators:
      m: {label: {en: M}, kind: measure, points: 10, goalposts: {worst: 0, best: 100}}
levels:
  - {stars: 1, min_total: 5}
""")
    ratings = rp.Ratings.from_records([
        {"company": "c", "source": "a", "rater": f"r{k}", "indicator": "m", "value": 1e308}
        for k in range(2)])
    with pytest.raises(rp.RatingsError, match="row 1, column value: value 1e\\+308 is too large"):
        rp.evaluate(rubric, ratings)


def test_bundled_rubrics_and_unknown_names() -> None:
    """bundled_rubric loads a shipped rubric by name; an unknown name lists the bundled ones."""
    assert rp.bundled_rubric("shanyang-red-property-2019").id == "shanyang-red-property"
    with pytest.raises(rp.RubricError, match="no bundled rubric 'nope'; bundled: provincial"):
        rp.bundled_rubric("nope")


def test_evaluate_refuses_other_ratings_types() -> None:
    """Ratings must be Ratings, a file path, a data frame, records or columns; anything else is
    a TypeError."""
    with pytest.raises(TypeError, match="ratings must be Ratings, a file path, a data frame"):
        rp.evaluate(SHANYANG, 42)  # type: ignore[arg-type]
