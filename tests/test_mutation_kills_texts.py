"""Explanations in Chinese, line by line: required checks met and not, a refused claim, a claim
below the next star, a veto, and a condition worded without labels."""

from __future__ import annotations

import dataclasses

import red_property as rp
from red_property.explanation import Condition
from red_property.texts import condition_text

from .fixtures import ONE_SOURCE, load, rec
from .test_mutation_kills_explanation import LEVELS

SAFE = LEVELS.replace("CAP", "1").replace(
    "      acc: {label: {en: Acc}, kind: check}\n",
    "      acc: {label: {en: Acc}, kind: check}\n"
    "      safe: {label: {zh: 安全, en: Safe}, kind: check}\n",
).replace("{stars: 2, min_total: 4}", "{stars: 2, min_total: 4, requires: [safe]}")


def _lines(company: str, policy: str = "", claims: dict[str, int] | None = None,
           accident: int = 0, s: float = 5) -> list[str]:
    rows = [rec(c, "authority", "r", i, v) for c, safe in (("a", 1), ("b", 0))
            for i, v in (("s", s), ("acc", accident), ("safe", safe))]
    report = rp.evaluate(load(ONE_SOURCE, SAFE, policy), rp.Ratings.from_records(rows),
                         claims=claims)
    return str(report.explain(company, lang="zh")).splitlines()


def test_required_check_met_and_not_in_chinese() -> None:
    """A required check reads 「安全」已达标 when met, 「安全」未达标 when not (in the trace and
    in what the next star takes)."""
    assert "     ✓ 「安全」已达标" in _lines("a")
    b = _lines("b")
    assert "     ✗ 「安全」未达标" in b
    assert b[b.index("距二星还需：") + 1] == "  ✗ 「安全」未达标"


def test_refused_claim_in_chinese() -> None:
    """A refused claim of 3★ with 2★ reached reads as such in what the next star takes."""
    lines = _lines("a", "claims: {below_claim: award_none}\n", {"a": 3})
    assert lines[lines.index("距一星还需：") + 1] == "  ✗ 未达到所认领的三星，实际仅达到二星"


def test_low_claim_and_veto_in_chinese() -> None:
    """A claim below the next star, and a veto capping below it, read as such."""
    lines = _lines("a", claims={"a": 1}, s=7)
    assert lines[lines.index("距二星还需：") + 1] == "  ✗ 需认领二星或以上，现认领一星"
    lines = _lines("a", accident=1)
    assert lines[lines.index("距二星还需：") + 1] == "  ✗ 触发一票否决「V」"


def test_condition_without_labels_names_its_subject() -> None:
    """condition_text() in Chinese without labels names the indicator by its id."""
    condition = Condition("safe met", "yes", "no", False, kind="requires", subject="safe")
    assert condition_text(condition, "zh") == "✗ 「safe」未达标"


ZH_EXPLANATION = """\
a：★★☆ 评为二星（按得分达到二星），总分 5.125，排名第 1

各维度得分：
  D     5.12 / 10      51%
各评分方贡献：Authority 5.12

星级判定（自高而低）：
  三星 未达到
     ✗ 总分需达到 6.125，现为 5.125，差 1 分
     ✗ 「D」得分需达到 7.5（满分 10 的 75%），现为 5.125，差 2.375 分
  二星 达到
     ✓ 总分需达到 4，现为 5.125
     ✓ 「安全」已达标
  一星 达到
     ✓ 总分需达到 2，现为 5.125

距三星还需：
  ✗ 总分需达到 6.125，现为 5.125，差 1 分
  ✗ 「D」得分需达到 7.5（满分 10 的 75%），现为 5.125，差 2.375 分
  失分最多的指标：S 5.12/10（可再得 4.88 分）"""


def test_chinese_explanation_exactly() -> None:
    """A whole explanation in Chinese, at the rubric's 3 digits: the head, dimensions, sources,
    each level's conditions (met and not, a dimension share), what the next star takes."""
    levels = SAFE.replace("{stars: 3, min_total: 6}",
                          "{stars: 3, min_total: 6.125, min_dimension_share: 0.75}")
    rubric = load("rounding: {digits: 3}\n", ONE_SOURCE, levels)
    rows = [rec("a", "authority", "r", i, v) for i, v in (("s", 5.125), ("acc", 0), ("safe", 1))]
    assert str(rp.evaluate(rubric, rp.Ratings.from_records(rows)).explain("a", lang="zh")) \
        == ZH_EXPLANATION


def test_condition_without_a_kind_in_chinese() -> None:
    """A condition without a kind is worded in Chinese as what it needs and has, with the
    shortfall of a number."""
    assert condition_text(Condition("x", "yes", "no", False), "zh") == "✗ x：要求yes，实际no"
    assert condition_text(Condition("y", 3.0, 2.5, False, 0.5), "zh") \
        == "✗ y需达到 3，现为 2.5，差 0.5 分"


def test_chinese_gap_of_the_total_alone_at_three_digits() -> None:
    """Only the total short of the next star: one Chinese sentence, at the rubric's 3 digits."""
    levels = SAFE.replace("{stars: 3, min_total: 6}", "{stars: 3, min_total: 6.252}")
    rubric = load("rounding: {digits: 3}\n", ONE_SOURCE, levels)
    rows = [rec("a", "authority", "r", i, v) for i, v in (("s", 5.125), ("acc", 0), ("safe", 1))]
    lines = str(rp.evaluate(rubric, rp.Ratings.from_records(rows)).explain("a", lang="zh")
                ).splitlines()
    assert "距三星还差 1.127 分：总分 5.125，需达到 6.252" in lines


def test_a_next_star_with_nothing_unmet_says_so() -> None:
    """An explanation whose next star lists no unmet condition says all are met, in English and
    in Chinese."""
    rows = [rec("a", "authority", "r", i, v) for i, v in (("s", 5), ("acc", 0), ("safe", 1))]
    report = rp.evaluate(load(ONE_SOURCE, SAFE), rp.Ratings.from_records(rows))
    en = str(dataclasses.replace(report.explain("a", lang="en"), gap=())).splitlines()
    assert en[en.index("To reach 3★:") + 1] == "  (all conditions met)"
    zh = str(dataclasses.replace(report.explain("a", lang="zh"), gap=())).splitlines()
    assert zh[zh.index("距三星还需：") + 1] == "  （条件均已满足）"
