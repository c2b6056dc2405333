"""The lexical index, catalog-mined acronyms, lay terms, calibrated confidence and candidate explanations."""
import json
import shutil

import numpy as np
import pytest

from ray_app.text.expand import QueryExpander, anchors_for, lay_to_clinical, mine_acronyms
from ray_app.index.bundle import IndexBundle, IndexBundleError
from ray_app.index.lexical import LexicalIndex, tokens
from engine_util import top
from ray_app.match.score import confidence

TEXTS = ["skin rash", "skin rash associated with acquired immunodeficiency syndrome", "oxygen gas",
         "excessive upper gastrointestinal gas", "joint stiffness", "stiff knee", "pain", "severe pain"]


def test_tokens_drop_function_words_and_meet_at_the_stem():
    assert tokens("pain in the knees") == ["pain", "knee"]
    assert tokens("stiffness")[0] == tokens("stiff")[0]
    assert tokens("dehydrated") == tokens("dehydration")
    assert tokens("no pain") == ["no", "pain"]  # negations are kept: they change the concept


def test_overlap_is_not_fooled_by_subsets():
    lex = LexicalIndex.build(TEXTS)
    ids, mass = lex.query("skin rash")
    f1 = lex.overlap(ids, mass, np.array([0, 1]))
    assert f1[0] == pytest.approx(1.0) and f1[1] < 0.6  # token_set_ratio scores both 100
    assert lex.overlap(*lex.query("unrelated words"), np.array([0, 1])).max() == 0.0


def test_bm25_retrieval_prefers_rare_shared_words():
    lex = LexicalIndex.build(TEXTS)
    rows = lex.retrieve(lex.query("gastrointestinal gas")[0], k=2)
    assert rows[0] == 3 and set(rows) == {2, 3}
    assert list(lex.retrieve(lex.query("knee stiffness")[0], k=2)) in ([4, 5], [5, 4])
    assert len(lex.retrieve(np.zeros(0, dtype=np.int64), k=5)) == 0


def test_lexical_index_round_trips_through_files(tmp_path):
    lex = LexicalIndex.build(TEXTS)
    lex.save(tmp_path)
    back = LexicalIndex.load(tmp_path)
    ids, mass = back.query("severe pain")
    assert np.allclose(back.overlap(ids, mass, np.arange(len(TEXTS))), lex.overlap(*lex.query("severe pain"),
                                                                                     np.arange(len(TEXTS))))


def test_bundle_without_lexical_files_is_refused(tiny_index, tmp_path):
    broken = tmp_path / "idx"
    shutil.copytree(tiny_index, broken)
    (broken / "SNOMEDCT_US" / "lex_idf.npy").unlink()
    with pytest.raises(IndexBundleError, match="lex_idf.npy is missing; rebuild"):
        IndexBundle.check(broken)
    with pytest.raises(IndexBundleError, match="lexical index unreadable"):
        IndexBundle.load(broken)


def test_acronyms_are_mined_from_catalog_strings():
    strings = ["CJD - Creutzfeldt-Jakob disease", "Severe combined immunodeficiency (SCID) due to X",
               "COPD", "Chronic obstructive pulmonary disease", "AB - not an initialism", "XYZ",
               "Unrelated words here"]
    codes = [1, 2, 3, 3, 4, 5, 5]
    acr = mine_acronyms(strings, codes)
    assert acr["cjd"] == "creutzfeldt jakob disease"
    assert acr["scid"] == "severe combined immunodeficiency"
    assert "ab" not in acr and "xyz" not in acr
    assert "copd" not in acr  # the curated list already knows it and wins


def test_mined_acronyms_expand_only_non_words_unless_capitalised():
    from ray_app.text.spell import Speller

    speller = Speller.from_texts(["hearing aids"])
    speller.keep = frozenset({"aids", "hearing"})
    ex = QueryExpander(speller, {"cjd": "creutzfeldt jakob disease", "aids": "acquired immunodeficiency syndrome"})
    assert "creutzfeldt jakob disease" in anchors_for("cjd", "Diagnosis", 4, ex)
    assert anchors_for("hearing aids", "Diagnosis", 4, ex) == ["hearing aids"]
    assert "acquired immunodeficiency syndrome" in anchors_for("AIDS", "Diagnosis", 4, ex)
    assert anchors_for("cjd", "Diagnosis", 4, ex, catalog_acronyms=False) == ["cjd"]


def test_a_dictionary_abbreviation_is_no_typo():
    # "picc" is one letter from the catalog word "pic": corrected, the dictionary would never read it
    ex = load_expander_for(["pic of chest", "insertion of peripherally inserted central catheter"])
    anchors = anchors_for("picc placement", "Procedure", 4, ex)
    assert "pic placement" not in anchors
    assert "peripherally inserted central catheter placement" in anchors


def test_lay_terms_become_clinical_wording():
    assert lay_to_clinical("felt dizzy and threw up") == "felt dizziness and vomiting"
    assert lay_to_clinical("asthma") is None
    assert "vomiting" in anchors_for("throwing up", "Diagnosis")
    assert anchors_for("throwing up", "Diagnosis", lay_terms=False) == ["throwing up"]
    assert anchors_for("sore", "Medicine") == ["sore"]  # drug names are not symptom words


def test_confidence_is_a_probability_that_rises_with_score_and_margin():
    # features: score, margin, dense, fuzzy, lexical, type fit
    low = confidence([0.6, 0.0, 0.6, 0.6, 0.5, 1.0])
    assert 0.0 <= low <= 1.0
    assert confidence([0.9, 0.0, 0.6, 0.6, 0.5, 1.0]) > low
    assert confidence([0.6, 0.2, 0.6, 0.6, 0.5, 1.0]) > low
    assert confidence([0.6, 0.0, 0.6, 0.6, 0.5, 0.2]) < low  # a concept of the wrong kind is less likely right
    assert confidence([1.3, 0.3, 1.0, 1.0, 1.0, 1.0]) > 0.9


def test_candidates_explain_their_signals_and_sources(engine, config):
    best = top(engine, config, "Plain chest X-ray", "Procedure").candidates[0]
    assert best.code == "399208008"
    assert best.signals.lexical == pytest.approx(1.0) and best.signals.dense > 0.9
    assert "exact" in best.via and "dense" in best.via


def test_lexical_signal_can_be_switched_off(engine, config):
    from ray_app.config import load_config
    from ray_app.match.matcher import Matcher

    cfg = load_config(None, ["match.w_lexical=0", "match.lexical_k=0"])
    off = Matcher(engine.matcher.bundle, cfg, engine.matcher.embedder)
    cands = top(engine, cfg, "heart attack", "Diagnosis", matcher=off).candidates
    assert cands[0].code == "22298006"
    assert all("lexical" not in c.via for c in cands)


def test_each_candidate_source_can_be_switched_off(engine, config):
    """match.sources: without the exact and dense sources only BM25 proposes codes, and via says so."""
    from ray_app.config import load_config
    from ray_app.match.matcher import Matcher

    cfg = load_config(None, ['match.sources=["lexical"]'])
    lex_only = Matcher(engine.matcher.bundle, cfg, engine.matcher.embedder)
    r = top(engine, cfg, "heart attack", "Diagnosis", matcher=lex_only)
    assert r.code == "22298006" and all(c.via == ["lexical"] for c in r.candidates)
    with pytest.raises(ValueError, match="unknown source"):
        Matcher(engine.matcher.bundle, load_config(None, ['match.sources=["telepathy"]']))


def test_an_inflection_of_a_catalog_word_becomes_that_word_not_a_near_spelling():
    from ray_app.text.spell import Speller

    speller = Speller.from_texts(["transfusion of blood", "transposed organ", "palpitations", "palpation"])
    assert speller.correct_word("transfused") == "transfusion"  # not "transposed", one letter closer
    assert speller.correct_word("palpatations") == "palpitations"  # a long ending is a misspelling
    assert speller.correct_word("transfusion") == "transfusion"
    assert Speller.from_texts(["migraine", "erythema migrans"]).correct_word("migrane") == "migraine"  # not a stem's


def test_a_drug_level_is_also_read_as_therapeutic_drug_monitoring():
    assert "tacrolimus therapeutic drug monitoring" in anchors_for("tacrolimus level", "Lab")
    assert "vancomycin therapeutic drug monitoring" in anchors_for("vancomycin trough", "Lab")
    assert not any("monitoring" in a for a in anchors_for("sodium level", "Lab"))  # not a drug
    assert not any("monitoring" in a for a in anchors_for("tacrolimus level", "Medicine"))


def test_two_catalog_words_run_together_are_split():
    from ray_app.text.spell import Speller

    speller = Speller.from_texts(["urine culture", "blood culture", "urine protein", "prediabetes", "pre"])
    assert speller.correct_word("urineculture") == "urine culture"
    assert speller.correct("bloodculture") == "blood culture"
    assert speller.correct_word("prediabetic") == "prediabetes"  # an inflection, not "pre" + "diabetic"
    assert speller.correct_word("urinexyzzy") == "urinexyzzy"  # one half no word: left alone


def test_a_real_or_short_word_in_the_wrong_place_is_read_beside_its_neighbour():
    from ray_app.text.spell import Speller

    speller = Speller.from_texts(["leg edema", "edema of leg", "leg edema bilateral", "lee white clotting time",
                                  "weight loss", "weight loss", "fall from scaffold", "fall from height"])
    assert speller.correct("lee edema") == "leg edema"  # "lee" is a catalog word, never beside "edema"
    assert speller.correct("weight lss") == "weight loss"  # three letters: too short for the word speller
    assert speller.correct("fll from scaffold") == "fall from scaffold"
    assert speller.correct("leg edema") is None and speller.correct("lee white") is None  # seen together
    assert speller.correct("lee") is None  # no neighbour, no context
    assert Speller.from_texts(["leg edema"]).correct("lee edema") is None  # seen once: below min_bigram


def load_expander_for(texts):
    """A QueryExpander over a tiny catalog's match texts, built as an index's is (make_speller)."""
    from ray_app.text.expand import make_speller

    return QueryExpander(make_speller(texts))
