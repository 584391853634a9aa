"""The oracle of the draw engine's pinned behaviours (test_mutation_kills_analysis__draws):
small rubrics and seasons written inline, and the check that every draw equals `evaluate` on
the rubric it stands for, on the fast path and decided draw by draw."""

from __future__ import annotations

from typing import Any

import numpy as np

import red_property as rp
from red_property._tolerance import slack
from red_property.analysis import WeightSensitivity, weight_sensitivity
from red_property.analysis._draw_run import run
from red_property.analysis._draws import Engine

from .test_sensitivity import assert_draw_matches, reweighted

SOURCES = {"a": 0.6, "b": 0.4}
Season = dict[str, dict[str, dict[str, Any]]]  # company -> source -> indicator -> value


def rubric_of(body: str, sources: dict[str, float] | None = None, version: int = 1,
              digits: int = 1, mode: str = "half_up") -> rp.Rubric:
    """A rubric with the given sources (weights), rounding and YAML body."""
    src = "".join(f"  {s}: {{label: {{en: {s.upper()}}}, weight: {w}}}\n"
                  for s, w in (sources or SOURCES).items())
    head = (f'language_version: {version}\nid: t\nversion: "1"\ntitle: {{en: T}}\n'
            f"rounding: {{digits: {digits}, mode: {mode}}}\nsources:\n{src}")
    return rp.load_rubric(head + body, name="<draws>")


def rows_of(values: Season) -> list[dict[str, Any]]:
    """Rows from ``{company: {source: {indicator: value}}}``, one rater per source."""
    return [{"company": c, "source": s, "rater": f"{s}1", "indicator": i, "value": v}
            for c, by_source in values.items() for s, cells in by_source.items()
            for i, v in cells.items()]


def generic_run(report: rp.Report, ws: WeightSensitivity, chunk: int) -> dict[str, Any]:
    """The draws of ``ws`` run with every company decided draw by draw."""
    src_sp = np.array(list(ws.source_spread.values()))
    dim_sp = np.array(list(ws.dimension_spread.values()))
    engine = Engine(report, src_sp, dim_sp, generic=True)
    return run(engine, ws.source_factors, ws.dimension_factors, chunk=chunk, keep=ws.draws,
               workers=1)


def check_draws(rubric: rp.Rubric, values: Season, *, draws: int, seed: int,
                **spreads: Any) -> WeightSensitivity:
    """Run ``draws`` draws on the season and check every one against `evaluate` on its
    reweighted rubric, the distributions against the kept draws, and the generic path
    against the fast one."""
    ratings = rp.Ratings.from_records(rows_of(values))
    report = rp.evaluate(rubric, ratings)
    ws = weight_sensitivity(report, draws=draws, seed=seed, keep=draws, workers=1,
                            chunk=max(1, draws // 2), **spreads)
    for j in range(draws):
        draw = reweighted(rubric, ws.source_factors[j], ws.dimension_factors[j])
        assert_draw_matches(ws, j, rp.evaluate(draw, ratings))
    counted = np.stack([((ws.kept_stars == s) & ws.kept_rated).mean(axis=0)
                        for s in range(ws.top + 1)], axis=1)
    np.testing.assert_allclose(ws.p_stars, counted, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ws.p_not_rated, (~ws.kept_rated).mean(axis=0), rtol=0,
                               atol=1e-12)
    generic = generic_run(report, ws, draws)
    for name in ("p_stars", "p_not_rated", "p_differs", "rank_median", "rank_low",
                 "rank_high", "total_median", "total_low", "total_high", "kept_stars",
                 "kept_rated", "kept_rank", "kept_total"):
        np.testing.assert_array_equal(generic[name], getattr(ws, name), err_msg=name)
    return ws


def first_weight_of_a(seed: int, n_dims: int) -> float:
    """Source a's renormalised weight (of a and b, spread 0.5) in a seed's first draw."""
    f = 1.0 + (2.0 * np.random.default_rng(seed).random(2 + n_dims)[:2] - 1.0) * 0.5
    wf = f * np.array([SOURCES["a"], SOURCES["b"]])
    return float(wf[0] / wf.sum())


CHECK_GATE = """
dimensions:
  d1:
    label: {en: D1}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
      g: {label: {en: G}, kind: check, pass_mark: PM}
gates:
  - {id: open, label: {en: Open}, all_of: [g]}
levels:
  - {stars: 1, min_total: 3}
"""


def gate_rows(yes: dict[str, dict[str, list[int]]]) -> list[dict[str, Any]]:
    """Rows of companies rated 9 on the score, and on the check by each source's raters."""
    return [{"company": c, "source": s, "rater": f"{s}{k}", "indicator": i, "value": v}
            for c, by_source in yes.items() for s, votes in by_source.items()
            for k, (i, v) in enumerate([("s", 9), *(("g", x) for x in votes)])]


def pass_mark_with_threshold(target: float) -> float:
    """A pass mark whose threshold (pass mark less the forgiven 1e-9) is exactly ``target``."""
    pm = target + 1e-9
    for _ in range(400):  # pass marks are at most 1: the 1e-9 is absolute
        thr = float(pm - slack(pm))
        if thr == target:
            return pm
        pm = float(np.nextafter(pm, np.inf if thr < target else -np.inf))
    raise AssertionError(f"no pass mark gives the threshold {target!r}")


def check_gate_draws(pm: float, yes: dict[str, dict[str, list[int]]], draws: int,
                     seed: int, against_evaluate: bool = True) -> WeightSensitivity:
    """`check_draws` on the gate season, rows as given (without evaluate: only the fast path
    against the generic one)."""
    rubric = rubric_of(CHECK_GATE.replace("PM", repr(pm)))
    ratings = rp.Ratings.from_records(gate_rows(yes))
    report = rp.evaluate(rubric, ratings)
    ws = weight_sensitivity(report, draws=draws, seed=seed, keep=draws, workers=1,
                            spread=0.5)
    for j in range(draws if against_evaluate else 0):
        draw = reweighted(rubric, ws.source_factors[j], ws.dimension_factors[j])
        assert_draw_matches(ws, j, rp.evaluate(draw, ratings))
    generic = generic_run(report, ws, draws)
    np.testing.assert_array_equal(generic["kept_rated"], ws.kept_rated)
    return ws
