"""Covered vs added meaning of candidates, the measure behind a broader-concept fallback (hand-made strings)."""
import pytest

from ray_app.index.lexical import stem
from ray_app.match.specificity import adds_nothing, adds_side, coverage, rank, specificity_score

# IDF-like weights of the order a 150k-row catalog gives (common words low, rare words high)
IDF = {stem(w): v for w, v in {
    "mri": 7.0, "magnetic": 5.5, "resonance": 5.5, "imaging": 4.5, "abdomen": 5.0, "whole": 5.5, "body": 4.0,
    "total": 4.0, "hysterectomy": 7.5, "oophorectomy": 8.5, "right": 3.0, "left": 3.0, "excision": 3.5,
    "uterus": 6.0, "ovary": 6.0, "history": 3.5, "asthma": 6.5, "family": 4.5, "chest": 4.5, "x": 4.0,
    "ray": 4.0, "plain": 5.0, "pain": 3.0, "knee": 5.0,
}.items()}


def test_mri_abdomen_prefers_the_broader_concept_to_a_different_one():
    q = "mri abdomen"
    broader, other = "Magnetic resonance imaging", "MRI of whole body"
    cov_b, add_b, mass = coverage(q, broader, IDF)
    cov_o, add_o, _ = coverage(q, other, IDF)
    assert mass == pytest.approx(12.0)
    assert cov_b == pytest.approx(7.0) and add_b == 0.0  # "mri" covered through its spelled-out form
    assert cov_o == pytest.approx(7.0) and add_o > 0  # "whole body" was not said
    assert adds_nothing(q, broader, IDF) and not adds_nothing(q, other, IDF)
    assert rank(q, [other, broader], IDF) == [1, 0]
    assert specificity_score(q, "MRI of abdomen", IDF) == pytest.approx(1.0)  # the exact concept beats both
    assert rank(q, [other, broader, "MRI of abdomen"], IDF)[0] == 2


def test_hysterectomy_oophorectomy_prefers_adding_nothing_over_adding_a_side():
    q = "total hysterectomy oophorectomy"
    plain, sided = "Total hysterectomy", "Total hysterectomy with right oophorectomy"
    assert adds_nothing(q, plain, IDF)
    assert not adds_nothing(q, sided, IDF)  # "right" is meaning the query did not state
    cov_s, add_s, mass = coverage(q, sided, IDF)
    assert cov_s == pytest.approx(mass)
    assert rank(q, [sided, plain], IDF) == [1, 0]
    # with the side stated, the sided concept is exact
    assert specificity_score("total hysterectomy right oophorectomy", sided, IDF) == pytest.approx(1.0)


def test_stems_and_word_formation_count_as_the_same_meaning():
    assert coverage("hysterectomies", "Hysterectomy", IDF)[:2] == (pytest.approx(7.5), 0.0)
    cov, add, _ = coverage("hysterectomy", "Excision of uterus", IDF)  # one word vs its plain wording
    assert cov == pytest.approx(7.5) and add == 0.0


def test_context_words_and_with_clauses_weigh_more_than_their_idf():
    _, add_hist, _ = coverage("asthma", "History of asthma", IDF)
    assert add_hist == pytest.approx(2 * 3.5)  # meaning-changing word, doubled
    _, add_with, _ = coverage("knee pain", "Knee pain with abdomen", IDF)
    assert add_with == pytest.approx(2 * 5.0)  # anything in a "with" clause changes the concept
    _, add_plain, _ = coverage("knee pain", "Knee pain abdomen", IDF)
    assert add_plain == pytest.approx(5.0)


def test_idf_callable_default_and_token_lists():
    idf = lambda s: {"asthma": 6.0}.get(s, 0.0)  # noqa: E731 - unknown words fall back to default_idf
    cov, add, mass = coverage(["asthma"], ["family", "history", "asthma"], idf, default_idf=1.0)
    assert (cov, mass) == (6.0, 6.0) and add == pytest.approx(2 * 1.0 + 2 * 1.0)
    assert specificity_score("", "Asthma", IDF) == 0.0
    assert coverage("plain chest x-ray", "Plain X-ray of chest", IDF)[1] == 0.0  # word order is irrelevant


def test_a_side_the_query_did_not_state_is_a_guess():
    assert adds_side("contraception vasectomy", "Unilateral vasectomy for contraception")
    assert adds_side("total hysterectomy oophorectomy", "Total hysterectomy with right oophorectomy")
    assert adds_side(["knee", "pain"], ["pain", "in", "left", "knee"])  # token lists too
    assert not adds_side("total hysterectomy oophorectomy", "Total hysterectomy")
    assert not adds_side("right knee pain", "Pain in right knee")  # the query said it
    assert adds_side("right knee pain", "Pain in left knee")  # another side than the one said
    assert not adds_side("mri abdomen", "Magnetic resonance imaging of abdomen")


def test_another_member_of_an_exclusive_group_contradicts_the_query():
    from ray_app.match.specificity import contradicts

    assert contradicts("reactive hiv-1 antigen", "HIV-1 antibody assay")
    assert contradicts("urine glucose", "Glucose measurement, serum")
    assert contradicts("hsv igm", "Herpes simplex virus IgG measurement")
    # a nucleic acid test (PCR) detects neither the antigen nor antibodies; "Anti-DNA antibody" states both
    assert contradicts("hiv nucleic acid testing", "Human immunodeficiency virus antigen test")
    assert contradicts("influenza pcr", "Serologic test for influenza virus antibody")
    assert not contradicts("dna antibody", "Anti-double stranded DNA antibody measurement")
    assert not contradicts("stool occult blood", "Screening for occult blood in feces")  # synonyms of one member
    assert not contradicts("hiv antigen", "HIV antigen and antibody test")  # it also says the query's one
    assert not contradicts("hiv test", "HIV-1 antibody assay")  # the query said none of the group


def test_another_site_organism_or_action_contradicts_and_one_member_is_one_meaning():
    from ray_app.match.specificity import contradicts

    # body regions: another region is another site; an organ inside the region is no contradiction
    assert contradicts("mri abdomen", "MRI of pelvis")
    assert contradicts("hip u/s", "Pelvic echography")
    assert not contradicts("mri abdomen", "Magnetic resonance imaging")  # it names no site
    assert not contradicts("abdominal ultrasound", "Ultrasonography of kidney")  # an organ, not a region
    assert not contradicts("abdominal ultrasound", "Ultrasonography of abdomen")  # adjective = noun
    assert contradicts("renal ultrasound", "Ultrasonography of liver")  # another organ
    assert contradicts("tympanic tube insertion", "Insertion of endotracheal tube")  # the ear is not the trachea
    assert not contradicts("tympanic tube insertion", "Myringotomy and insertion of tympanic ventilation tube")
    # organisms: another genus is another infection; a species counts as its genus
    assert contradicts("pneumococcal meningitis", "Meningococcal meningitis")
    assert not contradicts("pneumococcal meningitis", "Streptococcal meningitis")
    assert contradicts("staph infection", "Streptococcal infectious disease")
    # what a procedure does: a dissection is no biopsy; removal and excision are one action
    assert contradicts("biopsy of cervical lymph node", "Block dissection of cervical lymph nodes")
    assert not contradicts("pilonidal cyst removal", "Excision of pilonidal cyst")


def test_a_members_other_spellings_cover_the_query():
    q = "pneumococcal meningitis"
    cov, add, mass = coverage(q, "Streptococcal meningitis", IDF)
    assert cov == pytest.approx(mass) and add == 0.0  # the species is stated by its genus
    cov, add, mass = coverage("renal ultrasound", "Ultrasonography of kidney", IDF)
    assert cov == pytest.approx(mass) and add == 0.0
    assert rank(q, ["Meningitis", "Streptococcal meningitis"], IDF) == [1, 0]
    # SNOMED CT writes both "Insertion of ..." and "Placement of ...": one action
    cov, add, mass = coverage("catheter placement", "Insertion of catheter", IDF)
    assert cov == pytest.approx(mass) and add == 0.0


def test_a_severity_is_a_subtype_and_one_meaning_across_its_words():
    from ray_app.match.specificity import contradicts

    assert rank("depression", ["Severe depression", "Depression"], IDF) == [1, 0]  # a severity adds meaning
    assert contradicts("severe depression", "Mild depression")
    cov, add, mass = coverage("intense pain", "Severe pain", IDF)  # intense is severe
    assert cov == pytest.approx(mass) and add == 0.0
    # "extreme" is no severity word here: its stem is extremity's, and an extremity is no severity
    cov, _, mass = coverage("severe edema of lower extremities", "Edema of lower extremity", IDF)
    assert cov < mass


def test_with_and_without_and_opposite_positions_contradict():
    from ray_app.match.specificity import contradicts

    assert contradicts("placenta previa with hemorrhage", "Placenta previa without hemorrhage")
    assert not contradicts("placenta previa with hemorrhage", "Hemorrhage due to placenta previa")
    assert contradicts("carcinoma of lower lobe of lung", "Carcinoma of upper lobe, bronchus or lung")
    assert contradicts("closed fracture of clavicle", "Open fracture of clavicle")


def test_another_drug_is_another_test():
    from ray_app.match.specificity import contradicts

    assert contradicts("tacrolimus level", "Gentamicin level")
    assert not contradicts("insulin level", "Insulin level")
    assert not contradicts("tacrolimus level", "Therapeutic drug monitoring assay")  # names no drug


def test_imaging_is_an_action_and_hepatitis_viruses_are_organisms():
    from ray_app.match.specificity import contradicts

    assert contradicts("carotid ultrasound", "Exploration of carotid artery")  # imaging is no exploration
    assert contradicts("chest xray", "CT of chest")  # another modality
    assert not contradicts("mri abdomen", "Magnetic resonance imaging")  # one modality's spellings
    assert not contradicts("carotid angiography", "CT angiography of carotid arteries")  # either one agrees
    assert not contradicts("ultrasound guided biopsy of liver", "Biopsy of liver")
    assert contradicts("herpes simplex virus antibodies", "Hepatitis A virus antibody measurement")
    assert not contradicts("hepatitis b surface antigen", "Hepatitis B surface antigen measurement")


def test_type_numbers_and_primary_secondary_are_exclusive():
    from ray_app.match.specificity import contradicts

    q = "type ii dm with arthropathy"
    assert contradicts(q, "Arthropathy due to type 1 diabetes mellitus")
    assert not contradicts(q, "Arthropathy due to type 2 diabetes mellitus")  # roman = arabic
    cov, add, mass = coverage(q, "Arthropathy due to type 2 diabetes mellitus", {**IDF, "ii": 6.0, "2": 6.0})
    assert cov == pytest.approx(mass)
    # a secondary malignant neoplasm is a metastasis, never a primary one
    q = "secondary malignant neoplasm of liver"
    assert contradicts(q, "Primary malignant neoplasm of liver")
    assert not contradicts(q, "Metastatic malignant neoplasm to liver")
    cov, add, mass = coverage(q, "Metastatic malignant neoplasm to liver", IDF)
    assert cov == pytest.approx(mass) and add == 0.0
    assert not contradicts("diabetes mellitus", "Type 1 diabetes mellitus")  # the query states no type


def test_a_clause_that_restates_the_query_details_it():
    # "with reflex to microscopy and culture" details the query's own "with reflex": plain IDF, not double
    idf = {**IDF, stem("urinalysis"): 6.0, stem("reflex"): 7.0, stem("microscopy"): 5.0, stem("culture"): 4.0}
    _, own, _ = coverage("urinalysis with reflex", "Urinalysis with reflex to microscopy and culture", idf)
    assert own == pytest.approx(5.0 + 4.0)
    # a clause of its own still names another concept: double weight
    _, new, _ = coverage("urinalysis", "Urinalysis with microscopy and culture", idf)
    assert new == pytest.approx(2 * (5.0 + 4.0))


def test_says_it_all_allows_detail_after_the_head_but_no_subtype():
    from ray_app.match.specificity import says_it_all

    idf = {**IDF, **{stem(w): v for w, v in {
        "urinalysis": 6.0, "reflex": 7.0, "microscopy": 5.0, "culture": 4.0, "diarrhea": 7.0, "secretory": 6.0,
        "chronic": 3.0, "lupus": 7.0, "pneumonia": 6.0, "neoplasm": 4.0, "malignant": 3.0, "liver": 5.0,
        "metastatic": 5.0, "secondary": 4.0}.items()}}
    assert says_it_all("urinalysis reflex", "Urinalysis with reflex to microscopy and culture", idf)
    assert not says_it_all("urinalysis reflex", "Urinalysis", idf)  # covers too little
    assert says_it_all("secondary malignant neoplasm of liver", "Metastatic malignant neoplasm to liver", idf)
    assert not says_it_all("diarrhea", "Secretory diarrhea", idf)  # a word before the head: a subtype
    assert not says_it_all("diarrhea", "Chronic diarrhea", idf)  # a meaning-changing word
    assert not says_it_all("lupus", "Lupus pneumonia", idf)  # another head: another concept
    assert not says_it_all("total hysterectomy oophorectomy", "Total hysterectomy with right oophorectomy", IDF)
    assert says_it_all("mri abdomen", "MRI of abdomen", IDF)
    # a tail of new words after the head is a narrower concept, not detail of what the query said
    assert not says_it_all("fungal infection", "Fungal infection of kidney", {**idf, "fungal": 5.0, "kidney": 5.0})


def test_a_test_of_the_analyte_states_it_and_the_specimen_named():
    from ray_app.match.specificity import contradicts, tests_analyte

    assert tests_analyte("ph urine", "Uric acid measurement, urine") is False  # another analyte
    assert tests_analyte("ph urine", "Blood arterial pH level") is False  # another specimen
    assert tests_analyte("white blood cell count urine", "White blood cell count") is False  # a blood count
    assert tests_analyte("uric acid urine", "Uric acid measurement, urine") is True
    assert tests_analyte("urine opiates", "Opiates, qualitative") is True  # names no specimen: may be it
    assert tests_analyte("urine culture", "Urinalysis") is None  # the input names no analyte
    assert tests_analyte("tsh level", "Thyroid stimulating hormone level") is True  # through the abbreviation
    assert contradicts("ph urine", "Blood venous pH level") and contradicts("glucose urine", "Glucose, arterial")
    assert not contradicts("ketones urine", "Urinalysis")  # urinalysis states urine


def test_the_specimen_examinations():
    from ray_app.match.specificity import coverage
    from ray_app.text.wordform import specimen_tests

    assert specimen_tests("ph urine".split())[0] == "urinalysis"
    assert specimen_tests("sputum eosinophils".split()) == ["sputum examination"]
    assert specimen_tests("serum sodium".split()) == []
    idf = {"urin": 1.0, "ph": 1.0}
    assert coverage("ph urine", "Urinalysis", idf)[0] == 1.0  # "Urinalysis" states urine, and nothing of pH
    assert coverage("ph urine", "Urinalysis", idf)[1] == 0.0  # nor adds anything


def test_british_and_american_spellings_are_one_word():
    """A candidate's "Diarrhea" states the input's "diarrhoea" (and adds nothing); weights stay with each
    word's own stem, so a spelling the IDF table lacks is not read as the rarest word."""
    from ray_app.text.orthography import american

    assert [american(w) for w in ("diarrhoea", "oedema", "haematuria", "coeliac", "tumours", "analyse",
                                  "sulphate", "fibre", "oesophageal", "paediatric")] == [
        "diarrhea", "edema", "hematuria", "celiac", "tumors", "analyze", "sulfate", "fiber", "esophageal",
        "pediatric"]
    assert [american(w) for w in ("toe", "shoe", "aspirin", "hour")] == ["toe", "shoe", "aspirin", "hor"]
    cov, added, mass = coverage("diarrhoea", "Diarrhea", {stem("diarrhea"): 6.0})
    assert cov == mass and added == 0.0
    cov, added, mass = coverage("oedema of leg", "Edema of leg", IDF)
    assert cov == mass and added == 0.0
    assert coverage("tumour", "Brain tumor", {stem("tumour"): 2.0, stem("tumor"): 6.0, stem("brain"): 4.0}) == (
        pytest.approx(2.0), pytest.approx(4.0), pytest.approx(2.0))


def test_two_words_written_as_one_state_each_other():
    """"head aches" is "Headache" and "heartburn" is "Heart burn": the stems join; apart, neither word alone is
    the compound ("Injury of head" states only "head")."""
    idf = lambda s: 5.0  # noqa: E731
    assert coverage("head aches", "Headache", idf) == (10.0, 0.0, 10.0)
    assert coverage("heartburn", "Heart burn", idf) == (5.0, 0.0, 5.0)
    assert coverage("head aches", "Injury of head", idf) == (5.0, 5.0, 10.0)
    assert coverage("ache", "Headache", idf)[0] == 0.0


def test_screening_vaccination_and_counseling_are_other_actions():
    from ray_app.match.specificity import contradicts

    assert contradicts("hpv screening", "Administration of vaccine product containing only human papillomavirus antigen")
    assert not contradicts("hpv screening", "Viral screening")
    assert not contradicts("hpv vaccination", "Administration of vaccine product containing only human papillomavirus antigen")
    assert contradicts("screen for std", "Counseling for sexually transmitted disease")
    assert not contradicts("std counseling", "Counseling for sexually transmitted disease")
