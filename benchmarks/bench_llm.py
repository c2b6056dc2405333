"""The LLM stage on this machine: the engine pool's speed, the batch job with and without it, and how
expansion moves the shortlist the re-ranker sees. One run, one engine pool (named, so every `harmonize map`
below attaches to it instead of loading the model again).

    python benchmarks/bench_llm.py --index /work/acc/bench_index \\
        --gold realistic=../shared/data/eval/realistic_dev_gold.csv --gold cadec=../shared/data/eval/cadec_gold.csv \\
        --sample cadec=300 --full realistic --json build/bench_llm/bench_llm.json

1. pool: prompts/s and tokens/s (prompt and output tokens counted with the model's own tokenizer) of
   batched expansion prompts (JSON schema) and re-rank prompts (a shortlist code, from real LLM-off
   shortlists), median of --repeats disjoint batches after a warm-up call;
2. map: `harmonize map` (the Ray job) of the same --map-rows file with `--llm off` and `--llm full`,
   alternating, --repeats times (each full run with an empty answer cache), then one full re-run on a warm
   cache; the engine's start is outside these times (reported on its own);
3. recall: shortlist recall@k (a gold code among the top k; k = llm.rerank_k is what the re-ranker is sent,
   so it is the ceiling of any re-ranker) with the LLM off and with expansion on; `--full NAME` also ranks
   that gold set with expansion + re-rank (acc@1 is what the re-ranker changes).

SmolLM2-135M (the packaged default) checks the plumbing; its answers are not a measure of accuracy.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from actors.llm_pool import RayLLMPool, index_stys, make_llm_stage  # noqa: E402
from actors.runtime import init_ray  # noqa: E402
from ray_app.batch.backend import LocalBackend  # noqa: E402
from ray_app.batch.driver import Mapper  # noqa: E402
from ray_app.config import load_config  # noqa: E402
from ray_app.engine import load_engine  # noqa: E402
from ray_app.evaluate.gold import read_gold, sample_gold  # noqa: E402
from ray_app.evaluate.harness import engine_ranker, eval_config, evaluate  # noqa: E402
from ray_app.llm.client import Request  # noqa: E402
from ray_app.llm.parse import LLMOutputError, parse_expansion, parse_rerank  # noqa: E402
from ray_app.llm.prompts import expansion_messages, rerank_messages  # noqa: E402
from ray_app.llm.schema import expansion_schema, rerank_schema  # noqa: E402

POOL = "harmonize-bench-llm"


def log(msg: str) -> None:
    print(msg, flush=True)


def med(xs) -> float:
    return round(float(statistics.median(xs)), 3)


# ----------------------------------------------------------------------------------------------- 1. pool
def _n_ids(encoded) -> int:
    """Token count of apply_chat_template's answer (a list of ids, or a BatchEncoding in transformers 5)."""
    return len(encoded["input_ids"] if hasattr(encoded, "keys") else encoded)


def pool_speed(pool, tok, cfg, stys, engine, gold: pd.DataFrame, n: int, repeats: int, seed: int) -> dict:
    distinct = gold.drop_duplicates(["text", "entity_type"]).sample(frac=1.0, random_state=seed)
    batches = [distinct.iloc[r * n:(r + 1) * n] for r in range(repeats)]
    c = cfg.llm

    def exp_req(t, e):
        return Request("expand", expansion_messages(t, e, stys, c.max_keywords),
                       expansion_schema(stys, c.max_keywords, c.max_stys), c.max_tokens)

    def rr_req(t, e, res):
        short = res.candidates[:c.rerank_k]
        return Request("rerank", rerank_messages(t, e, [(x.code, x.description, x.sty) for x in short]),
                       rerank_schema([x.code for x in short]), c.rerank_max_tokens), [x.code for x in short]

    off = Mapper(LocalBackend(engine.matcher, 64), cfg, engine.expander)
    pool.generate([exp_req("htn", "Diagnosis"), exp_req("cbc", "Lab")])  # warm-up: grammar compile, first batch
    out = {}
    for kind in ("expand", "rerank"):
        runs = []
        for b in batches:
            texts, types = b["text"].tolist(), b["entity_type"].tolist()
            if kind == "expand":
                reqs, shorts = [exp_req(t, e) for t, e in zip(texts, types)], None
            else:
                rows = off.map(texts, types).rows
                pairs = [rr_req(t, e, r) for t, e, r in zip(texts, types, rows) if len(r.candidates) >= 2]
                reqs, shorts = [p[0] for p in pairs], [p[1] for p in pairs]
            prompt_tokens = sum(_n_ids(tok.apply_chat_template(r.messages, tokenize=True, add_generation_prompt=True))
                                for r in reqs)
            t0 = time.perf_counter()
            replies = pool.generate(reqs)
            s = time.perf_counter() - t0
            out_tokens = sum(len(tok(r.text or "", add_special_tokens=False)["input_ids"]) for r in replies)
            valid = 0
            for i, r in enumerate(replies):
                try:
                    parse_expansion(r.text, stys) if kind == "expand" else parse_rerank(r.text, shorts[i])
                    valid += 1
                except LLMOutputError:
                    pass
            runs.append({"prompts": len(reqs), "seconds": round(s, 2), "prompts_per_s": len(reqs) / s,
                         "output_tokens_per_s": out_tokens / s, "prompt_tokens_per_s": prompt_tokens / s,
                         "output_tokens_per_prompt": out_tokens / len(reqs), "valid": valid / len(reqs),
                         "errors": sum(1 for r in replies if r.error)})
            log(f"[pool] {kind}: {len(reqs)} prompts in {s:.1f}s = {len(reqs) / s:.2f}/s, "
                f"{out_tokens / s:.1f} output tok/s, {prompt_tokens / s:.0f} prompt tok/s, valid {valid}/{len(reqs)}")
        out[kind] = {"runs": runs, **{k: med([r[k] for r in runs]) for k in
                                      ("prompts_per_s", "output_tokens_per_s", "prompt_tokens_per_s",
                                       "output_tokens_per_prompt", "valid")}}
    return out


# ------------------------------------------------------------------------------------------------ 2. map
def map_rate(index: str, gold: pd.DataFrame, rows: int, repeats: int, sets: list[str], work: Path, seed: int) -> dict:
    from jobs.cli import main

    src = work / "map_input.csv"
    sample = gold.sample(n=min(rows, len(gold)), random_state=seed)
    pd.DataFrame({"Input Entity Description": sample["text"], "Entity Type": sample["entity_type"]}).to_csv(
        src, index=False)
    flags = [x for s in sets for x in ("--set", s)]

    def run(mode: str, tag: str, cache: Path | None = None) -> float:
        extra = ["--set", f"llm.cache_dir={cache}"] if cache else []
        t0 = time.perf_counter()
        rc = main(["map", "--index", index, "--input", str(src), "--output", str(work / f"map_{tag}.csv"),
                   "--llm", mode, *flags, *extra])
        s = time.perf_counter() - t0
        if rc != 0:
            raise RuntimeError(f"harmonize map --llm {mode} exited {rc}")
        log(f"[map] --llm {mode} ({tag}): {len(sample)} rows in {s:.1f}s = {len(sample) / s:.2f} rows/s")
        return s

    off, full = [], []
    for r in range(repeats):
        off.append(run("off", f"off{r}"))
        full.append(run("full", f"full{r}", work / f"map_answers_{r}.sqlite"))
    warm = run("full", "warm", work / "map_answers_0.sqlite")
    o, f = pd.read_csv(work / "map_off0.csv", dtype=str, keep_default_na=False), \
        pd.read_csv(work / "map_full0.csv", dtype=str, keep_default_na=False)
    n = len(sample)
    return {"rows": n, "distinct": int(sample[["text", "entity_type"]].drop_duplicates().shape[0]),
            "off_s": [round(x, 2) for x in off], "full_s": [round(x, 2) for x in full], "warm_full_s": round(warm, 2),
            "off_rows_per_s": med([n / x for x in off]), "full_rows_per_s": med([n / x for x in full]),
            "warm_full_rows_per_s": round(n / warm, 3), "full_over_off_time": med(full) / med(off),
            "rows_kept_in_order": bool(list(o["Input Entity Description"]) == list(sample["text"])
                                       == list(f["Input Entity Description"])),
            "codes_changed_by_llm": int((o["Output Target Code"] != f["Output Target Code"]).sum()),
            "llm_flags": {k: int(f["Output Flags"].str.contains(k).sum())
                          for k in ("llm_failed", "llm_timeout", "llm_reranked", "llm_disagrees")}}


# --------------------------------------------------------------------------------------------- 3. recall
def recall(engine, cfg, gold: pd.DataFrame, stages: dict, ks: list[int]) -> dict:
    """recall@k per ranker: "off" (the engine), then each LLM stage's ranker (shares the engine)."""
    ecfg = eval_config(cfg)
    rankers = {"off": engine_ranker(Mapper(LocalBackend(engine.matcher, 64), ecfg, engine.expander))}
    for name, st in stages.items():
        rankers[name] = engine_ranker(Mapper(LocalBackend(engine.matcher, 64), ecfg, engine.expander, llm=st))
    t0 = time.perf_counter()
    res = evaluate(gold, rankers, engine.bundle)
    out = {"rows": int(len(gold)), "seconds": round(time.perf_counter() - t0, 1), "rankers": {}}
    for name in rankers:
        ranks = res.rows[f"rank_{name}"].to_numpy()
        hit = lambda k: round(float(((ranks >= 1) & (ranks <= k)).mean()), 4)  # noqa: E731 (rank 0 = miss)
        out["rankers"][name] = {f"recall@{k}": hit(k) for k in ks} | {
            "seconds": res.metrics["rankers"][name]["seconds"]}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True)
    ap.add_argument("--gold", action="append", required=True, metavar="NAME=CSV")
    ap.add_argument("--sample", action="append", default=[], metavar="NAME=N",
                    help="LLM-on rankers of that gold set on a seeded sample of N rows (LLM off: both)")
    ap.add_argument("--full", action="append", default=[], metavar="NAME", help="also rank NAME with --llm full")
    ap.add_argument("--prompts", type=int, default=16, help="prompts per timed pool batch")
    ap.add_argument("--map-rows", type=int, default=30)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip", nargs="*", default=[], choices=["pool", "map", "recall"])
    ap.add_argument("--set", action="append", default=[], help="config override, e.g. llm.batch_size=16")
    ap.add_argument("--work", default="build/bench_llm", help="answer caches and map outputs")
    ap.add_argument("--json")
    args = ap.parse_args()

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    answers = work / "answers.sqlite"  # recall's answers: kept, so a weight sweep re-ranks without the LLM
    sets = [f"llm.pool_name={POOL}", "llm.timeout_s=900", *args.set]
    cfg = load_config(None, ["llm.mode=full", *sets, f"llm.cache_dir={answers}"])
    golds = dict(g.split("=", 1) for g in args.gold)
    samples = {k: int(v) for k, v in (s.split("=", 1) for s in args.sample)}
    result: dict = {"index": args.index, "config_llm": cfg.llm.__dict__ | {"cache_dir": str(answers)},
                    "started": time.strftime("%Y-%m-%d %H:%M:%S")}

    def save():
        if args.json:
            Path(args.json).parent.mkdir(parents=True, exist_ok=True)
            Path(args.json).write_text(json.dumps(result, indent=2, default=str))

    init_ray(cfg)
    pool = RayLLMPool(cfg, log=log)
    t0 = time.perf_counter()
    pool.start()
    result["engine_start_s"] = round(time.perf_counter() - t0, 1)
    engine = load_engine(args.index, eval_config(cfg))
    stys = index_stys(args.index)
    gold_frames = {n: read_gold(p) for n, p in golds.items()}
    try:
        if "pool" not in args.skip:
            from transformers import AutoTokenizer

            from ray_app.llm.model import resolve_llm_model

            tok = AutoTokenizer.from_pretrained(str(resolve_llm_model(cfg.llm.model_path, cfg.llm.model_cache)))
            first = next(iter(gold_frames.values()))
            result["pool"] = pool_speed(pool, tok, cfg, stys, engine, first, args.prompts, args.repeats, args.seed)
            save()
        if "map" not in args.skip:
            first = next(iter(gold_frames.values()))
            result["map"] = map_rate(args.index, first, args.map_rows, args.repeats, sets, work, args.seed)
            save()
        if "recall" not in args.skip:
            ks = sorted({1, int(cfg.llm.rerank_k), 10})
            expand = make_llm_stage(load_config(None, ["llm.mode=expand", *sets, f"llm.cache_dir={answers}"]),
                                    args.index, client=pool, log=log)
            full = make_llm_stage(cfg, args.index, client=pool, log=log)
            result["recall"] = {}
            for name, gold in gold_frames.items():
                if name in samples:  # LLM off on every row, then every ranker on the sample
                    result["recall"][f"{name} (all {len(gold)})"] = recall(engine, cfg, gold, {}, ks)
                    gold = sample_gold(gold, samples[name])
                stages = {"expand": expand, **({"full": full} if name in args.full else {})}
                key = f"{name} ({'sample ' if name in samples else 'all '}{len(gold)})"
                result["recall"][key] = recall(engine, cfg, gold, stages, ks)
                log(f"[recall] {key}: {json.dumps(result['recall'][key]['rankers'])}")
                save()
            result["llm_stats"] = {"expand": dict(expand.stats), "full": dict(full.stats)}
    finally:
        pool.shutdown()
        result["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
        save()
    print(json.dumps({k: v for k, v in result.items() if k != "config_llm"}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
