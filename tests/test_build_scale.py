"""Index build at scale without a GPU here: the FAISS GPU path is chosen by faiss.get_num_gpus() and written
back as a CPU index (same files either way); the embedding pool grows to one actor per cluster GPU;
IndexReplica placement per node."""
from __future__ import annotations

import numpy as np
import pytest

from ray_app.config import Config, IndexConfig


class FakeGpuIndex:
    def __init__(self, cpu):
        self.cpu = cpu

    def add(self, x):
        self.cpu.add(x)


@pytest.mark.parametrize("kind", ["flat", "ivfpq"])
def test_faiss_gpu_path_writes_a_cpu_index(kind, monkeypatch, tmp_path):
    import faiss

    from ray_app.index.bundle import build_faiss

    calls = []
    monkeypatch.setattr(faiss, "get_num_gpus", lambda: 2, raising=False)
    monkeypatch.setattr(faiss, "index_cpu_to_all_gpus", lambda idx: calls.append("to_gpu") or FakeGpuIndex(idx), raising=False)
    monkeypatch.setattr(faiss, "index_gpu_to_cpu", lambda g: calls.append("to_cpu") or g.cpu, raising=False)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2000, 96)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    cfg = IndexConfig(type=kind, pq_m=8, ivf_nlist=16)
    index = build_faiss(x, cfg, log=lambda m: None)
    assert calls == ["to_gpu", "to_cpu"] and index.ntotal == 2000
    faiss.write_index(index, str(tmp_path / "gpu.index"))
    monkeypatch.setattr(faiss, "get_num_gpus", lambda: 0, raising=False)
    cpu = build_faiss(x, cfg, log=lambda m: None)
    faiss.write_index(cpu, str(tmp_path / "cpu.index"))
    a, b = faiss.read_index(str(tmp_path / "gpu.index")), faiss.read_index(str(tmp_path / "cpu.index"))
    assert type(a) is type(b) and a.ntotal == b.ntotal and a.d == b.d  # same on-disk format either way
    cfg.use_gpu = "never"
    calls.clear()
    monkeypatch.setattr(faiss, "get_num_gpus", lambda: 2, raising=False)
    build_faiss(x, cfg, log=lambda m: None)
    assert calls == []


def test_embedding_pool_grows_to_cluster_gpus(monkeypatch):
    import ray

    from actors.runtime import embed_pool_size

    cfg = Config()
    monkeypatch.setattr(ray, "cluster_resources", lambda: {"CPU": 64, "GPU": 8})
    assert embed_pool_size(cfg, 1.0) == (1, 8)
    assert embed_pool_size(cfg, 0.5) == (1, 16)
    assert embed_pool_size(cfg, 0.0) == (1, 1)
    cfg.ray.embed_actors = 12
    assert embed_pool_size(cfg, 1.0) == (12, 12)


def test_replicas_per_node(monkeypatch):
    import ray

    from actors.runtime import replica_options

    nodes = [{"NodeID": "a" * 56, "Alive": True, "Resources": {"CPU": 16}},
             {"NodeID": "b" * 56, "Alive": True, "Resources": {"CPU": 8, "GPU": 1}},
             {"NodeID": "c" * 56, "Alive": False, "Resources": {"CPU": 16}},
             {"NodeID": "d" * 56, "Alive": True, "Resources": {"CPU": 0}}]
    monkeypatch.setattr(ray, "nodes", lambda: nodes)
    cfg = Config()
    assert replica_options(cfg) == [{}]
    cfg.ray.index_replicas = 3
    assert len(replica_options(cfg)) == 3
    cfg.ray.replicas_per_node = 4
    opts = replica_options(cfg)
    assert len(opts) == 8
    assert sorted({o["scheduling_strategy"].node_id for o in opts}) == ["a" * 56, "b" * 56]
