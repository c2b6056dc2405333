"""Reading input tables and writing mapped outputs (csv, tsv, xlsx, parquet)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

TEXT_COLUMN = "Input Entity Description"
TYPE_COLUMN = "Entity Type"
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit minus the header
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class InputError(ValueError):
    """An input file that cannot be mapped, with the reason spelled out."""


def _suffix(path: Path) -> str:
    return "".join(s.lower() for s in path.suffixes[-1:])


def read_table(path: str | Path, sheet: str | int | None = None) -> pd.DataFrame:
    """Read csv/tsv/xlsx/parquet with every cell kept as text (codes and IDs keep leading zeros)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"input file not found: {p}")
    if p.stat().st_size == 0:
        raise InputError(f"input file {p} is empty (0 bytes)")
    ext = _suffix(p)
    try:
        if ext in (".xlsx", ".xlsm", ".xls"):
            return pd.read_excel(p, sheet_name=sheet if sheet is not None else 0, dtype=object)
        if ext == ".parquet":
            return pd.read_parquet(p)
        if ext in (".csv", ".tsv", ".txt"):
            return _read_delimited(p, "\t" if ext == ".tsv" else ",")
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"cannot read {p} as {ext[1:]}: {type(exc).__name__}: {exc}") from exc
    raise InputError(f"unsupported input type {ext or '(none)'} for {p}; use .csv, .tsv, .xlsx or .parquet")


def _read_delimited(p: Path, sep: str, sniff: bool = True) -> pd.DataFrame:
    head = p.open("rb").read(4)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a BOM (Excel's "Unicode text")
        df = pd.read_csv(p, sep=sep, dtype=object, encoding="utf-16", keep_default_na=False, na_values=[""])
        if sniff and len(df.columns) == 1 and _norm_header(df.columns[0]) != _norm_header(TEXT_COLUMN):
            other = sniff_separator(str(df.columns[0]), sep)
            if other != sep:
                return pd.read_csv(p, sep=other, dtype=object, encoding="utf-16", keep_default_na=False,
                                   na_values=[""])
        return df
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            df = pd.read_csv(p, sep=sep, dtype=object, encoding=encoding, keep_default_na=False,
                             na_values=[""], encoding_errors="replace" if encoding == "cp1252" else "strict")
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise InputError(f"cannot decode {p} as UTF-8 or cp1252")
    if sniff and len(df.columns) == 1 and _norm_header(df.columns[0]) != _norm_header(TEXT_COLUMN):
        other = sniff_separator(str(df.columns[0]), sep)
        if other != sep:  # a "csv" written with another delimiter: read it with that one
            return _read_delimited(p, other, sniff=False)
    return df


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


def write_table(df: pd.DataFrame, path: str | Path, sidecar: dict | None = None) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    ext = _suffix(p)
    if ext == ".xlsx":
        if len(df) > XLSX_MAX_ROWS:
            raise InputError(f"{len(df):,} rows exceed Excel's sheet limit; write .parquet or .csv instead")
        safe = df.copy()
        for col in safe.columns:
            if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
                safe[col] = safe[col].map(lambda v: _ILLEGAL_XLSX.sub("", v)[:32767] if isinstance(v, str) else v)
        safe.to_excel(p, index=False, engine="openpyxl")  # codes are str -> text cells, never numbers
    elif ext == ".parquet":
        df.to_parquet(p, index=False)
    elif ext in (".csv", ".tsv"):
        df.to_csv(p, index=False, sep="\t" if ext == ".tsv" else ",")
    else:
        raise InputError(f"unsupported output type {ext or '(none)'} for {p}; use .csv, .tsv, .xlsx or .parquet")
    if sidecar is not None:
        Path(str(p) + ".meta.json").write_text(json.dumps(sidecar, indent=2, default=str))
    return p
