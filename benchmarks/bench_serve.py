"""Latency and throughput of ``POST /v1/map`` (LLM off) through the real Serve app on local Ray, at
concurrency 1 and 8, and of the same queries through the in-process engine in the same run.

    python benchmarks/bench_serve.py --index build/demo_index --requests 300 --json build/bench_serve.json

The queries cycle through the page's examples (ray_app/online/site/examples.json). Serve overhead is reported as
the ratio of median latencies (Serve at concurrency 1 / in-process).
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


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s)) - 1))]


def summary(lat_ms: list[float], wall_s: float, **extra) -> dict:
    return {"n": len(lat_ms), "p50_ms": round(statistics.median(lat_ms), 1), "p95_ms": round(pct(lat_ms, 95), 1),
            "p99_ms": round(pct(lat_ms, 99), 1), "req_per_s": round(len(lat_ms) / wall_s, 1), **extra}


def bench_http(base: str, qs: list[tuple[str, str]], n: int, concurrency: int) -> dict:
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
    return summary(lat, wall, concurrency=concurrency, errors=len(errors),
                   server_p50_ms=round(statistics.median(server), 1))


def bench_inprocess(index: str, config, qs: list[tuple[str, str]], n: int) -> dict:
    from ray_app.engine import load_engine
    from ray_app.online.shape import map_pairs, online_config

    cfg = online_config(config)
    if not cfg.model.threads:  # the same torch threads as the Serve app's Embedder deployment
        cfg.model.threads = max(1, int(cfg.serve.embedder_cpus))
    matcher = load_engine(index, cfg)
    for pair in qs:  # warm: expander, drug catalog, exact-match tables
        map_pairs(matcher, [pair], config, top_k=5)
    lat = []
    t0 = time.perf_counter()
    for i in range(n):
        t = time.perf_counter()
        map_pairs(matcher, [qs[i % len(qs)]], config, top_k=5)
        lat.append((time.perf_counter() - t) * 1e3)
    return summary(lat, time.perf_counter() - t0, concurrency=1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", default=os.environ.get("HARMONIZE_DEMO_INDEX", "build/demo_index"))
    ap.add_argument("--requests", type=int, default=300, help="requests per concurrency level")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--config")
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args(argv)

    import ray
    from ray import serve

    from actors.serve_app import harmonize_app
    from ray_app.config import load_config

    cfg = load_config(args.config, args.set)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        cfg.serve.port = s.getsockname()[1]
    qs = queries()
    out = {"index": args.index, "queries": len(qs), "cpus": os.cpu_count(), "config": cfg.serve.__dict__}
    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}})
    try:
        t0 = time.perf_counter()
        serve.start(http_options={"host": "127.0.0.1", "port": cfg.serve.port})
        serve.run(harmonize_app(args.index, cfg), name="bench", route_prefix="/")
        out["startup_s"] = round(time.perf_counter() - t0, 1)
        base = f"http://127.0.0.1:{cfg.serve.port}"
        bench_http(base, qs, 3 * len(qs), 2)  # warm-up: every query once per replica path
        out["serve"] = [bench_http(base, qs, args.requests, c) for c in args.concurrency]
    finally:
        serve.shutdown()
        ray.shutdown()
    out["inprocess"] = bench_inprocess(args.index, cfg, qs, args.requests)
    out["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]  # other work on the machine skews both
    c1 = next((r for r in out["serve"] if r["concurrency"] == 1), out["serve"][0])
    out["serve_overhead_ratio"] = round(c1["p50_ms"] / out["inprocess"]["p50_ms"], 2)

    print(f"index {args.index}, {len(qs)} distinct queries cycled, {args.requests} requests per level, "
          f"{os.cpu_count()} CPUs; Serve app up in {out['startup_s']} s")
    print("| path | concurrency | p50 ms | p95 ms | p99 ms | req/s | server-side p50 ms | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for r in out["serve"]:
        print(f"| Serve POST /v1/map | {r['concurrency']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | "
              f"{r['req_per_s']} | {r['server_p50_ms']} | {r['errors']} |")
    r = out["inprocess"]
    print(f"| in-process online.map_pairs | 1 | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['req_per_s']} | | |")
    print(f"Serve / in-process (p50, concurrency 1): {out['serve_overhead_ratio']}x; "
          f"load average after the run: {out['load_avg_after']}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
