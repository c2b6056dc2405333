"""Incremental rebuild (``harmonize build --base``) against a full build after a 1% catalog change, in one run.

From the bench catalog (read-only) it writes, in a temp directory only, a release v1 (a deterministic subset
of ``--rows`` rows, whole codes, or the full catalog with ``--rows 0``) and a v2 that changes ``--change``
of v1's rows: a third of the changed rows belong to codes that are retired, a third get a new wording
(display names included), a third are new codes with new strings. It builds v1 once (the base), then
alternates ``--runs`` full builds of v2 and incremental builds of v2 on the base, and reports the medians,
their ratio, the strings each embedded (from the build's own stats) and how often both indexes give the same
best code on sampled catalog strings. Same process, same loaded model for both (model load not timed).

    python benchmarks/bench_incremental.py --rows 20000 --runs 3
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

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ray_app.config import load_config  # noqa: E402
from ray_app.embed import Embedder  # noqa: E402
from ray_app.index.build import build_index, local_embed_stream  # noqa: E402

BENCH = sorted(str(p) for p in (REPO.parent / "shared" / "data" / "catalogs").glob("bench_*.parquet"))
TYPE_OF = {"RXNORM": "Medicine", "SNOMEDCT_US": "Diagnosis"}


def subset(df: pd.DataFrame, rows: int, seed: int) -> pd.DataFrame:
    """Whole codes in a seeded order until ``rows`` rows (0 = everything)."""
    if not rows or rows >= len(df):
        return df
    codes = df[["System", "CODE"]].drop_duplicates().sample(frac=1.0, random_state=seed)
    sizes = df.groupby(["System", "CODE"]).size().reindex(pd.MultiIndex.from_frame(codes)).to_numpy()
    keep = codes.iloc[: int(np.searchsorted(np.cumsum(sizes), rows)) + 1]
    return df.merge(keep, on=["System", "CODE"])


def next_release(v1: pd.DataFrame, change: float, seed: int) -> tuple[pd.DataFrame, dict]:
    rng = np.random.default_rng(seed)
    n = max(3, int(round(len(v1) * change)))
    codes = v1[["System", "CODE"]].drop_duplicates()
    order = codes.sample(frac=1.0, random_state=seed)
    sizes = v1.groupby(["System", "CODE"]).size()
    retired, total = [], 0
    for key in order.itertuples(index=False):  # whole codes until a third of the changed rows
        if total >= n // 3:
            break
        retired.append(tuple(key))
        total += int(sizes[tuple(key)])
    gone = pd.MultiIndex.from_tuples(retired, names=["System", "CODE"])
    v2 = v1[~pd.MultiIndex.from_frame(v1[["System", "CODE"]]).isin(gone)].copy()
    reword = rng.choice(len(v2), size=n // 3, replace=False)
    v2.iloc[reword, v2.columns.get_loc("STR")] = [f"{s} variant {i}" for i, s in enumerate(v2["STR"].iloc[reword])]
    src = v2.iloc[rng.choice(len(v2), size=n - total - n // 3, replace=False)].copy()
    src["CODE"] = [f"9{i:08d}" if s == "SNOMEDCT_US" else f"9{i:07d}" for i, s in enumerate(src["System"])]
    src["STR"] = [f"{s} new concept {i}" for i, s in enumerate(src["STR"])]
    v2 = pd.concat([v2, src], ignore_index=True)
    return v2, {"rows_changed": int(total + len(reword) + len(src)), "codes_retired": len(retired),
                "rows_retired": int(total), "rows_reworded": int(len(reword)), "codes_added": int(len(src))}


def write(df: pd.DataFrame, d: Path) -> list[str]:
    d.mkdir(parents=True, exist_ok=True)
    paths = []
    for system, part in df.groupby("System"):
        p = d / f"catalog_{system.lower()}.parquet"
        part.to_parquet(p, index=False)
        paths.append(str(p))
    return paths


def timed(fn) -> tuple[float, dict]:
    t0 = time.perf_counter()
    meta = fn()
    return time.perf_counter() - t0, meta


def agreement(full_dir: Path, inc_dir: Path, v2: pd.DataFrame, embedder, cfg, n: int, seed: int) -> dict:
    from ray_app.engine import Engine, load_bundle
    from ray_app.match.matcher import Matcher
    from ray_app.online.shape import map_pairs
    from ray_app.text.expand import load_expander

    sample = v2.sample(n=min(n, len(v2)), random_state=seed)
    pairs = [(s.lower(), TYPE_OF[sys_]) for s, sys_ in zip(sample["STR"], sample["System"])]
    out = []
    for d in (full_dir, inc_dir):
        engine = Engine(Matcher(load_bundle(str(d), cfg, embedder.fingerprint), cfg, embedder),
                        load_expander(d, cfg.model.path))
        out.append([r["code"] for r in map_pairs(engine, pairs, cfg, top_k=1)])
    same = sum(a == b for a, b in zip(*out))
    return {"queries": len(pairs), "same_best_code": same}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=20_000, help="rows of the bench catalog to use (0 = all)")
    ap.add_argument("--change", type=float, default=0.01, help="share of rows changed in v2 (default 1%%)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--queries", type=int, default=300, help="sampled catalog strings for the agreement check")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args(argv)

    cfg = load_config(None, args.set)
    embedder = Embedder.from_config(cfg.model)
    quiet = lambda m: None  # noqa: E731
    catalog = pd.concat([pd.read_parquet(p) for p in BENCH], ignore_index=True)
    v1 = subset(catalog, args.rows, args.seed)
    v2, change = next_release(v1, args.change, args.seed)
    with tempfile.TemporaryDirectory(prefix="bench_incremental.") as tmp:
        tmp = Path(tmp)
        c1, c2 = write(v1, tmp / "v1"), write(v2, tmp / "v2")
        stream = local_embed_stream(embedder)
        t_base, _ = timed(lambda: build_index(c1, tmp / "root", cfg, stream, embedder.dim, log=quiet, versioned=True))
        base = tmp / "root" / os.readlink(tmp / "root" / "current")
        full_s, inc_s = [], []
        for i in range(args.runs):  # alternated, so load from the other sessions on the cores hits both alike
            s, full_meta = timed(lambda: build_index(c2, tmp / f"full{i}", cfg, stream, embedder.dim, log=quiet))
            full_s.append(s)
            s, inc_meta = timed(lambda: build_index(c2, tmp / f"inc{i}", cfg, stream, embedder.dim, log=quiet,
                                                    base=base))
            inc_s.append(s)
            print(f"run {i + 1}: full {full_s[-1]:.1f}s (embedded {full_meta['build']['embedded']:,}), "
                  f"incremental {inc_s[-1]:.1f}s (embedded {inc_meta['build']['embedded']:,}, reused "
                  f"{inc_meta['build']['reused']:,})", flush=True)
        inc_dir = tmp / f"inc{args.runs - 1}" / os.readlink(tmp / f"inc{args.runs - 1}" / "current")
        agree = agreement(tmp / f"full{args.runs - 1}", inc_dir, v2, embedder, cfg, args.queries, args.seed)
    out = {
        "catalog_rows": {"v1": len(v1), "v2": len(v2)}, "subset": bool(args.rows), "change": change,
        "index_type": cfg.index.type, "cpus": os.cpu_count(), "runs": args.runs, "base_build_s": round(t_base, 1),
        "full_s": [round(x, 1) for x in full_s], "incremental_s": [round(x, 1) for x in inc_s],
        "full_median_s": round(statistics.median(full_s), 1), "incremental_median_s": round(statistics.median(inc_s), 1),
        "ratio_incremental_over_full": round(statistics.median(inc_s) / statistics.median(full_s), 3),
        "distinct_texts": inc_meta["build"]["distinct_texts"], "embedded_full": full_meta["build"]["embedded"],
        "embedded_incremental": inc_meta["build"]["embedded"], "embed_s_full": full_meta["build"]["embed_seconds"],
        "embed_s_incremental": inc_meta["build"]["embed_seconds"], "diff": inc_meta["build"]["diff"],
        "agreement": agree,
    }
    print(json.dumps(out, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
