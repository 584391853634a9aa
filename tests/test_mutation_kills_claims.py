"""The claims and companies tables: where their problems are said to be, what an empty
stars cell says, and that a list without names or districts invents none; behaviour that
mutation testing found unguarded."""

from __future__ import annotations

from pathlib import Path

import pytest

import red_property as rp

from .conftest import EXAMPLE, SHANYANG

RATINGS = EXAMPLE / "ratings.csv"


@pytest.mark.parametrize("empty", [None, float("nan"), "", "  "])
def test_an_empty_stars_cell_is_said_to_be_empty(empty: object) -> None:
    """A claim whose stars are missing (None, NaN or blank text) "is empty", at its row."""
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(SHANYANG, RATINGS, claims={"sy-01": 3, "sy-02": empty})
    assert [str(p) for p in info.value.problems] == [
        "<claims>: row 2, column stars: stars is empty"]


@pytest.mark.parametrize(("companies", "origin"), [
    ({"sy-01": "甲", "": "乙"}, "<companies>"),
    (["sy-01", ""], "<companies>"),
])
def test_companies_problems_name_their_origin(companies: object, origin: str) -> None:
    """A bad companies mapping or list names "<companies>" and the row of the bad entry."""
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(SHANYANG, RATINGS, companies=companies)  # type: ignore[arg-type]
    assert info.value.file == origin
    assert [str(p) for p in info.value.problems] == [
        f"{origin}: row 2, column company: empty company id"]


def test_companies_file_problems_name_the_file(tmp_path: Path) -> None:
    """A companies file listing a company twice is refused, naming the file and both rows."""
    f = tmp_path / "companies.csv"
    f.write_text("company,name\nsy-01,甲\nsy-01,乙\n", encoding="utf-8")
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(SHANYANG, RATINGS, companies=f)
    assert info.value.file == str(f)
    assert [str(p) for p in info.value.problems] == [
        f"{f}: row 3, column company: 'sy-01' is listed twice (first at row 2)"]


def test_a_companies_table_invents_no_names_or_districts(tmp_path: Path) -> None:
    """Ids alone, a mapping of names, or a file with only ids give no district and (but for
    the mapping) no name; the report keeps where the list came from."""
    ids = [f"sy-{k:02d}" for k in range(1, 41)]
    f = tmp_path / "companies.csv"
    f.write_text("company\n" + "\n".join(ids) + "\n", encoding="utf-8")
    for given, origin in ((ids, "<companies>"), ({i: "甲" for i in ids}, "<companies>"),
                          (f, str(f))):
        report = rp.evaluate(SHANYANG, RATINGS, companies=given)  # type: ignore[arg-type]
        assert report.company_table is not None and report.company_table.origin == origin
        assert dict(report.districts) == {}
        assert dict(report.names) == ({i: "甲" for i in ids} if isinstance(given, dict) else {})


def test_claims_problems_are_all_listed_where_they_are() -> None:
    """Every bad claim of a mapping or a sequence is listed, at its row, as "<claims>": empty
    or bytes ids, entries that are no (company, stars) pair or record (a two-letter string, a
    number, a record without stars), long entries shortened to 80 characters."""
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(SHANYANG, RATINGS, claims={"": 3, b"sy-01": 2, "sy-02": 1})  # type: ignore[dict-item]
    assert info.value.file == "<claims>"
    assert [str(p) for p in info.value.problems] == [
        "<claims>: row 1, column company: empty company id",
        "<claims>: row 2, column company: bytes b'sy-01' where text is expected: decode the "
        "ids first"]
    long = "x" * 200
    given = [("sy-01", 3), "ab", 5, {"company": "sy-02"}, long]
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(SHANYANG, RATINGS, claims=given)  # type: ignore[arg-type]
    assert info.value.file == "<claims>"
    head = "<claims>: row {}: a claim is a (company, stars) pair or a record with the fields " \
           "company and stars, not {}"
    assert [str(p) for p in info.value.problems] == [
        head.format(2, "'ab'"), head.format(3, "5"), head.format(4, "{'company': 'sy-02'}"),
        head.format(5, repr(long)[:80])]


def test_claims_keep_where_they_came_from(tmp_path: Path) -> None:
    """The report's claims remember their origin: "<claims>" for a mapping or pairs, the
    file's name for a file."""
    f = tmp_path / "claims.csv"
    f.write_text("company,stars\nsy-12,3\n", encoding="utf-8")
    for given, origin in (({"sy-12": 3}, "<claims>"), ([("sy-12", 3)], "<claims>"),
                          (f, str(f))):
        report = rp.evaluate(SHANYANG, RATINGS, claims=given)  # type: ignore[arg-type]
        assert report.claims is not None and report.claims.origin == origin


def test_every_bad_claim_is_listed_after_a_bad_stars_cell() -> None:
    """A claim whose stars are not a number does not hide a later company claiming twice:
    both are listed, at their rows, as "<claims>"."""
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(SHANYANG, RATINGS, claims=[("sy-01", "x"), ("sy-02", 3), ("sy-02", 2)])
    assert [str(p) for p in info.value.problems] == [
        "<claims>: row 1, column stars: stars must be a whole number, not 'x'",
        "<claims>: row 3, column company: 'sy-02' claims twice (first at row 2)"]
