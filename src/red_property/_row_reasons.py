"""Why a ratings row is not used, and the problems that account for the rows flagged.

Each reason has a code (its 1-based position in :data:`REASONS`; 0, :data:`OK`, is a kept row),
the column its message points at, a short name for counts, and a message template.
:func:`_account` turns the flagged rows into problems, one per cause (rows alike in the fields
the message names), listing at most :data:`MAX_LISTED` causes of each reason and counting all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from ._messages import drop_reason
from .errors import Problem, rows_text, rows_text_zh
from .plan import Plan
from .ratings import Ratings

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: How many rows of each reason are listed in an error or report (all are counted).
MAX_LISTED = 50


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a row is not used: the column to point at, a short name, the message template."""

    column: str
    short: str
    template: str
    key: tuple[str, ...] = ()  # the fields the message names: rows alike in them are one cause
    zh: str = ""  # the message in Chinese, from the same fields


OK = 0  # a kept row; a flagged row holds the 1-based position of its reason in REASONS
REASONS = (
    Reason("source", "unknown source",
           "unknown source {source!r}; the rubric's sources are {sources}", ("source",),
           zh="评分方 {source!r} 未知；评定标准的评分方为 {sources}"),
    Reason("indicator", "unknown indicator",
           "unknown indicator {indicator!r}; check the rubric's indicator ids", ("indicator",),
           zh="指标 {indicator!r} 未知；请核对评定标准的指标编号"),
    Reason("company", "unknown company",
           "unknown company {company!r}; it is not in the companies table", ("company",),
           zh="企业 {company!r} 未知：不在企业名单中"),
    Reason("indicator", "source does not rate indicator",
           "source {source!r} does not rate indicator {indicator!r} (see the source's `covers`)",
           ("source", "indicator"),
           zh="评分方 {source!r} 不评指标 {indicator!r}（见该评分方的 covers）"),
    Reason("value", "not a number", "value {text!r} is not a number{options}",
           ("text", "indicator"),
           zh="数值 {text!r} 不是数字{options}"),
    Reason("value", "not finite", "value {value} is not a finite number", ("value",),
           zh="数值 {value} 不是有限数"),
    Reason("value", "out of range",
           "value {value:g} is {outside} for indicator {indicator!r}", ("value", "indicator"),
           zh="数值 {value:g} {outside_zh}"),
    Reason("value", "not a whole number",
           "value {value:g} must be a whole number for indicator {indicator!r}",
           ("value", "indicator"),
           zh="指标 {indicator!r} 的数值须为整数，此处为 {value:g}"),
    Reason("rater", "duplicate",
           "rater {rater!r} rated company {company!r} on {indicator!r} twice; keep one row",
           ("rater", "company", "indicator"),
           zh="评委 {rater!r} 对企业 {company!r} 的指标 {indicator!r} 评了两次；请只保留一行"),
    Reason("rater", "rater in two sources",
           "rater {rater!r} appears in more than one source; a rater belongs to one source",
           ("rater",),
           zh="评委 {rater!r} 出现在多个评分方中；一位评委只属于一个评分方"),
    Reason("rater_company", "peer rating without rater_company",
           "peer rating without rater_company: name the company the rater belongs to",
           ("rater",),
           zh="企业互评缺少 rater_company：请填写评委所属企业"),
    Reason("rater", "self-rating",
           "self-rating: rater {rater!r} belongs to {company!r}, the company rated",
           ("rater", "company"),
           zh="自评：评委 {rater!r} 属于被评企业 {company!r}"),
    Reason("value", "too large", "value {value:g} is too large: values lie within ±1e15",
           ("value",),
           zh="数值 {value:g} 过大：数值须在 ±1e15 以内"),
    Reason("value", "empty", "value is empty; every rating needs a value",
           zh="数值为空；每条评分都需要数值"),
    Reason("value", "number for options",
           "value {value:g} is a number, but indicator {indicator!r} takes an option's label: "
           "{labels}", ("raw", "indicator"),
           zh="数值 {value:g} 是数字，但指标 {indicator!r} 应填选项名称：{labels}"),
    Reason("value", "not an option's points",
           "value {value:g} is not the points of an option of {indicator!r}: {labels}",
           ("raw", "indicator"),
           zh="数值 {value:g} 不是指标 {indicator!r} 任一选项的分值：{labels}"),
    Reason("rater_company", "unknown rater_company",
           "rater_company {rater_company!r} of rater {rater!r} is not in the companies table",
           ("rater_company", "rater"),
           zh="评委 {rater!r} 的所属企业 {rater_company!r} 不在企业名单中"),
)
(UNKNOWN_SOURCE, UNKNOWN_INDICATOR, UNKNOWN_COMPANY, NOT_COVERED, NOT_A_NUMBER, NOT_FINITE,
 OUT_OF_RANGE, NOT_WHOLE, DUPLICATE, TWO_SOURCES, NO_RATER_COMPANY, SELF_RATING,
 TOO_LARGE, EMPTY, OPTION_NUMBER, NOT_OPTION_POINTS,
 UNKNOWN_RATER_COMPANY) = range(1, len(REASONS) + 1)


def _account(plan: Plan, ratings: Ratings, reason: npt.NDArray[np.int8], i: IntArray,
             value: FloatArray, *, by_row: bool = False
             ) -> tuple[list[tuple[Problem, int]], dict[int, int]]:
    """Problems for the flagged rows, one per cause: rows that share a reason and the fields
    its message names are one problem, with their count and first rows (at most
    :data:`MAX_LISTED` causes per reason are listed; every row is counted). ``by_row`` lists
    each row instead (the report's account of dropped rows, one row each)."""
    counts: dict[int, int] = {}
    problems: list[tuple[Problem, int]] = []
    codes, tally = np.unique(reason[reason != OK], return_counts=True)
    for code, count in zip(codes.tolist(), tally.tolist(), strict=True):
        counts[code] = count
        rows = np.flatnonzero(reason == code)
        # by row number: which rows are listed must not depend on the order the rows came in
        rows = rows[np.argsort(ratings.row[rows], kind="stable")]
        why = REASONS[code - 1]
        group = (np.arange(rows.size, dtype=np.int64) if by_row
                 else _causes(ratings, why.key, rows, value))
        order = np.argsort(group, kind="stable")  # rows of a cause together, in row order
        sg = group[order]
        starts = np.flatnonzero(np.r_[True, sg[1:] != sg[:-1]])
        ends = np.r_[starts[1:], rows.size]
        firsts = sorted(zip(order[starts].tolist(), starts.tolist(), ends.tolist(), strict=True))
        for first, a, b in firsts[:MAX_LISTED]:
            at = ratings.row[rows[order[a:b]]]
            p = _problem(plan, ratings, code, int(rows[first]), i, value)
            if b - a > 1:
                listed = rows_text(at.tolist(), b - a)
                p = replace(p, message=f"{p.message} ({listed})",
                            message_zh=f"{p.message_zh}（{rows_text_zh(at.tolist(), b - a)}）")
            problems.append((p, code))
        if len(firsts) > MAX_LISTED:
            rest = sum(b - a for _, a, b in firsts[MAX_LISTED:])
            problems.append((Problem(f"... and {rest} more rows: {why.short}",
                                     message_zh=f"……另有 {rest} 行：{drop_reason(why.short, 'zh')}",
                                     file=ratings.origin, row=int(ratings.row[rows[-1]]),
                                     path=why.column), code))
    problems.sort(key=lambda pc: pc[0].row)
    return problems, counts


def _causes(ratings: Ratings, key: tuple[str, ...], rows: IntArray, value: FloatArray
            ) -> IntArray:
    """A cause number for each of ``rows``: rows alike in the fields ``key`` names share one."""
    columns: dict[str, npt.NDArray[Any]] = {
        "source": ratings.source, "indicator": ratings.indicator, "company": ratings.company,
        "rater": ratings.rater, "rater_company": ratings.rater_company, "value": value,
        "raw": ratings.value,
    }
    parts = []
    for name in key:
        if name == "text":
            cells = (np.full(rows.size, "", dtype=object) if ratings.text is None
                     else ratings.text[rows])
            parts.append(np.unique(cells.astype(str), return_inverse=True)[1].ravel())
        else:
            parts.append(np.unique(columns[name][rows], return_inverse=True)[1].ravel())
    if not parts:
        return np.zeros(rows.size, dtype=np.int64)
    inverse = np.unique(np.stack(parts, axis=1), axis=0, return_inverse=True)[1]
    return np.asarray(inverse, dtype=np.int64).ravel()


def _problem(plan: Plan, ratings: Ratings, code: int, k: int, i: IntArray, value: FloatArray
             ) -> Problem:
    """Row ``k``'s problem, its message in English and in Chinese from the same fields."""
    ind = int(i[k])
    labels = ""
    options = {"en": "", "zh": ""}
    if ind in plan.option_keys:
        keys, name = ", ".join(plan.option_keys[ind]), plan.indicators[ind]
        options = {"en": f" or an option of {name!r}: {keys}",
                   "zh": f"，也不是指标 {name!r} 的选项：{keys}"}
        labels = keys
        if ind in plan.option_points:
            labels = ", ".join(f"{key} {pts:g}" for key, pts in
                               zip(plan.option_keys[ind], plan.option_points[ind], strict=True))
    text = "" if ratings.text is None else str(ratings.text[k])
    if code == NOT_A_NUMBER:
        options = {lang: tail + _number_hint(text.strip(), lang)
                   for lang, tail in options.items()}
    rc = int(ratings.rater_company[k])
    fields = {
        "source": str(ratings.source_labels[ratings.source[k]]),
        "sources": ", ".join(plan.sources),
        "indicator": str(ratings.indicator_labels[ratings.indicator[k]]),
        "company": str(ratings.company_labels[ratings.company[k]]),
        "rater": str(ratings.rater_labels[ratings.rater[k]]),
        "rater_company": str(ratings.company_labels[rc]) if rc >= 0 else "",
        "value": float(ratings.value[k] if code in (OPTION_NUMBER, NOT_OPTION_POINTS)
                       else value[k]),
        "text": text,
        "labels": labels,
    }
    lower, upper = float(plan.lower[max(ind, 0)]), float(plan.upper[max(ind, 0)])
    name = str(ratings.indicator_labels[ratings.indicator[k]])
    if np.isinf(upper):  # counts: no most, only a least (no indicator has only a most)
        fields |= {"outside": f"below {lower:g}",
                   "outside_zh": f"低于指标 {name!r} 的下限 {lower:g}"}
    else:
        fields |= {"outside": f"outside {lower:g} to {upper:g}",
                   "outside_zh": f"超出指标 {name!r} 的分值范围 {lower:g} 至 {upper:g}"}
    why = REASONS[code - 1]
    return Problem(why.template.format(**fields, options=options["en"]),
                   message_zh=why.zh.format(**fields, options=options["zh"]),
                   file=ratings.origin, row=int(ratings.row[k]), path=why.column)


def _number_hint(text: str, lang: str) -> str:
    """What a value that is not a number probably meant, when it looks like a decimal comma
    (``2,9``) or a percentage (``85%``)."""
    if re.fullmatch(r"[+-]?\d+,\d+", text):
        number = text.replace(",", ".")
        return f"；是小数逗号吗？请写作 {number}" if lang == "zh" else (
            f"; a decimal comma? write {number}")
    if re.fullmatch(r"[+-]?\d+(\.\d+)?\s*[%％]", text):
        number = text.rstrip("%％ ")
        return f"；请去掉百分号，写作 {number}" if lang == "zh" else (
            f"; write the number without the percent sign: {number}")
    return ""
