"""Safe upload handling for the review jobs: what a file must be before the engine sees it.

The body is the file itself (``POST /v1/review/jobs?filename=...``; no multipart parser, no temporary file
elsewhere): it is streamed into the job's own folder and stopped at ``review.upload_max_bytes``. Then:

* the name: a plain file name (no ``/``, ``\\``, ``..``, control characters), its type from the suffix
  (.csv, .tsv, .xlsx, .parquet; anything else is a 415), the stored name is ours (``input.<ext>``);
* the content matches the type (an xlsx is a zip, a parquet starts with ``PAR1``, a csv has no NUL bytes);
* an xlsx is a zip: its members' declared sizes must sum to at most ``review.xlsx_max_unzipped_bytes`` and
  compress no better than ``review.xlsx_max_ratio`` (a zip bomb is refused before anything unpacks it;
  ``zipfile`` stops at the declared size, so a member cannot lie its way past this);
* formulas: an xlsx cell holding a formula, or a text cell a spreadsheet would run as one (``=``, ``@``, or
  ``+``/``-`` before a function call), is refused: reviewers download these files again;
* the text and entity-type columns exist (the standard names, or the ones the user picked).

Every refusal is an ``UploadProblem`` (status, type, message, extra members) and the caller removes the
job folder, so a refused upload leaves nothing behind.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd

from ray_app.batch.source import read_table
from ray_app.batch.tables import TEXT_COLUMN, TYPE_COLUMN, InputError, resolve_columns
from ray_app.config import ReviewConfig

TYPES = {".csv": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
_BAD_NAME = re.compile(r"[\x00-\x1f/\\]")
_FORMULA = re.compile(r"^\s*(?:[=@]|[+\-]\s*[A-Za-z_][A-Za-z0-9_.]*\s*\()")


class UploadProblem(Exception):
    def __init__(self, status: int, kind: str, detail: str, **extra):
        super().__init__(detail)
        self.status, self.kind, self.detail, self.extra = status, kind, detail, extra


def check_name(filename: str | None) -> str:
    """The upload's suffix (``.csv`` ...) from a plain file name."""
    name = (filename or "").strip()
    if not name:
        raise UploadProblem(422, "bad-filename", "give the file name: POST /v1/review/jobs?filename=NAME.csv")
    if _BAD_NAME.search(name) or ".." in name or name.startswith(".") or len(name) > 255:
        raise UploadProblem(422, "bad-filename", "the file name must be a plain name (no folders, '..', '/', '\\' "
                                                 "or control characters)")
    ext = Path(name).suffix.lower()
    if ext not in TYPES:
        raise UploadProblem(415, "unsupported-type", f"files of type {ext or '(no suffix)'} are not accepted; "
                                                     f"upload {', '.join(TYPES)}")
    return ext


async def receive(chunks, dest: Path, limit: int) -> int:
    """Stream the body into ``dest``; past ``limit`` bytes stop and refuse (413)."""
    size = 0
    with open(dest, "wb") as f:
        async for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise UploadProblem(413, "upload-too-large", f"the file is over {limit:,} bytes "
                                                             "(review.upload_max_bytes); split it, or map it with "
                                                             "harmonize map")
            f.write(chunk)
    if size == 0:
        raise UploadProblem(422, "empty-upload", "the upload is empty: send the file as the request body")
    return size


def check_content(path: Path, ext: str, cfg: ReviewConfig) -> None:
    kind = TYPES[ext]
    head = path.read_bytes()[:4096] if path.stat().st_size else b""
    if kind == "parquet" and not head.startswith(b"PAR1"):
        raise UploadProblem(422, "wrong-content", "the file is named .parquet but is not a parquet file")
    if kind == "csv" and b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadProblem(422, "wrong-content", f"the file is named {ext} but holds binary data, not text")
    if kind == "xlsx":
        check_zip(path, cfg)
        check_xlsx_formulas(path)


def check_zip(path: Path, cfg: ReviewConfig) -> None:
    if not zipfile.is_zipfile(path):
        raise UploadProblem(422, "wrong-content", "the file is named .xlsx but is not an Excel workbook (a zip)")
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
    total = sum(i.file_size for i in infos)
    if len(infos) > 10_000 or total > cfg.xlsx_max_unzipped_bytes:
        raise UploadProblem(422, "zip-bomb", f"the workbook unpacks to {total:,} bytes in {len(infos):,} parts; "
                                             f"at most {cfg.xlsx_max_unzipped_bytes:,} bytes are accepted "
                                             "(review.xlsx_max_unzipped_bytes)")
    for i in infos:
        if i.file_size > 1_000_000 and i.file_size > cfg.xlsx_max_ratio * max(1, i.compress_size):
            raise UploadProblem(422, "zip-bomb", f"a part of the workbook compresses {i.file_size // max(1, i.compress_size):,}"
                                                 f" to 1 (more than review.xlsx_max_ratio = {cfg.xlsx_max_ratio}): "
                                                 "refused as a zip bomb")


def check_xlsx_formulas(path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) == "f":
                        raise UploadProblem(422, "formula-cells", f"sheet {ws.title!r} cell {cell.coordinate} holds "
                                                                  "a formula; save the sheet as values and upload again")
    finally:
        wb.close()


def check_table(path: Path, text_col: str | None, type_col: str | None) -> dict:
    """Read the file as the engine will; the columns to map, the row count, and no formula-like text."""
    try:
        df = read_table(path)
    except InputError as exc:
        raise UploadProblem(422, "unreadable", str(exc).replace(str(path), "the upload")) from None
    except Exception as exc:
        raise UploadProblem(422, "unreadable", f"the file could not be read as its type ({type(exc).__name__})") from None
    columns = [str(c) for c in df.columns]
    texty = [c for c in df.columns if df[c].map(lambda v: isinstance(v, str) and bool(v.strip())).any()]
    if not texty:
        raise UploadProblem(422, "no-text-column", "the file has no column with text in it: it needs a column of "
                                                   "clinical text and one of entity types", columns=columns)
    try:
        tcol, ycol = resolve_columns(df, text_col or TEXT_COLUMN, type_col or TYPE_COLUMN, source="the upload")
    except InputError:
        wanted = [c for c in (text_col, type_col) if c and c not in columns]
        raise UploadProblem(422, "no-text-column",
                            (f"the file has no column(s) {wanted}" if wanted else
                             f"the file has no {TEXT_COLUMN!r} / {TYPE_COLUMN!r} columns") +
                            "; pick the text and entity-type columns (text_column, type_column)",
                            columns=columns) from None
    for c in df.columns:
        hits = df[c].map(lambda v: isinstance(v, str) and bool(_FORMULA.match(v)))
        if hits.any():
            row = int(hits.to_numpy().argmax()) + 2
            raise UploadProblem(422, "formula-cells", f"column {str(c)!r} row {row} starts like a spreadsheet formula "
                                                      "(=, @, or +/- before a function); remove formulas and upload again")
    return {"rows": int(len(df)), "columns": columns, "text_column": str(tcol), "type_column": str(ycol),
            "preview": [{k: ("" if pd.isna(v) else str(v)) for k, v in r.items()}
                        for r in df[[tcol, ycol]].head(5).to_dict("records")]}
