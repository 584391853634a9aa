"""A clean season proved in one pass over the rows, in blocks that stay in the cache.

The row checks (:mod:`red_property.checking`) test each rule over whole columns. At millions
of rows each such test reads and writes column-sized arrays in memory (a 7.8 M-row season has
62 MB columns), and every column-sized temporary is fresh memory the system must map and
zero. Nearly every season is clean, so this module answers the question the checks ask first,
"is every row good?", in blocks of :data:`BLOCK` rows: each column is read once, the
temporaries stay in the cache, and the rules are tested together on each block.

It only ever proves. When any rule may fail it answers None, and the rule-by-rule checks run
over the whole season: they find, name and count the rows. The rules proved here are those
of a season whose sources and indicators are all known, without a companies table, and
whose options are all named by their labels (or points, where numbers stand for them):
every row's source rates its indicator, every value is a finite number within its
indicator's bounds (whole where the indicator counts), every rater is in one source with one
rater_company, no rater rates a company on an indicator twice, and every peer rater names a
company other than the one it rates.

Repeated rows are found by sorting the low 32 bits of each row's key (the key itself while
the keys fit in 32 bits, as they do up to a few thousand companies): equal keys have equal
low bits, so no repeat among those means no repeated key, and the rows whose low bits do
repeat are compared on their full keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._distinct import sorted_distinct, suspect_rows
from .plan import VALUE_LIMIT, Plan
from .ratings import Ratings

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: Rows per block: a block's int64 temporaries (256 KiB each) stay in a core's cache.
BLOCK = 1 << 15


@dataclass(frozen=True, slots=True)
class Clean:
    """What the pass learnt of a clean season, for the checks and for scoring."""

    cell: IntArray  # per row: (company * sources + source) * indicators + indicator
    rated: npt.NDArray[np.bool_]  # per company label: some row rates it


def blocks(n: int) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` of each block of :data:`BLOCK` rows among ``n``."""
    for a in range(0, n, BLOCK):
        yield a, min(a + BLOCK, n)


def clean_season(plan: Plan, ratings: Ratings, s_map: IntArray, i_map: IntArray,
                 value: FloatArray) -> Clean | None:
    """Proof that every row of ``ratings`` is good under ``plan``, or None when some rule may
    fail. ``s_map`` and ``i_map`` are the plan positions of the source and indicator labels
    (all known), ``value`` the rows' values (an option's label already its position)."""
    n = len(ratings)
    n_s, n_i = len(plan.sources), len(plan.indicators)
    n_r, n_c = len(ratings.rater_labels), len(ratings.company_labels)
    if n == 0 or n_c * n_s * n_i * max(n_r, 1) >= 2**62:
        return None  # nothing to prove, or keys too wide for 64 bits: the checks decide
    stride = n_s + 1
    company, rater, rc = ratings.company, ratings.rater, ratings.rater_company
    used = sorted_distinct(i_map)
    floor, ceiling = float(plan.lower[used].max()), float(plan.upper[used].min())
    floor, ceiling = max(floor, -VALUE_LIMIT), min(ceiling, VALUE_LIMIT)
    integral = plan.integral if bool(plan.integral[used].any()) else None
    covers = None if bool(plan.covers.all()) else plan.covers.ravel()
    peer = bool(plan.peer.any())

    s_same = bool(np.array_equal(s_map, np.arange(s_map.size)))
    i_same = bool(np.array_equal(i_map, np.arange(i_map.size)))
    held = np.full(n_r, -1, dtype=np.int64)
    few_raters = 4 * n_r <= BLOCK
    snapshot = np.empty_like(held)
    cell = np.empty(n, dtype=np.int64)
    hashed = np.empty(n, dtype=np.uint32)
    rated = np.zeros(n_c, dtype=bool)
    for a, b in blocks(n):
        c, r, v = company[a:b], rater[a:b], value[a:b]
        sb = ratings.source[a:b] if s_same else s_map[ratings.source[a:b]]
        ib = ratings.indicator[a:b] if i_same else i_map[ratings.indicator[a:b]]
        lo, hi = v.min(), v.max()  # NaN in a block makes both NaN: no comparison holds
        if not (floor <= lo and hi <= ceiling):
            if not (lo >= -VALUE_LIMIT and hi <= VALUE_LIMIT):
                return None  # not finite, or too large
            if ((v < plan.lower[ib]) | (v > plan.upper[ib])).any():
                return None
        if integral is not None and (integral[ib] & (v != np.round(v))).any():
            return None
        # each row's (rater_company, source) written into its rater's slot and read back,
        # and no slot that earlier blocks filled changed: a rater with two values fails one
        tag = rc[a:b] + 1
        tag *= stride
        tag += sb
        if few_raters:  # compare the slots themselves, before and after
            np.copyto(snapshot, held)
        else:  # compare each row with its slot before
            before = held[r]
            if ((before != tag) & (before >= 0)).any():
                return None  # a rater with two sources or two rater_company values
        held[r] = tag
        if not np.array_equal(held[r], tag):
            return None
        if few_raters and ((held != snapshot) & (snapshot >= 0)).any():
            return None
        if peer and (rc[a:b] == c).any():
            return None  # a self-rating, if its source is a peer source
        rated[c] = True
        key = cell[a:b]
        np.multiply(c, n_s, out=key)
        key += sb
        if covers is not None and not covers[sb * n_i + ib].all():
            return None
        key *= n_i
        key += ib
        full = key * n_r
        full += r
        hashed[a:b] = full  # the low 32 bits: the key itself below 2**32
    if peer:
        present = held >= 0
        source = np.where(present, held % stride, 0)
        if (present & plan.peer[source] & (held // stride == 0)).any():
            return None  # a peer rater without rater_company
    if _repeats(hashed, cell, rater, n_r):
        return None
    return Clean(cell=cell, rated=rated)


def _repeats(hashed: npt.NDArray[np.uint32], cell: IntArray, rater: IntArray, n_r: int
             ) -> bool:
    """Whether two rows share a cell and a rater (``hashed``: the low 32 bits of
    ``cell * n_r + rater``). The rows whose low bits repeat (and a few more sharing the
    table's slot) are compared on their full keys."""
    suspect = suspect_rows(hashed)
    if suspect is None:
        return False
    found = [np.flatnonzero(suspect(hashed[a:b])) + a for a, b in blocks(hashed.size)]
    rows = np.concatenate(found)
    suspects = np.sort(cell[rows] * n_r + rater[rows])
    return bool((suspects[1:] == suspects[:-1]).any())


def scaled_exactly(v: FloatArray, scale: float) -> tuple[FloatArray, float] | None:
    """``round(v * scale)`` and the largest of its absolute values, when every value is
    exactly that integer divided by ``scale`` and the integers' absolute sum over all rows
    stays below 2**53 (so every partial sum of them, in any order, is exact in float64); None
    otherwise (NaN and infinities included)."""
    if v.size == 0:
        return None
    q = np.empty_like(v)
    back = np.empty(min(v.size, BLOCK), dtype=np.float64)
    most = 0.0
    for a, b in blocks(v.size):
        qb = q[a:b]
        np.multiply(v[a:b], scale, out=qb)
        np.round(qb, out=qb)
        most = max(float(qb.max()), -float(qb.min()), most)
        if not most * v.size < 2.0**53:  # also refuses NaN (first in max) and infinities
            return None
        held = back[:b - a]
        np.divide(qb, scale, out=held)
        if not np.array_equal(held, v[a:b]):
            return None
    return q, most


def counted_sums(cell: IntArray, q: FloatArray, most: float, most_rows: int, size: int
                 ) -> tuple[FloatArray, IntArray] | None:
    """Per cell (``0 <= cell < size``), the sum of the integers ``q`` (``|q| <= most``) and
    the number of rows, from one bincount instead of two, when no cell holds more than
    ``most_rows`` rows. Each row weighs its integer plus ``2**k``, more than twice the largest
    sum a cell can reach: a cell's total is ``count * 2**k + sum``, every partial sum an
    integer below 2**53 (so exact, in any order), and the two are told apart exactly in
    integers; ``q`` is left with the power of two added. None (``q`` as it was) when the
    integers are too wide for that."""
    k = int(2 * most * most_rows + 1).bit_length()
    offset = float(2**k)
    if not most_rows * (offset + most) < 2.0**53:
        return None
    q += offset
    total = np.bincount(cell, weights=q, minlength=size).astype(np.int64)
    counts = total + (1 << (k - 1))
    counts >>= k
    sums = total - (counts << k)
    if int(counts.sum()) != cell.size:  # a cell beyond most_rows: never, as the checks keep it
        q -= offset  # exactly undone: integers below 2**53
        return None
    return sums.astype(np.float64), counts
