"""Catalog enrichment on this machine: speed and tokens per code of `harmonize enrich` (the Ray Data job on
the engine pool), and what the enriched rows change on a gold set.

    python benchmarks/bench_enrich.py --index /work/acc2/demo_index --gold ../shared/data/eval/hackathon_samples.csv \\
        --top 5 --extra 10 --work build/bench_enrich/samples --json build/bench_enrich/samples.json
    python benchmarks/bench_enrich.py --index /work/acc2/demo_index --gold ../shared/data/eval/realistic_dev_gold.csv \\
        --rows 40 --top 3 --work build/bench_enrich/realistic40 --json build/bench_enrich/realistic40.json

1. codes: every gold code of the gold set plus the engine's top --top codes for each row (LLM rows off), so
   the right answer and the codes it competes with are enriched alike (enriching only gold codes would
   flatter the result); --extra N adds N more codes of the index (seeded) for the speed figures;
2. enrich: those codes through jobs.enrich_catalog's Ray Data stream; the engine pool is started first
   (named, `llm.pool_name`), so its start is reported apart from codes/s; tokens as the engine counted them;
3. index: `build --base INDEX --enrich` (only the new LLM strings are embedded);
4. gold: acc@1/acc@5 of the enriched index at several `match.llm_rows_weight` values (0 = the rows off) and
   of the base index.

SmolLM2-135M (the packaged default) checks the plumbing and the cost; its answers are not a measure of
what a real (4B+) model's enrichment would do.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from actors.llm_pool import RayLLMPool  # noqa: E402
from jobs.enrich_catalog import ray_enrich_stream  # noqa: E402
from ray_app.batch.backend import LocalBackend  # noqa: E402
from ray_app.batch.driver import Mapper  # noqa: E402
from ray_app.config import load_config  # noqa: E402
from ray_app.engine import Engine, load_engine  # noqa: E402
from ray_app.enrich.codes import codes_from_index  # noqa: E402
from ray_app.enrich.run import run_enrich, sample  # noqa: E402
from ray_app.enrich.store import EnrichStore, facets_of  # noqa: E402
from ray_app.evaluate.gold import read_gold, sample_gold  # noqa: E402
from ray_app.evaluate.harness import engine_ranker, eval_config, evaluate  # noqa: E402
from ray_app.match.matcher import Matcher  # noqa: E402

POOL = "harmonize-bench-enrich"


def log(msg: str) -> None:
    print(msg, flush=True)


def gold_scores(engine: Engine, gold: pd.DataFrame, cfg) -> dict:
    """The gold set on ``engine``'s index and expander, matched with ``cfg``."""
    ecfg = eval_config(cfg)
    m = Matcher(engine.bundle, ecfg, engine.matcher.embedder)
    res = evaluate(gold, {"e": engine_ranker(Mapper(LocalBackend(m, 64), ecfg, engine.expander))}, engine.bundle)
    a = res.metrics["rankers"]["e"]["all"]
    return {"acc@1": a["acc@1"], "acc@5": a["acc@5"], "mrr": a["mrr"],
            "top1": [r["codes"][0] if r["codes"] else "" for r in res.ranked["e"]]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True)
    ap.add_argument("--gold", required=True)
    ap.add_argument("--top", type=int, default=5, help="engine candidates per gold row to enrich too")
    ap.add_argument("--rows", type=int, help="a seeded sample of N gold rows (sample_gold), for a big gold set")
    ap.add_argument("--extra", type=int, default=0, help="more codes of the index (seeded) for the speed figures")
    ap.add_argument("--weights", default="0,0.5,0.9,1.0")
    ap.add_argument("--work", default="build/bench_enrich")
    ap.add_argument("--json")
    ap.add_argument("--set", action="append", default=[])
    a = ap.parse_args()
    work = Path(a.work)
    cfg = load_config(None, [f"llm.pool_name={POOL}", *a.set])
    out: dict = {"index": a.index, "gold": a.gold, "config": {"llm": vars(cfg.llm), "enrich": vars(cfg.enrich)}}

    # 1. the codes: gold + the engine's shortlist per row
    gold = sample_gold(read_gold(a.gold), a.rows)
    out["gold_rows"] = len(gold)
    base = load_engine(a.index, cfg)
    ecfg = eval_config(cfg)
    rows = Mapper(LocalBackend(base.matcher, 64), ecfg, base.expander).map(gold["text"].tolist(),
                                                                           gold["entity_type"].tolist()).rows
    want = {(r.system, c.code) for r in rows for c in r.candidates[:a.top]}
    want |= {(r.system, g) for r, codes in zip(rows, gold["codes"]) if r.system for g in codes}
    all_codes = codes_from_index(a.index, cfg.enrich.max_names)
    keys = list(zip(all_codes["system"], all_codes["code"]))
    chosen = all_codes[[k in want for k in keys]]
    if a.extra:
        rest = all_codes.drop(chosen.index).sample(n=a.extra, random_state=0)
        chosen = pd.concat([chosen, rest])
    chosen = chosen.reset_index(drop=True)
    out["codes"] = {"total": len(chosen), "by_family": chosen["family"].value_counts().to_dict()}
    log(f"[bench] {len(chosen)} codes to enrich: {out['codes']['by_family']}")

    # 2. enrich through the Ray Data job, on a pool started first
    enrich_dir = work / "enrich"
    store = EnrichStore(enrich_dir)
    if store.shards():
        raise SystemExit(f"{enrich_dir} exists: remove it for a fresh measurement")
    t0 = time.perf_counter()
    pool = RayLLMPool(cfg, log=log)
    pool.start()
    out["engine_start_s"] = round(time.perf_counter() - t0, 1)
    try:
        stats = run_enrich(chosen, store, cfg, ray_enrich_stream(cfg, log), log=log)
    finally:
        pool.shutdown()
    out["enrich"] = {k: v for k, v in stats.items() if k != "shards"}
    latest = store.latest()
    ok = latest[latest["status"] == "ok"]
    out["enrich"]["ok_prompt_tokens_per_code"] = round(float(ok["prompt_tokens"].mean()), 1) if len(ok) else None
    out["enrich"]["ok_completion_tokens_per_code"] = round(float(ok["completion_tokens"].mean()), 1) if len(ok) else None
    out["enrich"]["errors"] = latest.loc[latest["status"] != "ok", "error"].str[:60].value_counts().head(5).to_dict()
    out["samples"] = [{"system": r["system"], "code": r["code"], "family": r["family"],
                       "description": r["description"], "keywords": list(r["keywords"]), "facets": facets_of(r)}
                      for _, r in sample(latest, 5).iterrows()]

    # 3. the enriched index, incrementally over the base
    from ray_app.index.build import build_index, local_embed_stream

    emb = base.matcher.embedder
    meta = json.loads((Path(a.index) / "meta.json").read_text())
    catalogs = [s for s in meta["catalog"]["sources"] if s.endswith(".parquet")]
    t0 = time.perf_counter()
    bmeta = build_index(catalogs, work / "index", cfg, local_embed_stream(emb), emb.dim, log=lambda m: None,
                        base=a.index, enrich=enrich_dir)
    out["build"] = {"seconds": round(time.perf_counter() - t0, 1), "embedded": bmeta["build"]["embedded"],
                    "llm_rows": bmeta["catalog"]["enrichment"]["rows"]}
    log(f"[bench] enriched index in {out['build']['seconds']}s: {out['build']}")

    # 4. gold at several weights, and the base
    out["gold_scores"] = {"base index": gold_scores(base, gold, cfg)}
    enriched = load_engine(str(work / "index"), cfg)
    for w in [float(x) for x in a.weights.split(",")]:
        c = load_config(None, [*a.set, f"match.llm_rows_weight={w}"])
        out["gold_scores"][f"enriched, weight {w:g}"] = gold_scores(enriched, gold, c)
    ref = out["gold_scores"]["base index"]["top1"]
    for k, v in out["gold_scores"].items():
        v["top1_changed"] = sum(x != y for x, y in zip(v["top1"], ref))
        log(f"[bench] {k}: acc@1 {v['acc@1']} acc@5 {v['acc@5']} MRR {v['mrr']}; top 1 changed on "
            f"{v['top1_changed']} of {len(ref)} rows")
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(out, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
