"""Columns of long or non-ASCII text coded by their cycles: every rater's sheet listing the same
indicators in the same order is coded once per position of the cycle, and the entries that
break the cycle are coded on their own; behaviour that mutation testing found unguarded."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest

from red_property import _codes
from red_property._codes import factorize

CYCLE = ["组织建设", "核心团队", "服务质量", "运营管理", "社会形象", "党建引领", "满意度"]


def _cyclic(period: int, repeats: int, breaks: dict[int, str]) -> np.ndarray:
    values = (CYCLE[:period] * repeats)
    for at, text in breaks.items():
        values[at] = text
    return np.array(values)


@pytest.mark.parametrize(("period", "repeats", "breaks"), [
    (2, 6, {}),  # the shortest cycle (runs of equal entries are collapsed first)
    (3, 9, {}),
    (3, 9, {4: "其他"}),  # a new label breaking the cycle once
    (7, 5, {9: "满意度", 20: "其他", 33: "组织建设"}),  # breaks with old and new labels
    (3, 4, {}),  # exactly four periods: the cycle is used
    (3, 3, {7: "其他"}),  # under four periods: coded entry by entry
    (2, 4, {4: "其他", 6: "另一"}),  # the first entry comes back once only
    (2, 60, {k: "其他" for k in range(1, 120, 2)}),  # too many breaks: entry by entry
    (5, 30, {k: "其他" for k in range(3, 150, 5)}),  # breaks one period apart, 30 of them
])
def test_cycles_are_coded_as_unique_codes_them(period: int, repeats: int,
                                                breaks: dict[int, str]) -> None:
    """Codes and labels of a cycling column, with or without entries that break the cycle,
    are those of np.unique: labels sorted, each entry its label's code."""
    values = _cyclic(period, repeats, breaks)
    labels, inverse = np.unique(values, return_inverse=True)
    codes, got = factorize(values)
    assert got.tolist() == labels.tolist()
    assert codes.tolist() == inverse.tolist()


def _shuffled(labels: list[str], n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.array(labels)[rng.integers(0, len(labels), n)]


@pytest.mark.parametrize("sample", [65536, 7])
@pytest.mark.parametrize("seed", [0, 1])
def test_labels_sharing_a_slot_or_missed_by_the_sample_are_coded_exactly(
        sample: int, seed: int) -> None:
    """Rows in no order (no cycle to use) of labels whose hashes share a table slot ("a" and
    U+10061 differ by 2**16) and of a label the sample of every k-th row misses: codes and
    labels are those of np.unique."""
    values = _shuffled(["a", "\U00010061", "乙", "b", "\U00020062"], 400, seed)
    values[[5, 123, 391]] = "\U00030001"  # off the sample's rows (every 7th); sorts last
    labels, inverse = np.unique(values, return_inverse=True)
    with mock.patch.object(_codes, "_SAMPLE", sample):
        codes, got = factorize(values)
    assert got.tolist() == labels.tolist()
    assert codes.tolist() == inverse.tolist()
