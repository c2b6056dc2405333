"""Table conventions shared by readers and writers: the column names, header matching, delimiter and
encoding sniffing, and spreadsheet-safe writing (text cells stay text)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

TEXT_COLUMN = "Input Entity Description"
TYPE_COLUMN = "Entity Type"
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit minus the header
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class InputError(ValueError):
    """An input file that cannot be mapped, with the reason spelled out."""


def sniff_separator(header: str, sep: str) -> str:
    """The delimiter of a one-column-looking header line: ``sep`` unless it is absent and ;/tab/| is there."""
    if sep in header or _norm_header(header) == _norm_header(TEXT_COLUMN):
        return sep
    for other in (";", "\t", "|"):
        if other in header:
            return other
    return sep


def sniff_delimited(head: bytes, sep: str, whole: bool) -> tuple[str, str]:
    """(separator, encoding) of a delimited file from its first bytes, by ``_read_delimited``'s rules:
    a UTF-16 BOM, else UTF-8 (BOM optional) when ``head`` decodes, else cp1252; ;/tab/| when the header
    line lacks ``sep``. ``whole`` says ``head`` is the entire file (else a cut multi-byte character at
    its end is not an error)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
        text = head.decode("utf-16", errors="ignore")
    else:
        import codecs

        try:
            text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=whole)
            encoding = "utf-8-sig"
        except UnicodeDecodeError:
            encoding, text = "cp1252", head.decode("cp1252", errors="replace")
    first = text.splitlines()[0] if text else ""
    return sniff_separator(first, sep), encoding


def _norm_header(name: object) -> str:
    return re.sub(r"[^a-z]", "", str(name).lower())


def resolve_columns(df: pd.DataFrame, text_col: str = TEXT_COLUMN, type_col: str = TYPE_COLUMN,
                    source: str = "input") -> tuple[str, str]:
    """Find the text and type columns, tolerating case/space/underscore differences."""
    found = {}
    for want in (text_col, type_col):
        if want in df.columns:
            found[want] = want
            continue
        matches = [c for c in df.columns if _norm_header(c) == _norm_header(want)]
        if len(matches) == 1:
            found[want] = matches[0]
    missing = [c for c in (text_col, type_col) if c not in found]
    if missing:
        raise InputError(f"{source}: missing column(s) {missing}; found {[str(c) for c in df.columns]}. "
                         f"Name them exactly, or pass --text-column/--type-column")
    return found[text_col], found[type_col]


def csv_safe(value):
    """OWASP CSV injection: a text cell that a spreadsheet would run as a formula gets a leading quote."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) else value


def xlsx_cell(value):
    """A cell value openpyxl can store: control characters removed, Excel's 32,767-character limit."""
    return _ILLEGAL_XLSX.sub("", value)[:32767] if isinstance(value, str) else value


def write_xlsx(frames, path: str | Path) -> Path:
    """Frames (one sheet, in order) to an xlsx where every text cell is a text cell (openpyxl
    ``data_type='s'``): an input ``=HYPERLINK(...)`` stays text and never becomes a live formula.
    Streams row by row (openpyxl write-only mode), so memory does not grow with the file."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("mapped")
    rows, header = 0, False
    for df in frames:
        if not header:
            ws.append([_text_cell(ws, str(c)) for c in df.columns])
            header = True
        rows += len(df)
        if rows > XLSX_MAX_ROWS:
            raise InputError(f"{rows:,}+ rows exceed Excel's sheet limit; write .parquet or .csv instead")
        for rec in df.itertuples(index=False, name=None):
            ws.append([_text_cell(ws, v) if isinstance(v, str) else (None if _missing(v) else v) for v in rec])
    wb.save(path)
    return Path(path)


def _text_cell(ws, value: str):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=xlsx_cell(value))
    cell.data_type = "s"  # openpyxl marks strings starting with "=" as formulas; this keeps them text
    return cell


def _missing(v) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def write_table(df: pd.DataFrame, path: str | Path, sidecar: dict | None = None, csv_safe_cells: bool = False) -> Path:
    """One frame to .xlsx (text cells), .parquet, or .csv/.tsv (``csv_safe_cells``: formula-like cells quoted)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    ext = p.suffix.lower()
    if ext == ".xlsx":
        write_xlsx([df], p)
    elif ext == ".parquet":
        df.to_parquet(p, index=False)
    elif ext in (".csv", ".tsv"):
        (df.map(csv_safe) if csv_safe_cells else df).to_csv(p, index=False, sep="\t" if ext == ".tsv" else ",")
    else:
        raise InputError(f"unsupported output type {ext or '(none)'} for {p}; use .csv, .tsv, .xlsx or .parquet")
    if sidecar is not None:
        Path(str(p) + ".meta.json").write_text(json.dumps(sidecar, indent=2, default=str))
    return p
