"""One input column to codes or numbers, under the cell grammar of :mod:`red_property.cells`.

Id columns become integer codes and sorted, stripped labels, every bad id reported with its rows;
the value column becomes floats and the text of the cells that hold no number (an option's
label, or a mistake the checks report). Missing cells (None, NaN, pandas' NA) are empty, never
the text "nan".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ._codes import factorize
from ._factorize import (
    foreign,
    foreign_cells,
    foreign_numbers,
    id_codes,
    labels_from_rows,
    text_codes,
)
from .cells import MAX_ID_LENGTH, id_problem, number_problem, parse_number, printable
from .errors import Problem, RatingsError, rows_text

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]


def _is_missing(v: Any) -> bool:
    """None, NaN, pandas' NA and NaT: a missing id."""
    if v is None:
        return True
    try:
        return bool(v != v)  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError):  # pandas.NA refuses to be a bool
        return True


def _id_text(v: Any) -> str:
    if _is_missing(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # 101.0 from a spreadsheet column with blanks is the id 101
    return str(v)


def as_ids(values: Any) -> StrArray:
    """An id column as text: whole-number floats as integers ("101", not "101.0"), missing
    entries (None, NaN, NA) as "" so they are reported, never merged into a company "nan"."""
    arr = np.asarray(values)
    if arr.dtype.kind == "U":
        return arr
    if arr.dtype.kind in "iub":
        return arr.astype(str)
    if arr.dtype.kind == "f" and bool(np.all((np.abs(arr) < 2.0 ** 63) | np.isnan(arr))):
        # whole numbers beyond 64-bit integers (and infinities) take the exact path below
        out = np.where(np.isnan(arr), 0, arr)
        whole = out == np.round(out)
        text = np.where(whole, np.round(out).astype(np.int64).astype(str), out.astype(str))
        return np.where(np.isnan(arr), "", text)
    values = arr.tolist()  # object columns (pandas): strings pass as they are
    plain = np.fromiter((type(v) is str for v in values), dtype=bool, count=len(values))
    if plain.all():
        return arr.astype(str)
    out = np.array(values, dtype=object)
    out[~plain] = [_id_text(v) for v in out[~plain].tolist()]
    return out.astype(str)


def _column(values: Any, name: str, origin: str) -> npt.NDArray[Any]:
    """One input column as a 1-D array. Sequences become object arrays of their own items, so a
    long cell costs its own length once, not rows x its length."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise RatingsError([Problem(f"column {name} must be a sequence of cells, not "
                                    f"{type(values).__name__}", path=name, file=origin)],
                           file=origin)
    if isinstance(values, np.ndarray) or hasattr(values, "__array__"):
        arr = np.asarray(values)
    else:
        arr = np.fromiter(values, dtype=object, count=len(values))
    if arr.ndim != 1:
        raise RatingsError([Problem(f"column {name} has shape {arr.shape}; give one cell per "
                                    "row (a 1-D column)", path=name, file=origin)],
                           file=origin)
    return arr


def _code_ids(values: Any, name: str, rows: IntArray, origin: str, problems: list[Problem],
              *, may_be_empty: bool = False) -> tuple[IntArray, StrArray]:
    """Codes and sorted, stripped labels of an id column; every bad id (empty unless
    ``may_be_empty``, too long, holding a control character) added to ``problems``, one per id
    with its rows."""
    def objects(arr: npt.NDArray[Any]) -> tuple[IntArray, StrArray]:
        coded = text_codes(arr)  # all text: a C hash table, when the fast extra is there
        return coded if coded is not None else _factorize_objects(arr, name, rows, origin)

    # the labels of text and numbers are found among the rows: only a categorical's (or
    # dictionary's) may go unused
    if foreign(values):  # pandas, polars, pyarrow: categorical codes kept
        dtype = getattr(values, "dtype", None)
        dtype = getattr(getattr(dtype, "categories", None), "dtype", dtype)  # a categorical's
        if getattr(dtype, "kind", "O") in "bf":  # pandas bool, float
            _refuse_typed_ids(foreign_cells(values).tolist(), name, rows, origin)
        codes, labels = id_codes(values, objects)
        if not labels_from_rows(values):
            codes, labels = _used_only(codes, labels)
    else:
        arr = _column(values, name, origin)
        if arr.dtype.kind == "U" and arr.dtype.itemsize <= 4 * MAX_ID_LENGTH:
            codes, labels = factorize(arr)
        elif arr.dtype.kind in "iufb":
            if arr.dtype.kind in "bf":
                _refuse_typed_ids(arr.tolist(), name, rows, origin)
            codes, labels = factorize(as_ids(arr))
        else:
            codes, labels = objects(arr)
    codes, labels = _stripped(codes, labels)
    for k, label in enumerate(labels.tolist()):
        if label == "" and may_be_empty:
            continue
        why = "empty; every rating names its " + name if label == "" else id_problem(label)
        if why is None:
            continue
        at = rows[codes == k]
        more = f" ({rows_text(at.tolist(), at.size)})" if at.size > 1 else ""
        problems.append(Problem(why + more, path=name, row=int(at[0]), file=origin))
    return codes, labels


def _factorize_objects(arr: npt.NDArray[Any], name: str, rows: IntArray, origin: str
                       ) -> tuple[IntArray, StrArray]:
    """:func:`factorize` for a column of Python objects: one dict lookup per cell, labels stored
    once each. Bytes are refused (``b'sy-01'`` is not the company ``sy-01``), and so is a label
    longer than :data:`MAX_ID_LENGTH`, before it is copied into a fixed-width array."""
    cells = arr.tolist()
    if set(map(type, cells)) <= {str}:  # all text (records, frames): one pass in C
        found = list(dict.fromkeys(cells))
        position = {label: k for k, label in enumerate(found)}
        codes = np.fromiter(map(position.__getitem__, cells), dtype=np.int64, count=len(cells))
        return _sorted_labels(found, codes, name, rows, origin)
    _refuse_typed_ids(cells, name, rows, origin)
    index: dict[str, int] = {}
    codes = np.fromiter((index.setdefault(v if type(v) is str else _id_text(v), len(index))
                         for v in cells), dtype=np.int64, count=len(cells))
    return _sorted_labels(list(index), codes, name, rows, origin)


def _id_kind(v: Any) -> str | None:
    """Why a cell that is not text cannot be an id, or None when it can: a whole number is
    the id it writes (101.0 from a spreadsheet column with blanks is 101), a missing cell is
    empty (reported as such)."""
    if isinstance(v, str) or _is_missing(v):
        return None
    if isinstance(v, (bytes, bytearray)):
        return "bytes"
    if isinstance(v, (bool, np.bool_)):
        return "a boolean"
    if isinstance(v, (int, np.integer)):
        return None
    if isinstance(v, (float, np.floating)):
        return None if float(v).is_integer() else "a fractional number"
    return f"a {type(v).__name__}"


def _refuse_typed_ids(cells: Sequence[Any], name: str, rows: IntArray, origin: str) -> None:
    """A RatingsError for every kind of cell that is not an id (bytes, booleans, fractional
    numbers, dates, tuples, ...), with its rows: never turned into text silently."""
    kinds = [_id_kind(v) for v in cells]
    found: dict[str, list[int]] = {}
    for k, kind in enumerate(kinds):
        if kind is not None:
            found.setdefault(kind, []).append(k)
    if not found:
        return
    problems = []
    for kind, at in found.items():
        first = printable(repr(cells[at[0]]))
        rows_at = rows[np.asarray(at, dtype=np.int64)]
        what = ("where text is expected: decode the ids (e.g. .decode('utf-8'))"
                if kind == "bytes" else "where an id is expected: an id is text or a whole "
                "number; check that the column holds ids")
        problems.append(Problem(f"{kind} {first} {what}{_also(rows_at.tolist())}",
                                path=name, row=int(rows_at[0]), file=origin))
    raise RatingsError(problems, file=origin)


def _also(rows: list[int]) -> str:
    """" (rows 3, 7 and 40 more)" for a problem several rows share; "" for one row, which the
    problem's place names already."""
    return f" ({rows_text(rows, len(rows))})" if len(rows) > 1 else ""


def _sorted_labels(found: list[str], codes: IntArray, name: str, rows: IntArray, origin: str
                   ) -> tuple[IntArray, StrArray]:
    """Codes into sorted labels, from labels in order of appearance; a label longer than
    :data:`MAX_ID_LENGTH` is refused before it is copied into a fixed-width array."""
    long = [k for k, label in enumerate(found) if len(label.strip()) > MAX_ID_LENGTH]
    if long:
        problems = []
        for k in long:
            at = rows[codes == k]
            problems.append(Problem(f"{id_problem(found[k].strip())}{_also(at.tolist())}",
                                    path=name, row=int(at[0]), file=origin))
        raise RatingsError(problems, file=origin)
    labels = np.array(found, dtype=str) if found else np.zeros(0, dtype="U1")
    order = np.argsort(labels, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes], labels[order]


def _used_only(codes: IntArray, labels: StrArray) -> tuple[IntArray, StrArray]:
    """Only the labels some row holds: a categorical's unused categories, or the blank of a
    line of delimiters the reader skipped, name no company, rater or indicator."""
    used = np.bincount(codes, minlength=labels.shape[0]) > 0
    if used.all():
        return codes, labels
    new = np.cumsum(used, dtype=np.int64) - 1
    return new[codes], labels[used]


def _stripped(codes: IntArray, labels: StrArray) -> tuple[IntArray, StrArray]:
    """Labels without surrounding blanks ("A " and "A" are one company)."""
    clean = np.char.strip(labels)
    if np.array_equal(clean, labels):
        return codes, labels
    merged, inverse = np.unique(clean, return_inverse=True)
    return inverse.astype(np.int64)[codes], merged


def _to_float(values: Any, rows: IntArray, origin: str
              ) -> tuple[FloatArray, npt.NDArray[np.object_] | None]:
    """Numeric values under the grammar of :mod:`red_property.cells`, and the text of the
    entries that hold no number (an option's label, or a mistake the checks report). An empty
    cell is NaN with no text. Booleans and other objects are refused here, at their row."""
    if foreign(values):  # pandas, polars, pyarrow: each distinct text parsed once
        fast = foreign_numbers(values)
        if fast is not None:
            return fast
        values = foreign_cells(values)
    arr = _column(values, "value", origin)
    if arr.dtype.kind in "fiu":
        return arr.astype(np.float64, copy=False), None
    n = arr.shape[0]
    if arr.dtype.kind in "mM" and n:  # dates and durations: their integers are no ratings
        raise RatingsError([Problem(f"value {arr[0]!r} is not a number (the column holds "
                                    f"{arr.dtype} dates or durations)", path="value",
                                    row=int(rows[0]), file=origin)], file=origin)
    if arr.dtype.kind == "U":  # text (CSV): each distinct cell parsed once
        codes, labels = factorize(arr)
        parsed = [parse_number(t) for t in labels.tolist()]
        numbers = np.array([np.nan if p is None else p for p in parsed], dtype=np.float64)
        words = np.array(["" if p is not None else t.strip()
                          for p, t in zip(parsed, labels.tolist(), strict=True)], dtype=object)
        return numbers[codes], words[codes]
    cells_of = set(map(type, arr.tolist())) if arr.dtype.kind == "O" else set()
    if cells_of and cells_of <= {float, int, np.float64, np.int64}:  # numbers only: one pass
        try:
            return np.array(arr.tolist(), dtype=np.float64), None
        except OverflowError:  # an int beyond any float: reported at its row below
            pass
    out = np.full(n, np.nan)
    text = np.full(n, "", dtype=object)
    bad: dict[str, list[int]] = {}
    seen: dict[str, float | None] = {}  # each distinct text parsed once
    cells = arr.tolist() if arr.dtype.kind != "b" else [bool(v) for v in arr.tolist()]
    for k, v in enumerate(cells):  # records and frames: mixed Python objects
        if isinstance(v, str):
            number = seen[v] if v in seen else seen.setdefault(v, parse_number(v))
            if number is None:
                text[k] = v.strip()
            else:
                out[k] = number
        elif not _is_missing(v) or isinstance(v, (bool, np.bool_)):
            why = number_problem(v)
            if why is None or why == "empty":
                out[k] = float(v)
            elif why.endswith("not a finite number"):
                out[k] = float(v)  # the checks report it, under the rubric's policy
            else:
                bad.setdefault(why, []).append(int(rows[k]))
    if bad:
        raise RatingsError([Problem(f"value {why}{_also(at)}", path="value", row=at[0],
                                    file=origin) for why, at in bad.items()], file=origin)
    return out, text


def _text_column(cells: Sequence[str]) -> npt.NDArray[Any]:
    """A CSV column as a fixed-width text array (the fast path), or as an object array when one
    cell is longer than any id may be: a long cell then costs its own length, not rows x it."""
    if max(map(len, cells), default=0) <= MAX_ID_LENGTH:
        return np.array(cells, dtype=str)
    return np.fromiter(cells, dtype=object, count=len(cells))
