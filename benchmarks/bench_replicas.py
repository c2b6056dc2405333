"""Memory of 1 vs. N IndexReplica actors on one node: RSS, PSS and USS per replica after each has
loaded the bundle, touched every page of its memmapped vectors and matched a batch.

    python benchmarks/bench_replicas.py --index build/bench_local --replicas 1 4 --mmap off on

The vectors (vectors.f32) are read-only memmaps: N replicas keep one copy in the page cache, so their
PSS splits it N ways while each RSS still counts it whole. With ``index.mmap`` (``--mmap on``) the FAISS
index is memory-mapped too (IO_FLAG_MMAP_IFC) and shared the same way; the rest (catalog tables,
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
        total += _touch_faiss(si.faiss_index)
    vec_bytes = sum(si.vectors.nbytes for si in self.matcher.bundle.systems.values())
    return {"pid": os.getpid(), "vectors_bytes": int(vec_bytes), **mem(os.getpid())}


def _touch_faiss(index) -> float:
    """Read every stored vector of a flat or HNSW,Flat FAISS index (mapped or not): all its pages resident."""
    import faiss

    storage = faiss.downcast_index(index.storage) if hasattr(index, "storage") else index
    if not hasattr(storage, "get_xb"):
        return 0.0
    xb = faiss.rev_swig_ptr(storage.get_xb(), storage.ntotal * storage.d)
    return float(sum(np.asarray(xb[s:s + (1 << 22)]).sum() for s in range(0, len(xb), 1 << 22)))


def measure(ray, index: str, n: int, cfg) -> dict:
    from actors.pool import ReplicaActor
    from ray_app.batch.prepare import prepare

    cls = ray.remote(ReplicaActor).options(num_cpus=0.25)
    actors = [cls.remote(str(Path(index).resolve()), cfg) for _ in range(n)]
    ray.get([a.ready.remote() for a in actors])
    texts = ["chest pain", "type 2 diabetes", "appendectomy", "hemoglobin a1c", "metformin 500 mg tablet"] * 8
    types = ["Diagnosis", "Diagnosis", "Procedure", "Lab", "Medicine"] * 8
    queries = prepare([f"{t} {i}" for i, t in enumerate(texts)], types, cfg).queries
    rng = np.random.default_rng(0)
    vecs = []
    for q in queries:  # random unit vectors stand in for the embedder's: memory, not accuracy, is measured
        v = rng.standard_normal((len(q.anchors), 384)).astype(np.float32)
        vecs.append(v / np.linalg.norm(v, axis=1, keepdims=True))
    ray.get([a.match.remote((queries, vecs)) for a in actors])
    per = ray.get([a.__ray_call__.remote(_touch_and_measure) for a in actors])
    for a in actors:
        ray.kill(a)
    tot = {k: sum(p[k] for p in per) for k in ("rss", "pss", "uss")}
    return {"replicas": n, "mmap": cfg.index.mmap, "vectors_mib": round(per[0]["vectors_bytes"] / MiB, 1),
            "per_replica_rss_mib": [round(p["rss"] / MiB, 1) for p in per],
            "per_replica_pss_mib": [round(p["pss"] / MiB, 1) for p in per],
            "per_replica_uss_mib": [round(p["uss"] / MiB, 1) for p in per],
            "total_rss_mib": round(tot["rss"] / MiB, 1), "total_pss_mib": round(tot["pss"] / MiB, 1),
            "total_uss_mib": round(tot["uss"] / MiB, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", default="build/bench_local")
    ap.add_argument("--replicas", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--mmap", nargs="+", default=["off", "on"], choices=["off", "on"])
    ap.add_argument("--json")
    ap.add_argument("--set", action="append", default=[])
    args = ap.parse_args()
    os.environ.setdefault("HARMONIZE_PROGRESS", "0")
    cfg = load_config(None, args.set)
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}})
    try:
        results = []
        for mmap in args.mmap:  # FAISS read into each replica vs memory-mapped (index.mmap), same run
            cfg.index.mmap = mmap == "on"
            results += [measure(ray, args.index, n, cfg) for n in args.replicas]
    finally:
        ray.shutdown()
    for r in results:
        print(f"FAISS mmap {'on ' if r['mmap'] else 'off'} {r['replicas']} replica(s): total RSS {r['total_rss_mib']:8.1f} MiB | total PSS "
              f"{r['total_pss_mib']:8.1f} MiB | total USS {r['total_uss_mib']:8.1f} MiB | per replica RSS "
              f"{r['per_replica_rss_mib']} PSS {r['per_replica_pss_mib']} (vectors {r['vectors_mib']} MiB)")
    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
