"""IndexReplica: holds one IndexBundle (FAISS + read-only memmaps) and runs Matcher.match_batch.

Memmaps are opened read-only, so every replica on a node shares one copy in the page cache.
"""
from __future__ import annotations

from ray_app.config import Config
from ray_app.engine import load_bundle
from ray_app.match.matcher import Matcher
from ray_app.result import MatchResult


class IndexReplica:
    def __init__(self, index_dir: str, config: Config):
        self.matcher = Matcher(load_bundle(index_dir, config), config)

    def __call__(self, embedded: tuple[list, list]) -> list[MatchResult]:
        queries, vectors = embedded
        return self.matcher.match_batch(queries, vectors)
