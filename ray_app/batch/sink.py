"""Where mapped blocks go: parts + manifest layout, the merge into one file, spreadsheet-safe writing."""
from __future__ import annotations

import io as _io
import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pyarrow import fs as pafs

from ray_app.batch.files import exists, join, read_bytes, resolve, suffix
from ray_app.batch.tables import InputError, csv_safe, write_xlsx

MANIFEST = "_manifest.json"  # "_": parquet dataset readers (pyarrow, pandas, Ray Data) skip it
CACHE_DIR = "_cache"
PART = "part-{:05d}.parquet"
SINGLE_FILE_OUTPUTS = (".parquet", ".csv", ".tsv", ".xlsx")


class OutputLayout:
    """Where parts, manifest and the merged file go (see the module docstring)."""

    def __init__(self, uri: str | Path):
        self.uri = str(uri)
        self.fs, path, self.remote = resolve(uri)
        ext = "" if self.uri.endswith("/") else suffix(path)
        if ext and ext not in SINGLE_FILE_OUTPUTS:
            raise InputError(f"unsupported output type {ext} for {self.uri}; use .csv, .tsv, .xlsx or .parquet "
                             "(a file), or a directory/URI without a suffix (parquet parts)")
        self.merge_to = path if ext else None
        self.ext = ext
        self.parts = f"{path}.parts" if ext else path.rstrip("/")

    def part(self, block: int) -> str:
        return join(self.parts, PART.format(block))

    def cache(self, block: int) -> str:
        return join(self.parts, CACHE_DIR, f"block-{block:05d}.parquet")

    @property
    def manifest(self) -> str:
        return join(self.parts, MANIFEST)

    def prepare_dirs(self) -> None:
        self.fs.create_dir(join(self.parts, CACHE_DIR), recursive=True)

    def clear(self) -> None:
        """Remove this layout's own files (parts, cache, manifest, temporaries); nothing else."""
        if not exists(self.fs, self.parts):
            return
        for d in (self.parts, join(self.parts, CACHE_DIR)):
            if not exists(self.fs, d):
                continue
            for f in self.fs.get_file_info(pafs.FileSelector(d, recursive=False)):
                name = f.base_name
                if f.type == pafs.FileType.File and (name.startswith(("part-", "block-", MANIFEST, "results.sqlite"))):
                    self.fs.delete_file(f.path)

    def remove_parts_dir(self) -> None:
        self.clear()
        for d in (join(self.parts, CACHE_DIR), self.parts):
            try:
                if exists(self.fs, d) and not self.fs.get_file_info(pafs.FileSelector(d)):
                    self.fs.delete_dir(d)
            except OSError:
                pass


def write_parquet_bytes(table: pa.Table) -> bytes:
    buf = pa.BufferOutputStream()
    pq.write_table(table, buf)
    return buf.getvalue().to_pybytes()


def combine(table: pa.Table, out: dict[str, list]) -> pa.Table:
    """The input block's columns (untouched Arrow) + the output columns (``assemble.output_columns``)."""
    for col, values in out.items():
        arr = pa.array(values, type=pa.float64() if col == "Output Confidence" else pa.string())
        if col in table.column_names:
            table = table.set_column(table.column_names.index(col), col, arr)
        else:
            table = table.append_column(col, arr)
    return table.replace_schema_metadata(None)


def _read_part(layout: OutputLayout, block: dict) -> pa.Table:
    return pq.read_table(_io.BytesIO(read_bytes(layout.fs, join(layout.parts, block["file"]))))


def merge_parts(layout: OutputLayout, blocks: list[dict], csv_safe_cells: bool = False) -> None:
    """Parts -> the single output file, streamed part by part. xlsx cells that hold text are text cells;
    ``csv_safe_cells`` quotes csv/tsv cells a spreadsheet would run as formulas."""
    fs, target, ext = layout.fs, layout.merge_to, layout.ext
    tmp = f"{target}.tmp-{os.getpid()}"
    if ext == ".xlsx":
        with tempfile.TemporaryDirectory() as d:
            local = write_xlsx((_read_part(layout, b).to_pandas() for b in blocks), Path(d) / "out.xlsx")
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
                df = _read_part(layout, b).to_pandas()
                text = (df.map(csv_safe) if csv_safe_cells else df).to_csv(index=False, sep=sep, header=i == 0)
                f.write(text.encode("utf-8"))
    fs.move(tmp, target)
