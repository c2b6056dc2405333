"""Million-row benchmark of the streaming Ray job on this machine, with the in-process engine on a sample.

    python benchmarks/bench_scale.py --index build/bench_local --rows 1000000

1. Generates ``--rows`` input rows (seeded) as a parquet file: ``--distinct`` entities drawn from the
   bench catalog's strings with noise (typos, dropped words), repeated with a Zipf-like distribution as
   real feeds are; on top, per row, case/whitespace variants (same entity after normalization) and a
   small rate of fresh typos (new distinct queries) — so distinct queries grow with the file.
2. Maps it through ``jobs.map_file`` (streaming blocks, dedupe across blocks, actor pools on a local
   Ray) into a directory of parquet parts, sampling the RSS/PSS of the driver and every Ray process.
3. Maps the first ``--sample`` rows with the in-process engine (same streaming code, LocalBackend).

Prints rows/s, distinct queries/s, dedup ratio (rows per distinct query), peak RSS, and the ratios.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_map import SNOMED_TYPES, noisy  # noqa: E402
from procmem import TreeSampler  # noqa: E402

from ray_app.catalog.load import load_catalog  # noqa: E402
from ray_app.config import load_config  # noqa: E402

MiB = 1 << 20


def generate(catalogs: list[str], rows: int, distinct: int, seed: int, path: Path, typo_rate: float,
             chunk: int = 200_000) -> dict:
    rng = np.random.default_rng(seed)
    tables = load_catalog(catalogs)
    sn = tables["SNOMEDCT_US"]
    sn = sn[sn["STY"].isin(SNOMED_TYPES)]
    pool = list(zip(sn["STR"], sn["STY"].map(SNOMED_TYPES))) + [(s, "Medicine") for s in tables["RXNORM"]["STR"]]
    picks = rng.choice(len(pool), size=min(distinct, len(pool)), replace=False)
    base = [(noisy(pool[i][0], rng), pool[i][1]) for i in picks]
    weights = 1.0 / np.arange(1, len(base) + 1) ** 1.0  # Zipf: a few entities dominate a feed
    weights /= weights.sum()
    type_variants = {"Diagnosis": ["Diagnosis", "diagnosis", "DX"], "Procedure": ["Procedure", "procedure"],
                     "Lab": ["Lab", "Lab Test"], "Medicine": ["Medicine", "Medication", "DRUG"]}
    writer = None
    for start in range(0, rows, chunk):
        n = min(chunk, rows - start)
        idx = rng.choice(len(base), size=n, p=weights)
        r = rng.random(n)
        texts, types = [], []
        for i, j, x in zip(range(n), idx, r):
            t, y = base[j]
            if x < typo_rate and len(t) > 4:  # a fresh typo: a new distinct query
                k = int(rng.integers(1, len(t) - 1))
                t = t[:k] + t[k + 1:]
            elif x < 0.10:
                t = t.upper()
            elif x < 0.15:
                t = f"  {t} "
            texts.append(t)
            tv = type_variants[y]
            types.append(tv[(start + i) % len(tv)])
        table = pa.table({"Input Entity Description": texts, "Entity Type": types,
                          "Row ID": pa.array(np.arange(start, start + n), pa.int64())})
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table, row_group_size=50_000)
    writer.close()
    return {"rows": rows, "entity_pool": len(base), "typo_rate": typo_rate, "bytes": path.stat().st_size}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--catalog", nargs="+", default=sorted(glob.glob(str(ROOT.parent / "shared/data/catalogs/bench_*.parquet"))))
    ap.add_argument("--index", default=str(ROOT / "build" / "bench_local"))
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--distinct", type=int, default=10_000, help="entity pool before per-row typos")
    ap.add_argument("--typo-rate", type=float, default=0.005, help="rows that get a fresh typo (new distinct)")
    ap.add_argument("--sample", type=int, default=20_000, help="rows mapped by the in-process engine")
    ap.add_argument("--block-rows", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--work", help="directory for input/output (default: a temp dir)")
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--json")
    args = ap.parse_args()
    os.environ.setdefault("HARMONIZE_PROGRESS", "0")
    work = Path(args.work or tempfile.mkdtemp(prefix="bench_scale_"))
    work.mkdir(parents=True, exist_ok=True)
    cfg = load_config(None, [f"ray.block_rows={args.block_rows}", "ray.progress_seconds=30", *args.set])
    figures: dict = {"machine": {"cpus": os.cpu_count(), "load_avg_at_start": os.getloadavg()},
                     "config": {"block_rows": cfg.ray.block_rows, "embed_actors": cfg.ray.embed_actors,
                                "index_replicas": cfg.ray.index_replicas, "embed_batch_size": cfg.ray.embed_batch_size}}

    src = work / f"input_{args.rows}.parquet"
    t0 = time.perf_counter()
    figures["input"] = generate(args.catalog, args.rows, args.distinct, args.seed, src, args.typo_rate)
    figures["input"]["generate_seconds"] = round(time.perf_counter() - t0, 1)
    in_mem = pd.read_parquet(src).memory_usage(deep=True).sum()
    figures["input"]["as_pandas_mib"] = round(in_mem / MiB, 1)
    print(f"input  {args.rows:,} rows, {figures['input']['bytes'] / MiB:.1f} MiB parquet "
          f"({in_mem / MiB:.0f} MiB as a pandas frame), generated in {figures['input']['generate_seconds']}s", flush=True)

    from actors.runtime import init_ray
    from jobs.map_file import run as ray_run

    init_ray(cfg)
    out = work / "mapped"
    with TreeSampler() as mem:
        t0 = time.perf_counter()
        st = ray_run(args.index, str(src), str(out), cfg, log=lambda m: print(m, flush=True))
        t_ray = time.perf_counter() - t0
    figures["ray"] = {"rows": st["rows"], "distinct_queries": st["distinct_queries"], "dedup_ratio": st["dedup_ratio"],
                      "blocks": st["blocks"], "seconds": round(t_ray, 1), "rows_per_s": round(st["rows"] / t_ray, 1),
                      "distinct_per_s": round(st["distinct_queries"] / t_ray, 1),
                      "peak_driver_rss_mib": round(mem.peak["driver_rss"] / MiB, 1),
                      "peak_ray_processes_rss_mib": round(mem.peak["workers_rss"] / MiB, 1),
                      "peak_total_rss_mib": round(mem.peak["tree_rss"] / MiB, 1),
                      "peak_total_pss_mib": round(mem.peak["tree_pss"] / MiB, 1),
                      "mapped": st["mapped"], "flags": st["flags"]}
    r = figures["ray"]
    print(f"ray    {r['rows']:,} rows, {r['distinct_queries']:,} distinct (dedup {r['dedup_ratio']}x) in {r['seconds']}s: "
          f"{r['rows_per_s']:,.0f} rows/s, {r['distinct_per_s']:,.0f} distinct/s; peak RSS driver "
          f"{r['peak_driver_rss_mib']:,.0f} MiB, all Ray processes {r['peak_ray_processes_rss_mib']:,.0f} MiB, "
          f"total {r['peak_total_rss_mib']:,.0f} MiB (PSS {r['peak_total_pss_mib']:,.0f} MiB)", flush=True)
    import ray

    ray.shutdown()

    if args.sample:
        from ray_app.batch.backend import LocalBackend
        from ray_app.batch.driver import map_stream
        from ray_app.engine import load_engine

        sample = work / "sample.parquet"
        pq.write_table(pq.read_table(src).slice(0, args.sample), sample)
        engine = load_engine(args.index, cfg)
        t0 = time.perf_counter()
        ls = map_stream(str(sample), str(work / "sample_local"), LocalBackend(engine.matcher, cfg.ray.embed_batch_size),
                        cfg, expander=engine.expander, index_meta=engine.bundle.meta, log=lambda m: None)
        t_local = time.perf_counter() - t0
        figures["local_sample"] = {"rows": ls["rows"], "distinct_queries": ls["distinct_queries"],
                                   "dedup_ratio": ls["dedup_ratio"], "seconds": round(t_local, 1),
                                   "rows_per_s": round(ls["rows"] / t_local, 1),
                                   "distinct_per_s": round(ls["distinct_queries"] / t_local, 1)}
        l = figures["local_sample"]
        figures["ray_over_local"] = {"rows_per_s": round(r["rows_per_s"] / l["rows_per_s"], 2),
                                     "distinct_per_s": round(r["distinct_per_s"] / l["distinct_per_s"], 2)}
        # the sample's first rows must map identically in both (same chunks, same engine)
        a = pd.read_parquet(work / "mapped", columns=["Output Target Code"]).head(args.sample)
        b = pd.read_parquet(work / "sample_local", columns=["Output Target Code"])
        figures["codes_identical_on_sample"] = round(float((a["Output Target Code"].to_numpy() ==
                                                            b["Output Target Code"].to_numpy()).mean()), 4)
        print(f"local  {l['rows']:,}-row sample, {l['distinct_queries']:,} distinct (dedup {l['dedup_ratio']}x) in "
              f"{l['seconds']}s: {l['rows_per_s']:,.0f} rows/s, {l['distinct_per_s']:,.0f} distinct/s | ray/local "
              f"rows/s {figures['ray_over_local']['rows_per_s']}x, distinct/s {figures['ray_over_local']['distinct_per_s']}x"
              f" | codes identical on the sample {figures['codes_identical_on_sample']:.1%}", flush=True)
    figures["machine"]["load_avg_at_end"] = os.getloadavg()
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
