"""Coding short ASCII ids through a hash table gives exactly np.unique's labels and codes."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from red_property import _ascii_codes, _factorize
from red_property._ascii_codes import ascii_codes

IDS = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1,
              max_size=16)


def same_as_unique(column: np.ndarray) -> None:
    coded = ascii_codes(column)
    assert coded is not None
    codes, labels = coded
    want_labels, want_codes = np.unique(column, return_inverse=True)
    assert labels.tolist() == want_labels.tolist()
    assert codes.tolist() == want_codes.ravel().tolist()


@given(st.lists(IDS, min_size=1, max_size=12), st.integers(0, 2**32 - 1))
def test_ascii_codes_match_unique(ids: list[str], seed: int) -> None:
    """Any ASCII ids up to 16 characters (one or two words) code as np.unique codes them."""
    rng = np.random.default_rng(seed)
    same_as_unique(np.array(ids)[rng.integers(0, len(ids), 500)])


def test_ascii_codes_find_labels_the_sample_missed_and_part_shared_slots() -> None:
    """Thousands of labels (some sharing a table slot) and labels seen once among 400,000 rows
    (missed by the sample) are all coded exactly."""
    rng = np.random.default_rng(3)
    common = np.array([f"c{k:05d}" for k in range(4000)])
    column = common[rng.integers(0, common.size, 400_000)]
    column[rng.choice(column.size, 30, replace=False)] = [f"r{k:02d}" for k in range(30)]
    same_as_unique(column)
    same_as_unique(np.char.add(column, "-tail"))  # two words
    assert ascii_codes(np.char.add(column, "-a-longer-tail")) is None  # over 16: not here


def test_ascii_codes_leave_non_ascii_text_to_the_caller() -> None:
    """Text beyond ASCII (whose low bytes could collide) is refused, not coded wrongly."""
    assert ascii_codes(np.array(["物业", "A", "Ā"])) is None


@given(st.lists(IDS, min_size=1, max_size=12), st.integers(0, 2**32 - 1),
       st.sampled_from([1, 3, 64]))
def test_ascii_codes_match_unique_in_blocks_of_any_size(ids: list[str], seed: int,
                                                        block: int) -> None:
    """Looked up block by block, whatever the block size, the codes are np.unique's."""
    rng = np.random.default_rng(seed)
    with mock.patch.object(_ascii_codes, "_BLOCK", block):
        same_as_unique(np.array(ids)[rng.integers(0, len(ids), 500)])


def test_non_ascii_text_outside_the_sample_is_refused() -> None:
    """A character beyond ASCII on a row the sample skips, in a late block, still sends the
    column to the caller's search."""
    column = np.array(["a1"] * 200_001)
    column[199_999] = "Ā1"  # not a sampled row (every third is); low byte 0, as padding
    with mock.patch.object(_ascii_codes, "_BLOCK", 4096):
        assert ascii_codes(column) is None
    column[199_999] = "b1"
    same_as_unique(column)


@settings(deadline=None)  # the first example imports pandas
@given(st.lists(IDS | st.just(""), min_size=1, max_size=12), st.integers(0, 2**32 - 1))
def test_pandas_hash_table_codes_text_objects_as_unique(ids: list[str], seed: int) -> None:
    """Object columns of text (str and numpy str cells alike) coded by pandas' hash table get
    np.unique's labels and codes."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(seed)
    picked = [ids[k] for k in rng.integers(0, len(ids), 200)]
    column = np.array([np.str_(v) if k % 2 else v for k, v in enumerate(picked)], dtype=object)
    coded = _factorize._pandas_text_codes(column, pd)
    assert coded is not None
    want_labels, want_codes = np.unique(np.array(picked, dtype=str), return_inverse=True)
    assert coded[1].tolist() == want_labels.tolist()
    assert coded[0].tolist() == want_codes.ravel().tolist()


@pytest.mark.parametrize("cells", [["a", None], ["a", float("nan")], ["a", 1], [b"a", "b"],
                                   ["a", ["b"]], [None, None]])
def test_pandas_hash_table_leaves_missing_and_non_text_cells_to_the_rules(
        cells: list[object]) -> None:
    """A missing, numeric, bytes or unhashable cell is not coded by pandas' hash table: the
    column goes on to pyarrow's reading or the built-in rules."""
    pd = pytest.importorskip("pandas")
    assert _factorize._pandas_text_codes(np.array(cells, dtype=object), pd) is None
