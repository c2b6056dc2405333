"""The JSON schema of an enrichment answer (vLLM structured output, OpenAI ``json_schema``). The length caps
bound an answer's content to about 300 tokens (``enrich.max_tokens`` is 384)."""
from __future__ import annotations

from ray_app.enrich.prompts import FACETS

DESCRIPTION_CHARS = 240
KEYWORD_CHARS = 48
FACET_CHARS = 48


def enrich_schema(family: str, max_keywords: int = 5) -> dict:
    props = {
        "description": {"type": "string", "minLength": 1, "maxLength": DESCRIPTION_CHARS},
        "keywords": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": KEYWORD_CHARS},
                     "maxItems": max_keywords},
    }
    keys = list(FACETS[family])
    if keys:
        props["facets"] = {"type": "object", "properties": {k: {"type": "string", "maxLength": FACET_CHARS}
                                                            for k in keys},
                           "required": keys, "additionalProperties": False}
    return {"type": "object", "properties": props, "required": list(props), "additionalProperties": False}
