"""IndexReplica: holds one IndexBundle (FAISS + read-only memmaps) and serves Matcher.match_batch.

Memmaps are opened read-only, so every replica on a node shares one copy in the page cache.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ray_app.config import Config
from ray_app.index.bundle import IndexBundle
from ray_app.match.matcher import RESULT_COLUMNS, Matcher


class IndexReplica:
    def __init__(self, index_dir: str, config: dict):
        cfg = Config.from_dict(config)
        bundle = IndexBundle.load(index_dir, ef_search=cfg.index.hnsw_ef_search, nprobe=cfg.index.ivf_nprobe)
        self.matcher = Matcher(bundle, cfg)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        n_anchors = batch["n_anchors"]
        queries = pd.DataFrame({
            "text": batch["text"], "entity_type": batch["entity_type"], "system": batch["system"],
            "anchors": [list(a)[:k] for a, k in zip(batch["anchors"], n_anchors)],
        })
        vectors = [batch["anchor_vecs"][i, :k] for i, k in enumerate(n_anchors)]
        res = self.matcher.match_batch(queries, vectors)
        out = {"qid": batch["qid"]}
        for col in RESULT_COLUMNS:
            out[col] = res[col].to_numpy(dtype=float if col == "confidence" else object)
        return out
