"""Gold files: text, entity type and the acceptable codes per row (xlsx number cells keep their digits)."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from ray_app.batch.source import read_table
from ray_app.batch.tables import InputError, resolve_columns

GOLD_TEXT, GOLD_TYPE, GOLD_CODE = "Input Entity Description", "Entity Type", "Standard Code"


def _code_str(value: Any) -> str:
    """A code cell as text: xlsx numbers (195967001.0) lose the float tail; strings are kept as they are."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def split_codes(value: Any) -> list[str]:
    """'a; b;;c' -> ['a', 'b', 'c'] (several acceptable codes separated by ';')."""
    return list(dict.fromkeys(c.strip() for c in _code_str(value).split(";") if c.strip()))


def read_gold(path: str | Path, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a gold csv/xlsx: columns ``text``, ``entity_type`` (as written), ``codes`` (list of str) plus
    every other column of the file, in file order. Rows without any gold code are an error."""
    df = read_table(path, sheet)
    tcol, ycol = resolve_columns(df, GOLD_TEXT, GOLD_TYPE, str(path))
    ccol = GOLD_CODE if GOLD_CODE in df.columns else next(
        (c for c in df.columns if "".join(ch for ch in str(c).lower() if ch.isalpha()) == "standardcode"), None)
    if ccol is None:
        raise InputError(f"{path}: missing column {GOLD_CODE!r}; found {[str(c) for c in df.columns]}")
    return gold_frame(df[tcol].tolist(), df[ycol].tolist(), df[ccol].tolist(),
                      extra=df.drop(columns=[tcol, ycol, ccol]), source=str(path))


def gold_frame(texts: list, types: list, codes: list, extra: pd.DataFrame | None = None,
               source: str = "gold") -> pd.DataFrame:
    out = pd.DataFrame({"text": texts, "entity_type": types, "codes": [split_codes(c) for c in codes]})
    empty = [i for i, c in enumerate(out["codes"]) if not c]
    if empty:
        raise InputError(f"{source}: {len(empty)} row(s) without a {GOLD_CODE!r} (first at data row {empty[0] + 1})")
    if extra is not None:
        for col in extra.columns:
            if col not in out.columns:
                out[col] = extra[col].to_numpy()
    return out


def sample_gold(gold: pd.DataFrame, limit: int | None, seed: int = 0) -> pd.DataFrame:
    """A seeded sample of ``limit`` rows (file order kept), or the whole gold."""
    if not limit or limit >= len(gold):
        return gold
    return gold.sample(n=limit, random_state=seed).sort_index().reset_index(drop=True)
