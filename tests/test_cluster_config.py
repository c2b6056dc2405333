"""Cluster configs: cluster.yaml against Ray's own autoscaler schema plus the project's requirements, and
the KubeRay RayCluster / RayJob / RayService manifests (ray.io/v1) for the keys KubeRay needs."""
from __future__ import annotations

import importlib.util
import json
import shlex
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
CLUSTER = REPO / "cluster"


def load(path: Path):
    return yaml.safe_load(path.read_text())


def test_cluster_yaml_matches_ray_autoscaler_schema():
    import jsonschema
    import ray.autoscaler

    schema = json.loads((Path(ray.autoscaler.__file__).parent / "ray-schema.json").read_text())
    jsonschema.validate(load(REPO / "cluster.yaml"), schema)


def test_cluster_yaml_project_requirements():
    c = load(REPO / "cluster.yaml")
    assert c["cluster_name"] and c["provider"]["type"]
    types = c["available_node_types"]
    assert c["head_node_type"] in types and types[c["head_node_type"]]["max_workers"] == 0
    for name, t in types.items():
        assert isinstance(t["resources"], dict) and "node_config" in t, name
        assert 0 <= t["min_workers"] <= t["max_workers"] <= c["max_workers"], name
    assert any(t["resources"].get("GPU", 0) >= 1 and t["max_workers"] > t["min_workers"] for t in types.values())
    assert any(t["resources"].get("CPU", 0) >= 1 and not t["resources"].get("GPU") for t in types.values())
    assert any('.[gpu]' in cmd for cmd in c["setup_commands"])
    mounts = c["file_mounts"]
    assert "." in mounts.values() and any("index" in k for k in mounts)  # code + index location
    starts = c["head_start_ray_commands"] + c["worker_start_ray_commands"]
    assert all("RAY_AUTH_MODE=token" in s for s in starts if s.strip().startswith(("RAY_AUTH", "ray start")))


MANIFESTS = {"raycluster.yaml": "RayCluster", "rayjob.yaml": "RayJob", "rayservice.yaml": "RayService"}


def _cluster_spec(doc: dict) -> dict:
    kind = doc["kind"]
    return {"RayCluster": lambda s: s, "RayJob": lambda s: s["rayClusterSpec"],
            "RayService": lambda s: s["rayClusterConfig"]}[kind](doc["spec"])


def _containers(template: dict) -> list[dict]:
    return template["spec"]["containers"]


@pytest.mark.parametrize("name", sorted(MANIFESTS))
def test_kuberay_manifest_schema(name):
    doc = load(CLUSTER / name)
    assert doc["apiVersion"] == "ray.io/v1" and doc["kind"] == MANIFESTS[name]
    assert doc["metadata"]["name"]
    spec = _cluster_spec(doc)
    assert spec["rayVersion"] == "2.60.0" and spec["enableInTreeAutoscaling"] is True
    assert "autoscalerOptions" in spec
    head = spec["headGroupSpec"]
    assert isinstance(head["rayStartParams"], dict)
    groups = spec["workerGroupSpecs"]
    assert {g["groupName"] for g in groups} >= {"cpu-replicas", "gpu-embedders"}
    for g in groups:
        assert 0 <= g["minReplicas"] <= g["replicas"] <= g["maxReplicas"], g["groupName"]
        assert isinstance(g["rayStartParams"], dict)
    pods = [head["template"]] + [g["template"] for g in groups]
    gpu_groups = [g for g in groups if any("nvidia.com/gpu" in c["resources"]["limits"] for c in _containers(g["template"]))]
    assert gpu_groups and all(g["maxReplicas"] > g["minReplicas"] or g["minReplicas"] >= 1 for g in gpu_groups)
    for pod in pods:
        claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["spec"]["volumes"]}
        for c in _containers(pod):
            assert c["image"] and c["resources"]["limits"] and c["resources"]["requests"]
            env = {e["name"]: e for e in c["env"]}
            assert env["RAY_AUTH_MODE"]["value"] == "token" and "secretKeyRef" in env["RAY_AUTH_TOKEN"]["valueFrom"]
            mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
            assert claims[mounts["/data/index"]] == "harmonizer-index"


def test_rayjob_entrypoint_runs_the_map_job():
    doc = load(CLUSTER / "rayjob.yaml")
    argv = shlex.split(doc["spec"]["entrypoint"])
    assert argv[:3] == ["python", "-m", "jobs.map_file"]
    import jobs.map_file as mf

    parsed = {}

    def fake_run(*a, **kw):
        parsed.update(kw, args=a)
        return {}

    orig, mf.run = mf.run, fake_run
    try:
        assert mf.main(argv[3:]) == 0  # the entrypoint's arguments parse
    finally:
        mf.run = orig
    assert parsed["resume"] is True and parsed["args"][0] == "/data/index"
    assert doc["spec"]["shutdownAfterJobFinishes"] is True and doc["spec"]["backoffLimit"] >= 1
    assert yaml.safe_load(doc["spec"]["runtimeEnvYAML"])["env_vars"]["HF_HUB_OFFLINE"] == "1"


def test_rayservice_serve_config_points_at_the_app():
    doc = load(CLUSTER / "rayservice.yaml")
    serve_cfg = yaml.safe_load(doc["spec"]["serveConfigV2"])
    app = serve_cfg["applications"][0]
    module, attr = app["import_path"].split(":")
    assert importlib.util.find_spec(module) is not None
    assert f"def {attr}(" in Path(importlib.util.find_spec(module).origin).read_text()
    assert app["args"]["index_dir"] == "/data/index"
    names = {d["name"] for d in app["deployments"]}
    assert {"Ingress", "Embedder", "IndexReplica"} <= names


def test_index_pvc_and_dockerfile():
    pvc = load(CLUSTER / "index-pvc.yaml")
    assert pvc["kind"] == "PersistentVolumeClaim" and pvc["metadata"]["name"] == "harmonizer-index"
    docker = (CLUSTER / "Dockerfile").read_text()
    assert "rayproject/ray:2.60.0" in docker and '.[gpu]' in docker


def test_llm_gpu_worker_groups_fit_the_engine_pool():
    """The LLM stage's engine actors (llm.gpus_per_actor x llm.tensor_parallel GPUs each) have GPU workers to
    land on, which autoscale from zero: in cluster.yaml and in every KubeRay manifest."""
    from ray_app.config import Config

    c = Config().llm
    per_engine = max(1.0, c.gpus_per_actor) * max(1, c.tensor_parallel)  # a GPU run sets gpus_per_actor=1
    t = load(REPO / "cluster.yaml")["available_node_types"]["llm_gpu_worker"]
    assert t["resources"]["GPU"] >= per_engine and t["min_workers"] == 0 < t["max_workers"]
    for name in sorted(MANIFESTS):
        groups = {g["groupName"]: g for g in _cluster_spec(load(CLUSTER / name))["workerGroupSpecs"]}
        g = groups["gpu-llm"]
        limits = _containers(g["template"])[0]["resources"]["limits"]
        assert int(limits["nvidia.com/gpu"]) >= per_engine and g["minReplicas"] == 0 < g["maxReplicas"], name
