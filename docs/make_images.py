"""Draw the README's pictures of the bundled season into docs/img/.

Run from the repository root after `bash scripts/test.sh` (which installs the plot extra and,
as root, Chromium with a CJK font): `.venv/bin/python docs/make_images.py`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import red_property as rp
from red_property import analysis, plots
from red_property.notice import chromium, chromium_command

ROOT = Path(__file__).resolve().parent.parent
SEASON = ROOT / "examples" / "shanyang-2019"
OUT = ROOT / "docs" / "img"


def main() -> None:
    """Write the plots and a screenshot of the notice."""
    OUT.mkdir(parents=True, exist_ok=True)
    rubric = ROOT / "rubrics" / "shanyang-red-property-2019.yaml"
    report = rp.evaluate(rubric, SEASON / "ratings.csv", claims=SEASON / "claims.csv",
                         companies=SEASON / "companies.csv")
    best = [r["company"] for r in sorted(report.to_records(),
                                         key=lambda r: -(r["total"] or 0))][:12]
    u = analysis.bootstrap(report, replicates=300, seed=2019)
    s = analysis.weight_sensitivity(report, draws=2000, seed=2019)
    figures = {
        "radar-sy-12.png": plots.radar(report, "sy-12", lang="zh"),
        "contributions-sy-12.png": plots.contributions(report, "sy-12", lang="zh"),
        "p-stars.png": plots.p_stars(u, report=report, companies=best, lang="zh"),
        "rank-intervals.png": plots.rank_intervals(s, report=report, companies=best, lang="en"),
    }
    for name, fig in figures.items():
        fig.savefig(OUT / name, dpi=80)
    browser = chromium()
    if browser is None:
        print("no Chromium: the notice screenshot is left as it is")
        return
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "notice.html"
        report.notice(page, title="山阳区2019年度“星级红色物业”评定结果公示",
                      period="2019年12月2日至12月8日（5个工作日）",
                      contact="山阳区住房和城乡建设局物业科，电话 0391-0000000", lang="zh")
        cmd = [*chromium_command(browser, Path(tmp) / "profile"), "--hide-scrollbars",
               "--window-size=800,1480", f"--screenshot={OUT / 'notice.png'}", page.as_uri()]
        import subprocess

        subprocess.run(cmd, check=True, capture_output=True, timeout=180)  # noqa: S603


if __name__ == "__main__":
    main()
