"""The LLM stage with a real vLLM engine on CPU (SmolLM2-135M, packaged GGUF converted once), started once
per session (conftest.llm_pool): prompts through the actor pool, a file through `harmonize map --llm full`
on local Ray, and /v1/map with llm=true. SmolLM2's answers are not a measure of accuracy: these tests check
the plumbing (valid structured output, every row kept, columns and fields present)."""
from __future__ import annotations

import time

import pandas as pd
import requests

from conftest import llm_overrides
from ray_app.config import load_config
from ray_app.llm.client import Request
from ray_app.llm.parse import parse_expansion, parse_rerank
from ray_app.llm.prompts import expansion_messages, rerank_messages
from ray_app.llm.schema import expansion_schema, rerank_schema

STYS = ["Disease or Syndrome", "Finding", "Sign or Symptom", "Clinical Drug", "Diagnostic Procedure"]


def test_prompts_through_the_pool(llm_pool):
    texts = [("htn", "Diagnosis"), ("sob on exertion", "Diagnosis"), ("tylenol 500mg", "Medicine"),
             ("chest xr", "Procedure")]
    exp = [Request("expand", expansion_messages(t, e, STYS, 3), expansion_schema(STYS), 96) for t, e in texts]
    short = [("38341003", "Hypertensive disorder", "Disease or Syndrome"), ("25064002", "Headache", "Finding")]
    rr = [Request("rerank", rerank_messages("htn", "Diagnosis", short), rerank_schema([c for c, _, _ in short]), 64)] * 2
    t0 = time.perf_counter()
    replies = llm_pool.generate(exp)
    t1 = time.perf_counter()
    rreplies = llm_pool.generate(rr)
    t2 = time.perf_counter()
    print(f"[llm] engine start {llm_pool.start_s:.1f}s; expansion {len(exp) / (t1 - t0):.2f} prompts/s, "
          f"re-rank {len(rr) / (t2 - t1):.2f} prompts/s")
    assert all(not r.error for r in replies + rreplies), [r.detail for r in replies + rreplies]
    parsed = []
    for r in replies:
        try:
            parsed.append(parse_expansion(r.text, STYS))
        except ValueError:
            pass
    assert len(parsed) >= len(exp) // 2  # a 135M model: valid JSON by construction, not always content
    assert all(parse_rerank(r.text, ["38341003", "25064002"]).code in ("38341003", "25064002") for r in rreplies)


def test_map_file_llm_full_on_local_ray(llm_pool, tiny_index, tmp_path):
    from jobs.cli import main

    rows = [("high bp", "Diagnosis"), ("asthma", "Diagnosis"), ("high bp", "Diagnosis"),
            ("tylenol 500", "Medicine"), ("", "Diagnosis"), ("chest xr", "Procedure"), ("cbc", "Lab"),
            ("??", "Spaceship")]
    src = tmp_path / "in.csv"
    pd.DataFrame(rows, columns=["Input Entity Description", "Entity Type"]).to_csv(src, index=False)
    out = tmp_path / "out.csv"
    sets = [x for o in [*llm_overrides(llm_pool.cache_dir), "ray.replica_cpus=0.5", "ray.embed_batch_size=4"]
            for x in ("--set", o)]
    assert main(["map", "--index", tiny_index, "--input", str(src), "--output", str(out), "--llm", "full",
                 "--top-k", "3", *sets]) == 0
    df = pd.read_csv(out, keep_default_na=False, dtype=str)
    assert len(df) == len(rows) and list(df["Input Entity Description"]) == [t for t, _ in rows]
    assert {"Output LLM Expansion", "Output LLM Reason"} <= set(df.columns)
    mapped = df[df["Output Target Code"] != ""]
    assert len(mapped) >= 5
    answered = mapped[(mapped["Output LLM Expansion"] != "") | mapped["Output Flags"].str.contains("llm_")]
    assert len(answered) == len(mapped)  # every mapped row: an expansion, or a flag saying why not
    assert (mapped["Output LLM Reason"] != "").any()
    assert df.iloc[4]["Output Flags"] == "empty_input" and "unknown_entity_type" in df.iloc[7]["Output Flags"]


def test_serve_map_with_llm_true(llm_pool, tiny_index):
    from serve_util import start_app, stop_app

    cfg = load_config(None, ["llm.mode=full", *llm_overrides(llm_pool.cache_dir), "serve.ingress_cpus=0.1",
                             "serve.embedder_cpus=0.3", "serve.replica_cpus=0.3",
                             "serve.engine_cpus=0.6"])
    base = start_app(tiny_index, cfg, "tiny-llm")
    try:
        assert requests.get(f"{base}/v1/health", timeout=30).json()["llm"] == "configured"
        r = requests.post(f"{base}/v1/map", json={"text": "heart attack", "entity_type": "Diagnosis", "llm": True,
                                                  "top_k": 3}, timeout=300)
        assert r.status_code == 200, r.text
        item = r.json()
        item = item.get("result", item)
        assert item["code"] and ("llm_expansion" in item and "llm_reason" in item)
        assert item["llm_expansion"] or any(f.startswith("llm_") for f in item["flags"])
        off = requests.post(f"{base}/v1/map", json={"text": "heart attack", "entity_type": "Diagnosis"}, timeout=60)
        assert off.status_code == 200 and not off.json().get("result", off.json())["llm_expansion"]
    finally:
        stop_app()
