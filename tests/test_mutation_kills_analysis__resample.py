"""Promises of the resampling analyses' shared machinery that the other tests left open: the
quantile rule (the ``ceil(q * m)``-th smallest value), every replicate counted, chunks run on a
Dask cluster, and the refusals of a client."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

import red_property as rp
from red_property.analysis import bootstrap, weight_sensitivity
from red_property.analysis._resample import run_chunks

from .fixtures import lenient_rater_report, recording_client

NO_EXTRA = "client= needs dask.distributed: pip install 'red-property[distributed]'"


def _kth_smallest(values: np.ndarray[Any, Any], q: str) -> float:
    """The ``ceil(q * m)``-th smallest of ``values`` (q exact, as written), NaN when empty."""
    m = values.size
    if m == 0:
        return math.nan
    k = max(1, math.ceil(Fraction(q) * m))
    return float(np.sort(values)[k - 1])


def test_weight_sensitivity_quantiles_are_the_ceil_q_m_th_smallest_draw(
        shanyang_report: rp.Report) -> None:
    """Over 10 kept draws, the median, 5 % and 95 % totals are the 5th, 1st and 10th smallest
    draws' totals, and the rank quantiles those of the draws where the company is rated."""
    result = weight_sensitivity(shanyang_report, draws=10, keep=10, seed=1, spread=0.5,
                                workers=1)
    for c in range(len(result)):
        totals = result.kept_total[:, c]
        assert result.total_median[c] == _kth_smallest(totals, "0.5")
        assert result.total_low[c] == _kth_smallest(totals, "0.05")
        assert result.total_high[c] == _kth_smallest(totals, "0.95")
        ranks = result.kept_rank[result.kept_rated[:, c], c].astype(np.float64)
        for got, q in ((result.rank_median, "0.5"), (result.rank_low, "0.05"),
                       (result.rank_high, "0.95")):
            assert got[c] == _kth_smallest(ranks, q) or (math.isnan(got[c]) and ranks.size == 0)
    spread = result.total_high - result.total_low
    assert (spread > 0).sum() >= 30  # the draws' totals differ: the positions are seen


def test_bootstrap_interval_near_full_confidence_runs_from_the_lowest_to_the_highest(
        shanyang_report: rp.Report) -> None:
    """At a confidence a hair below 1 the interval is the smallest to the largest replicate
    total, which contains the interval at any lower confidence."""
    report = shanyang_report
    wide = bootstrap(report, replicates=12, seed=5, confidence=1 - 1e-12)
    narrow = bootstrap(report, replicates=12, seed=5, confidence=0.5)
    assert np.all(wide.low <= narrow.low) and np.all(narrow.high <= wide.high)
    assert np.all(narrow.low <= narrow.high)
    assert np.any(wide.low < wide.high)


def test_bootstrap_confidence_may_be_any_real_number_type(shanyang_report: rp.Report) -> None:
    """A confidence given as a Decimal gives the interval of the same confidence as a float."""
    as_float = bootstrap(shanyang_report, replicates=20, seed=4, confidence=0.9)
    as_decimal = bootstrap(shanyang_report, replicates=20, seed=4,
                           confidence=Decimal("0.9"))  # type: ignore[arg-type]
    assert np.array_equal(as_decimal.low, as_float.low)
    assert np.array_equal(as_decimal.high, as_float.high)


def test_a_fraction_confidence_is_recorded_as_a_float(shanyang_report: rp.Report) -> None:
    """A confidence given as a Fraction is recorded as the float it stands for, so the result
    shows it in a notebook and writes it to records as any other."""
    result = bootstrap(shanyang_report, replicates=2, seed=4,
                       confidence=Fraction(9, 10))  # type: ignore[arg-type]
    assert type(result.confidence) is float and result.confidence == 0.9
    assert "90% interval" in result._repr_html_()


def test_bootstrap_of_one_replicate_counts_that_replicate() -> None:
    """One replicate is one draw: each company's star probabilities are 0 or 1, summing to 1."""
    result = bootstrap(lenient_rater_report(), replicates=1, seed=2)
    shares = np.concatenate([result.p_stars, result.p_not_rated[:, None]], axis=1)
    assert set(np.unique(shares).tolist()) <= {0.0, 1.0}
    assert np.all(shares.sum(axis=1) == 1.0)
    assert np.all(result.low == result.high)


def test_without_the_extra_only_a_client_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without dask.distributed, a local run works and a client is refused with the extra to
    install, by the analyses and by the chunk runner itself."""
    monkeypatch.setitem(sys.modules, "distributed", None)
    report = lenient_rater_report()
    assert len(bootstrap(report, replicates=2)) == 6
    assert len(weight_sensitivity(report, draws=2, workers=1)) == 6
    for call in (lambda: bootstrap(report, replicates=2, client=object()),
                 lambda: weight_sensitivity(report, draws=2, client=object()),
                 lambda: run_chunks(_slice_sum, (1, 2), [(0, 2)], object())):
        with pytest.raises(ImportError, match="^" + re.escape(NO_EXTRA) + "$"):
            call()


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """An in-process Dask cluster: one worker thread (its web server on a free port)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(processes=False, n_workers=1, threads_per_worker=1,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as c:
        yield c


def test_bootstrap_hands_its_chunks_to_the_client(shanyang_report: rp.Report) -> None:
    """With `client=` the bootstrap's chunks of replicates go to the client as tasks (a client
    that records its calls and runs them here), and the result is the local one."""
    pytest.importorskip("distributed")
    calls: list[tuple[Any, ...]] = []
    there = bootstrap(shanyang_report, replicates=10, seed=3, chunk=3,
                      client=recording_client(calls))
    assert [c[0] for c in calls] == ["scatter", *["submit"] * 4, "gather"]
    assert there == bootstrap(shanyang_report, replicates=10, seed=3)


@pytest.mark.cluster
def test_bootstrap_in_chunks_on_a_cluster_equals_the_local_run(
        client: Any, shanyang_report: rp.Report) -> None:
    """Replicates run as tasks on a Dask cluster, three to a chunk, give the local result."""
    report = shanyang_report
    here = bootstrap(report, replicates=10, seed=3)
    assert np.any(here.low < here.high)  # the replicates differ: their order is seen
    assert bootstrap(report, replicates=10, seed=3, chunk=3, client=client) == here
    assert bootstrap(report, replicates=10, seed=3, chunk=3, client=client) == here


@pytest.mark.cluster
def test_run_chunks_on_a_cluster_returns_every_chunk_in_order(client: Any) -> None:
    """Each chunk is computed from the shared inputs and its own bounds, in the order given,
    call after call with the same inputs (each call's inputs stay until its chunks are done)."""
    parts = [(0, 2), (2, 5), (5, 6)]
    for _ in range(10):
        assert run_chunks(_slice_sum, (10, 20, 30, 40, 50, 60), parts, client) == [30, 120, 60]


def _slice_sum(inputs: Any, a: int, b: int) -> int:
    return int(sum(inputs[a:b]))


def test_run_chunks_scatters_once_submits_impure_tasks_and_gathers_in_order() -> None:
    """On a client, the inputs are scattered once to every worker under a fresh key, each
    chunk is submitted as an impure task of the shared inputs and its bounds, and the results
    are gathered in the order of the chunks (a client that records its calls, no cluster)."""
    pytest.importorskip("distributed")
    calls: list[tuple[Any, ...]] = []
    inputs = (10, 20, 30, 40, 50, 60)
    parts = [(0, 2), (2, 5), (5, 6)]
    assert run_chunks(_slice_sum, inputs, parts, recording_client(calls)) == [30, 120, 60]
    assert calls == [("scatter", inputs, {"broadcast": True, "hash": False}),
                     *[("submit", "shared", a, b, {"pure": False}) for a, b in parts],
                     ("gather", [30, 120, 60])]


def test_a_client_that_is_not_a_dask_client_is_refused_by_name() -> None:
    """Anything but a distributed.Client as client= is a TypeError naming what was given."""
    pytest.importorskip("distributed")
    with pytest.raises(TypeError, match=r"^client must be a distributed\.Client, not object$"):
        bootstrap(lenient_rater_report(), replicates=2, client=object())
