"""Any column of ids or values to integer codes and sorted labels, without a string per row.

A column may come as a numpy array (unicode, object, numbers), a list, a pandas Series (object,
string, categorical or Arrow-backed), a pyarrow Array or ChunkedArray (dictionary-encoded or
not) or a polars Series. Each is turned into ``(codes, labels)`` with ``labels[codes]`` the
column's ids as text, exactly as :func:`red_property.ratings.as_ids` would write them, and
``labels`` sorted:

* categorical and dictionary columns keep their codes; only their categories are looked at;
* object columns are factorised with a hash table (pyarrow's ``dictionary_encode`` when the
  ``fast`` extra is installed, a Python dict otherwise); only the distinct values are turned
  into text, so memory grows with the distinct labels, not with rows × longest label;
* numeric columns are factorised as numbers, and only the distinct numbers written as text.

pyarrow is imported only here and only when a column needs it. Setting the environment variable
``RED_PROPERTY_NO_ARROW=1`` switches it off (the pure numpy paths are then used everywhere).
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["arrow", "id_codes", "int_codes", "numbers"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]
ObjArray = npt.NDArray[np.object_]

#: The switch that turns the pyarrow paths off.
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


def _module(values: Any) -> str:
    return type(values).__module__.split(".", 1)[0]


def id_codes(values: Any) -> tuple[IntArray, StrArray]:
    """Codes and sorted labels of a column of ids (labels as :func:`as_ids` writes them)."""
    kind = _module(values)
    if kind == "pandas":
        return _pandas_codes(values)
    if kind == "pyarrow":
        return _arrow_codes(values)
    if kind == "polars":
        return _arrow_codes(values.to_arrow())
    arr = np.asarray(values) if not isinstance(values, np.ndarray) else values
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    if arr.dtype.kind == "U":
        from .ratings import factorize

        return factorize(arr)
    if arr.dtype.kind == "O":
        return _object_codes(arr)
    return _numeric_codes(arr)


def numbers(values: Any) -> tuple[FloatArray, ObjArray | None]:
    """Numeric values, and the text of the entries that are not numbers (None when the column
    is numeric): each distinct text is read once, by the library's one number grammar."""
    kind = _module(values)
    if kind == "pandas":
        if getattr(values.dtype, "kind", "O") in "fiu" and not values.hasnans:
            return values.to_numpy(dtype=np.float64), None
        values = values.to_numpy(dtype=object, na_value=np.nan)
    elif kind == "polars":
        values = values.to_arrow()
        kind = "pyarrow"
    if kind == "pyarrow":
        pa = arrow() or _import_arrow()
        if pa.types.is_integer(values.type) or pa.types.is_floating(values.type):
            return np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64), None
        codes, words = _arrow_words(values, pa)
        return _spread(np.array(words, dtype=str), codes)
    arr = np.asarray(values) if not isinstance(values, np.ndarray) else values
    if arr.dtype.kind in "fiub":
        return arr.astype(np.float64, copy=False), None
    codes, labels = _raw_codes(arr)
    return _spread(labels, codes)


def _spread(labels: npt.NDArray[Any], codes: IntArray) -> tuple[FloatArray, ObjArray | None]:
    """Each distinct text read once, by the library's one number grammar, then spread to the
    rows; no text column when every entry is a number."""
    from .ratings import _to_float

    distinct, text = _to_float(labels)
    if text is None or not (text != "").any():
        return distinct[codes], None
    return distinct[codes], text[codes]


def _raw_codes(arr: npt.NDArray[Any]) -> tuple[IntArray, npt.NDArray[Any]]:
    """Codes and distinct entries, entries kept as they are (for values: text as written)."""
    if arr.dtype.kind == "U":
        from .ratings import factorize

        return factorize(arr)
    try:
        items = arr.tolist()
        keys = list(dict.fromkeys(items))
        if not any(isinstance(k, (bool, np.bool_)) for k in keys):
            index = dict(zip(keys, range(len(keys)), strict=True))
            codes = np.fromiter(map(index.__getitem__, items), np.int64, count=len(items))
            return codes, np.array([_value_text(k) for k in keys], dtype=str)
    except (TypeError, ValueError):  # unhashable or incomparable entries
        pass
    return np.arange(arr.shape[0], dtype=np.int64), np.array(
        [_value_text(v) for v in arr.tolist()], dtype=str)


def _value_text(v: Any) -> str:
    return v if type(v) is str else str(v)


def _relabel(codes: IntArray, texts: list[str]) -> tuple[IntArray, StrArray]:
    """Codes into ``texts`` (one entry per distinct key) to codes into its sorted distinct
    texts (keys that read alike, e.g. 101 and "101", become one label)."""
    if not texts:
        return codes.astype(np.int64, copy=False), np.zeros(0, dtype="<U1")
    labels, inverse = np.unique(np.array(texts, dtype=str), return_inverse=True)
    return inverse.reshape(-1).astype(np.int64)[codes], labels


def _object_codes(arr: ObjArray) -> tuple[IntArray, StrArray]:
    pa = arrow()
    if pa is not None:
        try:
            encoded = pa.array(arr, type=pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass  # not all text: the dict path writes each distinct entry as an id
        else:
            return _arrow_codes(encoded)
    from .ratings import _id_text

    try:
        items = arr.tolist()
        keys = list(dict.fromkeys(items))
        if not any(isinstance(k, (bool, np.bool_)) for k in keys):  # True == 1 as a dict key
            index = dict(zip(keys, range(len(keys)), strict=True))
            codes = np.fromiter(map(index.__getitem__, items), np.int64, count=len(items))
            return _relabel(codes, [k if type(k) is str else _id_text(k) for k in keys])
    except (TypeError, ValueError):  # unhashable entries, or NA compared on a hash clash
        pass
    from .ratings import as_ids, factorize

    return factorize(as_ids(arr))


def _numeric_codes(arr: npt.NDArray[Any]) -> tuple[IntArray, StrArray]:
    from .ratings import as_ids

    keys, inverse = np.unique(arr, return_inverse=True)
    return _relabel(inverse.reshape(-1).astype(np.int64), as_ids(keys).tolist())


def int_codes(indices: Any, pa: ModuleType) -> IntArray:
    """An Arrow integer array as int64 codes, nulls as -1, read from its buffer (pyarrow's own
    conversion would import pandas)."""
    if indices.null_count:
        indices = indices.fill_null(-1)
    width = indices.type.bit_width
    kind = "i" if pa.types.is_signed_integer(indices.type) else "u"
    data = indices.buffers()[1]
    if data is None or len(indices) == 0:
        return np.zeros(0, dtype=np.int64)
    raw = np.frombuffer(data, dtype=np.dtype(f"{kind}{width // 8}"), count=len(indices),
                        offset=indices.offset * (width // 8))
    return raw.astype(np.int64)


def _import_arrow() -> ModuleType:
    import pyarrow

    module: ModuleType = pyarrow
    return module


def _arrow_words(values: Any, pa: ModuleType) -> tuple[IntArray, list[str]]:
    """Codes and distinct texts of an Arrow column of text (a null is an empty cell)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], values.type)
    if not pa.types.is_dictionary(values.type):
        values = values.cast(pa.string()).dictionary_encode(null_encoding="encode")
    codes = int_codes(values.indices, pa)
    words = ["" if w is None else str(w) for w in values.dictionary.to_pylist()]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(words), codes)
        words.append("")
    return codes, words


def _arrow_codes(values: Any) -> tuple[IntArray, StrArray]:
    pa = arrow() or _import_arrow()
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], values.type)
    if not pa.types.is_dictionary(values.type):
        if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
                or str(values.type) == "string_view"):
            plain = values.to_numpy(zero_copy_only=False)
            return id_codes(np.asarray(plain, dtype=object if plain.dtype.kind == "O"
                                       else plain.dtype))
        values = values.dictionary_encode(null_encoding="encode")
    codes = int_codes(values.indices, pa)
    from .ratings import _id_text

    words = values.dictionary.to_pylist()
    texts = [w if type(w) is str else _id_text(w) for w in words]
    if (codes < 0).any():  # a null index: a missing id
        codes = np.where(codes < 0, len(texts), codes)
        texts.append("")
    return _relabel(codes, texts)


def _pandas_codes(values: Any) -> tuple[IntArray, StrArray]:
    dtype = values.dtype
    if str(dtype) == "category":
        codes = np.asarray(values.cat.codes.to_numpy(), dtype=np.int64)
        cat_codes, cat_labels = id_codes(values.cat.categories.to_numpy())
        texts = cat_labels[cat_codes].tolist()
        if (codes < 0).any():  # NaN in a categorical: a missing id
            codes = np.where(codes < 0, len(texts), codes)
            texts.append("")
        return _relabel(codes, texts)
    if getattr(dtype, "kind", "O") in "iufb" and not hasattr(dtype, "na_value"):
        return id_codes(values.to_numpy())
    pa = arrow()
    if pa is not None and ("pyarrow" in str(dtype) or getattr(dtype, "storage", "") == "pyarrow"):
        return _arrow_codes(pa.array(values))
    if getattr(dtype, "kind", "O") in "iuf":  # nullable numbers: NA as NaN
        return id_codes(values.to_numpy(dtype=np.float64, na_value=np.nan))
    return id_codes(values.to_numpy(dtype=object, na_value=None))

