"""`harmonize enrich` with the real vLLM engine on CPU (SmolLM2-135M, the shared test pool), as a Ray Data
job on local Ray: 5 codes enriched with structured output, and a run interrupted after its first shard
that a rerun completes without asking any enriched code again. SmolLM2's answers are not a measure of
quality; these tests check the plumbing (valid records, token counts, resumability)."""
from __future__ import annotations

import pytest

from conftest import llm_overrides
from ray_app.config import load_config
from ray_app.enrich.codes import codes_from_index
from ray_app.enrich.store import EnrichStore


class Stop(Exception):
    pass


def enrich(argv, cfg, log=print):
    from jobs.cli import build_parser
    from jobs.enrich_catalog import run

    return run(build_parser().parse_args(["enrich", *argv]), cfg, log=log)


def config(llm_pool, *extra):
    return load_config(None, [*llm_overrides(llm_pool.cache_dir), "enrich.client_cpus=0.1", *extra])


def test_enrich_five_codes_on_the_cpu_engine(llm_pool, tiny_index, tmp_path):
    out = tmp_path / "enrich"
    stats = enrich(["--index", tiny_index, "--out", str(out), "--limit", "5"], config(llm_pool))
    print(f"[enrich] {stats['codes_per_s']} codes/s; {stats['prompt_tokens_per_code']} prompt + "
          f"{stats['completion_tokens_per_code']} completion tokens per code")
    latest = EnrichStore(out).latest()
    codes = codes_from_index(tiny_index)
    assert list(zip(latest["system"], latest["code"])) == list(zip(codes["system"][:5], codes["code"][:5]))
    assert stats["recorded"] == 5 and set(latest["status"]) <= {"ok", "failed"}
    ok = latest[latest["status"] == "ok"]
    assert len(ok) >= 3 and (ok["description"].str.len() > 0).all()  # structured output: valid JSON by construction
    assert (latest["prompt_tokens"] > 50).all() and (latest["completion_tokens"] > 0).all()
    assert (latest["model"] == llm_pool.fingerprint()).all()


def test_interrupted_run_resumes_with_the_rest(llm_pool, tiny_index, tmp_path):
    out = tmp_path / "enrich"
    cfg = config(llm_pool, "enrich.batch_size=2", "enrich.shard_rows=2")
    codes = codes_from_index(tiny_index)
    first8 = set(zip(codes["system"][:8], codes["code"][:8]))

    def stop_after_first_shard(msg):
        if msg.startswith("[enrich] shard "):
            raise Stop(msg)

    with pytest.raises(Stop):
        enrich(["--index", tiny_index, "--out", str(out), "--limit", "8"], cfg, stop_after_first_shard)
    store = EnrichStore(out)
    before = store.read()
    assert 2 <= len(before) < 8 and len(store.shards()) == 1
    done = store.done_keys()
    stats = enrich(["--index", tiny_index, "--out", str(out), "--limit", str(8 - len(done))], cfg)
    after = store.read()
    new = after[after["run"] != before["run"].iloc[0]]
    assert set(zip(new["system"], new["code"])) == first8 - done  # only the rest (and failed ones) asked
    assert stats["skipped"] == len(done)
    assert not after[after["status"] == "ok"].duplicated(["system", "code"]).any()
    assert set(zip(after["system"], after["code"])) == first8
