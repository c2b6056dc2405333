"""The map job on three Ray nodes (``ray.cluster_utils.Cluster`` on this machine), two of them declaring a
GPU, so the GPU layout is exercised: embedding actors on the GPU nodes, an IndexReplica on every node
(``ray.replicas_per_node``). A GPU node is removed mid-job; the job finishes, and its output equals a
one-node run's row for row. (No GPU is used: a declared GPU is a scheduling resource; the encoder finds
no device and runs on CPU.)"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ray_app.batch.manifest import read_output

from test_stream import make_input

REPO = Path(__file__).resolve().parent.parent
SETS = ["ray.block_rows=40", "ray.embed_batch_size=8", "ray.replicas_per_node=1", "ray.progress_seconds=3600"]


@pytest.fixture(scope="module")
def cluster(ray_local):
    from ray.cluster_utils import Cluster

    c = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    gpu_nodes = [c.add_node(num_cpus=1, num_gpus=1) for _ in range(2)]
    c.wait_for_nodes()
    yield c, gpu_nodes
    c.shutdown()
    # Cluster.shutdown also drops this process's internal-KV client, which belongs to the session's test Ray
    # (ray_local), still running: give it back
    from ray.experimental.internal_kv import _initialize_internal_kv

    _initialize_internal_kv(ray_local._private.worker.global_worker.gcs_client)


@pytest.fixture(scope="module")
def src(tmp_path_factory):
    p = tmp_path_factory.mktemp("multinode_in") / "in.csv"
    make_input(480).to_csv(p, index=False)
    return p


def test_map_across_nodes_survives_losing_a_gpu_node(cluster, ray_local, tiny_index, src, tmp_path):
    from jobs.map_file import run
    from ray_app.config import load_config

    c, gpu_nodes = cluster
    one_node = tmp_path / "one_node"
    run(tiny_index, str(src), str(one_node), load_config(None, SETS[:2]), top_k=2, log=lambda m: None)

    out = tmp_path / "multi"
    env = {**os.environ, "RAY_ADDRESS": c.address, "HARMONIZE_TEST_BLOCK_DELAY": "1.0", "PYTHONPATH": str(REPO)}
    args = [sys.executable, "-m", "jobs.map_file", "--index", tiny_index, "--input", str(src), "--output", str(out),
            "--top-k", "2", *[a for s in SETS for a in ("--set", s)]]
    proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    manifest = out / "_manifest.json"
    try:
        deadline = time.time() + 300
        while not (manifest.exists() and json.loads(manifest.read_text())["blocks"]):
            if proc.poll() is not None or time.time() > deadline:
                pytest.fail(f"no block finished: {proc.stdout.read()[-3000:] if proc.poll() is not None else ''}")
            time.sleep(0.2)
        blocks_before = len(json.loads(manifest.read_text())["blocks"])
        c.remove_node(gpu_nodes[1])  # mid-job: 12 blocks, about one finished
        log, _ = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, log[-4000:]
    assert blocks_before < 12
    assert "[map] actors: 2 embedding (GPU), 3 IndexReplica" in log, log[-4000:]
    placement = json.loads(next(line for line in log.splitlines() if "[map] placement:" in line).split(": ", 1)[1])
    gpu_ids = {n.node_id for n in gpu_nodes}
    assert set(placement["embedders"]) == gpu_ids  # one embedder per GPU node, none on the head
    assert sorted(placement["replicas"]) == sorted([c.head_node.node_id, *gpu_ids])  # a replica on every node
    assert "left: its embedder actor is dropped" in log and "left: its replica actor is dropped" in log, log[-4000:]
    a, b = read_output(out), read_output(one_node)
    assert len(a) == 480
    for col in ("Row", "Output Target Code", "Output Target Code 2", "Output Confidence", "Output Flags"):
        assert a[col].tolist() == b[col].tolist(), col
