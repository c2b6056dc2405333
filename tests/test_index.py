import json
import shutil

import numpy as np
import pytest

from ray_app.config import IndexConfig
from ray_app.index.bundle import IndexBundle, IndexBundleError, build_faiss


def test_build_writes_bundle_and_loads(tiny_index, embedder):
    b = IndexBundle.load(tiny_index, model_fingerprint=embedder.fingerprint)
    meta = b.meta
    assert meta["model"]["dim"] == embedder.dim == 384
    assert set(meta["systems"]) == {"SNOMEDCT_US", "RXNORM"}
    for system, si in b.systems.items():
        assert si.n_rows == meta["systems"][system]["rows"] == si.faiss_index.ntotal
        assert si.vectors.shape == (si.n_rows, 384)
        # rows are unit vectors (cosine == inner product) and row-aligned with the catalog table
        assert np.allclose(np.linalg.norm(si.vectors, axis=1), 1.0, atol=1e-4)
        row = si.table.index[si.table["STR"] == ("Asthma" if system == "SNOMEDCT_US" else "Aspirin")][0]
        v = embedder.encode([si.table.at[row, "match_text"]])[0]
        assert float(v @ si.vectors[row]) > 0.999
    assert "Laboratory Procedure" in b.sty
    assert b.systems["RXNORM"].drugs is not None and b.systems["SNOMEDCT_US"].drugs is None  # parsed at build
    assert meta["catalog"]["fingerprint"] and meta["packages"]["faiss-cpu"]


def _copy(tiny_index, tmp_path):
    dst = tmp_path / "copy"
    shutil.copytree(tiny_index, dst)
    return dst


def test_model_mismatch_refused(tiny_index):
    with pytest.raises(IndexBundleError, match=r"built with embedding model .* rebuild"):
        IndexBundle.load(tiny_index, model_fingerprint="0000deadbeef0000")


def test_truncated_vectors_refused(tiny_index, tmp_path):
    d = _copy(tiny_index, tmp_path)
    f = d / "SNOMEDCT_US" / "vectors.f32"
    f.write_bytes(f.read_bytes()[:1000])
    with pytest.raises(IndexBundleError, match=r"vectors\.f32 is 1000 bytes.*truncated.*harmonize build"):
        IndexBundle.load(d)
    with pytest.raises(IndexBundleError, match=r"vectors\.f32 is 1000 bytes"):
        IndexBundle.check(d)  # the drivers' cheap check catches it before any actor starts
    assert IndexBundle.check(tiny_index)["systems"].keys() == {"SNOMEDCT_US", "RXNORM"}


def test_truncated_faiss_refused(tiny_index, tmp_path):
    d = _copy(tiny_index, tmp_path)
    f = d / "RXNORM" / "faiss.index"
    f.write_bytes(f.read_bytes()[:200])
    with pytest.raises(IndexBundleError, match=r"faiss\.index is unreadable or truncated"):
        IndexBundle.load(d)


def test_unfinished_or_corrupt_meta_refused(tiny_index, tmp_path):
    d = _copy(tiny_index, tmp_path)
    (d / "meta.json").write_text("{not json")
    with pytest.raises(IndexBundleError, match="corrupt"):
        IndexBundle.load(d)
    (d / "meta.json").unlink()
    with pytest.raises(IndexBundleError, match="not a finished index"):
        IndexBundle.load(d)


def test_catalog_row_count_mismatch_refused(tiny_index, tmp_path):
    d = _copy(tiny_index, tmp_path)
    meta = json.loads((d / "meta.json").read_text())
    meta["systems"]["RXNORM"]["rows"] += 1
    (d / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(IndexBundleError, match="rows, meta.json says"):
        IndexBundle.load(d)


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivfpq"])
def test_faiss_index_kinds_find_themselves(kind):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4000, 64)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    cfg = IndexConfig(type=kind, pq_m=16, ivf_nlist=32, hnsw_m=16)
    index = build_faiss(x, cfg, log=lambda m: None)
    if kind == "ivfpq":
        index.nprobe = 8
    _, ids = index.search(x[:200], 5)
    recall = np.mean([i in row for i, row in enumerate(ids)])
    assert index.ntotal == 4000
    assert recall >= (0.99 if kind != "ivfpq" else 0.6)


def test_bad_index_options():
    x = np.ones((2000, 30), dtype=np.float32)
    with pytest.raises(ValueError, match="unknown index.type"):
        build_faiss(x, IndexConfig(type="annoy"))
    with pytest.raises(ValueError, match="must divide"):
        build_faiss(x, IndexConfig(type="ivfpq", pq_m=16))
