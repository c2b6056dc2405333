"""Vector reuse for ``harmonize build --base OLD_INDEX``: a string's embedding depends only on the string
and the embedding model (weights and max_seq_length), so every string the base index already embedded
with the same model is copied from its vectors.f32 instead of being embedded again.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ray_app.index.bundle import BundleWriter, IndexBundle, IndexBundleError
from ray_app.index.versions import IndexVersionError, catalog_label, resolve_index_dir

CHUNK = 65536  # rows gathered from the base memmap per copy


@dataclass
class Base:
    path: Path  # the concrete version directory
    meta: dict
    compatible: bool  # its vectors are the ones this build's model would compute
    note: str = ""  # why not, when not

    @property
    def version(self) -> str:
        return catalog_label(self.meta)


def embedding_key(meta_or_fp: dict) -> tuple:
    """What a vector depends on besides its string: model weights, dim, truncation length."""
    m = meta_or_fp
    return (m["model"]["fingerprint"], int(m["model"]["dim"]), m.get("config", {}).get("model", {}).get("max_seq_length"))


def open_base(base: str | Path, model_fp: str, dim: int, max_seq_length: int) -> Base:
    """Check the base index before anything is loaded: a missing or damaged base is an error that names it;
    one built with another model is usable for the diff only (nothing is reused, and the build says so)."""
    p = Path(base)
    if not p.exists():
        raise IndexBundleError(f"--base {base}: no such index directory (give the index, or the versioned "
                               "root whose 'current' points at it)")
    try:
        d = resolve_index_dir(p)
        meta = IndexBundle.check(d)  # meta.json, file sizes, row counts: a truncated base fails here
    except (IndexBundleError, IndexVersionError) as exc:
        raise IndexBundleError(f"--base {base} cannot be used: {exc}") from None
    want = (model_fp, dim, max_seq_length)
    have = embedding_key(meta)
    note = "" if have == want else (f"base vectors are from another embedding model or max_seq_length "
                                    f"({have} vs {want}); every string is embedded")
    return Base(d, meta, not note, note)


def reuse_vectors(writer: BundleWriter, base: Base, log: Callable[[str], None] = print) -> int:
    """Fill ``writer`` with the base's vector of every distinct plan text the base holds (in any of its
    systems: the vector does not depend on the system). Returns how many texts were filled."""
    if not base.compatible:
        return 0
    dim, filled = writer.dim, 0
    for system, info in base.meta["systems"].items():
        todo = writer.missing()
        if todo.empty:
            break
        old_text = pd.read_parquet(base.path / system / "catalog.parquet", columns=["match_text"])["match_text"]
        first = pd.Series(np.arange(len(old_text), dtype=np.int64), index=old_text.to_numpy())
        first = first[~first.index.duplicated()]
        rows = first.reindex(todo["text"].to_numpy()).to_numpy()
        hit = ~np.isnan(rows)
        if not hit.any():
            continue
        vectors = np.memmap(base.path / system / "vectors.f32", mode="r", dtype=np.float32,
                            shape=(int(info["rows"]), dim))
        found = todo[hit].assign(row=rows[hit].astype(np.int64)).sort_values("row")  # sequential reads
        for start in range(0, len(found), CHUNK):
            part = found.iloc[start:start + CHUNK]
            vecs = vectors[part["row"].to_numpy()]
            for target, idx in part.groupby("system").indices.items():
                writer.add(target, part["uid"].to_numpy()[idx], vecs[idx])
        filled += len(found)
        del vectors
    log(f"[build] reused {filled:,} vectors from the base {base.path}")
    return filled
