"""The online path without Ray: one data flow with the batch job, per-request weights, request models,
audit log, config section, static site export and the serve deploy YAML."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import yaml

from ray_app.online import shape as online
from ray_app.config import Config, load_config
from engine_util import map_rows
from ray_app.batch.assemble import output_columns
from ray_app.match.score import rescore

from conftest import REPO

PAIRS = [("chest xr", "Procedure"), ("Paracetamol 500 mg", "Medication"), ("heart attack", "dx"),
         ("chest xr", "Procedure"), ("aspirin", "alien type"), ("   ", "Lab"), ("bilirubin", "Lab")]


@pytest.fixture(scope="module")
def cfg(config):
    return config


def test_online_results_equal_the_batch_job(engine, cfg):
    items = online.map_pairs(engine, PAIRS, cfg, top_k=3)
    out = pd.DataFrame(output_columns(map_rows(engine, [t for t, _ in PAIRS], [e for _, e in PAIRS], cfg), top_k=3))
    for item, (_, row) in zip(items, out.iterrows()):
        assert item["code"] == row["Output Target Code"]
        assert item["system"] == row["Output Coding System"]
        assert item["description"] == row["Output Target Description"]
        assert item["confidence"] == pytest.approx(float(row["Output Confidence"]))
        assert ";".join(item["flags"]) == row["Output Flags"]
        assert [c["code"] for c in item["candidates"]] == [row[f"Output Target Code {k}"] for k in (1, 2, 3)
                                                           if row[f"Output Target Code {k}"]]
    assert items[0]["code"] == "399208008" and items[0] == items[3]
    assert items[1]["system"] == "RXNORM" and items[1]["code"] == "198440"
    assert items[4]["code"] == "" and items[4]["flags"] == ["unknown_entity_type"] and items[4]["candidates"] == []
    assert "empty_input" in items[5]["flags"]
    assert set(items[0]["candidates"][0]["signals"]) >= {"dense", "fuzzy", "sty", "agreement"}
    assert "dense" in items[0]["candidates"][0]["via"]  # the API says which sources proposed a code


def test_rescore_keeps_scores_under_base_weights_and_follows_new_ones(engine, cfg):
    cands = map_rows(engine, ["chest xr"], ["Procedure"], cfg)[0].candidates
    base = online.base_weights(cfg.match)
    same = rescore(cands, base, {})
    assert [c.code for c in same] == [c.code for c in cands]
    assert [c.score for c in same] == pytest.approx([c.score for c in cands], abs=1e-3)
    new = {"w_dense": 0.0, "w_sty": 1.0}
    moved = {c.code: c for c in rescore(cands, base, new)}
    for c in cands:
        delta = sum((new.get(w, base[w]) - base[w]) * getattr(c.signals, s)
                    for w, s in {"w_dense": "dense", "w_sty": "sty"}.items())
        assert moved[c.code].score == pytest.approx(c.score + delta, abs=2e-3)
    assert [c.rank for c in rescore(cands, base, new)] == list(range(1, len(cands) + 1))


def test_weights_rerank_updates_best_and_confidence(engine, cfg):
    plain = online.map_pairs(engine, [("heart attack", "Diagnosis")], cfg, top_k=5)[0]
    # all meaning, no letters: the order follows dense similarity alone
    dense_only = {w: 0.0 for w in online.base_weights(cfg.match)} | {"w_dense": 1.0}
    item = online.map_pairs(engine, [("heart attack", "Diagnosis")], cfg, top_k=5, weights=dense_only)[0]
    dense = [c["signals"]["dense"] for c in item["candidates"]]
    assert dense == sorted(dense, reverse=True)
    assert item["code"] == item["candidates"][0]["code"]
    assert {c["code"] for c in item["candidates"]} == {c["code"] for c in plain["candidates"]}
    with pytest.raises(ValueError, match="no weight"):
        online.rerank(map_rows(engine, ["asthma"], ["dx"], cfg)[0], cfg.match, {"w_nonsense": 1.0})


def test_request_models_enforce_configured_limits(cfg):
    from pydantic import ValidationError

    from ray_app.online.models import build_models

    cfg = load_config(None, ["serve.max_text_chars=20", "serve.max_batch_items=2"])
    m = build_models(cfg, list(online.base_weights(cfg.match)))
    assert m.MapRequest(text="chest xr", entity_type="Procedure").top_k == 5
    for bad in ({"text": "x" * 21, "entity_type": "Lab"}, {"text": "", "entity_type": "Lab"},
                {"text": "a", "entity_type": "Lab", "top_k": 11}, {"text": "a", "entity": "Lab"},
                {"text": "a", "entity_type": "Lab", "weights": {"w_dense": 3}},
                {"text": "a", "entity_type": "Lab", "weights": {"w_bogus": 0.1}}):
        with pytest.raises(ValidationError):
            m.MapRequest(**bad)
    with pytest.raises(ValidationError):
        m.BatchRequest(items=[{"text": "a", "entity_type": "Lab"}] * 3)
    schema = m.MapRequest.model_json_schema()
    assert schema["properties"]["text"]["maxLength"] == 20


def test_serve_config_section():
    cfg = load_config(None, ["serve.port=9001", "serve.audit_log=/tmp/a.jsonl", "serve.autoscaling=true"])
    assert (cfg.serve.port, cfg.serve.audit_log, cfg.serve.autoscaling, cfg.serve.host) == \
        (9001, "/tmp/a.jsonl", True, "127.0.0.1")
    assert Config.from_dict({"serve": {"max_top_k": 7}}).serve.max_top_k == 7
    with pytest.raises(ValueError, match="serve.nope"):
        load_config(None, ["serve.nope=1"])
    assert online.online_config(Config()).match.top_k == Config().serve.max_top_k


def test_audit_log_holds_hashes_not_text(tmp_path, engine, cfg):
    from ray_app.online.audit import AuditLog, text_hash

    pairs = [("sore thraot", "Diagnosis")]
    results = online.map_pairs(engine, pairs, cfg, top_k=2)
    log = AuditLog(tmp_path / "logs" / "audit.jsonl")
    log.record("rid1", "map", pairs, results, {"total": 12.5}, top_k=2)
    raw = (tmp_path / "logs" / "audit.jsonl").read_text()
    assert "thraot" not in raw
    entry = json.loads(raw)
    assert entry["request_id"] == "rid1" and entry["items"][0]["text_sha256"] == text_hash("sore thraot")
    assert entry["items"][0]["code"] == results[0]["code"] and len(entry["items"][0]["candidates"]) == 2


def test_site_export_is_offline_and_replays_real_results(tmp_path, engine, config):
    from ray_app.online.site_export import export_site, record, record_key

    rec = record(engine, config)
    files = export_site(tmp_path / "docs", rec)
    names = {f.name for f in files}
    assert {"index.html", "site.css", "site.js", "recorded.js", "favicon.svg", "examples.json"} <= names
    html = (tmp_path / "docs" / "index.html").read_text()
    assert 'data-mode="recorded"' in html and '<script src="recorded.js"></script>' in html
    assert rec["results"][record_key("Chest xr", "Procedure")]["code"] == "399208008"
    assert rec["health"]["scoring"]["weights"]["w_dense"] == config.match.w_dense
    for f in ("index.html", "site.css", "site.js"):  # no CDN, no external font: nothing outside the folder
        text = (tmp_path / "docs" / f).read_text()
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), f
        assert "@import" not in text and "fonts.googleapis" not in text
    js = (tmp_path / "docs" / "site.js").read_text()
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "document.write" not in js


def test_serve_deploy_yaml_builds_the_app(tiny_index):
    from ray.serve.schema import ServeDeploySchema

    from actors.serve_app import build_app

    spec = yaml.safe_load((REPO / "deploy" / "serve_config.yaml").read_text())
    schema = ServeDeploySchema.model_validate(spec)
    app_spec = schema.applications[0]
    assert app_spec.import_path == "actors.serve_app:build_app"
    assert {d.name for d in app_spec.deployments} == {"Ingress", "Embedder", "IndexReplica"}
    app = build_app({**app_spec.args, "index_dir": tiny_index})
    assert type(app).__name__ == "Application"
    with pytest.raises(ValueError, match="index_dir"):
        build_app({})
