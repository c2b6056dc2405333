"""Map a file of any size through Ray: streaming blocks -> dedupe -> QueryEmbedder actors -> IndexReplica
actors -> one parquet part per block + manifest (resumable) -> optional merge into a single file.

    ray job submit --working-dir . -- python -m jobs.map_file --index idx/ --input in.parquet --output out/
    ray job submit --working-dir . -- python -m jobs.map_file --index idx/ --input in.csv --output out.csv --resume

The flags are ``harmonize map``'s (jobs/args.py). --input/--output: local paths or pyarrow filesystem URIs
(s3://bucket/in/, gs://..., file://...). An output with a .parquet/.csv/.tsv/.xlsx suffix is merged into
that one file; otherwise it is a directory of parquet parts with _manifest.json (ray_app.batch.driver).
Progress (rows, rows/s, ETA) goes to the job log.
"""
from __future__ import annotations

import sys

from ray_app.batch.driver import map_stream, run_sidecar
from ray_app.batch.sink import OutputLayout
from ray_app.config import Config
from ray_app.engine import check_index
from ray_app.text.expand import load_expander

from .args import add_map, job_main, map_kwargs


def _log(message: str) -> None:
    print(message, flush=True)  # `ray job logs` shows progress as it happens, not at exit


def run(index_dir: str, input_path: str, output_path: str, config: Config, log=_log, memory: str | None = None,
        **kwargs) -> dict:
    """``kwargs``: ``map_stream``'s options (top_k, text_col, type_col, sheet, resume, keep_parts, csv_safe);
    ``memory``: a decision database (path or SQLAlchemy URL) applied before matching (``ray_app.review``)."""
    from actors.pool import RayBackend
    from ray_app.review.memory import open_memory

    OutputLayout(output_path)  # a bad output type fails before anything loads
    meta = check_index(index_dir, config)
    mem = open_memory(memory, index_dir, config) if memory else None
    backend = RayBackend(index_dir, config, log=log)
    llm = None
    if config.llm.mode != "off":  # its own engine actors (actors.llm_pool), started on first use
        from actors.llm_pool import make_llm_stage

        llm = make_llm_stage(config, index_dir, log=log)
    try:
        # the actors load the model and the index while this process loads the expander and reads the first
        # block (an input with nothing to match then pays for actors it does not use: seconds, once). A thread
        # for the expander during ray.init was tried: on 2 cores both slowed (the GIL), no gain
        backend.launch()
        expander = load_expander(index_dir, config.model.path)
        stats = map_stream(input_path, output_path, backend, config, expander=expander, index_meta=meta, log=log,
                           engine="ray", sidecar=run_sidecar(index_dir, meta, config), llm=llm, memory=mem, **kwargs)
    finally:
        backend.close()
        if mem is not None:
            mem.db.close()
        if llm is not None:
            log(f"[llm] {llm.stats}")
            llm.close()
    log(f"[map] {stats['rows']:,} rows ({stats['distinct_queries']:,} distinct, {stats['blocks']} block(s)) in "
        f"{stats['seconds']:.1f}s -> {output_path}; flags: {stats['flags']}")
    return stats


def main(argv: list[str] | None = None) -> int:
    return job_main("python -m jobs.map_file", __doc__, add_map,
                    lambda a, cfg: run(a.index, a.input, a.output, cfg, **map_kwargs(a)), argv)


if __name__ == "__main__":
    sys.exit(main())
