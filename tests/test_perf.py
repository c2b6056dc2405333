"""The fast paths give the slow paths' answers: the ONNX encoder (exported once, cached by model
fingerprint) against sentence-transformers on torch, memory-mapped FAISS against a read index, the
ingress's answer memory against matching again, and the Ray pool mode picked from the cluster's resources."""
from __future__ import annotations

import numpy as np
import pytest

from ray_app.config import Config
from ray_app.embed import Embedder, pick_backend

TEXTS = ["chest pain radiating to left arm", "sob", "", "hemoglobin A1c", "Paracétamol 500 mg comprimé",
         "metformin 500mg po bid " * 40]  # the last one is longer than max_seq_length tokens


@pytest.fixture(scope="module")
def torch_embedder():
    return Embedder(backend="torch", device="cpu")


def test_onnx_encoder_equals_torch_and_is_exported_once(torch_embedder, tmp_path):
    onnx = Embedder(backend="onnx", cache_dir=str(tmp_path))
    folders = list(tmp_path.iterdir())
    assert len(folders) == 1 and folders[0].name.startswith(onnx.fingerprint)
    graph = folders[0] / "model.fp32.onnx"
    assert (folders[0] / "export.json").exists() and (folders[0] / "tokenizer.json").exists()
    a, b = torch_embedder.encode(TEXTS), onnx.encode(TEXTS)
    assert a.shape == b.shape == (len(TEXTS), 384) and b.dtype == np.float32
    assert np.abs(a - b).max() < 1e-5
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    # batches are sorted by length and padded per batch: the order and the batch size change nothing
    small = Embedder(backend="onnx", cache_dir=str(tmp_path), batch_size=2)
    assert np.abs(small.encode(TEXTS[::-1])[::-1] - b).max() < 1e-5
    mtime = graph.stat().st_mtime_ns
    again = Embedder(backend="onnx", cache_dir=str(tmp_path))
    assert graph.stat().st_mtime_ns == mtime  # loaded from the cache, not exported again
    assert np.array_equal(again.encode(TEXTS), b)
    assert onnx.encode([]).shape == (0, 384)

    int8 = Embedder(backend="onnx", quantize="int8", cache_dir=str(tmp_path))
    assert (folders[0] / "model.int8.onnx").exists() and graph.stat().st_mtime_ns == mtime
    cos = (int8.encode(TEXTS) * a).sum(axis=1)
    assert cos.min() > 0.85 and cos.mean() > 0.95  # close, not equal: RESULTS.md has its accuracy
    # the build's encoder is full precision whatever model.quantize says
    cfg = Config()
    cfg.model.backend, cfg.model.quantize, cfg.model.onnx_cache = "onnx", "int8", str(tmp_path)
    assert np.array_equal(Embedder.from_config(cfg.model, catalog=True).encode(TEXTS), b)


def test_backend_choice_and_bad_settings():
    assert pick_backend("auto", "cpu") == "onnx" and pick_backend("auto", "cuda") == "torch"
    assert pick_backend("torch", "cpu") == "torch"
    with pytest.raises(ValueError, match="CPU only"):
        pick_backend("onnx", "cuda")
    with pytest.raises(ValueError, match="model.backend"):
        pick_backend("tensorrt", "cpu")
    assert Embedder(backend="torch", device="cpu", quantize="int8").backend == "torch"  # GPU backend: as is
    with pytest.raises(ValueError, match="model.quantize"):
        Embedder(backend="onnx", quantize="int4")


def test_faiss_memory_mapped_answers_as_read(tmp_path):
    import faiss

    from ray_app.config import IndexConfig
    from ray_app.index.bundle import _write_faiss, build_faiss, read_faiss

    rng = np.random.default_rng(0)
    vecs = rng.standard_normal((2000, 32)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    for kind in ("hnsw", "flat"):
        path = tmp_path / f"{kind}.index"
        _write_faiss(build_faiss(vecs, IndexConfig(type=kind), log=lambda m: None), path)
        mapped, read = read_faiss(path, mmap=True), read_faiss(path, mmap=False)
        for ix in (mapped, read):
            if hasattr(ix, "hnsw"):
                ix.hnsw.efSearch = 64
        q = vecs[:50] + 0.05 * rng.standard_normal((50, 32)).astype(np.float32)
        d1, i1 = mapped.search(q, 10)
        d2, i2 = read.search(q, 10)
        assert np.array_equal(i1, i2) and np.array_equal(d1, d2), kind
    assert faiss.read_index(str(tmp_path / "flat.index")).ntotal == 2000


class CountingBackend:
    """The in-process backend, counting the queries that reach it."""

    def __init__(self, inner):
        self.inner, self.seen = inner, []

    def submit(self, queries):
        self.seen.extend(q.key for q in queries)
        return self.inner.submit(queries)

    def collect(self, handle, on_wait=None):
        return self.inner.collect(handle, on_wait)


def test_answer_memory_reuses_results_and_respects_its_keys(engine, config):
    from ray_app.batch.backend import LocalBackend
    from ray_app.batch.cache import QueryLRU
    from ray_app.batch.driver import Mapper

    texts, types = ["chest xr", "Chest  XR", "asthma", "asthma"], ["Procedure", "procedure", "Diagnosis", "Lab"]
    plain = Mapper(LocalBackend(engine.matcher, 8), config, engine.expander).map(texts, types).rows
    backend = CountingBackend(LocalBackend(engine.matcher, 8))
    memo = QueryLRU(2, "cfg-a")
    mapper = Mapper(backend, config, engine.expander, memo=memo)
    first = mapper.map(texts, types).rows
    assert len(backend.seen) == 3  # normalized text + type: "chest xr" twice is one query
    assert [r.code for r in first] == [r.code for r in plain] and first[0] is first[1]
    second = mapper.map(["asthma"], ["Lab"]).rows
    assert len(backend.seen) == 3 and second[0] is first[3]  # remembered: nothing matched again
    mapper.plan(["asthma"], ["Lab"], memo=False)  # an LLM request bypasses the memory
    mapper.map(["chest xr"], ["Procedure"])  # evicted (size 2): matched again
    assert len(backend.seen) == 4 and memo.hits >= 1
    other = Mapper(backend, config, engine.expander, memo=QueryLRU(8, "cfg-b"))
    other.memo._d.update(memo._d)  # another config's answers under the same text are not this one's
    other.map(["asthma"], ["Lab"])
    assert len(backend.seen) == 5


def test_pool_mode_follows_the_cluster(monkeypatch):
    import ray

    from actors.runtime import fused_pool_size, pool_mode

    cfg = Config()
    monkeypatch.setattr(ray, "cluster_resources", lambda: {"CPU": 8.0})
    assert pool_mode(cfg) == "fused" and fused_pool_size(cfg) == 8
    cfg.ray.fused_cpus = 2
    assert fused_pool_size(cfg) == 4
    cfg.llm.mode = "full"  # the LLM engines' CPUs are not the fused actors'
    assert fused_pool_size(cfg) == 3
    cfg.ray.fused_actors = 5
    assert fused_pool_size(cfg) == 5
    monkeypatch.setattr(ray, "cluster_resources", lambda: {"CPU": 16.0, "GPU": 2.0})
    assert pool_mode(Config()) == "split"
    cfg = Config()
    cfg.ray.mode = "fused"
    assert pool_mode(cfg) == "fused"  # config overrides what the resources say
    cfg.ray.embed_gpus_per_actor = 0
    cfg.ray.mode = "auto"
    assert pool_mode(cfg) == "fused"  # GPUs the embedders do not use
    cfg.ray.mode = "gpu"
    with pytest.raises(ValueError, match="ray.mode"):
        pool_mode(cfg)


def test_faiss_threads_knob_applies_where_an_index_loads(tiny_index, embedder):
    """``index.faiss_threads`` sets FAISS's OpenMP threads when an index loads (engine.load_bundle: map --local,
    query, eval, Serve, actors); 0 leaves them; a negative count is refused."""
    import faiss

    from ray_app.config import load_config
    from ray_app.engine import load_bundle
    from ray_app.match.matcher import Matcher

    before = faiss.omp_get_max_threads()
    try:
        for threads in (1, 2):
            cfg = load_config(None, [f"index.faiss_threads={threads}"])
            matcher = Matcher(load_bundle(tiny_index, cfg, embedder.fingerprint), cfg, embedder)
            assert faiss.omp_get_max_threads() == threads
            assert matcher.bundle.systems["SNOMEDCT_US"].faiss_index.ntotal > 0
        faiss.omp_set_num_threads(3)
        load_bundle(tiny_index, load_config(None, ["index.faiss_threads=0"]), embedder.fingerprint)
        assert faiss.omp_get_max_threads() == 3  # 0: FAISS's own setting stays
        assert Config().index.faiss_threads == 1  # the default fits a 2-core machine
        with pytest.raises(ValueError, match="index.faiss_threads"):
            load_config(None, ["index.faiss_threads=-1"])
    finally:
        faiss.omp_set_num_threads(before)
