"""Evaluate on a big gold set through Ray: the gold's distinct queries go through the same embedding pool and
IndexReplica actors as ``jobs.map_file``; the metrics and the report are ``ray_app.evaluate.harness``'s.

    ray job submit --working-dir . -- python -m jobs.evaluate --index idx/ --gold gold.csv --report out/

Rankers: ``full`` (the configured engine, top 10), and with ``--baselines`` ``dense-only`` (the same actors
with fuzzy/STY/agreement weights at 0) and ``fuzzy-only`` (RapidFuzz over every catalog string, in the
driver: use ``--limit`` for a very large gold set).
"""
from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

from ray_app.config import Config, load_config
from ray_app.evaluate.harness import (K_EVAL, dense_only_config, engine_ranker, evaluate, fuzzy_ranker, read_gold,
                              sample_gold, write_report)
from ray_app.text.expand import load_expander
from ray_app.index.bundle import IndexBundle

from .map_file import check_index, ray_match_fn


def run(index_dir: str, gold_path: str, report_dir: str, config: Config, baselines: bool = False,
        limit: int | None = None, log=print) -> dict:
    meta = check_index(index_dir, config)
    cfg = copy.deepcopy(config)
    cfg.match.top_k = K_EVAL
    gold = sample_gold(read_gold(gold_path), limit)
    rankers = {"full": engine_ranker(ray_match_fn(index_dir, cfg))}
    bundle = IndexBundle.load(index_dir)  # catalog codes for coverage, descriptions for misses.csv
    if baselines:
        rankers["dense-only"] = engine_ranker(ray_match_fn(index_dir, dense_only_config(cfg)), confidence=False)
        rankers["fuzzy-only"] = fuzzy_ranker(bundle, K_EVAL)
    result = evaluate(gold, rankers, bundle, cfg, log=log, expander=load_expander(index_dir, config.model.path))
    out = write_report(result, report_dir, bundle, {
        "gold": str(gold_path), "index": str(index_dir), "limit": limit, "engine": "ray",
        "catalog_fingerprint": meta["catalog"]["fingerprint"], "model": meta["model"], "config": cfg.to_dict()})
    log(out["text"])
    log(f"[eval] report -> {report_dir}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m jobs.evaluate", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True)
    ap.add_argument("--gold", required=True)
    ap.add_argument("--report", help="default build/reports/<gold stem>")
    ap.add_argument("--baselines", action=argparse.BooleanOptionalAction, default=False)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--config")
    ap.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    args = ap.parse_args(argv)
    report = args.report or str(Path("build") / "reports" / Path(args.gold).stem)
    run(args.index, args.gold, report, load_config(args.config, args.set), args.baselines, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
