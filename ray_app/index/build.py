"""Index build, driver-agnostic: catalog -> distinct texts -> (any embedding engine) -> IndexBundle."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from ray_app.catalog.load import load_catalog
from ray_app.config import Config
from ray_app.embed import Embedder, model_fingerprint, resolve_model_path
from ray_app.index.bundle import BundleWriter

# An embedding engine: given the plan (system, uid, text), yields (system, uids, vectors) in any order.
EmbedStream = Callable[[pd.DataFrame], Iterable[tuple[str, np.ndarray, np.ndarray]]]


def local_embed_stream(embedder: Embedder, chunk: int = 2048) -> EmbedStream:
    def stream(plan: pd.DataFrame):
        for start in range(0, len(plan), chunk):
            part = plan.iloc[start:start + chunk]
            vecs = embedder.encode(part["text"].tolist())
            for system, idx in part.groupby("system").indices.items():
                yield system, part["uid"].to_numpy()[idx], vecs[idx]
    return stream


def build_index(catalogs: list[str], out_dir: str | Path, config: Config, embed_stream: EmbedStream,
                dim: int, log: Callable[[str], None] = print) -> dict:
    t0 = time.perf_counter()
    synonyms, sources = None, [str(c) for c in catalogs]
    if config.index.hpo_synonyms:
        from ray_app.catalog.hpo import default_obo_path, hpo_synonyms

        obo = config.index.hpo_obo or default_obo_path()
        synonyms = hpo_synonyms(obo)
        sources.append(f"HPO synonyms: {obo}")
    tables = load_catalog(catalogs, synonyms=synonyms)
    model_path = resolve_model_path(config.model.path)
    for system, t in tables.items():
        log(f"[build] {system}: {len(t):,} rows, {t['code_idx'].max() + 1:,} codes")
    writer = BundleWriter(out_dir, tables, model_path, model_fingerprint(model_path), dim, config,
                          sources=sources)
    # longest-first keeps padding per encode batch small and the progress ETA honest
    plan = writer.plan.assign(_len=writer.plan["text"].str.len()).sort_values("_len", ascending=False,
                                                                              kind="stable").drop(columns="_len")
    total, done, t_embed = len(plan), 0, time.perf_counter()
    for system, uids, vecs in embed_stream(plan):
        writer.add(system, uids, vecs)
        done += len(uids)
        rate = done / max(time.perf_counter() - t_embed, 1e-9)
        log(f"[build] embedded {done:,}/{total:,} distinct strings, {rate:.0f}/s, ETA {(total - done) / rate:.0f}s")
    meta = writer.finalize(log=log)
    meta["build_seconds"] = round(time.perf_counter() - t0, 1)
    log(f"[build] done in {meta['build_seconds']}s -> {out_dir}")
    return meta
