"""A company's explanation, pinned exactly: what stops the next star besides the level's own
conditions (a veto, a refused claim)."""

from __future__ import annotations

import red_property as rp
from red_property.explanation import Condition

from .fixtures import ONE_SOURCE, load, rec

LEVELS = """
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
      acc: {label: {en: Acc}, kind: check}
vetoes:
  - {id: v, label: {en: V}, when: acc, effect: cap, cap: CAP}
levels:
  - {stars: 1, min_total: 2}
  - {stars: 2, min_total: 4}
  - {stars: 3, min_total: 6}
"""


def _explain(s: float, *, cap: int = 1, accident: int = 0, claim: int | None = None,
             policy: str = "") -> rp.Explanation:
    rubric = load(ONE_SOURCE, LEVELS.replace("CAP", str(cap)), policy)
    rows = [rec("a", "authority", "r", "s", s), rec("a", "authority", "r", "acc", accident)]
    claims = None if claim is None else {"a": claim}
    return rp.evaluate(rubric, rp.Ratings.from_records(rows), claims=claims).explain("a")


def test_a_veto_capping_below_the_next_star_is_in_the_gap() -> None:
    """Earned 2★, capped to 1★ by a veto: the next star is blocked by the veto alone."""
    e = _explain(5, cap=1, accident=1)
    assert (e.stars, e.next_level) == (1, 2)
    assert e.gap == (Condition("veto v", "not triggered", "triggered", False, kind="veto",
                               subject="v"),)


def test_a_veto_capping_at_the_next_star_is_not_in_the_gap() -> None:
    """A veto capping at 2★ does not block 2★: only the total is missing."""
    e = _explain(3, cap=2, accident=1)
    assert (e.stars, e.next_level) == (1, 2)
    assert [c.kind for c in e.gap] == ["total"]


def test_a_refused_claim_is_in_the_gap() -> None:
    """Claimed 3★, reached 2★, under `below_claim: award_none`: no stars, and the gap says the
    claim was not reached."""
    e = _explain(5, claim=3, policy="claims: {below_claim: award_none}\n")
    assert (e.stars, e.next_level) == (0, 1)
    assert e.gap == (Condition("claim", "reach the claimed 3★", "2★ reached", False,
                               kind="claim_refused", level=3, reached=2),)
