"""The resume manifest: fingerprints of input, config and index, and every finished block with its checksum."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Callable

from ray_app.batch.files import exists, join, read_bytes, sha256, write_atomic
from ray_app.batch.sink import OutputLayout
from ray_app.batch.tables import InputError
from ray_app.config import Config

MANIFEST_FORMAT = 2  # 2: the result cache holds typed results as JSON


def config_fingerprint(config: Config, block_rows: int, top_k: int, text_col: str, type_col: str, sheet,
                       reviewed: bool = False) -> dict:
    """Everything that changes output bytes: matching config, block and batch sizes, columns, top-k, and
    whether a mapping memory is applied (its rows carry two more columns: parts of both kinds must not mix)."""
    body = {"model": vars(config.model), "index": vars(config.index), "match": vars(config.match),
            "block_rows": block_rows, "batch": config.ray.embed_batch_size, "top_k": top_k,
            "text_column": text_col, "type_column": type_col, "sheet": sheet}
    if reviewed:
        body["reviewed"] = True  # absent otherwise, so runs without a memory keep their fingerprints
    text = json.dumps(body, sort_keys=True, default=str)
    return {"sha256": sha256(text.encode())[:16], **{k: body[k] for k in ("block_rows", "batch", "top_k",
                                                                           "text_column", "type_column")}}


def index_fingerprint(meta: dict | None) -> dict | None:
    if not meta:
        return None
    return {"catalog": meta.get("catalog", {}).get("fingerprint"), "model": meta.get("model", {}).get("fingerprint"),
            "created": meta.get("created"), "format_version": meta.get("format_version")}


@dataclass
class Manifest:
    layout: OutputLayout
    input: dict
    config: dict
    index: dict | None
    blocks: list[dict] = field(default_factory=list)
    status: str = "running"
    stats: dict | None = None
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S%z"))

    def to_json(self) -> dict:
        return {"format": MANIFEST_FORMAT, "status": self.status, "created": self.created,
                "updated": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "input": self.input, "config": self.config,
                "index": self.index, "output": {"parts": self.layout.parts, "merged": self.layout.merge_to},
                "blocks": self.blocks, "stats": self.stats}

    def save(self) -> None:
        write_atomic(self.layout.fs, self.layout.manifest, json.dumps(self.to_json(), indent=1).encode())

    @classmethod
    def read(cls, layout: OutputLayout) -> dict | None:
        if not exists(layout.fs, layout.manifest):
            return None
        try:
            return json.loads(read_bytes(layout.fs, layout.manifest))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{layout.manifest} is corrupt ({exc}); run without --resume to start over") from exc


def _stable_input(fp: dict) -> dict:
    return {"files": [{k: f[k] for k in ("size", "mtime_ns", "head_sha256")} for f in fp["files"]],
            "sheet": fp.get("sheet")}


def open_manifest(layout: OutputLayout, input_fp: dict, config_fp: dict, index_fp: dict | None, resume: bool,
                  log: Callable[[str], None]) -> Manifest:
    """A fresh manifest, or (``resume``) the previous one checked against this run, cut to the verified
    prefix of finished blocks."""
    old = Manifest.read(layout)
    fresh = Manifest(layout, input_fp, config_fp, index_fp)
    if not resume or old is None:
        if old is not None or exists(layout.fs, layout.parts):
            layout.clear()
        if resume:
            log(f"[map] --resume: no manifest in {layout.parts}; starting from the first block")
        layout.prepare_dirs()
        return fresh
    hint = f"remove {layout.parts} or run without --resume to start over"
    if old.get("format") != MANIFEST_FORMAT:
        raise InputError(f"--resume: {layout.manifest} has format {old.get('format')}, expected {MANIFEST_FORMAT}; {hint}")
    if _stable_input(old["input"]) != _stable_input(input_fp):
        raise InputError(f"--resume: the input changed since {layout.manifest} was written (size, mtime or "
                         f"content of {input_fp['uri']}); {hint}")
    if old["config"] != config_fp:
        raise InputError(f"--resume: the config differs from the interrupted run's ({old['config']} vs. "
                         f"{config_fp}); rerun with the same --config/--set/--top-k/--memory, or {hint}")
    if old["index"] != index_fp:
        raise InputError(f"--resume: the index differs from the interrupted run's ({old['index']} vs. "
                         f"{index_fp}); {hint}")
    layout.prepare_dirs()
    fresh.created = old.get("created", fresh.created)
    fs = layout.fs
    for i, b in enumerate(sorted(old["blocks"], key=lambda b: b["id"])):
        if b["id"] != i:
            break
        try:
            ok = all(sha256(read_bytes(fs, join(layout.parts, b[name]))) == b[sha]
                     for name, sha in (("file", "sha256"), ("cache_file", "cache_sha256")))
        except (OSError, FileNotFoundError):
            ok = False
        if not ok:
            log(f"[map] --resume: block {i} ({b['file']}) is missing or does not match its checksum; redoing it")
            break
        fresh.blocks.append(b)
    log(f"[map] --resume: {len(fresh.blocks)} finished block(s) verified "
        f"({sum(b['rows'] for b in fresh.blocks):,} rows); continuing at block {len(fresh.blocks)}")
    return fresh


def read_output(uri) -> "pd.DataFrame":
    """A mapped output as one frame: a merged file, or a directory of parts (in block order)."""
    import io as _io

    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pyarrow import fs as pafs

    from ray_app.batch.files import resolve
    from ray_app.batch.source import read_table

    fs, path, _ = resolve(uri)
    if fs.get_file_info(path).type == pafs.FileType.Directory:
        man = Manifest.read(OutputLayout(str(uri).rstrip("/") + "/"))
        files = [b["file"] for b in sorted(man["blocks"], key=lambda b: b["id"])] if man else []
        tables = [pq.read_table(_io.BytesIO(read_bytes(fs, join(path, f)))) for f in files]
        return pa.concat_tables(tables).to_pandas() if tables else pd.DataFrame()
    return read_table(path)
