"""The evaluation harness and the dev-set builder: exact metric numbers on hand-made rankings, seeded noise,
the held-out builder's catalog surgery, and one end-to-end run of the engine on the tiny index."""
import json
import random

import numpy as np
import pandas as pd
import pytest

from conftest import tiny_frame
from ray_app.catalog.load import load_catalog
from ray_app.evaluate.devsets import (HELDOUT, abbreviate, drug_variant, item_rng, noisy_variant, reorder_words,
                                     synthetic_heldout)
from ray_app.text.typos import typo
from ray_app.evaluate.gold import gold_frame, read_gold, split_codes
from ray_app.evaluate.harness import build_rankers, evaluate, query_ranker
from ray_app.evaluate.metrics import first_hit_rank
from ray_app.evaluate.report import write_report
from ray_app.text.normalize import match_text

# ------------------------------------------------------------------------------- metrics, no model
GOLD = [  # text, type, codes, hand-made ranking (top 10)
    ("asthma", "Diagnosis", "A", ["A", "X"]),                 # rank 1
    ("htn", "Diagnosis", "B;C", ["X", "Y", "C", "B"]),        # multi-code gold: first acceptable at 3
    ("aspirin", "Medicine", "D", ["X", "Y", "Z", "W", "V", "D"]),  # rank 6
    ("colonoscopy", "Procedure", "E", ["X"]),                  # miss
    ("Asthma ", "dx", "A", None),                               # same query as row 1 after normalization
]
RANKING = {t.strip().lower(): r for t, _, _, r in GOLD if r is not None}


def hand_ranker(queries: list) -> list:
    return [RANKING[q.text.lower()] for q in queries]


def gold_df():
    return gold_frame([g[0] for g in GOLD], [g[1] for g in GOLD], [g[2] for g in GOLD])


@pytest.fixture()
def tiny_codes(tmp_path):
    """A real (tiny) catalog: SNOMED holds A, C and E; RxNorm holds only Q (so D is out of catalog)."""
    rows = [("SNOMEDCT_US", "PT", "A", "Asthma", "Disease or Syndrome"),
            ("SNOMEDCT_US", "PT", "C", "Hypertension", "Disease or Syndrome"),
            ("SNOMEDCT_US", "PT", "E", "Colonoscopy", "Diagnostic Procedure"),
            ("RXNORM", "IN", "Q", "Ibuprofen", "Pharmacologic Substance")]
    p = tmp_path / "cat.parquet"
    tiny_frame(rows).to_parquet(p, index=False)
    return {s: t["CODE"].unique() for s, t in load_catalog([p]).items()}


def test_split_codes_and_first_hit_rank():
    assert split_codes("a; b;;a ") == ["a", "b"]
    assert split_codes(195967001.0) == ["195967001"]
    assert first_hit_rank(["x", "b", "a"], ["a", "b"]) == 2
    assert first_hit_rank(["x"] * 10 + ["a"], ["a"]) == 0  # only the top 10 count


def test_exact_metrics_on_hand_made_rankings(tiny_codes):
    res = evaluate(gold_df(), {"hand": query_ranker(hand_ranker)}, tiny_codes)
    m = res.metrics
    assert m["rows"] == 5 and m["distinct_queries"] == 4
    assert res.rows["rank_hand"].tolist() == [1, 3, 6, 0, 1]
    a = m["rankers"]["hand"]["all"]
    assert a == {"n": 5, "acc@1": 0.4, "acc@5": 0.6, "acc@10": 0.8, "mrr": 0.5}  # (1+1/3+1/6+0+1)/5
    # coverage: D is not in the RxNorm catalog; B;C counts because C is there
    assert m["coverage"] == 0.8
    assert res.rows["in_catalog"].tolist() == [True, True, False, True, True]
    ic = m["rankers"]["hand"]["in_catalog"]
    assert ic["n"] == 4 and ic["acc@1"] == 0.5 and ic["acc@5"] == 0.75 and ic["acc@10"] == 0.75
    assert ic["mrr"] == pytest.approx((1 + 1 / 3 + 0 + 1) / 4, abs=1e-4)
    dx = m["rankers"]["hand"]["by_type"]["Diagnosis"]["all"]
    assert dx["n"] == 3 and dx["acc@1"] == pytest.approx(0.6667, abs=1e-4)
    assert m["coverage_by_type"] == {"Diagnosis": 1.0, "Medicine": 0.0, "Procedure": 1.0}
    assert "confidence" not in m["rankers"]["hand"]  # plain code lists carry no confidence


def test_confidence_abstain_and_threshold_table(tiny_codes):
    conf = {"asthma": (0.9, ""), "htn": (0.3, "needs_review"), "aspirin": (0.55, ""), "colonoscopy": (0.2, "needs_review")}

    def ranker(q):
        return [{"codes": RANKING[x.text.lower()], "confidence": conf[x.text.lower()][0], "flags": conf[x.text.lower()][1]}
                for x in q]

    c = evaluate(gold_df(), {"full": query_ranker(ranker)}, tiny_codes).metrics["rankers"]["full"]["confidence"]["all"]
    assert c["abstain_rate"] == 0.4  # htn + colonoscopy flagged
    assert c["answered"] == 3 and c["acc@1_answered"] == pytest.approx(0.6667, abs=1e-4)  # asthma x2 right, aspirin wrong
    by_t = {row["threshold"]: row for row in c["thresholds"]}
    assert by_t[0.0]["coverage"] == 1.0 and by_t[0.0]["acc@1"] == 0.4
    assert by_t[0.5]["n"] == 3 and by_t[0.5]["acc@1"] == pytest.approx(0.6667, abs=1e-4)
    assert by_t[0.6]["n"] == 2 and by_t[0.6]["acc@1"] == 1.0
    assert by_t[0.9]["n"] == 2 and by_t[0.9]["acc@1"] == 1.0 and [r["threshold"] for r in c["thresholds"]][-1] == 0.9


def test_unknown_type_rows_count_as_misses(tiny_codes):
    gold = gold_frame(["asthma", "asthma"], ["Diagnosis", "gibberish"], ["A", "A"])
    res = evaluate(gold, {"hand": query_ranker(hand_ranker)}, tiny_codes)
    assert res.metrics["unrouted_rows"] == 1
    assert res.rows["rank_hand"].tolist() == [1, 0]


def test_read_gold_csv_and_xlsx(tmp_path):
    df = pd.DataFrame({"Input Entity Description": ["Asthma", "x"], "entity type": ["Diagnosis", "Lab"],
                       "Standard Code": ["00123; 195967001", "42"], "Remarks": ["r1", "r2"]})
    df.to_csv(tmp_path / "g.csv", index=False)
    g = read_gold(tmp_path / "g.csv")
    assert g["codes"].tolist() == [["00123", "195967001"], ["42"]] and g["Remarks"].tolist() == ["r1", "r2"]
    pd.DataFrame({"Input Entity Description": ["Asthma"], "Entity Type": ["Diagnosis"],
                  "Standard Code": [195967001]}).to_excel(tmp_path / "g.xlsx", index=False)
    assert read_gold(tmp_path / "g.xlsx")["codes"].tolist() == [["195967001"]]
    pd.DataFrame({"Input Entity Description": ["a"], "Entity Type": ["Lab"], "Standard Code": [""]}).to_csv(
        tmp_path / "bad.csv", index=False)
    with pytest.raises(ValueError, match="without"):
        read_gold(tmp_path / "bad.csv")


# ------------------------------------------------------------------------------------------ noise
def test_noise_is_seeded_and_reproducible():
    texts = ["Computed tomography of head", "Excision of appendix", "Glucose measurement, fasting",
             "Urinary tract infectious disease", "Chronic kidney disease stage 3"]
    first = [noisy_variant(t, item_rng(13, t)) for t in texts]
    assert first == [noisy_variant(t, item_rng(13, t)) for t in texts]
    assert first != [noisy_variant(t, item_rng(14, t)) for t in texts]
    assert all(q != t for (q, _), t in zip(first, texts))  # something always changes
    d = drug_variant("Acetaminophen 500 MG Oral Tablet", "SCD", item_rng(1, "x"))
    assert d == drug_variant("Acetaminophen 500 MG Oral Tablet", "SCD", item_rng(1, "x"))


def test_noise_operations():
    rng = random.Random(0)
    assert abbreviate("Computed tomography of head", rng).lower() == "ct of head"
    assert abbreviate("No phrase here", rng) == "No phrase here"
    assert reorder_words("Excision of appendix", rng) == "appendix Excision"
    assert reorder_words("Glucose measurement, fasting", rng) == "fasting Glucose measurement"
    t = typo("hypertension", random.Random(3))
    assert t != "hypertension" and abs(len(t) - len("hypertension")) <= 1 and t[0] == "h"
    assert typo("MGUS", random.Random(3)) == "MGUS"  # acronyms are left alone
    outs = {drug_variant("Ibuprofen 200 MG Oral Tablet", "SCD", random.Random(s))[0] for s in range(40)}
    assert any("tab" in o and "Oral Tablet" not in o for o in outs) and any("mg" in o for o in outs)


# ------------------------------------------------------------------------------ synthetic held-out
def test_synthetic_heldout_removes_exactly_one_string(tiny_catalog, tmp_path):
    paths, gold = synthetic_heldout(tiny_catalog, n_per_type=5, seed=3, out_dir=tmp_path / "a")
    before = load_catalog(tiny_catalog)["SNOMEDCT_US"]
    after = load_catalog(paths)["SNOMEDCT_US"]
    held = gold[gold["Variant"] == HELDOUT]
    # the tiny catalog has two eligible codes per type (PT + a differing SY/FN) for Diagnosis and Procedure
    assert sorted(held["Entity Type"].unique()) == ["Diagnosis", "Procedure"] and len(held) == 4
    for _, row in held.iterrows():
        code = row["Standard Code"]
        b = set(before.loc[before["CODE"] == code, "match_text"])
        a = set(after.loc[after["CODE"] == code, "match_text"])
        assert a and a < b and b - a == {match_text(row["Source String"])}  # exactly the held-out string
        assert match_text(row["Input Entity Description"]) not in set(after["match_text"])
    untouched = set(before["CODE"]) - set(held["Standard Code"])
    pd.testing.assert_frame_equal(
        before[before["CODE"].isin(untouched)][["CODE", "STR"]].reset_index(drop=True),
        after[after["CODE"].isin(untouched)][["CODE", "STR"]].reset_index(drop=True))
    raw = pd.read_parquet(paths[0])
    assert list(raw.columns) == ["CUI", "System", "TTY", "CODE", "STR", "STY"]
    assert set(gold.loc[gold["Entity Type"] == "Medicine", "Standard Code"]) <= set(load_catalog(paths)["RXNORM"]["CODE"])
    # reproducible: same seed, same gold and same catalog bytes
    paths2, gold2 = synthetic_heldout(tiny_catalog, n_per_type=5, seed=3, out_dir=tmp_path / "b")
    pd.testing.assert_frame_equal(gold, gold2)
    for p1, p2 in zip(paths, paths2):
        pd.testing.assert_frame_equal(pd.read_parquet(p1), pd.read_parquet(p2))


# ------------------------------------------------------------------------------ engine end to end
def test_engine_rankers_and_report(engine, config, tmp_path):
    from ray_app.batch.backend import LocalBackend
    from ray_app.match.matcher import Matcher

    gold = gold_frame(["Asthma", "heart attack", "chest xr", "ibuprofen 200 mg tablet", "Bilirubin", "zzz qqq"],
                      ["Diagnosis", "Diagnosis", "Procedure", "Medicine", "Lab", "Diagnosis"],
                      ["195967001", "22298006", "399208008", "310965", "359986008", "999999"])
    m0 = engine.matcher
    rankers = build_rankers(lambda cfg: LocalBackend(Matcher(m0.bundle, cfg, m0.embedder), 4), m0.bundle, config,
                            engine.expander, baselines=True)
    assert list(rankers) == ["full", "dense-only", "fuzzy-only"]
    res = evaluate(gold, rankers, m0.bundle)
    m = res.metrics
    assert m["coverage"] == pytest.approx(5 / 6, abs=1e-3)
    full = m["rankers"]["full"]
    assert full["in_catalog"]["acc@10"] == 1.0 and full["in_catalog"]["acc@1"] >= 0.8
    assert "confidence" in full and "confidence" not in m["rankers"]["dense-only"]
    assert res.rows.loc[0, "rank_fuzzy-only"] == 1  # an exact catalog string is the fuzzy top hit
    assert all(len(r["codes"]) <= 10 for r in res.ranked["full"])
    out = write_report(res, tmp_path / "rep", m0.bundle, {"gold": "inline"})
    metrics = json.loads((tmp_path / "rep" / "metrics.json").read_text())
    assert metrics["gold"] == "inline" and set(metrics["rankers"]) == {"full", "dense-only", "fuzzy-only"}
    summary = (tmp_path / "rep" / "summary.md").read_text()
    assert "| full | all |" in summary and "| fuzzy-only | in_catalog |" in summary
    misses = pd.read_csv(tmp_path / "rep" / "misses.csv", dtype=str)
    assert out["n_misses"] == len(misses) and "999999" in set(misses["gold_codes"])
    assert {"gold_descriptions", "top1_code", "top1_description", "top1_signals", "confidence"} <= set(misses.columns)
    assert misses.loc[misses["gold_codes"] == "999999", "gold_descriptions"].iloc[0] == "(not in catalog)"


def test_cli_eval(tiny_index, tmp_path, capsys):
    from jobs.cli import main

    gold = tmp_path / "gold.csv"
    pd.DataFrame({"Input Entity Description": ["Asthma", "heart attack", "aspirin"],
                  "Entity Type": ["Diagnosis", "Diagnosis", "Medication"],
                  "Standard Code": ["195967001", "22298006;84114007", "1191"]}).to_csv(gold, index=False)
    rc = main(["eval", "--index", tiny_index, "--gold", str(gold), "--report", str(tmp_path / "r"),
               "--no-baselines", "--set", "match.w_agg=0.05"])
    assert rc == 0
    out = capsys.readouterr().out
    assert "| full | all | 3 | 1.000 |" in out and "dense-only" not in out
    assert (tmp_path / "r" / "misses.csv").exists()
    m = json.loads((tmp_path / "r" / "metrics.json").read_text())
    assert m["config"]["match"]["top_k"] == 10  # the effective config is recorded: eval ranks 10 deep
    assert np.isclose(m["rankers"]["full"]["all"]["mrr"], 1.0)
