"""The codes to enrich: one row per (system, code) of an index or of catalog files, with what the prompt
says about it (preferred name, a few other catalog strings, STY) and its facet family."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ray_app.catalog.load import LLM_TTY

COLUMNS = ["system", "code", "name", "names", "sty", "family"]


def facet_family(system: str, kind: str) -> str:
    """Which facets a code gets (prompts.FACETS): drugs, lab measurements, procedures; none otherwise."""
    if system == "RXNORM":
        return "drug"
    return {"measurement": "lab", "procedure": "procedure", "regime": "procedure"}.get(kind, "none")


def code_table(tables: dict[str, pd.DataFrame], max_names: int = 4) -> pd.DataFrame:
    """``tables``: load_catalog's (or an index's) per-system tables, rows sorted by code then preference.
    LLM rows are left out: an enriched index enriched again is told only the catalog's own words."""
    from ray_app.catalog.kinds import code_kinds

    parts = []
    for system, t in sorted(tables.items()):
        t = t[t["TTY"] != LLM_TTY]
        kind = t["kind"] if "kind" in t else pd.Series(code_kinds(t), index=t.index)
        first = ~t["CODE"].duplicated()
        rank = t.groupby("CODE", sort=False).cumcount()
        other = t[(rank > 0) & (rank < max(1, max_names))]
        names = other.groupby("CODE", sort=False)["STR"].agg(list)
        head = t[first]
        parts.append(pd.DataFrame({
            "system": system, "code": head["CODE"].to_numpy(), "name": head["STR"].to_numpy(),
            "names": [names.get(c, []) for c in head["CODE"]], "sty": head["STY"].fillna("").to_numpy(),
            "family": [facet_family(system, k) for k in kind[first]]}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)


def codes_from_index(index_dir: str | Path, max_names: int = 4) -> pd.DataFrame:
    from ray_app.index.versions import resolve_index_dir

    root = resolve_index_dir(index_dir)
    tables = {p.parent.name: pd.read_parquet(p, columns=["CODE", "STR", "TTY", "STY", "kind"])
              for p in sorted(root.glob("*/catalog.parquet"))}
    if not tables:
        raise FileNotFoundError(f"{root}: no <SYSTEM>/catalog.parquet (not an index built by harmonize build)")
    return code_table(tables, max_names)


def codes_from_catalog(paths: list[str], max_names: int = 4) -> pd.DataFrame:
    from ray_app.catalog.load import load_catalog

    return code_table(load_catalog(paths), max_names)
