"""Map a file of any size through Ray: streaming blocks -> dedupe -> QueryEmbedder actors -> IndexReplica
actors -> one parquet part per block + manifest (resumable) -> optional merge into a single file.

    ray job submit --working-dir . -- python -m jobs.map_file --index idx/ --input in.parquet --output out/
    ray job submit --working-dir . -- python -m jobs.map_file --index idx/ --input in.csv --output out.csv --resume

--input/--output: local paths or pyarrow filesystem URIs (s3://bucket/in/, gs://..., file://...). An output
with a .parquet/.csv/.tsv/.xlsx suffix is merged into that one file; otherwise it is a directory of
parquet parts with _manifest.json (see ray_app.batch.stream). Progress (rows, rows/s, ETA) goes to the job log.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from ray_app.config import Config, load_config
from ray_app.embed import model_fingerprint, resolve_model_path
from ray_app.text.expand import load_expander
from ray_app.index.bundle import IndexBundle
from ray_app.match.matcher import RESULT_COLUMNS
from ray_app.batch.stream import OutputLayout, map_stream

from .common import actor_args, dataset_from_frame, embed_gpus, embed_pool_size, init_ray


def _log(message: str) -> None:
    print(message, flush=True)  # `ray job logs` shows progress as it happens, not at exit


def ray_match_fn(index_dir: str, config: Config):
    """A match_fn (see ray_app.batch.prepare) backed by an embedding pool and IndexReplica actors."""
    def run(queries: pd.DataFrame) -> pd.DataFrame:
        if queries.empty:
            return pd.DataFrame(columns=["qid", *RESULT_COLUMNS])
        ray = init_ray(config)
        from actors.embedder import QueryEmbedder
        from actors.index_replica import IndexReplica

        gpus = embed_gpus(config)
        lo, hi = embed_pool_size(config, gpus)  # with GPUs: up to one actor per GPU of the cluster
        ds = dataset_from_frame(ray, queries, config.ray.replica_batch_size)
        ds = ds.map_batches(
            QueryEmbedder, fn_constructor_kwargs={"config": config.to_dict(), "max_anchors": config.match.max_anchors},
            batch_size=config.ray.embed_batch_size, batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(min_size=lo, max_size=hi),
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
        text_col: str | None = None, type_col: str | None = None, sheet=None, log=_log, resume: bool = False,
        keep_parts: bool = False) -> dict:
    from actors.pool import RayBackend

    OutputLayout(output_path)  # a bad output type fails before anything loads
    meta = check_index(index_dir, config)
    backend = RayBackend(index_dir, config, log=log)
    try:
        stats = map_stream(input_path, output_path, backend, config, top_k=top_k, text_col=text_col,
                           type_col=type_col, sheet=sheet, resume=resume,
                           expander=load_expander(index_dir, config.model.path), index_meta=meta,
                           keep_parts=keep_parts, log=log, engine="ray",
                           sidecar={"index": str(index_dir), "catalog": meta["catalog"], "model": meta["model"],
                                    "config": config.to_dict()})
    finally:
        backend.close()
    log(f"[map] {stats['rows']:,} rows ({stats['distinct_queries']:,} distinct, {stats['blocks']} block(s)) in "
        f"{stats['seconds']:.1f}s -> {output_path}; flags: {stats['flags']}")
    return stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m jobs.map_file", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True)
    ap.add_argument("--input", required=True, help="file, directory of shards, or URI (s3://, gs://, file://)")
    ap.add_argument("--output", required=True, help="file (.parquet/.csv/.tsv/.xlsx: merged) or directory/URI (parts)")
    ap.add_argument("--top-k", type=int, default=0)
    ap.add_argument("--text-column")
    ap.add_argument("--type-column")
    ap.add_argument("--sheet")
    ap.add_argument("--resume", action="store_true", help="continue an interrupted run from its manifest")
    ap.add_argument("--keep-parts", action="store_true", help="keep OUTPUT.parts/ after merging a single file")
    ap.add_argument("--config")
    ap.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    args = ap.parse_args(argv)
    try:
        run(args.index, args.input, args.output, load_config(args.config, args.set), args.top_k,
            args.text_column, args.type_column, args.sheet, resume=args.resume, keep_parts=args.keep_parts)
    except (ValueError, FileNotFoundError, RuntimeError) as exc:
        print(f"map_file: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
