"""Request and response models of the online API, with the limits of ``config.serve`` built in.

Built per app (``build_models``) so the limits in the OpenAPI schema at /docs are the configured ones.
Unknown fields are rejected: a typo such as ``entity`` for ``entity_type`` is a 422, not a silent default.
"""
from __future__ import annotations

from types import SimpleNamespace

from pydantic import BaseModel, ConfigDict, Field, create_model

from ray_app.config import Config

WEIGHT_RANGE = (0.0, 2.0)


class Candidate(BaseModel):
    rank: int
    system: str
    code: str = Field(description="always a string (leading zeros kept)")
    description: str
    sty: str = Field(description="UMLS semantic type")
    tty: str = Field(description="term type of the displayed name (PT, SCD, IN, ...)")
    score: float
    signals: dict[str, float] = Field(description="dense, fuzzy, lexical, sty, agreement, drug: what the score is made of")
    matched: str = Field(description="the catalog string that matched best")


class MapResult(BaseModel):
    system: str = Field(description="RXNORM or SNOMEDCT_US; empty when the entity type is unknown")
    code: str = Field(description="best code; empty when not mapped")
    description: str
    sty: str
    tty: str
    confidence: float = Field(ge=0, le=1)
    flags: list[str] = Field(description="needs_review, ingredient_fallback, unknown_entity_type, truncated, ...")
    candidates: list[Candidate] = Field(description="top-k, best first, with their signals")


class MapResponse(MapResult):
    request_id: str
    timings_ms: dict[str, float]


class BatchResponse(BaseModel):
    request_id: str
    results: list[MapResult]
    timings_ms: dict[str, float]


def build_models(config: Config, weight_names: list[str]) -> SimpleNamespace:
    s = config.serve
    lo, hi = WEIGHT_RANGE
    Weights = create_model(
        "Weights", __config__=ConfigDict(extra="forbid"),
        **{w: (float | None, Field(None, ge=lo, le=hi, description=f"override match.{w} for this request"))
           for w in weight_names})
    default_k = min(config.match.top_k, s.max_top_k)
    text_field = Field(min_length=1, max_length=s.max_text_chars, description="the clinical entity as written")
    type_field = Field(min_length=1, max_length=64, description="Medicine, Diagnosis, Procedure or Lab (variants accepted)")
    top_k_field = Field(default_k, ge=1, le=s.max_top_k, description="candidates to return")
    llm_field = Field(False, description="LLM re-ranking (needs an LLM deployment in the app; 501 otherwise)")
    weights_field = Field(None, description="re-rank the shortlist under these weights")

    class MapRequest(BaseModel):
        model_config = ConfigDict(extra="forbid", json_schema_extra={
            "examples": [{"text": "chest xr", "entity_type": "Procedure", "top_k": 3}]})
        text: str = text_field
        entity_type: str = type_field
        top_k: int = top_k_field
        llm: bool = llm_field
        weights: Weights | None = weights_field  # type: ignore[valid-type]

    class Item(BaseModel):
        model_config = ConfigDict(extra="forbid")
        text: str = text_field
        entity_type: str = type_field

    class BatchRequest(BaseModel):
        model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"items": [
            {"text": "paracetamol 500 mg", "entity_type": "Medicine"},
            {"text": "sore thraot", "entity_type": "Diagnosis"}], "top_k": 3}]})
        items: list[Item] = Field(min_length=1, max_length=s.max_batch_items)
        top_k: int = top_k_field
        llm: bool = llm_field
        weights: Weights | None = weights_field  # type: ignore[valid-type]

    return SimpleNamespace(Weights=Weights, MapRequest=MapRequest, Item=Item, BatchRequest=BatchRequest)
