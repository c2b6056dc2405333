import numpy as np
import pandas as pd
import pytest

from engine_util import map_rows
from engine_util import top as _top
from ray_app.batch.assemble import output_columns
from ray_app.batch.prepare import prepare


def top(engine, config, text, etype):
    return _top(engine, config, text, etype)


def test_exact_and_synonym_matches(engine, config):
    assert top(engine, config, "Asthma", "Diagnosis").code == "195967001"
    r = top(engine, config, "heart attack", "Diagnosis")
    assert r.code == "22298006"  # SY string of the code, display is its PT
    assert r.description == "Myocardial infarction" and r.tty == "PT"
    assert top(engine, config, "Excision of appendix", "Procedure").code == "80146002"


def test_abbreviation_anchor_and_typo(engine, config):
    assert top(engine, config, "chest xr", "Procedure").code == "399208008"
    assert top(engine, config, "HTN", "Diagnosis").code == "38341003"
    assert top(engine, config, "migrane", "Diagnosis").code == "37796009"


def test_medicine_routes_to_rxnorm_only(engine, config):
    r = top(engine, config, "ibuprofen 200 mg tablet", "Medication")
    assert r.system == "RXNORM" and r.code == "310965"
    assert all(c.system == "RXNORM" for c in r.candidates)


def test_candidates_carry_signals_and_are_ranked(engine, config):
    r = top(engine, config, "Plain chest X-ray", "Procedure")
    cands = r.candidates
    assert 1 <= len(cands) <= config.match.top_k
    assert [c.rank for c in cands] == list(range(1, len(cands) + 1))
    assert all(a.score >= b.score for a, b in zip(cands, cands[1:]))
    assert set(vars(cands[0].signals)) == {"dense", "fuzzy", "lexical", "sty", "agreement", "drug", "llm"}
    assert cands[0].matched == "Plain chest X-ray" and "exact" in cands[0].via
    # per-code aggregation: one candidate per code, never the same code twice
    assert len({c.code for c in cands}) == len(cands)
    assert 0.0 <= r.confidence <= 1.0


def test_batch_keeps_order_across_systems(engine, config):
    texts = ["aspirin", "asthma", "colonoscopy", "metformin", "ct head", "lisinopril"]
    types = ["Medicine", "Diagnosis", "Procedure", "Medicine", "Procedure", "Medicine"]
    q = prepare(texts, types, config, engine.expander).queries
    res = [r.code for r in engine.matcher.match_batch(q)]
    assert res == ["1191", "195967001", "73761001", "6809", "77477000", "29046"]
    # the batch result equals the one-at-a-time result (batching changes nothing)
    assert [engine.matcher.match_batch([x])[0].code for x in q] == res


def test_map_dataframe_dedupes_and_keeps_every_row(engine, config):
    df = pd.DataFrame({
        "Input Entity Description": ["Asthma", "asthma ", None, "Asthma", 42, "x" * 10_000, "Colonoscopy", "aspirin"],
        "Entity Type": ["Diagnosis", "Diagnosis", "Diagnosis", "Alien", "Lab", "Diagnosis", "procedure", "Drug"],
        "row_id": list(range(8)),
    })
    rows = map_rows(engine, df["Input Entity Description"], df["Entity Type"], config)
    assert len(rows) == len(df)
    assert len(prepare(df["Input Entity Description"], df["Entity Type"], config).queries) == 5
    assert rows[0] is rows[1]  # "Asthma"/"asthma " share one query, and so one result object
    out = df.assign(**output_columns(rows, top_k=2))
    assert out["row_id"].tolist() == list(range(8))
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


def test_combination_drug_keeps_every_ingredient(engine, config):
    r = top(engine, config, "oxycodone 5 mg / acetaminophen 325 mg tab", "Medicine")
    assert r.code == "1049221"
    assert top(engine, config, "oxycodone 5mg tablet", "Medicine").code == "1049621"
    assert top(engine, config, "Paracetamol 500 mg", "Medicine").code == "198440"  # UK name, SCD over SCDC


def test_spelling_is_corrected_against_the_catalog(engine, config):
    expander = engine.expander
    assert expander.speller.correct("asthmaa attack") == "asthma attack"  # "attack" is a real word: left alone
    assert expander.speller.correct("colonoscopy") is None
    q = prepare(["hemoglobin a1c mesurement"], ["Lab"], config, expander).queries
    assert "hemoglobin a1c measurement" in q[0].anchors
    assert engine.matcher.match_batch(q)[0].code == "43396009"


def test_concept_kind_prior_prefers_a_test_for_a_lab(engine, config):
    """Lab means a test: the measurement wins over the substance of the same name, and the kind that decided
    it is stored per catalog row at build time."""
    from ray_app.catalog.kinds import KINDS

    si = engine.bundle.systems["SNOMEDCT_US"]
    kind = dict(zip(si.table["CODE"], (KINDS[k] for k in si.row_kind)))
    assert kind["359986008"] == "measurement" and kind["79706000"] == "substance"
    r = top(engine, config, "bilirubin", "Lab")
    assert r.code == "359986008" and r.candidates[0].signals.sty > r.candidates[1].signals.sty


def test_word_formation_and_dictionary_reach_the_anchors(engine, config):
    q = prepare(["appendix removal surgery", "n/v/d"], ["Procedure", "Diagnosis"], config, engine.expander).queries
    assert "appendectomy" in q[0].anchors
    assert any("nausea" in a and "vomiting" in a for a in q[1].anchors)
    assert top(engine, config, "appendix removal surgery", "Procedure").code == "80146002"


def test_a_code_that_says_it_all_gains_over_a_shorter_broader_one(engine, config):
    """"secondary" = metastatic (one member of an exclusive group): the code stating all the input says and
    adding nothing gains match.w_complete; the primary neoplasm contradicts the input and falls behind the
    broader code. (On the tiny catalog the broader string is nearer in dense similarity than
    w_complete makes up for; on the bench catalog's synthetic set this wins about a dozen rows.)"""
    import copy

    from ray_app.match.matcher import Matcher

    def scores(w_complete):
        cfg = copy.deepcopy(config)
        cfg.match.w_complete = w_complete
        r = _top(engine, cfg, "secondary malignant neoplasm of liver", "Diagnosis",
                 Matcher(engine.bundle, cfg, engine.matcher.embedder))
        return {c.code: c.score for c in r.candidates}

    off, on = scores(0.0), scores(0.25)
    assert on["94381002"] - off["94381002"] == pytest.approx(0.25, abs=1e-3)
    assert on["93870000"] == off["93870000"] and on["109841003"] == off["109841003"]
    assert max(on, key=on.get) == "94381002"
    assert off["93870000"] > off["109841003"]  # broader, before the contradicting primary


def _scores(engine, config, text, etype, **match):
    import copy

    from ray_app.match.matcher import Matcher

    cfg = copy.deepcopy(config)
    for k, v in match.items():
        setattr(cfg.match, k, v)
    r = _top(engine, cfg, text, etype, Matcher(engine.bundle, cfg, engine.matcher.embedder))
    return {c.code: c.score for c in r.candidates}


def test_a_code_loses_the_share_of_the_query_it_leaves_unstated(engine, config):
    """match.w_covered: of two broader codes the closer one wins. A code stating every word of the input
    keeps its score; one stating part of it ("Malignant neoplasm of liver": not "secondary") loses the weight
    times the share it leaves out."""
    off = _scores(engine, config, "secondary malignant neoplasm of liver", "Diagnosis", w_covered=0.0)
    on = _scores(engine, config, "secondary malignant neoplasm of liver", "Diagnosis", w_covered=0.2)
    assert on["94381002"] == pytest.approx(off["94381002"], abs=1e-4)  # metastatic = secondary: all stated
    assert -0.15 < on["93870000"] - off["93870000"] < -0.01


def test_a_window_whose_every_code_sinks_is_widened(engine, config):
    """The broader re-scoring reads the best broader_k codes and none falls below the first code it did not
    read. "appendix ct": the appendectomy is another action (excision, not tomography); in a window of one it
    sinks to that floor and is held there, first by a tie. Widening (broader_max_k) reads the next code too,
    and the CT, whose only addition is a site, goes first."""
    narrow = _scores(engine, config, "appendix ct", "Procedure", broader_k=1, broader_max_k=1)
    wide = _scores(engine, config, "appendix ct", "Procedure", broader_k=1, broader_max_k=30)
    assert max(narrow, key=narrow.get) == "80146002"
    assert narrow["80146002"] == pytest.approx(narrow["77477000"], abs=1e-4)  # held at the floor
    assert max(wide, key=wide.get) == "77477000" and wide["80146002"] < wide["77477000"] - 0.03


def test_an_analyte_no_test_covers_falls_back_to_the_specimen_examination(engine, config):
    """No test of urine pH in the catalog (a blood pH test, a test of another urine analyte): the urinalysis,
    flagged broader_concept. Where a test of the analyte exists, or the input names none, it is kept; with the
    ``specimen`` source off the fallback never fires."""
    import copy

    from ray_app.match.matcher import Matcher

    r = top(engine, config, "ph. urine", "Lab")
    assert r.code == "27171005" and "broader_concept" in r.flags
    assert top(engine, config, "uric acid urine", "Lab").code == "24205003"
    assert top(engine, config, "ph arterial", "Lab").code == "27051004"
    assert top(engine, config, "urineculture", "Lab").code == "117010004"  # two words run together
    cfg = copy.deepcopy(config)
    cfg.match.sources = [s for s in cfg.match.sources if s != "specimen"]
    assert _top(engine, cfg, "ph. urine", "Lab", Matcher(engine.bundle, cfg, engine.matcher.embedder)).code != "27171005"


def test_repeated_cells_keep_their_own_flags_and_types(config):
    """Rows are normalized once per distinct cell: 1, 1.0, True and "1" stay different cells (equal as
    dict keys), each row owns its flag list, and an unhashable cell is still mapped on its own."""
    texts = [1, 1.0, True, "1", 1, ["a", "b"], "Asthma", "Asthma"]
    types = ["Lab", "Lab", "Lab", "Lab", "Alien", "Lab", "Diagnosis", "diagnosis"]
    p = prepare(texts, types, config)
    assert [q.text for q in p.queries] == ["1", "1.0", "True", "['a', 'b']", "Asthma"]
    assert p.row_qid.tolist() == [0, 1, 2, 0, -1, 3, 4, 4]
    assert p.row_flags[0] == ["non_string_input"] and p.row_flags[3] == []
    assert p.row_flags[4] == ["non_string_input", "unknown_entity_type"]
    p.row_flags[0].append("x")
    assert p.row_flags[1] == ["non_string_input"] and "x" not in p.row_flags[4]


def test_anchors_built_later_are_the_same(engine, config):
    """The file job builds anchors only for the queries its cache does not know (``expand`` after
    ``prepare(anchors=False)``): the same anchors and drug parse as building them at once."""
    from ray_app.batch.prepare import expand

    texts = ["appendix removal surgery", "n/v/d", "metformin 500 mg tab", "hemoglobin a1c mesurement"]
    types = ["Procedure", "Diagnosis", "Medicine", "Lab"]
    now = prepare(texts, types, config, engine.expander).queries
    later = prepare(texts, types, config, engine.expander, anchors=False).queries
    assert all(not q.anchors and q.drug is None for q in later)
    expand(later, config, engine.expander)
    assert [(q.key, q.anchors, q.drug) for q in later] == [(q.key, q.anchors, q.drug) for q in now]


def test_fast_ranking_pieces_equal_what_they_replaced(matcher):
    """The per-query shortcuts give what they replaced: pandas' descending order (ties, NaN), the context
    penalty from per-row bits, the exclusive-group test from cached per-text profiles."""
    from ray_app.match.candidates import descending
    from ray_app.match.score import context_bits, context_count, context_penalty
    from ray_app.match.specificity import contradicts

    rng = np.random.default_rng(3)
    for n in (1, 5, 17, 40, 200):
        v = rng.choice(np.float32([0.1, 0.5, 0.5, 0.9, np.nan]), n)  # many ties, some NaN
        assert descending(v).tolist() == pd.Series(v).sort_values(ascending=False).index.tolist()
    texts = ["family history of asthma", "asthma", "no chronic pain without relief", "acute on chronic",
             "suspected allergy reaction due to drug", ""]
    si = matcher.bundle.systems["SNOMEDCT_US"]
    for q in ({"history"}, {"chronic", "acute"}, set(), {"asthma"}):
        rows = np.arange(si.n_rows)[::-1]
        assert context_count(si.context_bits.get(rows), q).tolist() == \
            context_penalty(q, [si.row_text[r] for r in rows]).tolist()
        assert context_count(context_bits(texts), q).tolist() == context_penalty(q, texts).tolist()
    pairs = [("urine glucose", "Glucose measurement, serum"), ("reactive hiv-1 antigen", "HIV-1 antibody assay"),
             ("tacrolimus level", "Gentamicin level"),
             ("placenta previa with hemorrhage", "placenta previa without hemorrhage"),
             ("glucose", "Glucose measurement, serum")]
    assert [contradicts(q, c) for q, c in pairs] == [True, True, True, True, False]
    assert [contradicts(q, c) for q, c in pairs] == [True, True, True, True, False]  # again, from the cache
    assert contradicts("urine glucose".split(), "glucose serum".split())  # token lists: not cached, same rule
