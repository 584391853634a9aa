"""Benchmark: ``bootstrap`` and ``weight_sensitivity`` here against a Dask ``LocalCluster``.

Run from the repository root (needs the ``distributed`` extra)::

    .venv/bin/python benchmarks/bench_cluster.py
    .venv/bin/python benchmarks/bench_cluster.py --companies 2000 --replicates 40 --draws 4000

The season is the sensitivity benchmark's (60 score indicators, 3 sources, partial coverage).
Each analysis runs once in this process (one thread) and once on a ``LocalCluster`` of
``--workers`` worker processes with one thread each, with the same seed; the script checks the
two results are equal and prints the times and their ratio. On one machine the cluster can at
best use its cores; what it shows is the overhead of scattering the inputs and running chunks as
tasks, which a real cluster pays the same way. The script measures and reports; it never fails
on a ratio (exit status 0 either way).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from bench_evaluate import load_note
from bench_sensitivity import make_ratings, rubric_yaml

from red_property import evaluate, load_rubric
from red_property.analysis import bootstrap, weight_sensitivity


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--companies", type=int, default=2000)
    parser.add_argument("--replicates", type=int, default=40)
    parser.add_argument("--draws", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    try:
        import distributed
    except ImportError:
        print("needs dask.distributed: pip install 'red-property[distributed]'")
        return 0

    report = evaluate(load_rubric(rubric_yaml(), name="<bench rubric>"),
                      make_ratings(args.companies))
    print(f"{len(report):,} companies, {report.rows_used:,} rating rows; numpy "
          f"{np.__version__}; LocalCluster of {args.workers} processes x 1 thread")
    runs = {
        "bootstrap": (lambda client: bootstrap(report, replicates=args.replicates, seed=1,
                                               chunk=max(1, args.replicates // 8),
                                               client=client),
                      f"{args.replicates} replicates"),
        "weight_sensitivity": (lambda client: weight_sensitivity(
            report, draws=args.draws, seed=1, workers=1,
            chunk=max(1, args.draws // 8), client=client), f"{args.draws:,} draws"),
    }
    with distributed.LocalCluster(n_workers=args.workers, processes=True,
                                  threads_per_worker=1, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        for name, (run, what) in runs.items():
            t = time.perf_counter()
            here = run(None)
            local = time.perf_counter() - t
            t = time.perf_counter()
            there = run(client)
            remote = time.perf_counter() - t
            print(f"{name} ({what}): local {local:.2f} s, cluster {remote:.2f} s, "
                  f"local / cluster = {local / remote:.2f}; same result: {there == here}")
    print(load_note())
    return 0


if __name__ == "__main__":
    sys.exit(main())
