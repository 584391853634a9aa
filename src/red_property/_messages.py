"""Every fixed phrase of the outputs, in English and simplified Chinese.

One typed table: :data:`MESSAGES` maps a key to a :class:`Phrase` with both languages, and
:func:`msg` formats one. Rubric labels (dimensions, indicators, sources, vetoes, gates) come
from the rubric itself through :func:`label`. A language is ``"en"`` or ``"zh"``;
:func:`resolve` picks the one asked for, else the rubric's ``language``, else English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, cast

from ._rubric_base import Label
from .rubric import Rubric

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")


@dataclass(frozen=True, slots=True)
class Phrase:
    """One fixed phrase in every language (``str.format`` fields alike in both)."""

    en: str
    zh: str

    def get(self, lang: Lang) -> str:
        """The phrase in ``lang``."""
        return self.zh if lang == "zh" else self.en


MESSAGES: dict[str, Phrase] = {
    # ---- column headers (table, HTML, CSV, workbook)
    "col.rank": Phrase("rank", "排名"),
    "col.company": Phrase("company", "企业"),
    "col.name": Phrase("name", "名称"),
    "col.district": Phrase("district", "所在区"),
    "col.rated": Phrase("rated", "是否评定"),
    "col.total": Phrase("total", "总分"),
    "col.stars": Phrase("stars", "星级"),
    "col.earned": Phrase("earned", "达标星级"),
    "col.claimed": Phrase("claimed", "认领星级"),
    "col.claim": Phrase("claim", "认领"),
    "col.level": Phrase("level", "等级"),
    "col.verdict": Phrase("verdict", "认领结果"),
    "col.bonus": Phrase("bonus", "加分"),
    "col.vetoed": Phrase("vetoed", "一票否决"),
    "col.not_rated": Phrase("not_rated", "未评定原因"),
    "col.note": Phrase("note", "备注"),
    "col.dimension": Phrase("dimension", "维度"),
    "col.indicator": Phrase("indicator", "指标"),
    "col.source": Phrase("source", "评分方"),
    "col.points": Phrase("points", "得分"),
    "col.max": Phrase("max", "满分"),
    "col.share": Phrase("share", "得分率"),
    "col.row": Phrase("row", "行号"),
    "col.column": Phrase("column", "列"),
    "col.reason": Phrase("reason", "原因"),
    "col.number": Phrase("no.", "序号"),
    "col.code": Phrase("id", "编号"),
    "col.file": Phrase("file", "文件"),
    "col.item": Phrase("item", "项目"),
    "col.value": Phrase("value", "内容"),
    "yes": Phrase("yes", "是"),
    "no": Phrase("no", "否"),
    # ---- what became of a claim (awarding.ClaimOutcome values)
    "verdict.no claim": Phrase("no claim", "未认领"),
    "verdict.confirmed": Phrase("confirmed", "认领属实"),
    "verdict.exceeded": Phrase("exceeded", "超出认领"),
    "verdict.lowered": Phrase("lowered", "降级认定"),
    "verdict.refused": Phrase("refused", "不予认定"),
    # ---- the star table
    "not_rated": Phrase("not rated", "未评定"),
    "table.veto": Phrase("veto: {ids}", "一票否决：{ids}"),
    "table.uncorrected": Phrase("uncorrected {total} {stars}★", "未校正 {total} 分 {word}"),
    "table.count": Phrase("{s}★ {n}", "{word} {n} 家"),
    "table.summary": Phrase("{n} compan{n_ies}: {counts}; not rated {k}",
                            "共 {n} 家企业：{counts}；未评定 {k} 家"),
    "table.corrected": Phrase(
        "rater-corrected values; {moved} award{moved_s} differ{moved_verb} from the uncorrected "
        "ones",
        "已按评委宽严校正评分，{moved} 家企业的星级与未校正结果不同"),
    "table.dropped": Phrase("{dropped} of {read} rating rows dropped ({reasons})",
                            "共读入评分 {read} 行，剔除 {dropped} 行（{reasons}）"),
    "table.dropped_reason": Phrase("{reason} {n}", "{reason} {n} 行"),
    "table.more": Phrase("… {n} more compan{n_ies} (use to_frame() or to_records())",
                         "… 另有 {n} 家企业（请用 to_frame() 或 to_records() 查看）"),
    "table.rows_used": Phrase("{n} compan{n_ies}, {used} of {read} rows used",
                              "共 {n} 家企业，使用评分 {used} 行（共 {read} 行）"),
    "cli.wrote": Phrase("wrote {n} compan{n_ies} to {path}", "已将 {n} 家企业的结果写入 {path}"),
    "cli.wrote_notice": Phrase("wrote the notice to {path}", "公示已写入 {path}"),
    "cli.no_company": Phrase(
        "red-property explain: no company {company!r} in the ratings (some are: {known})",
        "red-property explain：评分中没有企业 {company!r}（现有企业如：{known}）"),
    "sep.list": Phrase(", ", "，"),
    "sep.clause": Phrase("; ", "；"),
    # ---- why a company is not rated
    "reason.no ratings": Phrase("no ratings", "没有任何评分"),
    "reason.gate": Phrase("gate {id!r} not passed ({label})", "未满足参评条件「{label}」"),
    "reason.quorum": Phrase("below quorum: {cells}", "评委人数不足：{cells}"),
    "reason.quorum_cell": Phrase("{source}/{indicator} ({n} of {quorum})",
                                 "{source}对「{indicator}」仅 {n} 人评分（至少需 {quorum} 人）"),
    "reason.more": Phrase(" and {n} more", "等，另有 {n} 项"),
    "reason.unscored": Phrase("no rating for {items} (and no default)",
                              "以下指标没有评分（且无默认分）：{items}"),
    "reason.no_claim": Phrase("no claim, and the rubric requires one",
                              "未认领星级，而本标准要求认领"),
    # ---- rows a policy dropped (_row_reasons.REASONS short names)
    "drop.unknown source": Phrase("unknown source", "评分方未知"),
    "drop.unknown indicator": Phrase("unknown indicator", "指标未知"),
    "drop.unknown company": Phrase("unknown company", "企业未知"),
    "drop.source does not rate indicator": Phrase("source does not rate indicator",
                                                  "该评分方不评此指标"),
    "drop.not a number": Phrase("not a number", "不是数字"),
    "drop.not finite": Phrase("not finite", "不是有限数"),
    "drop.out of range": Phrase("out of range", "超出分值范围"),
    "drop.not a whole number": Phrase("not a whole number", "不是整数"),
    "drop.duplicate": Phrase("duplicate", "重复评分"),
    "drop.rater in two sources": Phrase("rater in two sources", "评委属于两个评分方"),
    "drop.peer rating without rater_company": Phrase("peer rating without rater_company",
                                                     "同行评分未注明评委所属企业"),
    "drop.self-rating": Phrase("self-rating", "自评"),
    "drop.too large": Phrase("too large", "数值过大"),
    "drop.empty": Phrase("empty", "数值为空"),
    "drop.number for options": Phrase("number for options", "选项指标填了数字"),
    "drop.not an option's points": Phrase("not an option's points", "数字不是任一选项的分值"),
    "drop.unknown rater_company": Phrase("unknown rater_company", "评委所属企业不在名单中"),
    # ---- an explanation
    "explain.not_rated": Phrase("{head}not rated — {reasons}", "{head}未评定（{reasons}）"),
    "explain.claim": Phrase("; claimed {claimed}★: {verdict}",
                            "；认领{claimed_word}，{verdict}"),
    "explain.head": Phrase(
        "{head}{bar} {stars}★ (earned {earned}★{claim}), total {total}, rank {rank}",
        "{head}{bar} 评为{stars_word}（{earned_zh}{claim}），总分 {total}，排名第 {rank}"),
    "explain.earned": Phrase("earned {word}", "按得分达到{word}"),
    "explain.earned_none": Phrase("earned no star", "得分未达到一星"),
    "explain.dimensions": Phrase("Dimensions:", "各维度得分："),
    "explain.by_source": Phrase("By source: ", "各评分方贡献："),
    "explain.vetoes": Phrase("Vetoes: ", "一票否决："),
    "explain.trace": Phrase("Star decision (from the top):", "星级判定（自高而低）："),
    "explain.passed": Phrase("passed", "达到"),
    "explain.not_reached": Phrase("not reached", "未达到"),
    "explain.to_reach": Phrase("To reach {n}★:", "要评为{word}："),
    "explain.all_met": Phrase("(all conditions met)", "（条件均已满足）"),
    "explain.room": Phrase("most points still open: ", "失分最多的指标："),
    "explain.room_item": Phrase("{what} {pts}/{most} (+{open})",
                                "{what} {pts}/{most}（可再得 {open} 分）"),
    "explain.gap_total": Phrase("{n}★ needs {need} more: total {have}, required {req}",
                                "距{word}还差 {need} 分：总分 {have}，需达到 {req}"),
    "explain.gap_many": Phrase("{n}★ still needs:", "距{word}还需："),
    "adjust.bonus cap": Phrase("bonus cap", "加分封顶"),
    "adjust.base points": Phrase("base points", "基础分"),
    "adjust.divided": Phrase("divided", "折算"),
    "adjust.rounding": Phrase("rounding", "四舍五入"),
    "source.default": Phrase("default", "默认分"),
    # ---- conditions (zh reads as a sentence; en keeps the compact form)
    "cond.total": Phrase("total", "总分"),
    "cond.bonus": Phrase("bonus", "加分"),
    "cond.req_met": Phrase("{mark} {what} met", "{mark} 「{what}」已达标"),
    "cond.req_unmet": Phrase("{mark} {what} not met", "{mark} 「{what}」未达标"),
    "cond.dimension": Phrase("{what} ({share} of {max})", "「{what}」得分"),
    "cond.dimension_req": Phrase("{req}", "{req}（满分 {max} 的 {share}）"),
    "cond.veto_on": Phrase("{mark} veto {what}: triggered", "{mark} 触发一票否决「{what}」"),
    "cond.claim_refused": Phrase("{mark} claim: reach the claimed {n}★, has {k}★",
                                 "{mark} 未达到所认领的{word}，实际仅达到{reached}"),
    "cond.claim_low": Phrase("{mark} claim: a claim of {n}★ or more, has {k}★",
                             "{mark} 需认领{word}或以上，现认领{reached}"),
    "cond.number": Phrase("{mark} {what} ≥ {req}: has {have}{gap}",
                          "{mark} {what}需达到 {req}，现为 {have}{gap}"),
    "cond.shortfall": Phrase(" (−{x})", "，差 {x} 分"),
    "cond.text": Phrase("{mark} {what}: needs {req}, has {have}",
                        "{mark} {what}：要求{req}，实际{have}"),
    # ---- plots
    "plot.radar": Phrase("{company}: dimension shares", "{company}：各维度得分率"),
    "plot.company": Phrase("company", "企业"),
    "plot.level": Phrase("{n}★ threshold", "{word}门槛"),
    "plot.contributions": Phrase("{company}: points by dimension and source",
                                 "{company}：各维度得分来源"),
    "plot.points": Phrase("points", "分"),
    "plot.adjustments": Phrase("adjustments", "调整"),
    "plot.p_stars": Phrase("Probability of each star level (rater bootstrap)",
                           "各星级的概率（评委重抽样）"),
    "plot.probability": Phrase("probability", "概率"),
    "plot.ranks": Phrase("Rank under varied weights (median and 5–95 %)",
                         "权重变动下的排名（中位数与 5%–95% 区间）"),
    "plot.rank": Phrase("rank", "排名"),
    "plot.rank_median": Phrase("median rank", "排名中位数"),
    "plot.rank_stated": Phrase("rank at the stated weights", "既定权重下的排名"),
    "plot.distribution_n": Phrase("Stars this season ({n} compan{n_ies})",
                                  "本期星级分布（共 {n} 家）"),
    "plot.companies": Phrase("companies", "企业数"),
    "plot.severity": Phrase("Rater leniency (+) and severity (−), ±2 SE",
                            "评委宽严程度（+ 偏宽，− 偏严，±2 倍标准误）"),
    "plot.effect": Phrase("effect (share of the indicator range)", "效应（占指标分值范围的比例）"),
    "plot.flagged": Phrase("flagged", "已提示"),
    # ---- workbook and notice
    "sheet.stars": Phrase("Stars", "星级"),
    "sheet.breakdown": Phrase("Breakdown", "得分明细"),
    "sheet.dropped": Phrase("Dropped rows", "剔除的评分"),
    "sheet.provenance": Phrase("Provenance", "来源信息"),
    "prov.rubric": Phrase("rubric", "评定标准"),
    "prov.version": Phrase("version", "版本"),
    "prov.sha256": Phrase("fingerprint (sha256)", "指纹（sha256）"),
    "prov.library": Phrase("library", "软件"),
    "prov.read": Phrase("rows read", "读入行数"),
    "prov.used": Phrase("rows used", "使用行数"),
    "prov.dropped": Phrase("rows dropped", "剔除行数"),
    "prov.dropped_for": Phrase("rows dropped: {reason}", "剔除行数：{reason}"),
    "prov.warning": Phrase("warning", "提示"),
    "warn.dropped": Phrase("{file}: {n} row{n_s} dropped by the rubric's input policy",
                           "{file}：按评定标准的录入规则剔除 {n} 行"),
    "notice.title": Phrase("Public notice of star ratings", "星级评定结果公示"),
    "notice.intro": Phrase(
        "The following {n} compan{n_ies} {n_are} rated under {rubric}. The results are published "
        "for public comment.",
        "根据《{rubric}》，经评定，以下 {n} 家企业拟评定星级，现予以公示。"),
    "notice.group": Phrase("{n}★ ({k} compan{k_ies})", "{word}（{k} 家）"),
    "notice.period": Phrase("Objection period: {period}", "公示期：{period}"),
    "notice.objection": Phrase(
        "Anyone who objects to a result may say so, with reasons, within the objection period.",
        "公示期内，如对评定结果有异议，请以书面形式实名反映，并说明理由。"),
    "notice.contact": Phrase("Contact: {contact}", "联系方式：{contact}"),
    "notice.footer": Phrase("Rubric {id} version {version}, sha256 {sha}",
                            "评定标准 {id}，版本 {version}，sha256 {sha}"),
    "notice.none": Phrase("No company is rated.", "本期无企业获评星级。"),
}

_NUMERALS = "零一二三四五六七八九十"


def resolve(lang: str | None, rubric: Rubric | None = None) -> Lang:
    """The language to write in: ``lang``, else the rubric's, else English."""
    chosen = lang if lang is not None else (getattr(rubric, "language", None) or "en")
    if chosen not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}; got {chosen!r}")
    return cast(Lang, chosen)


def msg(key: str, lang: Lang, /, **fields: object) -> str:
    """The phrase ``key`` in ``lang``, formatted with ``fields``. English phrases agree with
    each count ``x`` through ``{x_s}`` (row/rows), ``{x_ies}`` (company/companies),
    ``{x_are}`` and ``{x_verb}`` (differs/differ)."""
    number: dict[str, str] = {}
    for name, value in fields.items():
        if isinstance(value, int) and not isinstance(value, bool):
            one = value == 1
            number |= {f"{name}_s": "" if one else "s", f"{name}_ies": "y" if one else "ies",
                       f"{name}_are": "is" if one else "are", f"{name}_verb": "s" if one else ""}
    return MESSAGES[key].get(lang).format(**fields, **number)


def label(value: Label | None, lang: Lang, fallback: str = "") -> str:
    """A rubric label in ``lang``, else in the other language, else ``fallback``."""
    if value is None:
        return fallback
    first, second = (value.zh, value.en) if lang == "zh" else (value.en, value.zh)
    return first or second or fallback


def stars_word(n: int, lang: Lang) -> str:
    """"4★" in English; "四星" in Chinese ("零星" reads as "scattered": "无星" instead)."""
    if lang == "en":
        return f"{n}★"
    if n == 0:
        return "无星"
    return (_NUMERALS[n] if 0 < n <= 10 else str(n)) + "星"


_GATE = re.compile(r"^gate '(?P<id>[^']+)' not passed \((?P<label>.*)\)$")
_CELL = re.compile(r"(?P<source>[\w.-]+)/(?P<indicator>[\w.-]+) \((?P<n>\d+) of (?P<quorum>\d+)\)")
_MORE = re.compile(r" and (?P<n>\d+) more$")


def drop_reason(short: str, lang: Lang) -> str:
    """The short name of a drop reason (``_row_reasons.REASONS``) in ``lang``."""
    key = f"drop.{short}"
    return msg(key, lang) if key in MESSAGES else short


def _source(rubric: Rubric, sid: str) -> Label | None:
    src = rubric.sources.get(sid)
    return src.label if src is not None else None


def _indicator(rubric: Rubric, iid: str) -> Label | None:
    found = rubric.indicators().get(iid)
    return found[1].label if found is not None else None


def reason(text: str, lang: Lang, rubric: Rubric) -> str:
    """A not-rated reason (as awarding words it) in ``lang``."""
    if lang == "en":
        return text
    if text == "no ratings":
        return msg("reason.no ratings", lang)
    if text == "no claim, and the rubric requires one":
        return msg("reason.no_claim", lang)
    hit = _GATE.match(text)
    if hit:
        gate = next((g for g in rubric.gates if g.id == hit["id"]), None)
        return msg("reason.gate", lang, id=hit["id"],
                   label=label(gate.label if gate else None, lang, hit["label"]))
    if text.startswith("below quorum: "):
        rest = text.removeprefix("below quorum: ")
        cells = [msg("reason.quorum_cell", lang, n=hit["n"], quorum=hit["quorum"],
                     source=label(_source(rubric, hit["source"]), lang, hit["source"]),
                     indicator=label(_indicator(rubric, hit["indicator"]), lang,
                                     hit["indicator"]))
                 for hit in _CELL.finditer(rest)]
        more = _MORE.search(rest)
        tail = msg("reason.more", lang, n=more["n"]) if more else ""
        return msg("reason.quorum", lang, cells=msg("sep.list", lang).join(cells) + tail)
    if text.startswith("no rating for ") and text.endswith(" (and no default)"):
        rest = text.removeprefix("no rating for ").removesuffix(" (and no default)")
        more = _MORE.search(rest)
        ids = (rest[:more.start()] if more else rest).split(", ")
        items = msg("sep.list", lang).join(
            f"「{label(_indicator(rubric, i), lang, i)}」" for i in ids)
        tail = msg("reason.more", lang, n=more["n"]) if more else ""
        return msg("reason.unscored", lang, items=items + tail)
    return text


def warning(text: str, lang: Lang) -> str:
    """A report's warning (as evaluation words it in English) in ``lang``."""
    if lang == "en":
        return text
    hit = _WARN_DROPPED.match(text)
    return msg("warn.dropped", lang, **hit.groupdict()) if hit else text


_WARN_DROPPED = re.compile("^" + re.escape(MESSAGES["warn.dropped"].en)
                           .replace(re.escape("{file}"), "(?P<file>.*)")
                           .replace(re.escape("{n_s}"), "s?")
                           .replace(re.escape("{n}"), r"(?P<n>\d+)") + "$", re.DOTALL)
