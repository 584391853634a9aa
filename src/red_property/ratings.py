"""Ratings: one value given by one rater to one company on one indicator, held as columns.

:class:`Ratings` knows nothing of rubrics; it holds the input as read, with every row's origin
(its row number) kept so that later problems can point at it.
:func:`red_property.checking.check_ratings` matches the rows to a compiled rubric
(:class:`~red_property.plan.Plan`): every row is either kept or accounted for as a problem (an
error, or a row dropped by the rubric's declared policy). The season's other inputs are values
here too: :class:`Claims` (the stars each company claims) and :class:`Companies` (the season's
companies), read by :mod:`red_property._claims_companies`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ._columns import _code_ids, _column, _is_missing, _to_float
from ._distinct import sorted_distinct
from ._factorize import foreign
from ._headers import spelled_like, unknown_column
from .errors import Problem, RatingsError, rows_text

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]

REQUIRED = ("company", "source", "rater", "indicator", "value")
OPTIONAL = ("rater_company", "note")


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
        tables = [k for k, v in cols.items()
                  if foreign(v) and (hasattr(v, "columns") or hasattr(v, "column_names"))]
        if tables:
            raise RatingsError([Problem(f"{k} is a whole table, not a column: pass one of its "
                                        "columns, or the table itself to Ratings.from_frame",
                                        path=k, file=origin) for k in tables], file=origin)
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
        _check_records(rows, origin)
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
        it, or from an Excel workbook (the first sheet, or ``sheet``: its name, its index from 0,
        or its position from 1 written as text, as the command line's ``--sheet 2``; needs the
        ``excel`` extra).

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


def _check_records(rows: list[Any], origin: str) -> None:
    """A RatingsError for records that are not mappings, lack a field or hold an unknown one:
    one problem per cause with its rows (a field missing from every record is one line, not
    one a record)."""
    known = REQUIRED + OPTIONAL
    causes: dict[tuple[str, str], list[int]] = {}
    for k, rec in enumerate(rows, start=1):
        if not isinstance(rec, Mapping):
            causes.setdefault(("type", type(rec).__name__), []).append(k)
            continue
        renamed = {spelled_like(str(c), known) for c in rec if c not in known}
        for c in REQUIRED:
            if rec.get(c) is None and c not in renamed:  # not when misspelled: said below
                causes.setdefault(("missing", c), []).append(k)
        for c in rec:
            if c not in known:
                causes.setdefault(("unknown", str(c)), []).append(k)
    problems = []
    for (kind, what), at in causes.items():
        where = f" ({rows_text(at, len(at))})" if len(at) > 1 else ""
        if kind == "type":
            problems.append(Problem(f"a record is a mapping of {', '.join(REQUIRED)} to their "
                                    f"cells, not a {what}{where}", row=at[0], file=origin))
        elif kind == "missing":
            problems.append(Problem(f"missing {what}{where}", row=at[0], file=origin,
                                    path=what))
        else:
            p = unknown_column(what, known, word="field", row=at[0], file=origin)
            problems.append(Problem(p.message + where, row=at[0], file=origin, path=what))
    if problems:
        raise RatingsError(problems, file=origin)


def as_ratings(ratings: Ratings | str | os.PathLike[str] | Any) -> Ratings:
    """Ratings from Ratings, a CSV or workbook file, a data frame (pandas, polars, pyarrow or
    any Arrow stream), a sequence of records (mappings, as :meth:`Ratings.from_records`) or a
    mapping of column names to columns (as :meth:`Ratings.from_columns`)."""
    if isinstance(ratings, Ratings):
        return ratings
    if isinstance(ratings, (str, os.PathLike)):
        return Ratings.from_csv(ratings)
    from ._frames import is_frame

    if is_frame(ratings):
        return Ratings.from_frame(ratings)
    if isinstance(ratings, Mapping):
        known = REQUIRED + OPTIONAL
        problems = [unknown_column(str(c), known, file="<columns>") for c in ratings
                    if c not in known]
        problems += [Problem(f"missing column {c!r}", path=c, file="<columns>")
                     for c in REQUIRED if c not in ratings
                     and c not in {spelled_like(str(k), known) for k in ratings}]
        if problems:
            raise RatingsError(problems, file="<columns>")
        return Ratings.from_columns(**{str(c): v for c, v in ratings.items()})
    if isinstance(ratings, (list, tuple)):
        return Ratings.from_records(ratings)
    raise TypeError(f"ratings must be Ratings, a file path, a data frame, a list of records "
                    f"or a mapping of columns, not {type(ratings).__name__}")


# --------------------------------------------------------------------------- claims


@dataclass(frozen=True, slots=True)
class Claims:
    """The star level each company claims (对标认领)."""

    company: tuple[str, ...]
    stars: tuple[int, ...]
    row: tuple[int, ...]
    origin: str = "<claims>"

    def as_dict(self) -> dict[str, int]:
        """Claimed stars by company."""
        return dict(zip(self.company, self.stars, strict=True))


# --------------------------------------------------------------------------- companies


@dataclass(frozen=True, slots=True)
class Companies:
    """The companies of a season: ids in order, with optional names and districts."""

    ids: tuple[str, ...]
    names: dict[str, str]
    districts: dict[str, str]
    origin: str = "<companies>"
