"""Evaluate on a big gold set through Ray: the gold rows go through the same batch path, embedding pool
and IndexReplica actors as ``jobs.map_file``; the metrics and the report are ``ray_app.evaluate``'s.

    ray job submit --working-dir . -- python -m jobs.evaluate --index idx/ --gold gold.csv --report out/

The flags are ``harmonize eval``'s (jobs/args.py). Rankers: ``full`` (the configured engine, top 10), and
with ``--baselines`` ``dense-only`` (the same actors with fuzzy/STY/agreement weights at 0) and
``fuzzy-only`` (RapidFuzz over every catalog string, in the driver: use ``--limit`` for a very large gold set).
"""
from __future__ import annotations

import sys

from ray_app.config import Config
from ray_app.engine import check_index, load_bundle
from ray_app.evaluate.harness import run as run_eval
from ray_app.text.expand import load_expander

from .args import add_eval, job_main, report_dir


def run(index_dir: str, gold_path: str, report: str, config: Config, baselines: bool = True,
        limit: int | None = None, log=print) -> dict:
    from actors.pool import RayBackend

    check_index(index_dir, config)
    backends: list = []

    def make_backend(cfg: Config):
        backends.append(RayBackend(index_dir, cfg, log=log))
        return backends[-1]

    llm = None
    if config.llm.mode != "off":
        from actors.llm_pool import make_llm_stage

        llm = make_llm_stage(config, index_dir, log=log)
    try:
        # the driver's bundle gives catalog codes for coverage and names for misses.csv
        out = run_eval(index_dir, gold_path, config, report, make_backend, load_bundle(index_dir, config),
                       load_expander(index_dir, config.model.path), baselines, limit, "ray", log, llm=llm)
    finally:
        for b in backends:
            b.close()
        if llm is not None:
            llm.close()
    log(out["text"])
    log(f"[eval] report -> {report}")
    return out


def main(argv: list[str] | None = None) -> int:
    return job_main("python -m jobs.evaluate", __doc__, add_eval,
                    lambda a, cfg: run(a.index, a.gold, report_dir(a), cfg, a.baselines, a.limit), argv)


if __name__ == "__main__":
    sys.exit(main())
