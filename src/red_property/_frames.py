"""Columns of a data frame, whatever library made it: pandas, polars, pyarrow, or any object
that offers the Arrow PyCapsule stream interface (``__arrow_c_stream__``).

Columns are handed on as they are (a pandas Series, a pyarrow ChunkedArray), so that
:mod:`red_property._factorize` can keep categorical and dictionary codes instead of turning each
row back into a string.
"""

from __future__ import annotations

from typing import Any

from ._factorize import arrow, cores, dictionary
from ._headers import spelled_like, unknown_column
from .errors import Problem, RatingsError


def _module(obj: Any) -> str:
    return type(obj).__module__.split(".", 1)[0]


def is_frame(obj: Any) -> bool:
    """A pandas or polars DataFrame, a pyarrow Table or RecordBatch, or an Arrow stream."""
    if _module(obj) in ("pandas", "polars") and hasattr(obj, "columns"):
        return True
    return hasattr(obj, "__arrow_c_stream__") or (
        _module(obj) == "pyarrow" and hasattr(obj, "column_names"))


def frame_columns(frame: Any, columns: tuple[str, ...], optional: tuple[str, ...],
                  origin: str) -> tuple[dict[str, Any], int]:
    """The frame's columns by name and its number of rows; a missing or unknown column is a
    RatingsError naming all of them."""
    kind = _module(frame)
    if kind == "pandas":
        names = [str(c) for c in frame.columns]
        table = None
    else:
        table = _arrow_table(frame, kind)
        names = [str(c) for c in table.column_names]
    known = columns + optional
    unknown = [unknown_column(c, known, file=origin) for c in names if c not in known]
    renamed = {spelled_like(c, known) for c in names if c not in known}
    missing = [Problem(f"missing column {c!r}", path=c, file=origin) for c in columns
               if c not in names and c not in renamed]
    twice = [Problem(f"column {c!r} appears {names.count(c)} times; keep one", path=c,
                     file=origin) for c in sorted(set(names)) if names.count(c) > 1]
    if missing or unknown or twice:
        raise RatingsError(missing + unknown + twice, file=origin)
    if table is None:
        return {c: frame[c] for c in names}, len(frame)
    return _encoded(table, [c for c in names if c != "note"]), int(table.num_rows)


#: Rows from which the text columns of an Arrow table are encoded on several threads.
PARALLEL_ROWS = 100_000


def _encoded(table: Any, coded: list[str]) -> dict[str, Any]:
    """The table's columns by name, the text columns among ``coded`` dictionary-encoded several
    at once (Arrow's hash table runs without the GIL: each column costs about 12 ms per
    million rows, most of the time of an Arrow table's way to stars) when there are many
    rows and more than one core. The codes and labels are those each column would get alone."""
    columns = {c: table.column(c) for c in table.column_names}
    pa = arrow()
    n_cores = cores()
    if pa is None or n_cores < 2 or table.num_rows < PARALLEL_ROWS:
        return columns
    texts = [c for c in coded if pa.types.is_string(columns[c].type)
             or pa.types.is_large_string(columns[c].type)]
    if len(texts) < 2:
        return columns
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(min(len(texts), n_cores)) as pool:
        encoded = pool.map(lambda name: dictionary(columns[name], pa), texts)
        columns.update(zip(texts, encoded, strict=True))
    return columns


def _arrow_table(frame: Any, kind: str) -> Any:
    if kind == "polars" and hasattr(frame, "to_arrow"):
        return frame.to_arrow()
    if kind == "pyarrow" and hasattr(frame, "column_names"):
        return frame
    if not hasattr(frame, "__arrow_c_stream__"):
        raise TypeError(f"ratings must be Ratings, a file path or a data frame, not "
                        f"{type(frame).__name__}")
    pa = arrow()
    if pa is None:
        raise ImportError("reading an Arrow stream needs pyarrow: "
                          "pip install 'red-property[fast]'")
    return pa.table(frame)
