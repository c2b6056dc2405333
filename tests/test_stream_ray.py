"""The streaming map job on local Ray under faults: an IndexReplica and an embedding actor die mid-job,
the driver is SIGKILLed mid-job; outputs equal the fault-free run's, byte for byte."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from ray_app.config import Config
from ray_app.batch.manifest import read_output

from test_stream import make_input

REPO = Path(__file__).resolve().parent.parent


def cfg(**ray) -> Config:
    c = Config()
    c.ray.block_rows = 40
    c.ray.embed_batch_size = 16
    c.ray.progress_seconds = 3600
    for k, v in ray.items():
        setattr(c.ray, k, v)
    return c


def hashes(d: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.glob("part-*.parquet"))}


@pytest.fixture(scope="module")
def src(tmp_path_factory):
    p = tmp_path_factory.mktemp("ray_stream_in") / "in.csv"
    make_input(400).to_csv(p, index=False)
    return p


@pytest.fixture(scope="module")
def fault_free(ray_local, tiny_index, src, tmp_path_factory):
    from jobs.map_file import run

    out = tmp_path_factory.mktemp("ray_ref") / "out"
    stats = run(tiny_index, str(src), str(out), cfg(), top_k=2, log=lambda m: None)
    assert stats["rows"] == 400 and stats["blocks"] == 10 and stats["engine"] == "ray"
    return out


def test_ray_stream_equals_local_stream(fault_free, engine, src, tmp_path):
    """The one place that asserts Ray == local: the same file through RayBackend actors and through the
    in-process LocalBackend gives the same codes, confidences, flags and candidates, row for row."""
    from ray_app.batch.backend import LocalBackend
    from ray_app.batch.driver import map_stream

    c = cfg()
    map_stream(str(src), str(tmp_path / "local"), LocalBackend(engine.matcher, 16), c, top_k=2,
               expander=engine.expander, index_meta=engine.bundle.meta, log=lambda m: None)
    a, b = read_output(fault_free), read_output(tmp_path / "local")
    for col in ("Output Target Code", "Output Target Code 2", "Output Flags", "Output Confidence", "Row"):
        assert a[col].tolist() == b[col].tolist(), col


@pytest.mark.parametrize("mode", ["split", "fused"])
def test_killed_replica_and_embedder_actors(mode, fault_free, tiny_index, src, tmp_path, monkeypatch):
    """split: the first life of the IndexReplica exits hard on its 3rd batch and the embedding actor on its
    5th; fused: a fused actor (embed + match) on its 3rd. They restart (max_restarts), the calls retry
    (max_task_retries), the output is unchanged."""
    from jobs.map_file import run

    faults = tmp_path / "faults"
    faults.mkdir()
    monkeypatch.setenv("HARMONIZE_FAULT", "replica:3,embedder:5")
    monkeypatch.setenv("HARMONIZE_FAULT_DIR", str(faults))
    out = tmp_path / "out"
    logs: list[str] = []
    stats = run(tiny_index, str(src), str(out), cfg(mode=mode), top_k=2, log=logs.append)
    assert any(("fused (embed + match)" in m) == (mode == "fused") for m in logs if m.startswith("[map] actors"))
    assert (faults / "harmonize-fault-replica").exists()
    assert (faults / "harmonize-fault-embedder").exists() == (mode == "split")
    assert stats["rows"] == 400
    assert hashes(out) == hashes(fault_free)
    pd.testing.assert_frame_equal(read_output(out), read_output(fault_free))


def test_killed_driver_then_resume(ray_local, fault_free, tiny_index, src, tmp_path):
    """SIGKILL the job's driver after its first finished block; --resume finishes it identically."""
    out = tmp_path / "out"
    env = {**os.environ, "RAY_ADDRESS": ray_local.get_runtime_context().gcs_address,
           "HARMONIZE_TEST_BLOCK_DELAY": "1.0", "PYTHONPATH": str(REPO)}
    args = [sys.executable, "-m", "jobs.map_file", "--index", tiny_index, "--input", str(src), "--output", str(out),
            "--top-k", "2", "--set", "ray.block_rows=40", "--set", "ray.embed_batch_size=16"]
    proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    manifest = out / "_manifest.json"
    deadline = time.time() + 180
    try:
        while time.time() < deadline:
            if manifest.exists() and json.loads(manifest.read_text())["blocks"]:
                break
            if proc.poll() is not None:
                pytest.fail(f"driver exited early: {proc.stdout.read().decode()[-3000:]}")
            time.sleep(0.2)
        else:
            pytest.fail("no block finished in time")
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    man = json.loads(manifest.read_text())
    assert man["status"] == "running" and 1 <= len(man["blocks"]) < 10
    resumed = subprocess.run(args + ["--resume"], cwd=REPO, env={**env, "HARMONIZE_TEST_BLOCK_DELAY": "0"},
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stdout[-3000:] + resumed.stderr[-3000:]
    assert "--resume:" in resumed.stdout and "finished block(s) verified" in resumed.stdout
    assert "rows/s" in resumed.stdout and "ETA" in resumed.stdout  # progress in the job's log
    assert hashes(out) == hashes(fault_free)
    pd.testing.assert_frame_equal(read_output(out), read_output(fault_free))


def test_bad_rows_through_ray(ray_local, tiny_index, tmp_path):
    from jobs.map_file import run

    src = tmp_path / "bad.csv"
    pd.DataFrame({"input entity description": ["", "asthma", "\u54ee\u5598", "x" * 10_240, "asthma"],
                  "ENTITY_TYPE": ["Diagnosis", "Billing", "Diagnosis", "Diagnosis", "DX"]}).to_csv(src, index=False)
    stats = run(tiny_index, str(src), str(tmp_path / "o.xlsx"), cfg(), log=lambda m: None)
    out = read_output(tmp_path / "o.xlsx")
    flags = out["Output Flags"].fillna("").tolist()
    assert stats["rows"] == len(out) == 5
    assert "empty_input" in flags[0] and "unknown_entity_type" in flags[1] and "truncated" in flags[3]
    assert str(out["Output Target Code"][4]) == "195967001"


def test_truncated_faiss_index_is_a_clear_error_through_ray(ray_local, tiny_index, tmp_path):
    import shutil

    from jobs.map_file import run
    from ray_app.index.bundle import IndexBundleError

    d = tmp_path / "idx"
    shutil.copytree(tiny_index, d)
    f = d / "SNOMEDCT_US" / "faiss.index"
    f.write_bytes(f.read_bytes()[:100])
    src = tmp_path / "in.csv"
    pd.DataFrame({"Input Entity Description": ["asthma"], "Entity Type": ["dx"]}).to_csv(src, index=False)
    with pytest.raises(IndexBundleError, match=r"faiss\.index is unreadable or truncated"):
        run(str(d), str(src), str(tmp_path / "o.csv"), cfg(max_restarts=0), log=lambda m: None)
