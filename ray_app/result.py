"""The one result type: what the matcher decides for a query, as every driver receives it.

``MatchResult`` (a row's answer) holds ``Candidate`` s (the ranked shortlist), each with its ``Signals``.
They flow unchanged from the matcher through Ray actors (pickled) to the file writer, the evaluator and
the HTTP layer; JSON and ``;``-joined text exist only where a file or an HTTP body is written
(``to_json``/``from_json`` here, ``batch.assemble`` for spreadsheet columns). The API's response models
are derived from these classes (``online.models``), so a field cannot drift between engine and API.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace


def doc(text: str, **kw) -> dict:
    """Field metadata: the description the API schema shows for this field."""
    return {"metadata": {"doc": text}, **kw}


@dataclass
class Signals:
    """What a candidate's score is made of (each in [0, 1] except the context penalty's effect)."""
    dense: float = field(default=0.0, **doc("cosine of the best anchor and the matched string's embedding"))
    fuzzy: float = field(default=0.0, **doc("RapidFuzz ratio / token_set_ratio of anchor and string"))
    lexical: float = field(default=0.0, **doc("IDF-weighted word overlap (Porter2 stems)"))
    sty: float = field(default=0.0, **doc("entity type -> semantic type prior"))
    agreement: float = field(default=0.0, **doc("score of the code's second-best string"))
    drug: float = field(default=0.0, **doc("RxNorm structure fit: ingredient, strength, form, brand"))
    llm: float = field(default=0.0, **doc("LLM expansion blend (description, keywords, query, STYs); 0 without one"))

    def rounded(self) -> "Signals":
        return Signals(*(round(float(getattr(self, n)), 4) for n in _SIGNAL_NAMES))


_SIGNAL_NAMES = tuple(f.name for f in fields(Signals))  # once: fields() per candidate was a visible cost


@dataclass
class Candidate:
    rank: int = field(**doc("1 = best"))
    system: str = field(**doc("RXNORM or SNOMEDCT_US"))
    code: str = field(**doc("always a string (leading zeros kept)"))
    description: str = field(**doc("the code's display name"))
    sty: str = field(**doc("UMLS semantic type"))
    tty: str = field(**doc("term type of the displayed name (PT, SCD, IN, ...)"))
    score: float = field(**doc("the ranking score: weighted signals, minus the context penalty"))
    signals: Signals = field(**doc("dense, fuzzy, lexical, sty, agreement, drug: what the score is made of"))
    matched: str = field(default="", **doc("the catalog string that matched best"))
    via: list[str] = field(default_factory=list, **doc("candidate sources that proposed the code: exact, "
                                                        "drug, dense, lexical, llm (an LLM expansion anchor)"))


@dataclass
class MatchResult:
    system: str = field(default="", **doc("RXNORM or SNOMEDCT_US; empty when the entity type is unknown"))
    code: str = field(default="", **doc("best code; empty when not mapped"))
    description: str = field(default="", **doc("the best code's display name"))
    sty: str = field(default="", **doc("UMLS semantic type of the best code"))
    tty: str = field(default="", **doc("term type of the displayed name"))
    confidence: float = field(default=0.0, **doc("calibrated probability that the code is right"))
    flags: list[str] = field(default_factory=list, **doc(
        "needs_review, ingredient_fallback, unknown_entity_type, empty_input, truncated, ..."))
    candidates: list[Candidate] = field(default_factory=list, **doc("top-k, best first, with their signals"))
    llm_expansion: str = field(default="", **doc("the LLM's expansion: keywords | description | STYs (LLM on)"))
    llm_reason: str = field(default="", **doc("the LLM re-ranker's one-line reason (LLM on)"))
    reviewed_by: str = field(default="", **doc("flag reviewed: who decided this item (the mapping memory)"))
    reviewed_at: str = field(default="", **doc("flag reviewed: when it was decided (ISO 8601, UTC)"))

    def with_flags(self, first: list[str]) -> "MatchResult":
        """This result with row-level flags (from input checks) in front, each flag once."""
        return replace(self, flags=list(dict.fromkeys([*first, *self.flags])))

    def trimmed(self, k: int) -> "MatchResult":
        return replace(self, candidates=self.candidates[:k])


def unmapped(system: str = "", flags: list[str] | None = None) -> MatchResult:
    return MatchResult(system=system, flags=list(flags or []))


# ------------------------------------------------------------------------------ the JSON edge
def to_dict(result: MatchResult) -> dict:
    return asdict(result)


def from_dict(d: dict) -> MatchResult:
    cands = [Candidate(**{**c, "signals": Signals(**c["signals"])}) for c in d.get("candidates", [])]
    return MatchResult(**{**d, "candidates": cands})


def to_json(result: MatchResult) -> str:
    return json.dumps(to_dict(result), separators=(",", ":"))


def from_json(text: str) -> MatchResult:
    return from_dict(json.loads(text))
