"""The LLM stage's engine side and its fallbacks, with fakes of the far side only (no vLLM here):
parsing and validation, the on-disk answer cache, anchors via "llm", the re-rank combination, and the
engine pool's behaviour with an engine that answers garbage, sleeps past the timeout or dies mid-batch."""
from __future__ import annotations

import json

import pytest

import llm_fakes
from ray_app.batch.backend import LocalBackend
from ray_app.batch.driver import Mapper
from ray_app.config import load_config
from ray_app.llm.cache import LLMCache
from ray_app.llm.parse import LLMOutputError, parse_expansion, parse_rerank
from ray_app.llm.stage import LLMStage

STYS = ["Disease or Syndrome", "Finding", "Clinical Drug"]
ROWS = [("high bp", "Diagnosis"), ("asthma", "Diagnosis"), ("high bp", "Diagnosis"), ("tylenol 500", "Medicine"),
        ("", "Diagnosis"), ("chest xr", "Procedure"), ("cbc", "Lab"), ("x", "Spaceship")]


def cfg(mode="full", *extra):
    return load_config(None, [f"llm.mode={mode}", *extra])


def test_parse_rejects_what_was_not_asked():
    e = parse_expansion('{"keywords": ["Hypertension", "hypertension", "x"], "description": " high  bp ",'
                        ' "semantic_types": ["disease or syndrome", "Made Up"]}', STYS)
    assert e.keywords == ["Hypertension", "hypertension"] and e.description == "high bp"
    assert e.stys == ["Disease or Syndrome"]  # only the index's own STYs
    for bad in ["", "   ", "not json", "[1, 2]", '{"keywords": "a"}', '{"keywords": [], "description": ""}']:
        with pytest.raises(LLMOutputError):
            parse_expansion(bad, STYS)
    assert parse_rerank('{"code": "123", "reason": "same meaning"}', ["9", "123"]).code == "123"
    with pytest.raises(LLMOutputError, match="not in the shortlist"):
        parse_rerank('{"code": "555", "reason": "invented"}', ["9", "123"])


def test_cache_persists_on_disk(tmp_path):
    c = LLMCache(tmp_path / "a.sqlite")
    c.put_many({"k1": {"code": "1", "reason": "r"}})
    c.close()
    assert LLMCache(tmp_path / "a.sqlite").get_many(["k1", "k2"]) == {"k1": {"code": "1", "reason": "r"}}


def _map(engine, config, client, cache=None):
    stage = LLMStage(client, config, STYS, cache)
    m = Mapper(LocalBackend(engine.matcher, 64), config, engine.expander, llm=stage)
    return m.map([t for t, _ in ROWS], [e for _, e in ROWS]), stage


def test_expansion_anchors_and_rerank_through_the_mapper(engine, tmp_path):
    config = cfg("full")
    client = llm_fakes.ScriptedClient()
    done, stage = _map(engine, config, client, LLMCache(tmp_path / "c.sqlite"))
    rows = done.rows
    assert len(rows) == len(ROWS)
    q = stage.expand([next(q for q in done.prepared.queries if q.text == "high bp")])[0]
    direct, added = q.anchors[:q.n_direct], q.anchors[q.n_direct:]
    # the scripted answers, less what the engine's own expansions already said ("bp" -> blood pressure)
    want = [a for a in ["high blood pressure", "high bp disorder", "hypertension"] if a not in direct]
    assert added == want and len(q.llm_kinds) == len(want) and q.llm_kinds[-1] == "kw"
    assert q.llm_stys == ["Disease or Syndrome"]
    hbp = rows[0]
    assert hbp.code == "38341003" and "high blood pressure" in hbp.llm_expansion
    assert any("llm" in c.via for c in hbp.candidates) and any(c.signals.llm > 0 for c in hbp.candidates)
    assert hbp.llm_reason.startswith("scripted")
    assert rows[4].flags == ["empty_input"] and "unknown_entity_type" in rows[7].flags
    # the same rows again: every answer comes from the on-disk cache
    before = client.calls
    _map(engine, config, client, LLMCache(tmp_path / "c.sqlite"))
    assert client.calls == before


def test_rerank_combination_keeps_a_confident_engine(engine):
    from ray_app.llm.combine import apply_rerank
    from ray_app.llm.parse import Rerank

    base = Mapper(LocalBackend(engine.matcher, 64), cfg("off"), engine.expander).map(["asthma"], ["Diagnosis"]).rows[0]
    c = cfg("rerank").llm
    agree = apply_rerank(base, Rerank(base.code, "same"), c, 0.5)
    assert agree.confidence >= base.confidence and agree.code == base.code
    other = base.candidates[1].code
    if base.confidence >= c.override_below:
        kept = apply_rerank(base, Rerank(other, "no"), c, 0.5)
        assert kept.code == base.code and "llm_disagrees" in kept.flags
    low = apply_rerank(type(base)(**{**base.__dict__, "confidence": 0.1}), Rerank(other, "better"), c, 0.5)
    assert low.code == other and low.candidates[0].code == other and "llm_reranked" in low.flags


def _pool_map(engine, config, engine_cls):
    from actors.llm_pool import RayLLMPool

    pool = RayLLMPool(config, engine_cls, log=lambda m: None)
    try:
        done, stage = _map(engine, config, pool)
    finally:
        pool.shutdown()
    return done, stage


FAKE = ["llm.cpus_per_actor=0.1", "llm.batch_size=2", "ray.max_restarts=1"]


@pytest.fixture(scope="module")
def fakes_by_value(ray_local):
    ray_local.cloudpickle.register_pickle_by_value(llm_fakes) if hasattr(ray_local, "cloudpickle") else None
    import ray.cloudpickle

    ray.cloudpickle.register_pickle_by_value(llm_fakes)


def _off(engine):
    return Mapper(LocalBackend(engine.matcher, 64), cfg("off"), engine.expander).map(
        [t for t, _ in ROWS], [e for _, e in ROWS]).rows


def _same_codes_as_off(rows, off):
    assert [r.code for r in rows] == [r.code for r in off]


def test_garbage_engine_falls_back(engine, fakes_by_value):
    done, stage = _pool_map(engine, cfg("full", *FAKE), llm_fakes.GarbageEngine)
    rows, off = done.rows, _off(engine)
    assert len(rows) == len(ROWS)
    _same_codes_as_off(rows, off)
    mapped = [r for r in rows if r.code]
    assert mapped and all("llm_failed" in r.flags for r in mapped)
    assert not any(r.llm_reason or r.llm_expansion for r in rows)


def test_sleepy_engine_times_out(engine, fakes_by_value, monkeypatch):
    monkeypatch.setenv("HARMONIZE_FAKE_SLEEP", "30")
    import time

    t0 = time.monotonic()
    done, stage = _pool_map(engine, cfg("expand", *FAKE, "llm.timeout_s=2"), llm_fakes.SleepyEngine)
    assert time.monotonic() - t0 < 25  # not stalled until the engine wakes up
    rows = done.rows
    assert len(rows) == len(ROWS)
    _same_codes_as_off(rows, _off(engine))
    assert all("llm_timeout" in r.flags for r in rows if r.code)


def test_dying_engine_keeps_every_row(engine, fakes_by_value):
    from pathlib import Path

    marker = Path("/tmp/harmonize-fake-llm-died")  # the actor's first life writes it, then exits
    marker.unlink(missing_ok=True)
    config = cfg("expand", *FAKE, "llm.timeout_s=30")
    done, stage = _pool_map(engine, config, llm_fakes.DyingEngine)
    rows = done.rows
    assert len(rows) == len(ROWS) and marker.exists()
    flagged = [r for r in rows if "llm_failed" in r.flags]
    expanded = [r for r in rows if r.llm_expansion]
    assert flagged and expanded  # the first batch was answered, the crashed one fell back
    _same_codes_as_off([r for r in rows if "llm_failed" in r.flags],
                       [o for r, o in zip(rows, _off(engine)) if "llm_failed" in r.flags])
