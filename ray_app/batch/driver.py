"""The one batch path, and the streaming file job built on it.

``Mapper`` maps a batch of rows: prepare (normalize, route, dedupe) -> skip what the result cache already
knows -> the backend matches the new distinct queries -> every row gets its typed result, in row order.
``harmonize map`` (``map_stream``), ``harmonize eval``, the Serve app and the benchmarks all map through
it; they differ only in the backend (in-process or Ray actors) and in where results go.

``map_stream`` maps a file of any size block by block::

    input (local path or pyarrow URI; a file or a directory of shards)
      -> row-ordered blocks of ``ray.block_rows`` rows (block k = rows [k*B, (k+1)*B): stable ids)
      -> Mapper (dedupe within the block and, through an on-disk result cache, against earlier blocks)
      -> part-XXXXX.parquet + _manifest.json (resume) -> optional merge into one .xlsx/.csv/.tsv/.parquet

A block's new queries, and so the batches the model sees, depend only on the blocks before it, so a
resumed run writes the same bytes as an uninterrupted one (``batch.manifest``).
"""
from __future__ import annotations

import io as _io
import json
import os
import time
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ray_app.batch.assemble import output_columns, row_results
from ray_app.batch.cache import ResultCache
from ray_app.batch.files import join, read_bytes, sha256, write_atomic
from ray_app.batch.manifest import config_fingerprint, index_fingerprint, open_manifest
from ray_app.batch.prepare import Prepared, expand, prepare
from ray_app.batch.progress import Progress, want_bar
from ray_app.batch.sink import CACHE_DIR, PART, OutputLayout, combine, merge_parts, write_parquet_bytes
from ray_app.batch.source import Source
from ray_app.batch.tables import TEXT_COLUMN, TYPE_COLUMN, XLSX_MAX_ROWS, InputError, resolve_columns
from ray_app.config import Config
from ray_app.result import MatchResult


@dataclass
class Pending:
    prepared: Prepared
    found: dict[str, MatchResult]  # queries the mapping memory or the cache already knew
    new: list  # queries sent to the backend
    handle: object = None
    retired: set = field(default_factory=set)  # keys whose reviewed code left the catalog (matched again)
    memo: bool = True  # the new results may be remembered (not when an LLM request changed them)


@dataclass
class Mapped:
    prepared: Prepared
    rows: list[MatchResult]  # one per input row, in row order
    new_cache_rows: list[tuple[str, str]] = field(default_factory=list)  # (key, JSON) of new queries


class Mapper:
    """Rows -> typed results through a backend. With ``cache`` (the streaming job), queries seen in an
    earlier batch are not matched again and results keep only the ``keep`` candidates the output writes.
    With ``llm`` (a ``ray_app.llm.stage.LLMStage``) the new distinct queries are expanded before the
    backend sees them and re-ranked after it: the same two calls the Serve ingress makes. With ``memory``
    (a ``ray_app.review.memory.MappingMemory``) reviewed queries map to their decision and are not matched.
    With ``memo`` (a ``batch.cache.QueryLRU``: the Serve ingress) recent answers are reused, and
    ``plan(memo=False)`` skips it; a reviewed decision always comes first."""

    def __init__(self, backend, config: Config, expander=None, cache: ResultCache | None = None,
                 keep: int | None = None, llm=None, memory=None, memo=None):
        self.backend, self.config, self.expander, self.cache, self.keep = backend, config, expander, cache, keep
        self.llm, self.memory, self.memo = llm, memory, memo
        self.in_flight: set[str] = set()  # keys submitted but not yet collected (overlapping batches)

    def plan(self, texts: list, types: list, memo: bool = True) -> Pending:
        """Prepare and dedupe (within the batch, and against the cache); nothing is submitted yet."""
        # with a result cache (the file job) only the queries the backend will match need anchors: in a
        # feed's later blocks most distinct queries are known, and expanding them was the driver's main cost
        lazy = self.cache is not None
        prepared = prepare(texts, types, self.config, self.expander, anchors=not lazy)
        found, retired = self.memory.lookup(prepared.queries) if self.memory is not None else ({}, set())
        keys = [q.key for q in prepared.queries]
        if self.cache is not None:
            found.update(self.cache.get_many([k for k in keys if k not in found]))
        if memo and self.memo is not None:
            found.update(self.memo.get_many([k for k in keys if k not in found]))
        new = [q for q in prepared.queries if q.key not in found and q.key not in self.in_flight]
        if lazy:
            expand(new, self.config, self.expander)
        if self.cache is not None:
            self.in_flight.update(q.key for q in new)
        return Pending(prepared, found, new, retired=retired, memo=memo)

    def submit(self, texts: list, types: list) -> Pending:
        p = self.plan(texts, types)
        if p.new and self.llm is not None:
            p.new = self.llm.expand(p.new)  # extra anchors, embedded with the query's own
        p.handle = self.backend.submit(p.new) if p.new else None
        return p

    def finish(self, p: Pending, new_results: list[MatchResult]) -> Mapped:
        """Results of ``p.new`` (from the backend) -> every row's result."""
        if len(new_results) != len(p.new):
            raise RuntimeError(f"the backend returned {len(new_results)} results for {len(p.new)} queries")
        if self.keep is not None:
            new_results = [r.trimmed(self.keep) for r in new_results]
        by_key = dict(p.found)
        by_key.update((q.key, r) for q, r in zip(p.new, new_results))
        if p.memo and self.memo is not None:
            self.memo.put([q.key for q in p.new], new_results)
        cache_rows = []
        if self.cache is not None:
            cache_rows = self.cache.put([q.key for q in p.new], new_results)
            self.in_flight.difference_update(q.key for q in p.new)
            missing = [q.key for q in p.prepared.queries if q.key not in by_key]  # matched by an earlier batch
            by_key.update(self.cache.get_many(missing))
        results = [by_key[q.key] for q in p.prepared.queries]
        if p.retired:  # the decision is not used, and the row goes back to the review queue
            results = [replace(r, flags=[*r.flags, "reviewed_code_retired"]) if q.key in p.retired else r
                       for q, r in zip(p.prepared.queries, results)]
        return Mapped(p.prepared, row_results(p.prepared, results), cache_rows)

    def collect(self, p: Pending, on_wait: Callable[[int, int], None] | None = None) -> Mapped:
        new = self.backend.collect(p.handle, on_wait=on_wait) if p.new else []
        if p.new and self.llm is not None:
            new = self.llm.decide(p.new, new)  # re-rank the shortlist; expansion text and flags
        return self.finish(p, new)

    def map(self, texts: list, types: list) -> Mapped:
        return self.collect(self.submit(texts, types))


# ------------------------------------------------------------------------------------------ the file job
@dataclass
class _Block:
    id: int
    row_start: int
    table: pa.Table
    pending: Pending


def _flag_counts(rows: list[MatchResult]) -> dict[str, int]:
    return dict(Counter(f for r in rows for f in r.flags))


class _Job:
    """State of one streaming run: layout, manifest, mapper, progress; ``write`` finishes a block."""

    def __init__(self, layout, manifest, mapper: Mapper, progress: Progress, top_k: int, log,
                 llm_columns: bool = False):
        self.layout, self.manifest, self.mapper, self.progress = layout, manifest, mapper, progress
        self.top_k, self.log, self.llm_columns = top_k, log, llm_columns
        self.rows_done = sum(b["rows"] for b in manifest.blocks)
        self.delay = float(os.environ.get("HARMONIZE_TEST_BLOCK_DELAY", "0") or 0)  # test hook: crash window

    def write(self, b: _Block) -> None:
        done = self.mapper.collect(b.pending, on_wait=lambda d, t: self.progress.matching(b.id, d, t))
        cache_bytes = write_parquet_bytes(pa.table({"k": [k for k, _ in done.new_cache_rows],
                                                    "result": [j for _, j in done.new_cache_rows]}))
        cols = output_columns(done.rows, self.top_k, llm=self.llm_columns, review=self.mapper.memory is not None)
        part_bytes = write_parquet_bytes(combine(b.table, cols))
        write_atomic(self.layout.fs, self.layout.cache(b.id), cache_bytes)
        write_atomic(self.layout.fs, self.layout.part(b.id), part_bytes)
        self.manifest.blocks.append({
            "id": b.id, "row_start": b.row_start, "rows": b.table.num_rows, "file": PART.format(b.id),
            "bytes": len(part_bytes), "sha256": sha256(part_bytes),
            "cache_file": f"{CACHE_DIR}/block-{b.id:05d}.parquet", "cache_sha256": sha256(cache_bytes),
            "new_queries": len(b.pending.new), "distinct_in_block": len(done.prepared.queries),
            "mapped": sum(1 for r in done.rows if r.code), "flags": _flag_counts(done.rows)})
        self.manifest.save()
        self.rows_done += b.table.num_rows
        self.progress.update(self.rows_done, self.mapper.cache.count, len(self.manifest.blocks))
        if self.delay:
            time.sleep(self.delay)

    def stats(self, resumed: int, elapsed: float, engine: str) -> dict:
        blocks, count = self.manifest.blocks, self.mapper.cache.count
        rows = sum(b["rows"] for b in blocks)
        flags: dict[str, int] = {}
        for b in blocks:
            for k, v in b["flags"].items():
                flags[k] = flags.get(k, 0) + v
        new_rows = rows - sum(b["rows"] for b in blocks[:resumed])
        return {"rows": rows, "distinct_queries": count, "dedup_ratio": round(rows / count, 2) if count else None,
                "blocks": len(blocks), "resumed_blocks": resumed, "seconds": round(elapsed, 3),
                "rows_per_s": round(new_rows / elapsed, 1) if elapsed > 0 else None,
                "mapped": sum(b["mapped"] for b in blocks), "flags": flags, "engine": engine}


def map_stream(input_uri: str | Path, output_uri: str | Path, backend, config: Config, *, top_k: int = 0,
               text_col: str | None = None, type_col: str | None = None, sheet=None, resume: bool = False,
               expander=None, index_meta: dict | None = None, keep_parts: bool = False, csv_safe: bool = False,
               log: Callable[[str], None] = print, sidecar: dict | None = None, engine: str = "local",
               llm=None, memory=None) -> dict:
    """Map ``input_uri`` to ``output_uri`` block by block through ``backend`` (see the module docstring)."""
    t0 = time.perf_counter()
    B = max(1, int(config.ray.block_rows))
    layout = OutputLayout(output_uri)
    want = (text_col or TEXT_COLUMN, type_col or TYPE_COLUMN)
    source = Source(input_uri, sheet, B, columns=want)
    tcol, ycol = resolve_columns(pd.DataFrame(columns=source.schema.names), *want, source=str(input_uri))
    if layout.ext == ".xlsx" and source.total_rows is not None and source.total_rows > XLSX_MAX_ROWS:
        raise InputError(f"{source.total_rows:,} rows exceed Excel's sheet limit; write .parquet, .csv or a directory")
    manifest = open_manifest(layout, source.fingerprint, config_fingerprint(config, B, top_k, tcol, ycol, source.sheet, memory is not None),
                             index_fingerprint(index_meta), resume, log)
    cache = ResultCache(None if layout.remote else layout.parts)
    job = None
    try:
        for b in manifest.blocks:  # resume: what earlier blocks matched is known, and not matched again
            t = pq.read_table(_io.BytesIO(read_bytes(layout.fs, join(layout.parts, b["cache_file"]))))
            cache.put_json(list(zip(t.column("k").to_pylist(), t.column("result").to_pylist())))
        resumed = len(manifest.blocks)
        mapper = Mapper(backend, config, expander, cache, keep=top_k, llm=llm, memory=memory)
        job = _Job(layout, manifest, mapper, Progress(source.total_rows, source.fraction_done,
                                                      config.ray.progress_seconds, log,
                                                      sum(b["rows"] for b in manifest.blocks),
                                                      bar=want_bar(config.ray.progress_bar)), top_k, log,
                   llm_columns=llm is not None)
        queue: deque[_Block] = deque()
        for block, row_start, table in source.blocks(resumed):
            pending = mapper.submit(table.column(tcol).to_pylist(), table.column(ycol).to_pylist())
            queue.append(_Block(block, row_start, table, pending))
            while len(queue) >= max(1, int(config.ray.inflight_blocks)):
                job.write(queue.popleft())
        while queue:
            job.write(queue.popleft())
        job.progress.update(job.rows_done, cache.count, len(manifest.blocks), force=True)
        stats = job.stats(resumed, time.perf_counter() - t0, engine)
        _complete(layout, manifest, stats, sidecar, keep_parts, csv_safe)
        return stats
    finally:
        if job is not None:
            job.progress.close()
        cache.close()


def _complete(layout: OutputLayout, manifest, stats: dict, sidecar: dict | None, keep_parts: bool,
              csv_safe: bool) -> None:
    manifest.stats = stats
    manifest.save()
    if layout.merge_to:
        merge_parts(layout, manifest.blocks, csv_safe_cells=csv_safe)
        meta = {"stats": stats, **(sidecar or {}), "input": manifest.input, "manifest_config": manifest.config}
        write_atomic(layout.fs, layout.merge_to + ".meta.json", json.dumps(meta, indent=2, default=str).encode())
    manifest.status = "complete"
    manifest.save()
    if layout.merge_to and not keep_parts:
        layout.remove_parts_dir()


def run_local(index_dir: str, input_uri: str, output_uri: str, config: Config, top_k: int = 0,
              text_col: str | None = None, type_col: str | None = None, sheet=None, resume: bool = False,
              keep_parts: bool = False, csv_safe: bool = False, log: Callable[[str], None] = print,
              memory: str | None = None) -> dict:
    """The whole streaming map in this process (no Ray): ``harmonize map --local``; ``memory``: a decision
    database (path or SQLAlchemy URL) whose decisions are applied before matching."""
    from ray_app.batch.backend import LocalBackend
    from ray_app.engine import load_engine
    from ray_app.review.memory import open_memory

    OutputLayout(output_uri)  # a bad output type fails before the model loads
    engine = load_engine(index_dir, config)
    meta = engine.bundle.meta
    mem = open_memory(memory, index_dir, config) if memory else None
    llm = None
    if config.llm.mode != "off":  # the engine (vLLM in this process, or an endpoint) starts here, lazily
        from actors.llm_pool import make_llm_stage

        llm = make_llm_stage(config, index_dir, local=True, log=log)
    try:
        return map_stream(input_uri, output_uri, LocalBackend(engine.matcher, config.ray.embed_batch_size), config,
                          top_k=top_k, text_col=text_col, type_col=type_col, sheet=sheet, resume=resume,
                          expander=engine.expander, index_meta=meta, keep_parts=keep_parts, csv_safe=csv_safe,
                          log=log, sidecar=run_sidecar(index_dir, meta, config), llm=llm, memory=mem)
    finally:
        if llm is not None:
            llm.close()
        if mem is not None:
            mem.db.close()


def run_sidecar(index_dir: str, meta: dict, config: Config) -> dict:
    """What ``OUTPUT.meta.json`` records beside the statistics: index, catalog, model, the full config."""
    return {"index": str(index_dir), "catalog": meta["catalog"], "model": meta["model"], "config": config.to_dict()}
