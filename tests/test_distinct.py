"""The distinctness tests behind the row checks agree with sorting, on small and wide keys."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from red_property._distinct import has_repeats, sorted_distinct, value_of_each

WIDE = 2**62  # beyond 32 bits: the hashed path


@given(st.lists(st.integers(0, 40), max_size=60))
def test_has_repeats_on_narrow_keys_agrees_with_unique(keys: list[int]) -> None:
    """Keys that fit in 32 bits repeat exactly when np.unique finds fewer of them."""
    key = np.array(keys, dtype=np.int64)
    assert has_repeats(key) == (np.unique(key).size < key.size)


@given(st.lists(st.integers(0, WIDE), max_size=60), st.booleans())
def test_has_repeats_on_wide_keys_agrees_with_unique(keys: list[int], repeat: bool) -> None:
    """Keys beyond 32 bits (hashed, then compared exactly) repeat exactly when np.unique says."""
    if repeat and keys:
        keys = [*keys, keys[0]]
    key = np.array(keys, dtype=np.int64)
    assert has_repeats(key) == (np.unique(key).size < key.size)


def test_has_repeats_is_not_fooled_by_hash_collisions() -> None:
    """Many distinct wide keys, some sharing a 32-bit hash, are found distinct; one repeat is
    found among them."""
    rng = np.random.default_rng(7)
    key = np.unique(rng.integers(0, WIDE, 300_000))  # ~10 colliding 32-bit hashes expected
    assert not has_repeats(rng.permutation(key))
    assert has_repeats(rng.permutation(np.append(key, key[12_345])))


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), max_size=40))
def test_value_of_each_names_the_one_value_or_none(rows: list[tuple[int, int]]) -> None:
    """Each group's one value (-1 for a group without rows), or None when a group has two."""
    group = np.array([g for g, _ in rows], dtype=np.int64)
    value = np.array([v for _, v in rows], dtype=np.int64)
    held = value_of_each(group, value, 6)
    values = {g: {v for h, v in rows if h == g} for g in range(6)}
    if any(len(v) > 1 for v in values.values()):
        assert held is None
    else:
        assert held is not None
        assert held.tolist() == [next(iter(values[g])) if values[g] else -1 for g in range(6)]


@given(st.lists(st.text(max_size=3), max_size=30))
def test_sorted_distinct_is_unique(texts: list[str]) -> None:
    """sorted_distinct gives np.unique's sorted distinct values."""
    column = np.array(texts, dtype=str)
    assert sorted_distinct(column).tolist() == np.unique(column).tolist()
