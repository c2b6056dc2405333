"""Row-ordered blocks of an input file or a directory of shards (csv/tsv, xlsx, parquet), as Arrow tables."""
from __future__ import annotations

import io as _io
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pyarrow import fs as pafs

from ray_app.batch.files import read_bytes, resolve, sha256, suffix
from ray_app.batch.tables import InputError, resolve_columns, sniff_delimited

INPUT_TYPES = (".parquet", ".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")
XLSX_MAX_BYTES = 64 << 20  # xlsx is read whole: big inputs belong in parquet/csv shards
CSV_FULL_SNIFF_BYTES = 64 << 20  # csv up to this size is decode-checked whole before the first block


class Source:
    """Row-ordered blocks of an input file (or a directory of shards) as Arrow tables with one schema."""

    def __init__(self, uri: str | Path, sheet: str | int | None = None, block_rows: int = 50_000,
                 columns: tuple[str, str] | None = None):
        """``columns``: the (text, type) column names; a workbook without ``sheet`` maps the first sheet
        that has them."""
        self.uri, self.sheet, self.block_rows = str(uri), sheet, max(1, int(block_rows))
        self.columns = columns
        self.fs, self.path, self.remote = resolve(uri)
        info = self.fs.get_file_info(self.path)
        if info.type == pafs.FileType.NotFound:
            raise InputError(f"input file not found: {self.uri}")
        if info.type == pafs.FileType.Directory:
            files = [f for f in self.fs.get_file_info(pafs.FileSelector(self.path, recursive=False))
                     if f.type == pafs.FileType.File and not f.base_name.startswith(("_", "."))
                     and suffix(f.path) in (".parquet", ".csv", ".tsv", ".txt")]
            files.sort(key=lambda f: f.base_name)
            if not files:
                raise InputError(f"input directory {self.uri} holds no .parquet/.csv/.tsv shards")
            kinds = {suffix(f.path) for f in files}
            if len(kinds) > 1:
                raise InputError(f"input directory {self.uri} mixes shard types {sorted(kinds)}; use one")
        else:
            files = [info]
        self.files = files
        self.ext = suffix(files[0].path)
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
            files.append({"path": f.path, "size": f.size, "mtime_ns": f.mtime_ns, "head_sha256": sha256(head)})
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
            sheets = pd.read_excel(_io.BytesIO(read_bytes(self.fs, f.path)),
                                   sheet_name=self.sheet if self.sheet is not None else None, dtype=object)
        except Exception as exc:
            if "not found" in str(exc).lower() and self.sheet is not None:
                raise InputError(f"{f.path}: no sheet named {self.sheet!r} ({exc})") from exc
            raise self._wrap(f.path, self.ext[1:], exc) from exc
        df = sheets if self.sheet is not None else self._pick_sheet(f.path, sheets)
        self.frame = df  # the cells as read (read_table keeps their Python types)
        self._xlsx = _frame_to_arrow(df)
        self.schema = self._xlsx.schema
        self.total_rows = len(df)

    def _pick_sheet(self, path: str, sheets: dict[str, pd.DataFrame]) -> pd.DataFrame:
        """The first sheet with the text and type columns (the only sheet when there is one)."""
        if len(sheets) == 1 or self.columns is None:
            return next(iter(sheets.values()))
        for name, df in sheets.items():
            try:
                resolve_columns(df, *self.columns, source=path)
            except InputError:
                continue
            self.sheet = name
            return df
        listing = "; ".join(f"{name!r}: {[str(c) for c in df.columns]}" for name, df in sheets.items())
        raise InputError(f"{path}: no sheet has the columns {list(self.columns)}; sheets: {listing}. "
                         "Pass --sheet, or --text-column/--type-column")

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


def read_table(path: str | Path, sheet: str | int | None = None) -> pd.DataFrame:
    """A whole (small) input as one frame, through the same readers as the streaming job: csv/tsv with
    the sniffed delimiter and encoding, xlsx cells as read, parquet with its types."""
    src = Source(path, sheet, block_rows=1 << 30)
    if src.ext in (".xlsx", ".xlsm", ".xls"):
        return src.frame.reset_index(drop=True)
    tables = [t for _, t in src.tables()]
    return (pa.concat_tables(tables) if tables else src.schema.empty_table()).to_pandas()
