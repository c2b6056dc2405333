"""JSON schemas for structured output (vLLM ``StructuredOutputsParams(json=...)``, OpenAI ``json_schema``)."""
from __future__ import annotations


def expansion_schema(stys: list[str], max_keywords: int = 3, max_stys: int = 2) -> dict:
    sty_items = {"type": "string", "enum": list(stys)} if stys else {"type": "string", "maxLength": 60}
    return {
        "type": "object",
        "properties": {
            "keywords": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 60},
                         "maxItems": max_keywords},
            "description": {"type": "string", "maxLength": 160},
            "semantic_types": {"type": "array", "items": sty_items, "maxItems": max_stys},
        },
        "required": ["keywords", "description", "semantic_types"],
        "additionalProperties": False,
    }


def rerank_schema(codes: list[str]) -> dict:
    return {
        "type": "object",
        "properties": {"code": {"type": "string", "enum": list(codes)},
                       "reason": {"type": "string", "maxLength": 160}},
        "required": ["code", "reason"],
        "additionalProperties": False,
    }
