"""The blocked pass over the rows across block boundaries, and the exact sums' limits: a
repeat found in any block, the largest integer of every block, totals that could pass 2**53
refused; behaviour that mutation testing found unguarded."""

from __future__ import annotations

from unittest import mock

import numpy as np

import red_property as rp
from red_property import _rowpass
from red_property.checking import check_ratings
from red_property.plan import compile_plan

from .fixtures import rec
from .test_rowpass import PLAN, _proof, _wide


def test_a_repeat_within_a_later_block_is_found() -> None:
    """The same row twice within the third block of three rows, among rows whose keys sit in
    different slots of the table of suspects, is a repeat the pass refuses to prove; without
    the copy the rows are proved."""
    with mock.patch.object(_rowpass, "BLOCK", 3):
        assert _proof(_wide([0, 1, 2, 3, 4, 5, 6, 7, 7], [5] * 9)) is None
        assert _proof(_wide([0, 1, 2, 3, 4, 5, 6, 7, 8], [5] * 9)) is not None


def test_scaled_exactly_gives_the_largest_integer_of_every_block() -> None:
    """Over blocks of two rows and a last block of one, the integers come back whole and the
    largest absolute one is that of the first block, not of the last."""
    with mock.patch.object(_rowpass, "BLOCK", 2):
        got = _rowpass.scaled_exactly(np.array([-7.5, 1.0, 0.0, 0.25, 0.5]), 1e6)
    assert got is not None
    assert got[0].tolist() == [-7.5e6, 1e6, 0.0, 250_000.0, 500_000.0]
    assert got[1] == 7.5e6


def test_counted_sums_refuse_totals_that_could_pass_2_53() -> None:
    """Two rows of an integer just over 2**49 in one cell: packed beside their count, a cell's
    total could pass 2**53, where float64 stops holding every integer, so the answer is None
    and the integers are left as they were."""
    most = float(2**49 + 1)
    q = np.array([most, most])
    assert _rowpass.counted_sums(np.zeros(2, dtype=np.int64), q, most, 2, 1) is None
    assert q.tolist() == [most, most]


def test_no_rows_are_checked_as_no_rows() -> None:
    """A set of no rows (all left out of a comparison, say) is checked: nothing kept, nothing
    dropped."""
    checked = check_ratings(PLAN, _wide([0, 1], [5, 5]).take(np.arange(0)))
    assert len(checked.value) == 0 and checked.rows_read == 0 and checked.dropped == ()


def test_a_row_whose_source_does_not_cover_its_indicator_is_not_proved() -> None:
    """The association covers s and n only: its rating of c is not proved clean, in the first
    block or a later one; the same rating of s is."""
    rows = [rec("c1", "authority", "a1", "s", 5), rec("c2", "authority", "a1", "s", 5)]
    for block in (1, 1 << 15):
        with mock.patch.object(_rowpass, "BLOCK", block):
            assert _proof(rp.Ratings.from_records(
                [*rows, rec("c1", "association", "b1", "c", 1)])) is None
            assert _proof(rp.Ratings.from_records(
                [*rows, rec("c1", "association", "b1", "s", 1)])) is not None


def test_a_rater_without_rows_is_no_peer_rater_lacking_a_company() -> None:
    """Ratings taken from a larger season keep a rater that no longer has rows; under a rubric
    whose one source is a peer source the remaining clean rows are proved and kept."""
    rubric = rp.load_rubric(
        'id: t\nversion: "1"\ntitle: {en: T}\n'
        "sources:\n  peer: {label: {en: P}, weight: 1, peer: true}\n"
        "dimensions:\n  d:\n    label: {en: D}\n    indicators:\n"
        "      s: {label: {en: S}, kind: score, points: 10}\n"
        "levels:\n  - {stars: 1, min_total: 1}\n")
    ratings = rp.Ratings.from_records([
        rec("c1", "peer", "p1", "s", 5, rater_company="c2"),
        rec("c2", "peer", "p2", "s", 4, rater_company="c1")]).take(np.array([0]))
    plan = compile_plan(rubric)
    proof = _rowpass.clean_season(plan, ratings, np.array([0]), np.array([0]), ratings.value)
    assert proof is not None and proof.rated.tolist() == [True, False]
    assert check_ratings(plan, ratings).value.tolist() == [5.0]
