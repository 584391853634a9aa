"""Benchmark: ratings in from what users have, to stars, against pandas, polars and duckdb.

Run from the repository root (the ``bench`` extra installs the contenders)::

    .venv/bin/python benchmarks/bench_ingest.py                  # 1,000 and 10,000 companies
    .venv/bin/python benchmarks/bench_ingest.py --sizes 1000 --repeat 1

The season is bench_evaluate.py's (60 indicators, 3 sources, about 780 ratings a company) with
its rows shuffled and its string ids as Python objects (``df["company"].to_numpy()``, a list
from a service), also written as CSV. What is timed, best of ``--repeat``:

* CSV to stars as a whole process: ``red-property score`` against a pandas, a polars and a
  duckdb script doing the same job (read, mean per company/source/indicator, weighted sum
  renormalised over the sources present, sum, stars), each started as its own process;
* object columns to stars: ``Ratings.from_columns`` + ``evaluate`` against the pandas pipeline
  from the same columns;
* categorical (pandas), Arrow (pyarrow Table) and ``<U`` (numpy) columns to stars, against the
  same pandas pipeline;
* ``evaluate`` on prebuilt Ratings against the numpy bincount floor;
* ``import red_property`` against ``import numpy, pydantic, yaml``.

Before any figure is printed, the totals of every contender are checked against the pandas
pipeline (max |difference| < 1e-9) and the stars must agree exactly. The script reports and
never fails on a missed target.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_evaluate import (
    POINTS,
    SOURCES,
    THRESHOLDS,
    best_of,
    load_note,
    make_season,
    numpy_floor,
    peak_memory,
    rubric_yaml,
)

import red_property as rp
from red_property import Ratings, evaluate, load_rubric

try:
    import pandas as pd
except ImportError:  # pragma: no cover - an optional extra
    pd = None

ID_COLUMNS = ("company", "source", "rater", "indicator", "rater_company")
TOL = 1e-9

# The contenders' scripts: each reads the CSV and writes {company: [total, stars]} as JSON.
_COMMON = f"""
import json, sys
import numpy as np
W = {dict(SOURCES)!r}
T = np.array({THRESHOLDS.tolist()!r})
P = {POINTS!r}
path, out = sys.argv[1], sys.argv[2]
"""
PANDAS_SCRIPT = _COMMON + """
import pandas as pd
df = pd.read_csv(path, dtype={"value": "float64"}, keep_default_na=False)
df = df[df["rater_company"] != df["company"]]
means = df.groupby(["company", "source", "indicator"], sort=False)["value"].mean()
wide = means.unstack("source")
w = pd.Series(W)[wide.columns]
present = wide.notna().mul(w, axis=1).sum(axis=1)
combined = wide.clip(0.0, P).mul(w, axis=1).sum(axis=1) / present
total = combined.groupby(level="company").sum()
stars = np.searchsorted(T, total.round(1).to_numpy(), side="right")
json.dump({c: [float(t), int(s)] for c, t, s in zip(total.index, total.to_numpy(), stars)},
          open(out, "w"))
"""
POLARS_SCRIPT = _COMMON + """
import polars as pl
df = pl.read_csv(path, schema_overrides={"value": pl.Float64, "rater_company": pl.Utf8})
df = df.with_columns(pl.col("rater_company").fill_null(""))
df = df.filter(pl.col("rater_company") != pl.col("company"))
w = pl.DataFrame({"source": list(W), "w": list(W.values())})
cells = (df.group_by(["company", "source", "indicator"]).agg(pl.col("value").mean())
         .join(w, on="source")
         .with_columns(pl.col("value").clip(0.0, P)))
per = (cells.group_by(["company", "indicator"])
       .agg(((pl.col("value") * pl.col("w")).sum() / pl.col("w").sum()).alias("p")))
total = per.group_by("company").agg(pl.col("p").sum()).sort("company")
t = total["p"].to_numpy()
stars = np.searchsorted(T, np.round(t, 1), side="right")
json.dump({c: [float(x), int(s)] for c, x, s in zip(total["company"].to_list(), t, stars)},
          open(out, "w"))
"""
DUCKDB_SCRIPT = _COMMON + """
import duckdb
con = duckdb.connect()
con.execute("CREATE TABLE w(source VARCHAR, w DOUBLE)")
con.executemany("INSERT INTO w VALUES (?, ?)", list(W.items()))
rows = con.execute(f'''
WITH r AS (SELECT * FROM read_csv('{path}', header=true, all_varchar=true)),
cells AS (SELECT company, source, indicator, least(greatest(avg(CAST(value AS DOUBLE)), 0), {P})
          AS v FROM r WHERE coalesce(rater_company, '') <> company
          GROUP BY company, source, indicator),
per AS (SELECT company, indicator, sum(v * w) / sum(w) AS p FROM cells JOIN w USING (source)
        GROUP BY company, indicator)
SELECT company, sum(p) FROM per GROUP BY company ORDER BY company''').fetchall()
t = np.array([x for _, x in rows])
stars = np.searchsorted(T, np.round(t, 1), side="right")
json.dump({c: [float(x), int(s)] for (c, _), x, s in zip(rows, t, stars)}, open(out, "w"))
"""


def has(module: str) -> bool:
    """Whether ``module`` is importable here."""
    import importlib.util

    return importlib.util.find_spec(module) is not None


def object_columns(cols: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The season's id columns as object arrays of distinct Python strings."""
    out = {k: (np.array(v.tolist(), dtype=object) if k in ID_COLUMNS else v)
           for k, v in cols.items()}
    return out


def write_csv(cols: dict[str, np.ndarray], path: Path) -> None:
    """The season as a CSV file, in its (shuffled) row order."""
    with path.open("w", encoding="utf-8") as f:
        f.write("company,source,rater,indicator,value,rater_company\n")
        value = np.char.mod("%.1f", cols["value"])
        for chunk in range(0, len(value), 200_000):
            part = slice(chunk, chunk + 200_000)
            rows = zip(cols["company"][part].tolist(), cols["source"][part].tolist(),
                       cols["rater"][part].tolist(), cols["indicator"][part].tolist(),
                       value[part].tolist(), cols["rater_company"][part].tolist(), strict=True)
            f.write("".join(f"{a},{b},{c},{d},{e},{g}\n" for a, b, c, d, e, g in rows))


def pandas_pipeline(frame: Any) -> tuple[Any, np.ndarray]:
    """The pandas pipeline (as bench_evaluate's (c)) on a frame or a dict of columns."""
    df = pd.DataFrame(frame) if isinstance(frame, dict) else frame
    df = df[df["rater_company"] != df["company"]]
    means = df.groupby(["company", "source", "indicator"], sort=False, observed=True)[
        "value"].mean()
    wide = means.unstack("source")
    w = pd.Series(SOURCES)[[str(c) for c in wide.columns]].to_numpy()
    combined = (wide.clip(0.0, POINTS) * w).sum(axis=1) / (wide.notna() * w).sum(axis=1)
    total = combined.groupby(level="company", observed=True).sum()
    total.index = total.index.astype(str)
    stars = np.searchsorted(THRESHOLDS, total.round(1).to_numpy(), side="right")
    return total, stars


def check(name: str, report: rp.Report, total: Any, stars: np.ndarray) -> bool:
    """Totals within 1e-9 of the pandas pipeline and the same stars, company by company."""
    companies = report.companies.tolist()
    ref = total.reindex(companies).to_numpy()
    ref_stars = stars[total.index.get_indexer(companies)]
    diff = float(np.max(np.abs(ref - report.scores.raw_total)))
    same = int((ref_stars == report.awards.stars).sum())
    ok = diff < TOL and same == len(companies)
    print(f"  check {name}: max |total - pandas| = {diff:.1e}, stars agree {same:,}/"
          f"{len(companies):,}  {'ok' if ok else 'MISMATCH'}")
    return ok


def run_process(cmd: list[str], repeat: int) -> tuple[float, float]:
    """Best wall time and best CPU time (user + system, all threads) of a whole process."""
    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best_cpu = min(best_cpu, after.ru_utime - before.ru_utime
                       + after.ru_stime - before.ru_stime)
    return best, best_cpu


def csv_contenders(csv: Path, rubric_file: Path, work: Path, repeat: int
                   ) -> dict[str, tuple[float, float]]:
    """Whole-process times of CSV to stars; each contender's stars checked against pandas."""
    exe = Path(sys.executable)
    ours = [str(exe.parent / "red-property"), "score", str(rubric_file), str(csv)]
    times = {"red-property": run_process(ours, repeat)}
    subprocess.run([*ours, "--format", "json", "--out", str(work / "ours.json")], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    scripts = {"pandas": (PANDAS_SCRIPT, "pandas"), "polars": (POLARS_SCRIPT, "polars"),
               "duckdb": (DUCKDB_SCRIPT, "duckdb")}
    results: dict[str, dict[str, list[float]]] = {}
    for name, (script, module) in scripts.items():
        if not has(module):
            continue
        out = work / f"{name}.json"
        times[name] = run_process([str(exe), "-c", script, str(csv), str(out)], repeat)
        results[name] = json.loads(out.read_text())
    mine = {r["company"]: [r["total"], r["stars"]]
            for r in json.loads((work / "ours.json").read_text())["companies"]}
    if "pandas" in results:
        ref = results["pandas"]
        for name, got in [("red-property (rounded total)", mine), *results.items()]:
            tol = 0.05 + TOL if name.startswith("red") else TOL
            diff = max(abs(got[c][0] - ref[c][0]) for c in ref)
            same = sum(got[c][1] == ref[c][1] for c in ref)
            ok = diff < tol and same == len(ref) and len(got) == len(ref)
            print(f"  check {name} from CSV: max |total - pandas| = {diff:.1e}, stars agree "
                  f"{same:,}/{len(ref):,}  {'ok' if ok else 'MISMATCH'}")
    return times


IMPORTS = {
    "import red_property": "import red_property",
    "import the engine": "from red_property import Ratings, evaluate, load_rubric",
    "baseline": "import numpy, pydantic, yaml",
}


def import_times(repeat: int) -> dict[str, float]:
    """Best times of each import of :data:`IMPORTS`, each in a fresh process, less the time of
    a bare interpreter."""
    py = sys.executable
    bare = run_process([py, "-c", "pass"], repeat * 3)[0]
    return {k: run_process([py, "-c", code], repeat * 3)[0] - bare
            for k, code in IMPORTS.items()}


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def run_size(n: int, repeat: int, rubric: rp.Rubric, rubric_file: Path, work: Path,
             memory: bool) -> dict[str, Any]:
    season = make_season(n, shuffle=True)
    u_cols, coded, rows = season["cols"], season["coded"], season["rows"]
    o_cols = object_columns(u_cols)
    csv = work / f"season-{n}.csv"
    write_csv(u_cols, csv)
    print(f"\n== {n:,} companies, {rows:,} rows (shuffled); CSV {csv.stat().st_size / 1e6:.0f} MB",
          flush=True)
    res: dict[str, Any] = {"n": n, "rows": rows, "bytes": sum(v.nbytes for v in u_cols.values())}

    cpu: dict[str, float] = {}
    res["cpu"] = cpu
    t_pd, cpu["pandas"], (total, stars) = best_of(lambda: pandas_pipeline(o_cols), repeat)
    res["pandas"] = t_pd

    def ours(cols: dict[str, Any]) -> rp.Report:
        return evaluate(rubric, Ratings.from_columns(**cols))

    t, cpu["objects"], rep = best_of(lambda: ours(o_cols), repeat)
    check("object columns", rep, total, stars)
    res["objects"] = t
    t, cpu["unicode"], rep = best_of(lambda: ours(u_cols), repeat)
    check("<U columns", rep, total, stars)
    res["unicode"] = t
    frame = pd.DataFrame(o_cols).astype({c: "category" for c in ID_COLUMNS})
    t, cpu["categorical"], rep = best_of(lambda: evaluate(rubric, frame), repeat)
    check("categorical frame", rep, total, stars)
    res["categorical"] = t
    if has("pyarrow"):
        import pyarrow as pa

        table = pa.table(dict(o_cols))
        t, cpu["arrow"], rep = best_of(lambda: evaluate(rubric, table), repeat)
        check("pyarrow Table", rep, total, stars)
        res["arrow"] = t
    prebuilt = Ratings.from_columns(**u_cols)
    res["evaluate"], cpu["evaluate"], rep = best_of(lambda: evaluate(rubric, prebuilt), repeat)
    res["floor"], cpu["floor"], _ = best_of(lambda: numpy_floor(coded, n), repeat)
    t, cpu["csv_inprocess"], rep = best_of(lambda: evaluate(rubric, Ratings.from_csv(csv)),
                                           repeat)
    check("CSV in this process", rep, total, stars)
    res["csv_inprocess"] = t
    res["process"] = csv_contenders(csv, rubric_file, work, repeat)
    if memory:
        gc.collect()
        res["peak_unicode"] = peak_memory(lambda: ours(u_cols))
        res["peak_objects"] = peak_memory(lambda: ours(o_cols))

    print(f"  {'step':<44} {'wall s':>8} {'pandas / it':>12} {'cpu s':>8} {'pandas / it':>12}")
    for key, label in [("objects", "object columns -> stars"), ("unicode", "<U columns -> stars"),
                       ("categorical", "categorical frame -> stars"),
                       ("arrow", "pyarrow Table -> stars"),
                       ("csv_inprocess", "CSV -> stars, in this process")]:
        if key in res:
            print(f"  {label:<44} {res[key]:>8.3f} {t_pd / res[key]:>11.2f}x "
                  f"{cpu[key]:>8.3f} {cpu['pandas'] / cpu[key]:>11.2f}x")
    for key, label in [("pandas", "pandas pipeline from object columns"),
                       ("evaluate", "evaluate on prebuilt Ratings"),
                       ("floor", "numpy bincount floor")]:
        print(f"  {label:<44} {res[key]:>8.3f} {'':>12} {cpu[key]:>8.3f}")
    for name, (t, cpu) in res["process"].items():
        print(f"  {'process: ' + name + ' CSV -> stars':<44} {t:>8.3f}   (cpu {cpu:.3f} s)")
    return res


def targets(results: list[dict[str, Any]], imports: dict[str, float]) -> None:
    print("\n== targets (on wall time; CPU time in brackets: what the code costs when other "
          "processes compete for the cores)")
    first = results[0]
    p = first["process"]
    ours, ours_cpu = p["red-property"]
    if "pandas" in p:
        r, rc = p["pandas"][0] / ours, p["pandas"][1] / ours_cpu
        print(f"{first['n']:,}: CSV process, pandas / ours = {r:.2f}x [cpu {rc:.2f}x] "
              f"(target >= 1.5)  {verdict(r >= 1.5)}")
    if "duckdb" in p:
        r, rc = ours / p["duckdb"][0], ours_cpu / p["duckdb"][1]
        print(f"{first['n']:,}: CSV process, ours / duckdb = {r:.2f}x [cpu {rc:.2f}x] "
              f"(target <= 1.2)  {verdict(r <= 1.2)}")
    if "polars" in p:
        r, rc = ours / p["polars"][0], ours_cpu / p["polars"][1]
        print(f"{first['n']:,}: CSV process, ours / polars = {r:.2f}x [cpu {rc:.2f}x] "
              "(no target)")
    fc = first["cpu"]
    r, rc = first["pandas"] / first["objects"], fc["pandas"] / fc["objects"]
    print(f"{first['n']:,}: object columns, pandas / ours = {r:.2f}x [cpu {rc:.2f}x] "
          f"(target >= 1.5)  {verdict(r >= 1.5)}")
    for key in ("categorical", "arrow", "unicode"):
        if key in first:
            r, rc = first["pandas"] / first[key], fc["pandas"] / fc[key]
            print(f"{first['n']:,}: {key} columns, pandas / ours = {r:.2f}x [cpu {rc:.2f}x] "
                  f"(target >= 3)  {verdict(r >= 3)}")
    r, rc = first["evaluate"] / first["floor"], fc["evaluate"] / fc["floor"]
    print(f"{first['n']:,}: evaluate / numpy floor = {r:.2f}x [cpu {rc:.2f}x] (target <= 2.5)  "
          f"{verdict(r <= 2.5)}")
    if len(results) > 1:
        last = results[-1]
        grow = last["rows"] / first["rows"]
        for key in ("objects", "unicode", "evaluate"):
            r, rc = last[key] / first[key], last["cpu"][key] / fc[key]
            print(f"x{grow:g} rows: {key} time x{r:.2f} [cpu x{rc:.2f}] "
                  f"(target <= {1.1 * grow:g})  {verdict(r <= 1.1 * grow)}")
        r = last["process"]["red-property"][0] / first["process"]["red-property"][0]
        rc = last["process"]["red-property"][1] / first["process"]["red-property"][1]
        print(f"x{grow:g} rows: CSV process time x{r:.2f} [cpu x{rc:.2f}] "
              f"(target <= {1.1 * grow:g})  {verdict(r <= 1.1 * grow)}")
    for res in results:
        if "peak_unicode" in res:
            for key in ("peak_unicode", "peak_objects"):
                r = res[key] / res["bytes"]
                print(f"{res['n']:,}: peak memory ({key[5:]} in) = {res[key] / 1e6:,.0f} MB, "
                      f"{r:.2f}x the <U input columns' {res['bytes'] / 1e6:,.0f} MB "
                      f"(target <= 2)  {verdict(r <= 2)}")
    base = imports["baseline"]
    for key in ("import red_property", "import the engine"):
        r = imports[key] / base
        print(f"{key} ({IMPORTS[key]}): {imports[key] * 1e3:.0f} ms / {IMPORTS['baseline']} "
              f"{base * 1e3:.0f} ms = {r:.2f}x (target <= 1.3)  {verdict(r <= 1.3)}")


def compile_package() -> str:
    """Write the package's bytecode, as installing a wheel does (pip compiles every module):
    an editable install run with PYTHONDONTWRITEBYTECODE=1 would otherwise compile the whole
    package from source in every process timed, which no installed copy does."""
    import compileall

    package = Path(rp.__file__).resolve().parent
    ok = compileall.compile_dir(str(package), quiet=1)
    return f"bytecode of {package} {'written' if ok else 'NOT written'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-memory", action="store_true")
    args = parser.parse_args(argv)
    if pd is None:
        print("bench_ingest needs pandas: pip install 'red-property[bench]'")
        return 0
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    print(f"red-property {rp.__version__}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"Python {sys.version.split()[0]}; fast reader: {has('pyarrow')}; "
          f"polars: {has('polars')}; duckdb: {has('duckdb')}; best of {args.repeat}")
    print(compile_package())
    print(load_note())
    rubric = load_rubric(rubric_yaml(), name="<bench rubric>")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rubric_file = work / "rubric.yaml"
        rubric_file.write_text(rubric_yaml(), encoding="utf-8")
        for n in sizes:
            results.append(run_size(n, args.repeat, rubric, rubric_file, work,
                                    memory=not args.no_memory and n == sizes[-1]))
            gc.collect()
    targets(results, import_times(args.repeat))
    print(load_note())
    return 0


if __name__ == "__main__":
    sys.exit(main())
