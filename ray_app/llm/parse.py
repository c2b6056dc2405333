"""Parsing and validation of LLM answers. Anything that is not exactly what was asked is an LLMOutputError:
the caller then keeps the LLM-off result and flags the row ``llm_failed``."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field


class LLMOutputError(ValueError):
    pass


@dataclass
class Expansion:
    keywords: list[str] = field(default_factory=list)
    description: str = ""
    stys: list[str] = field(default_factory=list)

    def display(self) -> str:
        """The ``Output LLM Expansion`` cell: keywords | description | STYs."""
        return " | ".join(["; ".join(self.keywords), self.description, "; ".join(self.stys)])


@dataclass
class Rerank:
    code: str
    reason: str


def json_object(text: str | None) -> dict:
    if not text or not text.strip():
        raise LLMOutputError("empty answer")
    s = text.strip()
    if s.startswith("```"):
        s = re.sub(r"^```[a-zA-Z]*\s*|\s*```$", "", s)
    try:
        obj = json.loads(s)
    except json.JSONDecodeError as exc:
        raise LLMOutputError(f"not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise LLMOutputError("not a JSON object")
    return obj


def clean_text(s, limit: int) -> str:
    return " ".join(str(s).split())[:limit] if isinstance(s, (str, int, float)) else ""


def parse_expansion(text: str | None, stys: list[str], max_keywords: int = 3, max_stys: int = 2) -> Expansion:
    obj = json_object(text)
    kws = obj.get("keywords")
    if not isinstance(kws, list):
        raise LLMOutputError("keywords is not a list")
    keywords = list(dict.fromkeys(k for k in (clean_text(k, 60) for k in kws) if len(k) > 1))[:max_keywords]
    desc = clean_text(obj.get("description", ""), 160)
    known = {s.lower(): s for s in stys}
    raw = obj.get("semantic_types") or []
    picked = [known[s.strip().lower()] for s in raw if isinstance(s, str) and s.strip().lower() in known] \
        if isinstance(raw, list) else []
    out = Expansion(keywords, desc, list(dict.fromkeys(picked))[:max_stys])
    if not out.keywords and not out.description:
        raise LLMOutputError("no keywords and no description")
    return out


def parse_rerank(text: str | None, shortlist: list[str]) -> Rerank:
    obj = json_object(text)
    code = obj.get("code")
    code = str(code).strip() if isinstance(code, (str, int)) else ""
    if code not in shortlist:
        raise LLMOutputError(f"code {code!r} is not in the shortlist")
    return Rerank(code, clean_text(obj.get("reason", ""), 160))
