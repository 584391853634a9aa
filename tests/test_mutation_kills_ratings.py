"""What Ratings carry along: notes through records, frames, take() and with_values(), the
cells that held text, the origin; behaviour that mutation testing found unguarded."""

from __future__ import annotations

import numpy as np
import pytest

import red_property as rp

from .fixtures import rec


def _ratings() -> rp.Ratings:
    rows = [rec("a", "s", "r1", "x", 5), rec("b", "s", "r1", "x", "good"),
            rec("c", "s", "r2", "x", 7)]
    rows[0]["note"] = "checked on site"
    rows[1]["note"] = None
    return rp.Ratings.from_records(rows, origin="<mine>")


def test_notes_of_records_are_kept_and_a_missing_one_is_empty() -> None:
    """A record's note is kept as text; a note of None, or none at all, is "" (never "None");
    without any note the ratings hold none."""
    r = _ratings()
    assert r.note is not None and r.note.tolist() == ["checked on site", "", ""]
    assert rp.Ratings.from_records([rec("a", "s", "r", "x", 1)]).note is None


def test_take_and_with_values_keep_notes_text_and_origin() -> None:
    """take() keeps each row's note, text and origin; with_values() keeps the notes and origin,
    and keeps a cell's text only where the new value is missing."""
    r = _ratings()
    t = r.take(np.array([2, 0]))
    assert t.note is not None and t.note.tolist() == ["", "checked on site"]
    assert t.origin == "<mine>" and t.row.tolist() == [3, 1]
    w = r.with_values(np.array([1.0, np.nan, 3.0]))
    assert w.note is not None and w.note.tolist() == r.note.tolist()
    assert w.origin == "<mine>" and w.value.dtype == np.float64
    assert r.text is not None and r.text.tolist() == ["", "good", ""]
    assert w.text is not None and w.text.tolist() == ["", "good", ""]
    w2 = r.with_values(np.array([1.0, 2.0, 3.0]))
    assert w2.text is not None and w2.text.tolist() == ["", "", ""]
    with pytest.raises(ValueError, match=r"^expected 3 values, got 2$"):
        r.with_values(np.array([1.0, 2.0]))


def test_a_frames_notes_and_origin_are_kept() -> None:
    """A frame's note column becomes the ratings' notes; its problems name "<frame>"."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"company": ["a"], "source": ["s"], "rater": ["r"], "indicator": ["x"],
                          "value": [1], "note": ["on site"]})
    r = rp.Ratings.from_frame(frame)
    assert r.note is not None and r.note.tolist() == ["on site"] and r.origin == "<frame>"
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_frame(frame.drop(columns="rater"))
    assert info.value.file == "<frame>"


def test_bad_records_are_located_by_row_column_and_origin() -> None:
    """Each kind of bad record is one problem at its first row, in its column, naming the
    origin, with the other rows listed only when there are some: records that are not
    mappings, a missing field, an unknown and a misspelled one."""
    good = {"company": "a", "source": "s", "rater": "r", "indicator": "x", "value": 1}
    records = [good, 7, 8, {k: v for k, v in good.items() if k != "value"},
               {**good, "extra": 1}, {**good, "extra": 2}, {**good, "Rater": "q"}, "x"]
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_records(records, origin="<svc>")  # type: ignore[arg-type]
    assert info.value.file == "<svc>"
    head = "a record is a mapping of company, source, rater, indicator, value to their cells"
    assert [str(p) for p in info.value.problems] == [
        f"<svc>: row 2: {head}, not a int (rows 2, 3)",
        "<svc>: row 4, column value: missing value",
        "<svc>: row 5, column extra: unknown field 'extra'; fields are company, source, rater, "
        "indicator, value, rater_company, note (rows 5, 6)",
        "<svc>: row 7, column Rater: field 'Rater' should be named 'rater' (names are lower "
        "case, words joined by _); rename it",
        f"<svc>: row 8: {head}, not a str"]


_COLS = {"company": ["a", "b"], "source": ["s", "s"], "rater": ["r", "r"],
         "indicator": ["x", "x"], "value": [1, 2]}


def test_columns_of_unequal_length_are_named_with_their_lengths() -> None:
    """Columns of different lengths are one problem naming every column's length, the optional
    ones included, at the columns' origin."""
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_columns(**_COLS, rater_company=["", "", ""], note=["n", "m"],
                                row=[5, 6], origin="<mine>")
    assert info.value.file == "<mine>"
    assert [str(p) for p in info.value.problems] == [
        "<mine>: columns differ in length: {'company': 2, 'source': 2, 'rater': 2, "
        "'indicator': 2, 'value': 2, 'rater_company': 3, 'note': 2, 'row': 2}"]


def test_row_numbers_and_ids_are_refused_at_the_origin() -> None:
    """Row numbers that are not whole numbers, and a bad id, are refused naming the origin;
    given row numbers are the rows problems point at."""
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_columns(**_COLS, row=["x", "y"], origin="<mine>")
    assert (info.value.file, [str(p) for p in info.value.problems]) == (
        "<mine>", ["<mine>: row: row numbers must be whole numbers"])
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_columns(**{**_COLS, "company": ["a", ""]}, row=[10, 11], origin="<mine>")
    assert [str(p) for p in info.value.problems] == [
        "<mine>: row 11, column company: empty; every rating names its company"]
    assert rp.Ratings.from_columns(**_COLS).row.dtype == np.int64


def test_a_mapping_of_columns_with_wrong_names_is_refused_at_columns() -> None:
    """evaluate() on a mapping of columns names its unknown, misspelled and missing columns,
    each at "<columns>" and in its column, and no column that is merely misspelled as missing."""
    bad = {**{k: v for k, v in _COLS.items() if k not in ("rater", "value")},
           "Rater": ["r", "r"], "extra": [0, 0]}
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(rp.bundled_rubric("shanyang-red-property-2019"), bad)
    assert info.value.file == "<columns>"
    assert [str(p) for p in info.value.problems] == [
        "<columns>: Rater: column 'Rater' should be named 'rater' (names are lower case, words "
        "joined by _); rename it",
        "<columns>: extra: unknown column 'extra'; columns are company, source, rater, "
        "indicator, value, rater_company, note",
        "<columns>: value: missing column 'value'"]


def test_a_bad_rater_company_is_refused_in_its_column() -> None:
    """A rater_company holding a line break is refused at its row, in its column, naming the
    origin; a value of another type than the accepted ones names that type."""
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_columns(**_COLS, rater_company=["", "sy\n02"], origin="<mine>")
    assert [(p.file, p.row, p.path) for p in info.value.problems] == [
        ("<mine>", 2, "rater_company")]
    with pytest.raises(TypeError, match=r"or a mapping of columns, not int$"):
        rp.evaluate(rp.bundled_rubric("shanyang-red-property-2019"), 42)  # type: ignore[arg-type]


def test_with_values_makes_floats_and_keeps_no_text_when_none_was_held() -> None:
    """with_values() of whole numbers stores floats; ratings that held no text keep none."""
    r = rp.Ratings.from_columns(**_COLS)
    assert r.text is None
    w = r.with_values(np.array([3, 4]))
    assert w.value.dtype == np.float64 and w.value.tolist() == [3.0, 4.0] and w.text is None


def test_a_column_that_is_no_sequence_is_refused_by_name() -> None:
    """A column given as one text (not a sequence of cells) is refused naming the column, the
    row numbers too, at the origin."""
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_columns(**{**_COLS, "company": "ab"}, origin="<mine>")
    assert [str(p) for p in info.value.problems] == [
        "<mine>: company: column company must be a sequence of cells, not str"]
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_columns(**_COLS, row="12", origin="<mine>")
    assert info.value.file == "<mine>"
    assert [str(p) for p in info.value.problems] == [
        "<mine>: row: column row must be a sequence of cells, not str"]
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_columns(**{**_COLS, "company": ["a", ""]}, origin="<mine>")
    assert info.value.file == "<mine>"
