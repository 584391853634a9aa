"""Plots: each returns a Figure that renders to a non-blank PNG, Chinese without empty boxes."""

from __future__ import annotations

import io
import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import red_property as rp
from red_property import analysis

from .conftest import EXAMPLE, SHANYANG
from .fixtures import ONE_SCORE, load

plots = pytest.importorskip("red_property.plots")
pytest.importorskip("matplotlib", reason="the plot extra is not installed")


@pytest.fixture(scope="module")
def season() -> dict[str, Any]:
    """The bundled season with names, and the analyses the plots draw."""
    report = rp.evaluate(SHANYANG, EXAMPLE / "ratings.csv", claims=EXAMPLE / "claims.csv",
                         companies=EXAMPLE / "companies.csv")
    return {
        "report": report,
        "bootstrap": analysis.bootstrap(report, replicates=60, seed=3),
        "sensitivity": analysis.weight_sensitivity(report, draws=200, seed=3),
        "effects": analysis.rater_effects(report),
    }


DRAW: dict[str, Callable[[dict[str, Any], str], Any]] = {
    "radar": lambda s, lang: plots.radar(s["report"], "sy-12", lang=lang),
    "contributions": lambda s, lang: plots.contributions(s["report"], "sy-12", lang=lang),
    "p_stars": lambda s, lang: plots.p_stars(s["bootstrap"], report=s["report"], lang=lang),
    "rank_intervals": lambda s, lang: plots.rank_intervals(s["sensitivity"], report=s["report"],
                                                           lang=lang),
    "star_distribution": lambda s, lang: plots.star_distribution(s["report"], lang=lang),
    "rater_severity": lambda s, lang: plots.rater_severity(s["effects"], report=s["report"],
                                                           lang=lang),
}


def _png(fig: Any) -> np.ndarray[Any, Any]:
    """Render a figure to PNG and read the pixels back, failing on any missing glyph."""
    from matplotlib.image import imread

    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" becomes an error
        fig.savefig(buf, format="png")
    assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    buf.seek(0)
    return np.asarray(imread(buf, format="png"))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(DRAW))
def test_plot_renders_a_non_blank_png(season: dict[str, Any], name: str, lang: str) -> None:
    """Each plot is a Figure whose PNG has the figure's size and visible content."""
    from matplotlib.figure import Figure

    fig = DRAW[name](season, lang)
    assert isinstance(fig, Figure)
    pixels = _png(fig)
    width, height = fig.get_size_inches() * fig.dpi
    assert pixels.shape[:2] == (round(height), round(width))
    assert pixels.shape[0] > 200 and pixels.shape[1] > 400
    grey = pixels[..., :3].mean(axis=2)
    assert grey.std() > 0.05, "the image is blank"
    assert (grey < 0.5).mean() > 0.005, "almost nothing is drawn"


def test_chinese_labels_use_a_font_with_chinese_glyphs(season: dict[str, Any]) -> None:
    """Chinese titles and tick labels are drawn with a font that has their characters."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    fig = plots.radar(season["report"], "sy-12", lang="zh")
    _png(fig)
    ax = fig.axes[0]
    texts = [ax.title, *ax.get_xticklabels()]
    assert any("组织建设" in t.get_text() for t in texts)
    assert ax.title.get_text().endswith("距四星还差 0.6 分：总分 87.4，需达到 88")
    for t in texts:
        path = font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)
        font = FT2Font(path)
        for ch in t.get_text():
            if ord(ch) > 0x2E80:
                assert font.get_char_index(ord(ch)) != 0, (ch, path)


def test_contributions_add_up_to_the_total(season: dict[str, Any]) -> None:
    """The bar segments of the contribution plot sum to the company's total."""
    report = season["report"]
    for company in ("sy-12", "sy-31", "sy-01"):
        fig = plots.contributions(report, company, lang="en")
        widths = [p.get_width() for p in fig.axes[0].patches]
        assert sum(widths) == pytest.approx(report.explain(company).total, abs=1e-9)


def test_p_stars_rows_are_probabilities(season: dict[str, Any]) -> None:
    """Each company's bars in the P(stars) plot add up to one; the order is best first."""
    fig = plots.p_stars(season["bootstrap"], report=season["report"],
                        companies=["sy-09", "sy-12"], lang="en")
    ax = fig.axes[0]
    rows: dict[float, float] = {}
    for p in ax.patches:
        rows[round(p.get_y(), 6)] = rows.get(round(p.get_y(), 6), 0.0) + p.get_width()
    assert len(rows) == 2
    assert all(v == pytest.approx(1.0) for v in rows.values())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["sy-09 万科物业", "sy-12 碧桂园服务"]
    with pytest.raises(KeyError, match="sy-99"):
        plots.p_stars(season["bootstrap"], companies=["sy-99"])


def test_rank_intervals_show_rated_companies(season: dict[str, Any]) -> None:
    """One interval per rated company, from its 5 % to its 95 % rank."""
    s = season["sensitivity"]
    fig = plots.rank_intervals(s, lang="en")
    lines = fig.axes[0].collections[0].get_segments()
    assert len(lines) == int(s.rated.sum())
    first = int(np.flatnonzero(s.rank == 1)[0])
    assert lines[0][0][0] == s.rank_low[first] and lines[0][1][0] == s.rank_high[first]


def test_star_distribution_counts(season: dict[str, Any]) -> None:
    """The bars count the companies at each level and the not rated ones."""
    report = season["report"]
    fig = plots.star_distribution(report, lang="zh")
    heights = [p.get_height() for p in fig.axes[0].patches]
    rated = report.awards.rated
    assert heights[:-1] == np.bincount(report.awards.stars[rated], minlength=6).tolist()
    assert heights[-1] == int((~rated).sum()) == 1
    assert fig.axes[0].get_xticklabels()[0].get_text() == "无星"


def test_rater_severity_marks_flagged_raters(season: dict[str, Any]) -> None:
    """Every rater with ratings has an interval; a flagged one is drawn in red."""
    effects = season["effects"]
    fig = plots.rater_severity(effects, report=season["report"], lang="en")
    ax = fig.axes[0]
    n = sum(1 for r in effects.raters if r.n > 0)
    assert len(ax.get_yticklabels()) == n
    flagged = [t.get_text() for t, c in zip(ax.get_yticklabels(),
                                            ax.collections[0].get_colors(), strict=True)
               if tuple(np.round(c[:3], 3)) == (0.698, 0.094, 0.169)]
    assert flagged == ["Peer companies · peer-sy-14"]


def test_missing_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch,
                                            season: dict[str, Any]) -> None:
    """Without matplotlib a plot raises ImportError naming the `plot` extra."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install 'red-property\[plot\]'"):
        plots.star_distribution(season["report"])


def test_bundled_cjk_font_is_found_without_system_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where no CJK font is installed, the plot extra's Noto Sans CJK SC is registered."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    monkeypatch.setattr(plots, "CJK_FAMILIES", ())
    plots.cjk_font.cache_clear()
    try:
        family = plots.cjk_font()
        bundled = [f for f in font_manager.fontManager.ttflist
                   if "mplfonts" in f.fname and f.fname.endswith(plots.BUNDLED[-1])]
        assert bundled and bundled[0].name == family
        assert FT2Font(bundled[0].fname).get_char_index(ord("评")) != 0
        monkeypatch.setattr(plots, "BUNDLED", ("fonts", "missing.otf"))
        plots.cjk_font.cache_clear()
        with pytest.raises(ImportError, match="no font with Chinese characters"):
            plots.cjk_font()
    finally:
        plots.cjk_font.cache_clear()


def test_radar_says_not_rated_and_vetoed(season: dict[str, Any]) -> None:
    """The radar of a company not rated says why in its title; a vetoed company's title names
    the veto (once in Chinese); a level asking no dimension share draws no threshold."""
    report = season["report"]
    title = plots.radar(report, "sy-38", lang="zh").axes[0].get_title()
    assert title.endswith("\n未满足参评条件「运营满一年方可参评」")
    title = plots.radar(report, "sy-31", lang="zh").axes[0].get_title()
    assert title.endswith("总分 97.4 · 无星 · 重大安全责任事故一票否决")
    assert plots.radar(report, "sy-31", lang="en").axes[0].get_title().endswith(" · veto: safety")
    legend = plots.radar(report, "sy-31", lang="en").axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["sy-31 宏达物业"]


def test_contributions_draw_base_points_and_the_divisor() -> None:
    """A rubric with base points and a divisor: the contribution plot draws one bar for each,
    named in the plot's language, and its segments still sum to the total."""
    rubric = load("language_version: 2\nbase_points: 10\ndivide_total_by: 2\n", ONE_SCORE)
    ratings = rp.Ratings.from_records([{"company": "a", "source": "authority", "rater": "r",
                                        "indicator": "s", "value": 5}])
    report = rp.evaluate(rubric, ratings)
    for lang, names in (("zh", ["Authority", "基础分", "折算"]),
                        ("en", ["Authority", "base points", "divided"])):
        ax = plots.contributions(report, "a", lang=lang).axes[0]
        bars = {p.get_gid(): p.get_width() for p in ax.patches if p.get_width()}
        assert bars == {"part:authority": 5.0, "adjust:base points": 10.0,
                        "adjust:divided": -7.5}
        assert [t.get_text() for t in ax.get_legend().get_texts()] == names


def test_contributions_tell_every_adjustment_apart() -> None:
    """Base points, the divisor and rounding each get their own grey, so the legend tells
    them apart."""
    rubric = load("language_version: 2\nbase_points: 10\ndivide_total_by: 2\n", ONE_SCORE)
    ratings = rp.Ratings.from_records([{"company": "a", "source": "authority", "rater": "r",
                                        "indicator": "s", "value": 5.03}])
    ax = plots.contributions(rp.evaluate(rubric, ratings), "a", lang="en").axes[0]
    greys = {p.get_gid(): tuple(p.get_facecolor()) for p in ax.patches
             if p.get_gid().startswith("adjust:")}
    assert sorted(greys) == ["adjust:base points", "adjust:divided", "adjust:rounding"]
    assert len(set(greys.values())) == 3
