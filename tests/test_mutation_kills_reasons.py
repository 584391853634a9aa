"""How refused rows are accounted for: one problem per cause listing its first rows in row
order, each cause counted apart, in English and Chinese, and at most fifty causes listed;
behaviour that mutation testing found unguarded."""

from __future__ import annotations

import pytest

import red_property as rp

from .fixtures import rec

RUBRIC = ('id: t\nversion: "1"\ntitle: {en: T}\nsources:\n  a: {label: {en: A}, weight: 1}\n'
          "dimensions:\n  d:\n    label: {en: D}\n    indicators:\n"
          "      x: {label: {en: X}, kind: score, points: 100}\n"
          "levels:\n  - {stars: 1, min_total: 5}\n")


def test_each_cause_lists_its_first_rows_in_order_and_counts_its_own() -> None:
    """Forty refused rows of two causes, interleaved: each cause lists its first five rows in
    row order and counts only its own rest, in English and in Chinese."""
    rows = [rec(f"c{k}", "a", "r", "x", 101 + k % 2) for k in range(40)]
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(rp.load_rubric(RUBRIC), rp.Ratings.from_records(rows))
    assert [(p.message, p.message_zh) for p in info.value.problems] == [
        ("value 101 is outside 0 to 100 for indicator 'x' (rows 1, 3, 5, 7, 9 and 15 more)",
         "数值 101 超出指标 'x' 的分值范围 0 至 100（第 1、3、5、7、9 行，另有 15 行）"),
        ("value 102 is outside 0 to 100 for indicator 'x' (rows 2, 4, 6, 8, 10 and 15 more)",
         "数值 102 超出指标 'x' 的分值范围 0 至 100（第 2、4、6、8、10 行，另有 15 行）")]


@pytest.mark.parametrize("causes", [50, 51])
def test_at_most_fifty_causes_are_listed_the_rest_counted(causes: int) -> None:
    """Fifty causes are each listed; a fifty-first is counted in a last line that names the
    file, never listed with "and 0 more"."""
    rows = [rec("c", "a", f"r{k}", "x", 101 + k) for k in range(causes)]
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(rp.load_rubric(RUBRIC), rp.Ratings.from_records(rows))
    problems = info.value.problems
    assert len(problems) == min(causes, 50) + (causes > 50)
    if causes > 50:
        assert problems[-1].message == "... and 1 more rows: out of range"
        assert problems[-1].file == "<records>"
    else:
        assert not any(p.message.startswith("...") for p in problems)


def test_an_unknown_rater_company_is_named_even_when_it_sorts_first() -> None:
    """A peer's rater_company missing from the companies table is named in the problem, also
    when it is the first of the season's companies."""
    rubric = rp.load_rubric(
        'id: t\nversion: "1"\ntitle: {en: T}\nsources:\n'
        "  p: {label: {en: P}, weight: 1, peer: true}\n"
        "dimensions:\n  d:\n    label: {en: D}\n    indicators:\n"
        "      x: {label: {en: X}, kind: score, points: 10}\n"
        "levels:\n  - {stars: 1, min_total: 5}\n")
    rows = [rec("sy-02", "p", "p1", "x", 5, rater_company="aaa")]
    with pytest.raises(rp.RatingsError) as info:
        rp.evaluate(rubric, rp.Ratings.from_records(rows), companies=["sy-02"])
    assert [p.message for p in info.value.problems] == [
        "rater_company 'aaa' of rater 'p1' is not in the companies table"]
