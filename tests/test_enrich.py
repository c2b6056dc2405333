"""Build-side LLM enrichment without an engine (ray_app.enrich, `harmonize enrich`, `build --enrich`): the
answer parser, far-side fakes that answer garbage or time out (recorded as failed, asked again), LLM rows in
a real index (searchable, never a display name, weight 0 = off), and `harmonize build` on release files.
The real vLLM engine runs in test_enrich_vllm.py."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import tiny_frame
from engine_util import top
from llm_fakes import EnrichClient, GarbageEngine, SleepyEngine
from ray_app.config import load_config
from ray_app.enrich.codes import codes_from_index
from ray_app.enrich.parse import parse_enrichment
from ray_app.enrich.schema import enrich_schema
from ray_app.enrich.store import EnrichStore, coverage
from ray_app.llm.parse import LLMOutputError


def enrich(argv, cfg, client):
    from jobs.cli import build_parser
    from jobs.enrich_catalog import run

    return run(build_parser().parse_args(["enrich", *argv]), cfg, client=client, log=lambda m: None)


def test_schema_and_parse_per_facet_family():
    assert set(enrich_schema("drug")["properties"]["facets"]["required"]) == {"ingredient", "strength", "form", "route"}
    assert set(enrich_schema("lab")["properties"]["facets"]["required"]) == {"analyte", "specimen", "method"}
    assert "facets" not in enrich_schema("none")["properties"]
    e = parse_enrichment(json.dumps({"description": "  A scan\nof the head. ", "keywords": ["CT head", "ct  head",
                                     "Computed tomography of head", "x", "head scan"],
                                     "facets": {"body_site": "head", "method": "CT", "approach": "", "extra": "y"}}),
                         "procedure", 5, ["Computed tomography of head"])
    assert e.description == "A scan of the head."
    assert e.keywords == ["CT head", "head scan"]  # duplicates, one-letter and own names dropped
    assert e.facets == {"body_site": "head", "method": "CT"}
    for bad in ["", "{'description': oops", "[1]", json.dumps({"description": "d", "keywords": "k"}),
                json.dumps({"description": "", "keywords": []}), json.dumps({"description": 3, "keywords": []}),
                json.dumps({"description": "d", "keywords": [], "facets": "head"})]:
        with pytest.raises(LLMOutputError):
            parse_enrichment(bad, "procedure")


def test_garbage_and_timeouts_are_recorded_failed_and_asked_again(tiny_index, tmp_path, monkeypatch):
    from actors.llm_pool import LocalEngineClient

    cfg = load_config(None, ["enrich.batch_size=3", "enrich.shard_rows=4", "llm.timeout_s=0.5"])
    out = tmp_path / "enrich"
    codes = codes_from_index(tiny_index)
    first6 = set(zip(codes["system"][:6], codes["code"][:6]))
    stats = enrich(["--index", tiny_index, "--out", str(out), "--limit", "6"], cfg,
                   LocalEngineClient(cfg.llm, engine_cls=GarbageEngine))
    assert stats["recorded"] == 6 and stats["failed"] == 6 and stats["ok"] == 0
    latest = EnrichStore(out).latest()
    assert set(zip(latest["system"], latest["code"])) == first6 and (latest["status"] == "failed").all()
    assert latest["error"].str.contains("not JSON|empty answer").all()
    monkeypatch.setenv("HARMONIZE_FAKE_SLEEP", "3")  # past llm.timeout_s: the batch times out, nothing is lost
    stats = enrich(["--index", tiny_index, "--out", str(out), "--limit", "3"], cfg,
                   LocalEngineClient(cfg.llm, engine_cls=SleepyEngine))
    assert stats["retried"] == 6 and stats["timeout"] == 3
    # a valid engine: the failed codes are asked again, in catalog order; one code keeps answering garbage
    client = EnrichClient(garbage={codes["name"][1]})
    stats = enrich(["--index", tiny_index, "--out", str(out), "--limit", "6"], cfg, client)
    assert client.asked == list(codes["name"][:6]) and stats["ok"] == 5 and stats["failed"] == 1
    store = EnrichStore(out)
    cov = coverage(codes, store.latest()).set_index("system")
    assert cov["enriched"].sum() == 5 and cov["failed"].sum() == 1
    assert cov["missing"].sum() == len(codes) - 6 and cov["retired"].sum() == 0
    records = store.read()
    assert len(records) == 6 + 3 + 6  # every answer kept, none lost
    assert not records[records["status"] == "ok"].duplicated(["system", "code"]).any()
    client = EnrichClient()
    enrich(["--index", tiny_index, "--out", str(out), "--limit", "2"], cfg, client)
    assert client.asked == [codes["name"][1], codes["name"][6]]  # the garbage one again, then the next new one
    (out / ".part-x.parquet.tmp").write_bytes(b"PAR1 half a shard")  # a run killed mid-write
    assert len(EnrichStore(out).latest()) == 7


def test_verify_only_and_sample_print_without_asking(tiny_index, tmp_path, capsys):
    cfg = load_config(None, [])
    out = tmp_path / "enrich"
    enrich(["--index", tiny_index, "--out", str(out), "--limit", "4"], cfg, EnrichClient())
    capsys.readouterr()
    client = EnrichClient()
    enrich(["--index", tiny_index, "--out", str(out), "--verify-only", "--sample", "2"], cfg, client)
    text = capsys.readouterr().out
    assert client.asked == []
    assert "enriched" in text and "missing" in text and text.count("description: About ") == 2


LLM_ANSWERS = [  # (system, code, description, keywords)
    ("SNOMEDCT_US", "22298006", "Damage to part of the heart muscle when its blood supply is blocked.",
     ["widowmaker", "Heart attack", "ticker trouble"]),  # "Heart attack" is the code's own: not added again
    ("SNOMEDCT_US", "84114007", "The heart does not pump as well as it should.", ["ticker trouble"]),  # ambiguous
    ("RXNORM", "198440", "A pain and fever medicine taken by mouth.", ["Feverfix caplets"]),  # a made-up brand: no parser knows it
]


@pytest.fixture(scope="module")
def llm_index(tiny_catalog, embedder, tmp_path_factory):
    from ray_app.enrich.store import FIELDS
    from ray_app.index.build import build_index, local_embed_stream

    d = tmp_path_factory.mktemp("llmrows")
    recs = pd.DataFrame([{"system": s, "code": c, "status": "ok", "error": "", "description": desc,
                          "keywords": kw, "facets": "{}", "family": "none", "model": "m", "prompt_version": "v",
                          "prompt_tokens": 1, "completion_tokens": 1, "seconds": 0.1, "run": "r", "created": "t"}
                         for s, c, desc, kw in LLM_ANSWERS]
                        + [{"system": "SNOMEDCT_US", "code": "25064002", "status": "failed", "error": "not JSON",
                            "description": "", "keywords": [], "facets": "{}", "family": "none", "model": "m",
                            "prompt_version": "v", "prompt_tokens": 1, "completion_tokens": 0, "seconds": 0.1,
                            "run": "r", "created": "t"}])[FIELDS]
    EnrichStore(d / "enrich").write(recs)
    cfg = load_config(None, [])
    meta = build_index(tiny_catalog, d / "index", cfg, local_embed_stream(embedder), embedder.dim,
                       log=lambda m: None, enrich=d / "enrich")
    return str(d / "index"), meta


def test_llm_rows_are_extra_rows_never_display_names(llm_index):
    from ray_app.index.bundle import IndexBundle

    path, meta = llm_index
    info = meta["catalog"]["enrichment"]
    assert info["codes"] == 3 and info["rows"] == {"SNOMEDCT_US": 3, "RXNORM": 2}
    b = IndexBundle.load(path)
    sn = b.systems["SNOMEDCT_US"]
    t = sn.table
    llm = t[t["TTY"] == "LLM"]
    assert sorted(llm["STR"]) == sorted(["widowmaker", LLM_ANSWERS[0][2], LLM_ANSWERS[1][2]])
    assert (llm["tty_rank"] == 99).all() and llm["STY"].eq("Disease or Syndrome").all()
    for si in b.systems.values():  # every code's first row (its display name) is a catalog string
        assert not si.row_llm[si.code_start[:-1]].any()
        own = np.concatenate([np.arange(a, e) for a, e in zip(si.code_start[:-1], si.own_end)])
        assert not si.row_llm[own].any() and si.row_llm.sum() == si.n_rows - len(own)  # LLM rows: last of a code
    rx = b.systems["RXNORM"]
    llm_rx = np.flatnonzero(rx.row_llm)
    assert all(not rx.drugs.parsed[r].names for r in llm_rx)  # an LLM string teaches the drug parser nothing
    mi = sn.code_position("22298006")
    assert sn.table["kind"].iloc[sn.code_start[mi]:sn.code_start[mi + 1]].eq("disorder").all()
    from ray_app.online.concepts import concept

    found = concept(b, "SNOMEDCT_US", "22298006")  # /v1/concept, FHIR $lookup designations, $validate-code
    assert found["display"] == "Myocardial infarction" and "widowmaker" not in {x["text"] for x in found["strings"]}


def test_llm_rows_are_searchable_and_weight_zero_turns_them_off(llm_index, embedder):
    from ray_app.engine import Engine
    from ray_app.index.bundle import IndexBundle
    from ray_app.match.matcher import Matcher
    from ray_app.text.expand import load_expander

    path, _ = llm_index
    bundle = IndexBundle.load(path)
    llm_strings = {"widowmaker", LLM_ANSWERS[0][2], LLM_ANSWERS[1][2], LLM_ANSWERS[2][2], "Feverfix caplets"}
    results = {}
    for w in (0.9, 0.0):
        cfg = load_config(None, [f"match.llm_rows_weight={w}"])
        engine = Engine(Matcher(bundle, cfg, embedder), load_expander(path))
        results[w] = [top(engine, cfg, t, e) for t, e in [("widowmaker", "Diagnosis"),
                                                          ("feverfix caplets", "Medicine")]]
    on, off = results[0.9], results[0.0]
    assert (on[0].code, on[0].description, on[0].tty) == ("22298006", "Myocardial infarction", "PT")
    assert on[0].candidates[0].matched == "widowmaker" and on[0].confidence > off[0].confidence
    assert (on[1].code, on[1].description) == ("198440", "Acetaminophen 500 MG Oral Tablet")
    for r in on + off:
        assert all(c.description not in llm_strings and c.tty != "LLM" for c in r.candidates)
    for r in off:  # weight 0: no candidate was found or scored through an LLM row
        assert all(c.matched not in llm_strings for c in r.candidates)
    assert off[0].candidates[0].matched != "widowmaker"


def test_build_accepts_release_files_directly(tmp_path, tiny_catalog):
    from test_catalog_sources import write_rf2

    from jobs.cli import main
    from ray_app.index.bundle import IndexBundle

    rf2 = write_rf2(tmp_path / "SnomedCT_InternationalRF2_PRODUCTION_20240101T120000Z")
    rx = tmp_path / "rx.parquet"
    tiny_frame()[tiny_frame()["System"] == "RXNORM"].to_parquet(rx, index=False)
    out = tmp_path / "index"
    assert main(["build", "--local", "--catalog", str(rf2), str(rx), "--out", str(out),
                 "--set", "index.hpo_synonyms=false"]) == 0
    meta = IndexBundle.check(out)
    conv = meta["catalog"]["converted"]
    assert conv["formats"] == ["rf2"] and conv["rejected"] == {"snomed: bad Verhoeff check digit": 1}
    assert meta["catalog"]["release"]["rf2"] == "20240101" and "SNOMED CT" in meta["catalog"]["version"]
    assert meta["catalog"]["sources"][:2] == [str(rf2), str(rx)]  # as given, not the temp conversion
    b = IndexBundle.load(out)
    assert set(b.systems["SNOMEDCT_US"].codes) == {"22298006", "195967001", "111002", "80146002", "50043002"}
    assert len(b.systems["RXNORM"].codes) == tiny_frame().query("System == 'RXNORM'")["CODE"].nunique()
