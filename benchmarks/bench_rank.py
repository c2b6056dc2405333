"""Time (and dump) the ranking of distinct queries: ``Matcher.match_batch`` with the vectors given, so the
encoder is timed apart; the dump lets two versions of the engine be compared for identical output.

    PYTHONPATH=TREE python benchmarks/bench_rank.py --index IDX --input a.csv b.xlsx --out TREE.jsonl --rounds 3
    cmp base.jsonl new.jsonl   # every distinct query's full result: codes, scores, signals, confidence, flags

Inputs: files with the ``Input Entity Description`` and ``Entity Type`` columns (csv or xlsx), prepared as the
batch path does (``batch.prepare.prepare``), in chunks of 256; ``--rows N`` adds bench_map's N generated rows.
FAISS and the encoder run on one thread, so two runs compare the engine, not the scheduler.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
# appended, not prepended: PYTHONPATH=TREE picks the engine under test (e.g. a `git archive` of the base)
sys.path.append(str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True)
    ap.add_argument("--input", nargs="+", default=[])
    ap.add_argument("--rows", type=int, default=0, help="also bench_map's generated rows (needs --catalog)")
    ap.add_argument("--catalog", nargs="*", default=[])
    ap.add_argument("--out", help="JSONL dump of every distinct query's result")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--profile", help="cProfile of the last round")
    ap.add_argument("--set", action="append", default=[])
    args = ap.parse_args()

    import faiss
    import pandas as pd

    from ray_app.batch.prepare import prepare
    from ray_app.config import load_config
    from ray_app.embed import encode_anchors
    from ray_app.engine import load_engine
    from ray_app.result import to_dict

    faiss.omp_set_num_threads(1)
    cols = ["Input Entity Description", "Entity Type"]
    frames = [(pd.read_excel(f) if f.endswith(".xlsx") else pd.read_csv(f))[cols] for f in args.input]
    if args.rows:
        from bench_map import make_input

        frames.append(make_input(args.catalog, args.rows, 7)[cols])
    df = pd.concat(frames, ignore_index=True)
    cfg = load_config(None, ["match.top_k=10", "model.threads=1", *args.set])
    engine = load_engine(args.index, cfg)
    queries = prepare(df[cols[0]].tolist(), df[cols[1]].tolist(), cfg, engine.expander).queries
    chunks = [queries[s:s + 256] for s in range(0, len(queries), 256)]
    t0 = time.perf_counter()
    vectors = [encode_anchors(engine.matcher.embedder, [q.anchors for q in c], engine.bundle.dim) for c in chunks]
    encode_s = time.perf_counter() - t0
    matcher, times, results = engine.matcher, [], []
    for c, v in zip(chunks, vectors):  # warm-up: the tables an index builds on first use
        matcher.match_batch(c[:8], v[:8])
    for r in range(args.rounds):
        prof = None
        if args.profile and r == args.rounds - 1:
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
        t0, c0 = time.perf_counter(), time.process_time()
        results = [x for c, v in zip(chunks, vectors) for x in matcher.match_batch(c, v)]
        times.append([round(time.perf_counter() - t0, 2), round(time.process_time() - c0, 2)])
        if prof is not None:
            prof.disable()
            prof.dump_stats(args.profile)
    import ray_app

    print(json.dumps({"engine": str(Path(ray_app.__file__).parent), "queries": len(queries), "encode_s": round(encode_s, 2), "rank_wall_cpu_s": times,
                      "load_average": os.getloadavg()[0]}))
    if args.out:
        with open(args.out, "w") as f:
            for q, res in zip(queries, results):
                f.write(json.dumps({"key": q.key, "r": to_dict(res)}, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
