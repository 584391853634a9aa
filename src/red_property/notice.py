"""The public notice (公示) of a season's stars: a self-contained HTML page that prints on A4.

The companies awarded stars are grouped by level, highest first, and ordered by rank within a
level, as a bureau publishes them; then come the objection period and the contact, and the
rubric's name, version and fingerprint so anyone can check which standard was applied. A PDF
is printed by headless Chromium where one is installed (Debian: ``apt-get install chromium``).
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from . import _messages as m
from .errors import RedPropertyError

if TYPE_CHECKING:
    from .report import Report


BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
STYLE = """
@page { size: A4; margin: 18mm 16mm 20mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", SimSun, serif;
       color: #111; margin: 0 auto; max-width: 178mm; padding: 8mm 0; line-height: 1.6;
       font-size: 11pt; background: #fff; }
h1 { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
     SimHei, sans-serif; text-align: center; font-size: 20pt; color: #a8071a;
     margin: 0 0 6mm; letter-spacing: 0.05em; }
h2 { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
     SimHei, sans-serif; font-size: 13pt; margin: 5mm 0 2mm; break-after: avoid; }
h2 .stars { color: #d4a017; letter-spacing: 0.1em; }
p.intro { text-indent: 2em; }
table { width: 100%; border-collapse: collapse; margin-bottom: 3mm; table-layout: fixed; }
th, td { border: 0.3mm solid #444; padding: 1.2mm 2mm; text-align: left; }
th { background: #f3e3e3; font-weight: bold; white-space: nowrap; }
.no { width: 14mm; text-align: center; }
.id { width: 26mm; }
.district { width: 40mm; }
td.id { font-family: monospace; }
tr { break-inside: avoid; }
.objection { margin-top: 6mm; }
.objection p { margin: 1mm 0; }
footer { margin-top: 8mm; font-size: 8pt; color: #555; border-top: 0.2mm solid #999;
         padding-top: 2mm; overflow-wrap: anywhere; }
"""


def notice_html(report: Report, *, title: str | None = None, period: str, contact: str,
                lang: str | None = None) -> str:
    """The notice as one HTML document (styles inline; no external file)."""
    language = m.resolve(lang, report.plan.rubric)
    e = html.escape
    rubric = report.plan.rubric
    a = report.awards
    top = rubric.top_stars
    heading = title or m.msg("notice.title", language)
    order = [c for c in report._order().tolist() if a.rated[c] and a.stars[c] > 0]
    intro = m.msg("notice.intro", language, n=len(order), rubric=m.label(rubric.title, language))
    parts = [f"<h1>{e(heading)}</h1>", f'<p class="intro">{e(intro)}</p>']
    ids = {c: str(report.companies[c]) for c in order}
    # names and districts get a column only where some company listed has one (without a
    # companies table the notice lists ids, not empty columns)
    names = any(report.names.get(i) for i in ids.values())
    districts = any(report.districts.get(i) for i in ids.values())
    heads = [("no", "col.number"), ("id", "col.code")] + [("name", "col.company")] * names + [
        ("district", "col.district")] * districts
    cols = "".join(f'<th class="{cls}">{e(m.msg(k, language))}</th>' for cls, k in heads)

    def cells(c: int) -> str:
        out = f'<td class="id">{e(ids[c])}</td>'
        if names:
            out += f"<td>{e(report.names.get(ids[c], ''))}</td>"
        if districts:
            out += f'<td class="district">{e(report.districts.get(ids[c], ""))}</td>'
        return out

    for level in range(top, 0, -1):
        members = [c for c in order if int(a.stars[c]) == level]
        if not members:
            continue
        group = m.msg("notice.group", language, n=level, k=len(members),
                      word=m.stars_word(level, language))
        bar = "★" * level + "☆" * (top - level)
        rows = "".join(
            f'<tr><td class="no">{k}</td>{cells(c)}</tr>' for k, c in enumerate(members, start=1))
        parts.append(f'<section class="level" data-stars="{level}"><h2>{e(group)} '
                     f'<span class="stars">{bar}</span></h2><table><thead><tr>{cols}</tr>'
                     f"</thead><tbody>{rows}</tbody></table></section>")
    if not order:
        parts.append(f"<p>{e(m.msg('notice.none', language))}</p>")
    parts.append(
        '<div class="objection">'
        f"<p><b>{e(m.msg('notice.period', language, period=period))}</b></p>"
        f"<p>{e(m.msg('notice.objection', language))}</p>"
        f"<p>{e(m.msg('notice.contact', language, contact=contact))}</p></div>")
    parts.append("<footer>" + e(m.msg("notice.footer", language, id=rubric.id,
                                      version=rubric.version, sha=report.plan.fingerprint))
                 + f" · red-property {e(report.library_version)}</footer>")
    html_lang = "zh-Hans" if language == "zh" else "en"
    return (f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(heading)}</title><style>{STYLE}</style></head>"
            f"<body>{''.join(parts)}</body></html>\n")


def chromium() -> str | None:
    """The path of an installed Chromium or Chrome, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_command(browser: str, profile: str | os.PathLike[str]) -> list[str]:
    """Headless Chromium with a throw-away profile and nothing fetched from the network."""
    return [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={os.fspath(profile)}"]


def write_notice(report: Report, path: str | os.PathLike[str], *, title: str | None = None,
                 period: str, contact: str, lang: str | None = None) -> None:
    """Write the notice to ``path``: HTML, or a PDF when ``path`` ends in ``.pdf``."""
    page = notice_html(report, title=title, period=period, contact=contact, lang=lang)
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        target.write_text(page, encoding="utf-8")
        return
    browser = chromium()
    if browser is None:
        raise RedPropertyError(
            f"{target}: a PDF notice needs headless Chromium (Debian: apt-get install "
            "chromium); or write the notice as .html and print it from a browser")
    with tempfile.TemporaryDirectory(prefix="red-property-notice-") as tmp:
        source = Path(tmp) / "notice.html"
        source.write_text(page, encoding="utf-8")
        out = target.resolve()
        cmd = [*chromium_command(browser, Path(tmp) / "profile"), "--no-pdf-header-footer",
               f"--print-to-pdf={out}", source.as_uri()]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)  # noqa: S603 - fixed arguments
        if done.returncode != 0 or not out.is_file():
            raise RedPropertyError(f"{target}: Chromium could not print the notice "
                                   f"(exit {done.returncode}): {done.stderr.strip()[-300:]}")
