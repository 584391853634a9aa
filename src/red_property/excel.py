"""A report as an Excel workbook (``excel`` extra: openpyxl).

Four sheets: the star table (best first), each company's points by dimension and source, the
rating rows a policy dropped with their reasons, and the provenance. Every sheet has a frozen,
bold header and columns wide enough for their text (CJK characters count double); numbers are
stored as numbers; text that a spreadsheet would run as a formula (``=`` ``+`` ``-`` ``@``) is
stored as text with Excel's quote prefix, so it shows as written and never runs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _messages as m
from .texts import breakdown, flat_table, text_width

if TYPE_CHECKING:
    from .report import Report


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 60


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise ImportError(
            "Report.to_excel() needs openpyxl: pip install 'red-property[excel]'"
        ) from None
    return openpyxl


def write_workbook(report: Report, path: str | os.PathLike[str], *,
                   lang: str | None = None) -> None:
    """Write ``report`` to an .xlsx workbook at ``path``."""
    openpyxl = _openpyxl()
    language = m.resolve(lang, report.plan.rubric)
    wb = openpyxl.Workbook()
    stars = wb.active
    stars.title = m.msg("sheet.stars", language)
    header, rows = flat_table(report, language)
    order = report._order().tolist()
    _fill(stars, header, [rows[c] for c in order])
    _fill(wb.create_sheet(m.msg("sheet.breakdown", language)),
          *_breakdown(report, language))
    _fill(wb.create_sheet(m.msg("sheet.dropped", language)), *_dropped(report, language))
    _fill(wb.create_sheet(m.msg("sheet.provenance", language)),
          *_provenance(report, language))
    wb.save(os.fspath(path))


def _fill(ws: Any, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Write a header and rows; freeze and embolden the header; size the columns."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    widths = [text_width(str(h)) for h in header]
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for k, value in enumerate(row, start=1):
            v = _plain(value)
            cell = ws.cell(row=r, column=k, value=v)
            if isinstance(v, str) and v.startswith(FORMULA_START):
                cell.data_type = "s"  # openpyxl would store it as a formula
                cell.quotePrefix = True
            if isinstance(v, float):
                cell.number_format = "0.00####"
            widths[k - 1] = max(widths[k - 1], text_width(_shown(v)))
    for k, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(k)].width = min(MAX_WIDTH, w + 2)
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = ws.dimensions


def _plain(value: Any) -> Any:
    """A cell value: numpy scalars as Python numbers, None stays empty."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _breakdown(report: Report, lang: m.Lang) -> tuple[list[str], list[list[Any]]]:
    """One row per company and dimension: points from each source, their sum and the most."""
    p = report.plan
    rubric = p.rubric
    sources = [*p.sources, "default"]
    names = [m.label(rubric.sources[s].label, lang, s) for s in p.sources]
    header = [m.msg("col.company", lang), m.msg("col.name", lang), m.msg("col.dimension", lang),
              *names, m.msg("source.default", lang), m.msg("col.points", lang),
              m.msg("col.max", lang), m.msg("col.share", lang)]
    rows: list[list[Any]] = []
    for c in report._order().tolist():
        company = str(report.companies[c])
        e = report.explain(company, lang=lang)
        by = breakdown(report, e)
        for did, (pts, most) in e.dimensions.items():
            rows.append([company, e.name or "", e.labels.get(did, did),
                         *(round(by[did][s], 6) for s in sources), round(pts, 6), most,
                         round(pts / most, 6) if most else None])
        if any(by["bonus"].values()):
            rows.append([company, e.name or "", m.msg("col.bonus", lang),
                         *(round(by["bonus"][s], 6) for s in sources),
                         round(sum(by["bonus"].values()), 6), None, None])
        adjust = sum(e.adjustments.values())
        if adjust:
            rows.append([company, e.name or "", m.msg("plot.adjustments", lang),
                         *([None] * len(sources)), round(adjust, 6), None, None])
    return header, rows


def _dropped(report: Report, lang: m.Lang) -> tuple[list[str], list[list[Any]]]:
    """Each dropped rating row: where it was and why."""
    header = [m.msg("col.row", lang), m.msg("col.column", lang), m.msg("col.reason", lang),
              m.msg("col.file", lang)]
    rows = [[d.row or None, d.path, (d.message_zh if lang == "zh" else "") or d.message, d.file]
            for d in report.dropped]
    return header, rows


def _provenance(report: Report, lang: m.Lang) -> tuple[list[str], list[list[Any]]]:
    """What made the report: rubric, fingerprint, library, rows, warnings."""
    prov = report.provenance()
    r = report.plan.rubric
    rows: list[list[Any]] = [
        [m.msg("prov.rubric", lang), f"{m.label(r.title, lang)} ({r.id})"],
        [m.msg("prov.version", lang), r.version],
        [m.msg("prov.sha256", lang), prov["rubric"]["sha256"]],
        [m.msg("prov.library", lang), f"red-property {prov['library']['version']}"],
        [m.msg("prov.read", lang), prov["rows"]["read"]],
        [m.msg("prov.used", lang), prov["rows"]["used"]],
        [m.msg("prov.dropped", lang), prov["rows"]["dropped"]],
    ]
    for reason, count in prov["rows"]["dropped_by_reason"].items():
        rows.append([m.msg("prov.dropped_for", lang, reason=m.drop_reason(reason, lang)), count])
    rows += [[m.msg("prov.warning", lang), m.warning(w, lang)] for w in prov["warnings"]]
    return [m.msg("col.item", lang), m.msg("col.value", lang)], rows
