"""The in-process engine: index + embedder + matcher + the index's query expander, loaded once.

``check_index`` is the one compatibility check (meta.json, file sizes, the configured model's
fingerprint) that every driver runs before it loads or starts anything.
"""
from __future__ import annotations

from dataclasses import dataclass

from ray_app.config import Config, check_index_config
from ray_app.embed import Embedder, model_fingerprint, resolve_model_path
from ray_app.index.bundle import IndexBundle
from ray_app.match.matcher import Matcher
from ray_app.text.expand import QueryExpander, load_expander


def check_index(index_dir: str, config: Config) -> dict:
    """meta.json of an index that fits ``config.model`` (cheap: no FAISS, no vectors, no model load)."""
    return IndexBundle.check(index_dir, model_fingerprint=model_fingerprint(resolve_model_path(config.model.path)))


def load_bundle(index_dir: str, config: Config, model_fp: str | None = None) -> IndexBundle:
    """The one place every in-process driver, actor and Serve replica loads an index (so also where
    ``index.faiss_threads`` is applied)."""
    set_faiss_threads(check_index_config(config).index.faiss_threads)
    return IndexBundle.load(index_dir, model_fingerprint=model_fp, ef_search=config.index.hnsw_ef_search,
                            nprobe=config.index.ivf_nprobe, mmap=config.index.mmap)


def set_faiss_threads(threads: int) -> None:
    """FAISS's OpenMP threads for this process (``index.faiss_threads``, checked by ``check_index_config``;
    0 leaves them as they are)."""
    if threads:
        import faiss

        faiss.omp_set_num_threads(int(threads))


@dataclass
class Engine:
    matcher: Matcher
    expander: QueryExpander

    @property
    def bundle(self) -> IndexBundle:
        return self.matcher.bundle


def load_matcher(index_dir: str, config: Config) -> Matcher:
    """Index + query encoder: what an actor that embeds and matches needs (queries arrive prepared)."""
    embedder = Embedder.from_config(config.model)
    bundle = load_bundle(index_dir, config, embedder.fingerprint)
    if bundle.dim != embedder.dim:
        raise ValueError(f"index dim {bundle.dim} != model dim {embedder.dim}")
    return Matcher(bundle, config, embedder)


def load_engine(index_dir: str, config: Config) -> Engine:
    return Engine(load_matcher(index_dir, config), load_expander(index_dir, config.model.path))
