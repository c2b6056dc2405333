"""Embedding actors (the model loads once per actor, on a GPU when given one)."""
from __future__ import annotations

import numpy as np

from ray_app.config import Config
from ray_app.embed import Embedder, encode_anchors


class CatalogEmbedder:
    """Ray Data ``map_batches``: plan batch {system, uid, text} -> {system, uid, vector}."""

    def __init__(self, config: Config):
        self.embedder = Embedder.from_config(config.model, catalog=True)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vecs = self.embedder.encode([str(t) for t in batch["text"]])
        return {"system": batch["system"], "uid": batch["uid"], "vector": vecs}


class QueryEmbedder:
    """Distinct queries (``batch.prepare.Query``) -> (queries, one anchor-vector array per query), the
    input of ``IndexReplica``; the pair goes replica-ward without visiting the driver."""

    def __init__(self, config: Config):
        self.embedder = Embedder.from_config(config.model)

    def __call__(self, queries: list) -> tuple[list, list[np.ndarray]]:
        return queries, encode_anchors(self.embedder, [q.anchors for q in queries])
