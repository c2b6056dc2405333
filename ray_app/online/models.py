"""Request and response models of the online API, with the limits of ``config.serve`` built in.

Built per app (``build_models``) so the limits in the OpenAPI schema at /docs are the configured ones.
Unknown fields are rejected: a typo such as ``entity`` for ``entity_type`` is a 422, not a silent default.
"""
from __future__ import annotations

import dataclasses
import typing
from types import SimpleNamespace

from pydantic import BaseModel, ConfigDict, Field, create_model

from ray_app import result
from ray_app.config import Config

WEIGHT_RANGE = (0.0, 2.0)


def from_dataclass(cls, name: str | None = None, base=BaseModel):
    """A pydantic model with the fields, types and descriptions of a ``ray_app.result`` dataclass, so
    the API schema is the engine's result type and cannot drift from it."""
    hints = typing.get_type_hints(cls)
    made: dict[str, tuple] = {}
    for f in dataclasses.fields(cls):
        typ = _api_type(hints[f.name])
        made[f.name] = (typ, Field(description=f.metadata.get("doc")))
    return create_model(name or cls.__name__, __base__=base, **made)


def _api_type(t):
    """Nested result dataclasses become their derived models (list[Candidate] -> list[CandidateModel])."""
    if dataclasses.is_dataclass(t):
        return _MODELS[t]
    args = typing.get_args(t)
    if typing.get_origin(t) is list and args and dataclasses.is_dataclass(args[0]):
        return list[_MODELS[args[0]]]
    return t


_MODELS: dict = {}
for _cls in (result.Signals, result.Candidate, result.MatchResult):
    _MODELS[_cls] = from_dataclass(_cls)
Signals, Candidate, MapResult = (_MODELS[c] for c in (result.Signals, result.Candidate, result.MatchResult))


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
    llm_field = Field(False, description="the LLM stage: expansion and/or shortlist re-rank as llm.mode says (needs an app served with --llm; 501 otherwise)")
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
