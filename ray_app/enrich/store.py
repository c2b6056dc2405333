"""ENRICH_DIR: the enrichment results as parquet shards, appended by every run and never rewritten.

    ENRICH_DIR/part-<UTC time>-<run>-<n>.parquet   records (RECORD_SCHEMA), written beside and renamed

A record is one answer for one code: ``ok`` (description, keywords, facets) or ``failed`` / ``timeout``
(``error`` says why). Per code the latest ok record counts, else the latest failure; a code with an ok
record is skipped by the next run, a failed one is asked again. A run killed mid-write leaves at most a
``.tmp`` file, which no reader opens.
"""
from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

RECORD_SCHEMA = pa.schema([
    ("system", pa.string()), ("code", pa.string()), ("status", pa.string()), ("error", pa.string()),
    ("description", pa.string()), ("keywords", pa.list_(pa.string())), ("facets", pa.string()),  # JSON object
    ("family", pa.string()), ("model", pa.string()), ("prompt_version", pa.string()),
    ("prompt_tokens", pa.int64()), ("completion_tokens", pa.int64()), ("seconds", pa.float64()),
    ("run", pa.string()), ("created", pa.string()),
])
FIELDS = [f.name for f in RECORD_SCHEMA]
OK = "ok"


def empty_records() -> pd.DataFrame:
    return RECORD_SCHEMA.empty_table().to_pandas()


class EnrichStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.run = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:6]
        self._n = 0

    def shards(self) -> list[Path]:
        return sorted(self.root.glob("part-*.parquet")) if self.root.is_dir() else []

    def write(self, records: pd.DataFrame) -> Path | None:
        """Append ``records`` as one new shard (atomically: a reader sees all of it or nothing)."""
        if records.empty:
            return None
        self.root.mkdir(parents=True, exist_ok=True)
        self._n += 1
        path = self.root / f"part-{self.run}-{self._n:05d}.parquet"
        tmp = path.with_name("." + path.name + ".tmp")
        table = pa.Table.from_pandas(records[FIELDS], schema=RECORD_SCHEMA, preserve_index=False)
        # no pandas metadata: Ray Data's batches carry pyarrow dtypes that plain pandas readers cannot rebuild
        pq.write_table(table.replace_schema_metadata(None), tmp)
        os.replace(tmp, path)
        return path

    def read(self) -> pd.DataFrame:
        """Every record, oldest shard first."""
        shards = self.shards()
        if not shards:
            return empty_records()
        return pa.concat_tables([pq.read_table(p, schema=RECORD_SCHEMA) for p in shards]).to_pandas()

    def latest(self) -> pd.DataFrame:
        """One record per (system, code): its latest ok one, else its latest failure."""
        df = self.read()
        if df.empty:
            return df
        df = df.assign(_ok=df["status"] == OK, _at=np.arange(len(df)))
        df = df.sort_values(["_ok", "_at"], kind="stable").drop_duplicates(["system", "code"], keep="last")
        return df.sort_values("_at").drop(columns=["_ok", "_at"]).reset_index(drop=True)

    def done_keys(self, latest: pd.DataFrame | None = None) -> set[tuple[str, str]]:
        latest = self.latest() if latest is None else latest
        ok = latest[latest["status"] == OK]
        return set(zip(ok["system"], ok["code"]))


def coverage(codes: pd.DataFrame, latest: pd.DataFrame) -> pd.DataFrame:
    """Per system: codes in the catalog, enriched (ok), failed (latest answer unusable or timed out),
    missing (never asked), and retired (records for codes no longer in the catalog)."""
    cat = codes[["system", "code"]].assign(_in=True)
    rec = latest[["system", "code", "status"]]
    m = cat.merge(rec, on=["system", "code"], how="outer")
    m["_in"] = m["_in"].fillna(False).astype(bool)
    rows = []
    for system, g in m.groupby("system", sort=True):
        inside = g[g["_in"]]
        rows.append({"system": system, "codes": len(inside), "enriched": int((inside["status"] == OK).sum()),
                     "failed": int((inside["status"].notna() & (inside["status"] != OK)).sum()),
                     "missing": int(inside["status"].isna().sum()), "retired": int((~g["_in"]).sum())})
    out = pd.DataFrame(rows, columns=["system", "codes", "enriched", "failed", "missing", "retired"])
    return out.assign(coverage=(out["enriched"] / out["codes"].clip(lower=1)).round(4))


def index_rows(latest: pd.DataFrame, fields: list[str]) -> pd.DataFrame:
    """(System, CODE, STR) of the ok records' ``fields`` ("keywords", "description"): the strings
    ``harmonize build --enrich`` adds as LLM rows (catalog.load.synonym_rows drops ambiguous ones)."""
    unknown = set(fields) - {"keywords", "description"}
    if unknown:
        raise ValueError(f"enrich.index_fields: unknown {sorted(unknown)}; use keywords and/or description")
    ok = latest[latest["status"] == OK]
    parts = []
    if "keywords" in fields:
        kw = ok[["system", "code", "keywords"]].explode("keywords").dropna(subset=["keywords"])
        parts.append(kw.rename(columns={"keywords": "STR"}))
    if "description" in fields:
        parts.append(ok[["system", "code", "description"]].rename(columns={"description": "STR"}))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["system", "code", "STR"])
    out = out[out["STR"].astype(str).str.strip() != ""]
    return out.rename(columns={"system": "System", "code": "CODE"}).reset_index(drop=True)


def facets_of(record) -> dict:
    try:
        v = json.loads(record["facets"] or "{}")
    except (TypeError, json.JSONDecodeError):
        return {}
    return v if isinstance(v, dict) else {}
