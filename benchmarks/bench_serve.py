"""Latency and throughput of ``POST /v1/map`` (LLM off) through the real Serve app on local Ray, at
concurrency 1 and 8, and of the same queries through the in-process engine in the same run.

    python benchmarks/bench_serve.py --index build/demo_index --requests 300 --json build/bench_serve.json

The queries cycle through the page's examples (ray_app/online/site/examples.json). Serve overhead is reported as
the ratio of median latencies (Serve at concurrency 1 / in-process).

``--variant NAME=section.key=value,...`` (repeatable) deploys each configuration in turn in the same run
(e.g. the split torch app as the baseline, the fused ONNX app with and without the answer cache). Per
variant: "first ask" = every distinct query once at concurrency 1 right after /v1/health reported ready
(the cache is empty), then ``--requests`` cycled requests per concurrency level (after the first ask these
are answer-cache hits: the warm figures).

``--cold CSV`` (e.g. ../shared/data/eval/realistic_dev_gold.csv) adds cold figures: the file's distinct
(text, type) pairs that are not page examples, split between the concurrency levels, each asked once (no
cache hit), and the first part of them through the in-process engine.

    python benchmarks/bench_serve.py --index /work/acc/demo_index --requests 200 \
        --variant split-torch=serve.mode=split,model.backend=torch,serve.cache_size=0 \
        --variant fused-nocache=serve.cache_size=0 --variant fused=
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def queries() -> list[tuple[str, str]]:
    ex = json.loads((REPO / "ray_app" / "online" / "site" / "examples.json").read_text())
    return list(dict.fromkeys([(t, e) for t, e, *_ in ex["hackathon"]] + [(t, e) for t, e in ex["demo"]]))


def cold_queries(path: str | None) -> list[tuple[str, str]]:
    """Distinct (text, type) pairs of a gold/input csv (first two columns): each asked once, never a cache hit."""
    if not path:
        return []
    import pandas as pd

    df = pd.read_csv(path)
    pairs = {(t.strip().lower(), e): (t, e) for t, e in zip(df.iloc[:, 0].astype(str), df.iloc[:, 1].astype(str))}
    return list(pairs.values())


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s)) - 1))]


def summary(lat_ms: list[float], wall_s: float, **extra) -> dict:
    return {"n": len(lat_ms), "p50_ms": round(statistics.median(lat_ms), 1), "p95_ms": round(pct(lat_ms, 95), 1),
            "p99_ms": round(pct(lat_ms, 99), 1), "req_per_s": round(len(lat_ms) / wall_s, 1), **extra}


def bench_http(base: str, qs: list[tuple[str, str]], n: int, concurrency: int, label: str = "cycled") -> dict:
    import requests

    local = threading.local()
    lat, server, errors = [], [], []
    lock = threading.Lock()

    def one(i: int) -> None:
        s = getattr(local, "s", None) or requests.Session()
        local.s = s
        text, etype = qs[i % len(qs)]
        t0 = time.perf_counter()
        r = s.post(f"{base}/v1/map", json={"text": text, "entity_type": etype, "top_k": 5}, timeout=60)
        ms = (time.perf_counter() - t0) * 1e3
        with lock:
            if r.status_code == 200:
                lat.append(ms)
                server.append(r.json()["timings_ms"]["total"])
            else:
                errors.append(r.status_code)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(n)))
    wall = time.perf_counter() - t0
    return summary(lat, wall, concurrency=concurrency, errors=len(errors), label=label,
                   server_p50_ms=round(statistics.median(server), 1))


def bench_inprocess(index: str, config, qs: list[tuple[str, str]], n: int, cold: list[tuple[str, str]]) -> list[dict]:
    from ray_app.engine import load_engine
    from ray_app.online.shape import map_pairs, online_config

    cfg = online_config(config)
    if not cfg.model.threads:  # the same torch threads as the Serve app's Embedder deployment
        cfg.model.threads = max(1, int(cfg.serve.embedder_cpus))
    matcher = load_engine(index, cfg)
    for pair in qs:  # warm: expander, drug catalog, exact-match tables
        map_pairs(matcher, [pair], config, top_k=5)
    out = []
    for label, items in (("cold", cold), ("cycled", [qs[i % len(qs)] for i in range(n)])):
        if not items:
            continue
        lat = []
        t0 = time.perf_counter()
        for pair in items:
            t = time.perf_counter()
            map_pairs(matcher, [pair], config, top_k=5)
            lat.append((time.perf_counter() - t) * 1e3)
        out.append(summary(lat, time.perf_counter() - t0, concurrency=1, label=label))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", default=os.environ.get("HARMONIZE_DEMO_INDEX", "build/demo_index"))
    ap.add_argument("--requests", type=int, default=300, help="requests per concurrency level")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--cold", help="csv of real inputs (text, type columns first): its distinct pairs are split "
                    "between the concurrency levels and each asked once (cold: no cache hit)")
    ap.add_argument("--config")
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--variant", action="append", help="NAME=section.key=value,... (repeatable; default: the config)")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args(argv)

    import ray
    import requests
    from ray import serve

    from actors.serve_app import harmonize_app
    from ray_app.config import load_config

    qs = queries()
    cold = [p for p in cold_queries(args.cold) if p not in set(qs)]
    per_level = len(cold) // max(1, len(args.concurrency))
    variants = [(v.partition("=")[0], [x for x in v.partition("=")[2].split(",") if x]) for v in args.variant or ["default="]]
    out = {"index": args.index, "queries": len(qs), "cpus": os.cpu_count(), "variants": {}}
    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}})
    try:
        for name, sets in variants:
            cfg = load_config(args.config, [*args.set, *sets])
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                cfg.serve.port = s.getsockname()[1]
            t0 = time.perf_counter()
            serve.start(http_options={"host": "127.0.0.1", "port": cfg.serve.port})
            serve.run(harmonize_app(args.index, cfg), name="bench", route_prefix="/")
            base = f"http://127.0.0.1:{cfg.serve.port}"
            while not requests.get(f"{base}/v1/health", timeout=120).json().get("ready"):  # its warm-up
                time.sleep(0.5)
            v = {"overrides": sets, "startup_s": round(time.perf_counter() - t0, 1),
                 "first_ask": bench_http(base, qs, len(qs), 1)}
            v["cold"] = [bench_http(base, cold[i * per_level:(i + 1) * per_level], per_level, c, "cold")
                         for i, c in enumerate(args.concurrency)] if per_level else []
            v["serve"] = [bench_http(base, qs, args.requests, c) for c in args.concurrency]
            out["variants"][name] = v
            serve.shutdown()
    finally:
        serve.shutdown()
        ray.shutdown()
    cfg = load_config(args.config, [*args.set, *variants[0][1]])
    out["inprocess"] = bench_inprocess(args.index, cfg, qs, args.requests, cold[:per_level])
    out["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]  # other work on the machine skews both

    print(f"index {args.index}, {len(qs)} distinct queries cycled, {args.requests} requests per level, "
          f"{os.cpu_count()} CPUs; in-process baseline with variant {variants[0][0]}'s config")
    print("| variant | requests | concurrency | p50 ms | p95 ms | p99 ms | req/s | server-side p50 ms | errors |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, v in out["variants"].items():
        for label, r in [("first ask", v["first_ask"])] + [(r["label"], r) for r in v["cold"] + v["serve"]]:
            print(f"| {name} (up in {v['startup_s']} s) | {label} | {r['concurrency']} | {r['p50_ms']} | {r['p95_ms']} | "
                  f"{r['p99_ms']} | {r['req_per_s']} | {r['server_p50_ms']} | {r['errors']} |")
    for r in out["inprocess"]:
        print(f"| in-process online.map_pairs | {r['label']} | 1 | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | "
              f"{r['req_per_s']} | | |")
    print(f"load average after the run: {out['load_avg_after']}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
