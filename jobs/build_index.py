"""Build an index with Ray Data: the embedding of distinct catalog strings shards over an actor pool.

    ray job submit --working-dir . -- python -m jobs.build_index --catalog a.parquet b.parquet --out idx/
"""
from __future__ import annotations

import sys

from jobs.args import add_build, job_main
from ray_app.config import Config
from ray_app.embed import model_dim
from ray_app.index.build import build_index

from actors.runtime import actor_args, dataset_from_frame, embed_gpus, embed_pool_size, init_ray


def ray_embed_stream(config: Config, log=print):
    def stream(plan):
        ray = init_ray(config)
        from actors.embedder import CatalogEmbedder

        gpus = embed_gpus(config)
        lo, hi = embed_pool_size(config, gpus)  # with GPUs: up to one actor per GPU of the cluster
        log(f"[build] embedding pool: {lo}..{hi} actor(s), {gpus or 0:g} GPU each")
        ds = dataset_from_frame(ray, plan, 4 * config.ray.embed_batch_size).map_batches(
            CatalogEmbedder, fn_constructor_kwargs={"config": config},
            batch_size=config.ray.embed_batch_size, batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(min_size=lo, max_size=hi),
            num_gpus=gpus, num_cpus=0 if gpus else 1, **actor_args(config))
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            systems = batch["system"]
            for system in set(systems.tolist()):
                sel = systems == system
                yield system, batch["uid"][sel], batch["vector"][sel]
    return stream


def run(catalogs: list[str], out: str, config: Config, log=print, base: str | None = None,
        versioned: bool = False, enrich: str | None = None) -> dict:
    # the driver loads no model: every string to embed (with --base: only the new ones) goes to the pool
    return build_index(catalogs, out, config, ray_embed_stream(config, log), model_dim(config.model.path), log=log,
                       base=base, versioned=versioned, enrich=enrich)


def main(argv: list[str] | None = None) -> int:
    return job_main("python -m jobs.build_index", __doc__, lambda p: add_build(p, required=True),
                    lambda a, cfg: run(a.catalog, a.out, cfg, base=a.base, versioned=a.versioned, enrich=a.enrich),
                    argv)


if __name__ == "__main__":
    sys.exit(main())
