"""Embedding actors for Ray Data ``map_batches`` (the model loads once per actor, on a GPU when given one)."""
from __future__ import annotations

import numpy as np

from ray_app.config import Config
from ray_app.embed import Embedder


class CatalogEmbedder:
    """plan batch {system, uid, text} -> {system, uid, vector}."""

    def __init__(self, config: dict):
        self.embedder = Embedder.from_config(Config.from_dict(config).model)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vecs = self.embedder.encode([str(t) for t in batch["text"]])
        return {"system": batch["system"], "uid": batch["uid"], "vector": vecs}


class QueryEmbedder:
    """distinct-query batch -> the same batch plus ``anchor_vecs`` (rows, max_anchors, dim), zero-padded."""

    def __init__(self, config: dict, max_anchors: int):
        self.embedder = Embedder.from_config(Config.from_dict(config).model)
        self.max_anchors = max_anchors

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        anchors = [list(a)[: self.max_anchors] for a in batch["anchors"]]
        flat = list(dict.fromkeys(a for group in anchors for a in group))
        vecs = self.embedder.encode(flat)
        pos = {a: i for i, a in enumerate(flat)}
        out = np.zeros((len(anchors), self.max_anchors, self.embedder.dim), dtype=np.float32)
        for i, group in enumerate(anchors):
            if group:
                out[i, : len(group)] = vecs[[pos[a] for a in group]]
        return {**batch, "anchor_vecs": out, "n_anchors": np.array([len(g) for g in anchors], dtype=np.int32)}
