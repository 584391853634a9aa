"""Resampling on a Dask cluster gives the local result for the same seed."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest

import red_property as rp
from red_property.analysis import bootstrap, weight_sensitivity

from .conftest import EXAMPLE, SHANYANG

distributed = pytest.importorskip(
    "distributed", reason="needs the distributed extra: pip install 'red-property[distributed]'")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """Two worker processes, one thread each, on this machine."""
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def report() -> rp.Report:
    """The bundled season with its claims."""
    return rp.evaluate(SHANYANG, EXAMPLE / "ratings.csv", claims=EXAMPLE / "claims.csv")


def test_bootstrap_on_a_cluster_equals_the_local_run(client: Any, report: rp.Report) -> None:
    """The same seed gives the same bootstrap, in chunks on two worker processes or here."""
    here = bootstrap(report, replicates=24, seed=3)
    there = bootstrap(report, replicates=24, seed=3, chunk=5, client=client)
    assert there == here
    assert bootstrap(report, replicates=24, seed=4, chunk=5, client=client) != here


def test_weight_sensitivity_on_a_cluster_equals_the_local_run(client: Any,
                                                              report: rp.Report) -> None:
    """The same seed gives the same Monte Carlo, kept draws included, on the cluster."""
    here = weight_sensitivity(report, draws=400, seed=2, keep=30, chunk=400, workers=1)
    there = weight_sensitivity(report, draws=400, seed=2, keep=30, chunk=64, client=client)
    assert there == here
    assert there.p_differs.any()


def test_without_the_extra_a_client_is_refused(report: rp.Report,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Passing a client without dask.distributed installed names the extra to install."""
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"red-property\[distributed\]"):
        bootstrap(report, replicates=2, client=object())
    with pytest.raises(ImportError, match=r"red-property\[distributed\]"):
        weight_sensitivity(report, draws=2, client=object())
