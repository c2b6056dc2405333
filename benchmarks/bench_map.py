"""Build and map throughput through Ray vs. the same engine in one process, measured in the same run.

    python benchmarks/bench_map.py --catalog ../shared/data/catalogs/bench_*.parquet --rows 5000

Input rows are drawn (seeded) from catalog strings with light noise and a realistic repeat rate, plus
any --queries file's texts. Build throughput is measured on --build-rows catalog rows (0 = skip build)
so the run fits a laptop; mapping runs on a full prebuilt index (--index, or built here), through the
streaming file job users run (`harmonize map --local` and the Ray job), start-up included.

``--variant NAME=local|ray[:section.key=value,...]`` (repeatable) compares configurations in one run, the
variants interleaved round by round (a shared machine drifts; only same-run ratios mean anything); the
first variant is the baseline of every ratio and of the code agreement. Default: ``local`` and ``ray``.

    python benchmarks/bench_map.py --catalog ... --index IDX --build-rows 0 --repeats 3 \
        --variant local-torch=local:model.backend=torch --variant local-onnx=local \
        --variant ray-split-torch=ray:model.backend=torch,ray.mode=split --variant ray-fused-onnx=ray

``--steady`` also separates start-up from the steady state: per variant the engine is loaded once (in this
process, or the Ray actor pool: timed as start-up, the first mapping as the warm one), then the same rows are
mapped ``--repeats`` more times through ``batch.driver.Mapper`` (no result cache), variants interleaved.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ray_app.index.build import build_index, local_embed_stream  # noqa: E402
from ray_app.catalog.load import load_catalog  # noqa: E402
from ray_app.config import load_config  # noqa: E402
from ray_app.embed import Embedder  # noqa: E402
from ray_app.batch.driver import run_local  # noqa: E402
from ray_app.batch.manifest import read_output  # noqa: E402

SNOMED_TYPES = {"Laboratory Procedure": "Lab", "Diagnostic Procedure": "Procedure",
                "Therapeutic or Preventive Procedure": "Procedure", "Disease or Syndrome": "Diagnosis",
                "Finding": "Diagnosis", "Sign or Symptom": "Diagnosis"}


def noisy(text: str, rng: np.random.Generator) -> str:
    t = text.lower()
    r = rng.random()
    if r < 0.3 and len(t) > 5:  # one typo
        i = int(rng.integers(1, len(t) - 1))
        t = t[:i] + t[i + 1:]
    elif r < 0.5:
        words = t.split()
        if len(words) > 2:
            words.pop(int(rng.integers(0, len(words))))
        t = " ".join(words)
    return t


def make_input(catalogs: list[str], rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    tables = load_catalog(catalogs)
    pool = []
    sn = tables["SNOMEDCT_US"]
    sn = sn[sn["STY"].isin(SNOMED_TYPES)]
    pool += list(zip(sn["STR"], sn["STY"].map(SNOMED_TYPES)))
    rx = tables["RXNORM"]
    pool += [(s, "Medicine") for s in rx["STR"]]
    distinct = max(1, rows // 4)  # real feeds repeat: ~4 rows per distinct entity, Zipf-like
    picks = rng.choice(len(pool), size=distinct, replace=False)
    base = [(noisy(pool[i][0], rng), pool[i][1]) for i in picks]
    weights = 1.0 / np.arange(1, distinct + 1) ** 0.8
    idx = rng.choice(distinct, size=rows, p=weights / weights.sum())
    return pd.DataFrame({"Input Entity Description": [base[i][0] for i in idx],
                         "Entity Type": [base[i][1] for i in idx]})


def parse_variant(spec: str) -> tuple[str, str, list[str]]:
    name, _, rest = spec.partition("=")
    path, _, sets = rest.partition(":")
    if path not in ("local", "ray"):
        raise SystemExit(f"--variant {spec!r}: expected NAME=local|ray[:section.key=value,...]")
    return name, path, [x for x in sets.split(",") if x]


def timed(fn, repeats: int):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def steady(index: str, df: pd.DataFrame, variants: list, args) -> dict:
    """Start-up (engine load / actor pool start, then the first mapping) and steady-state distinct/s."""
    from actors.pool import RayBackend
    from ray_app.batch.backend import LocalBackend
    from ray_app.batch.driver import Mapper
    from ray_app.engine import load_engine
    from ray_app.text.expand import load_expander

    texts, types = df["Input Entity Description"].tolist(), df["Entity Type"].tolist()
    runs: dict[str, dict] = {}
    for name, path, overrides in variants:
        vcfg = load_config(None, [*args.set, *overrides])
        t0 = time.perf_counter()
        if path == "local":
            engine = load_engine(index, vcfg)
            backend, expander = LocalBackend(engine.matcher, vcfg.ray.embed_batch_size), engine.expander
        else:  # as the file job: the actors load the engine while the driver loads the expander
            backend = RayBackend(index, vcfg, log=lambda m: None)
            backend.launch()
            expander = load_expander(index, vcfg.model.path)
            backend.start()
        load = time.perf_counter() - t0
        mapper = Mapper(backend, vcfg, expander)
        t0 = time.perf_counter()
        n = len(mapper.map(texts, types).prepared.queries)
        runs[name] = {"backend": backend, "mapper": mapper, "load_s": load, "first_s": time.perf_counter() - t0,
                      "times": [], "distinct": n}
    for _ in range(args.repeats):
        for name, r in runs.items():
            t0 = time.perf_counter()
            r["mapper"].map(texts, types)
            r["times"].append(time.perf_counter() - t0)
    base = variants[0][0]
    out = {}
    print(f"steady state: {runs[base]['distinct']:,} distinct queries per mapping, median of {args.repeats} "
          f"interleaved rounds after a first (warm-up) mapping")
    print(f"| variant | start-up s | first mapping s | steady s | distinct/s | × {base} |")
    print("|---|---|---|---|---|---|")
    for name, r in runs.items():
        t = statistics.median(r["times"])
        out[name] = {"startup_s": round(r["load_s"], 2), "first_s": round(r["first_s"], 2), "steady_s": round(t, 2),
                     "distinct_per_s": round(r["distinct"] / t, 1), "all_steady_s": [round(x, 2) for x in r["times"]],
                     "ratio": round(statistics.median(runs[base]["times"]) / t, 3)}
        print(f"| {name} | {r['load_s']:.1f} | {r['first_s']:.1f} | {t:.2f} | {out[name]['distinct_per_s']:.0f} | "
              f"{out[name]['ratio']:.2f}× |")
        r["backend"].close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--catalog", nargs="+", required=True)
    ap.add_argument("--index", help="prebuilt index of --catalog (built here if omitted)")
    ap.add_argument("--rows", type=int, default=5000)
    ap.add_argument("--build-rows", type=int, default=20000, help="catalog rows for the build comparison; 0 skips")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--variant", action="append", help="NAME=local|ray[:section.key=value,...] (repeatable)")
    ap.add_argument("--steady", action="store_true", help="also time start-up and the steady state apart")
    ap.add_argument("--json", help="write the figures here too")
    args = ap.parse_args()
    os.environ.setdefault("HARMONIZE_PROGRESS", "0")
    cfg = load_config(None, args.set)
    quiet = lambda m: None  # noqa: E731
    figures: dict = {"machine": {"cpus": os.cpu_count()}, "rows": args.rows, "repeats": args.repeats}
    work = Path(tempfile.mkdtemp(prefix="bench_map_"))
    emb = Embedder.from_config(cfg.model, catalog=True) if args.build_rows or not args.index else None  # the build's only

    from jobs.build_index import run as ray_build
    from jobs.map_file import run as ray_map
    from actors.runtime import init_ray

    init_ray(cfg)
    if args.build_rows:
        raw = pd.concat([pd.read_parquet(c) for c in args.catalog]).sample(
            n=None, frac=1.0, random_state=args.seed).head(args.build_rows)
        sub = work / "build_sample.parquet"
        raw.to_parquet(sub, index=False)
        n = len(raw)
        t_local, _ = timed(lambda: build_index([str(sub)], work / "b_local", cfg, local_embed_stream(emb),
                                               emb.dim, log=quiet), 1)
        t_ray, _ = timed(lambda: ray_build([str(sub)], str(work / "b_ray"), cfg, log=quiet), 1)
        figures["build"] = {"catalog_rows": n, "local_rows_per_s": round(n / t_local, 1),
                            "ray_rows_per_s": round(n / t_ray, 1), "ray_over_local": round(t_local / t_ray, 3)}
        print(f"build  {n:,} catalog rows: local {n / t_local:8.1f} rows/s | ray {n / t_ray:8.1f} rows/s "
              f"| ray/local {t_local / t_ray:.2f}x")

    index = args.index
    if not index:
        index = str(work / "full")
        build_index(args.catalog, index, cfg, local_embed_stream(emb), emb.dim, log=quiet)
    df = make_input(args.catalog, args.rows, args.seed)
    src = work / "input.csv"
    df.to_csv(src, index=False)
    # the path users run, end to end: `harmonize map --local` and `harmonize map` (the Ray job), start-up included
    variants = [parse_variant(v) for v in (args.variant or ["local=local", "ray=ray"])]
    times: dict[str, list[float]] = {name: [] for name, _, _ in variants}
    stats: dict[str, dict] = {}
    for _ in range(args.repeats):
        for name, path, overrides in variants:
            vcfg = load_config(None, [*args.set, *overrides])
            run = run_local if path == "local" else ray_map
            t0 = time.perf_counter()
            stats[name] = run(index, str(src), str(work / f"{name}.parquet"), vcfg, log=quiet)
            times[name].append(time.perf_counter() - t0)
    base = variants[0][0]
    ref = read_output(work / f"{base}.parquet")["Output Target Code"]
    figures["map"] = {"rows": len(df), "distinct": stats[base]["distinct_queries"], "variants": {}}
    print(f"map    {len(df):,} rows ({stats[base]['distinct_queries']:,} distinct), median of {args.repeats} "
          f"interleaved rounds, start-up included")
    print(f"| variant | path | overrides | wall s | rows/s | distinct/s | × {base} | codes identical |")
    print("|---|---|---|---|---|---|---|---|")
    for name, path, overrides in variants:
        t = statistics.median(times[name])
        same = float((read_output(work / f"{name}.parquet")["Output Target Code"] == ref).mean())
        v = {"path": path, "overrides": overrides, "seconds": round(t, 2), "rows_per_s": round(len(df) / t, 1),
             "distinct_per_s": round(stats[name]["distinct_queries"] / t, 1),
             "ratio": round(statistics.median(times[base]) / t, 3), "agreement": round(same, 4),
             "all_seconds": [round(x, 2) for x in times[name]]}
        figures["map"]["variants"][name] = v
        print(f"| {name} | {path} | {','.join(overrides) or '-'} | {t:.1f} | {v['rows_per_s']:.0f} | "
              f"{v['distinct_per_s']:.0f} | {v['ratio']:.2f}× | {same:.1%} |")
    if args.steady:
        figures["steady"] = steady(index, df, variants, args)
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
