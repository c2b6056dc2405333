"""A small sweep of how an LLM expansion becomes a signal (``llm.w_desc / w_kw / w_direct / w_sty`` and
``llm.pool_codes``), over expansions a real engine already gave: the answer cache that
``benchmarks/bench_llm.py`` leaves (build/bench_llm/answers.sqlite). No engine starts here; a query
without a cached answer is counted (``uncached``), never invented.

    python benchmarks/sweep_llm_weights.py --index /work/acc/bench_index \\
        --tune realistic=../shared/data/eval/realistic_dev_gold.csv \\
        --check cadec=../shared/data/eval/cadec_gold.csv --check-sample 300 --json build/bench_llm/sweep.json

Each setting ranks the tuning set with ``--llm expand`` (the re-ranker is off: the weights only move the
shortlist); the best setting and the defaults are then ranked on the check set. With SmolLM2-135M the
expansions are a small model's: the table says how the weights use them, not what the stage can do.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from actors.llm_pool import index_stys  # noqa: E402
from ray_app.batch.backend import LocalBackend  # noqa: E402
from ray_app.batch.driver import Mapper  # noqa: E402
from ray_app.config import load_config  # noqa: E402
from ray_app.engine import load_engine  # noqa: E402
from ray_app.evaluate.gold import read_gold, sample_gold  # noqa: E402
from ray_app.evaluate.harness import engine_ranker, eval_config, evaluate  # noqa: E402
from ray_app.llm.cache import LLMCache  # noqa: E402
from ray_app.llm.client import failed  # noqa: E402
from ray_app.llm.model import model_fingerprint, resolve_llm_model  # noqa: E402
from ray_app.llm.stage import LLMStage  # noqa: E402
from ray_app.match.matcher import Matcher  # noqa: E402

# name: (w_desc, w_kw, w_direct, w_sty, pool_codes)
SETTINGS = {
    "seed defaults": (0.30, 0.40, 0.20, 0.10, 16),
    "keywords heavy": (0.20, 0.60, 0.10, 0.10, 16),
    "description heavy": (0.50, 0.20, 0.20, 0.10, 16),
    "query heavy": (0.15, 0.20, 0.55, 0.10, 16),
    "no STY": (0.33, 0.45, 0.22, 0.00, 16),
    "STY heavy": (0.25, 0.35, 0.15, 0.25, 16),
    "boosted (sum 1.2)": (0.40, 0.50, 0.20, 0.10, 16),
    "damped (sum 0.65)": (0.20, 0.25, 0.15, 0.05, 16),
    "anchors only (signal 0)": (0.0, 0.0, 0.0, 0.0, 16),
    "signal only (pool_codes 0)": (0.30, 0.40, 0.20, 0.10, 0),
}


class CachedAnswers:
    """A client that has only the engine's recorded answers (the cache answers first; anything it is asked
    was not recorded and comes back failed, counted by the stage as llm_failed)."""

    def __init__(self, fingerprint: str):
        self.fp, self.asked = fingerprint, 0

    def fingerprint(self) -> str:
        return self.fp

    def generate(self, requests):
        self.asked += len(requests)
        return failed(len(requests), "failed", "no recorded answer")

    def close(self):
        pass


def rank(engine, gold, names, answers: Path, fp: str, stys) -> dict:
    rankers, clients = {}, {}
    off_cfg = eval_config(load_config(None, []))
    rankers["LLM off"] = engine_ranker(Mapper(LocalBackend(engine.matcher, 64), off_cfg, engine.expander))
    for name in names:
        d, k, q, s, pc = SETTINGS[name]
        cfg = eval_config(load_config(None, ["llm.mode=expand", f"llm.w_desc={d}", f"llm.w_kw={k}", f"llm.w_direct={q}",
                                             f"llm.w_sty={s}", f"llm.pool_codes={pc}"]))
        clients[name] = CachedAnswers(fp)
        stage = LLMStage(clients[name], cfg, stys, LLMCache(answers))
        matcher = Matcher(engine.bundle, cfg, engine.matcher.embedder)
        rankers[name] = engine_ranker(Mapper(LocalBackend(matcher, 64), cfg, engine.expander, llm=stage))
    res = evaluate(gold, rankers, engine.bundle)
    out, off = {}, res.ranked["LLM off"]
    for name in rankers:
        a = res.metrics["rankers"][name]["all"]
        mine = res.ranked[name]
        out[name] = {"acc@1": a["acc@1"], "acc@5": a["acc@5"], "acc@10": a["acc@10"], "mrr": a["mrr"],
                     "top1_changed": sum(x["codes"][:1] != y["codes"][:1] for x, y in zip(mine, off)),
                     "top10_changed": sum(x["codes"] != y["codes"] for x, y in zip(mine, off)),
                     "uncached": clients[name].asked if name in clients else 0}
        print(f"  {name:<28} acc@1 {a['acc@1']:.3f}  acc@5 {a['acc@5']:.3f}  acc@10 {a['acc@10']:.3f}  "
              f"MRR {a['mrr']:.3f}  top-1 changed {out[name]['top1_changed']}  top-10 changed "
              f"{out[name]['top10_changed']}  uncached {out[name]['uncached']}", flush=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True)
    ap.add_argument("--tune", required=True, metavar="NAME=CSV")
    ap.add_argument("--check", metavar="NAME=CSV")
    ap.add_argument("--check-sample", type=int, default=None)
    ap.add_argument("--answers", default="build/bench_llm/answers.sqlite")
    ap.add_argument("--json")
    args = ap.parse_args()

    answers = Path(args.answers)
    if not answers.exists():
        raise SystemExit(f"{answers}: no recorded answers; run benchmarks/bench_llm.py first")
    base = load_config(None, [])
    fp = model_fingerprint(resolve_llm_model(base.llm.model_path, base.llm.model_cache))
    engine = load_engine(args.index, eval_config(base))
    stys = index_stys(args.index)
    tname, tpath = args.tune.split("=", 1)
    print(f"[sweep] {tname}: --llm expand, answers of {fp}")
    result = {"model": fp, "tune": {tname: rank(engine, read_gold(tpath), list(SETTINGS), answers, fp, stys)}}
    if args.check:
        cname, cpath = args.check.split("=", 1)
        tuned = result["tune"][tname]
        best = max(SETTINGS, key=lambda n: (tuned[n]["acc@1"], tuned[n]["mrr"]))  # ties: the earlier (defaults)
        best5 = max(SETTINGS, key=lambda n: (tuned[n]["acc@5"], tuned[n]["acc@1"]))  # the re-ranker's shortlist
        gold = sample_gold(read_gold(cpath), args.check_sample)
        print(f"[sweep] check on {cname} ({len(gold)} rows): best on {tname} by acc@1 {best!r}, by acc@5 {best5!r}")
        result["best"] = {"acc@1": best, "acc@5": best5}
        result["check"] = {cname: rank(engine, gold, list(dict.fromkeys(["seed defaults", best, best5])), answers,
                                       fp, stys)}
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
