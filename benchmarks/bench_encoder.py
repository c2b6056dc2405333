"""Encoder backends (model.backend / model.quantize) compared in one run: speed and accuracy on the dev sets.

    python benchmarks/bench_encoder.py --index /work/acc/bench_index \
        --dev realistic=../shared/data/eval/realistic_dev_gold.csv --dev cadec=../shared/data/eval/cadec_gold.csv \
        --variants torch onnx onnx-int8 --json build/bench_encoder.json

Per variant (``torch`` = sentence-transformers, ``onnx`` = ONNX Runtime fp32, ``onnx-int8`` = dynamic int8):
- encoder speed: the dev sets' distinct anchors (short real queries) encoded in batches of ``--batch``, the
  variants interleaved round by round (the machine is shared: only same-run ratios mean anything);
- accuracy: ``harmonize eval``'s metrics (acc@1/acc@10 per dev set) and the share of rows whose top code is
  the torch encoder's.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ray_app.batch.backend import LocalBackend  # noqa: E402
from ray_app.batch.driver import Mapper  # noqa: E402
from ray_app.batch.prepare import prepare  # noqa: E402
from ray_app.config import load_config  # noqa: E402
from ray_app.embed import Embedder  # noqa: E402
from ray_app.engine import load_bundle  # noqa: E402
from ray_app.evaluate.gold import read_gold  # noqa: E402
from ray_app.evaluate.harness import engine_ranker, evaluate  # noqa: E402
from ray_app.match.matcher import Matcher  # noqa: E402
from ray_app.text.expand import load_expander  # noqa: E402

VARIANTS = {"torch": ("torch", "none"), "onnx": ("onnx", "none"), "onnx-int8": ("onnx", "int8")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True)
    ap.add_argument("--dev", action="append", required=True, help="NAME=GOLD.csv (repeatable)")
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch", type=int, default=256, help="anchors per encode call (ray.embed_batch_size)")
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--json")
    args = ap.parse_args()
    cfg = load_config(None, args.set)
    bundle = load_bundle(args.index, cfg)
    expander = load_expander(args.index, cfg.model.path)
    golds = {name: read_gold(path) for name, path in (d.split("=", 1) for d in args.dev)}
    embedders = {}
    for v in args.variants:
        mc = load_config(None, args.set).model
        mc.backend, mc.quantize = VARIANTS[v]
        t0 = time.perf_counter()
        embedders[v] = Embedder.from_config(mc)
        print(f"[encoder] {v}: loaded in {time.perf_counter() - t0:.1f}s")
    anchors = list(dict.fromkeys(a for g in golds.values() for q in prepare(
        g["text"].tolist(), g["entity_type"].tolist(), cfg, expander).queries for a in q.anchors))
    times: dict[str, list[float]] = {v: [] for v in args.variants}
    for _ in range(args.rounds):
        for v, emb in embedders.items():
            t0 = time.perf_counter()
            for s in range(0, len(anchors), args.batch):
                emb.encode(anchors[s:s + args.batch])
            times[v].append(time.perf_counter() - t0)
    out: dict = {"index": args.index, "anchors": len(anchors), "rounds": args.rounds, "cpus": os.cpu_count(),
                 "variants": {}}
    base = args.variants[0]
    tops: dict[str, dict[str, list]] = {}
    for v, emb in embedders.items():
        med = statistics.median(times[v])
        row = {"anchors_per_s": round(len(anchors) / med, 1),
               "speedup": round(statistics.median(times[base]) / med, 2), "dev": {}}
        for name, gold in golds.items():
            mapper = Mapper(LocalBackend(Matcher(bundle, cfg, emb), cfg.ray.embed_batch_size), cfg, expander)
            res = evaluate(gold, {"full": engine_ranker(mapper)}, bundle, log=None)
            a = res.metrics["rankers"]["full"]["all"]
            top = [r["codes"][0] if r["codes"] else "" for r in res.ranked["full"]]
            tops.setdefault(name, {})[v] = top
            same = sum(x == y for x, y in zip(top, tops[name][base])) / len(top)
            row["dev"][name] = {"rows": len(top), "acc@1": a["acc@1"], "acc@10": a["acc@10"],
                                "top1_same_as_" + base: round(same, 4)}
        out["variants"][v] = row
    print(f"{len(anchors):,} distinct anchors, median of {args.rounds} interleaved rounds, batch {args.batch}")
    names = list(golds)
    print("| encoder | anchors/s | × " + base + " | " + " | ".join(f"{n} acc@1 / acc@10 / top-1 same" for n in names) + " |")
    print("|---" * (3 + len(names)) + "|")
    for v, r in out["variants"].items():
        cells = [f"{r['dev'][n]['acc@1']:.3f} / {r['dev'][n]['acc@10']:.3f} / {r['dev'][n]['top1_same_as_' + base]:.1%}"
                 for n in names]
        print(f"| {v} | {r['anchors_per_s']:.0f} | {r['speedup']:.2f}× | " + " | ".join(cells) + " |")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
