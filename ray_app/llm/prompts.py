"""Versioned prompts. Change any text here -> bump PROMPT_VERSION (it is part of every cache key)."""
from __future__ import annotations

PROMPT_VERSION = "harmonize-llm-v1"

SYSTEM = ("You are a clinical terminology assistant. You help map short, messy clinical text "
          "(abbreviations, misspellings, lay words) to standard codes in RxNorm and SNOMED CT. "
          "Answer with JSON only, exactly in the requested schema. Never invent codes.")


def _sty_line(stys: list[str]) -> str:
    return "Semantic types you may use: " + "; ".join(stys) if stys else ""


def expansion_messages(text: str, entity_type: str, stys: list[str], max_keywords: int) -> list[dict]:
    """Expansion: alternate keywords, a short clinical description, likely semantic types. The system
    prompt and the STY list come first and are the same for every prompt (prefix caching)."""
    return [
        {"role": "system", "content": SYSTEM + "\n" + _sty_line(stys)},
        {"role": "user", "content": (
            f"Entity type: {entity_type}\nText: {text}\n"
            f"Give up to {max_keywords} standard clinical keywords or synonyms for this text (expand "
            "abbreviations, fix spelling), a short clinical description (one phrase), and the most likely "
            "semantic types from the list.")},
    ]


def rerank_messages(text: str, entity_type: str, shortlist: list[tuple[str, str, str]]) -> list[dict]:
    """Re-rank: choose one code of the shortlist ((code, description, STY) triples), with a one-line reason."""
    lines = "\n".join(f"- {code}: {desc} [{sty}]" for code, desc, sty in shortlist)
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": (
            f"Entity type: {entity_type}\nText: {text}\nCandidate codes:\n{lines}\n"
            "Choose the one candidate code that means the same as the text, and give a one-line reason.")},
    ]
