"""The report's text in Chinese and English, pinned where officials and the public read it: the
star table's columns (CJK widths, the stars column, named levels, flags), the rater-corrected
table, the CSV's Chinese rows, and the explanation's lines (labels, sources, defaults,
adjustments, vetoes, level names, what still has room)."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path
from typing import Any

import red_property as rp
from red_property.texts import num

from .fixtures import ONE_SCORE, lenient_rater_report, load, rec

#: Two sources, five named levels (named in both languages), two gates and two vetoes, every
#: label in Chinese and English.
SEASON = """
language_version: 2
sources:
  authority: {label: {zh: 主管部门, en: Authority}, weight: 0.6}
  association: {label: {zh: 行业协会, en: Association}, weight: 0.4}
dimensions:
  d:
    label: {zh: 服务质量, en: Service}
    indicators:
      s: {label: {zh: 服务, en: Serv}, kind: score, points: 10}
      t: {label: {zh: 环境, en: Env}, kind: score, points: 10}
      acc: {label: {zh: 事故, en: Accident}, kind: check}
      fire: {label: {zh: 火灾, en: Fire}, kind: check}
      lic: {label: {zh: 执照, en: Licence}, kind: check}
      ins: {label: {zh: 保险, en: Insurance}, kind: check}
gates:
  - {id: g1, label: {zh: 持证, en: Licensed}, all_of: [lic]}
  - {id: g2, label: {zh: 投保, en: Insured}, all_of: [ins]}
vetoes:
  - {id: v1, label: {zh: 安全事故, en: Safety}, when: acc, effect: cap, cap: 1}
  - {id: v2, label: {zh: 火灾隐患, en: Fire risk}, when: fire, effect: cap, cap: 1}
levels:
  - {stars: 1, min_total: 4, name: {zh: 铜牌, en: Bronze}}
  - {stars: 2, min_total: 8, name: {zh: 银牌, en: Silver}}
  - {stars: 3, min_total: 12, name: {zh: 金牌, en: Gold}}
  - {stars: 4, min_total: 16, name: {zh: 特级, en: Special}}
  - {stars: 5, min_total: 19, name: {zh: 至尊, en: Supreme}}
"""


def _company(c: str, s: float, t: float, *, acc: int = 0, fire: int = 0, lic: int = 1,
             ins: int = 1) -> list[dict[str, Any]]:
    values = (("s", s), ("t", t), ("acc", acc), ("fire", fire), ("lic", lic), ("ins", ins))
    return [rec(c, src, f"r-{src}", i, v) for src in ("authority", "association")
            for i, v in values]


def _season() -> rp.Report:
    """a 4★ 特级; b no star (no level); c 3★ earned, capped to 1★ by both vetoes; d fails
    both gates (not rated) with a veto triggered."""
    rows = (_company("a", 9, 8) + _company("b", 1, 2) + _company("c", 7, 7, acc=1, fire=1)
            + _company("d", 5, 5, acc=1, lic=0, ins=0))
    return rp.evaluate(load(SEASON), rp.Ratings.from_records(rows))


ZH_TABLE = """\
排名  企业     总分  星级     等级  认领
   1  a        17.0  ★★★★☆    特级
   2  c        14.0  ★☆☆☆☆    铜牌    一票否决：安全事故，火灾隐患
   3  b         3.0  ☆☆☆☆☆
   -  d           -  未评定           一票否决：安全事故 | \
未满足参评条件「持证」；未满足参评条件「投保」
共 4 家企业：五星 0 家，四星 1 家，三星 0 家，二星 0 家，一星 1 家，无星 1 家；未评定 1 家"""

EN_TABLE = """\
rank  company    total  stars      level    claim
   1  a           17.0  ★★★★☆      Special
   2  c           14.0  ★☆☆☆☆      Bronze     veto: v1,v2
   3  b            3.0  ☆☆☆☆☆
   -  d              -  not rated             veto: v1 | gate 'g1' not passed (Licensed); \
gate 'g2' not passed (Insured)
4 companies: 5★ 0, 4★ 1, 3★ 0, 2★ 0, 1★ 1, 0★ 1; not rated 1"""


def test_chinese_star_table_exactly() -> None:
    """The Chinese star table of five stars: the stars column 7 wide (five stars and two
    columns), the level column with the Chinese names and none for a company without a level,
    vetoes joined by the Chinese comma ，, flags split by | and not-rated reasons by ；."""
    assert _season().table(lang="zh") == ZH_TABLE


def test_english_star_table_exactly() -> None:
    """The English star table of five stars: the stars column as wide as "not rated", the
    English level names, vetoes by id, flags split by |."""
    assert _season().table(lang="en") == EN_TABLE


ZH_CORRECTED = """\
排名  企业     总分  星级    认领
   1  d        16.0  ★★        未校正 17.3 分 二星
   2  a        14.0  ★★
   3  b        12.0  ★☆
   3  f        12.0  ★☆        未校正 14.0 分 二星
   5  c        10.0  ★☆        未校正 11.3 分 一星
   6  e         8.0  ☆☆        未校正 10.0 分 一星
共 6 家企业：二星 2 家，一星 3 家，无星 1 家；未评定 0 家
已按评委宽严校正评分，2 家企业的星级与未校正结果不同"""


def test_chinese_rater_corrected_table_exactly() -> None:
    """A rater-corrected table in Chinese: the stars column as wide as 未评定 (two stars are
    narrower), each uncorrected result and the closing line in Chinese."""
    assert lenient_rater_report().table(lang="zh") == ZH_CORRECTED


def test_chinese_csv_rows(tmp_path: Path) -> None:
    """The Chinese CSV: Chinese headers for bonus and vetoes, a veto's Chinese label, 否 for a
    company not rated and its reasons joined by ；."""
    path = tmp_path / "zh.csv"
    _season().to_csv(path, lang="zh")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    assert header[-3:] == ["加分", "一票否决", "未评定原因"]
    assert header[10:13] == ["服务质量", "主管部门（得分率）", "行业协会（得分率）"]
    by_company = {r[0]: r for r in rows}
    assert by_company["c"][3] == "是"
    assert by_company["c"][-2] == "安全事故,火灾隐患"
    assert by_company["d"][3] == "否"
    assert by_company["d"][-2:] == ["安全事故",
                                    "未满足参评条件「持证」；未满足参评条件「投保」"]


ZH_EXPLANATION = """\
c：★☆☆☆☆ 铜牌 评为一星（按得分达到三星），总分 14，排名第 2

各维度得分：
  服务质量    14.00 / 20      70%
各评分方贡献：主管部门 8.40，行业协会 5.60
一票否决：安全事故，火灾隐患

星级判定（自高而低）：
  五星 至尊 未达到
     ✗ 总分需达到 19，现为 14，差 5 分
  四星 特级 未达到
     ✗ 总分需达到 16，现为 14，差 2 分
  三星 金牌 达到
     ✓ 总分需达到 12，现为 14
  二星 银牌 达到
     ✓ 总分需达到 8，现为 14
  一星 铜牌 达到
     ✓ 总分需达到 4，现为 14

距二星还需：
  ✗ 触发一票否决「安全事故」
  ✗ 触发一票否决「火灾隐患」
  失分最多的指标：服务 7/10（可再得 3 分），环境 7/10（可再得 3 分）"""


def test_chinese_explanation_exactly() -> None:
    """A whole Chinese explanation: the level's Chinese name after the stars and in each step
    of the star decision, the dimension column as wide as its Chinese label, sources and vetoes
    by their Chinese labels joined by ，, and the indicators with most room joined by ，."""
    assert str(_season().explain("c", lang="zh")) == ZH_EXPLANATION


def test_english_explanation_names_each_level() -> None:
    """An English explanation: the awarded level's name in the head, and each level's name in
    the star decision."""
    lines = str(_season().explain("a", lang="en")).splitlines()
    assert lines[0] == "a: ★★★★☆ Special 4★ (earned 4★), total 17, rank 1"
    assert "  5★ Supreme not reached" in lines
    assert "  4★ Special passed" in lines


DEFAULTED = """
rounding: {digits: 1}
sources:
  authority: {label: {zh: 主管部门, en: Authority}, weight: 1}
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
      t: {label: {en: T}, kind: score, points: 10, default: 4}
levels:
  - {stars: 1, min_total: 2}
  - {stars: 2, min_total: 19}
"""


def test_default_points_and_rounding_by_source_in_both_languages() -> None:
    """Points a default gave and the rounding adjustment: 默认分 and 四舍五入 in Chinese,
    default and rounding in English."""
    report = rp.evaluate(load(DEFAULTED),
                         rp.Ratings.from_records([rec("a", "authority", "r", "s", 5.26)]))
    zh = str(report.explain("a", lang="zh")).splitlines()
    assert zh[4] == "各评分方贡献：主管部门 5.26，默认分 4.00，四舍五入 +0.04"
    en = str(report.explain("a", lang="en")).splitlines()
    assert en[4] == "By source: authority 5.26, default 4.00, rounding +0.04"


def test_base_points_and_the_divisor_in_the_sources_line() -> None:
    """Base points and the divisor read as adjustments of their own in the sources line:
    基础分 and 折算 in Chinese, base points and divided in English."""
    rubric = load("""
        language_version: 2
        base_points: 10
        divide_total_by: 2
        """, ONE_SCORE)
    report = rp.evaluate(rubric, rp.Ratings.from_records([rec("a", "authority", "r", "s", 5)]))
    zh = str(report.explain("a", lang="zh")).splitlines()
    assert zh[4] == "各评分方贡献：Authority 5.00，基础分 +10.00，折算 -7.50"
    en = str(report.explain("a", lang="en")).splitlines()
    assert en[4] == "By source: authority 5.00, base points +10.00, divided -7.50"


def test_an_adjustment_without_a_phrase_reads_by_its_key() -> None:
    """An explanation carrying an adjustment the library has no phrase for names it by its
    key, in Chinese as in English."""
    e = _season().explain("c", lang="zh")
    odd = dataclasses.replace(e, adjustments={"manual": 0.5})
    assert str(odd).splitlines()[4] == "各评分方贡献：主管部门 8.40，行业协会 5.60，manual +0.50"
    en = dataclasses.replace(e, lang="en", adjustments={"manual": -0.25})
    assert str(en).splitlines()[4] == "By source: authority 8.40, association 5.60, manual -0.25"


def test_an_unrounded_total_shows_six_decimals() -> None:
    """Under `rounding: {mode: none}` the explanation's total shows at most six decimals."""
    rubric = load("rounding: {mode: none}\n", ONE_SCORE)
    rows = [rec("a", "authority", "r", "s", 1.23456789)]
    e = rp.evaluate(rubric, rp.Ratings.from_records(rows)).explain("a", lang="en")
    assert str(e).splitlines()[0] == "a: ☆ 0★ (earned 0★), total 1.234568, rank 1"


def test_an_explanation_without_labels_names_things_by_id() -> None:
    """An explanation whose label maps lack an entry names that dimension, veto and indicator
    by its id, in Chinese as in English."""
    e = _season().explain("c", lang="zh")
    bare = dataclasses.replace(e, labels={}, veto_labels={}, indicator_labels={})
    lines = str(bare).splitlines()
    assert lines[3] == "  d    14.00 / 20      70%"
    assert lines[5] == "一票否决：v1，v2"
    assert lines[-1] == "  失分最多的指标：s 7/10（可再得 3 分），t 7/10（可再得 3 分）"
    en = dataclasses.replace(e, lang="en", labels={})
    assert str(en).splitlines()[3] == "  d" + " " * 40 + "   14.00 / 20      70%"


def test_a_chinese_dimension_column_has_no_minimum_width() -> None:
    """In Chinese the dimension column is exactly as wide as its widest label: an empty label
    takes no column at all."""
    e = dataclasses.replace(_season().explain("c", lang="zh"), labels={"d": ""})
    assert str(e).splitlines()[3] == "      14.00 / 20      70%"


def test_num_never_writes_negative_zero() -> None:
    """A score that rounds to zero from below reads 0, never -0."""
    assert num(-0.0) == "0"
    assert num(-0.004) == "0"
    assert num(-0.0000004, 6) == "0"
    assert num(-0.5) == "-0.5"
