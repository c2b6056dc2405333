"""Decisions out of the database: a CSV, and a FHIR R4 ``ConceptMap`` validated by ``fhir.resources``.

The ConceptMap has one group per entity type: source = the local texts of that type
(``urn:harmonize:source-text:<type>``; element code = the text as the engine normalizes it, display = as
written), target = the SNOMED CT or RxNorm code (``http://snomed.info/sct``,
``http://www.nlm.nih.gov/research/umls/rxnorm``), equivalence ``equivalent``; "not in catalog" is a target
with equivalence ``unmatched``. Who decided and when is in each target's comment.
"""
from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime, timezone
from typing import Iterable

from ray_app.online.concepts import SYSTEM_URI
from ray_app.review.db import Decision
from ray_app.text.normalize import ENTITY_SYSTEM

SOURCE_URI = "urn:harmonize:source-text:"  # + entity type, lower case
CSV_COLUMNS = ["source_text", "entity_type", "status", "system", "code", "description", "reviewer", "decided_at",
               "comment", "catalog_fingerprint", "origin"]


def source_system(entity_type: str) -> str:
    return SOURCE_URI + entity_type.lower()


def decisions_csv(decisions: Iterable[Decision]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for d in decisions:
        w.writerow({c: getattr(d, c) for c in CSV_COLUMNS})
    return out.getvalue()


def _local_code(d: Decision) -> str:
    """The element code: the key's match text (normalized, whitespace collapsed: a valid FHIR ``code``)."""
    text = d.key.split("\x1f", 1)[0]
    return " ".join(text.split()) or " ".join(d.source_text.split())


def _comment(d: Decision) -> str:
    who = f"reviewed by {d.reviewer} at {d.decided_at}"
    return f"{who}: {d.comment}" if d.comment else who


def concept_map(decisions: Iterable[Decision], base_url: str = "urn:harmonize", name: str = "HarmonizerReviewed") -> dict:
    """The reviewed decisions as a ConceptMap (validated: ``validate_concept_map``)."""
    groups: dict[str, list[dict]] = {}
    for d in decisions:
        if not d.applies:
            continue
        if d.status == "approved":
            target = {"code": d.code, "display": d.description or None, "equivalence": "equivalent",
                      "comment": _comment(d)}
        else:
            target = {"equivalence": "unmatched", "comment": "not in the catalog; " + _comment(d)}
        element = {"code": _local_code(d), "display": d.source_text,
                   "target": [{k: v for k, v in target.items() if v}]}
        groups.setdefault(d.entity_type, []).append(element)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    resource = {
        "resourceType": "ConceptMap", "id": name.lower(), "url": f"{base_url}/fhir/ConceptMap/{name.lower()}",
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{uuid.uuid4()}"},
        "name": name, "title": "Reviewed mappings of local clinical texts", "status": "active",
        "date": now, "publisher": "Clinical Concept Harmonizer",
        "description": "Decisions of human reviewers: local texts (per entity type) to SNOMED CT / RxNorm codes.",
        "group": [{"source": source_system(t), "target": SYSTEM_URI[ENTITY_SYSTEM[t]], "element": elements}
                  for t, elements in sorted(groups.items()) if t in ENTITY_SYSTEM],
    }
    validate_concept_map(resource)
    return resource


def validate_concept_map(resource: dict):
    """Parse with the R4 models of ``fhir.resources`` (R4B: ConceptMap is unchanged from R4); raises on error."""
    from fhir.resources.R4B.conceptmap import ConceptMap

    return ConceptMap.model_validate(resource)
