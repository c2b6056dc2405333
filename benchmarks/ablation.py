"""Per-feature ablation (and weight tuning) on the dev sets: the full engine, then the engine with one
feature switched off at a time, plus the dense-only and fuzzy-only baselines, all in one run.

    python benchmarks/ablation.py \
        --dev hackathon=build/demo_index:../shared/data/eval/hackathon_samples.csv \
        --dev cadec=build/bench_index:build/devsets/cadec_gold.csv \
        --dev synthetic=build/synth_index:build/devsets/synthetic_gold.csv \
        --out benchmarks/ablation.md

A variant is ``name:section.key=value,section.key=value`` (``--variant``, repeatable); without any, the
default feature ablations below run. Every variant re-derives its anchors from the query text, so the
expansion switches (spelling, abbreviations, catalog acronyms) are measured too.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ray_app.config import load_config  # noqa: E402
from ray_app.engine import load_engine  # noqa: E402
from ray_app.batch.backend import LocalBackend  # noqa: E402
from ray_app.batch.driver import Mapper  # noqa: E402
from ray_app.evaluate.gold import read_gold  # noqa: E402
from ray_app.evaluate.harness import dense_only_config, engine_ranker, eval_config, evaluate, fuzzy_ranker  # noqa: E402
from ray_app.evaluate.metrics import K_EVAL  # noqa: E402
from ray_app.match.matcher import Matcher  # noqa: E402

DEFAULT_VARIANTS = [
    ("full", []),
    ("- lexical (BM25 pool + overlap)", ["match.w_lexical=0", "match.lexical_k=0"]),
    ("- lexical pool only", ["match.lexical_k=0"]),
    ("- fuzzy", ["match.w_fuzzy=0"]),
    ("- STY prior", ["match.w_sty=0"]),
    ("+ agreement bonus (w_agg 0.02)", ["match.w_agg=0.02"]),  # off by default: it cost accuracy
    ("- context penalty", ["match.w_context=0"]),
    ("- drug parser", ["match.w_drug=0", "match.drug_codes=0"]),
    ("- spelling", ["match.spelling=false"]),
    ("- curated abbreviations", ["match.abbreviations=false"]),
    ("- catalog acronyms", ["match.catalog_acronyms=false"]),
    ("- lay terms", ["match.lay_terms=false"]),
]


def variant_ranker(engine, cfg):
    """The engine under ``cfg`` through the batch path: anchors follow ``cfg``'s expansion switches."""
    m = engine.matcher
    backend = LocalBackend(Matcher(m.bundle, cfg, m.embedder), cfg.ray.embed_batch_size)
    return engine_ranker(Mapper(backend, cfg, engine.expander))


def parse_variant(spec: str) -> tuple[str, list[str]]:
    name, _, sets = spec.partition(":")
    return name, [s for s in sets.split(",") if s]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dev", action="append", required=True, metavar="NAME=INDEX:GOLD")
    ap.add_argument("--variant", action="append", default=[], metavar="NAME:section.key=v,...")
    ap.add_argument("--config")
    ap.add_argument("--set", action="append", default=[], help="applied to every variant")
    ap.add_argument("--baselines", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--out", help="write the markdown table here too")
    args = ap.parse_args(argv)
    variants = [parse_variant(v) for v in args.variant] or DEFAULT_VARIANTS
    base = load_config(args.config, args.set)
    results: dict[str, dict[str, dict]] = {}
    for dev in args.dev:
        name, _, rest = dev.partition("=")
        index, _, gold_path = rest.partition(":")
        gold = read_gold(gold_path)
        engine = load_engine(index, base)
        rankers = {}
        for vname, sets in variants:
            rankers[vname] = variant_ranker(engine, eval_config(load_config(args.config, args.set + sets)))
        if args.baselines:
            rankers["baseline: dense-only"] = variant_ranker(engine, dense_only_config(eval_config(base)))
            rankers["baseline: fuzzy-only"] = fuzzy_ranker(engine.bundle, eval_config(base), K_EVAL)
        t0 = time.perf_counter()
        res = evaluate(gold, rankers, engine.bundle)
        results[name] = {r: m["all"] for r, m in res.metrics["rankers"].items()}
        print(f"[ablation] {name}: {len(gold)} rows, {len(rankers)} rankers in {time.perf_counter() - t0:.0f}s",
              file=sys.stderr)
    names = list(results)
    lines = ["| variant | " + " | ".join(f"{n} acc@1 | {n} MRR" for n in names) + " |",
             "|---|" + "---|---|" * len(names)]
    full = {n: results[n].get("full", {}).get("acc@1") for n in names}
    for r in results[names[0]]:
        cells = []
        for n in names:
            m = results[n][r]
            delta = "" if r == "full" or full[n] is None else f" ({m['acc@1'] - full[n]:+.3f})"
            cells.append(f"{m['acc@1']:.3f}{delta} | {m['mrr']:.3f}")
        lines.append(f"| {r} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    print(table)
    if args.out:
        Path(args.out).write_text(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
