"""Exact tests of distinctness over row keys, without sorting 64-bit keys.

The row checks ask two questions of every season: does any key repeat (a rater rating one
company on one indicator twice), and does any group hold two values (a rater named with two
companies, or in two sources)? Both answers are exact; only the clean case is made fast, and a
caller that gets ``True`` finds the offending rows its own, slower way.

* :func:`value_of_each` writes each row's value into its group's slot and reads it back: every
  slot ends up holding one of its group's values, so a group with two values has a row that
  disagrees, whatever order the writes took.
* :func:`sorted_distinct` is ``np.unique`` without its first-use import of numpy.ma.
* :func:`has_repeats` sorts 32-bit keys (three times cheaper than 64-bit ones): the keys
  themselves when they fit, else a multiplicative hash of them. Equal keys hash alike, so no
  repeated hash means no repeated key; rows whose hash does repeat are compared on their full
  keys.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

#: An odd 64-bit multiplier (the golden ratio's fraction): spreads keys over the high bits.
_MIX = np.uint64(0x9E3779B97F4A7C15)
#: Bits of the table that picks out the rows whose hash repeats.
_TABLE_BITS = 20


def sorted_distinct(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``np.unique(values)`` of a 1-D array, by a sort: plain ``np.unique`` imports numpy.ma
    on first use (tens of milliseconds of every command-line run)."""
    ordered = np.sort(values)
    if ordered.size < 2:
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def value_of_each(group: IntArray, value: IntArray, n_groups: int) -> IntArray | None:
    """The one value each group (``0 <= group < n_groups``) holds (-1 for a group without
    rows; ``value`` is non-negative), or None when some group holds two different values."""
    slot = np.full(n_groups, -1, dtype=np.int64)
    slot[group] = value
    return slot if np.array_equal(slot[group], value) else None


def has_repeats(key: IntArray) -> bool:
    """Whether two entries of ``key`` (non-negative integers) are equal."""
    if key.size < 2:
        return False
    if int(key.max()) < 2**32:
        ordered = np.sort(key.astype(np.uint32))
        return bool((ordered[1:] == ordered[:-1]).any())
    mixed = key.view(np.uint64) * _MIX
    mixed >>= np.uint64(32)
    hashed = mixed.astype(np.uint32)
    suspect = suspect_rows(hashed)
    if suspect is None:
        return False
    exact = np.sort(key[suspect(hashed)])
    return bool((exact[1:] == exact[:-1]).any())


def suspect_rows(hashed: npt.NDArray[np.uint32]
                 ) -> Callable[[npt.NDArray[np.uint32]], npt.NDArray[np.bool_]] | None:
    """None when no two of the 32-bit ``hashed`` keys are equal; else a test that marks, in any
    slice of them, the rows whose hash repeats (and a few more sharing the repeat's slot of a
    2**20 table): the only rows to compare on their full keys."""
    ordered = np.sort(hashed)
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return None
    shift = np.uint32(32 - _TABLE_BITS)
    table = np.zeros(1 << _TABLE_BITS, dtype=bool)
    table[ordered[1:][same] >> shift] = True
    return lambda part: np.asarray(table[part >> shift])
