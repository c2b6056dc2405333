import json

import numpy as np
import pandas as pd

from ray_app.batch.prepare import local_match_fn, map_dataframe, prepare


def top(matcher, config, text, etype):
    q = prepare([text], [etype], config).queries
    return matcher.match_batch(q).iloc[0]


def test_exact_and_synonym_matches(matcher, config):
    assert top(matcher, config, "Asthma", "Diagnosis")["code"] == "195967001"
    r = top(matcher, config, "heart attack", "Diagnosis")
    assert r["code"] == "22298006"  # SY string of the code, display is its PT
    assert r["description"] == "Myocardial infarction" and r["tty"] == "PT"
    assert top(matcher, config, "Excision of appendix", "Procedure")["code"] == "80146002"


def test_abbreviation_anchor_and_typo(matcher, config):
    assert top(matcher, config, "chest xr", "Procedure")["code"] == "399208008"
    assert top(matcher, config, "HTN", "Diagnosis")["code"] == "38341003"
    assert top(matcher, config, "migrane", "Diagnosis")["code"] == "37796009"


def test_medicine_routes_to_rxnorm_only(matcher, config):
    r = top(matcher, config, "ibuprofen 200 mg tablet", "Medication")
    assert r["system"] == "RXNORM" and r["code"] == "310965"
    cands = json.loads(r["candidates"])
    assert all(c["system"] == "RXNORM" for c in cands)


def test_candidates_carry_signals_and_are_ranked(matcher, config):
    r = top(matcher, config, "Plain chest X-ray", "Procedure")
    cands = json.loads(r["candidates"])
    assert 1 <= len(cands) <= config.match.top_k
    assert [c["rank"] for c in cands] == list(range(1, len(cands) + 1))
    assert all(a["score"] >= b["score"] for a, b in zip(cands, cands[1:]))
    assert set(cands[0]["signals"]) == {"dense", "fuzzy", "lexical", "sty", "agreement", "drug"}
    assert cands[0]["matched"] == "Plain chest X-ray"
    # per-code aggregation: one candidate per code, never the same code twice
    assert len({c["code"] for c in cands}) == len(cands)
    assert 0.0 <= r["confidence"] <= 1.0


def test_batch_keeps_order_across_systems(matcher, config):
    texts = ["aspirin", "asthma", "colonoscopy", "metformin", "ct head", "lisinopril"]
    types = ["Medicine", "Diagnosis", "Procedure", "Medicine", "Procedure", "Medicine"]
    q = prepare(texts, types, config).queries
    res = matcher.match_batch(q)
    assert res["code"].tolist() == ["1191", "195967001", "73761001", "6809", "77477000", "29046"]
    # the batch result equals the one-at-a-time result (batching changes nothing)
    singles = [matcher.match_batch(q.iloc[[i]]).iloc[0]["code"] for i in range(len(q))]
    assert singles == res["code"].tolist()


def test_map_dataframe_dedupes_and_keeps_every_row(matcher, config):
    df = pd.DataFrame({
        "Input Entity Description": ["Asthma", "asthma ", None, "Asthma", 42, "x" * 10_000, "Colonoscopy", "aspirin"],
        "Entity Type": ["Diagnosis", "Diagnosis", "Diagnosis", "Alien", "Lab", "Diagnosis", "procedure", "Drug"],
        "row_id": list(range(8)),
    })
    out, stats = map_dataframe(df, local_match_fn(matcher), config, top_k=2)
    assert len(out) == len(df) and out["row_id"].tolist() == list(range(8))
    assert stats["distinct_queries"] == 5  # "Asthma"/"asthma " share one query
    codes = out["Output Target Code"].tolist()
    assert codes[0] == codes[1] == "195967001"
    assert codes[2] == "" and "empty_input" in out.at[2, "Output Flags"]
    assert codes[3] == "" and "unknown_entity_type" in out.at[3, "Output Flags"]
    assert "non_string_input" in out.at[4, "Output Flags"]
    assert "truncated" in out.at[5, "Output Flags"]
    assert codes[6] == "73761001" and out.at[7, "Output Coding System"] == "RXNORM"
    assert out.at[0, "Output Target Code 1"] == "195967001" and out.at[0, "Output Target Code 2"] != ""
    assert out.at[2, "Output Target Code 1"] == ""
    assert np.isfinite(out["Output Confidence"].astype(float)).all()


def test_combination_drug_keeps_every_ingredient(matcher, config):
    r = top(matcher, config, "oxycodone 5 mg / acetaminophen 325 mg tab", "Medicine")
    assert r["code"] == "1049221"
    assert top(matcher, config, "oxycodone 5mg tablet", "Medicine")["code"] == "1049621"
    assert top(matcher, config, "Paracetamol 500 mg", "Medicine")["code"] == "198440"  # UK name, SCD over SCDC


def test_spelling_is_corrected_against_the_catalog(matcher, config):
    expander = matcher.expander
    assert expander.speller.correct("asthmaa attack") == "asthma attack"  # "attack" is a real word: left alone
    assert expander.speller.correct("colonoscopy") is None
    q = prepare(["hemoglobin a1c mesurement"], ["Lab"], config, expander).queries
    assert "hemoglobin a1c measurement" in q.iloc[0]["anchors"]
    assert matcher.match_batch(q).iloc[0]["code"] == "43396009"
