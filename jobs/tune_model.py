"""Fine-tune the embedding model on a catalog's synonyms as one Ray task (on a GPU when the cluster has one).

    ray job submit --working-dir . -- python -m jobs.tune_model --catalog a.parquet b.parquet --out /shared/model

The output directory must be on storage every node sees (the build and map actors load it by path).
"""
from __future__ import annotations

import sys

from ray_app.config import Config

from .common import catalog_job_main, init_ray


def run(catalogs: list[str], out: str, config: Config) -> dict:
    ray = init_ray(config)
    gpus = config.tune.gpus
    if gpus < 0:  # one GPU when there is one: a single training loop cannot use more
        gpus = 1.0 if ray.cluster_resources().get("GPU", 0) >= 1 else 0.0
    if gpus:
        config.model.device = "cuda"

    def task(catalogs, out, cfg):
        from ray_app.tune import tune_model

        return tune_model(catalogs, out, Config.from_dict(cfg))

    remote = ray.remote(num_gpus=gpus, num_cpus=1, max_retries=0)(task)
    info = ray.get(remote.remote(catalogs, out, config.to_dict()))
    print(f"[tune] {info['steps']} steps on {info['device']} in {info['seconds']}s -> {out}")
    return info


def main(argv: list[str] | None = None) -> int:
    return catalog_job_main("python -m jobs.tune_model", __doc__, run, argv)


if __name__ == "__main__":
    sys.exit(main())
