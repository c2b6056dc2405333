"""Fine-tune the embedding model on a catalog's synonyms as one Ray task (on a GPU when the cluster has one).

    ray job submit --working-dir . -- python -m jobs.tune_model --catalog a.parquet b.parquet --out /shared/model

The output directory must be on storage every node sees (the build and map actors load it by path).
"""
from __future__ import annotations

import sys

from jobs.args import add_catalog, job_main
from ray_app.config import Config

from actors.runtime import init_ray

OUT_HELP = "directory for the tuned sentence-transformers model"


def run(catalogs: list[str], out: str, config: Config) -> dict:
    ray = init_ray(config)
    gpus = config.tune.gpus
    if gpus < 0:  # one GPU when there is one: a single training loop cannot use more
        gpus = 1.0 if ray.cluster_resources().get("GPU", 0) >= 1 else 0.0
    if gpus:
        config.model.device = "cuda"

    def task(catalogs, out, cfg):
        from ray_app.tune import tune_model

        return tune_model(catalogs, out, cfg)

    remote = ray.remote(num_gpus=gpus, num_cpus=1, max_retries=0)(task)
    info = ray.get(remote.remote(catalogs, out, config))
    print(f"[tune] {info['steps']} steps on {info['device']} in {info['seconds']}s -> {out}")
    return info


def main(argv: list[str] | None = None) -> int:
    return job_main("python -m jobs.tune_model", __doc__, lambda p: add_catalog(p, OUT_HELP, required=True),
                    lambda a, cfg: run(a.catalog, a.out, cfg), argv)


if __name__ == "__main__":
    sys.exit(main())
