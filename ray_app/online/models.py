"""Request and response models of the online API, with the limits of ``config.serve`` built in.

Built per app (``build_models``) so the limits in the OpenAPI schema at /docs are the configured ones.
Unknown fields are rejected: a typo such as ``entity`` for ``entity_type`` is a 422, not a silent default.
"""
from __future__ import annotations

import dataclasses
import typing
from types import SimpleNamespace
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema, create_model

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


class MapItem(MapResult):
    anchors: list[str] = Field([], description="the texts the engine searched with: the query as normalized, "
                                              "then its expansions (abbreviations, spelling, lay terms, ...)")


class MapResponse(MapItem):
    request_id: str
    timings_ms: dict[str, float]


ItemId = Annotated[str, StringConstraints(max_length=128)] | int


class ItemInput(BaseModel):
    text: str
    entity_type: str


class BatchResult(MapItem):
    index: int = Field(description="position of the item in the request")
    id: ItemId | None = Field(None, description="the item's id, as the caller sent it")
    input: ItemInput | None = Field(None, description="the item as sent (absent when the item was invalid)")
    error: dict | None = Field(None, description="this item's problem (RFC 9457 members: status, title, detail, "
                                                 "errors) when it could not be mapped; the other items are mapped")


class BatchResponse(BaseModel):
    request_id: str
    results: list[BatchResult]
    timings_ms: dict[str, float]


# ---------------------------------------------------------------------------- service reports
class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class IndexReport(_Open):
    loaded: bool
    created: str | None = None
    format_version: int | None = None
    type: str | None = Field(None, description="FAISS index type: hnsw, flat or ivfpq")
    rows: dict[str, int] = Field(description="catalog rows per coding system")


class ModelReport(_Open):
    name: str
    fingerprint: str
    dim: int


class CatalogVersion(_Open):
    fingerprint: str = Field(description="hash of the catalog the index was built from")
    version: str | None = Field(None, description="catalog version: the release name (e.g. 'SNOMED CT US1000124 "
                                              "20240301') when the source says it, else the fingerprint")
    sources: list[str] = []


class Limits(_Open):
    max_text_chars: int
    max_batch_items: int
    max_top_k: int
    max_ongoing_requests: int
    max_queued_requests: int


class Scoring(_Open):
    weights: dict[str, float] = Field(description="the engine's default weights (a request may override each)")
    range: list[float] = Field(description="[min, max] a request may set a weight to")


class HealthResponse(_Open):
    status: str = Field(description="ok: every deployment has a running replica (otherwise the answer is a 503 problem)")
    ready: bool = True
    index: IndexReport
    model: ModelReport
    catalog: CatalogVersion
    replicas: dict[str, int] = Field({}, description="running replicas per Serve deployment")
    llm: str = Field(description="configured / not configured")
    auth_required: bool
    limits: Limits
    scoring: Scoring
    version: str = Field(description="the harmonizer's version")


class StyCount(_Open):
    rows: int
    codes: int


class SystemSummary(_Open):
    uri: str | None = Field(None, description="the FHIR code system URI")
    rows: int
    codes: int
    tty: dict[str, int] = Field(description="rows per term type")
    sty: dict[str, StyCount] = Field(description="rows and codes per semantic type")


class StyInventoryRow(_Open):
    sty: str
    rows: int
    codes: int
    systems: list[str]


class CatalogResponse(_Open):
    catalog: str = Field(description="catalog fingerprint")
    version: str | None = Field(None, description="catalog version: the release name when the source says it, "
                                              "else the fingerprint")
    release: dict[str, str] | None = Field(None, description="the release fields the catalog converter read")
    systems: dict[str, SystemSummary]
    sty_inventory: list[StyInventoryRow]
    entity_types: dict[str, str] = Field(description="the valid entity types and the coding system each maps to "
                                                     "(variants such as 'Medication', 'dx', 'Lab Test' are accepted)")


class ConceptString(BaseModel):
    text: str = Field(description="the catalog string (STR)")
    tty: str
    sty: str


class ConceptResponse(BaseModel):
    system: str = Field(description="RXNORM or SNOMEDCT_US")
    system_uri: str | None = Field(description="the FHIR code system URI")
    code: str
    display: str = Field(description="the preferred name (term-type preference: SNOMED PT; RxNorm SCD, SBD, IN, ...)")
    tty: str = Field(description="term type of the display name")
    sty: list[str] = Field(description="the code's UMLS semantic type(s)")
    strings: list[ConceptString] = Field(description="every catalog string of the code, preferred first")


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
        id: ItemId | None = Field(None, description="your id for this item (string up to 128 characters, or "
                                                    "an integer), echoed in its result")
        text: str = text_field
        entity_type: str = type_field

    # each item is validated on its own (api.map_batch), so one bad item is reported in its own result
    LenientItem = Annotated[Any, WithJsonSchema(Item.model_json_schema())]

    class BatchRequest(BaseModel):
        model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"items": [
            {"id": "row-1", "text": "paracetamol 500 mg", "entity_type": "Medicine"},
            {"id": "row-2", "text": "sore thraot", "entity_type": "Diagnosis"}], "top_k": 3}]})
        items: list[LenientItem] = Field(min_length=1, max_length=s.max_batch_items,  # type: ignore[valid-type]
                                         description="entities to map; an invalid item gets an error in its "
                                                     "own result")
        top_k: int = top_k_field
        llm: bool = llm_field
        weights: Weights | None = weights_field  # type: ignore[valid-type]

    return SimpleNamespace(Weights=Weights, MapRequest=MapRequest, Item=Item, BatchRequest=BatchRequest)
