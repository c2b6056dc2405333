"""Catalog loading: HiLabs/UMLS-style parquet (CUI, System, TTY, CODE, STR, STY) -> clean per-system tables.

Validation fails loudly with the file and column named; normalization keeps codes as strings, trims text,
drops empty strings and collapses rows that would embed identically (same code, same match text).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from ray_app.text.normalize import match_text

REQUIRED_COLUMNS = ("CUI", "System", "TTY", "CODE", "STR", "STY")
SYSTEMS = ("RXNORM", "SNOMEDCT_US")
# Lower = preferred as a code's display name and kept first when rows collapse.
TTY_RANK = {
    "SNOMEDCT_US": {"PT": 0, "FN": 1, "SY": 2},
    "RXNORM": {"SCD": 0, "SBD": 1, "IN": 2, "PIN": 3, "MIN": 4, "BN": 5, "SCDC": 6, "SBDC": 7, "SCDF": 8,
               "SBDF": 9, "SCDG": 10, "SBDG": 11, "GPCK": 12, "BPCK": 13, "SY": 14, "TMSY": 15},
}
UNRANKED = 50
# Rows written by an LLM (``harmonize build --enrich``, ray_app.enrich) rank after every catalog string: they
# sort last among a code's rows, so they are never its display name (the first row) nor equally preferred.
LLM_TTY = "LLM"
LLM_RANK = 99
# parquet key-value metadata written by ``harmonize catalog convert``: the release it read (JSON), e.g.
# {"rf2": "20240301", "rf2_edition": "US1000124"}; an index built from the file records it as its version
RELEASE_KEY = "harmonize.release"


class CatalogError(ValueError):
    """A catalog file that cannot be used, with the file and column named."""


def _read_one(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise CatalogError(f"catalog file not found: {path}")
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise CatalogError(f"catalog {path}: not a readable parquet file ({type(exc).__name__}: {exc})") from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise CatalogError(
            f"catalog {path}: missing column(s) {missing}; expected {list(REQUIRED_COLUMNS)}, found {list(df.columns)}"
        )
    code = df["CODE"]
    if not (pd.api.types.is_string_dtype(code) or pd.api.types.is_object_dtype(code)) or not all(
        isinstance(v, str) or v is None or (isinstance(v, float) and np.isnan(v)) for v in code.head(1000)
    ):
        raise CatalogError(
            f"catalog {path}: column CODE must hold strings (dtype {code.dtype}); "
            "codes like SNOMED '00123' lose meaning as numbers — write them as strings"
        )
    systems = set(df["System"].dropna().astype(str).str.strip().unique())
    unknown = systems - set(SYSTEMS)
    if unknown:
        raise CatalogError(f"catalog {path}: column System has unknown value(s) {sorted(unknown)}; expected {list(SYSTEMS)}")
    out = df[list(REQUIRED_COLUMNS)].copy()
    out["source"] = path.name
    return out


def synonym_rows(catalog: pd.DataFrame, synonyms: pd.DataFrame, tty: str, source: str) -> pd.DataFrame:
    """Extra strings (columns CODE, STR, and System: SNOMEDCT_US when absent) as catalog rows (with
    ``match_text``) of codes the catalog already has; the CUI and STY come from the code's own row, so an
    extra string can never create a code. ``catalog`` is load_catalog's working frame: the REQUIRED_COLUMNS
    plus ``match_text``.

    A wording is skipped when it would make two codes read the same: when the catalog already uses it (for
    any code) or when it is linked to more than one of the catalog's codes.
    """
    syn = synonyms.assign(CODE=synonyms["CODE"].astype(str), STR=synonyms["STR"].astype(str),
                          System=synonyms["System"].astype(str) if "System" in synonyms else "SNOMEDCT_US")
    own = catalog[catalog["System"].isin(set(syn["System"]))]
    own = own.iloc[np.argsort((own["STY"] == "").to_numpy(), kind="stable")]  # a row that has an STY first
    own = own.assign(key=own["System"] + "\x1f" + own["CODE"]).drop_duplicates("key").set_index("key")
    syn = syn.assign(key=syn["System"] + "\x1f" + syn["CODE"])
    syn = syn[syn["key"].isin(own.index)]
    syn = syn.assign(mt=[match_text(s) for s in syn["STR"]])
    known = set(catalog["match_text"])
    single = syn.groupby("mt")["key"].transform("nunique") == 1
    syn = syn[single & ~syn["mt"].isin(known) & (syn["mt"] != "")].drop_duplicates(["key", "mt"])
    if syn.empty:
        return catalog.iloc[:0]
    rows = own.loc[syn["key"], ["CUI", "System", "CODE", "STY"]].reset_index(drop=True)
    rows["STR"], rows["TTY"], rows["source"], rows["match_text"] = syn["STR"].to_numpy(), tty, source, syn["mt"].to_numpy()
    return rows[list(REQUIRED_COLUMNS) + ["source", "match_text"]]


def load_catalog(paths: list[str | Path], synonyms: pd.DataFrame | None = None,
                 synonyms_tty: str = "HPO", enrichment: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Read, validate and normalize catalog files into one table per system.

    ``synonyms`` (CODE, STR) adds external wordings to codes already in the catalog (see ray_app.catalog.hpo);
    ``enrichment`` (System, CODE, STR) adds LLM-written ones (TTY ``LLM``, ray_app.enrich), after every other.

    Each table is sorted by CODE then TTY preference, so a code's rows are contiguous (the per-code
    aggregation relies on it) and the first row of a code is its display name.
    """
    if not paths:
        raise CatalogError("no catalog files given")
    frames = [_read_one(Path(p)) for p in paths]
    df = pd.concat(frames, ignore_index=True)
    for col in REQUIRED_COLUMNS:
        df[col] = df[col].astype("string").fillna("").str.strip()
    df = df[(df["STR"] != "") & (df["CODE"] != "") & (df["System"] != "")]
    if df.empty:
        raise CatalogError(f"catalog {[str(p) for p in paths]}: no usable rows (every STR/CODE is empty)")
    df = df.drop_duplicates(subset=list(REQUIRED_COLUMNS))
    df = df.assign(match_text=[match_text(s) for s in df["STR"].tolist()])  # once: the synonym join needs it too
    if synonyms is not None and not synonyms.empty:
        # synonym rows are new (CODE, match text) pairs by construction: no duplicates to drop again
        df = pd.concat([df, synonym_rows(df, synonyms, synonyms_tty, synonyms_tty.lower())], ignore_index=True)
    if enrichment is not None and not enrichment.empty:
        df = pd.concat([df, synonym_rows(df, enrichment, LLM_TTY, "llm")], ignore_index=True)
    tables: dict[str, pd.DataFrame] = {}
    for system, part in df.groupby("System", sort=True):
        part = part.copy()
        ranks = TTY_RANK.get(system, {})
        part["tty_rank"] = part["TTY"].map({**ranks, LLM_TTY: LLM_RANK}).fillna(UNRANKED).astype(np.int16)
        part = part[part["match_text"] != ""]
        part = part.sort_values(["CODE", "tty_rank", "STR"], kind="stable")
        # Rows of one code that embed identically (FN "Asthma (disorder)" vs PT "Asthma") add nothing.
        part = part.drop_duplicates(subset=["CODE", "match_text"], keep="first")
        part = part.reset_index(drop=True)
        part["code_idx"] = pd.factorize(part["CODE"], sort=False)[0].astype(np.int32)
        tables[system] = part[["CODE", "STR", "TTY", "STY", "CUI", "match_text", "tty_rank", "code_idx"]]
    return tables


def fingerprint(tables: dict[str, pd.DataFrame]) -> str:
    """Content hash of the normalized catalog (order-sensitive: row alignment depends on it)."""
    h = hashlib.sha256()
    for system in sorted(tables):
        t = tables[system]
        h.update(system.encode())
        h.update(pd.util.hash_pandas_object(t[["CODE", "STR", "TTY", "STY"]], index=False).to_numpy().tobytes())
    return h.hexdigest()[:16]


def catalog_release(paths: list[str | Path]) -> list[dict[str, str]]:
    """Per catalog file, the release its converter recorded (``RELEASE_KEY``); {} for a file without one."""
    import pyarrow.parquet as pq

    out = []
    for p in paths:
        try:
            raw = (pq.read_metadata(p).metadata or {}).get(RELEASE_KEY.encode())  # file key-value metadata
        except Exception:  # unreadable: load_catalog says why, with the file named
            raw = None
        try:
            out.append(json.loads(raw) if raw else {})
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise CatalogError(f"catalog {p}: metadata {RELEASE_KEY} is not JSON ({raw[:80]!r})") from None
    return out


_RELEASE_LABELS = (("umls", "UMLS"), ("rf2", "SNOMED CT"), ("rxnorm", "RxNorm"), ("fhir_package", "FHIR"),
                   ("fhir", "FHIR"))


def release_name(release: dict[str, str]) -> str | None:
    """'SNOMED CT US1000124 20240301; RxNorm 2024-03-04' from converter release fields; None when none."""
    parts = []
    for key, label in _RELEASE_LABELS:
        if key in release and not (key == "fhir" and "fhir_package" in release):
            edition = release.get("rf2_edition", "") if key == "rf2" else ""
            parts.append(" ".join(x for x in (label, edition, str(release[key])) if x))
    return "; ".join(parts) or None


def catalog_version(releases: list[dict[str, str]], content_fingerprint: str) -> str:
    """The catalog's version: the release name(s) when every file says it, the content fingerprint when
    none does, both when only some files do (the name alone would not describe the whole catalog)."""
    merged: dict[str, str] = {}
    for r in releases:
        merged.update(r)
    name = release_name(merged)
    if name is None:
        return content_fingerprint
    return name if all(releases) else f"{name} + {content_fingerprint}"
