"""Pinned behaviours of red_property.analysis.sensitivity that mutation testing found unpinned.

A season of four companies (two sources, two dimensions) whose awards move for known reasons:
``top`` is far above every level; ``dimedge`` sits on the 1★ minimum with all its points in one
dimension, so only the dimension weights move it; ``srcedge`` sits on the 2★ minimum with its
sources disagreeing and its dimensions at equal shares, so only the source weights move it;
``ghost`` is listed without ratings and is never rated.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from typing import Any

import numpy as np
import pytest

import red_property as rp
from red_property.analysis import weight_sensitivity

from .fixtures import ONE_SOURCE, load, recording_client, rows_of, run

sensitivity_module = importlib.import_module("red_property.analysis.sensitivity")

EDGES = """
id: edges
version: "1"
title: {en: Edges}
weighting: points
rounding: {digits: 1, mode: half_up}
sources:
  a: {label: {en: A}, weight: 0.6}
  b: {label: {en: B}, weight: 0.4}
dimensions:
  d1: {label: {en: D1}, indicators: {x: {label: {en: X}, kind: score, points: 10}}}
  d2: {label: {en: D2}, indicators: {y: {label: {en: Y}, kind: score, points: 10}}}
levels:
  - {stars: 1, min_total: 10}
  - LEVEL2
"""
LEVEL2 = "{stars: 2, min_total: 16}"
SHARES = "{stars: 2, min_total: 16, min_dimension_share: {d1: 0.8, d2: 0.8}}"
# (a on x, a on y, b on x, b on y)
VALUES = {"top": (10, 10, 10, 10), "dimedge": (10, 0, 10, 0), "srcedge": (10, 10, 5, 5)}
CELLS = [("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")]


def edges_rubric(level2: str = LEVEL2) -> rp.Rubric:
    """The two-source, two-dimension rubric with the given 2★ level."""
    return rp.load_rubric(EDGES.replace("LEVEL2", level2), name="<edges>")


def season_rows(values: dict[str, tuple[int, ...]]) -> list[dict[str, Any]]:
    """One rater per source, one row per company, source and indicator."""
    return [{"company": c, "source": s, "rater": f"{s}1", "indicator": i, "value": v[k]}
            for c, v in values.items() for k, (s, i) in enumerate(CELLS)]


@pytest.fixture(scope="module")
def edges() -> rp.Report:
    """The four-company season."""
    return rp.evaluate(edges_rubric(), rp.Ratings.from_records(season_rows(VALUES)),
                       companies=["top", "dimedge", "srcedge", "ghost"])


def big_season(n: int, level2: str = LEVEL2) -> rp.Report:
    """``n`` companies rated alike (as ``srcedge``)."""
    values = {f"c{k:04d}": VALUES["srcedge"] for k in range(n)}
    return rp.evaluate(edges_rubric(level2), rp.Ratings.from_records(season_rows(values)))


def spy_run(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Record the keyword arguments the draws are run with."""
    seen: dict[str, Any] = {}
    real = sensitivity_module.run

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(sensitivity_module, "run", spy)
    return seen


# ------------------------------------------------------------------------------ presentation

FIXED_HTML = (
    "<div><p><b>Weight sensitivity</b>: 2 draws x 4 companies, 0 awards flip in ≥ 5% of draws; "
    "spreads a ±0%, b ±0%, d1 ±0%, d2 ±0%</p>"
    "<table><thead><tr><th>company</th><th>stars</th><th>P(differs)</th>"
    "<th>P(0★)</th><th>P(1★)</th><th>P(2★)</th>"
    "<th>rank median (5–95 %)</th><th>total 5–95 %</th></tr></thead><tbody>"
    "<tr><td>top</td><td>2★</td><td>0.0%</td><td>0.0%</td><td>0.0%</td><td>100.0%</td>"
    "<td>1 (1–1)</td><td>20–20</td></tr>"
    "<tr><td>dimedge</td><td>1★</td><td>0.0%</td><td>0.0%</td><td>100.0%</td><td>0.0%</td>"
    "<td>3 (3–3)</td><td>10–10</td></tr>"
    "<tr><td>srcedge</td><td>2★</td><td>0.0%</td><td>0.0%</td><td>0.0%</td><td>100.0%</td>"
    "<td>2 (2–2)</td><td>16–16</td></tr>"
    "<tr><td>ghost</td><td>not rated</td><td>0.0%</td><td>0.0%</td><td>0.0%</td><td>0.0%</td>"
    "<td>-</td><td>0–0</td></tr>"
    "</tbody></table></div>"
)


def test_notebook_table_of_a_fixed_season(edges: rp.Report) -> None:
    """With no spread the notebook table shows each company's award, P(stars), rank and totals."""
    ws = weight_sensitivity(edges, draws=2, spread=0.0)
    assert ws._repr_html_() == FIXED_HTML


def test_notebook_table_lists_the_most_often_flipping_first(edges: rp.Report) -> None:
    """Rows are in decreasing share of differing draws, ties in report order."""
    ws = weight_sensitivity(edges, draws=50, spread=0.5, seed=1)
    assert ws.p_differs[1] > 0 and ws.p_differs[2] > ws.p_differs[1]
    page = ws._repr_html_()
    at = [page.index(f"<tr><td>{name}</td>") for name in ("srcedge", "dimedge", "top", "ghost")]
    assert at == sorted(at)


def test_notebook_table_shows_sixty_rows_and_counts_the_rest() -> None:
    """A season of more than 60 companies shows the first 60 and says how many more there are."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d: {label: {en: D}, indicators: {s: {label: {en: S}, kind: score, points: 10}}}
        levels:
          - {stars: 1, min_total: 5}
        """)
    names = [f"c{k:02d}" for k in range(62)]
    report = run(rubric, rows_of({c: {"s": 7} for c in names}))
    page = weight_sensitivity(report, draws=1, spread=0.0)._repr_html_()
    assert page.count("<tr>") == 1 + 60
    assert "<td>c59</td>" in page and "<td>c60</td>" not in page
    assert page.endswith("</tbody></table><p>… 2 more companies (use to_records())</p></div>")
    exactly = weight_sensitivity(run(rubric, rows_of({c: {"s": 7} for c in names[:60]})),
                                 draws=1, spread=0.0)._repr_html_()
    assert exactly.endswith("</tbody></table></div>")


def test_records_of_a_fixed_season(edges: rp.Report) -> None:
    """With no spread the records carry the stated award, rank and total, None where none exist."""
    ws = weight_sensitivity(edges, draws=2, spread=0.0)

    def record(name: str, stars: int | None, rank: int | None, total: float) -> dict[str, Any]:
        rated = stars is not None
        q = None if rank is None else float(rank)
        return {"company": name, "rated": rated, "stars": stars, "p_differs": 0.0,
                "p_not_rated": 0.0 if rated else 1.0,
                **{f"p_stars_{s}": 1.0 if s == stars else 0.0 for s in range(3)},
                "rank": rank, "rank_median": q, "rank_low": q, "rank_high": q,
                "total": total, "total_median": total, "total_low": total, "total_high": total}

    assert ws.to_records() == [record("top", 2, 1, 20.0), record("dimedge", 1, 3, 10.0),
                               record("srcedge", 2, 2, 16.0), record("ghost", None, None, 0.0)]


def test_repr_counts_the_flips_in_words(edges: rp.Report) -> None:
    """The repr says how many awards flip, singular for one."""
    def text(**kw: Any) -> str:
        return repr(weight_sensitivity(edges, draws=50, seed=1, **kw))

    assert text(spread=0.0) == "<WeightSensitivity 50 draws x 4 companies: 0 awards flip>"
    assert (text(source_spread=0.0, dimension_spread=0.5)
            == "<WeightSensitivity 50 draws x 4 companies: 1 award flips>")
    assert (text(source_spread=0.5, dimension_spread=0.0)
            == "<WeightSensitivity 50 draws x 4 companies: 1 award flips>")
    assert text(spread=0.5) == "<WeightSensitivity 50 draws x 4 companies: 2 awards flip>"


def test_flips_count_a_share_reached_up_to_rounding_noise(edges: rp.Report) -> None:
    """`flips(share)` lists a company whose share of differing draws equals `share`, or falls
    short of it by no more than 1e-12."""
    ws = weight_sensitivity(edges, draws=50, spread=0.5, seed=1)
    p = float(ws.p_differs[2])
    assert p == 28 / 50 and ws.flips(p) == ["srcedge"]
    assert (p + 1e-12) - 1e-12 == p  # the share below is exactly 1e-12 above p
    assert ws.flips(p + 1e-12) == ["srcedge"]
    assert ws.flips(np.nextafter(p + 1e-12, 1.0)) == []


# ------------------------------------------------------------------------------ the entry


def test_defaults_and_what_the_result_records(edges: rp.Report) -> None:
    """By default 1,000 draws from seed 0, none kept; the result records its draws and seed,
    and the stated stars and ranks as integers."""
    ws = weight_sensitivity(edges)
    assert (ws.draws, ws.seed) == (1000, 0)
    assert ws.source_factors.shape == (1000, 2) and ws.kept_total.shape == (0, 4)
    assert ws == weight_sensitivity(edges, draws=1000, seed=0, keep=0)
    other = weight_sensitivity(edges, draws=3, seed=7)
    assert (other.draws, other.seed) == (3, 7)
    assert ws.awarded.dtype == np.int64 and ws.rank.dtype == np.int64
    assert ws.awarded.tolist() == [2, 1, 2, 0] and ws.rank.tolist() == [1, 3, 2, 0]


def test_a_seed_draws_numpys_uniforms_onto_the_spread(edges: rp.Report) -> None:
    """A seed's factors are numpy's `default_rng(seed)` uniforms, sources then dimensions, mapped
    increasingly onto [1 - spread, 1 + spread]: the results of a seed stay reproducible."""
    ws = weight_sensitivity(edges, draws=5, seed=9, source_spread=0.3, dimension_spread=0.1)
    u = np.random.default_rng(9).random((5, 4))
    np.testing.assert_array_equal(ws.source_factors, 1.0 + (2.0 * u[:, :2] - 1.0) * 0.3)
    np.testing.assert_array_equal(ws.dimension_factors, 1.0 + (2.0 * u[:, 2:] - 1.0) * 0.1)


BAD = "must be a number from 0 up to (not including) 1, not"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"spread": 1.0}, f"spread {BAD} 1.0"),
        ({"spread": False}, f"spread {BAD} False"),
        ({"spread": "0.1"}, f"spread {BAD} '0.1'"),
        ({"spread": None}, f"spread {BAD} None"),
        ({"source_spread": 1.5}, f"source_spread {BAD} 1.5"),
        ({"dimension_spread": -0.5}, f"dimension_spread {BAD} -0.5"),
        ({"dimension_spread": {"d2": 1.0}}, f"dimension_spread['d2'] {BAD} 1.0"),
        ({"source_spread": {"zz": 0.1, "yy": 0.2}},
         "source_spread names unknown source(s) yy, zz; the rubric's are a, b"),
        ({"dimension_spread": {"d9": 0.1}},
         "dimension_spread names unknown dimension(s) d9; the rubric's are d1, d2"),
        ({"draws": True}, "draws must be a positive integer, not True"),
        ({"draws": 2.5}, "draws must be a positive integer, not 2.5"),
        ({"draws": 3, "keep": True}, "keep must be an integer from 0 to draws (3), not True"),
        ({"draws": 3, "keep": 1.5}, "keep must be an integer from 0 to draws (3), not 1.5"),
        ({"draws": 3, "chunk": True}, "chunk must be a positive integer, not True"),
        ({"draws": 3, "chunk": 2.5}, "chunk must be a positive integer, not 2.5"),
        ({"workers": 0}, "workers must be a positive integer or None, not 0"),
        ({"workers": -2}, "workers must be a positive integer or None, not -2"),
        ({"workers": True}, "workers must be a positive integer or None, not True"),
        ({"workers": 2.9}, "workers must be a positive integer or None, not 2.9"),
        ({"workers": "2"}, "workers must be a positive integer or None, not '2'"),
    ],
)
def test_bad_arguments_are_named_in_the_message(edges: rp.Report, kwargs: dict[str, Any],
                                                message: str) -> None:
    """A bad count or spread (booleans, text and None included) raises ValueError naming the
    argument, the id and the value."""
    with pytest.raises(ValueError, match=re.escape(message)) as caught:
        weight_sensitivity(edges, **kwargs)
    assert str(caught.value) == message


def test_chunks_of_one_draw_give_the_same_result(edges: rp.Report) -> None:
    """`chunk=1` is a valid chunk size and gives the result of the default chunks."""
    assert (weight_sensitivity(edges, draws=12, spread=0.5, seed=2, chunk=1)
            == weight_sensitivity(edges, draws=12, spread=0.5, seed=2))


@pytest.mark.parametrize("level2", [LEVEL2, SHARES], ids=["totals", "dimension-shares"])
def test_default_chunk_holds_about_two_million_company_draws(
        monkeypatch: pytest.MonkeyPatch, level2: str) -> None:
    """By default a chunk holds at most 2**21 company-draws (working memory about chunk x
    companies x 25 bytes), and half of that or more when nothing else needs room."""
    seen = spy_run(monkeypatch)
    report = big_season(600, level2)
    weight_sensitivity(report, draws=2)
    assert seen["chunk"] * len(report) <= 1 << 21
    if level2 == LEVEL2:
        assert seen["chunk"] * len(report) >= 1 << 20


def test_default_threads_are_the_cpus_at_most_four(edges: rp.Report,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """`workers` defaults to the number of CPUs, at most 4 (1 when it is unknown); 1 is kept."""
    seen = spy_run(monkeypatch)
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    weight_sensitivity(edges, draws=2)
    assert seen["workers"] == 4
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    weight_sensitivity(edges, draws=2)
    assert seen["workers"] == 3
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    weight_sensitivity(edges, draws=2)
    assert seen["workers"] == 1
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    weight_sensitivity(edges, draws=2, workers=1)
    assert seen["workers"] == 1


def test_a_client_is_handed_the_chunks(edges: rp.Report) -> None:
    """With `client=` each chunk goes to the client as a task (a client that records its calls
    and runs them here), and the result is the local one."""
    pytest.importorskip("distributed")
    calls: list[tuple[Any, ...]] = []
    there = weight_sensitivity(edges, draws=20, spread=0.5, chunk=5,
                               client=recording_client(calls))
    assert [c[0] for c in calls] == ["scatter", *["submit"] * 4, "gather"]
    assert there == weight_sensitivity(edges, draws=20, spread=0.5, chunk=5)


@pytest.mark.cluster
def test_a_client_runs_the_chunks_on_its_cluster(edges: rp.Report) -> None:
    """With `client=` each chunk is a task of the cluster, and the result is the local one."""
    distributed = pytest.importorskip("distributed")
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=1,
                            dashboard_address=":0") as client, \
            distributed.get_task_stream(client) as stream:
        there = weight_sensitivity(edges, draws=20, spread=0.5, chunk=5, client=client)
    assert len(stream.data) == 4
    assert there == weight_sensitivity(edges, draws=20, spread=0.5, chunk=5)


def test_a_client_without_the_extra_is_refused_first(edges: rp.Report,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A client without dask.distributed is refused, naming the extra, before the spreads are
    read."""
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"red-property\[distributed\]"):
        weight_sensitivity(edges, draws=2, spread=1.5, client=object())

