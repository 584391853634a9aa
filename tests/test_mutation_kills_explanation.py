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


def test_a_claim_below_the_next_star_is_in_the_gap() -> None:
    """Claimed 0★, earned 2★, under `above_claim: award_claim`: 0★, and the gap says only a
    claim of 1★ or more gives the next star (likewise a claim of 1★ with 3★ earned)."""
    e = _explain(5, claim=0)
    assert (e.stars, e.next_level, e.claimed) == (0, 1, 0)
    assert e.gap == (Condition("claim", "a claim of 1★ or more", "0★", False, kind="claim_low",
                               level=1, reached=0),)
    e = _explain(7, claim=1)
    assert (e.stars, e.next_level, e.claimed) == (1, 2, 1)
    assert e.gap == (Condition("claim", "a claim of 2★ or more", "1★", False, kind="claim_low",
                               level=2, reached=1),)


def test_a_claim_of_the_next_star_itself_is_not_in_the_gap() -> None:
    """Claimed 2★, earned 1★ (the claim lowered): the next star is 2★, which the claim covers;
    only the total is missing."""
    e = _explain(3, claim=2)
    assert (e.stars, e.next_level) == (1, 2)
    assert [c.kind for c in e.gap] == ["total"]


def test_explanation_is_in_the_rubric_language() -> None:
    """Without `lang`, a rubric with `language: zh` is explained in Chinese."""
    rubric = load("language: zh\n", ONE_SOURCE, LEVELS.replace("CAP", "1"))
    rows = [rec("a", "authority", "r", "s", 5), rec("a", "authority", "r", "acc", 0)]
    e = rp.evaluate(rubric, rp.Ratings.from_records(rows)).explain("a")
    assert e.lang == "zh"
    assert "二星" in str(e)


def test_explanation_adjusts_for_base_points_and_the_divisor() -> None:
    """Base points and the divisor are adjustments of their own, each where the rubric has it:
    base points alone add 10 and divide by 1; with `divide_total_by: 2` a sum of 17 (5 points,
    2 bonus, 10 base) loses 8.5."""
    rows = [rec("a", "authority", "r", "s", 5), rec("a", "authority", "r", "acc", 0)]
    levels = LEVELS.replace("CAP", "1")
    base = rp.evaluate(load("language_version: 2\nbase_points: 10\n", ONE_SOURCE, levels),
                       rp.Ratings.from_records(rows)).explain("a")
    assert base.adjustments == {"bonus cap": 0.0, "base points": 10.0, "divided": 0.0,
                                "rounding": 0.0}
    with_bonus = levels.replace("kind: check}", "kind: check}\n"
                                "      extra: {label: {en: X}, kind: bonus, per: 1, cap: 4}")
    both = rp.evaluate(load("language_version: 2\nbase_points: 10\ndivide_total_by: 2\n",
                            ONE_SOURCE, with_bonus),
                       rp.Ratings.from_records([*rows, rec("a", "authority", "r", "extra", 2)]))
    assert both.explain("a").adjustments == {"bonus cap": 0.0, "base points": 10.0,
                                             "divided": -8.5, "rounding": 0.0}
    plain = rp.evaluate(load(ONE_SOURCE, levels), rp.Ratings.from_records(rows)).explain("a")
    assert plain.adjustments == {"bonus cap": 0.0, "rounding": 0.0}


def test_explanation_names_the_level_awarded_in_its_language() -> None:
    """The name of the level awarded, in the explanation's language; None without a level. The
    trace names each named level."""
    named = LEVELS.replace("CAP", "1").replace(
        "{stars: 3, min_total: 6}", "{stars: 3, min_total: 6, name: {zh: 金牌, en: Gold}}")
    rubric = load("language_version: 2\nlanguage: zh\n", ONE_SOURCE, named)
    rows = [rec(c, "authority", "r", i, v) for c, s in (("a", 7), ("b", 1))
            for i, v in (("s", s), ("acc", 0))]
    report = rp.evaluate(rubric, rp.Ratings.from_records(rows))
    assert report.explain("a").level == "金牌"
    assert report.explain("a", lang="en").level == "Gold"
    assert report.explain("b").level is None
    assert [t.name for t in report.explain("b", lang="en").trace] == ["Gold", None, None]


def test_headroom_lists_five_indicators_most_open_first_ties_in_rubric_order() -> None:
    """Headroom: the five base indicators with the most points still open, most first, equal
    ones in the rubric's order (20 indicators, ten with 2 points open, ten with 1)."""
    ids = [f"i{k:02d}" for k in range(20)]
    indicators = "".join(f"      {i}: {{label: {{en: {i}}}, kind: score, points: 10}}\n"
                         for i in ids)
    rubric = load(ONE_SOURCE, "dimensions:\n  d:\n    label: {en: D}\n    indicators:\n"
                  + indicators + "levels:\n  - {stars: 1, min_total: 199}\n")
    rows = [rec("a", "authority", "r", i, 9 if k < 10 else 8) for k, i in enumerate(ids)]
    e = rp.evaluate(rubric, rp.Ratings.from_records(rows)).explain("a")
    assert e.headroom == tuple((i, 8.0, 10.0) for i in ids[10:15])


def test_trace_conditions_carry_their_kind_subject_and_digits() -> None:
    """A level's trace: the total and dimension conditions at the rubric's 3 digits, a required
    check with its kind and subject."""
    levels = LEVELS.replace("CAP", "1").replace(
        "{stars: 3, min_total: 6}", "{stars: 3, min_total: 6, min_dimension_share: 0.9, "
        "requires: [acc]}")
    rubric = load("rounding: {digits: 3}\n", ONE_SOURCE, levels)
    rows = [rec("a", "authority", "r", "s", 7), rec("a", "authority", "r", "acc", 0)]
    top = rp.evaluate(rubric, rp.Ratings.from_records(rows)).explain("a").trace[0]
    assert top.stars == 3
    assert top.conditions == (
        Condition("total", 6.0, 7.0, True, 0.0, 3, kind="total"),
        Condition("d (90% of 10)", 9.0, 7.0, False, 2.0, 3, kind="dimension", subject="d",
                  share=0.9, maximum=10.0),
        Condition("acc met", "yes", "no", False, kind="requires", subject="acc"),
    )


def test_headroom_leaves_out_an_indicator_with_no_more_than_a_billionth_open() -> None:
    """An indicator with 1e-9 points open (float dust at most) is not listed as headroom."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 10}
              tiny: {label: {en: T}, kind: score, points: 1.0e-9}
        levels:
          - {stars: 1, min_total: 2}
        """)
    rows = [rec("a", "authority", "r", "s", 5), rec("a", "authority", "r", "tiny", 0)]
    assert rp.evaluate(rubric, rp.Ratings.from_records(rows)).explain("a").headroom == (
        ("s", 5.0, 10.0),)


def test_trace_has_a_bonus_condition_of_one_point() -> None:
    """A level needing a bonus of 1 point lists that condition, with its kind, at the rubric's
    3 digits."""
    levels = LEVELS.replace("CAP", "1").replace(
        "kind: check}", "kind: check}\n      extra: {label: {en: X}, kind: bonus, per: 1, cap: 4}"
    ).replace("{stars: 1, min_total: 2}", "{stars: 1, min_total: 2, min_bonus: 1}")
    rows = [rec("a", "authority", "r", "s", 1), rec("a", "authority", "r", "acc", 0),
            rec("a", "authority", "r", "extra", 2)]
    rubric = load("rounding: {digits: 3}\n", ONE_SOURCE, levels)
    e = rp.evaluate(rubric, rp.Ratings.from_records(rows)).explain("a")
    assert e.trace[-1].conditions == (
        Condition("total", 2.0, 3.0, True, 0.0, 3, kind="total"),
        Condition("bonus", 1.0, 2.0, True, 0.0, 3, kind="bonus"),
    )
