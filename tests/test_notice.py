"""The public notice: content and order, A4 print, and what a real browser renders."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import red_property as rp
from red_property import notice as notice_module
from red_property.cli import main

from .conftest import EXAMPLE, SHANYANG

TITLE = '山阳区2019年度"星级红色物业"评定结果公示'
PERIOD = "2019年12月2日至12月8日"
CONTACT = "区住房和城乡建设局物业科，电话 0391-0000000"
BROWSER = notice_module.chromium()
needs_chromium = pytest.mark.skipif(
    BROWSER is None, reason="no Chromium on this machine (Debian: apt-get install chromium; "
    "scripts/test.sh installs it when run as root)")


@pytest.fixture(scope="module")
def named_report() -> rp.Report:
    """The bundled season with company names and districts."""
    return rp.evaluate(SHANYANG, EXAMPLE / "ratings.csv", claims=EXAMPLE / "claims.csv",
                       companies=EXAMPLE / "companies.csv")


def _write(report: rp.Report, path: Path, lang: str = "zh") -> Path:
    report.notice(path, title=TITLE, period=PERIOD, contact=CONTACT, lang=lang)
    return path


def _browser(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    cmd = [*notice_module.chromium_command(BROWSER, tmp / "profile"), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)


def _pixels(path: Path) -> np.ndarray[Any, Any]:
    image = pytest.importorskip("matplotlib.image", reason="reading PNGs needs matplotlib")
    return np.asarray(image.imread(str(path)))


def test_notice_groups_by_level_highest_first(named_report: rp.Report, tmp_path: Path) -> None:
    """Companies with stars appear grouped by level from the top, in rank order within one."""
    page = _write(named_report, tmp_path / "n.html").read_text(encoding="utf-8")
    groups = re.findall(r'data-stars="(\d+)"', page)
    assert groups == ["5", "4", "3", "2", "1"]
    a = named_report.awards
    listed = re.findall(r'<td class="id">([^<]+)</td>', page)
    expected = [str(named_report.companies[c]) for c in named_report._order().tolist()
                if a.rated[c] and a.stars[c] > 0]
    expected.sort(key=lambda c: -int(named_report.stars[c] or 0))
    assert listed == expected and len(listed) == 22
    assert "sy-31" not in listed  # vetoed: no stars, not published
    assert "sy-38" not in listed  # not rated
    assert "五星（2 家）" in page and "一星（4 家）" in page


def test_notice_is_self_contained_and_prints_on_a4(named_report: rp.Report,
                                                    tmp_path: Path) -> None:
    """One HTML file with inline styles, @page A4, period, contact and the rubric's identity."""
    page = _write(named_report, tmp_path / "n.html").read_text(encoding="utf-8")
    assert "@page { size: A4;" in page
    assert not re.search(r'(src|href)="', page), "no external file"
    assert '<html lang="zh-Hans">' in page and f"<title>{html.escape(TITLE)}</title>" in page
    assert f"公示期：{PERIOD}" in page and f"联系方式：{CONTACT}" in page
    rubric = named_report.plan.rubric
    assert f"评定标准 {rubric.id}，版本 {rubric.version}" in page
    assert named_report.plan.fingerprint in page
    assert "山阳区&quot;星级红色物业&quot;评定标准(试行)" in page


def test_notice_escapes_and_speaks_english(tmp_path: Path) -> None:
    """Names and texts are HTML-escaped; lang en words the notice in English."""
    report = rp.evaluate(SHANYANG, EXAMPLE / "ratings.csv",
                         companies={f"sy-{k:02d}": f"<b>Co {k}</b>" for k in range(1, 41)})
    out = tmp_path / "n.html"
    report.notice(out, period="1–7 Dec", contact="<script>x</script>", lang="en")
    page = out.read_text(encoding="utf-8")
    assert "<b>Co" not in page and "&lt;b&gt;Co 9&lt;/b&gt;" in page
    assert "<script>" not in page and "Contact: &lt;script&gt;" in page
    assert "Objection period: 1–7 Dec" in page and "Public notice of star ratings" in page


def test_columns_only_for_what_is_known(tmp_path: Path) -> None:
    """Without a companies table the notice lists ids and no empty name or district column;
    with names only, it adds the names and still no district column."""
    bare = rp.evaluate(SHANYANG, EXAMPLE / "ratings.csv")
    page = _write(bare, tmp_path / "bare.html").read_text(encoding="utf-8")
    assert re.findall(r'<th class="(\w+)">', page)[:3] == ["no", "id", "no"]
    assert 'class="district"' not in page and "<td></td>" not in page
    named = rp.evaluate(SHANYANG, EXAMPLE / "ratings.csv",
                        companies={f"sy-{k:02d}": f"企业{k}" for k in range(1, 41)})
    page = _write(named, tmp_path / "named.html").read_text(encoding="utf-8")
    assert re.findall(r'<th class="(\w+)">', page)[:4] == ["no", "id", "name", "no"]
    assert "<td>企业9</td>" in page and 'class="district"' not in page


def test_pdf_without_chromium_says_what_to_install(named_report: rp.Report, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Asking for a PDF where no Chromium is installed is an error naming the package."""
    monkeypatch.setattr(notice_module, "chromium", lambda: None)
    with pytest.raises(rp.RedPropertyError, match="apt-get install chromium"):
        _write(named_report, tmp_path / "n.pdf")


def test_cli_notice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`red-property notice` writes the page; a missing --period is a usage error."""
    out = tmp_path / "n.html"
    args = ["notice", str(SHANYANG), str(EXAMPLE / "ratings.csv"), "--companies",
            str(EXAMPLE / "companies.csv"), "--contact", CONTACT, "--out", str(out)]
    assert main([*args, "--period", PERIOD, "--lang", "zh"]) == 0
    assert "万科物业" in out.read_text(encoding="utf-8")
    assert main(args) == 2
    assert "--period" in capsys.readouterr().err


@needs_chromium
def test_chromium_renders_the_notice(named_report: rp.Report, tmp_path: Path) -> None:
    """Headless Chromium lays the page out with the groups and texts, and draws it."""
    page = _write(named_report, tmp_path / "notice.html")
    dom = _browser(tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-500:]
    text = re.sub(r"<[^>]+>", " ", dom.stdout)
    assert html.escape(TITLE, quote=False) in text
    order = [text.index(f"{w}（") for w in ("五星", "四星", "三星", "二星", "一星")]
    assert order == sorted(order)
    assert f"公示期：{PERIOD}" in text and named_report.plan.fingerprint in text
    shot = tmp_path / "notice.png"
    run = _browser(tmp_path, "--hide-scrollbars", "--window-size=800,1130",
                   f"--screenshot={shot}", page.as_uri())
    assert run.returncode == 0 and shot.is_file(), run.stderr[-500:]
    pixels = _pixels(shot)
    assert pixels.shape[:2] == (1130, 800)
    grey = pixels[..., :3].mean(axis=2)
    assert grey.std() > 0.05 and (grey < 0.5).mean() > 0.005
    red = (pixels[..., 0] > 0.5) & (pixels[..., 1] < 0.2) & (pixels[..., 2] < 0.2)
    assert red[:120].sum() > 200, "the red heading is drawn at the top"


@needs_chromium
def test_chromium_draws_chinese_glyphs_not_boxes(tmp_path: Path) -> None:
    """Two different Chinese words render differently: the browser has a CJK font."""
    shots = []
    for k, word in enumerate(("评定结果", "公示期内")):
        page = tmp_path / f"w{k}.html"
        page.write_text('<html><meta charset="utf-8"><body style="margin:0;background:#fff">'
                        f'<p style="font:80px sans-serif;margin:10px">{word}</p></body></html>',
                        encoding="utf-8")
        shot = tmp_path / f"w{k}.png"
        run = _browser(tmp_path, "--window-size=600,300", f"--screenshot={shot}", page.as_uri())
        assert run.returncode == 0, run.stderr[-500:]
        shots.append(_pixels(shot)[..., :3].mean(axis=2))
    assert (shots[0] < 0.5).sum() > 500, "nothing drawn"
    assert np.abs(shots[0] - shots[1]).mean() > 0.01, "the same boxes for different characters"


@needs_chromium
def test_pdf_notice_is_a4(named_report: rp.Report, tmp_path: Path) -> None:
    """A .pdf notice is printed by Chromium on A4 pages (595 x 842 points)."""
    out = _write(named_report, tmp_path / "notice.pdf")
    data = out.read_bytes()
    assert data[:5] == b"%PDF-"
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes and all(abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5
                         for w, h in boxes)
