"""Load the whole in-process engine (index + embedder + matcher) with the model/index check."""
from __future__ import annotations

from ray_app.config import Config
from ray_app.embed import Embedder
from ray_app.index.bundle import IndexBundle
from ray_app.match.matcher import Matcher


def load_engine(index_dir: str, config: Config) -> Matcher:
    embedder = Embedder.from_config(config.model)
    bundle = IndexBundle.load(index_dir, model_fingerprint=embedder.fingerprint,
                              ef_search=config.index.hnsw_ef_search, nprobe=config.index.ivf_nprobe)
    if bundle.dim != embedder.dim:
        raise ValueError(f"index dim {bundle.dim} != model dim {embedder.dim}")
    return Matcher(bundle, config, embedder)
