"""Benchmark: ``weight_sensitivity`` on 10,000 companies x 10,000 draws (target < 5 s).

Run from the repository root::

    .venv/bin/python benchmarks/bench_sensitivity.py                 # 10,000 x 10,000
    .venv/bin/python benchmarks/bench_sensitivity.py --companies 2000 --draws 2000 --profile

The season: 60 score indicators (0-10 points) in 5 dimensions of 120 points, 3 sources
(authority 0.5 covers all; association 0.3 covers d1-d3; peers 0.2 cover d3-d5, each peer
sheet missing an indicator now and then), so indicators have several patterns of sources
present. Levels at 300/360/420/480/540 of 600 points; 3 stars and up need every dimension at
60/70/80 % of its maximum. One rater per source and company, with a per-company source bias,
so the sources disagree and weights matter. Set-up uses ``Ratings.from_columns`` and
``evaluate``; only ``weight_sensitivity(report, draws=...)`` is timed (best of ``--repeat``).

The script measures and reports; it never fails on a missed target (exit status 0 either way).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import platform
import pstats
import sys
import time

import numpy as np
from bench_evaluate import load_note  # the same load report in every benchmark

import red_property as rp
from red_property import Ratings, evaluate, load_rubric
from red_property.analysis.sensitivity import weight_sensitivity

N_DIMS, PER_DIM, POINTS = 5, 12, 10.0
SOURCES = {"authority": (0.5, "all"), "association": (0.3, ["d1", "d2", "d3"]),
           "peer": (0.2, ["d3", "d4", "d5"])}
PEERS = 3
TARGET = 5.0


def rubric_yaml() -> str:
    """60 score indicators in 5 dimensions, 3 sources with partial coverage, 5 levels."""
    out = ["id: bench-sensitivity", 'version: "1"', "title: {en: Sensitivity benchmark}",
           "weighting: points", "rounding: {digits: 1, mode: half_up}", "sources:"]
    for name, (weight, covers) in SOURCES.items():
        cov = "all" if covers == "all" else "[" + ", ".join(covers) + "]"
        out += [f"  {name}:", f"    label: {{en: {name}}}", f"    weight: {weight}",
                f"    covers: {cov}", "    aggregate: mean"]
    out.append("dimensions:")
    for d in range(1, N_DIMS + 1):
        out += [f"  d{d}:", f"    label: {{en: Dimension {d}}}", "    indicators:"]
        for k in range(PER_DIM):
            out += [f"      i{d}{k:02d}:", f"        label: {{en: Indicator {d}.{k}}}",
                    "        kind: score", f"        points: {POINTS:g}"]
    out += ["levels:",
            "  - {stars: 1, min_total: 300}",
            "  - {stars: 2, min_total: 360}",
            "  - {stars: 3, min_total: 420, min_dimension_share: 0.6}",
            "  - {stars: 4, min_total: 480, min_dimension_share: 0.7}",
            "  - {stars: 5, min_total: 540, min_dimension_share: 0.8}"]
    return "\n".join(out) + "\n"


def make_ratings(n: int, seed: int = 2019) -> Ratings:
    """One authority and one association sheet per company, three peer sheets (each missing
    about 3 % of its indicators); values 0-10 in steps of 0.1."""
    rng = np.random.default_rng(seed)
    width = len(str(n - 1))
    companies = np.array([f"c{k:0{width}d}" for k in range(n)])
    ind = np.array([f"i{d}{k:02d}" for d in range(1, N_DIMS + 1) for k in range(PER_DIM)])
    dim_of = np.repeat(np.arange(N_DIMS), PER_DIM)
    quality = rng.uniform(4.0, 9.8, n)[:, None] + rng.normal(0, 0.6, (n, N_DIMS))[:, dim_of]
    cols: dict[str, list[np.ndarray]] = {k: [] for k in
                                         ("company", "source", "rater", "indicator", "value")}
    sheets = [("authority", "a", 1), ("association", "s", 1), ("peer", "p", PEERS)]
    for source, tag, count in sheets:
        covers = SOURCES[source][1]
        cover = np.ones(len(ind), bool) if covers == "all" else np.isin(
            dim_of, [int(d[1:]) - 1 for d in covers])
        for r in range(count):
            bias = rng.normal(0, 0.5, (n, 1))
            v = np.clip(np.round(quality + bias + rng.normal(0, 0.8, (n, len(ind))), 1), 0, 10)
            keep = np.broadcast_to(cover, v.shape).copy()
            if source == "peer":
                keep &= rng.random(v.shape) > 0.03
            c_idx, i_idx = np.nonzero(keep)
            cols["company"].append(companies[c_idx])
            cols["source"].append(np.full(c_idx.size, source))
            cols["rater"].append(np.char.add(f"{tag}{r}-", companies[c_idx]))
            cols["indicator"].append(ind[i_idx])
            cols["value"].append(v[c_idx, i_idx])
    return Ratings.from_columns(**{k: np.concatenate(v) for k, v in cols.items()})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2, help="timed runs; best is kept")
    parser.add_argument("--profile", action="store_true", help="cProfile one run")
    args = parser.parse_args(argv)

    print(f"red-property {rp.__version__}, numpy {np.__version__}, Python "
          f"{sys.version.split()[0]}, {platform.machine()} {_cpu()}, "
          f"{os.cpu_count()} CPUs")
    t0 = time.perf_counter()
    rubric = load_rubric(rubric_yaml(), name="<bench rubric>")
    ratings = make_ratings(args.companies)
    report = evaluate(rubric, ratings)
    print(f"set-up: {len(ratings):,} rating rows, {len(report):,} companies, "
          f"{time.perf_counter() - t0:.1f} s; stars "
          + ", ".join(f"{s}★ {int((report.awards.stars == s).sum())}" for s in range(6)))

    best, result = float("inf"), None
    for _ in range(max(1, args.repeat)):
        result = None
        gc.collect()
        t = time.perf_counter()
        result = weight_sensitivity(report, draws=args.draws)
        best = min(best, time.perf_counter() - t)
    assert result is not None
    cells = args.draws * len(report)
    print(f"weight_sensitivity(report, draws={args.draws:,}) on {len(report):,} companies: "
          f"{best:.2f} s (best of {max(1, args.repeat)}); "
          f"{cells / best / 1e6:.1f} M draw-companies/s")
    print(f"  {result!r}; P(award differs) mean {result.p_differs.mean():.3f}, "
          f"median rank interval width "
          f"{float(np.nanmedian(result.rank_high - result.rank_low)):.0f}")
    full = args.companies == 10_000 and args.draws == 10_000
    what = "target" if full else "target (scaled to 10,000 x 10,000)"
    scaled = best * 1e8 / cells
    print(f"{what}: < {TARGET:g} s  -> {scaled:.2f} s  {'PASS' if scaled < TARGET else 'MISS'}")

    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        weight_sensitivity(report, draws=args.draws, workers=1)
        prof.disable()
        print("\nprofile (workers=1), top 15 by own time:")
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)
    print(load_note())
    return 0


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:  # pragma: no cover - not Linux
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
