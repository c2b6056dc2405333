"""Streaming, resumable mapping of files of any size (no Ray import; the backend does the matching).

    input (local path or pyarrow URI: file://, s3://, gs://; a file or a directory of parquet/csv shards)
      -> row-ordered blocks of ``ray.block_rows`` rows (block k = rows [k*B, (k+1)*B); stable ids)
      -> mapping.prepare (normalize, flag, dedupe within the block)
      -> dedupe against every earlier block (an on-disk result table: memory stays bounded)
      -> only new distinct queries go to the backend (in-process Matcher, or Ray actor pools),
         in chunks of ``ray.embed_batch_size``
      -> mapping.assemble (fan back out, row order kept) -> part-XXXXX.parquet + _manifest.json

Output layout (``OUTPUT``):

- a directory or URI without a file suffix: ``OUTPUT/part-00000.parquet ...``, ``OUTPUT/_manifest.json``
  and ``OUTPUT/_cache/`` (each block's new distinct results). Parts are the output; read them with
  ``pyarrow.dataset``/``pandas.read_parquet(OUTPUT)``/Ray Data (``_cache`` is skipped: leading ``_``).
- a ``.parquet``/``.csv``/``.tsv``/``.xlsx`` file: the same parts go to ``OUTPUT.parts/``, are merged
  into ``OUTPUT`` at the end (streamed, except xlsx), and ``OUTPUT.parts/`` is removed unless
  ``keep_parts``. ``OUTPUT.meta.json`` records statistics, fingerprints and config.

Resume: every part (and its cache file) is written to a temporary name and renamed, then recorded in the
manifest with its row range and sha256. ``resume=True`` checks that input, config and index
fingerprints match the manifest, verifies finished parts, reloads their results into the dedupe table
and continues at the first unfinished block. Because a block's new queries, and so the batches sent to
the model, depend only on the blocks before it, a resumed run writes the same bytes as an uninterrupted
one.
"""
from __future__ import annotations

import hashlib
import io as _io
import json
import os
import sqlite3
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pyarrow import fs as pafs

from ray_app.config import Config
from ray_app.batch.tables import TEXT_COLUMN, TYPE_COLUMN, XLSX_MAX_ROWS, InputError, resolve_columns, sniff_delimited, write_table
from ray_app.batch.prepare import OUTPUT_COLUMNS, assemble, prepare
from ray_app.match.matcher import RESULT_COLUMNS
from ray_app.text.normalize import match_text

MANIFEST = "_manifest.json"  # "_": parquet dataset readers (pyarrow, pandas, Ray Data) skip it
CACHE_DIR = "_cache"
PART = "part-{:05d}.parquet"
MANIFEST_FORMAT = 1
SINGLE_FILE_OUTPUTS = (".parquet", ".csv", ".tsv", ".xlsx")
INPUT_TYPES = (".parquet", ".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")
XLSX_MAX_BYTES = 64 << 20  # xlsx is read whole: big inputs belong in parquet/csv shards
CSV_FULL_SNIFF_BYTES = 64 << 20  # csv up to this size is decode-checked whole before the first block


# ------------------------------------------------------------------------------------------ filesystems
def resolve(uri: str | Path) -> tuple[pafs.FileSystem, str, bool]:
    """(filesystem, path, is_uri) for a local path or any pyarrow filesystem URI (s3://, gs://, file://)."""
    s = str(uri)
    if "://" in s:
        try:
            fs, path = pafs.FileSystem.from_uri(s)
        except Exception as exc:
            raise InputError(f"cannot open {s}: {type(exc).__name__}: {exc}") from exc
        return fs, path, True
    return pafs.LocalFileSystem(), os.path.abspath(s), False


def _suffix(path: str) -> str:
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""


def _join(base: str, *names: str) -> str:
    return "/".join([base.rstrip("/"), *names])


def _write_atomic(fs: pafs.FileSystem, path: str, data: bytes) -> None:
    """Write to a temporary sibling, then rename: a crash never leaves a half-written file under ``path``."""
    tmp = f"{path}.tmp-{os.getpid()}"
    with fs.open_output_stream(tmp) as f:
        f.write(data)
    fs.move(tmp, path)


def _read_bytes(fs: pafs.FileSystem, path: str) -> bytes:
    with fs.open_input_stream(path) as f:
        return f.read()


def _exists(fs: pafs.FileSystem, path: str) -> bool:
    return fs.get_file_info(path).type != pafs.FileType.NotFound


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------- input
class Source:
    """Row-ordered blocks of an input file (or a directory of shards) as Arrow tables with one schema."""

    def __init__(self, uri: str | Path, sheet: str | int | None = None, block_rows: int = 50_000):
        self.uri, self.sheet, self.block_rows = str(uri), sheet, max(1, int(block_rows))
        self.fs, self.path, self.remote = resolve(uri)
        info = self.fs.get_file_info(self.path)
        if info.type == pafs.FileType.NotFound:
            raise InputError(f"input file not found: {self.uri}")
        if info.type == pafs.FileType.Directory:
            files = [f for f in self.fs.get_file_info(pafs.FileSelector(self.path, recursive=False))
                     if f.type == pafs.FileType.File and not f.base_name.startswith(("_", "."))
                     and _suffix(f.path) in (".parquet", ".csv", ".tsv", ".txt")]
            files.sort(key=lambda f: f.base_name)
            if not files:
                raise InputError(f"input directory {self.uri} holds no .parquet/.csv/.tsv shards")
            kinds = {_suffix(f.path) for f in files}
            if len(kinds) > 1:
                raise InputError(f"input directory {self.uri} mixes shard types {sorted(kinds)}; use one")
        else:
            files = [info]
        self.files = files
        self.ext = _suffix(files[0].path)
        if self.ext not in INPUT_TYPES:
            raise InputError(f"unsupported input type {self.ext or '(none)'} for {self.uri}; "
                             "use .csv, .tsv, .xlsx or .parquet")
        for f in files:
            if f.size == 0:
                raise InputError(f"input file {f.path} is empty (0 bytes)")
        self.total_bytes = sum(f.size or 0 for f in files)
        self.total_rows: int | None = None
        self._bytes_done = 0
        if self.ext == ".parquet":
            self._open_parquet()
        elif self.ext in (".xlsx", ".xlsm", ".xls"):
            self._open_xlsx()
        else:
            self._open_csv()

    # -------------------------------------------------------------- fingerprint / progress
    @property
    def fingerprint(self) -> dict:
        """Enough to tell a changed input: paths, sizes, mtimes and a hash of the first MiB of each file."""
        files = []
        for f in self.files:
            with self.fs.open_input_stream(f.path) as fh:
                head = fh.read(1 << 20)
            files.append({"path": f.path, "size": f.size, "mtime_ns": f.mtime_ns, "head_sha256": _sha256(head)})
        return {"uri": self.uri if self.remote else self.path, "sheet": self.sheet, "files": files}

    def fraction_done(self) -> float | None:
        return self._bytes_done / self.total_bytes if self.total_bytes else None

    # -------------------------------------------------------------- readers
    def _wrap(self, path: str, kind: str, exc: Exception) -> InputError:
        return InputError(f"cannot read {path} as {kind}: {type(exc).__name__}: {exc}")

    def _open_parquet(self) -> None:
        self._pq = []
        for f in self.files:
            try:
                pf = pq.ParquetFile(self.fs.open_input_file(f.path))
            except Exception as exc:
                raise self._wrap(f.path, "parquet", exc) from exc
            self._pq.append(pf)
        self.schema = self._pq[0].schema_arrow.remove_metadata()
        self.total_rows = sum(pf.metadata.num_rows for pf in self._pq)

    def _parquet_tables(self, start_row: int) -> Iterator[tuple[int, pa.Table]]:
        offset = 0
        for f, pf in zip(self.files, self._pq):
            md = pf.metadata
            for rg in range(md.num_row_groups):
                n = md.row_group(rg).num_rows
                if offset + n > start_row:
                    try:
                        t = pf.read_row_group(rg)
                    except Exception as exc:
                        raise self._wrap(f.path, "parquet", exc) from exc
                    try:
                        t = t.replace_schema_metadata(None).cast(self.schema)
                    except Exception as exc:
                        raise InputError(f"{f.path}: schema {t.schema} does not match the first shard's "
                                         f"{self.schema}") from exc
                    yield offset, t
                offset += n

    def _open_xlsx(self) -> None:
        f = self.files[0]
        if len(self.files) > 1:
            raise InputError(f"{self.uri}: a directory of xlsx files is not supported; use csv/parquet shards")
        if f.size > XLSX_MAX_BYTES:
            raise InputError(f"{f.path} is {f.size / 2**20:.0f} MiB; xlsx inputs are read whole (limit "
                             f"{XLSX_MAX_BYTES >> 20} MiB): convert big files to parquet or csv shards")
        try:
            df = pd.read_excel(_io.BytesIO(_read_bytes(self.fs, f.path)),
                               sheet_name=self.sheet if self.sheet is not None else 0, dtype=object)
        except Exception as exc:
            if "not found" in str(exc).lower() and self.sheet is not None:
                raise InputError(f"{f.path}: no sheet named {self.sheet!r} ({exc})") from exc
            raise self._wrap(f.path, self.ext[1:], exc) from exc
        self._xlsx = _frame_to_arrow(df)
        self.schema = self._xlsx.schema
        self.total_rows = len(df)

    def _open_csv(self) -> None:
        first = self.files[0]
        default_sep = "\t" if self.ext == ".tsv" else ","
        with self.fs.open_input_stream(first.path) as fh:
            head = fh.read(1 << 20)
            whole = len(head) < 1 << 20
            self.sep, self.encoding = sniff_delimited(head, default_sep, whole)
            if self.encoding == "utf-8-sig" and not whole and (first.size or 0) <= CSV_FULL_SNIFF_BYTES:
                # decide the encoding on the whole file, as the in-memory reader does, in 1 MiB steps
                import codecs

                decoder = codecs.getincrementaldecoder("utf-8-sig")()
                try:
                    decoder.decode(head)  # 1 MiB at a time: memory stays flat
                    while chunk := fh.read(1 << 20):
                        decoder.decode(chunk)
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    self.encoding = "cp1252"
        # cp1252 leaves 5 bytes undefined: they become U+FFFD, and the row is flagged binary_characters_removed
        self.errors = "replace" if self.encoding == "cp1252" else "strict"
        try:
            cols = pd.read_csv(_io.BytesIO(head), sep=self.sep, dtype=object, encoding=self.encoding, nrows=0,
                               keep_default_na=False, na_values=[""], encoding_errors=self.errors).columns
        except pd.errors.EmptyDataError as exc:
            raise InputError(f"input file {first.path} has no header row") from exc
        except Exception as exc:
            raise self._wrap(first.path, "csv", exc) from exc
        self.schema = pa.schema([(str(c), pa.string()) for c in cols])

    def _csv_tables(self, start_row: int) -> Iterator[tuple[int, pa.Table]]:
        offset = 0
        for f in self.files:
            with self.fs.open_input_stream(f.path) as raw:
                counter = _Counting(raw)
                fh = _io.BufferedReader(counter, 1 << 20)
                try:
                    reader = pd.read_csv(fh, sep=self.sep, dtype=object, encoding=self.encoding,
                                         encoding_errors=self.errors, keep_default_na=False, na_values=[""],
                                         chunksize=self.block_rows)
                    for chunk in reader:
                        self._bytes_done = counter.done + sum(g.size or 0 for g in self.files[:self.files.index(f)])
                        if offset + len(chunk) > start_row:
                            if list(map(str, chunk.columns)) != self.schema.names:
                                raise InputError(f"{f.path}: columns {list(chunk.columns)} differ from the first "
                                                 f"shard's {self.schema.names}")
                            chunk.columns = self.schema.names
                            yield offset, pa.Table.from_pandas(chunk, schema=self.schema, preserve_index=False)
                        offset += len(chunk)
                except InputError:
                    raise
                except UnicodeDecodeError as exc:
                    raise InputError(f"cannot read {f.path}: not valid {self.encoding} after the first "
                                     f"{counter.done:,} bytes ({exc}); save the file as UTF-8") from exc
                except pd.errors.EmptyDataError:
                    continue
                except Exception as exc:
                    raise self._wrap(f.path, "csv", exc) from exc

    def tables(self, start_row: int = 0) -> Iterator[tuple[int, pa.Table]]:
        if self.ext == ".parquet":
            yield from self._parquet_tables(start_row)
        elif self.ext in (".xlsx", ".xlsm", ".xls"):
            yield 0, self._xlsx
        else:
            yield from self._csv_tables(start_row)

    def blocks(self, start_block: int = 0) -> Iterator[tuple[int, int, pa.Table]]:
        """(block id, first row, table) with exactly ``block_rows`` rows (the last may be shorter), from
        ``start_block`` on; an input without rows yields one empty block 0."""
        B = self.block_rows
        start_row = start_block * B
        pending: list[pa.Table] = []
        held, block, any_rows = 0, start_block, False
        for offset, t in self.tables(start_row):
            if offset < start_row:
                t = t.slice(start_row - offset)
            while t.num_rows:
                take = min(B - held, t.num_rows)
                pending.append(t.slice(0, take))
                held += take
                t = t.slice(take)
                if held == B:
                    yield block, block * B, pa.concat_tables(pending).combine_chunks()
                    any_rows = True
                    pending, held, block = [], 0, block + 1
        if held:
            yield block, block * B, pa.concat_tables(pending).combine_chunks()
        elif not any_rows and start_block == 0:
            yield 0, 0, self.schema.empty_table()


class _Counting(_io.RawIOBase):
    """A readable raw stream over a pyarrow input stream that counts the bytes read (csv progress/ETA)."""

    def __init__(self, raw):
        self.raw, self.done = raw, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        data = self.raw.read(len(buf))
        n = len(data)
        buf[:n] = data
        self.done += n
        return n


def _frame_to_arrow(df: pd.DataFrame) -> pa.Table:
    """An xlsx frame (dtype=object cells) as Arrow: a column mixing text and numbers becomes text."""
    df = df.copy()
    df.columns = [str(c) for c in df.columns]
    for c in df.columns:
        col = df[c]
        try:
            pa.array(col.to_numpy(dtype=object), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
            df[c] = [v if v is None or isinstance(v, str) or (isinstance(v, float) and np.isnan(v)) else str(v)
                     for v in col]
    return pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(None)


# --------------------------------------------------------------------------------------------- output
class OutputLayout:
    """Where parts, manifest and the merged file go (see the module docstring)."""

    def __init__(self, uri: str | Path):
        self.uri = str(uri)
        self.fs, path, self.remote = resolve(uri)
        ext = "" if self.uri.endswith("/") else _suffix(path)
        if ext and ext not in SINGLE_FILE_OUTPUTS:
            raise InputError(f"unsupported output type {ext} for {self.uri}; use .csv, .tsv, .xlsx or .parquet "
                             "(a file), or a directory/URI without a suffix (parquet parts)")
        self.merge_to = path if ext else None
        self.ext = ext
        self.parts = f"{path}.parts" if ext else path.rstrip("/")

    def part(self, block: int) -> str:
        return _join(self.parts, PART.format(block))

    def cache(self, block: int) -> str:
        return _join(self.parts, CACHE_DIR, f"block-{block:05d}.parquet")

    @property
    def manifest(self) -> str:
        return _join(self.parts, MANIFEST)

    def prepare_dirs(self) -> None:
        self.fs.create_dir(_join(self.parts, CACHE_DIR), recursive=True)

    def clear(self) -> None:
        """Remove this layout's own files (parts, cache, manifest, temporaries); nothing else."""
        if not _exists(self.fs, self.parts):
            return
        for d in (self.parts, _join(self.parts, CACHE_DIR)):
            if not _exists(self.fs, d):
                continue
            for f in self.fs.get_file_info(pafs.FileSelector(d, recursive=False)):
                name = f.base_name
                if f.type == pafs.FileType.File and (name.startswith(("part-", "block-", MANIFEST, "results.sqlite"))):
                    self.fs.delete_file(f.path)

    def remove_parts_dir(self) -> None:
        self.clear()
        for d in (_join(self.parts, CACHE_DIR), self.parts):
            try:
                if _exists(self.fs, d) and not self.fs.get_file_info(pafs.FileSelector(d)):
                    self.fs.delete_dir(d)
            except OSError:
                pass


def write_parquet_bytes(table: pa.Table) -> bytes:
    buf = pa.BufferOutputStream()
    pq.write_table(table, buf)
    return buf.getvalue().to_pybytes()


# ------------------------------------------------------------------------------------------- manifest
def config_fingerprint(config: Config, block_rows: int, top_k: int, text_col: str, type_col: str, sheet) -> dict:
    """Everything that changes output bytes: matching config, block and batch sizes, columns, top-k."""
    body = {"model": vars(config.model), "index": vars(config.index), "match": vars(config.match),
            "block_rows": block_rows, "batch": config.ray.embed_batch_size, "top_k": top_k,
            "text_column": text_col, "type_column": type_col, "sheet": sheet}
    text = json.dumps(body, sort_keys=True, default=str)
    return {"sha256": _sha256(text.encode())[:16], **{k: body[k] for k in ("block_rows", "batch", "top_k",
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
        _write_atomic(self.layout.fs, self.layout.manifest, json.dumps(self.to_json(), indent=1).encode())

    @classmethod
    def read(cls, layout: OutputLayout) -> dict | None:
        if not _exists(layout.fs, layout.manifest):
            return None
        try:
            return json.loads(_read_bytes(layout.fs, layout.manifest))
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
        if old is not None or _exists(layout.fs, layout.parts):
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
                         f"{config_fp}); rerun with the same --config/--set/--top-k, or {hint}")
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
            ok = all(_sha256(_read_bytes(fs, _join(layout.parts, b[name]))) == b[sha]
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


# ---------------------------------------------------------------------------------------- dedupe cache
class ResultCache:
    """Results of every distinct query matched so far, keyed by prepare's dedupe key, on disk (sqlite):
    memory stays bounded however many distinct entities a feed has."""

    COLUMNS = [c for c in RESULT_COLUMNS]

    def __init__(self, directory: str | None = None):
        fd, self.path = tempfile.mkstemp(prefix="results.sqlite.", dir=directory)
        os.close(fd)
        self.db = sqlite3.connect(self.path, check_same_thread=False)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;"
                              "CREATE TABLE r (k TEXT PRIMARY KEY, system TEXT, code TEXT, description TEXT, "
                              "sty TEXT, tty TEXT, confidence REAL, flags TEXT, candidates TEXT);")
        self.count = 0

    def get_many(self, keys: list[str]) -> dict[str, tuple]:
        found: dict[str, tuple] = {}
        for s in range(0, len(keys), 500):
            part = keys[s:s + 500]
            q = f"SELECT * FROM r WHERE k IN ({','.join('?' * len(part))})"
            for row in self.db.execute(q, part):
                found[row[0]] = row[1:]
        return found

    def put_frame(self, frame: pd.DataFrame) -> None:
        rows = list(frame[["k", *self.COLUMNS]].itertuples(index=False, name=None))
        self.db.executemany(f"INSERT OR REPLACE INTO r VALUES ({','.join('?' * (1 + len(self.COLUMNS)))})", rows)
        self.db.commit()
        self.count += len(rows)

    def close(self) -> None:
        self.db.close()
        Path(self.path).unlink(missing_ok=True)


def query_keys(queries: pd.DataFrame) -> list[str]:
    """prepare's dedupe key (match text, canonical type) of each distinct query, as one string."""
    return [f"{match_text(t)}\x1f{e}" for t, e in zip(queries["text"].tolist(), queries["entity_type"].tolist())]


def _trim_candidates(candidates: list, top_k: int) -> list[str]:
    """Keep what assemble writes for --top-k (system, code, description of the first K)."""
    out = []
    for c in candidates:
        items = json.loads(c) if isinstance(c, str) and c else []
        out.append(json.dumps([{"system": x["system"], "code": x["code"], "description": x["description"]}
                               for x in items[:top_k]], separators=(",", ":")) if top_k else "[]")
    return out


# --------------------------------------------------------------------------------------------- backends
class LocalBackend:
    """The in-process Matcher, in the same chunks the Ray backend sends to its actors."""

    def __init__(self, matcher, chunk: int):
        self.matcher, self.chunk = matcher, max(1, chunk)

    def submit(self, queries: pd.DataFrame):
        return queries

    def collect(self, queries: pd.DataFrame, on_wait: Callable[[int, int], None] | None = None) -> pd.DataFrame:
        parts = []
        for s in range(0, len(queries), self.chunk):
            parts.append(self.matcher.match_batch(queries.iloc[s:s + self.chunk]))
            if on_wait:
                on_wait(min(len(queries), s + self.chunk), len(queries))
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=RESULT_COLUMNS)

    def close(self) -> None:
        pass


# ----------------------------------------------------------------------------------------------- progress
class Progress:
    def __init__(self, total_rows: int | None, fraction: Callable[[], float | None], every: float,
                 log: Callable[[str], None], start_rows: int = 0):
        self.total, self.fraction, self.every, self.log = total_rows, fraction, every, log
        self.t0 = self.last = time.perf_counter()
        self.start_rows = start_rows

    def matching(self, block: int, done: int, total: int) -> None:
        """Between blocks: how far the block being matched is (a big first block takes a while)."""
        now = time.perf_counter()
        if now - self.last >= self.every:
            self.last = now
            self.log(f"[map] block {block}: {done:,}/{total:,} new distinct queries matched "
                     f"({now - self.t0:.0f}s elapsed)")

    def update(self, rows: int, distinct: int, blocks: int, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self.last < self.every:
            return
        self.last = now
        elapsed = max(now - self.t0, 1e-9)
        rate = (rows - self.start_rows) / elapsed
        if self.total:
            frac = rows / self.total if self.total else 1.0
            eta = (self.total - rows) / rate if rate > 0 else float("inf")
            where = f"{rows:,}/{self.total:,} rows ({frac:.1%})"
        else:
            f = self.fraction()
            eta = elapsed * (1 - f) / f if f else float("inf")
            where = f"{rows:,} rows (~{f:.1%} of the input bytes)" if f is not None else f"{rows:,} rows"
        eta_s = "-" if eta == float("inf") else (f"{eta / 60:.0f}m{eta % 60:02.0f}s" if eta >= 60 else f"{eta:.0f}s")
        ratio = f", {rows / distinct:.1f} rows per distinct" if distinct else ""
        self.log(f"[map] {where}, {rate:,.0f} rows/s, ETA {eta_s}; {distinct:,} distinct queries{ratio}; "
                 f"{blocks} block(s) written")


# ------------------------------------------------------------------------------------------------ driver
@dataclass
class _Work:
    block: int
    row_start: int
    table: pa.Table
    prepared: object
    keys: list[str]
    found: dict
    new_idx: np.ndarray
    handle: object


def _flag_counts(flags: np.ndarray) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in flags:
        if f:
            for x in str(f).split(";"):
                counts[x] = counts.get(x, 0) + 1
    return counts


def _combine(table: pa.Table, out: pd.DataFrame) -> pa.Table:
    """The input block's columns (untouched Arrow) + the output columns assemble produced."""
    for col in out.columns:
        arr = pa.array(out[col].to_numpy(), type=pa.float64() if col == "Output Confidence" else pa.string(),
                       from_pandas=True)
        if col in table.column_names:
            table = table.set_column(table.column_names.index(col), col, arr)
        else:
            table = table.append_column(col, arr)
    return table.replace_schema_metadata(None)


def map_stream(input_uri: str | Path, output_uri: str | Path, backend, config: Config, *, top_k: int = 0,
               text_col: str | None = None, type_col: str | None = None, sheet=None, resume: bool = False,
               expander=None, index_meta: dict | None = None, keep_parts: bool = False,
               log: Callable[[str], None] = print, sidecar: dict | None = None, engine: str = "local") -> dict:
    """Map ``input_uri`` to ``output_uri`` block by block through ``backend`` (submit/collect/close)."""
    t0 = time.perf_counter()
    B = max(1, int(config.ray.block_rows))
    layout = OutputLayout(output_uri)
    source = Source(input_uri, sheet, B)
    tcol, ycol = resolve_columns(pd.DataFrame(columns=source.schema.names), text_col or TEXT_COLUMN,
                                 type_col or TYPE_COLUMN, source=str(input_uri))
    if layout.ext == ".xlsx" and source.total_rows is not None and source.total_rows > XLSX_MAX_ROWS:
        raise InputError(f"{source.total_rows:,} rows exceed Excel's sheet limit; write .parquet, .csv or a directory")
    manifest = open_manifest(layout, source.fingerprint, config_fingerprint(config, B, top_k, tcol, ycol, sheet),
                             index_fingerprint(index_meta), resume, log)
    cache = ResultCache(None if layout.remote else layout.parts)
    delay = float(os.environ.get("HARMONIZE_TEST_BLOCK_DELAY", "0") or 0)  # test hook: widen the crash window
    try:
        for b in manifest.blocks:  # resume: what earlier blocks matched is known, and not matched again
            cache.put_frame(pq.read_table(_io.BytesIO(_read_bytes(layout.fs, _join(layout.parts, b["cache_file"])))).to_pandas())
        start = len(manifest.blocks)
        rows_done = sum(b["rows"] for b in manifest.blocks)
        progress = Progress(source.total_rows, source.fraction_done, config.ray.progress_seconds, log, rows_done)
        pending: set[str] = set()
        queue: deque[_Work] = deque()
        inflight = max(1, int(config.ray.inflight_blocks))
        empty = pd.DataFrame(columns=["qid", "text", "entity_type", "system", "anchors"])

        def finish(w: _Work) -> None:
            nonlocal rows_done
            n_new = len(w.new_idx)
            new = (pd.DataFrame(columns=RESULT_COLUMNS) if w.handle is None else
                   backend.collect(w.handle, on_wait=lambda d, t: progress.matching(w.block, d, t)))
            if len(new) != n_new:
                raise RuntimeError(f"block {w.block}: the backend returned {len(new)} results for {n_new} queries")
            new = new.reset_index(drop=True)[RESULT_COLUMNS].copy()
            new["candidates"] = _trim_candidates(new["candidates"].tolist(), top_k)
            new["confidence"] = new["confidence"].astype(float)
            for c in RESULT_COLUMNS:
                if c != "confidence":
                    new[c] = new[c].map(lambda v: "" if v is None else str(v))
            new.insert(0, "k", [w.keys[i] for i in w.new_idx])
            cache_bytes = write_parquet_bytes(pa.Table.from_pandas(new, preserve_index=False).replace_schema_metadata(None))
            cache.put_frame(new)
            pending.difference_update(new["k"])
            # every query of the block: found at prepare time, matched now, or matched by an earlier block
            rows = dict(w.found)
            rows.update(zip(new["k"], new[RESULT_COLUMNS].itertuples(index=False, name=None)))
            rows.update(cache.get_many([k for k in w.keys if k not in rows]))
            results = pd.DataFrame([rows[k] for k in w.keys], columns=RESULT_COLUMNS)
            if results.empty:
                results = pd.DataFrame(columns=RESULT_COLUMNS)
            out = assemble(pd.DataFrame(index=pd.RangeIndex(w.table.num_rows)), w.prepared, results, top_k)
            part = _combine(w.table, out)
            part_bytes = write_parquet_bytes(part)
            _write_atomic(layout.fs, layout.cache(w.block), cache_bytes)
            _write_atomic(layout.fs, layout.part(w.block), part_bytes)
            flags = out["Output Flags"].to_numpy()
            manifest.blocks.append({
                "id": w.block, "row_start": w.row_start, "rows": w.table.num_rows, "file": PART.format(w.block),
                "bytes": len(part_bytes), "sha256": _sha256(part_bytes),
                "cache_file": f"{CACHE_DIR}/block-{w.block:05d}.parquet", "cache_sha256": _sha256(cache_bytes),
                "new_queries": n_new, "distinct_in_block": len(w.keys),
                "mapped": int((out["Output Target Code"] != "").sum()), "flags": _flag_counts(flags)})
            manifest.save()
            rows_done += w.table.num_rows
            progress.update(rows_done, cache.count, len(manifest.blocks))
            if delay:
                time.sleep(delay)

        for block, row_start, table in source.blocks(start):
            prepared = prepare(table.column(tcol).to_pylist(), table.column(ycol).to_pylist(), config, expander)
            keys = query_keys(prepared.queries)
            found = cache.get_many(keys)
            new_idx = np.array([i for i, k in enumerate(keys) if k not in found and k not in pending], dtype=np.int64)
            pending.update(keys[i] for i in new_idx)
            queries = prepared.queries.iloc[new_idx].reset_index(drop=True) if len(new_idx) else empty
            handle = backend.submit(queries) if len(new_idx) else None
            queue.append(_Work(block, row_start, table, prepared, keys, found, new_idx, handle))
            while len(queue) >= inflight:
                finish(queue.popleft())
        while queue:
            finish(queue.popleft())

        rows_total = sum(b["rows"] for b in manifest.blocks)
        progress.update(rows_total, cache.count, len(manifest.blocks), force=True)
        elapsed = time.perf_counter() - t0
        flags: dict[str, int] = {}
        for b in manifest.blocks:
            for k, v in b["flags"].items():
                flags[k] = flags.get(k, 0) + v
        stats = {"rows": rows_total, "distinct_queries": cache.count,
                 "dedup_ratio": round(rows_total / cache.count, 2) if cache.count else None,
                 "blocks": len(manifest.blocks), "resumed_blocks": start, "seconds": round(elapsed, 3),
                 "rows_per_s": round((rows_total - sum(b["rows"] for b in manifest.blocks[:start])) / elapsed, 1)
                 if elapsed > 0 else None,
                 "mapped": sum(b["mapped"] for b in manifest.blocks), "flags": flags, "engine": engine}
        manifest.stats = stats
        manifest.save()
        if layout.merge_to:
            merge_parts(layout, manifest.blocks)
            meta = {"stats": stats, **(sidecar or {}), "input": manifest.input, "manifest_config": manifest.config}
            _write_atomic(layout.fs, layout.merge_to + ".meta.json", json.dumps(meta, indent=2, default=str).encode())
            manifest.status = "complete"
            manifest.save()
            if not keep_parts:
                layout.remove_parts_dir()
        else:
            manifest.status = "complete"
            manifest.save()
        return stats
    finally:
        cache.close()


def _read_part(layout: OutputLayout, block: dict) -> pa.Table:
    return pq.read_table(_io.BytesIO(_read_bytes(layout.fs, _join(layout.parts, block["file"]))))


def merge_parts(layout: OutputLayout, blocks: list[dict]) -> None:
    """Parts -> the single output file, streamed part by part (xlsx: in memory, it is small by definition)."""
    fs, target, ext = layout.fs, layout.merge_to, layout.ext
    tmp = f"{target}.tmp-{os.getpid()}"
    if ext == ".xlsx":
        df = pd.concat([_read_part(layout, b).to_pandas() for b in blocks], ignore_index=True)
        with tempfile.TemporaryDirectory() as d:
            local = write_table(df, Path(d) / "out.xlsx")
            with fs.open_output_stream(tmp) as f:
                f.write(local.read_bytes())
    elif ext == ".parquet":
        with fs.open_output_stream(tmp) as f:
            writer = None
            for b in blocks:
                t = _read_part(layout, b)
                writer = writer or pq.ParquetWriter(f, t.schema)
                writer.write_table(t)
            if writer:
                writer.close()
    else:
        sep = "\t" if ext == ".tsv" else ","
        with fs.open_output_stream(tmp) as f:
            for i, b in enumerate(blocks):
                text = _read_part(layout, b).to_pandas().to_csv(index=False, sep=sep, header=i == 0)
                f.write(text.encode("utf-8"))
    fs.move(tmp, target)


def read_output(uri: str | Path) -> pd.DataFrame:
    """A mapped output as one frame: a merged file, or a directory of parts (in block order)."""
    fs, path, _ = resolve(uri)
    if fs.get_file_info(path).type == pafs.FileType.Directory:
        layout = OutputLayout(str(uri).rstrip("/") + "/")
        man = Manifest.read(layout)
        files = [b["file"] for b in sorted(man["blocks"], key=lambda b: b["id"])] if man else []
        tables = [pq.read_table(_io.BytesIO(_read_bytes(fs, _join(path, f)))) for f in files]
        return pa.concat_tables(tables).to_pandas() if tables else pd.DataFrame()
    from ray_app.batch.tables import read_table

    return read_table(path)


def run_local(index_dir: str, input_uri: str, output_uri: str, config: Config, top_k: int = 0,
              text_col: str | None = None, type_col: str | None = None, sheet=None, resume: bool = False,
              keep_parts: bool = False, log: Callable[[str], None] = print) -> dict:
    """The whole streaming map in this process (no Ray): ``harmonize map --local``."""
    from ray_app.engine import load_engine

    OutputLayout(output_uri)  # a bad output type fails before the model loads
    matcher = load_engine(index_dir, config)
    stats = map_stream(input_uri, output_uri, LocalBackend(matcher, config.ray.embed_batch_size), config,
                       top_k=top_k, text_col=text_col, type_col=type_col, sheet=sheet, resume=resume,
                       expander=matcher.expander, index_meta=matcher.bundle.meta, keep_parts=keep_parts, log=log,
                       sidecar={"index": str(index_dir), "catalog": matcher.bundle.meta["catalog"],
                                "model": matcher.bundle.meta["model"], "config": config.to_dict()})
    return stats
