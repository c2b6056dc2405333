"""Mapping helpers for the tests: every call goes through the production batch path (Mapper)."""
from __future__ import annotations

from ray_app.batch.backend import LocalBackend
from ray_app.batch.driver import Mapper


def map_rows(engine, texts, types, config, matcher=None):
    """Typed row results through Mapper + LocalBackend with the engine's production expander."""
    backend = LocalBackend(matcher or engine.matcher, config.ray.embed_batch_size)
    return Mapper(backend, config, engine.expander).map(list(texts), list(types)).rows


def top(engine, config, text, etype, matcher=None):
    return map_rows(engine, [text], [etype], config, matcher)[0]
