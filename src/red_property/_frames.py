"""Columns of a data frame, whatever library made it: pandas, polars, pyarrow, or any object
that offers the Arrow PyCapsule stream interface (``__arrow_c_stream__``).

Columns are handed on as they are (a pandas Series, a pyarrow ChunkedArray), so that
:mod:`red_property._factorize` can keep categorical and dictionary codes instead of turning each
row back into a string.
"""

from __future__ import annotations

from typing import Any

from ._factorize import arrow
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
    return {c: table.column(c) for c in names}, int(table.num_rows)


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
