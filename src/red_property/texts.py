"""The star table and the explanations as text, in English or simplified Chinese.

English keeps the compact form of a terminal (``✗ total ≥ 88: has 87.4 (−0.6)``); Chinese reads
as a bureau writes (``距四星还差 0.6 分：总分 87.4，需达到 88``). Every fixed phrase comes from
:mod:`red_property._messages`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._messages import Lang, drop_reason, label, msg, reason, stars_word
from .awarding import OUTCOMES
from .cells import printable

if TYPE_CHECKING:
    from .explanation import Condition, Explanation
    from .report import Report
    from .rubric import Rubric


def num(x: float, digits: int = 2) -> str:
    """A score for people: at most ``digits`` decimals, no trailing zeros."""
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def stars_text(stars: int, top: int, *, rated: bool = True, lang: Lang = "en") -> str:
    """★★★☆☆ for 3 of 5; "not rated" when not rated."""
    if not rated:
        return msg("not_rated", lang)
    return "★" * stars + "☆" * (top - stars)


def text_width(text: str) -> int:
    """Columns a text takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - text_width(text))


def verdict_text(verdict: int, lang: Lang) -> str:
    """A claim outcome (its code in ``OUTCOMES``) in ``lang``."""
    return msg(f"verdict.{OUTCOMES[verdict].value}", lang)


# --------------------------------------------------------------------------- the star table


def vetoes_text(rubric: Rubric, ids: Sequence[str], lang: Lang) -> str:
    """The vetoes a company triggered: "veto: safety" in English; in Chinese their labels,
    after 一票否决 unless every label names itself a veto (…一票否决) already."""
    names = {v.id: label(v.label, lang, v.id) for v in rubric.vetoes}
    shown = [names[v] if lang == "zh" else v for v in ids]
    sep = msg("sep.list", lang) if lang == "zh" else ","
    if lang == "zh" and all("否决" in n for n in shown):
        return sep.join(shown)
    return msg("table.veto", lang, ids=sep.join(shown))


def claim_and_flags(report: Report, c: int, lang: Lang) -> tuple[str, list[str]]:
    """Company ``c``'s claim with its outcome, and its flags: vetoes, why it is not rated, its
    uncorrected result (the star table's last columns, in text and HTML alike)."""
    plan, a, s = report.plan, report.awards, report.scores
    rated = bool(a.rated[c])
    claim = ""
    if a.claimed[c] >= 0:
        claim = f"{stars_word(int(a.claimed[c]), lang)} {verdict_text(int(a.verdict[c]), lang)}"
    flags = []
    if a.vetoed[c].any():
        flags.append(vetoes_text(plan.rubric, [v for k, v in enumerate(plan.veto_ids)
                                               if a.vetoed[c, k]], lang))
    if not rated:
        flags.append(msg("sep.clause", lang).join(
            reason(r, lang, plan.rubric) for r in a.reasons(c)))
    raw = report.uncorrected
    if raw is not None and rated and (raw.scores.total[c] != s.total[c]
                                      or raw.awards.stars[c] != a.stars[c]):
        was = int(raw.awards.stars[c])
        flags.append(msg("table.uncorrected", lang,
                         total=f"{raw.scores.total[c]:.{plan.digits}f}",
                         stars=was, word=stars_word(was, lang)))
    return claim, flags


def star_table(report: Report, *, limit: int | None, lang: Lang) -> str:
    """The star table, best first (equal totals in company order)."""
    plan, a, s = report.plan, report.awards, report.scores
    top = plan.rubric.top_stars
    order = report._order()
    if limit is not None:
        order = order[:limit]
    labels = [report._label(str(c)) for c in report.companies]
    head = {k: msg(f"col.{k}", lang)
            for k in ("rank", "company", "total", "stars", "claim", "level")}
    levels = plan.rubric.levels
    named = [label(lv.name, lang) for lv in levels]
    level_w = max([text_width(head["level"]), *map(text_width, named)]) if any(named) else 0
    width = max([text_width(head["company"]), *(text_width(labels[c]) for c in order.tolist())])
    stars_w = max(top + 2, text_width(head["stars"]), text_width(msg("not_rated", lang)))
    lines = [f"{' ' * (4 - text_width(head['rank']))}{head['rank']}  "
             f"{_pad(head['company'], width)}  {' ' * (7 - text_width(head['total']))}"
             f"{head['total']}  "
             f"{_pad(head['stars'], stars_w)}  "
             f"{_pad(head['level'], level_w) + '  ' if level_w else ''}{head['claim']}"]
    sep = msg("sep.list", lang)
    for c in order.tolist():
        rated = bool(a.rated[c])
        rank = str(a.rank[c]) if rated else "-"
        total = f"{s.total[c]:7.{plan.digits}f}" if rated else f"{'-':>7}"
        claim, flags = claim_and_flags(report, c, lang)
        extra = ("  " + " | ".join(flags)) if flags else ""
        bar = stars_text(int(a.stars[c]), top, rated=rated, lang=lang)
        level = named[int(a.level[c])] if a.level[c] >= 0 else ""
        level = _pad(level, level_w) + "  " if level_w else ""
        lines.append(f"{rank:>4}  {_pad(labels[c], width)}  {total}  "
                     f"{_pad(bar, stars_w)}  {level}{claim}{extra}".rstrip())
    counts = np.bincount(a.stars[a.rated], minlength=top + 1)
    summary = sep.join(msg("table.count", lang, s=k, n=int(counts[k]), word=stars_word(k, lang))
                       for k in range(top, -1, -1))
    lines.append(msg("table.summary", lang, n=len(report), counts=summary,
                     k=int((~a.rated).sum())))
    if report.uncorrected is not None:
        moved = int((report.uncorrected.awards.stars != a.stars).sum())
        lines.append(msg("table.corrected", lang, moved=moved))
    if report.rows_dropped:
        reasons = sep.join(msg("table.dropped_reason", lang, reason=drop_reason(k, lang), n=v)
                           for k, v in sorted(report.dropped_by_reason.items()))
        lines.append(msg("table.dropped", lang, dropped=report.rows_dropped,
                         read=report.rows_read, reasons=reasons))
    return "\n".join(lines)


# --------------------------------------------------------------------------- explanations


def condition_text(c: Condition, lang: Lang = "en",
                   labels: dict[str, str] | None = None) -> str:
    """One condition: what it needs, what the company has, pass or fail."""
    mark = "✓" if c.passed else "✗"
    if lang == "zh" and c.kind:
        return _zh_condition(c, mark, labels or {})
    if isinstance(c.required, str) or isinstance(c.actual, str):
        return msg("cond.text", lang, mark=mark, what=c.what, req=c.required, have=c.actual)
    d = c.digits
    gap = "" if c.passed else msg("cond.shortfall", lang, x=num(c.shortfall, d))
    return msg("cond.number", lang, mark=mark, what=c.what, req=num(c.required, d),
               have=num(float(c.actual), d), gap=gap)


def _zh_condition(c: Condition, mark: str, labels: dict[str, str]) -> str:
    """A condition as a Chinese sentence."""
    lang: Lang = "zh"
    name = labels.get(c.subject, c.subject)
    if c.kind == "requires":
        return msg("cond.req_met" if c.passed else "cond.req_unmet", lang, mark=mark, what=name)
    if c.kind == "veto":
        return msg("cond.veto_on", lang, mark=mark, what=name)
    if c.kind in ("claim_refused", "claim_low"):
        return msg(f"cond.{c.kind}", lang, mark=mark, n=c.level, k=c.reached,
                   word=stars_word(c.level, lang), reached=stars_word(c.reached, lang))
    d = c.digits
    req = num(float(c.required), d)
    what = msg(f"cond.{c.kind}", lang, what=name, share=f"{c.share:.0%}", max=num(c.maximum))
    if c.kind == "dimension":
        req = msg("cond.dimension_req", lang, req=req, share=f"{c.share:.0%}",
                  max=num(c.maximum))
    gap = "" if c.passed else msg("cond.shortfall", lang, x=num(c.shortfall, d))
    return msg("cond.number", lang, mark=mark, what=what, req=req,
               have=num(float(c.actual), d), gap=gap)


def explanation_text(e: Explanation) -> str:
    """An explanation as text in its language."""
    lang: Lang = "zh" if e.lang == "zh" else "en"
    sep = msg("sep.list", lang)
    colon = "：" if lang == "zh" else ": "
    head = printable(f"{e.company} {e.name}{colon}" if e.name else f"{e.company}{colon}")
    if not e.rated:
        reasons = msg("sep.clause", lang).join(e.not_rated_reasons)
        return msg("explain.not_rated", lang, head=head, reasons=reasons)
    claim = ""
    if e.claimed is not None:
        verdict = msg(f"verdict.{e.verdict}", lang)
        claim = msg("explain.claim", lang, claimed=e.claimed, verdict=verdict,
                    claimed_word=stars_word(e.claimed, lang))
    lines = [
        msg("explain.head", lang, head=head, stars=e.stars,
            bar=stars_text(e.stars, e.top) + (f" {e.level}" if e.level else ""),
            earned=e.earned, claim=claim, total=num(e.total, 6), rank=e.rank,
            stars_word=stars_word(e.stars, lang),
            earned_zh=msg("explain.earned" if e.earned else "explain.earned_none", "zh",
                          word=stars_word(e.earned, "zh"))),
        "",
        msg("explain.dimensions", lang),
    ]
    width = max([40 if lang == "en" else 0, *(text_width(e.labels.get(d, d)) for d in
                                              e.dimensions)])
    for did, (pts, mx) in e.dimensions.items():
        share = f"{pts / mx:.0%}" if mx else "-"
        lines.append(f"  {_pad(e.labels.get(did, did), width)} {pts:8.2f} / {num(mx):<5} "
                     f"{share:>5}")
    names = {**e.source_labels, "default": msg("source.default", lang)} if lang == "zh" else {}
    src = [f"{names.get(s, s)} {v:.2f}" for s, v in e.by_source.items()]
    adj = [f"{msg('adjust.' + k, lang) if f'adjust.{k}' in _ADJUST else k} {v:+.2f}"
           for k, v in e.adjustments.items() if v]
    lines.append(msg("explain.by_source", lang) + sep.join(src + adj))
    if e.vetoes:
        vetoes = [e.veto_labels.get(v, v) if lang == "zh" else v for v in e.vetoes]
        lines.append(msg("explain.vetoes", lang) + sep.join(vetoes))
    lines += ["", msg("explain.trace", lang)]
    labels = {**e.labels, **e.indicator_labels, **e.veto_labels}
    for t in e.trace:
        state = msg("explain.passed" if t.passed else "explain.not_reached", lang)
        named = f" {t.name}" if t.name else ""
        lines.append(f"  {stars_word(t.stars, lang)}{named} {state}")
        lines += [f"     {condition_text(c, lang, labels)}" for c in t.conditions]
    if e.next_level is not None:
        lines += ["", *_gap_lines(e, lang, labels)]
        if e.headroom:
            room = sep.join(msg("explain.room_item", lang, pts=num(pts), most=num(most),
                                what=e.indicator_labels.get(i, i) if lang == "zh" else i,
                                open=num(most - pts))
                            for i, pts, most in e.headroom)
            lines.append("  " + msg("explain.room", lang) + room)
    return "\n".join(lines)


_ADJUST = ("adjust.bonus cap", "adjust.base points", "adjust.divided", "adjust.rounding")


def _gap_lines(e: Explanation, lang: Lang, labels: dict[str, str]) -> list[str]:
    """What the next star takes: one sentence when only the total is short."""
    assert e.next_level is not None  # noqa: S101 - callers check
    n = e.next_level
    word = stars_word(n, lang)
    if lang == "zh":
        if len(e.gap) == 1 and e.gap[0].kind == "total":
            c = e.gap[0]
            d = c.digits
            return [msg("explain.gap_total", lang, word=word, n=n, need=num(c.shortfall, d),
                        have=num(float(c.actual), d), req=num(float(c.required), d))]
        head = msg("explain.gap_many", lang, word=word)
        body = [f"  {condition_text(c, lang, labels)}" for c in e.gap]
        return [head, *(body or ["  " + msg("explain.all_met", lang)])]
    body = [f"  {condition_text(c, lang)}" for c in e.gap]
    return [msg("explain.to_reach", lang, n=n), *(body or ["  " + msg("explain.all_met", lang)])]


# --------------------------------------------------------------------------- flat rows


def flat_table(report: Report, lang: Lang) -> tuple[list[str], list[list[Any]]]:
    """The star table as a header and one row per company, for CSV and workbooks.

    English headers are column names (``dim.service_quality``); Chinese ones are the
    rubric's labels. Numbers stay numbers; None where a value does not apply.
    """
    p = report.plan
    rubric = p.rubric
    fixed = ["company", "name", "district", "rated", "total", "stars", "earned", "claimed",
             "verdict", "rank"]
    if lang == "en":
        header = [*fixed, *[f"dim.{d}" for d in p.dimensions],
                  *[f"source.{s}" for s in p.sources], "bonus", "vetoed", "not_rated"]
    else:
        header = [*(msg(f"col.{k}", lang) for k in fixed),
                  *(label(rubric.dimensions[d].label, lang, d) for d in p.dimensions),
                  *(label(rubric.sources[s].label, lang, s) + "（得分率）" for s in p.sources),
                  msg("col.bonus", lang), msg("col.vetoed", lang), msg("col.not_rated", lang)]
    vetoes = {v.id: label(v.label, lang, v.id) if lang == "zh" else v.id for v in rubric.vetoes}
    rows = []
    for r in report.to_records():
        rated: Any = r["rated"] if lang == "en" else msg("yes" if r["rated"] else "no", lang)
        verdict = r["verdict"] if lang == "en" else msg(f"verdict.{r['verdict']}", lang)
        rows.append([r["company"], r["name"] or "", r["district"] or "", rated, r["total"],
                     r["stars"], r["earned"], r["claimed"], verdict, r["rank"],
                     *r["dimensions"].values(), *r["sources"].values(), r["bonus"],
                     ",".join(vetoes[v] for v in r["vetoed"]),
                     msg("sep.clause", lang).join(reason(x, lang, rubric)
                                                 for x in r["not_rated"])])
    return header, rows


def breakdown(report: Report, e: Explanation) -> dict[str, dict[str, float]]:
    """Points by dimension (base indicators) and a last row ``"bonus"`` (bonus indicators),
    each split by source (and ``"default"``): with the adjustments they add up to the total."""
    plan = report.plan
    sources = [*plan.sources, "default"]
    rows = {d: dict.fromkeys(sources, 0.0) for d in [*e.dimensions, "bonus"]}
    for part in e.parts:
        row = "bonus" if plan.is_bonus[plan.index[part.indicator]] else part.dimension
        rows[row][part.source] += part.points
    return rows
