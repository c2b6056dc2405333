"""Memory of 1 vs. N IndexReplica actors on one node: RSS, PSS and USS per replica after each has
loaded the bundle, touched every page of its memmapped vectors and matched a batch.

    python benchmarks/bench_replicas.py --index build/bench_local --replicas 1 4

The vectors (vectors.f32) are read-only memmaps: N replicas keep one copy in the page cache, so their
PSS splits it N ways while each RSS still counts it whole. The rest (FAISS graph, catalog tables,
Python) is per replica.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from procmem import mem  # noqa: E402

from ray_app.config import load_config  # noqa: E402

MiB = 1 << 20


def _touch_and_measure(self) -> dict:
    """Runs inside the actor: read every page of every memmap, then report this process's memory."""
    total = 0.0
    for si in self.matcher.bundle.systems.values():
        v = si.vectors
        for s in range(0, len(v), 65536):
            total += float(np.asarray(v[s:s + 65536]).sum())
    vec_bytes = sum(si.vectors.nbytes for si in self.matcher.bundle.systems.values())
    return {"pid": os.getpid(), "vectors_bytes": int(vec_bytes), **mem(os.getpid())}


def measure(ray, index: str, n: int, cfg) -> dict:
    from actors.pool import ReplicaActor

    cls = ray.remote(ReplicaActor).options(num_cpus=0.25)
    actors = [cls.remote(str(Path(index).resolve()), cfg.to_dict()) for _ in range(n)]
    ray.get([a.ready.remote() for a in actors])
    rng = np.random.default_rng(0)
    dim = 384
    vecs = rng.standard_normal((64, cfg.match.max_anchors, dim)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=2, keepdims=True)
    batch = {"qid": np.arange(64), "text": np.array(["chest pain"] * 64, dtype=object),
             "entity_type": np.array(["Diagnosis"] * 64, dtype=object),
             "system": np.array(["SNOMEDCT_US"] * 64, dtype=object),
             "anchors": np.array([["chest pain"]] * 64, dtype=object).reshape(64),
             "anchor_vecs": vecs, "n_anchors": np.ones(64, dtype=np.int32)}
    anchors = np.empty(64, dtype=object)
    anchors[:] = [["chest pain"] for _ in range(64)]
    batch["anchors"] = anchors
    ray.get([a.match.remote(batch) for a in actors])
    per = ray.get([a.__ray_call__.remote(_touch_and_measure) for a in actors])
    for a in actors:
        ray.kill(a)
    tot = {k: sum(p[k] for p in per) for k in ("rss", "pss", "uss")}
    return {"replicas": n, "vectors_mib": round(per[0]["vectors_bytes"] / MiB, 1),
            "per_replica_rss_mib": [round(p["rss"] / MiB, 1) for p in per],
            "per_replica_pss_mib": [round(p["pss"] / MiB, 1) for p in per],
            "per_replica_uss_mib": [round(p["uss"] / MiB, 1) for p in per],
            "total_rss_mib": round(tot["rss"] / MiB, 1), "total_pss_mib": round(tot["pss"] / MiB, 1),
            "total_uss_mib": round(tot["uss"] / MiB, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", default="build/bench_local")
    ap.add_argument("--replicas", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--json")
    ap.add_argument("--set", action="append", default=[])
    args = ap.parse_args()
    os.environ.setdefault("HARMONIZE_PROGRESS", "0")
    cfg = load_config(None, args.set)
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}})
    try:
        results = [measure(ray, args.index, n, cfg) for n in args.replicas]
    finally:
        ray.shutdown()
    for r in results:
        print(f"{r['replicas']} replica(s): total RSS {r['total_rss_mib']:8.1f} MiB | total PSS "
              f"{r['total_pss_mib']:8.1f} MiB | total USS {r['total_uss_mib']:8.1f} MiB | per replica RSS "
              f"{r['per_replica_rss_mib']} PSS {r['per_replica_pss_mib']} (vectors {r['vectors_mib']} MiB)")
    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
