"""Chunked reading of delimited release files (RRF: pipe, no header; RF2: tab, header) with pyarrow.

pyarrow's streaming CSV reader keeps memory bounded by its block size and never builds Python objects
for columns we do not ask for. Quoting is off: RRF and RF2 carry literal double quotes inside terms.
A line with the wrong number of fields is skipped by the reader but counted as rejected here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from ray_app.catalog.sources._sink import Report, SourceError

BYTES_PER_ROW = 128  # a typical MRCONSO / RF2 description line; turns chunk_rows into a read block size


def stream_table(path: Path, *, delimiter: str, columns: list[str], report: Report,
                 names: list[str] | None = None, chunk_rows: int = 200_000,
                 count: bool = True) -> Iterator[pa.RecordBatch]:
    """Yield record batches of ``columns`` (all strings). ``names``: the file has no header, these are its
    fields (RRF, with a trailing empty one for the final '|'); ``None``: the first line is the header.
    ``count=False`` for a second pass over a file: rows and malformed lines are counted once."""
    bad: list = []  # first few malformed lines, for the report
    n_bad = [0]

    def on_bad(row) -> str:
        n_bad[0] += 1
        if len(bad) < 3:
            bad.append({"line": row.number, "fields": row.actual_columns, "expected": row.expected_columns,
                        "text": (row.text or "")[:200]})
        return "skip"

    block = max(1 << 14, min(1 << 30, chunk_rows * BYTES_PER_ROW))
    read = pcsv.ReadOptions(column_names=names, block_size=block, use_threads=False)
    parse = pcsv.ParseOptions(delimiter=delimiter, quote_char=False, double_quote=False, escape_char=False,
                              newlines_in_values=False, invalid_row_handler=on_bad)
    conv = pcsv.ConvertOptions(column_types={c: pa.string() for c in columns}, include_columns=columns,
                               strings_can_be_null=False, null_values=[])
    try:
        reader = pcsv.open_csv(path, read_options=read, parse_options=parse, convert_options=conv)
    except (pa.ArrowInvalid, KeyError) as exc:
        raise SourceError(f"{path}: not a readable {'RRF' if names else 'RF2'} file ({exc})") from exc
    try:
        for batch in reader:
            if count:
                report.read(path.name, batch.num_rows)
            yield batch
    except pa.ArrowInvalid as exc:
        raise SourceError(f"{path}: {exc}") from exc
    finally:
        if n_bad[0] and count:
            report.read(path.name, n_bad[0])
            report.reject(f"malformed line in {path.name}", n_bad[0], bad)


def int_keys(arr: pa.Array) -> np.ndarray:
    """Identifier strings -> int64 (-1 when not of the shape): CUI 'C0004096' -> 4096, RXCUI or SCTID as is.
    Lookup tables of millions of concepts then cost 8 bytes per id, not a Python string."""
    valid = pc.match_substring_regex(arr, r"^C?[0-9]{1,18}$")
    digits = pc.if_else(valid, pc.replace_substring_regex(arr, "^C", ""), "-1")
    return pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False)


def member(sorted_ids: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(found mask, position) of each id in a sorted unique array."""
    if len(sorted_ids) == 0:
        return np.zeros(len(ids), bool), np.zeros(len(ids), np.int64)
    pos = np.clip(np.searchsorted(sorted_ids, ids), 0, len(sorted_ids) - 1)
    return sorted_ids[pos] == ids, pos
