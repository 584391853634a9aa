"""Columns of ids or values from data frames and Arrow to integer codes and sorted labels,
without a string per row.

A column may come as a pandas Series (object, string, categorical or Arrow-backed), a pyarrow
Array or ChunkedArray (dictionary-encoded or not), a polars Series, or a numpy object array of
text. Each is turned into ``(codes, labels)`` with ``labels[codes]`` the column's ids as text and
``labels`` sorted:

* categorical and dictionary columns keep their codes; only their categories are looked at;
* text columns are factorised with pyarrow's hash table (``dictionary_encode``) when the
  ``fast`` extra is installed; otherwise :mod:`red_property._columns` does it with a Python dict,
  one lookup per cell;
* only distinct values are ever turned into text, so memory grows with the distinct labels,
  not with rows × longest label.

The rules for what an id or a number is stay in :mod:`red_property.cells` and
:mod:`red_property._columns`; this module only decides how fast the distinct entries are found.
pyarrow is imported only here and only when a column needs it. Setting the environment variable
``RED_PROPERTY_NO_ARROW=1`` switches it off everywhere (the built-in paths are then used).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from importlib.util import find_spec
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]
ObjArray = npt.NDArray[np.object_]
Coded = tuple[IntArray, StrArray]

#: The environment variable that turns the pyarrow paths off.
NO_ARROW = "RED_PROPERTY_NO_ARROW"


def arrow() -> ModuleType | None:
    """pyarrow, when installed and not switched off with ``RED_PROPERTY_NO_ARROW=1``."""
    if os.environ.get(NO_ARROW, "") not in ("", "0"):
        return None
    try:
        import pyarrow
    except ImportError:
        return None
    module: ModuleType = pyarrow
    return module


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _module(values: Any) -> str:
    return type(values).__module__.split(".", 1)[0]


def foreign(values: Any) -> bool:
    """A column of pandas, polars or pyarrow (not a numpy array or a Python sequence)."""
    return _module(values) in ("pandas", "pyarrow", "polars")


def labels_from_rows(values: Any) -> bool:
    """Whether :func:`id_codes` finds every label of the foreign column ``values`` among its
    rows (text or numbers, hashed cell by cell), so that no label goes unused; False for
    categorical and dictionary columns, whose categories may hold more."""
    kind = _module(values)
    if kind == "pandas":
        dtype = str(values.dtype)
        return dtype != "category" and "dictionary" not in dtype
    if kind == "pyarrow":
        return "dictionary" not in str(values.type)
    return False  # polars: categorical dtypes vary by version; counting is cheap enough


def id_codes(values: Any, objects: Callable[[ObjArray], Coded]) -> Coded:
    """Codes and sorted labels of a column of ids; ``objects`` codes an object array (with the
    rules of :mod:`red_property._columns`)."""
    kind = _module(values)
    if kind == "pandas":
        return _pandas_codes(values, objects)
    if kind == "polars":
        values = values.to_arrow()
    if kind in ("pyarrow", "polars"):
        return _arrow_codes(values, objects)
    arr = np.asarray(values)
    if arr.dtype.kind == "O":
        return objects(arr)
    from ._codes import factorize
    from ._columns import as_ids

    return factorize(arr if arr.dtype.kind == "U" else as_ids(arr))


def text_codes(arr: ObjArray) -> Coded | None:
    """Codes and sorted labels of an object array that holds only text (and missing entries,
    coded as ""), by pyarrow's hash table, or by pandas' when pandas is already imported (it
    hashes the Python strings themselves, without converting them first); None when pyarrow is
    off or a cell is not text."""
    pa = arrow()
    if pa is not None and "pandas" in sys.modules:
        coded = _pandas_text_codes(arr, sys.modules["pandas"])
        if coded is not None:
            return coded
    if pa is None or ("pandas" not in sys.modules and find_spec("pandas") is not None):
        return None  # pyarrow converts Python objects only after importing pandas (~0.4 s)
    try:
        encoded = pa.array(arr, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return None
    if not (pa.types.is_string(encoded.type) or pa.types.is_large_string(encoded.type)):
        return None  # numbers, bytes or mixed cells: the built-in path applies the rules
    codes, words = _words(encoded, pa)
    return _relabel(codes, words, mine=True)


def _pandas_text_codes(arr: ObjArray, pd: ModuleType) -> Coded | None:
    """:func:`text_codes` by ``pandas.factorize``, for a column without missing entries whose
    distinct cells are all text; None otherwise (pyarrow's reading of missing entries applies)."""
    try:
        codes, uniques = pd.factorize(arr)
    except (TypeError, ValueError):  # unhashable cells
        return None
    words = uniques.tolist()
    if not words or (codes < 0).any() or not all(isinstance(w, str) for w in words):
        return None
    return _relabel(np.asarray(codes, dtype=np.int64), [str(w) for w in words], mine=True)


def foreign_numbers(values: Any) -> tuple[FloatArray, ObjArray | None] | None:
    """Values of a pandas, polars or pyarrow column: numbers as they are (missing as NaN, an
    empty cell), each distinct text parsed once by the library's number grammar. None when the
    column needs the cell-by-cell rules (booleans, mixed objects)."""
    kind = _module(values)
    if kind == "pandas":
        if getattr(values.dtype, "kind", "O") in "fiu":
            return values.to_numpy(dtype=np.float64, na_value=np.nan), None
        pa = arrow()
        if pa is None or str(values.dtype) == "category":
            return None
        try:
            values = pa.array(values, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
            return None
    elif kind == "polars":
        values = values.to_arrow()
    pa = arrow() or _import_arrow()
    if isinstance(values, pa.ChunkedArray):
        values = one_chunk(values, pa)
    kind_of = values.type.value_type if pa.types.is_dictionary(values.type) else values.type
    if pa.types.is_integer(kind_of) or pa.types.is_floating(kind_of):
        if pa.types.is_dictionary(values.type):
            values = values.cast(kind_of)
        filled = values.cast(pa.float64()).fill_null(float("nan"))
        return _float_buffer(filled), None
    if not (pa.types.is_string(kind_of) or pa.types.is_large_string(kind_of)
            or str(kind_of) == "string_view"):
        return None
    codes, words = _words(values, pa)
    from ._columns import _to_float

    labels = np.array(words, dtype=str) if words else np.zeros(0, dtype="<U1")
    distinct, text = _to_float(labels, np.arange(1, len(words) + 1), "<values>")
    if text is None or not (text != "").any():
        return distinct[codes], None
    return distinct[codes], text[codes]


def foreign_cells(values: Any) -> ObjArray:
    """A pandas, polars or pyarrow column as an object array of its cells (missing as NaN)."""
    if _module(values) == "pandas":
        return np.asarray(values.to_numpy(dtype=object, na_value=np.nan), dtype=object)
    if _module(values) == "polars":
        values = values.to_arrow()
    return np.array([np.nan if v is None else v for v in values.to_pylist()], dtype=object)


def _float_buffer(values: Any) -> FloatArray:
    data = values.buffers()[1]
    if data is None or len(values) == 0:
        return np.zeros(0, dtype=np.float64)
    return np.frombuffer(data, dtype=np.float64, count=len(values),
                         offset=values.offset * 8).copy()


def int_codes(indices: Any, pa: ModuleType) -> IntArray:
    """An Arrow integer array as int64 codes, nulls as -1, read from its buffer (pyarrow's own
    conversion would import pandas)."""
    if indices.null_count:
        indices = indices.fill_null(-1)
    width = indices.type.bit_width // 8
    kind = "i" if pa.types.is_signed_integer(indices.type) else "u"
    data = indices.buffers()[1]
    if data is None or len(indices) == 0:
        return np.zeros(0, dtype=np.int64)
    raw = np.frombuffer(data, dtype=np.dtype(f"{kind}{width}"), count=len(indices),
                        offset=indices.offset * width)
    return raw.astype(np.int64)


def _import_arrow() -> ModuleType:
    import pyarrow

    module: ModuleType = pyarrow
    return module


def one_chunk(values: Any, pa: ModuleType) -> Any:
    """A ChunkedArray as one array (its chunks' dictionaries unified beforehand)."""
    if values.num_chunks == 1:
        return values.chunk(0)
    return values.combine_chunks() if values.num_chunks else pa.array([], values.type)


def _relabel(codes: IntArray, texts: list[str], *, mine: bool = False) -> Coded:
    """Codes into ``texts`` (one entry per distinct key) to codes into its sorted distinct
    texts (keys that read alike, e.g. 101 and "101", become one label). ``mine``: ``codes``
    is a fresh int64 array, rewritten in place (no second row-sized array)."""
    if not texts:
        return codes.astype(np.int64, copy=False), np.zeros(0, dtype="<U1")
    labels, inverse = np.unique(np.array(texts, dtype=str), return_inverse=True)
    lookup = inverse.reshape(-1).astype(np.int64)
    if mine:  # every code is a valid index: "clip" takes element by element, unbuffered
        return np.take(lookup, codes, out=codes, mode="clip"), labels
    return lookup[codes], labels


def dictionary(values: Any, pa: ModuleType) -> Any:
    """An Arrow column of text as one dictionary array, a null an entry of its own."""
    if isinstance(values, pa.ChunkedArray):
        values = one_chunk(values, pa)
    if not pa.types.is_dictionary(values.type):
        values = values.dictionary_encode(null_encoding="encode")
    return values


def _words(values: Any, pa: ModuleType) -> tuple[IntArray, list[str]]:
    """Codes and distinct texts of an Arrow column of text (a null is an empty cell)."""
    values = dictionary(values, pa)
    codes = int_codes(values.indices, pa)
    words = ["" if w is None else str(w) for w in values.dictionary.to_pylist()]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(words), codes)
        words.append("")
    return codes, words


def _arrow_codes(values: Any, objects: Callable[[ObjArray], Coded]) -> Coded:
    pa = arrow() or _import_arrow()
    if isinstance(values, pa.ChunkedArray):
        values = one_chunk(values, pa)
    kind_of = values.type.value_type if pa.types.is_dictionary(values.type) else values.type
    if pa.types.is_string(kind_of) or pa.types.is_large_string(kind_of) or str(
            kind_of) == "string_view":
        codes, words = _words(values, pa)
        return _relabel(codes, words, mine=True)
    if pa.types.is_dictionary(values.type):  # codes kept; the categories coded by the rules
        cat_codes, cat_labels = objects(np.array(values.dictionary.to_pylist(), dtype=object))
        codes = int_codes(values.indices, pa)
        texts = cat_labels[cat_codes].tolist()
        if (codes < 0).any():
            codes = np.where(codes < 0, len(texts), codes)
            texts.append("")
        return _relabel(codes, texts)
    return objects(np.array(values.to_pylist(), dtype=object))


def _pandas_codes(values: Any, objects: Callable[[ObjArray], Coded]) -> Coded:
    dtype = values.dtype
    if str(dtype) == "category":  # codes kept; the categories coded by the rules
        codes = np.asarray(values.cat.codes.to_numpy(), dtype=np.int64)
        cat_codes, cat_labels = id_codes(values.cat.categories.to_numpy(), objects)
        texts = cat_labels[cat_codes].tolist()
        if (codes < 0).any():  # NaN in a categorical: a missing id
            codes = np.where(codes < 0, len(texts), codes)
            texts.append("")
        return _relabel(codes, texts)
    pa = arrow()
    if pa is not None and ("pyarrow" in str(dtype) or getattr(dtype, "storage", "") == "pyarrow"):
        return _arrow_codes(pa.array(values), objects)
    if getattr(dtype, "kind", "O") in "iufb" and not hasattr(dtype, "na_value"):
        return id_codes(values.to_numpy(), objects)
    if getattr(dtype, "kind", "O") in "iu":  # nullable integers: exact, NA as a missing id
        return objects(values.to_numpy(dtype=object, na_value=None))
    if getattr(dtype, "kind", "O") == "f":  # nullable floats: NA as NaN
        return id_codes(values.to_numpy(dtype=np.float64, na_value=np.nan), objects)
    return objects(values.to_numpy(dtype=object, na_value=None))
