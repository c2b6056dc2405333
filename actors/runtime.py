"""Connecting to Ray and sizing actor pools from config (shared by the batch job, the build and Serve)."""
from __future__ import annotations

import os

from ray_app.config import Config


def init_ray(config: Config):
    import ray

    if not ray.is_initialized():
        address = config.ray.address or os.environ.get("RAY_ADDRESS")
        # a local Ray also counts the LLM engine actors' CPUs (they share the cores: Ray's CPUs are
        # scheduling slots, and the embedder + replica already take both of a 2-core machine's)
        cpus = (os.cpu_count() or 1) + (llm_cpus(config) if config.llm.mode != "off" else 0)
        kwargs = {"address": address} if address else {"num_cpus": cpus, "include_dashboard": False}
        ray.init(log_to_driver=True, **kwargs, runtime_env={"env_vars": {"HF_HUB_OFFLINE": "1",
                                                                          "TOKENIZERS_PARALLELISM": "false"}})
        from ray.data import DataContext

        ctx = DataContext.get_current()
        ctx.enable_progress_bars = os.environ.get("HARMONIZE_PROGRESS", "1") == "1"
    return ray


def llm_cpus(config: Config) -> int:
    import math

    return int(math.ceil(max(1, int(config.llm.actors)) * float(config.llm.cpus_per_actor)))


def embed_gpus(config: Config) -> float:
    """GPUs per embedding actor: the configured value, or (-1, the default) 1 when the cluster has GPUs."""
    import ray

    if config.ray.embed_gpus_per_actor >= 0:
        return config.ray.embed_gpus_per_actor
    return 1.0 if ray.cluster_resources().get("GPU", 0) >= 1 else 0.0


def actor_args(config: Config) -> dict:
    return {"max_restarts": config.ray.max_restarts, "max_task_retries": config.ray.max_task_retries}


def dataset_from_frame(ray, df, rows_per_block: int):
    """ray.data.from_pandas over explicit slices (its own splitting breaks on pandas 3 + numpy 2.4)."""
    step = max(1, rows_per_block)
    parts = [df.iloc[i:i + step] for i in range(0, len(df), step)] or [df]
    return ray.data.from_pandas(parts)


def embed_pool_size(config: Config, gpus: float | None = None) -> tuple[int, int]:
    """(min, max) embedding actors. On CPU: ``ray.embed_actors``. With GPU actors the pool may grow to
    one actor per GPU the cluster has (``ActorPoolStrategy(min_size, max_size)``): the embedding stage
    shards across every GPU worker without a config change."""
    import ray

    n = max(1, int(config.ray.embed_actors))
    if gpus is None:
        gpus = embed_gpus(config)
    if not gpus:
        return n, n
    cluster_gpus = ray.cluster_resources().get("GPU", 0)
    return n, max(n, int(cluster_gpus // gpus))


def replica_options(config: Config) -> list[dict]:
    """One ``.options(...)`` dict per IndexReplica: ``ray.replicas_per_node`` on every alive node
    (hard affinity, so the replicas of a node share its page cache), else ``ray.index_replicas`` where
    Ray places them."""
    import ray
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    per_node = int(config.ray.replicas_per_node)
    if per_node <= 0:
        return [{} for _ in range(max(1, int(config.ray.index_replicas)))]
    nodes = [n for n in ray.nodes() if n.get("Alive") and n.get("Resources", {}).get("CPU", 0) > 0]
    return [{"scheduling_strategy": NodeAffinitySchedulingStrategy(n["NodeID"], soft=False)}
            for n in nodes for _ in range(per_node)]


MODES = ("auto", "fused", "split")


def pool_mode(config: Config, gpus: float | None = None) -> str:
    """``ray.mode``; auto = split (GPU embedders -> CPU IndexReplicas) when the embedders get GPUs, else fused
    (each actor embeds and matches its own chunk: nothing crosses processes but queries and results)."""
    mode = config.ray.mode
    if mode not in MODES:
        raise ValueError(f"ray.mode must be one of {list(MODES)}, got {mode!r}")
    if mode != "auto":
        return mode
    return "split" if (embed_gpus(config) if gpus is None else gpus) > 0 else "fused"


def fused_pool_size(config: Config) -> int:
    """``ray.fused_actors``, or one actor per ``ray.fused_cpus`` of the cluster's CPUs (less the LLM engines')."""
    import ray

    if config.ray.fused_actors > 0:
        return int(config.ray.fused_actors)
    cpus = ray.cluster_resources().get("CPU", 1) - (llm_cpus(config) if config.llm.mode != "off" else 0)
    return max(1, int(cpus // max(float(config.ray.fused_cpus), 1e-3)))
