"""Concept kinds of SNOMED CT codes from STY, the FSN tag and wording (hand-made strings)."""
import pandas as pd
import pytest

from ray_app.catalog.kinds import (KIND_PREFERENCE, KINDS, code_kinds, kind_from_strings, kind_from_sty,
                                   kind_from_tag, kind_from_wording, kind_preference)


@pytest.mark.parametrize("sty,kind", [
    ("Laboratory Procedure", "measurement"), ("Diagnostic Procedure", "procedure"),
    ("Therapeutic or Preventive Procedure", "procedure"), ("Finding", "finding"), ("Sign or Symptom", "finding"),
    ("Disease or Syndrome", "disorder"), ("Clinical Attribute", "observable"), ("Organism", "organism"),
    ("Body Part, Organ, or Organ Component", "body_structure"), ("Pharmacologic Substance", "substance"),
    ("Medical Device", "device"), ("", None), (None, None), ("Not A Semantic Type", None),
])
def test_kind_from_sty(sty, kind):
    assert kind_from_sty(sty) == kind


@pytest.mark.parametrize("text,kind", [
    ("Appendectomy (procedure)", "procedure"), ("Asthma (disorder)", "disorder"), ("Cough (finding)", "finding"),
    ("Heart rate (observable entity)", "observable"), ("History of asthma (situation)", "situation"),
    ("Ulcer (morphologic abnormality)", "morphology"), ("Urine specimen (specimen)", "specimen"),
    ("Glucose (substance)", "substance"), ("Physiotherapy (regime/therapy)", "regime"), ("Asthma", None),
])
def test_kind_from_tag(text, kind):
    assert kind_from_tag(text) == kind


@pytest.mark.parametrize("text,kind", [
    ("Serum sodium level", "measurement"), ("Cell count of synovial fluid", "measurement"),
    ("Antinuclear antibody assay", "measurement"), ("Thyroid panel", "measurement"),
    ("Urine screening test for drugs", "measurement"),
    ("Cocaine, qualitative", "measurement"), ("Semen analysis", "measurement"),  # the method word alone
    ("Tonsillectomy", "procedure"), ("Laparotomy", "procedure"), ("Cystoscopy", "procedure"),
    ("Rhinoplasty", "procedure"), ("Biopsy of liver", "procedure"), ("Repair of inguinal hernia", "procedure"),
    ("Insertion of urinary catheter", "procedure"), ("CT of thorax", "procedure"),
    ("History of tonsillectomy", "situation"), ("Family history of stroke", "situation"),
    ("Stenosis of trachea following tracheostomy", "disorder"),  # the head decides, not the last word
    ("Appendicitis", "disorder"), ("Fracture of femur", "disorder"), ("Pain in left knee", "finding"),
    ("Urinary catheter", "device"), ("Structure of left kidney", "body_structure"),
    ("Growth hormone", "substance"), ("Staphylococcus", "organism"), ("Opening - action", "qualifier"),
    ("Low salt diet", "regime"), ("Crista galli", None),
    ("Level I", "qualifier"), ("Grade 2", "qualifier"), ("Stage IIIa", "qualifier"),  # ordinal values, not tests
    # a compound's head is its last word: a Doppler device is a device, a level that is raised a finding
    ("Doppler device", "device"), ("Biopsy needle", "device"), ("Behavior rating scale", "observable"),
    ("Serum bicarbonate level normal", "finding"), ("X-ray contrast media allergy", "disorder"),
    # ... up to a qualifier after a comma or a dash
    ("Carbon dioxide measurement, partial pressure", "measurement"), ("Therapeutic aspiration - joint", "procedure"),
])
def test_kind_from_wording(text, kind):
    assert kind_from_wording(text) == kind


def test_kind_from_strings_prefers_tag_then_sty_then_wording():
    # the tag says procedure; the STY (or the wording) makes it a lab measurement
    assert kind_from_strings(["Serum ferritin measurement (procedure)"]) == "measurement"
    assert kind_from_strings(["Urine culture (procedure)", "Urine culture"], "Laboratory Procedure") == "measurement"
    assert kind_from_strings(["Magnetic resonance imaging"], "Diagnostic Procedure") == "procedure"
    # the STY wins over wording, except for refinements it is known to be coarse about
    assert kind_from_strings(["Hernia repair"], "Disease or Syndrome") == "disorder"
    assert kind_from_strings(["History of asthma"], "Finding") == "situation"
    assert kind_from_strings(["Drug level monitoring assay"], "Therapeutic or Preventive Procedure") == "measurement"
    assert kind_from_strings(["Ferritin level"]) == "measurement"  # no STY, no tag: wording
    assert kind_from_strings([]) is None


def test_code_kinds_consistent_over_rows_and_matches_scalar():
    rows = [  # CODE, STR, STY, TTY; a code's rows are not contiguous on purpose
        ("1", "Ferritin level", "", "PT"), ("2", "Tonsillectomy", "", "PT"), ("1", "Serum ferritin", "", "SY"),
        ("3", "Asthma (disorder)", "", "FN"), ("3", "Asthma", "", "PT"), ("4", "Crista galli", "", "PT"),
        ("5", "Bilirubin", "Pharmacologic Substance", "PT"), ("6", "Urine culture (procedure)", "", "FN"),
        ("6", "Urine culture", "Laboratory Procedure", "PT"), ("7", "History of appendectomy", "", "PT"),
        ("8", "Doppler device", "", "PT"), ("8", "Doppler", "", "SY"),  # across strings the rules' order decides
    ]
    df = pd.DataFrame(rows, columns=["CODE", "STR", "STY", "TTY"])
    kinds = code_kinds(df)
    assert list(kinds) == ["measurement", "procedure", "measurement", "disorder", "disorder", "other",
                           "substance", "measurement", "measurement", "situation", "procedure", "procedure"]
    for code, part in df.groupby("CODE"):
        sty = next((s for s in part["STY"] if s), None)
        assert (kind_from_strings(list(part["STR"]), sty) or "other") == kinds[part.index[0]]


def test_preferences_rank_kinds_per_entity_type():
    lab, proc, dx = KIND_PREFERENCE["Lab"], KIND_PREFERENCE["Procedure"], KIND_PREFERENCE["Diagnosis"]
    assert lab["measurement"] > lab["procedure"] > lab["finding"] > lab["substance"]
    assert min(lab["measurement"], lab["observable"]) > max(lab["organism"], lab["situation"], lab["specimen"])
    assert proc["procedure"] >= proc["regime"] > proc["finding"]
    assert min(dx["disorder"], dx["finding"]) > max(dx["morphology"], dx["situation"], dx["procedure"])
    assert all(k in KINDS for table in KIND_PREFERENCE.values() for k in table)
    assert kind_preference("Lab", None) == kind_preference(None, "measurement") == kind_preference("Lab", "other")


def test_the_kind_an_input_states_by_its_wrapper_words():
    from ray_app.catalog.kinds import stated_kind

    assert stated_kind("fh: eczema") == "situation"
    assert stated_kind("H/O Malignant melanoma") == "situation"
    assert stated_kind("history of stroke | history of stroke") == "situation"
    assert stated_kind("asthma") is None and stated_kind("") is None
