"""The enrichment prompt. Change any text here -> bump ENRICH_PROMPT_VERSION (recorded with every answer)."""
from __future__ import annotations

ENRICH_PROMPT_VERSION = "harmonize-enrich-v1"

# facet family -> the facets asked for, with what each means (the prompt's words)
FACETS: dict[str, dict[str, str]] = {
    "procedure": {"body_site": "the body part it is done on", "method": "the method or imaging modality",
                  "approach": "the access route, e.g. open, endoscopic, percutaneous"},
    "lab": {"analyte": "what is measured", "specimen": "the sample, e.g. blood, urine", "method": "the test method"},
    "drug": {"ingredient": "the active ingredient(s)", "strength": "the strength with its unit",
             "form": "the dose form", "route": "the route, e.g. oral, topical"},
    "none": {},
}

SYSTEM = ("You are a clinical terminology assistant. For one code of a standard terminology (SNOMED CT or "
          "RxNorm) you write a plain-language description a patient understands and the other ways people "
          "write it. Answer with JSON only, exactly in the requested schema. Say only what the code's names "
          "state or what is standard clinical knowledge; leave a field empty when unsure.")
TITLE = {"SNOMEDCT_US": "SNOMED CT", "RXNORM": "RxNorm"}


def enrich_messages(system: str, code: str, name: str, names: list[str], sty: str, family: str,
                    max_keywords: int) -> list[dict]:
    """One code's prompt; the system prompt is the same for every code (prefix caching)."""
    facets = FACETS[family]
    ask = (f"Write a plain-language description in one or two short sentences, and up to {max_keywords} "
           "alternate keywords: lay wordings, abbreviations, brand names, not already among the names above.")
    if facets:
        ask += " Also give the facets (an empty string when unknown): " + "; ".join(
            f"{k}: {v}" for k, v in facets.items()) + "."
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": (
            f"Terminology: {TITLE.get(system, system)}\nCode: {code}\nPreferred name: {name}\n"
            f"Other names: {'; '.join(names) or '-'}\nSemantic type: {sty or '-'}\n{ask}")},
    ]
