"""Parsing and validation of an enrichment answer: anything that is not what was asked is an
LLMOutputError, and the code is recorded as failed (retried on the next run)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ray_app.enrich.prompts import FACETS
from ray_app.enrich.schema import DESCRIPTION_CHARS, FACET_CHARS, KEYWORD_CHARS
from ray_app.llm.parse import LLMOutputError, clean_text, json_object
from ray_app.text.normalize import match_text


@dataclass
class Enrichment:
    description: str
    keywords: list[str] = field(default_factory=list)
    facets: dict[str, str] = field(default_factory=dict)


def parse_enrichment(text: str | None, family: str, max_keywords: int = 5, names: list[str] = ()) -> Enrichment:
    """``names``: the code's own catalog strings; a keyword that reads as one of them adds nothing."""
    obj = json_object(text)
    desc = obj.get("description", "")
    if not isinstance(desc, str):
        raise LLMOutputError("description is not a string")
    kws = obj.get("keywords")
    if not isinstance(kws, list):
        raise LLMOutputError("keywords is not a list")
    own = {match_text(n) for n in names}
    keywords, seen = [], set()
    for k in kws:
        k = clean_text(k, KEYWORD_CHARS)
        key = match_text(k)
        if len(key) > 1 and key not in own and key not in seen:
            seen.add(key)
            keywords.append(k)
    keys = FACETS[family]
    raw = obj.get("facets", {}) if keys else {}
    if not isinstance(raw, dict):
        raise LLMOutputError("facets is not an object")
    facets = {k: v for k in keys if (v := clean_text(raw.get(k, ""), FACET_CHARS))}
    out = Enrichment(clean_text(desc, DESCRIPTION_CHARS), keywords[:max_keywords], facets)
    if not out.description and not out.keywords:
        raise LLMOutputError("no description and no keywords")
    return out
