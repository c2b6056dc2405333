"""The review loop over HTTP against the real Serve app (ingress -> embedder -> IndexReplica) on local Ray and
the tiny index: upload -> job on the streaming engine -> download -> queue -> decisions -> exports ->
$translate -> the memory in /v1/map and in a re-mapped file; bad uploads; the token; a restart."""
from __future__ import annotations

import io
import time
import zipfile

import pandas as pd
import pytest
import requests

from serve_util import start_app, stop_app

TOKEN = "review-token-7d1e"
TOKEN_ENV = "HARMONIZE_TEST_REVIEW_TOKEN"
ROWS = [("heart attack", "Diagnosis"), ("chest xr", "Procedure"), ("Heart  Attack", "dx"), ("sore thraot", "Diagnosis"),
        ("paracetamol 500 mg", "Medicine"), ("", "Lab"), ("zzqx unknown thing", "Diagnosis"), ("hba1c", "Lab"),
        ("asthma", "Diagnosis"), ("appendix removal", "Procedure")]


def overrides(work) -> list[str]:
    return [f"serve.token_env={TOKEN_ENV}", f"review.work_dir={work}", "review.max_jobs=1", "review.block_rows=4",
            "review.upload_max_bytes=4000000", "review.xlsx_max_unzipped_bytes=50000000",
            "serve.ingress_cpus=0.1", "serve.embedder_cpus=0.3", "serve.replica_cpus=0.3", "serve.engine_cpus=0.6"]


@pytest.fixture(scope="module")
def api(ray_local, tiny_index, tmp_path_factory):
    from ray_app.config import load_config

    work = tmp_path_factory.mktemp("review") / "work"
    cfg = load_config(None, overrides(work))
    # each block of an upload job waits 0.4 s, so a second upload meets a running job (the job limit)
    env = {TOKEN_ENV: TOKEN, "HARMONIZE_TEST_BLOCK_DELAY": "0.4"}
    base = start_app(tiny_index, cfg, "review", ingress_env=env)
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {TOKEN}"
    yield {"base": base, "s": s, "work": work, "cfg": cfg, "env": env, "index": tiny_index}
    stop_app()


def csv_bytes(rows=ROWS, text="Input Entity Description", etype="Entity Type") -> bytes:
    df = pd.DataFrame({"Row": [str(i) for i in range(len(rows))], text: [t for t, _ in rows], etype: [e for _, e in rows]})
    return df.to_csv(index=False).encode()


def upload(api, data: bytes, filename: str, **params):
    return api["s"].post(api["base"] + "/v1/review/jobs", params={"filename": filename, **params}, data=data,
                         headers={"Content-Type": "application/octet-stream"}, timeout=120)


def wait_done(api, job_id: str, timeout=180) -> dict:
    deadline, seen = time.time() + timeout, []
    while time.time() < deadline:
        job = api["s"].get(f"{api['base']}/v1/review/jobs/{job_id}", timeout=30).json()
        seen.append(job["progress"]["rows_done"])
        if job["status"] in ("done", "failed", "interrupted"):
            job["seen"] = seen
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish: {job}")


def problem(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    return r.json()


def job_folders(api) -> set[str]:
    return {p.name for p in (api["work"] / "jobs").iterdir()}


def test_upload_job_download_queue_decisions_exports_and_memory(api):
    s, base = api["s"], api["base"]
    r = upload(api, csv_bytes(), "ward 3 (nov).csv")
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] in ("queued", "running") and job["rows"] == len(ROWS)
    assert job["text_column"] == "Input Entity Description" and job["progress"]["rows_total"] == len(ROWS)
    done = wait_done(api, job["id"])
    assert done["status"] == "done", done
    assert done["progress"]["rows_done"] == len(ROWS) and done["progress"]["rows_per_s"] > 0
    assert done["stats"]["rows"] == len(ROWS) and done["stats"]["blocks"] == 3  # review.block_rows = 4
    assert any(0 < n < len(ROWS) for n in done["seen"]), done["seen"]  # progress moved block by block

    # downloads: every row, in order, input columns kept, code cells as text
    x = s.get(f"{base}/v1/review/jobs/{job['id']}/download", params={"format": "xlsx"}, timeout=60)
    assert x.status_code == 200 and "ward%203%20%28nov%29_mapped.xlsx" in x.headers["content-disposition"]
    xdf = pd.read_excel(io.BytesIO(x.content), dtype=str).fillna("")
    assert xdf["Row"].tolist() == [str(i) for i in range(len(ROWS))]
    c = s.get(f"{base}/v1/review/jobs/{job['id']}/download", params={"format": "csv"}, timeout=60)
    cdf = pd.read_csv(io.StringIO(c.text), dtype=str, keep_default_na=False)
    assert cdf["Output Target Code"].tolist() == xdf["Output Target Code"].tolist()
    assert cdf["Output Target Code"][0] == "22298006" and cdf["Output Flags"][5] == "empty_input"

    # the queue: one item per distinct (text, type), the rows it stands for; flagged first, least confident first
    q = s.get(f"{base}/v1/review/jobs/{job['id']}/queue", timeout=60).json()
    items = q["items"]
    assert q["total"] == len(items) == 8 and q["summary"]["rows"] == 9 and q["summary"]["decided"] == 0
    by_text = {i["text"]: i for i in items}
    assert by_text["heart attack"]["rows"] == 2 and by_text["heart attack"]["code"] == "22298006"
    flagged = [bool(set(i["flags"]) - {"reviewed", "not_in_catalog"}) for i in items]
    assert flagged == sorted(flagged, reverse=True) and flagged[0]
    n = sum(flagged)
    assert [i["confidence"] for i in items[:n]] == sorted(i["confidence"] for i in items[:n])
    top = by_text["heart attack"]["candidates"][0]
    assert {"dense", "fuzzy", "lexical", "sty"} <= set(top["signals"]) and len(by_text["heart attack"]["candidates"]) == 5

    def decide(item, **body):
        return s.post(f"{base}/v1/review/jobs/{job['id']}/items/{item['id']}/decision",
                      json={"reviewer": "erin", **body}, timeout=60)

    second = by_text["heart attack"]["candidates"][1]
    r = decide(by_text["heart attack"], action="choose", rank=2, comment="second is right here")
    assert r.status_code == 200, r.text
    assert r.json()["decision"]["code"] == second["code"] and r.json()["decision"]["reviewer"] == "erin"
    assert decide(by_text["zzqx unknown thing"], action="not_in_catalog").json()["decision"]["status"] == "not_in_catalog"
    assert decide(by_text["chest xr"], action="accept").json()["decision"]["code"] == "399208008"
    r = decide(by_text["sore thraot"], action="choose", code="25064002")  # a searched code (Headache)
    assert r.json()["decision"]["description"] == "Headache"
    assert problem(decide(by_text["asthma"], action="choose", code="12345"), 422)["type"].endswith("unknown-code")
    assert problem(decide(by_text["asthma"], action="choose"), 422)
    assert problem(decide(by_text["asthma"], action="choose", rank=9), 422)
    assert problem(s.post(f"{base}/v1/review/jobs/{job['id']}/items/99/decision",
                          json={"reviewer": "erin", "action": "accept"}, timeout=30), 404)
    q = s.get(f"{base}/v1/review/jobs/{job['id']}/queue", timeout=60).json()  # progress survives a reload
    assert q["summary"]["decided"] == 4 and q["summary"]["rows_decided"] == 5
    assert {i["text"]: (i["decision"] or {}).get("code") for i in q["items"]}["heart attack"] == second["code"]

    # exports: CSV, and a ConceptMap that fhir.resources accepts
    e = s.get(f"{base}/v1/review/export", params={"format": "csv"}, timeout=60)
    edf = pd.read_csv(io.StringIO(e.text), dtype=str, keep_default_na=False)
    assert set(edf["source_text"]) == {"heart attack", "zzqx unknown thing", "chest xr", "sore thraot"}
    from fhir.resources.R4B.conceptmap import ConceptMap

    cm = s.get(f"{base}/v1/review/export", params={"format": "conceptmap"}, timeout=60)
    assert cm.headers["content-type"].startswith("application/fhir+json")
    cmap = ConceptMap.model_validate(cm.json())
    dx = next(g for g in cmap.group if g.source == "urn:harmonize:source-text:diagnosis")
    assert dx.target == "http://snomed.info/sct"
    assert {e.code: e.target[0].code for e in dx.element}["heart attack"] == second["code"]
    assert s.get(f"{base}/v1/review/stats", timeout=30).json()["by_status"] == {"approved": 3, "not_in_catalog": 1}

    # $translate over the reviewed mappings
    from fhir.resources.R4B import get_fhir_model_class

    t = s.get(f"{base}/fhir/ConceptMap/$translate", params={"system": "urn:harmonize:source-text:diagnosis",
                                                             "code": "HEART ATTACK"}, timeout=30)
    p = get_fhir_model_class("Parameters").model_validate(t.json())
    assert p.parameter[0].valueBoolean is True
    match = next(x for x in p.parameter if x.name == "match")
    assert next(q.valueCoding for q in match.part if q.name == "concept").code == second["code"]

    # the memory in the Serve app: a reviewed item maps to its decision, with who and when
    m = s.post(f"{base}/v1/map", json={"text": "Heart Attack", "entity_type": "Diagnosis"}, timeout=60).json()
    assert m["code"] == second["code"] and "reviewed" in m["flags"] and m["reviewed_by"] == "erin"

    # the re-mapped file: the same upload with every decision applied, rows kept in order
    r = s.post(f"{base}/v1/review/jobs/{job['id']}/remap", timeout=60)
    assert r.status_code == 202, r.text
    again = wait_done(api, r.json()["id"])
    assert again["status"] == "done" and again["parent"] == job["id"]
    rdf = pd.read_csv(io.StringIO(s.get(f"{base}/v1/review/jobs/{again['id']}/download", params={"format": "csv"},
                                        timeout=60).text), dtype=str, keep_default_na=False)
    assert rdf["Row"].tolist() == [str(i) for i in range(len(ROWS))]
    assert rdf["Output Target Code"].tolist()[:4] == [second["code"], "399208008", second["code"], "25064002"]
    assert rdf["Output Flags"][6] == "reviewed;not_in_catalog" and rdf["Output Reviewed By"][0] == "erin"
    assert rdf["Output Target Code"][8] == cdf["Output Target Code"][8]  # not reviewed: as before
    listed = s.get(f"{base}/v1/review/jobs", timeout=30).json()["jobs"]
    assert [j["id"] for j in listed][:2] == [again["id"], job["id"]]


def test_columns_the_user_picks(api):
    data = csv_bytes(ROWS[:3], text="term", etype="kind")
    body = problem(upload(api, data, "custom.csv"), 422)
    assert body["type"].endswith("no-text-column") and body["columns"] == ["Row", "term", "kind"]
    r = upload(api, data, "custom.csv", text_column="term", type_column="kind")
    assert r.status_code == 202, r.text
    assert wait_done(api, r.json()["id"])["status"] == "done"
    assert problem(upload(api, data, "custom.csv", text_column="nope", type_column="kind"), 422)["columns"]


def _xlsx(df: pd.DataFrame, formula: str | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(df.columns))
    for rec in df.itertuples(index=False):
        ws.append(list(rec))
    if formula:
        ws["B3"] = formula
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip_bomb() -> bytes:
    """A valid-looking xlsx whose sheet really unpacks to 2 GiB of zeros (about 2 MB compressed). Built without
    compressing 2 GiB: after a full flush deflate starts afresh, so one compressed 16 MiB chunk repeats."""
    import struct
    import zlib

    chunk, n = b"\0" * (1 << 24), 128
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    data = piece * n + zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)  # a final empty block
    crc = 0
    for _ in range(n):
        crc = zlib.crc32(chunk, crc)
    size, name = len(chunk) * n, b"xl/worksheets/sheet1.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    head = out.getvalue()
    cd_start = struct.unpack("<I", head[-6:-2])[0]  # keep the first member, rebuild the directory
    first_local, first_cd = head[:cd_start], head[cd_start:-22]
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(name), 0) + name
    offset = len(first_local)
    cd = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size, len(name),
                     0, 0, 0, 0, 0, offset) + name
    body = first_local + local + data
    directory = first_cd + cd
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 2, 2, len(directory), len(body), 0)
    return body + directory + end


def test_bad_uploads_are_clear_4xx_and_write_nothing(api, tmp_path):
    before = job_folders(api)
    df = pd.DataFrame({"Input Entity Description": ["asthma", "chest xr"], "Entity Type": ["Diagnosis", "Procedure"]})
    good = df.to_csv(index=False).encode()
    cases = [
        (good, "notes.exe", {}, 415, "unsupported-type"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "notes.csv", {}, 422, "wrong-content"),
        (good, "notes.parquet", {}, 422, "wrong-content"),
        (b"x" * 4_000_001, "big.csv", {}, 413, "upload-too-large"),
        (b"a,b\n1,2\n3,4\n", "numbers.csv", {}, 422, "no-text-column"),
        (_xlsx(df, "=HYPERLINK(\"http://x\",\"y\")"), "formula.xlsx", {}, 422, "formula-cells"),
        (b"Input Entity Description,Entity Type\n\"=cmd|' /C calc'!A0\",Diagnosis\n", "dde.csv", {}, 422, "formula-cells"),
        (good, "../../escape.csv", {}, 422, "bad-filename"),
        (good, "..\\escape.csv", {}, 422, "bad-filename"),
        (b"", "empty.csv", {}, 422, "empty-upload"),
        (_zip_bomb(), "bomb.xlsx", {}, 422, "zip-bomb"),
    ]
    for data, name, params, status, kind in cases:
        body = problem(upload(api, data, name, **params), status)
        assert body["type"].endswith(kind) and body["detail"], (name, body)
    assert job_folders(api) == before  # each refused upload's folder is gone
    assert not any(p.name.startswith("escape") for p in api["work"].parent.rglob("*"))
    assert not (api["work"].parent / "escape.csv").exists()

    # the job limit: a second upload while one job runs (each block waits 0.4 s here)
    many = csv_bytes(ROWS * 3)
    first = upload(api, many, "first.csv")
    assert first.status_code == 202, first.text
    second = upload(api, good, "second.csv")
    body = problem(second, 429)
    assert body["type"].endswith("job-limit") and second.headers["retry-after"]
    assert wait_done(api, first.json()["id"])["status"] == "done"
    assert job_folders(api) == before | {first.json()["id"]}


def test_every_review_route_needs_the_token(api):
    base = api["base"]
    jobs = api["s"].get(base + "/v1/review/jobs", timeout=30).json()["jobs"]
    some = jobs[0]["id"] if jobs else "0" * 16
    for method, path in [("get", "/v1/review/jobs"), ("post", "/v1/review/jobs?filename=a.csv"),
                         ("get", f"/v1/review/jobs/{some}"), ("get", f"/v1/review/jobs/{some}/queue"),
                         ("get", f"/v1/review/jobs/{some}/download"), ("post", f"/v1/review/jobs/{some}/remap"),
                         ("post", f"/v1/review/jobs/{some}/items/0/decision"), ("get", "/v1/review/export"),
                         ("get", "/v1/review/stats"), ("get", "/fhir/ConceptMap/$translate")]:
        r = getattr(requests, method)(base + path, timeout=30, data=b"x" if method == "post" else None)
        assert r.status_code == 401, (path, r.status_code)


def test_a_restarted_server_lists_the_finished_jobs(api):
    s, base = api["s"], api["base"]
    done = {j["id"]: j["status"] for j in s.get(base + "/v1/review/jobs", timeout=30).json()["jobs"]}
    assert done and set(done.values()) == {"done"}
    stop_app()
    from ray_app.config import load_config

    base = start_app(api["index"], load_config(None, overrides(api["work"])), "review", ingress_env=api["env"])
    api["base"] = base
    after = {j["id"]: j["status"] for j in s.get(base + "/v1/review/jobs", timeout=30).json()["jobs"]}
    assert after == done
    some = next(iter(done))
    assert s.get(f"{base}/v1/review/jobs/{some}/queue", timeout=30).json()["summary"]["decided"] >= 0


def test_jobs_of_a_stopped_server_are_marked_interrupted(tmp_path):
    """On start, a job whose process is gone is marked interrupted; one whose process lives is left alone."""
    import json
    import os
    import socket
    import subprocess

    from ray_app.config import Config
    from ray_app.review.jobs import JobManager

    dead = subprocess.Popen(["true"])
    dead.wait()
    root = tmp_path / "jobs"
    for job_id, pid in (("a" * 16, dead.pid), ("b" * 16, os.getppid())):
        (root / job_id).mkdir(parents=True)
        (root / job_id / "job.json").write_text(json.dumps({
            "id": job_id, "filename": "x.csv", "input": "input.csv", "status": "running", "created": 1.0,
            "rows": 3, "owner": f"{socket.gethostname()}:{pid}"}))
    jobs = JobManager(tmp_path, Config(), backend=None)
    status = {j["id"]: j["status"] for j in jobs.list()}
    assert status == {"a" * 16: "interrupted", "b" * 16: "running"}
    assert "upload the file again" in jobs.get("a" * 16)["error"]
