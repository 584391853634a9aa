"""Ratings: one value given by one rater to one company on one indicator, held as columns.

:class:`Ratings` knows nothing of rubrics; it holds the input as read, with every row's origin
(its row number) kept so that later problems can point at it.
:func:`red_property.checking.check_ratings` matches the rows to a compiled rubric
(:class:`~red_property.plan.Plan`): every row is either kept or accounted for as a problem (an
error, or a row dropped by the rubric's declared policy).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from ._distinct import sorted_distinct
from ._factorize import ascii_codes, foreign, foreign_cells, foreign_numbers, id_codes, text_codes
from .cells import MAX_ID_LENGTH, id_problem, number_problem, parse_number, printable
from .errors import Problem, RatingsError, rows_text

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]

REQUIRED = ("company", "source", "rater", "indicator", "value")
OPTIONAL = ("rater_company", "note")
_SAMPLE = 65536  # entries sampled to find the labels
_PERIOD_SEARCH = 100_000  # how far to look for a cycle in a column
_MAX_BREAKS = 64  # a cycle broken more often is coded entry by entry


def factorize(values: Any) -> tuple[IntArray, StrArray]:
    """Codes and sorted labels of a column of strings: ``labels[codes] == values``.

    Vectorised and fast on real ratings tables, exact whatever the order of the rows:

    1. runs of equal values (rows grouped by company, source or rater) collapse to one;
    2. a column that cycles (every rater's sheet lists the same indicators in the same order)
       is coded once per cycle position: only entries that differ from the one a period earlier
       are looked up;
    3. labels are found from a sample, then completed from the entries the sample missed, which
       alone are looked up again.
    """
    arr = np.asarray(values)
    if arr.dtype.kind not in "U":
        arr = arr.astype(str)
    n = arr.shape[0]
    if n == 0:
        return np.zeros(0, np.int64), arr[:0].copy()
    short = ascii_codes(arr)  # short ASCII ids: an integer sort, no string comparisons
    if short is not None:
        return short
    change = np.empty(n, dtype=bool)
    change[0] = True
    np.not_equal(arr[1:], arr[:-1], out=change[1:])
    starts = np.flatnonzero(change)
    heads = arr if len(starts) == n else arr[starts]
    codes, labels = _code_cycles(heads)
    if len(starts) != n:
        codes = np.repeat(codes, np.diff(np.append(starts, n)))
    return codes, labels


def _code_cycles(heads: StrArray) -> tuple[IntArray, StrArray]:
    m = heads.shape[0]
    again = np.flatnonzero(heads[1:min(m, _PERIOD_SEARCH)] == heads[0])
    if again.size == 0 or m < 4 * (int(again[0]) + 1):
        return _code_sampled(heads)
    p = int(again[0]) + 1
    breaks = np.flatnonzero(heads[p:] != heads[:-p]) + p  # entries unlike one period earlier
    if breaks.size > _MAX_BREAKS:
        return _code_sampled(heads)
    where = np.concatenate([np.arange(p), breaks])
    fresh_codes, labels = _code_sampled(heads[where])
    codes = np.tile(fresh_codes[:p], -(-m // p))[:m]
    for j, code in zip(breaks.tolist(), fresh_codes[p:].tolist(), strict=True):
        codes[j::p] = code  # from here on, this cycle position holds the new value
    return codes, labels


def _hash(x: StrArray) -> npt.NDArray[np.uint64]:
    """A 64-bit polynomial hash of each string (wrapping arithmetic), for fast lookups."""
    width = x.dtype.itemsize // 4
    if width == 0:
        return np.zeros(x.shape[0], dtype=np.uint64)
    chars = np.ascontiguousarray(x).view(np.uint32).reshape(-1, width)
    h = np.zeros(x.shape[0], dtype=np.uint64)
    for j in range(width):
        h *= np.uint64(1_000_003)
        h += chars[:, j]
    return h


def _lookup_codes(labels: StrArray, x: StrArray) -> IntArray:
    """Position of each entry of ``x`` in sorted ``labels`` (any position where absent; the
    caller checks): a direct-address table on 64-bit hashes, then a string search for the few
    entries whose slot another label took."""
    size = 1 << max(16, (16 * len(labels)).bit_length())
    mask = np.uint64(size - 1)
    table = np.zeros(size, dtype=np.int64)
    table[(_hash(labels) & mask).astype(np.int64)] = np.arange(len(labels))
    idx = table[(_hash(x) & mask).astype(np.int64)]
    wrong = np.flatnonzero(labels[idx] != x)
    if wrong.size:
        idx[wrong] = np.minimum(np.searchsorted(labels, x[wrong]), len(labels) - 1)
    return idx


def _code_sampled(x: StrArray) -> tuple[IntArray, StrArray]:
    step = max(1, x.shape[0] // _SAMPLE)
    labels = sorted_distinct(x[::step])
    idx = _lookup_codes(labels, x)
    missed = np.flatnonzero(labels[idx] != x)  # the check that makes hashing exact
    if missed.size:
        merged = sorted_distinct(np.concatenate((labels, x[missed])))
        idx = np.searchsorted(merged, labels)[idx]
        idx[missed] = np.searchsorted(merged, x[missed])
        labels = merged
    return idx, labels


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
    if arr.dtype.kind == "f":
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

    if foreign(values):  # pandas, polars, pyarrow: categorical codes kept
        codes, labels = id_codes(values, objects)
    else:
        arr = _column(values, name, origin)
        if arr.dtype.kind == "U" and arr.dtype.itemsize <= 4 * MAX_ID_LENGTH:
            codes, labels = factorize(arr)
        elif arr.dtype.kind in "iufb":
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
    raw = np.fromiter((isinstance(v, (bytes, bytearray)) for v in cells), dtype=bool,
                      count=len(cells))
    if raw.any():
        at = rows[raw]
        first = printable(repr(cells[int(np.flatnonzero(raw)[0])]))
        raise RatingsError([Problem(f"bytes {first} where text is expected: decode the ids "
                                    f"(e.g. .decode('utf-8')) ({rows_text(at.tolist(), at.size)})",
                                    path=name, row=int(at[0]), file=origin)], file=origin)
    index: dict[str, int] = {}
    codes = np.fromiter((index.setdefault(v if type(v) is str else _id_text(v), len(index))
                         for v in cells), dtype=np.int64, count=len(cells))
    return _sorted_labels(list(index), codes, name, rows, origin)


def _sorted_labels(found: list[str], codes: IntArray, name: str, rows: IntArray, origin: str
                   ) -> tuple[IntArray, StrArray]:
    """Codes into sorted labels, from labels in order of appearance; a label longer than
    :data:`MAX_ID_LENGTH` is refused before it is copied into a fixed-width array."""
    long = [k for k, label in enumerate(found) if len(label.strip()) > MAX_ID_LENGTH]
    if long:
        problems = []
        for k in long:
            at = rows[codes == k]
            problems.append(Problem(f"{id_problem(found[k].strip())} "
                                    f"({rows_text(at.tolist(), at.size)})",
                                    path=name, row=int(at[0]), file=origin))
        raise RatingsError(problems, file=origin)
    labels = np.array(found, dtype=str) if found else np.zeros(0, dtype="U1")
    order = np.argsort(labels, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes], labels[order]


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
        raise RatingsError([Problem(f"value {why} ({rows_text(at, len(at))})", path="value",
                                    row=at[0], file=origin) for why, at in bad.items()],
                           file=origin)
    return out, text


@dataclass(frozen=True, slots=True, repr=False)
class Ratings:
    """A season's ratings in long format, one row a rating, as columns of codes.

    Build it with :meth:`from_csv`, :meth:`from_records`, :meth:`from_columns` (the fast path,
    for numpy arrays) or :meth:`from_frame` (pandas).
    """

    company: IntArray
    source: IntArray
    rater: IntArray
    indicator: IntArray
    value: FloatArray
    rater_company: IntArray
    company_labels: StrArray
    source_labels: StrArray
    rater_labels: StrArray
    indicator_labels: StrArray
    row: IntArray
    text: npt.NDArray[np.object_] | None = None
    note: npt.NDArray[np.str_] | None = None
    origin: str = "<columns>"

    def __len__(self) -> int:
        return int(self.value.shape[0])

    def __repr__(self) -> str:
        return (
            f"<Ratings {len(self)} rows: {len(self.company_labels)} companies, "
            f"{len(self.source_labels)} sources, {len(self.rater_labels)} raters, "
            f"{len(self.indicator_labels)} indicators>"
        )

    def take(self, rows: npt.NDArray[np.int64] | npt.NDArray[np.bool_]) -> Ratings:
        """The ratings at ``rows`` (indexes, repeats allowed, or a boolean mask); labels and row
        numbers are kept, so problems still point at the input's rows."""
        return Ratings(
            company=self.company[rows], source=self.source[rows], rater=self.rater[rows],
            indicator=self.indicator[rows], value=self.value[rows],
            rater_company=self.rater_company[rows], company_labels=self.company_labels,
            source_labels=self.source_labels, rater_labels=self.rater_labels,
            indicator_labels=self.indicator_labels, row=self.row[rows],
            text=None if self.text is None else self.text[rows],
            note=None if self.note is None else self.note[rows], origin=self.origin,
        )

    def with_values(self, value: FloatArray) -> Ratings:
        """The same rows with other values (e.g. rater-corrected)."""
        if value.shape != self.value.shape:
            raise ValueError(f"expected {self.value.shape[0]} values, got {value.shape[0]}")
        return Ratings(
            company=self.company, source=self.source, rater=self.rater,
            indicator=self.indicator, value=np.asarray(value, dtype=np.float64),
            rater_company=self.rater_company, company_labels=self.company_labels,
            source_labels=self.source_labels, rater_labels=self.rater_labels,
            indicator_labels=self.indicator_labels, row=self.row,
            text=None if self.text is None else np.where(np.isnan(value), self.text, ""),
            note=self.note, origin=self.origin,
        )

    # ------------------------------------------------------------------ constructors

    @classmethod
    def from_columns(
        cls,
        *,
        company: Any,
        source: Any,
        rater: Any,
        indicator: Any,
        value: Any,
        rater_company: Any = None,
        note: Any = None,
        row: Any = None,
        origin: str = "<columns>",
    ) -> Ratings:
        """Ratings from equal-length columns (numpy arrays or sequences): the fast path.

        ``rater_company`` names the company a peer rater belongs to ("" or None for raters who
        belong to none). ``row`` gives each row's number in the input (default 1, 2, ...).
        """
        cols = {"company": company, "source": source, "rater": rater, "indicator": indicator,
                "value": value, "rater_company": rater_company, "note": note, "row": row}
        lengths = {k: len(v) if foreign(v) else len(_column(v, k, origin))
                   for k, v in cols.items() if v is not None}
        if len(set(lengths.values())) > 1:
            raise RatingsError([Problem(f"columns differ in length: {lengths}", file=origin)],
                               file=origin)
        n = lengths["company"]
        problems: list[Problem] = []
        try:
            rows = (np.arange(1, n + 1, dtype=np.int64) if row is None
                    else _column(row, "row", origin).astype(np.int64))
        except (TypeError, ValueError):
            raise RatingsError([Problem("row numbers must be whole numbers", path="row",
                                        file=origin)], file=origin) from None
        coded: dict[str, tuple[IntArray, StrArray]] = {}
        for name in ("company", "source", "rater", "indicator"):
            coded[name] = _code_ids(cols[name], name, rows, origin, problems)
        values, text = _to_float(value, rows, origin)
        company_codes, company_labels = coded["company"]
        rc = np.full(n, -1, dtype=np.int64)
        if rater_company is not None:
            rc_codes, rc_labels = _code_ids(rater_company, "rater_company", rows, origin,
                                            problems, may_be_empty=True)
            blank = rc_labels == ""
            all_labels = sorted_distinct(np.concatenate((company_labels, rc_labels[~blank])))
            company_codes = np.searchsorted(all_labels, company_labels)[company_codes]
            mapped = np.searchsorted(all_labels, rc_labels).astype(np.int64)
            mapped[blank] = -1
            rc = mapped[rc_codes]
            company_labels = all_labels
        if problems:
            raise RatingsError(problems, file=origin)
        return cls(
            company=company_codes.astype(np.int64, copy=False),
            source=coded["source"][0],
            rater=coded["rater"][0],
            indicator=coded["indicator"][0],
            value=values,
            rater_company=rc.astype(np.int64, copy=False),
            company_labels=company_labels,
            source_labels=coded["source"][1],
            rater_labels=coded["rater"][1],
            indicator_labels=coded["indicator"][1],
            row=rows,
            text=text,
            note=None if note is None else np.asarray(note).astype(str),
            origin=origin,
        )

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]], *, origin: str = "<records>"
                     ) -> Ratings:
        """Ratings from an iterable of mappings with keys ``company, source, rater, indicator,
        value`` and optionally ``rater_company``, ``note``."""
        rows = list(records)
        problems: list[Problem] = []
        for k, rec in enumerate(rows, start=1):
            if not isinstance(rec, Mapping):
                problems.append(Problem(f"a record is a mapping of {', '.join(REQUIRED)} to "
                                        f"their cells, not a {type(rec).__name__}", row=k,
                                        file=origin))
                continue
            missing = [c for c in REQUIRED if rec.get(c) is None]
            unknown = [c for c in rec if c not in REQUIRED + OPTIONAL]
            if missing:
                problems.append(Problem(f"missing {', '.join(missing)}", row=k, file=origin,
                                        path=missing[0]))
            if unknown:
                problems.append(Problem(f"unknown field {unknown[0]!r}; fields are "
                                        f"{', '.join(REQUIRED + OPTIONAL)}", row=k, file=origin,
                                        path=unknown[0]))
        if problems:
            raise RatingsError(problems, file=origin)
        columns: dict[str, list[Any]] = {c: [r[c] for r in rows] for c in REQUIRED}
        has_rc = any(not _is_missing(r.get("rater_company")) for r in rows)
        return cls.from_columns(
            company=columns["company"], source=columns["source"], rater=columns["rater"],
            indicator=columns["indicator"], value=columns["value"],
            rater_company=[r.get("rater_company") for r in rows] if has_rc else None,
            note=[str(r.get("note") or "") for r in rows] if any("note" in r for r in rows)
            else None,
            origin=origin,
        )

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str], *, encoding: str | None = None,
                 delimiter: str | None = None, sheet: str | int | None = None) -> Ratings:
        """Ratings from a CSV file with a header row naming the columns, as spreadsheets export
        it, or from an Excel workbook (the first sheet, or ``sheet``; needs the ``excel``
        extra).

        The encoding is UTF-8 (with or without BOM), UTF-16 with BOM or, failing those, GB18030
        (a superset of GBK, as Chinese spreadsheets export); pass ``encoding`` to force one. The
        delimiter (``,``, ``;`` or tab) is found from the header or Excel's ``sep=`` line; pass
        ``delimiter`` to force one. Row numbers in messages are the file's line numbers. With
        the ``fast`` extra (pyarrow) the file is parsed by Arrow's columnar reader.
        """
        from ._tabular import read_columns

        col, lines, name = read_columns(path, REQUIRED, OPTIONAL, encoding=encoding,
                                        delimiter=delimiter, sheet=sheet)
        return cls.from_columns(
            company=col["company"], source=col["source"], rater=col["rater"],
            indicator=col["indicator"], value=col["value"],
            rater_company=col.get("rater_company"), note=col.get("note"),
            row=lines, origin=name,
        )

    @classmethod
    def from_frame(cls, frame: Any, *, origin: str = "<frame>") -> Ratings:
        """Ratings from a data frame with the columns of the long format: pandas (object,
        string, categorical or Arrow-backed columns), polars, a pyarrow Table, or any object
        with the Arrow stream interface (``__arrow_c_stream__``). Categorical and dictionary
        columns keep their codes."""
        from ._frames import frame_columns

        get, n = frame_columns(frame, REQUIRED, OPTIONAL, origin)
        return cls.from_columns(
            company=get["company"], source=get["source"], rater=get["rater"],
            indicator=get["indicator"], value=get["value"],
            rater_company=get.get("rater_company"), note=get.get("note"),
            row=np.arange(1, n + 1), origin=origin,
        )


def _text_column(cells: Sequence[str]) -> npt.NDArray[Any]:
    """A CSV column as a fixed-width text array (the fast path), or as an object array when one
    cell is longer than any id may be: a long cell then costs its own length, not rows x it."""
    if max(map(len, cells), default=0) <= MAX_ID_LENGTH:
        return np.array(cells, dtype=str)
    return np.fromiter(cells, dtype=object, count=len(cells))


def _read_table(path: str | os.PathLike[str], required: tuple[str, ...],
                optional: tuple[str, ...], *, encoding: str | None = None
                ) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, rows and line numbers of a table file, every problem reported at once (see
    :func:`red_property._tabular.read_table`)."""
    from ._tabular import read_table

    header, body, lines = read_table(path, required, optional, encoding=encoding)
    return header, [[str(c) for c in r] for r in body], lines


def as_ratings(ratings: Ratings | str | os.PathLike[str] | Any) -> Ratings:
    """Ratings from Ratings, a CSV file, or a pandas DataFrame."""
    if isinstance(ratings, Ratings):
        return ratings
    if isinstance(ratings, (str, os.PathLike)):
        return Ratings.from_csv(ratings)
    from ._frames import is_frame

    if is_frame(ratings):
        return Ratings.from_frame(ratings)
    raise TypeError(f"ratings must be Ratings, a file path or a data frame, not "
                    f"{type(ratings).__name__}")


# --------------------------------------------------------------------------- claims


@dataclass(frozen=True, slots=True)
class Claims:
    """The star level each company claims (對標認領)."""

    company: tuple[str, ...]
    stars: tuple[int, ...]
    row: tuple[int, ...]
    origin: str = "<claims>"

    def as_dict(self) -> dict[str, int]:
        """Claimed stars by company."""
        return dict(zip(self.company, self.stars, strict=True))


def read_claims(claims: str | os.PathLike[str] | Mapping[str, int] | Claims | Sequence[Any]
                ) -> Claims:
    """Claims from a CSV file (columns ``company, stars``), a mapping, a sequence of
    ``(company, stars)`` pairs, or a Claims."""
    if isinstance(claims, Claims):
        return claims
    if isinstance(claims, Mapping):
        pairs = list(claims.items())
        return _claims(pairs, list(range(1, len(pairs) + 1)), "<claims>")
    if isinstance(claims, (str, os.PathLike)):
        header, body, lines = _read_table(claims, ("company", "stars"), ())
        items = [(r[header.index("company")].strip(), r[header.index("stars")].strip())
                 for r in body]
        return _claims(items, lines, str(claims))
    given: list[Any] = list(cast("Sequence[Any]", claims))
    bad = [k for k, x in enumerate(given, start=1)
           if isinstance(x, (str, bytes)) or not isinstance(x, Sequence) or len(x) != 2]
    if bad:
        raise RatingsError([Problem(f"a claim is a (company, stars) pair, not "
                                    f"{printable(repr(given[k - 1]))[:80]}", row=k,
                                    file="<claims>") for k in bad], file="<claims>")
    return _claims([(x[0], x[1]) for x in given], list(range(1, len(given) + 1)), "<claims>")


def _claims(items: Sequence[tuple[Any, Any]], rows: Sequence[int], origin: str) -> Claims:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    companies: list[str] = []
    stars: list[int] = []
    for (company, value), row in zip(items, rows, strict=True):
        why = _cell_id_problem(company)
        company = "" if why else str(company).strip()
        if why:
            problems.append(Problem(why, row=row, path="company", file=origin))
            continue
        level = _whole_number(value)
        if isinstance(level, str):
            problems.append(Problem(f"stars {level}", row=row, path="stars", file=origin))
            continue
        if company in seen:
            problems.append(Problem(f"{company!r} claims twice (first at row {seen[company]})",
                                    row=row, path="company", file=origin))
            continue
        seen[company] = row
        companies.append(company)
        stars.append(level)
    if problems:
        raise RatingsError(problems, file=origin)
    return Claims(tuple(companies), tuple(stars), tuple(rows), origin)


def _cell_id_problem(v: Any) -> str | None:
    """What is wrong with one id cell (a claim's or the companies list's company), or None."""
    if isinstance(v, (bytes, bytearray)):
        return f"bytes {printable(repr(v))} where text is expected: decode the ids first"
    text = _id_text(v).strip()
    return "empty company id" if not text else id_problem(text)


def _whole_number(value: Any) -> int | str:
    """A whole number under the cell grammar, or what is wrong with the cell."""
    if isinstance(value, str):
        number = parse_number(value)
        if number is None:
            return "is empty" if not value.strip() else (
                f"must be a whole number, not {printable(repr(value))}")
    elif _is_missing(value) and not isinstance(value, (bool, np.bool_)):
        return "is empty"
    else:
        why = number_problem(value)
        if why is not None:
            return f"must be a whole number: {why}"
        number = float(value)
    if not math.isfinite(number) or number != int(number):
        return f"must be a whole number, not {printable(repr(value))}"
    return int(number)


# --------------------------------------------------------------------------- companies


@dataclass(frozen=True, slots=True)
class Companies:
    """The companies of a season: ids in order, with optional names and districts."""

    ids: tuple[str, ...]
    names: dict[str, str]
    districts: dict[str, str]
    origin: str = "<companies>"


def read_companies(companies: str | os.PathLike[str] | Mapping[str, str] | Sequence[str] | Companies
                   ) -> Companies:
    """Companies from a CSV file (columns ``company`` and optionally ``name``, ``district``), a
    mapping of id to name, a sequence of ids, or a Companies."""
    if isinstance(companies, Companies):
        return companies
    if isinstance(companies, Mapping):
        return _companies([(k, str(v), "") for k, v in companies.items()], None, "<companies>")
    if isinstance(companies, (str, os.PathLike)):
        header, body, lines = _read_table(companies, ("company",), ("name", "district"))
        recs = [dict(zip(header, (c.strip() for c in r), strict=True)) for r in body]
        items = [(r["company"], r.get("name", ""), r.get("district", "")) for r in recs]
        return _companies(items, lines, str(companies))
    return _companies([(c, "", "") for c in companies], None, "<companies>")


def _companies(items: Sequence[tuple[Any, str, str]], rows: Sequence[int] | None, origin: str
               ) -> Companies:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    ids: list[str] = []
    names: dict[str, str] = {}
    districts: dict[str, str] = {}
    lines = rows if rows is not None else range(1, len(items) + 1)
    for (company, name, district), row in zip(items, lines, strict=True):
        why = _cell_id_problem(company)
        cid = "" if why else _id_text(company).strip()  # as ratings read ids
        if why:
            problems.append(Problem(why, row=row, path="company", file=origin))
        elif cid in seen:
            problems.append(Problem(f"{cid!r} is listed twice (first at row {seen[cid]})",
                                    row=row, path="company", file=origin))
        else:
            seen[cid] = row
            ids.append(cid)
            if name:
                names[cid] = name
            if district:
                districts[cid] = district
    if problems:
        raise RatingsError(problems, file=origin)
    return Companies(ids=tuple(ids), names=names, districts=districts, origin=origin)
