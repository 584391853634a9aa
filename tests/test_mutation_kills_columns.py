"""One input column under the cell grammar: ids of every numpy kind, object columns with the
built-in coder (pyarrow off), typed ids refused at their rows, values of frames read cell by
cell; behaviour that mutation testing found unguarded."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import red_property as rp
from red_property.cells import MAX_ID_LENGTH


def _columns(company: Any, value: Any = None, *, source: Any = None,
             origin: str = "<mine>") -> rp.Ratings:
    n = len(company)
    return rp.Ratings.from_columns(
        company=company, source=["s"] * n if source is None else source, rater=["r"] * n,
        indicator=["x"] * n, value=[1] * n if value is None else value, origin=origin)


def _error(company: Any, **kw: Any) -> rp.RatingsError:
    with pytest.raises(rp.RatingsError) as info:
        _columns(company, **kw)
    return info.value


@pytest.fixture
def no_arrow(monkeypatch: pytest.MonkeyPatch) -> None:
    """The built-in paths: pyarrow switched off."""
    monkeypatch.setenv("RED_PROPERTY_NO_ARROW", "1")


def test_missing_ids_of_an_object_column_are_reported_empty(no_arrow: None) -> None:
    """None and pandas' NA in an id column of mixed objects are empty ids, reported with their
    rows, never a company "None" or "<NA>"."""
    pd = pytest.importorskip("pandas")
    error = _error(np.array(["a", None, 7, pd.NA], dtype=object))
    assert str(error) == ("<mine>: row 2, column company: empty; every rating names its "
                          "company (rows 2, 4)")


def test_unsigned_integer_ids_are_text() -> None:
    """An unsigned integer id column gives the ids as text, sorted as text."""
    r = _columns(np.array([7, 30, 7], dtype=np.uint8))
    assert r.company_labels.tolist() == ["30", "7"] and r.company.tolist() == [1, 0, 1]


def test_whole_float_ids_beyond_int64_keep_their_digits() -> None:
    """Whole-number float ids too large for a 64-bit integer are written with all their digits,
    each its own company, never wrapped to one negative number."""
    r = _columns(np.array([1e20, 2e20, 101.0, 1e20]))
    assert r.company_labels.tolist() == ["100000000000000000000", "101",
                                         "200000000000000000000"]
    assert r.company.tolist() == [0, 2, 1, 0]


def test_too_long_ids_are_refused_at_once(no_arrow: None) -> None:
    """An id longer than the limit is refused with its rows, before any other column is read;
    an id exactly at the limit is accepted."""
    long, at_limit = "x" * (MAX_ID_LENGTH + 1), "b" * MAX_ID_LENGTH
    for company in (["a", long, long, at_limit], [1, long, long, at_limit],
                    np.array(["a", long, long, at_limit])):
        error = _error(company, source=["", "s", "s", "s"])
        assert len(error.problems) == 1 and error.file == "<mine>"
        p = error.problems[0]
        assert (p.path, p.row, p.file) == ("company", 2, "<mine>")
        assert p.message == (f"an id of {MAX_ID_LENGTH + 1} characters (starting "
                             f"{'x' * 20}...); ids are at most {MAX_ID_LENGTH} characters: is a "
                             "column misplaced? (rows 2, 3)")
        r = _columns([company[0], at_limit])
        assert r.company_labels.tolist() == sorted([str(company[0]), at_limit])


def test_fractional_ids_are_refused_with_their_rows() -> None:
    """A fractional number in an id column is refused at its first row, naming the other rows,
    the file and what to check."""
    error = _error(np.array([1.5, 2.0, 1.5]))
    assert str(error) == ("<mine>: row 1, column company: a fractional number 1.5 where an id "
                          "is expected: an id is text or a whole number; check that the column "
                          "holds ids (rows 1, 3)")
    assert error.file == "<mine>" and error.problems[0].file == "<mine>"


def test_fractional_categories_of_a_frame_are_refused() -> None:
    """A pandas categorical id column of fractional numbers is refused like a float column,
    never read as the id "1.5"; whole-number categories are the ids they write."""
    pd = pytest.importorskip("pandas")
    error = _error(pd.Series(pd.Categorical([2.0, 1.5])))
    assert str(error).startswith("<mine>: row 2, column company: a fractional number 1.5 ")
    r = _columns(pd.Series(pd.Categorical([2.0, 101.0])))
    assert r.company_labels.tolist() == ["101", "2"]


def test_bytes_ids_of_an_object_column_are_refused(no_arrow: None) -> None:
    """Bytes among text ids are refused at their row, in the input's file."""
    error = _error(["a", b"sy-01"])
    assert str(error) == ("<mine>: row 2, column company: bytes b'sy-01' where text is "
                          "expected: decode the ids (e.g. .decode('utf-8'))")
    assert error.file == "<mine>" and error.problems[0].file == "<mine>"


@pytest.mark.parametrize("arrow", [True, False])
def test_a_frames_mixed_value_column_is_read_cell_by_cell(
        arrow: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A frame's value column of mixed cells (numbers, text, missing) gives each number, each
    text cell's text, and NaN for the rest."""
    pd = pytest.importorskip("pandas")
    if not arrow:
        monkeypatch.setenv("RED_PROPERTY_NO_ARROW", "1")
    r = _columns(["a", "b", "c"], pd.Series([1, " good ", None], dtype=object))
    assert r.value.tolist()[0] == 1.0 and np.isnan(r.value[1:]).all()
    assert r.text is not None and r.text.tolist() == ["", "good", ""]


def test_a_float64_value_column_is_used_without_a_copy() -> None:
    """A float64 value column is taken as it is (the fast path copies nothing)."""
    value = np.array([1.0, 2.5])
    r = _columns(["a", "b"], value)
    assert np.shares_memory(r.value, value) and r.value.dtype == np.float64


def test_text_of_value_cells_is_held_as_python_strings() -> None:
    """The text of a text value column is an object array of stripped strings (so a longer
    text written later is never cut to a fixed width)."""
    r = _columns(["a", "b", "c"], np.array(["2", " good", "ok "]))
    assert r.text is not None and r.text.dtype == object
    assert r.text.tolist() == ["", "good", "ok"] and r.value[0] == 2.0


@pytest.mark.parametrize("arrow", [True, False])
def test_a_frames_numbers_as_text_leave_no_text_cells(
        arrow: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A frame's value column whose text cells all hold numbers is read as numbers with no text
    array at all (no row-sized column of empty strings); with pyarrow off, the same numbers."""
    pd = pytest.importorskip("pandas")
    if not arrow:
        monkeypatch.setenv("RED_PROPERTY_NO_ARROW", "1")
    r = _columns(["a", "b", "c"], pd.Series(["1", " 2.5", None], dtype=object))
    assert r.value.tolist()[:2] == [1.0, 2.5] and np.isnan(r.value[2])
    if arrow:
        assert r.text is None
    else:
        assert r.text is not None and r.text.tolist() == ["", "", ""]


def test_a_csv_without_rows_reads_as_empty_text_columns(tmp_path: Any) -> None:
    """A CSV with a header and no rows gives empty ratings whose text is an empty object array
    and whose labels are empty text, as any CSV's columns are read."""
    path = tmp_path / "r.csv"
    path.write_text("company,source,rater,indicator,value\n", encoding="utf-8")
    r = rp.Ratings.from_csv(path)
    assert len(r) == 0 and r.text is not None and r.text.dtype == object and r.text.size == 0
    assert r.company_labels.dtype == np.dtype("<U1") and r.value.dtype == np.float64


def test_an_object_value_column_of_python_and_numpy_numbers_has_no_text() -> None:
    """A value column holding Python and numpy numbers side by side is read in one pass, as
    numbers, with no text array."""
    r = _columns(["a", "b", "c", "d"], np.array([1, 2.5, np.float64(3), np.int64(4)],
                                                 dtype=object))
    assert r.value.tolist() == [1.0, 2.5, 3.0, 4.0] and r.text is None


class _FloatsToNaN:
    """A cell equal to itself that converts to NaN (as some foreign number types do)."""

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return 0

    def __float__(self) -> float:
        return float("nan")


def test_cells_read_one_by_one_keep_infinities_and_empty_numbers() -> None:
    """In a value column of mixed cells an infinite number stays infinite (for the checks to
    report under the rubric's policy) and a cell that converts to NaN is an empty cell."""
    r = _columns(["a", "b", "c", "d"], [float("inf"), "2", "good", _FloatsToNaN()])
    assert r.value[0] == float("inf") and r.value[1] == 2.0 and np.isnan(r.value[2:]).all()
    assert r.text is not None and r.text.tolist() == ["", "", "good", ""]


def test_boolean_values_are_refused_in_the_inputs_file() -> None:
    """Booleans in a value column are refused with their rows, in the input's file."""
    with pytest.raises(rp.RatingsError) as info:
        _columns(["a", "b", "c"], [True, 2, True])
    assert info.value.file == "<mine>"
    assert str(info.value) == ("<mine>: row 1, column value: value True is a boolean; give 1 "
                               "(yes) or 0 (no) (rows 1, 3)")


def test_with_pyarrow_a_too_long_id_comes_with_the_other_problems() -> None:
    """With pyarrow, a text column's too-long id is reported with the other columns' problems."""
    pytest.importorskip("pyarrow")
    long = "x" * (MAX_ID_LENGTH + 1)
    error = _error(["a", long], source=["", "s"])
    assert [(p.path, p.row) for p in error.problems] == [("company", 2), ("source", 1)]


def test_a_frames_float_and_timestamp_ids_are_refused() -> None:
    """A frame's float id column with a fractional number, and a column of timestamps, are
    refused at their rows, never turned into ids."""
    pd = pytest.importorskip("pandas")
    error = _error(pd.Series([2.0, 1.5]))
    assert str(error).startswith("<mine>: row 2, column company: a fractional number 1.5 ")
    assert error.problems[0].file == "<mine>"
    error = _error(pd.Series(pd.to_datetime(["2024-01-01", "2024-01-02"])))
    assert str(error).startswith("<mine>: row 1, column company: a Timestamp ")


class _ArrayOnly:
    """A column offering only numpy's ``__array__`` protocol and a length."""

    def __init__(self, cells: list[str]) -> None:
        self.cells = cells

    def __len__(self) -> int:
        return len(self.cells)

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        return np.array(self.cells)


def test_a_column_with_the_array_protocol_is_read_through_it() -> None:
    """A column object that offers numpy's array protocol is read through it."""
    r = _columns(_ArrayOnly(["b", "a"]), source=_ArrayOnly(["s", "s"]))
    assert r.company_labels.tolist() == ["a", "b"] and r.company.tolist() == [1, 0]


def test_columns_that_are_no_list_of_cells_are_refused_in_the_inputs_file() -> None:
    """A column given as one string, or as a table, is refused naming the column and file."""
    error = _error("ab")
    assert str(error) == "<mine>: company: column company must be a sequence of cells, not str"
    assert error.file == "<mine>" and error.problems[0].file == "<mine>"
    error = _error(np.array([["a", "b"], ["c", "d"]]))
    assert str(error) == ("<mine>: company: column company has shape (2, 2); give one cell per "
                          "row (a 1-D column)")
    assert error.file == "<mine>" and error.problems[0].file == "<mine>"


def test_float_ids_from_two_to_the_63_keep_their_digits() -> None:
    """A whole float id of exactly 2**63, or between 2**63 and 2**64, is past the largest 64-bit
    integer: it keeps its digits instead of wrapping to a negative number."""
    assert _columns(np.array([2.0**63, 1.0])).company_labels.tolist() == [
        "1", "9223372036854775808"]
    assert _columns(np.array([2.0**63 + 6144.0, 1.0])).company_labels.tolist() == [
        "1", "9223372036854781952"]


def test_nullable_integer_ids_past_2_53_keep_their_digits() -> None:
    """A pandas nullable Int64 id past 2**53 is its own digits (not rounded through a float);
    a missing one is an empty id at its row."""
    pd = pytest.importorskip("pandas")
    n = 2
    cols = {"source": ["authority"] * n, "rater": ["a"] * n, "indicator": ["six_haves"] * n,
            "value": [1.0] * n}
    r = rp.Ratings.from_columns(company=pd.Series([9007199254740993, 7], dtype="Int64"), **cols)
    assert r.company_labels.tolist() == ["7", "9007199254740993"]
    with pytest.raises(rp.RatingsError, match="row 2, column company: empty"):
        rp.Ratings.from_columns(company=pd.Series([1, None], dtype="Int64"), **cols)


@pytest.mark.parametrize("dtype", ["datetime64[ns]", "datetime64[D]", "timedelta64[s]",
                                   "timedelta64[ns]"])
def test_dates_and_durations_are_no_values(dtype: str) -> None:
    """A numpy column of dates or durations as values is refused at its first row (its number
    in the input), showing that cell and the column's type, never read as the integers numpy
    stores."""
    n = 2
    value = np.array([1, 2]).astype(dtype)
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_columns(company=["a", "b"], source=["authority"] * n, rater=["r"] * n,
                                indicator=["six_haves"] * n, value=value, row=[7, 9],
                                origin="season.csv")
    err = info.value
    assert err.file == "season.csv"
    assert [(p.file, p.row, p.path) for p in err.problems] == [("season.csv", 7, "value")]
    assert str(err) == (f"season.csv: row 7, column value: value {value[0]!r} is not a number "
                        f"(the column holds {dtype} dates or durations)")


def test_a_table_passed_as_a_column_is_refused_naming_it() -> None:
    """A data frame or an Arrow table where a column belongs is refused, with the column it was
    passed as and what to pass instead; a Series of it is read."""
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    n = 2
    cols = {"source": ["authority"] * n, "rater": ["a"] * n, "indicator": ["six_haves"] * n,
            "value": [1.0] * n}
    frame = pd.DataFrame({"company": ["x", "y"]})
    for table in (frame, pa.table(frame)):
        with pytest.raises(rp.RatingsError) as info:
            rp.Ratings.from_columns(company=table, **cols)
        assert [(p.path, p.message) for p in info.value.problems] == [
            ("company", "company is a whole table, not a column: pass one of its columns, or "
             "the table itself to Ratings.from_frame")]
    assert rp.Ratings.from_columns(company=frame["company"], **cols).company_labels.tolist() == [
        "x", "y"]


def test_tables_passed_as_columns_are_each_refused_in_the_named_input() -> None:
    """Every column given a whole table is its own problem, each and the error naming the input
    (``origin``) it came from."""
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"x": ["a", "b"]})
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_columns(company=frame, source=pa.table(frame), rater=["a"] * 2,
                                indicator=["six_haves"] * 2, value=[1.0] * 2,
                                origin="season.csv")
    err = info.value
    assert err.file == "season.csv"
    assert [(p.path, p.file) for p in err.problems] == [("company", "season.csv"),
                                                        ("source", "season.csv")]
    assert str(err).startswith("2 problems in ratings season.csv:\n  season.csv")
