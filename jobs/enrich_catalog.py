"""Enrich catalog codes with an LLM as a Ray Data job: the codes of an index (or catalog / release files)
not yet in ENRICH_DIR -> map_batches over client actors -> the LLM engine pool (structured output) ->
records appended to ENRICH_DIR as parquet shards. Rerun it to continue: enriched codes are skipped, failed
ones asked again.

    ray job submit --working-dir . -- python -m jobs.enrich_catalog --index idx/ --out build/enrich/ --limit 100
"""
from __future__ import annotations

import json
import sys
import tempfile

import pandas as pd

from jobs.args import add_enrich, job_main
from ray_app.config import Config
from ray_app.enrich.codes import codes_from_catalog, codes_from_index
from ray_app.enrich.run import local_stream, run_enrich, sample
from ray_app.enrich.store import EnrichStore, coverage, facets_of

from actors.runtime import actor_args, dataset_from_frame, init_ray


def ray_enrich_stream(config: Config, log=print):
    def stream(todo: pd.DataFrame):
        ray = init_ray(config)
        from actors.enricher import CodeEnricher
        from actors.llm_pool import RayLLMPool

        c, pool, kwargs = config.enrich, None, {"config": config}
        if config.llm.backend == "vllm":  # the engines start (the model loads) once, here, before Ray Data
            pool = RayLLMPool(config, log=log)
            pool.start()
            kwargs.update(actors=pool.actors, fingerprint=pool.fingerprint())
        log(f"[enrich] {max(1, c.concurrency)} client actor(s), batches of {c.batch_size} codes"
            + (f", at most {c.max_requests_per_s:g} requests/s" if c.max_requests_per_s > 0 else ""))
        ds = dataset_from_frame(ray, todo, c.batch_size).map_batches(
            CodeEnricher, fn_constructor_kwargs=kwargs, batch_size=c.batch_size, batch_format="pandas",
            compute=ray.data.ActorPoolStrategy(size=max(1, int(c.concurrency))), num_cpus=c.client_cpus,
            **actor_args(config))
        try:
            for batch in ds.iter_batches(batch_size=None, batch_format="pandas"):
                yield batch
        finally:
            if pool is not None:
                pool.close()  # this run's engines; a shared one (llm.pool_name) keeps running
    return stream


def load_codes(args, config: Config, log=print) -> pd.DataFrame:
    n = config.enrich.max_names
    if args.index:
        return codes_from_index(args.index, n)
    from ray_app.catalog.inputs import resolve_catalogs

    with tempfile.TemporaryDirectory(prefix="harmonize-convert-") as work:
        files, _ = resolve_catalogs(args.catalog, work, log)
        return codes_from_catalog(files, n)


def report(codes: pd.DataFrame, store: EnrichStore) -> pd.DataFrame:
    return coverage(codes, store.latest())


def print_samples(store: EnrichStore, k: int) -> None:
    for _, r in sample(store.latest(), k).iterrows():
        print(f"{r['system']} {r['code']} [{r['family']}]\n  description: {r['description']}\n"
              f"  keywords: {'; '.join(r['keywords'])}\n  facets: {json.dumps(facets_of(r))}")


def run(args, config: Config, local: bool = False, client=None, log=print) -> dict | None:
    """``harmonize enrich`` and the job entrypoint: a run (unless --verify-only, or --sample alone), then
    the coverage report (--verify-only) and K results (--sample K). ``client``: tests pass a far-side fake."""
    codes = load_codes(args, config, log)
    store = EnrichStore(args.out)
    stats = None
    if not args.verify_only and not (args.sample and args.limit is None):
        if local or client is not None:
            from actors.llm_pool import make_client

            client = client or make_client(config, local=True, log=log)
            try:
                stats = run_enrich(codes, store, config, local_stream(client, config), args.limit, log)
            finally:
                client.close()
        else:
            stats = run_enrich(codes, store, config, ray_enrich_stream(config, log), args.limit, log)
    if args.verify_only:
        cov = report(codes, store)
        print(cov.to_string(index=False))
        latest = store.latest()
        ok = latest[latest["status"] == "ok"]
        if len(ok):
            print(f"per enriched code: {ok['prompt_tokens'].mean():.0f} prompt + {ok['completion_tokens'].mean():.0f} "
                  f"completion tokens, {ok['seconds'].mean():.2f}s of engine time (batched)")
    if args.sample:
        print_samples(store, args.sample)
    return stats


def main(argv: list[str] | None = None) -> int:
    return job_main("python -m jobs.enrich_catalog", __doc__, add_enrich, lambda a, cfg: run(a, cfg), argv)


if __name__ == "__main__":
    sys.exit(main())
