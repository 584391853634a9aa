"""Pictures of a season, each a matplotlib :class:`~matplotlib.figure.Figure` (``plot`` extra).

- :func:`radar` — one company's dimension shares against the thresholds of its level and the
  next;
- :func:`contributions` — one company's points by dimension and source, adding up to its total;
- :func:`p_stars` — the chance of each star level, from :func:`~red_property.analysis.bootstrap`;
- :func:`rank_intervals` — ranks under varied weights, from
  :func:`~red_property.analysis.weight_sensitivity`;
- :func:`star_distribution` — how many companies got each level this season;
- :func:`rater_severity` — each rater's leniency or severity with its interval, from
  :func:`~red_property.analysis.rater_effects`.

matplotlib is imported only when a plot is drawn. Figures are made without pyplot (no global
state, safe in services). Chinese labels are drawn with a CJK font: an installed Noto Sans CJK
/ Source Han Sans / WenQuanYi when matplotlib finds one, else the Noto Sans CJK SC that the
``mplfonts`` package ships (installed with the ``plot`` extra).
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec

import numpy as np

from . import _messages as m
from .texts import breakdown, num, vetoes_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .analysis import RaterEffects, Uncertainty, WeightSensitivity
    from .report import Report

P = ParamSpec("P")


CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
                "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans CJK JP", "SimHei")
BUNDLED = ("fonts", "NotoSansCJKsc-Regular.otf")  # inside the mplfonts package
SOURCE_COLOURS = ("#b2182b", "#ef8a62", "#67a9cf", "#2166ac", "#999999", "#4d9221")
ADJUST_COLOURS = ("#444444", "#888888", "#bbbbbb", "#dddddd")  # one grey per adjustment
GOLD, GREY, RED = "#d4a017", "#9e9e9e", "#b2182b"


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise ImportError(
            "red_property.plots needs matplotlib: pip install 'red-property[plot]'"
        ) from None
    return matplotlib


@functools.cache
def cjk_font() -> str:
    """The family name of a font with Chinese glyphs, registered with matplotlib."""
    _matplotlib()
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    spec = importlib.util.find_spec("mplfonts")
    if spec is not None and spec.origin is not None:
        path = Path(spec.origin).parent.joinpath(*BUNDLED)
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            return str(font_manager.FontProperties(fname=str(path)).get_name())
    raise ImportError(
        "red_property.plots found no font with Chinese characters: "
        "pip install 'red-property[plot]' (it brings Noto Sans CJK SC), "
        "or install one such as Debian's fonts-noto-cjk"
    )


def _drawn(fn: Callable[P, Figure]) -> Callable[P, Figure]:
    """Draw inside an rc context whose text is the CJK font, with DejaVu Sans for symbols
    (each text keeps the font it was made with; tick numbers drawn later need neither)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Figure:
        matplotlib = _matplotlib()
        with matplotlib.rc_context({"font.family": [cjk_font(), "DejaVu Sans"],
                                    "axes.unicode_minus": False}):
            return fn(*args, **kwargs)

    return wrapper


def _figure(width: float, height: float) -> Figure:
    """A new figure, made without pyplot."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    fig.set_facecolor("white")
    return fig


def _lang(lang: str | None, report: Report | None) -> m.Lang:
    return m.resolve(lang, report.plan.rubric if report is not None else None)


def _name(report: Report | None, company: str) -> str:
    if report is None:
        return company
    name = report.names.get(company)
    return f"{company} {name}" if name else company


# --------------------------------------------------------------------------- one company


@_drawn
def radar(report: Report, company: str, *, lang: str | None = None) -> Figure:
    """One company's dimension shares (0–100 %) against the per-dimension thresholds of the
    level it holds and of the next one."""
    language = _lang(lang, report)
    e = report.explain(company, lang=language)
    plan = report.plan
    dims = list(e.dimensions)
    shares = np.array([pts / mx if mx else 0.0 for pts, mx in e.dimensions.values()])
    angles = np.linspace(0, 2 * np.pi, len(dims), endpoint=False)
    fig = _figure(6.4, 5.6)
    ax = fig.add_subplot(projection="polar")
    closed = np.append(angles, angles[0])
    stars = list(plan.level_stars.tolist())
    for level, style in ((e.stars, ":"), (e.next_level, "--")):
        if level is None or level not in stars:
            continue
        need = plan.level_min_share[stars.index(level)]
        if not need.any():  # the level asks no share of any dimension: nothing to draw
            continue
        colour = GREY if style == ":" else RED
        ax.plot(closed, np.append(need, need[0]) * 100, style, color=colour, linewidth=1.5,
                label=m.msg("plot.level", language, n=level, word=m.stars_word(level, language)))
    ax.plot(closed, np.append(shares, shares[0]) * 100, color=GOLD, linewidth=2,
            label=_name(report, company))
    ax.fill(closed, np.append(shares, shares[0]) * 100, color=GOLD, alpha=0.25)
    ax.set_xticks(angles, [e.labels.get(d, d) for d in dims])
    ax.set_ylim(0, 100)
    ax.set_yticks([25, 50, 75, 100], ["25%", "50%", "75%", "100%"])
    title = m.msg("plot.radar", language, company=_name(report, company))
    short = [c for c in e.gap if c.kind == "total"]
    if e.rated and e.next_level is not None and short:
        c = short[0]
        title += "\n" + m.msg("explain.gap_total", language, n=e.next_level,
                              word=m.stars_word(e.next_level, language),
                              need=num(c.shortfall, c.digits), have=num(float(c.actual), c.digits),
                              req=num(float(c.required), c.digits))
    elif e.rated:
        total = m.msg("col.total", language)
        title += f"\n{total} {num(e.total, 6)} · {m.stars_word(e.stars, language)}"
    if e.rated and e.vetoes:  # the stars the total alone would not explain
        title += " · " + vetoes_text(plan.rubric, e.vetoes, language)
    if not e.rated:
        title += "\n" + m.msg("sep.clause", language).join(
            m.reason(r, language, plan.rubric) for r in e.not_rated_reasons)
    ax.set_title(title, pad=22)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=3, fontsize=8,
              frameon=False)
    return fig


@_drawn
def contributions(report: Report, company: str, *, lang: str | None = None) -> Figure:
    """One company's points as bars by dimension, split by source; a last bar holds the
    adjustments (bonus cap, base points, divisor, rounding), each its own grey, so all
    segments add up to the total."""
    language = _lang(lang, report)
    e = report.explain(company, lang=language)
    rubric = report.plan.rubric
    sources = [*report.plan.sources, "default"]
    names = {s: m.label(rubric.sources[s].label, language, s) for s in report.plan.sources}
    names["default"] = m.msg("source.default", language)
    by = breakdown(report, e)
    keys = [k for k in by if k != "bonus" or any(by[k].values())]
    rows = [e.labels.get(d, d) for d in e.dimensions] + (
        [m.msg("col.bonus", language)] if "bonus" in keys else [])
    table = np.array([[by[k][src] for src in sources] for k in keys] + [[0.0] * len(sources)])
    adjust = {k: v for k, v in e.adjustments.items() if v}
    fig = _figure(7.2, 0.55 * (len(rows) + 2) + 1.2)
    ax = fig.add_subplot()
    y = np.arange(len(rows) + 1)
    pos, neg = np.zeros(len(y)), np.zeros(len(y))
    for k, src in enumerate(sources):
        width = table[:, k]
        if not width.any():
            continue
        left = np.where(width >= 0, pos, neg)
        ax.barh(y, width, left=left, color=SOURCE_COLOURS[k % len(SOURCE_COLOURS)],
                label=names[src], gid=f"part:{src}")
        pos += np.where(width >= 0, width, 0)
        neg += np.where(width < 0, width, 0)
    for k, (what, value) in enumerate(adjust.items()):
        left = pos[-1] if value >= 0 else neg[-1]
        ax.barh(y[-1], value, left=left, color=ADJUST_COLOURS[k % len(ADJUST_COLOURS)],
                label=m.msg(f"adjust.{what}", language), gid=f"adjust:{what}")
        pos[-1] += max(value, 0.0)
        neg[-1] += min(value, 0.0)
    for k, (pts, most) in enumerate(e.dimensions.values()):
        ax.text(pos[k] + 0.2, k, f"{num(pts)} / {num(most)}", va="center", fontsize=8)
    if adjust:
        ax.text(pos[-1] + 0.2, len(rows), f"{sum(adjust.values()):+.2f}", va="center",
                fontsize=8)
    ax.set_yticks(y, [*rows, m.msg("plot.adjustments", language)])
    ax.invert_yaxis()
    ax.set_xlabel(m.msg("plot.points", language))
    total = f"{m.msg('col.total', language)} {num(e.total, 6)}"
    ax.set_title(m.msg("plot.contributions", language, company=_name(report, company))
                 + f" — {total}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=5, fontsize=8,
              frameon=False)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlim(min(0.0, float(neg.min())) * 1.1, float(pos.max()) * 1.15)
    return fig


# --------------------------------------------------------------------------- the season


@_drawn
def star_distribution(report: Report, *, lang: str | None = None) -> Figure:
    """How many companies hold each star level this season, and how many are not rated."""
    language = _lang(lang, report)
    a = report.awards
    top = report.plan.rubric.top_stars
    counts = np.bincount(a.stars[a.rated], minlength=top + 1)
    labels = [m.stars_word(k, language) for k in range(top + 1)] + [
        m.msg("not_rated", language)]
    values = [*counts.tolist(), int((~a.rated).sum())]
    colours = [GREY, *[_star_colour(k, top) for k in range(1, top + 1)], "#dddddd"]
    fig = _figure(6.4, 3.8)
    ax = fig.add_subplot()
    bars = ax.bar(labels, values, color=colours)
    ax.bar_label(bars)
    ax.set_ylabel(m.msg("plot.companies", language))
    ax.set_title(m.msg("plot.distribution_n", language, n=len(report)))
    return fig


@_drawn
def p_stars(uncertainty: Uncertainty, *, report: Report | None = None,
            companies: Sequence[str] | None = None, lang: str | None = None) -> Figure:
    """For each company (best first), bars of the chance of each star level across the
    bootstrap replicates; the ``report`` gives names and the language."""
    language = _lang(lang, report)
    ids = list(uncertainty.companies)
    chosen = _choose(ids, companies, order=-np.nan_to_num(uncertainty.total, nan=-np.inf))
    probs = uncertainty.p_stars[chosen]
    top = probs.shape[1] - 1
    fig = _figure(7.2, 0.28 * len(chosen) + 1.6)
    ax = fig.add_subplot()
    y = np.arange(len(chosen))
    left = np.zeros(len(chosen))
    for k in range(top + 1):
        ax.barh(y, probs[:, k], left=left, color=GREY if k == 0 else _star_colour(k, top),
                label=m.stars_word(k, language))
        left += probs[:, k]
    rest = uncertainty.p_not_rated[chosen]
    if rest.any():
        ax.barh(y, rest, left=left, color="#dddddd", label=m.msg("not_rated", language))
    ax.set_yticks(y, [_name(report, ids[c]) for c in chosen], fontsize=8)
    ax.set_ylim(len(chosen) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.set_xlabel(m.msg("plot.probability", language))
    ax.set_title(m.msg("plot.p_stars", language))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    return fig


@_drawn
def rank_intervals(sensitivity: WeightSensitivity, *, report: Report | None = None,
                   companies: Sequence[str] | None = None, lang: str | None = None) -> Figure:
    """Each rated company's rank at the stated weights, and the median and 5–95 % range of its
    rank when the weights vary."""
    language = _lang(lang, report)
    s = sensitivity
    ids = list(s.companies)
    rated = [c for c in range(len(ids)) if s.rated[c]]
    key = np.where(s.rated, s.rank, np.iinfo(np.int64).max).astype(float)
    chosen = [c for c in _choose(ids, companies, order=key) if c in rated]
    fig = _figure(7.2, 0.28 * len(chosen) + 1.6)
    ax = fig.add_subplot()
    y = np.arange(len(chosen))
    colours = [_star_colour(int(s.awarded[c]), s.top) if s.awarded[c] else GREY for c in chosen]
    ax.hlines(y, s.rank_low[chosen], s.rank_high[chosen], color=colours, linewidth=3)
    ax.plot(s.rank_median[chosen], y, "o", color="black", markersize=4,
            label=m.msg("plot.rank_median", language))
    ax.plot(s.rank[chosen], y, "|", color=RED, markersize=10,
            label=m.msg("plot.rank_stated", language))
    ax.set_yticks(y, [_name(report, ids[c]) for c in chosen], fontsize=8)
    ax.set_ylim(len(chosen) - 0.5, -0.5)
    ax.set_xlabel(m.msg("plot.rank", language))
    ax.set_title(m.msg("plot.ranks", language))
    ax.legend(loc="upper right", fontsize=8)
    return fig


@_drawn
def rater_severity(effects: RaterEffects, *, report: Report | None = None,
                   source: str | None = None, lang: str | None = None) -> Figure:
    """Each rater's effect (+ lenient, − severe) with ±2 standard errors, by source; flagged
    raters in red. The ``report`` gives the sources' labels and the language."""
    language = _lang(lang, report)
    rows = [r for r in effects.raters if r.n > 0 and (source is None or r.source == source)]
    rows.sort(key=lambda r: (r.source, r.effect))
    flagged = {f.who for f in effects.flags if isinstance(f.who, str)}
    fig = _figure(7.2, 0.22 * len(rows) + 1.8)
    ax = fig.add_subplot()
    y = np.arange(len(rows))
    effect = np.array([r.effect for r in rows])
    se = np.nan_to_num(np.array([r.se for r in rows]))
    colours = [RED if r.rater in flagged else "#555555" for r in rows]
    ax.hlines(y, effect - 2 * se, effect + 2 * se, color=colours, linewidth=1.5)
    ax.scatter(effect, y, color=colours, s=14, zorder=3)
    ax.axvline(0, color="black", linewidth=0.6)
    sources = report.plan.rubric.sources if report is not None else {}
    labels = [f"{m.label(sources[r.source].label, language, r.source)} · {r.rater}"
              if r.source in sources else f"{r.source} · {r.rater}" for r in rows]
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_ylim(-0.5, len(rows) - 0.5)
    ax.set_xlabel(m.msg("plot.effect", language))
    ax.set_title(m.msg("plot.severity", language))
    if flagged & {r.rater for r in rows}:
        ax.scatter([], [], color=RED, s=14, label=m.msg("plot.flagged", language))
        ax.legend(loc="lower right", fontsize=8)
    return fig


# --------------------------------------------------------------------------- helpers


def _choose(ids: list[str], companies: Sequence[str] | None, *, order: Any) -> list[int]:
    """Indices of ``companies`` (all when None) in the given order (ties by position)."""
    if companies is None:
        return [int(i) for i in np.lexsort((np.arange(len(ids)), order))]
    index = {c: k for k, c in enumerate(ids)}
    missing = [c for c in companies if c not in index]
    if missing:
        raise KeyError(f"no company {missing[0]!r} in these results")
    return [index[c] for c in companies]


def _star_colour(stars: int, top: int) -> str:
    """Pale gold for one star up to deep red for the top level."""
    palette = ("#fee391", "#fec44f", "#fe9929", "#ec7014", "#cc4c02", "#b2182b")
    if top <= 1:
        return palette[-1]
    return palette[round((stars - 1) / (top - 1) * (len(palette) - 1))]
