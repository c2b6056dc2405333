"""Versioned indexes: catalog versions, build --base (vector reuse, diff report), the current pointer,
and a Serve app that follows the pointer. Real MiniLM, real FAISS, real local Ray Serve."""
from __future__ import annotations

import json
import os
import shutil
import threading
import time

import numpy as np
import pandas as pd
import pytest
import requests

from conftest import tiny_frame

GERD = "235595009"
IBU400 = "197806"
MIGRAINE, HEADACHE = "37796009", "25064002"
QUERIES = [("heart attack", "Diagnosis"), ("high blood pressure", "Diagnosis"), ("chest xr", "Procedure"),
           ("paracetamol 500 mg", "Medicine"), ("acid reflux", "Diagnosis"), ("GERD", "Diagnosis"),
           ("headache", "Diagnosis"), ("migraine", "Diagnosis"), ("hba1c", "Lab"), ("ibuprofen 400mg tab", "Medicine"),
           ("colonoscopy", "Procedure"), ("metformin", "Medicine")]


def v2_frame() -> pd.DataFrame:
    """The tiny catalog's next release: one code retired, two added, one display name changed."""
    df = tiny_frame()
    df = df[df["CODE"] != MIGRAINE]
    df.loc[(df["CODE"] == HEADACHE), "TTY"] = "SY"
    extra = [("SNOMEDCT_US", "PT", HEADACHE, "Cephalalgia", "Finding"),
             ("SNOMEDCT_US", "PT", GERD, "Gastroesophageal reflux disease", "Disease or Syndrome"),
             ("SNOMEDCT_US", "SY", GERD, "Acid reflux", "Disease or Syndrome"),
             ("RXNORM", "SCD", IBU400, "Ibuprofen 400 MG Oral Tablet", "Clinical Drug")]
    return pd.concat([df, tiny_frame(extra)], ignore_index=True)


def build(catalogs, out, embedder, config, seen: list | None = None, **kw) -> dict:
    """The real build with the real local embedding stream; ``seen`` collects every string it embedded."""
    from ray_app.index.build import build_index, local_embed_stream

    stream = local_embed_stream(embedder)

    def counting(plan):
        if seen is not None:
            seen.extend(plan["text"].tolist())
        return stream(plan)

    return build_index(catalogs, out, config, counting, embedder.dim, log=lambda m: None, **kw)


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory):
    d = tmp_path_factory.mktemp("versions_cat")
    tiny_frame().to_parquet(d / "v1.parquet", index=False)
    v2_frame().to_parquet(d / "v2.parquet", index=False)
    return {"v1": [str(d / "v1.parquet")], "v2": [str(d / "v2.parquet")]}


@pytest.fixture(scope="module")
def built(catalogs, embedder, config, tmp_path_factory):
    """A versioned root with v1 then v2 (built with --base), and a full build of v2 to compare with."""
    d = tmp_path_factory.mktemp("versions")
    root = d / "root"
    seen_v1, seen_v2 = [], []
    m1 = build(catalogs["v1"], root, embedder, config, seen_v1, versioned=True)
    v1_dir = root / os.readlink(root / "current")
    m2 = build(catalogs["v2"], root, embedder, config, seen_v2, base=root)
    full = build(catalogs["v2"], d / "full", embedder, config)
    return {"root": root, "v1": v1_dir, "v2": root / os.readlink(root / "current"), "full": d / "full",
            "m1": m1, "m2": m2, "m_full": full, "seen_v1": seen_v1, "seen_v2": seen_v2}


def _texts(index_dir) -> set[str]:
    from ray_app.index.diff import read_tables

    return {t for table in read_tables(index_dir).values() for t in table["match_text"]}


def test_incremental_embeds_only_new_strings(built):
    from ray_app.text.normalize import match_text

    new = _texts(built["v2"]) - _texts(built["v1"])
    stats = built["m2"]["build"]
    assert sorted(built["seen_v2"]) == sorted(new)  # exactly the strings v1 did not have, each once
    assert stats["embedded"] == len(new) and stats["reused"] == stats["distinct_texts"] - len(new) > 40
    assert {match_text(s) for s in ("Cephalalgia", "Gastroesophageal reflux disease", "Acid reflux",
                                    "Ibuprofen 400 MG Oral Tablet")} <= new
    assert built["m1"]["build"] == {**built["m1"]["build"], "embedded": len(built["seen_v1"]), "reused": 0}
    assert built["m_full"]["build"]["embedded"] == built["m_full"]["build"]["distinct_texts"]


def test_incremental_index_equals_full_build(built, embedder, config):
    from ray_app.engine import Engine
    from ray_app.index.bundle import IndexBundle
    from ray_app.match.matcher import Matcher
    from ray_app.online.shape import map_pairs
    from ray_app.text.expand import load_expander

    inc, full = IndexBundle.load(built["root"]), IndexBundle.load(built["full"])
    assert inc.root == built["v2"] and inc.meta["catalog"]["fingerprint"] == full.meta["catalog"]["fingerprint"]
    for system, si in full.systems.items():
        other = inc.systems[system]
        pd.testing.assert_frame_equal(si.table, other.table)
        assert np.allclose(si.vectors, other.vectors, atol=1e-5)  # copied vectors == freshly embedded ones

    def results(index_dir, bundle):
        engine = Engine(Matcher(bundle, config, embedder), load_expander(index_dir, config.model.path))
        return map_pairs(engine, QUERIES, config, top_k=5)

    a, b = results(built["root"], inc), results(built["full"], full)
    for qa, qb in zip(a, b):
        assert qa["code"] == qb["code"] and [c["code"] for c in qa["candidates"]] == [c["code"] for c in qb["candidates"]]
        assert [c["score"] for c in qa["candidates"]] == pytest.approx([c["score"] for c in qb["candidates"]], abs=1e-4)
    by_text = {q[0]: r for q, r in zip(QUERIES, a)}
    assert by_text["acid reflux"]["code"] == GERD and by_text["ibuprofen 400mg tab"]["code"] == IBU400


def test_diff_report(built):
    from ray_app.index.diff import DIFF_MD, diff_indexes, retired_codes

    diff = json.loads((built["v2"] / "diff.json").read_text())
    snomed, rx = diff["systems"]["SNOMEDCT_US"], diff["systems"]["RXNORM"]
    assert snomed["codes_added"] == [GERD] and snomed["codes_retired"] == [MIGRAINE]
    assert snomed["codes_renamed"] == [{"code": HEADACHE, "old": "Headache", "new": "Cephalalgia"}]
    assert {"code": GERD, "str": "Acid reflux", "tty": "SY"} in snomed["strings_added"]
    assert {"code": MIGRAINE, "str": "Migraine", "tty": "PT"} in snomed["strings_removed"]
    assert not any(s["code"] == HEADACHE and s["str"] == "Headache" for s in snomed["strings_removed"])  # PT -> SY
    assert rx["codes_added"] == [IBU400] and not rx["codes_retired"] and not rx["codes_renamed"]
    assert diff["counts"]["codes_added"] == 2 and diff["counts"]["codes_retired"] == 1
    assert diff["base"]["path"] == str(built["v1"]) and diff["embedding"]["embedded"] == len(built["seen_v2"])
    assert built["m2"]["build"]["diff"] == diff["counts"] and built["m2"]["build"]["base"] == str(built["v1"])
    md = (built["v2"] / DIFF_MD).read_text()
    assert f"codes retired: {MIGRAINE}" in md and "renamed 25064002: 'Headache' -> 'Cephalalgia'" in md
    # the review loop's hook: retired codes of the current version, and a diff of any two indexes
    assert retired_codes(built["root"]) == {"SNOMEDCT_US": [MIGRAINE]} and retired_codes(built["v1"]) == {}
    assert diff_indexes(built["v1"], built["full"])["systems"] == diff["systems"]


def test_catalog_version_is_the_fingerprint_without_a_release(built):
    from ray_app.online.shape import index_info
    from ray_app.index.bundle import IndexBundle

    m = built["m2"]
    assert m["catalog"]["version"] == m["catalog"]["fingerprint"] and m["catalog"]["release"] is None
    assert built["v2"].name.endswith(m["catalog"]["fingerprint"])  # the version directory says which catalog
    assert index_info(IndexBundle.load(built["root"]))["catalog"]["version"] == m["catalog"]["version"]


def test_pointer_switch_and_pinned_readers(built, catalogs, embedder, config):
    from ray_app.index.bundle import IndexBundle
    from ray_app.index.versions import resolve_index_dir, versions

    root = built["root"]
    assert (root / "current").is_symlink() and not os.path.isabs(os.readlink(root / "current"))
    assert resolve_index_dir(root) == built["v2"] and resolve_index_dir(built["v1"]) == built["v1"]
    assert sorted(versions(root)) == sorted([built["v1"].name, built["v2"].name])
    pinned = resolve_index_dir(root)  # a job resolves once at start ...
    # ... a build that fails half-way leaves the pointer and the finished versions alone, and no partial dir
    def broken(plan):
        yield from ()
        raise RuntimeError("embedding worker lost")
    from ray_app.index.build import build_index

    with pytest.raises(RuntimeError, match="embedding worker lost"):
        build_index(catalogs["v1"] + catalogs["v2"], root, config, broken, embedder.dim, log=lambda m: None)
    assert resolve_index_dir(root) == pinned and sorted(versions(root)) == sorted([built["v1"].name, built["v2"].name])
    assert sorted(p.name for p in root.iterdir()) == sorted(["current", built["v1"].name, built["v2"].name])
    assert IndexBundle.load(built["v1"]).meta["catalog"]["fingerprint"] == built["m1"]["catalog"]["fingerprint"]


def test_keep_versions_prunes_old_ones_but_never_current_or_base(catalogs, embedder, config, tmp_path):
    from ray_app.index.versions import versions

    cfg = type(config).from_dict(config.to_dict()).override(["index.keep_versions=1"])
    root = tmp_path / "root"
    build(catalogs["v1"], root, embedder, config, versioned=True)
    first = os.readlink(root / "current")
    build(catalogs["v2"], root, embedder, config, base=root)
    second = os.readlink(root / "current")
    seen = []
    build(catalogs["v2"], root, embedder, cfg, seen, base=root)  # nothing new to embed; prunes the first
    third = os.readlink(root / "current")
    assert seen == [] and sorted(versions(root)) == sorted([second, third]) and first not in os.listdir(root)


def test_versioned_output_is_never_a_plain_index(built, catalogs, embedder, config):
    from ray_app.index.versions import IndexVersionError

    with pytest.raises(IndexVersionError, match="plain index directory, not a versioned root"):
        build(catalogs["v2"], built["full"], embedder, config, base=built["root"])


def test_missing_or_damaged_base_is_a_clear_error(built, catalogs, embedder, config, tmp_path):
    from ray_app.index.bundle import IndexBundleError

    out = tmp_path / "out"
    with pytest.raises(IndexBundleError, match=r"--base .*nope: no such index directory"):
        build(catalogs["v2"], out, embedder, config, base=tmp_path / "nope")
    bad = tmp_path / "bad"
    shutil.copytree(built["v1"], bad)
    (bad / "meta.json").write_text("{not json")
    with pytest.raises(IndexBundleError, match=r"--base .*bad cannot be used: .*meta\.json is corrupt"):
        build(catalogs["v2"], out, embedder, config, base=bad)
    (bad / "meta.json").write_text((built["v1"] / "meta.json").read_text())
    vec = bad / "SNOMEDCT_US" / "vectors.f32"
    vec.write_bytes(vec.read_bytes()[:4096])
    with pytest.raises(IndexBundleError, match=r"cannot be used: .*vectors\.f32 is 4096 bytes.*truncated"):
        build(catalogs["v2"], out, embedder, config, base=bad)
    dangling = tmp_path / "dangling"
    dangling.mkdir()
    os.symlink("gone", dangling / "current")
    with pytest.raises(IndexBundleError, match=r"cannot be used: .*current points to 'gone', which does not exist"):
        build(catalogs["v2"], out, embedder, config, base=dangling)
    assert not out.exists()  # the base is checked before anything is written


def test_base_from_another_model_reuses_nothing(built, catalogs, embedder, config, tmp_path):
    other = tmp_path / "other_model"
    shutil.copytree(built["v1"], other)
    meta = json.loads((other / "meta.json").read_text())
    meta["model"]["fingerprint"] = "0123456789abcdef"
    (other / "meta.json").write_text(json.dumps(meta))
    seen = []
    m = build(catalogs["v2"], tmp_path / "root", embedder, config, seen, base=other)
    assert m["build"]["reused"] == 0 and m["build"]["embedded"] == len(seen) == m["build"]["distinct_texts"]
    assert "another embedding model" in m["build"]["note"] and m["build"]["diff"]["codes_retired"] == 1


def test_release_name_from_the_converter_is_the_version(tmp_path, catalogs, embedder, config):
    from ray_app.catalog.sources import convert
    from test_catalog_sources import conso

    rrf = tmp_path / "RxNorm_full_01022024" / "rrf"
    rrf.mkdir(parents=True)
    (rrf / "RXNCONSO.RRF").write_text("\n".join([
        conso("161", "RXNORM", "IN", "161", "Acetaminophen"),
        conso("198440", "RXNORM", "SCD", "198440", "Acetaminophen 500 MG Oral Tablet")]) + "\n")
    rx = convert([rrf / "RXNCONSO.RRF"], f"{tmp_path}/cat/")["files"]["RXNORM"]
    m = build([rx], tmp_path / "rx_only", embedder, config)
    assert m["catalog"]["version"] == "RxNorm 2024-01-02" and m["catalog"]["release"] == {"rxnorm": "2024-01-02"}
    snomed = tmp_path / "snomed.parquet"
    tiny_frame()[lambda d: d["System"] == "SNOMEDCT_US"].to_parquet(snomed, index=False)
    mixed = build([rx, str(snomed)], tmp_path / "mixed", embedder, config)  # one file says nothing
    assert mixed["catalog"]["version"] == f"RxNorm 2024-01-02 + {mixed['catalog']['fingerprint']}"


def test_cli_build_with_base(built, catalogs, tmp_path, capsys):
    from jobs.cli import main

    out = tmp_path / "cli_root"
    assert main(["build", "--local", "--catalog", *catalogs["v2"], "--base", str(built["v1"]),
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"codes retired: {MIGRAINE}" in printed and "[build] catalog version" in printed
    assert (out / "current" / "diff.json").exists() and (out / "current" / "meta.json").exists()
    first = os.readlink(out / "current")
    # the same catalog again on its own root: nothing to embed, a new version all the same
    assert main(["build", "--local", "--catalog", *catalogs["v2"], "--base", str(out), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "strings embedded 0," in printed and "codes added 0" in printed
    assert os.readlink(out / "current") != first
    meta = json.loads((out / "current" / "meta.json").read_text())
    assert meta["build"]["embedded"] == 0 and meta["build"]["reused"] == meta["build"]["distinct_texts"]
    assert main(["build", "--local", "--catalog", *catalogs["v1"], "--base", str(tmp_path / "missing"),
                 "--out", str(out)]) == 2
    assert "no such index directory" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------ Ray paths
def test_ray_incremental_build_equals_local(ray_local, built, catalogs, config, tmp_path):
    """jobs.build_index (the Ray Data actor pool) with --base: the same strings embedded, the same index."""
    from jobs.build_index import run
    from ray_app.index.bundle import IndexBundle

    cfg = type(config).from_dict(config.to_dict()).override(["ray.embed_batch_size=4"])
    meta = run(catalogs["v2"], str(tmp_path / "ray_root"), cfg, log=lambda m: None, base=str(built["v1"]))
    assert meta["build"]["embedded"] == built["m2"]["build"]["embedded"] == len(built["seen_v2"])
    assert meta["build"]["reused"] == built["m2"]["build"]["reused"]
    a, b = IndexBundle.load(tmp_path / "ray_root"), IndexBundle.load(built["v2"])
    for system in b.systems:
        pd.testing.assert_frame_equal(a.systems[system].table, b.systems[system].table)
        assert np.allclose(a.systems[system].vectors, b.systems[system].vectors, atol=1e-5)


# ------------------------------------------------------------------------------------------ Serve reload
def test_serve_follows_the_pointer_without_downtime(ray_local, catalogs, embedder, config, tmp_path):
    from ray_app.config import load_config
    from serve_util import start_app, stop_app

    root = tmp_path / "served"
    build(catalogs["v1"], root, embedder, config, versioned=True)
    v1 = os.readlink(root / "current")
    cfg = load_config(None, ["serve.reload_poll_s=0.5", "serve.ingress_cpus=0.1", "serve.embedder_cpus=0.3",
                             "serve.replica_cpus=0.3", "serve.engine_cpus=0.6"])
    try:
        base = start_app(str(root), cfg, "versions")  # inside: an app that never gets healthy is shut down too
        s = requests.Session()
        assert s.get(f"{base}/v1/catalog", timeout=30).json()["version"] == built_version(root / v1)
        first = s.post(f"{base}/v1/map", json={"text": "acid reflux", "entity_type": "Diagnosis"}, timeout=60).json()
        assert first["code"] != GERD  # v1 has no such code
        statuses, stop = [], threading.Event()

        def traffic():  # requests keep coming while the new version is built, switched and loaded
            while not stop.is_set():
                r = s.post(f"{base}/v1/map", json={"text": "heart attack", "entity_type": "Diagnosis"}, timeout=60)
                statuses.append((r.status_code, r.json().get("code")))

        t = threading.Thread(target=traffic)
        t.start()
        try:
            build(catalogs["v2"], root, embedder, config, base=root)
            v2 = os.readlink(root / "current")
            deadline = time.time() + 120
            while time.time() < deadline:
                health = s.get(f"{base}/v1/health", timeout=30).json()
                if health["reload"]["version_dir"] == v2:
                    break
                time.sleep(0.5)
            time.sleep(1.0)  # a few more requests on the new version
        finally:
            stop.set()
            t.join()
        assert health["reload"] == {"following": str(root), "version_dir": v2, "error": None}
        assert health["catalog"]["version"] == built_version(root / v2)
        assert s.get(f"{base}/v1/catalog", timeout=30).json()["version"] == built_version(root / v2)
        assert len(statuses) > 3 and set(statuses) == {(200, "22298006")}  # no request failed during the switch
        after = s.post(f"{base}/v1/map", json={"text": "acid reflux", "entity_type": "Diagnosis"}, timeout=60).json()
        assert after["code"] == GERD
    finally:
        stop_app()


def built_version(index_dir) -> str:
    return json.loads((index_dir / "meta.json").read_text())["catalog"]["version"]
