"""Short ASCII ids in numpy unicode arrays to codes and sorted labels, through a hash table.

Each entry's characters (ASCII: one byte each) are packed into one or two 64-bit words; the
distinct words are found from a sample and placed in a direct-address table on a
multiplicative hash; every row is looked up and compared with its label's words, which makes
the lookup exact. Rows are looked up block by block, so the words and temporaries of a block
stay in the cache. Only the few distinct labels are ever sorted as text.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
StrArray = npt.NDArray[np.str_]
Coded = tuple[IntArray, StrArray]


def ascii_codes(x: StrArray) -> Coded | None:
    """Codes and sorted labels of a unicode array of ASCII text up to 16 characters, without
    comparing strings: each entry's bytes are one or two 64-bit words, and the words are
    coded through a hash table (:func:`_code_words`); only the few distinct labels are sorted
    as text. None for longer or non-ASCII text, or ids too many to table (the caller's search
    applies)."""
    width = x.dtype.itemsize // 4
    if width == 0 or width > 16 or x.shape[0] == 0:
        return None
    chars = np.ascontiguousarray(x).view(np.uint32).reshape(-1, width)
    n_words = (width + 7) // 8

    def words_at(rows: slice | IntArray) -> list[npt.NDArray[np.uint64]]:
        # each character's low byte (the character, in ASCII), eight to a word, zero-padded;
        # every row passes here in the first round, so every row is tested for ASCII
        some = chars[rows]
        if some.size and int(some.max()) >= 128:
            raise _NotAscii
        raw = np.zeros((some.shape[0], 8 * n_words), dtype=np.uint8)
        raw[:, :width] = some.view(np.uint8)[:, ::4]
        packed = raw.view(np.uint64)
        return [packed[:, k] for k in range(n_words)]

    try:
        coded = _code_words(words_at, x.shape[0])
    except _NotAscii:
        return None
    if coded is None:
        return None
    codes, firsts = coded
    labels = x[firsts]
    order = np.argsort(labels, kind="stable")
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    for a in range(0, codes.size, _BLOCK):  # in place, block by block
        codes[a:a + _BLOCK] = rank[codes[a:a + _BLOCK]]
    return codes, labels[order]


class _NotAscii(Exception):
    """A character beyond ASCII: its low byte alone would not tell it apart."""


#: Odd 64-bit multipliers that spread a word over the high bits (the table's slot).
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))
#: A further multiplier per round of lookups, so labels that shared a slot part.
_ROUND_MIX = (1, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB,
              0xBF58476D1CE4E5B9, 0x2545F4914F6CDD1D)
_SAMPLE = 65536  # rows sampled to find most labels before the first lookup
_MAX_LABELS = 1 << 16
#: Rows looked up at once in the first round: the block's words and temporaries stay in the
#: cache instead of making row-sized arrays.
_BLOCK = 1 << 15

Words = Callable[[slice | IntArray], list[npt.NDArray[np.uint64]]]


def _mixed(words: list[npt.NDArray[np.uint64]]) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of each row's words."""
    mixed = words[0] * _MIX[0]
    for word in words[1:]:
        mixed ^= word * _MIX[1]
        mixed *= _MIX[0]
    return mixed


def _code_words(words_at: Words, n: int) -> tuple[IntArray, IntArray] | None:
    """Codes of ``n`` rows keyed by one or two 64-bit words (``words_at(rows)`` gives the
    words of some rows), and one row per code (in no order).

    Labels are found from a sample; every row is looked up in a direct-address table on a
    multiplicative hash and then compared with its label's words, which makes the lookup
    exact. The first round looks up the rows block by block. Rows not matched (their label
    was not in the sample, or shared a slot with another) are looked up again, in a table of
    the labels not yet placed, with another multiplier. None when the labels are many (a sort
    is then as good) or rounds do not settle."""
    codes = np.empty(n, dtype=np.int64)
    reps = np.zeros(0, dtype=np.int64)  # one row per label found so far
    rep_mixed = np.zeros(0, dtype=np.uint64)  # their hashes
    waiting = np.zeros(0, dtype=np.int64)  # labels (into reps) not yet placed in a table
    rows: IntArray | None = None  # the rows still to code; None: all
    fresh = np.arange(0, n, max(1, n // _SAMPLE), dtype=np.int64)
    for factor in _ROUND_MIX:
        fresh_mixed = _mixed(words_at(fresh))
        order = np.argsort(fresh_mixed)  # one row of each distinct hash
        seen = fresh_mixed[order]
        first = order[np.r_[True, seen[1:] != seen[:-1]]]
        fresh, fresh_mixed = fresh[first], fresh_mixed[first]
        if reps.size:
            new = ~np.isin(fresh_mixed, rep_mixed)
            fresh, fresh_mixed = fresh[new], fresh_mixed[new]
        waiting = np.concatenate([waiting, np.arange(reps.size, reps.size + fresh.size)])
        reps = np.concatenate([reps, fresh])
        rep_mixed = np.concatenate([rep_mixed, fresh_mixed])
        if reps.size > _MAX_LABELS or 4 * reps.size > n:
            return None
        bits = min(20, max(8, (32 * waiting.size).bit_length()))
        shift, mult = np.uint64(64 - bits), np.uint64(factor)
        slots = (rep_mixed[waiting] * mult) >> shift
        table = np.zeros(1 << bits, dtype=np.intp)  # an empty slot names label 0: checked
        table[slots] = waiting
        waiting = waiting[table[slots] != waiting]  # lost its slot: next round
        rep_words = words_at(reps)
        step = (table, shift, None if factor == 1 else mult, rep_words)
        if rows is None:
            missed = np.concatenate([
                np.flatnonzero(~_lookup(words_at, slice(a, min(a + _BLOCK, n)), step, codes)) + a
                for a in range(0, n, _BLOCK)])
        else:
            missed = rows[~_lookup(words_at, rows, step, codes)]
        if missed.size == 0:
            return codes, reps
        rows = missed
        fresh = rows[::max(1, rows.size // _SAMPLE)]
    return None


Step = tuple[npt.NDArray[np.intp], np.uint64, np.uint64 | None, list[npt.NDArray[np.uint64]]]


def _lookup(words_at: Words, at: slice | IntArray, step: Step, codes: IntArray
            ) -> npt.NDArray[np.bool_]:
    """Look the rows ``at`` up in a round's table (``step``: the table, the shift, the round's
    multiplier, the labels' words), write the labels found into ``codes``, and say which rows
    match their label's words."""
    table, shift, mult, rep_words = step
    words = words_at(at)
    mixed = _mixed(words)
    if mult is not None:
        mixed *= mult
    mixed >>= shift
    found = table[mixed]
    ok: npt.NDArray[np.bool_] = rep_words[0][found] == words[0]
    for rep_word, word in zip(rep_words[1:], words[1:], strict=True):
        ok &= rep_word[found] == word
    codes[at] = found
    return ok
