"""Map an input file through Ray: dedupe -> embed (actor pool) -> IndexReplica actors -> join back.

    ray job submit --working-dir . -- python -m jobs.map_file --index idx/ --input in.xlsx --output out.xlsx
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from ray_app.config import Config, load_config
from ray_app.expand import make_speller
from ray_app.index import IndexBundle
from ray_app.spell import index_texts
from ray_app.embed import model_fingerprint, resolve_model_path
from ray_app.io import read_table, write_table
from ray_app.mapping import map_dataframe
from ray_app.match import RESULT_COLUMNS

from .common import actor_args, dataset_from_frame, embed_gpus, init_ray


def ray_match_fn(index_dir: str, config: Config):
    """A match_fn (see ray_app.mapping) backed by an embedding pool and IndexReplica actors."""
    def run(queries: pd.DataFrame) -> pd.DataFrame:
        if queries.empty:
            return pd.DataFrame(columns=["qid", *RESULT_COLUMNS])
        ray = init_ray(config)
        from actors.embedder import QueryEmbedder
        from actors.index_replica import IndexReplica

        gpus = embed_gpus(config)
        ds = dataset_from_frame(ray, queries, config.ray.replica_batch_size)
        ds = ds.map_batches(
            QueryEmbedder, fn_constructor_kwargs={"config": config.to_dict(), "max_anchors": config.match.max_anchors},
            batch_size=config.ray.embed_batch_size, batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=config.ray.embed_actors),
            num_gpus=gpus, num_cpus=0 if gpus else 1, **actor_args(config))
        ds = ds.map_batches(
            IndexReplica, fn_constructor_kwargs={"index_dir": str(Path(index_dir).resolve()),
                                                 "config": config.to_dict()},
            batch_size=config.ray.replica_batch_size, batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=config.ray.index_replicas),
            num_cpus=config.ray.replica_cpus, **actor_args(config))
        return ds.to_pandas()
    return run


def check_index(index_dir: str, config: Config) -> dict:
    """Fail in the driver, before any actor starts, if the index cannot serve this config."""
    fp = model_fingerprint(resolve_model_path(config.model.path))
    return IndexBundle.check(index_dir, model_fingerprint=fp)


def run(index_dir: str, input_path: str, output_path: str, config: Config, top_k: int = 0,
        text_col: str | None = None, type_col: str | None = None, sheet=None, log=print) -> dict:
    meta = check_index(index_dir, config)
    df = read_table(input_path, sheet)
    t0 = time.perf_counter()
    out, stats = map_dataframe(df, ray_match_fn(index_dir, config), config, top_k, text_col, type_col,
                               source=str(input_path), speller=make_speller(index_texts(index_dir), config.model.path))
    stats["engine"] = "ray"
    write_table(out, output_path, sidecar={"stats": stats, "index": str(index_dir),
                                           "catalog": meta["catalog"], "model": meta["model"],
                                           "config": config.to_dict()})
    log(f"[map] {stats['rows']:,} rows ({stats['distinct_queries']:,} distinct) in "
        f"{time.perf_counter() - t0:.1f}s -> {output_path}; flags: {stats['flags']}")
    return stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m jobs.map_file", description=__doc__)
    ap.add_argument("--index", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--top-k", type=int, default=0)
    ap.add_argument("--config")
    ap.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    args = ap.parse_args(argv)
    run(args.index, args.input, args.output, load_config(args.config, args.set), args.top_k)
    return 0


if __name__ == "__main__":
    sys.exit(main())
