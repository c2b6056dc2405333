"""SNOMED CT semantic tag (the parenthesised end of a fully specified name) -> UMLS semantic type (STY).

The engine scores candidates with STY priors per entity type (ray_app.match.score.STY_PRIOR), so an RF2
or FHIR catalog needs the same STY vocabulary a UMLS-derived one has. The table follows what the UMLS
assigns most often to each SNOMED CT hierarchy, and agrees with the demo catalog where that has the tag.
Metadata hierarchies (core/foundation metadata, navigational, namespace, linkage concepts) are left
without an STY on purpose: they are not clinical meanings.
"""
from __future__ import annotations

import re

TAG_STY: dict[str, str] = {
    "disorder": "Disease or Syndrome",
    "finding": "Finding",
    "situation": "Finding",
    "event": "Injury or Poisoning",
    "morphologic abnormality": "Anatomical Abnormality",
    "procedure": "Therapeutic or Preventive Procedure",  # refined by PROCEDURE_RULES
    "regime/therapy": "Therapeutic or Preventive Procedure",
    "observable entity": "Clinical Attribute",
    "tumor staging": "Clinical Attribute",
    "assessment scale": "Intellectual Product",
    "staging scale": "Intellectual Product",
    "record artifact": "Intellectual Product",
    "substance": "Pharmacologic Substance",
    "medicinal product": "Pharmacologic Substance",
    "medicinal product form": "Clinical Drug",
    "clinical drug": "Clinical Drug",
    "real clinical drug": "Clinical Drug",
    "product": "Clinical Drug",
    "dose form": "Biomedical or Dental Material",
    "basic dose form": "Biomedical or Dental Material",
    "unit of presentation": "Quantitative Concept",
    "organism": "Organism",
    "body structure": "Body Part, Organ, or Organ Component",
    "cell": "Cell",
    "cell structure": "Cell Component",
    "specimen": "Body Substance",
    "physical object": "Medical Device",
    "physical force": "Natural Phenomenon or Process",
    "qualifier value": "Qualitative Concept",
    "attribute": "Functional Concept",
    "environment": "Health Care Related Organization",
    "geographic location": "Geographic Area",
    "ethnic group": "Population Group",
    "racial group": "Population Group",
    "person": "Population Group",
    "occupation": "Professional or Occupational Group",
    "life style": "Social Behavior",
    "supplier": "Organization",
}

# A procedure's FSN says what kind it is often enough to separate the three procedure STYs the engine
# weighs differently (Lab entities want Laboratory Procedure). First match wins; the words are the head
# nouns SNOMED uses for specimen tests and for examinations/imaging. With IS-A edges a hierarchy rule
# (descendants of 108252007 |Laboratory procedure| / 103693007 |Diagnostic procedure|) would be exact.
PROCEDURE_RULES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"\b(laboratory|assay|immunoassay|titer|titre|serology|microscopy|culture of|stain method)\b"
                r"|\b(serum|plasma|blood(?! pressure)|urine|urinary|cerebrospinal fluid|sputum)\b.*"
                r"\b(measurement|level|test|count|screen|estimation)\b"
                r"|\b(measurement|level|test|count|culture)\b.*\b(serum|plasma|blood|urine|specimen)\b"
                r"|\b(antibody|antigen|enzyme|hormone)\b.*\bmeasurement\b"), "Laboratory Procedure"),
    (re.compile(r"\b(biopsy|examination|imaging|radiography|ultrasonography|ultrasound|tomography|scan|"
                r"scintigraphy|angiography|\w*oscopy|electrocardiography|echocardiography|diagnostic|"
                r"screening)\b"), "Diagnostic Procedure"),
]

_TAG = re.compile(r"\(([^()]+)\)\s*$")


def semantic_tag(fsn: str) -> str | None:
    """'Asthma (disorder)' -> 'disorder'; None when the name has no trailing tag."""
    m = _TAG.search(fsn)
    return m.group(1).strip().lower() if m else None


def sty_for_fsn(fsn: str) -> tuple[str, str | None]:
    """(STY or '', tag) for a fully specified name; procedure FSNs go through PROCEDURE_RULES."""
    tag = semantic_tag(fsn)
    sty = TAG_STY.get(tag, "") if tag else ""
    if tag == "procedure":
        head = _TAG.sub("", fsn).lower()
        for rule, rule_sty in PROCEDURE_RULES:
            if rule.search(head):
                return rule_sty, tag
    return sty, tag
