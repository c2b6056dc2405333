"""Text normalization and entity-type routing (pure functions, no models)."""
from __future__ import annotations

import math
import re
import unicodedata

# SNOMED CT fully specified names end in a semantic tag; it is metadata, not wording.
_SEMANTIC_TAG = re.compile(
    r"\s*\((disorder|finding|procedure|regime/therapy|observable entity|body structure|substance|"
    r"product|medicinal product|medicinal product form|clinical drug|organism|qualifier value|"
    r"morphologic abnormality|situation|event|physical object|specimen|occupation|person|"
    r"environment|record artifact|attribute|navigational concept|assessment scale|"
    r"tumor staging|staging scale|cell|cell structure|physical force|ethnic group|racial group|"
    r"religion/philosophy|social concept|life style|disposition|role|basic dose form|dose form|"
    r"unit of presentation|administration method|product name|geographic location|"
    r"namespace concept|linkage concept|link assertion|core metadata concept|"
    r"foundation metadata concept|inactive concept|special concept|environment / location)\)\s*$",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202f\ufeff\ufffd]")
_SPLIT_PUNCT = re.compile(r"[\"'`´‘’“”,;:!?(){}\[\]<>|\\*_=~^#@$&]+")
_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Unicode-normalize, drop control/binary characters, collapse whitespace. Case is kept."""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def match_text(text: str) -> str:
    """The comparable form of a string: clean, lower case, punctuation to spaces, semantic tag dropped."""
    text = _SEMANTIC_TAG.sub("", clean_text(text))
    text = _SPLIT_PUNCT.sub(" ", text.lower())
    # keep "-" and "/" inside tokens (x-ray, mg/ml) but not as stray separators
    text = re.sub(r"(?<![\w])[-/.]+|[-/.]+(?![\w])", " ", text)
    return _SPACES.sub(" ", text).strip()


def coerce_input(value: object, max_chars: int) -> tuple[str, list[str]]:
    """Turn one raw cell into query text plus flags. Never raises."""
    flags: list[str] = []
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "", ["empty_input"]
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8", errors="replace")
        flags.append("non_string_input")
    elif not isinstance(value, str):
        flags.append("non_string_input")
        value = str(value)
    if "\x00" in value or "\ufffd" in value:
        flags.append("binary_characters_removed")
    text = clean_text(value)
    if len(text) > max_chars:
        text = text[:max_chars].rsplit(" ", 1)[0] or text[:max_chars]
        flags.append("truncated")
    if not match_text(text):
        return "", flags + ["empty_input"]
    return text, flags


# Canonical entity types and the coding system each routes to.
ENTITY_SYSTEM = {"Medicine": "RXNORM", "Diagnosis": "SNOMEDCT_US", "Procedure": "SNOMEDCT_US", "Lab": "SNOMEDCT_US"}
_TYPE_ALIASES = {
    "Medicine": ("medicine", "medicines", "medication", "medications", "med", "meds", "drug", "drugs", "rx",
                 "pharmacy", "prescription", "medicinal product", "clinical drug"),
    "Diagnosis": ("diagnosis", "diagnoses", "dx", "condition", "conditions", "problem", "problems", "disease",
                  "disorder", "finding", "findings", "symptom", "symptoms", "adverse event", "adr"),
    "Procedure": ("procedure", "procedures", "px", "surgery", "surgical procedure", "imaging", "radiology",
                  "intervention", "treatment"),
    "Lab": ("lab", "labs", "laboratory", "lab test", "lab tests", "laboratory test", "test", "tests",
            "lab result", "observation", "measurement", "investigation"),
}
_TYPE_LOOKUP = {alias: canon for canon, aliases in _TYPE_ALIASES.items() for alias in aliases}


def canonical_entity_type(value: object) -> str | None:
    """'MEDICATION ', 'Lab Test', 'dx' -> canonical type; None when unknown or empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    key = _SPACES.sub(" ", re.sub(r"[^a-z ]+", " ", str(value).lower())).strip()
    return _TYPE_LOOKUP.get(key)
