"""Ratings: one value given by one rater to one company on one indicator, held as columns.

:class:`Ratings` knows nothing of rubrics; it holds the input as read, with every row's origin
(its row number) kept so that later problems can point at it.
:func:`red_property.checking.check_ratings` matches the rows to a compiled rubric
(:class:`~red_property.plan.Plan`): every row is either kept or accounted for as a problem (an
error, or a row dropped by the rubric's declared policy).
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import Problem, RatingsError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]

REQUIRED = ("company", "source", "rater", "indicator", "value")
OPTIONAL = ("rater_company", "note")
_ENCODINGS = ("utf-8-sig", "gb18030")
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
    labels = np.unique(x[::step])
    idx = _lookup_codes(labels, x)
    missed = np.flatnonzero(labels[idx] != x)  # the check that makes hashing exact
    if missed.size:
        merged = np.union1d(labels, x[missed])
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


def _stripped(codes: IntArray, labels: StrArray) -> tuple[IntArray, StrArray]:
    """Labels without surrounding blanks ("A " and "A" are one company)."""
    clean = np.char.strip(labels)
    if np.array_equal(clean, labels):
        return codes, labels
    merged, inverse = np.unique(clean, return_inverse=True)
    return inverse.astype(np.int64)[codes], merged


def _to_float(values: Any) -> tuple[FloatArray, npt.NDArray[np.object_] | None]:
    """Numeric values, and the original text of the entries that are not numbers."""
    arr = np.asarray(values)
    if arr.dtype.kind in "fiub":
        return arr.astype(np.float64, copy=False), None
    out = np.full(arr.shape[0], np.nan)
    text = np.empty(arr.shape[0], dtype=object)
    text[:] = ""
    as_str = arr.astype(str)
    for k, s in enumerate(as_str.tolist()):  # text input only: CSV or records
        try:
            number = float(s)
        except ValueError:
            text[k] = s.strip()
            continue
        if math.isfinite(number):
            out[k] = number
        else:  # 'inf', 'nan': text (an option may be called so), never a number
            text[k] = s.strip()
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
                "value": value}
        lengths = {k: len(v) for k, v in cols.items()}
        if rater_company is not None:
            lengths["rater_company"] = len(rater_company)
        if len(set(lengths.values())) > 1:
            raise RatingsError([Problem(f"columns differ in length: {lengths}", file=origin)])
        n = lengths["company"]
        problems: list[Problem] = []
        rows = np.arange(1, n + 1, dtype=np.int64) if row is None else np.asarray(row, np.int64)
        coded: dict[str, tuple[IntArray, StrArray]] = {}
        for name in ("company", "source", "rater", "indicator"):
            codes, labels = _stripped(*factorize(as_ids(cols[name])))
            if labels.size and labels[0] == "":
                for r in rows[codes == 0][:20].tolist():
                    problems.append(Problem("empty; every rating names its " + name, path=name,
                                            row=int(r), file=origin))
            coded[name] = (codes, labels)
        values, text = _to_float(value)
        company_codes, company_labels = coded["company"]
        rc = np.full(n, -1, dtype=np.int64)
        if rater_company is not None:
            rc_codes, rc_labels = _stripped(*factorize(as_ids(rater_company)))
            blank = rc_labels == ""
            all_labels = np.union1d(company_labels, rc_labels[~blank])
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
        has_rc = any(_id_text(r.get("rater_company")) != "" for r in rows)
        return cls.from_columns(
            company=[_id_text(v) for v in columns["company"]],
            source=[_id_text(v) for v in columns["source"]],
            rater=[_id_text(v) for v in columns["rater"]],
            indicator=[_id_text(v) for v in columns["indicator"]],
            value=np.array([_plain_value(v) for v in columns["value"]], dtype=object),
            rater_company=[_id_text(r.get("rater_company")) for r in rows] if has_rc else None,
            note=[str(r.get("note") or "") for r in rows] if any("note" in r for r in rows)
            else None,
            origin=origin,
        )

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str], *, encoding: str | None = None) -> Ratings:
        """Ratings from a CSV file with a header row naming the columns.

        The encoding is UTF-8 (with or without BOM) or, failing that, GB18030 (a superset of GBK,
        as Chinese spreadsheets export); pass ``encoding`` to force one. Row numbers in messages
        are the file's line numbers.
        """
        name = str(path)
        header, body, lines = _read_table(path, REQUIRED, OPTIONAL, encoding=encoding)
        cols = list(zip(*body, strict=True)) if body else [() for _ in header]
        col = {h: np.array(c, dtype=str) for h, c in zip(header, cols, strict=True)}
        return cls.from_columns(
            company=col["company"], source=col["source"], rater=col["rater"],
            indicator=col["indicator"], value=col["value"],
            rater_company=col.get("rater_company"), note=col.get("note"),
            row=np.asarray(lines, dtype=np.int64), origin=name,
        )

    @classmethod
    def from_frame(cls, frame: Any, *, origin: str = "<frame>") -> Ratings:
        """Ratings from a pandas DataFrame with the columns of the long format."""
        try:
            import pandas  # noqa: F401  (only to give a clear message when it is missing)
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError(
                "Ratings.from_frame() needs pandas: pip install 'red-property[pandas]'"
            ) from None
        missing = [c for c in REQUIRED if c not in frame.columns]
        if missing:
            raise RatingsError([Problem(f"missing column {c!r}", path=c, file=origin)
                                for c in missing], file=origin)
        unknown = [str(c) for c in frame.columns if c not in REQUIRED + OPTIONAL]
        if unknown:
            raise RatingsError([Problem(f"unknown column {c!r}; columns are "
                                        f"{', '.join(REQUIRED + OPTIONAL)}", path=c, file=origin)
                                for c in unknown], file=origin)
        get = {c: frame[c].to_numpy() for c in frame.columns}
        value = frame["value"].to_numpy(dtype=object, na_value=np.nan)
        return cls.from_columns(
            company=get["company"], source=get["source"], rater=get["rater"],
            indicator=get["indicator"], value=value, rater_company=get.get("rater_company"),
            note=get.get("note"), row=np.arange(1, len(frame) + 1), origin=origin,
        )


def _read_table(path: str | os.PathLike[str], required: tuple[str, ...],
                optional: tuple[str, ...], *, encoding: str | None = None
                ) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, rows and line numbers of a CSV file, its columns checked: every problem (a missing,
    unknown or repeated column; a row with too many or too few fields) reported at once. Blank
    lines are skipped."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RatingsError([Problem(f"cannot read: {exc.strerror or exc}", file=name)],
                           file=name) from None
    reader = csv.reader(io.StringIO(_decode(data, name, encoding), newline=""))
    first = next(_records(reader, name), None)
    if first is None:
        raise RatingsError([Problem("the file is empty; it needs a header row", file=name)],
                           file=name)
    header = [h.strip().lstrip("\ufeff") for h in first]
    known = required + optional
    problems = [Problem(f"missing column {c!r}; the header needs {', '.join(required)}",
                        file=name, row=1, path=c) for c in required if c not in header]
    problems += [Problem(f"unknown column {c!r}; columns are {', '.join(known)}", file=name,
                         row=1, path=c) for c in header if c not in known]
    problems += [Problem(f"column {c!r} appears {header.count(c)} times; keep one", file=name,
                         row=1, path=c) for c in sorted(set(header)) if header.count(c) > 1]
    if problems:
        raise RatingsError(problems, file=name)
    body: list[list[str]] = []
    lines: list[int] = []
    for record in _records(reader, name):
        if not record or all(not c.strip() for c in record):
            continue
        if len(record) != len(header):
            problems.append(Problem(f"{len(record)} fields, the header has {len(header)}",
                                    file=name, row=reader.line_num))
            continue
        body.append(record)
        lines.append(reader.line_num)
    if problems:
        raise RatingsError(problems, file=name)
    return header, body, lines


def _records(reader: Any, name: str) -> Iterator[list[str]]:
    """The rows of a csv reader, its parse errors turned into located RatingsErrors."""
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise RatingsError([Problem(f"not readable as CSV: {exc}", file=name,
                                        row=reader.line_num)], file=name) from None
        yield record


def as_ratings(ratings: Ratings | str | os.PathLike[str] | Any) -> Ratings:
    """Ratings from Ratings, a CSV file, or a pandas DataFrame."""
    if isinstance(ratings, Ratings):
        return ratings
    if isinstance(ratings, (str, os.PathLike)):
        return Ratings.from_csv(ratings)
    if hasattr(ratings, "columns") and hasattr(ratings, "to_numpy"):
        return Ratings.from_frame(ratings)
    raise TypeError(f"ratings must be Ratings, a CSV path or a DataFrame, not "
                    f"{type(ratings).__name__}")


def _plain_value(v: Any) -> Any:
    return v if isinstance(v, (int, float, str)) and not isinstance(v, bool) else str(v)


def _decode(data: bytes, name: str, encoding: str | None) -> str:
    tries = (encoding,) if encoding else _ENCODINGS
    for enc in tries:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    raise RatingsError([Problem(f"cannot decode as {' or '.join(tries)}; save it as UTF-8 or "
                                "pass encoding=", file=name)], file=name)


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
    items = [tuple(x) for x in claims]
    return _claims(items, list(range(1, len(items) + 1)), "<claims>")


def _claims(items: Sequence[tuple[Any, Any]], rows: Sequence[int], origin: str) -> Claims:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    companies: list[str] = []
    stars: list[int] = []
    for (company, value), row in zip(items, rows, strict=True):
        company = str(company).strip()
        try:
            if isinstance(value, bool):
                raise TypeError
            level = int(float(value)) if isinstance(value, str) else int(value)
            if float(value) != level:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(Problem(f"stars must be a whole number, not {value!r}", row=row,
                                    path="stars", file=origin))
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
        return _companies([(str(k), str(v), "") for k, v in companies.items()], None, "<companies>")
    if isinstance(companies, (str, os.PathLike)):
        header, body, lines = _read_table(companies, ("company",), ("name", "district"))
        recs = [dict(zip(header, (c.strip() for c in r), strict=True)) for r in body]
        items = [(r["company"], r.get("name", ""), r.get("district", "")) for r in recs]
        return _companies(items, lines, str(companies))
    return _companies([(str(c), "", "") for c in companies], None, "<companies>")


def _companies(items: Sequence[tuple[str, str, str]], rows: Sequence[int] | None, origin: str
               ) -> Companies:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    lines = rows if rows is not None else range(1, len(items) + 1)
    for (company, _, _), row in zip(items, lines, strict=True):
        if not company.strip():
            problems.append(Problem("empty company id", row=row, path="company", file=origin))
        elif company in seen:
            problems.append(Problem(f"{company!r} is listed twice (first at row {seen[company]})",
                                    row=row, path="company", file=origin))
        else:
            seen[company] = row
    if problems:
        raise RatingsError(problems, file=origin)
    return Companies(
        ids=tuple(c for c, _, _ in items),
        names={c: n for c, n, _ in items if n},
        districts={c: d for c, _, d in items if d},
        origin=origin,
    )
