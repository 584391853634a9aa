"""Text columns to integer codes and sorted labels (``labels[codes] == values``), vectorised.

:func:`factorize` is the built-in path for numpy text columns: runs, cycles and a sampled label
set keep it fast on real ratings tables, and a final check keeps it exact. Short ASCII ids take
the hash table of :func:`red_property._ascii_codes.ascii_codes`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ._ascii_codes import ascii_codes
from ._distinct import sorted_distinct

IntArray = npt.NDArray[np.int64]
StrArray = npt.NDArray[np.str_]

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
    short = ascii_codes(arr)  # short ASCII ids: a hash table, no string comparisons
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
