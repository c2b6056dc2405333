"""FHIR R4 terminology operations under ``/fhir``, over the same backend as ``/v1`` (no Ray here).

    GET  /fhir/metadata                          CapabilityStatement: exactly what is below
    GET|POST /fhir/CodeSystem/$lookup            system + code -> display, designations (every string, TTY), STY
    GET|POST /fhir/CodeSystem/$validate-code     system (or a ValueSet url) + code [+ display] -> result
    GET|POST /fhir/ValueSet/$expand              url + filter [+ count, offset, entityType] -> ranked codes
    GET|POST /fhir/ValueSet/{id}/$expand         the same for one of this server's ValueSets
    GET  /fhir/ValueSet/{id}                     medicine | diagnosis | procedure | lab
    GET|POST /fhir/ConceptMap/$translate         a local text -> its reviewed code (the review loop's decisions)

Code systems are named by their FHIR URIs (``http://snomed.info/sct``,
``http://www.nlm.nih.gov/research/umls/rxnorm``). ``$expand?filter=`` is a text search through the mapping
engine (the ranked shortlist of ``POST /v1/map``), filtered by entity type through the ValueSet: this
server's ValueSets ``ValueSet/<entity type>``, the implicit ``<system uri>?fhir_vs`` ValueSets, or the
``entityType`` parameter. POST takes a ``Parameters`` resource. Errors are ``OperationOutcome``.
"""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from ray_app.config import Config
from ray_app.online import concepts
from ray_app.online.problems import FHIR_JSON, ApiProblem, outcome_response

FHIR_VERSION = "4.0.1"
TTY_SYSTEM = "urn:harmonize:umls-tty"  # designation.use: the UMLS term type of each string (PT, FN, SY, SCD, ...)
OPDEF = "http://hl7.org/fhir/OperationDefinition/"
VALUESETS = {  # id -> entity type (this server's ValueSets: the codes that entity type maps to)
    "medicine": "Medicine", "diagnosis": "Diagnosis", "procedure": "Procedure", "lab": "Lab"}
TRANSLATE_NOT_YET = ("ConceptMap/$translate translates over the reviewed mappings, and this app has no review "
                     "workflow; use ValueSet/$expand?filter=... (text search), CodeSystem/$lookup, or POST /v1/map.")


def fhir_json(resource: dict, status: int = 200) -> JSONResponse:
    return JSONResponse(resource, status_code=status, media_type=FHIR_JSON)


def _bad(diagnostics: str, code: str = "invalid", status: int = 400) -> ApiProblem:
    return ApiProblem(status, diagnostics, fhir_code=code)


async def read_params(request: Request) -> dict[str, list[Any]]:
    """Query parameters, plus a POSTed ``Parameters`` resource: name -> values (``value[x]`` or ``part``)."""
    out: dict[str, list[Any]] = {}
    for k, v in request.query_params.multi_items():
        out.setdefault(k, []).append(v)
    if request.method == "POST":
        try:
            body = await request.json()
        except Exception:
            raise _bad("the body must be a FHIR Parameters resource in JSON "
                       "(Content-Type: application/fhir+json)") from None
        if not isinstance(body, dict) or body.get("resourceType") != "Parameters":
            raise _bad("the body must be a FHIR Parameters resource ({\"resourceType\": \"Parameters\", ...})")
        for p in body.get("parameter") or []:
            if not isinstance(p, dict) or not isinstance(p.get("name"), str):
                raise _bad("every Parameters.parameter needs a name")
            value = next((p[k] for k in p if k.startswith("value")), None)
            if value is None and "part" in p:
                value = {q.get("name"): next((q[k] for k in q if k.startswith("value")), None)
                         for q in p["part"] if isinstance(q, dict)}
            out.setdefault(p["name"], []).append(value)
    return out


def one(params: dict, name: str, required: bool = False):
    values = params.get(name) or []
    if len(values) > 1:
        raise _bad(f"parameter {name!r} given {len(values)} times; give it once")
    if not values or values[0] in (None, ""):
        if required:
            raise _bad(f"parameter {name!r} is required")
        return None
    return values[0]


def _system_of(params: dict, required: bool = True) -> tuple[str | None, str | None]:
    """(internal system name, the URI as given) from ``system`` or a ``coding`` parameter."""
    coding = one(params, "coding")
    uri = one(params, "system") or (coding.get("system") if isinstance(coding, dict) else None)
    if uri is None:
        if required:
            raise _bad("parameter 'system' is required (http://snomed.info/sct or "
                       "http://www.nlm.nih.gov/research/umls/rxnorm)")
        return None, None
    name = concepts.system_name(str(uri))
    if name is None:
        raise ApiProblem(404, f"code system {uri!r} is not served here; known: {concepts.known_systems_text()}",
                         fhir_code="not-found")
    return name, str(uri)


def _code_of(params: dict) -> str:
    coding = one(params, "coding")
    code = one(params, "code") or (coding.get("code") if isinstance(coding, dict) else None)
    if code is None:
        raise _bad("parameter 'code' is required")
    return str(code).strip()


def _int(params: dict, name: str, default: int, lo: int, hi: int) -> int:
    raw = one(params, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise _bad(f"parameter {name!r} must be an integer, got {raw!r}") from None
    if not lo <= value <= hi:
        raise _bad(f"parameter {name!r} must be between {lo} and {hi}, got {value}")
    return value


def lookup_parameters(found: dict, wanted: list[str] | None = None) -> dict:
    """A $lookup answer: name, display, a designation per catalog string (use = its TTY), STY/TTY properties."""
    params: list[dict] = [{"name": "name", "valueString": concepts.SYSTEM_TITLE.get(found["system"], found["system"])},
                          {"name": "display", "valueString": found["display"]}]
    if not wanted or "designation" in wanted:
        for s in found["strings"]:
            params.append({"name": "designation", "part": [
                {"name": "language", "valueCode": "en"},
                {"name": "use", "valueCoding": {"system": TTY_SYSTEM, "code": s["tty"]}},
                {"name": "value", "valueString": s["text"]}]})
    props = [("tty", {"valueCode": found["tty"]}, "term type of the display name")]
    props += [("sty", {"valueString": sty}, "UMLS semantic type") for sty in found["sty"]]
    for code, value, desc in props:
        if wanted and code not in wanted:
            continue
        params.append({"name": "property", "part": [{"name": "code", "valueCode": code}, {"name": "value", **value},
                                                    {"name": "description", "valueString": desc}]})
    return {"resourceType": "Parameters", "parameter": params}


def valueset_type(url: str | None, vs_id: str | None, entity_type: str | None) -> tuple[list[str], str | None]:
    """The entity types to search, and the ValueSet URL to report, from a ValueSet id/url or ``entityType``."""
    if entity_type:
        t = concepts.entity_type_or_none(entity_type)
        if t is None:
            raise _bad(concepts.unknown_type_message(entity_type))
        return [t], url
    if vs_id is not None:
        if vs_id.lower() not in VALUESETS:
            raise ApiProblem(404, f"ValueSet/{vs_id} is not defined here; known: {', '.join(VALUESETS)}",
                             fhir_code="not-found")
        return [VALUESETS[vs_id.lower()]], url
    if not url:
        raise _bad("give the ValueSet: parameter 'url' (e.g. http://snomed.info/sct?fhir_vs, or this server's "
                   ".../fhir/ValueSet/diagnosis), or 'entityType' (Medicine, Diagnosis, Procedure, Lab)")
    base, _, query = url.partition("?")
    system = concepts.system_name(base)
    if system is not None and query.startswith("fhir_vs"):
        if query != "fhir_vs":
            raise _bad(f"only the whole-system implicit ValueSet ({base}?fhir_vs) is supported", "not-supported")
        return [t for t, s in concepts.entity_types().items() if s == system], url
    last = base.rstrip("/").rsplit("/", 1)[-1]
    if "/ValueSet/" in base and last.lower() in VALUESETS:
        return [VALUESETS[last.lower()]], url
    raise ApiProblem(404, f"ValueSet {url!r} is not known here; use <system uri>?fhir_vs or "
                          f"ValueSet/<{'|'.join(VALUESETS)}>", fhir_code="not-found")


def expansion(results: list[dict], url: str | None, flt: str, offset: int, count: int) -> dict:
    """Merge the shortlists of every entity type searched (best score per code), then offset/count."""
    best: dict[tuple[str, str], dict] = {}
    for r in results:
        for c in r.get("candidates", []):
            key = (c["system"], c["code"])
            if key not in best or c["score"] > best[key]["score"]:
                best[key] = c
    ranked = sorted(best.values(), key=lambda c: -c["score"])[offset: offset + count]
    vs: dict[str, Any] = {"resourceType": "ValueSet", "status": "active"}
    if url:
        vs["url"] = url
    vs["expansion"] = {
        "identifier": f"urn:uuid:{uuid.uuid4()}",
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "offset": offset,
        "parameter": [{"name": "filter", "valueString": flt}, {"name": "count", "valueInteger": count}],
        "contains": [{"system": concepts.SYSTEM_URI.get(c["system"], c["system"]), "code": c["code"],
                      "display": c["description"]} for c in ranked]}
    return vs


def valueset_resource(vs_id: str, base_url: str) -> dict:
    t = VALUESETS[vs_id]
    system = concepts.entity_types()[t]
    return {"resourceType": "ValueSet", "id": vs_id, "url": f"{base_url}/fhir/ValueSet/{vs_id}",
            "name": f"Harmonizer{t}", "title": f"{t} codes ({concepts.SYSTEM_TITLE[system]})", "status": "active",
            "description": f"The {concepts.SYSTEM_TITLE[system]} codes that entity type {t} maps to in this "
                           "server's catalog. $expand needs a filter (a text search through the mapping engine).",
            "compose": {"include": [{"system": concepts.SYSTEM_URI[system]}]}}


def capability_statement(base_url: str, version: str, translate: bool = False) -> dict:
    def op(name: str, resource: str) -> dict:
        return {"name": name, "definition": f"{OPDEF}{resource}-{name}"}

    return {
        "resourceType": "CapabilityStatement", "status": "active",
        "date": time.strftime("%Y-%m-%d"), "publisher": "Clinical Concept Harmonizer", "kind": "instance",
        "software": {"name": "Clinical Concept Harmonizer", "version": version},
        "implementation": {"description": "Terminology operations over this server's RxNorm / SNOMED CT catalog "
                                          "and its mapping engine", "url": f"{base_url}/fhir"},
        "fhirVersion": FHIR_VERSION, "format": ["json"],
        "rest": [{"mode": "server",
                  "documentation": "$expand needs a filter (text search through the mapping engine). " + (
                      "ConceptMap/$translate maps a local text (system urn:harmonize:source-text:<entity type>) "
                      "to its reviewed code." if translate else "ConceptMap/$translate is not available (501)."),
                  "resource": [
                      {"type": "CodeSystem", "operation": [op("lookup", "CodeSystem"),
                                                           op("validate-code", "CodeSystem")]},
                      {"type": "ValueSet", "interaction": [{"code": "read"}],
                       "operation": [op("expand", "ValueSet")]},
                      *([{"type": "ConceptMap", "operation": [op("translate", "ConceptMap")]}] if translate else [])]}]}


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + request.scope.get("root_path", "").rstrip("/")


def build_router(backend, config: Config, authorize: Callable, version: str,
                 search: Callable[[list[tuple[str, str]], int], Awaitable[list[dict]]],
                 translate: Callable[[dict], Awaitable[dict]] | None = None) -> APIRouter:
    """The /fhir routes. ``search(pairs, top_k)``: the mapping engine's ranked shortlists (as /v1/map);
    ``translate(params)``: ``ConceptMap/$translate`` over the reviewed decisions (``online.review_api``)."""
    s = config.serve
    r = APIRouter(prefix="/fhir", tags=["FHIR R4 terminology"])
    auth = [Depends(authorize)]
    ok = {200: {"description": "a FHIR resource", "content": {FHIR_JSON: {}}}}
    doc = {"response_class": JSONResponse, "responses": ok}

    @r.get("/metadata", summary="CapabilityStatement: the operations this server implements", **doc)
    async def metadata(request: Request):
        return fhir_json(capability_statement(base_url(request), version, translate is not None))

    async def lookup(request: Request):
        params = await read_params(request)
        system, _ = _system_of(params)
        code = _code_of(params)
        found = await backend.concept(system, code)
        if found is None:
            raise ApiProblem(404, f"code {code!r} is not in {concepts.SYSTEM_TITLE[system]} (this server's catalog)",
                             fhir_code="not-found")
        wanted = [str(p) for p in params.get("property") or [] if p]
        return fhir_json(lookup_parameters(found, wanted or None))

    async def validate_code(request: Request):
        params = await read_params(request)
        system, uri = _system_of(params, required=False)
        code = _code_of(params)
        url = one(params, "url")
        if url is not None:
            types, _ = valueset_type(str(url), None, None)
            vs_systems = {concepts.entity_types()[t] for t in types}
            if system is None:
                system = next(iter(vs_systems)) if len(vs_systems) == 1 else None
            if system is None:
                raise _bad("give 'system' with this ValueSet")
            if system not in vs_systems:
                return fhir_json({"resourceType": "Parameters", "parameter": [
                    {"name": "result", "valueBoolean": False},
                    {"name": "message", "valueString": f"{uri} is not part of ValueSet {url}"}]})
        elif system is None:
            raise _bad("parameter 'system' (or 'url', a ValueSet) is required")
        display = one(params, "display")
        found = await backend.concept(system, code)
        res = concepts.validate(found, system, code, None if display is None else str(display))
        out = [{"name": "result", "valueBoolean": res["result"]}]
        if "message" in res:
            out.append({"name": "message", "valueString": res["message"]})
        if "display" in res:
            out.append({"name": "display", "valueString": res["display"]})
        return fhir_json({"resourceType": "Parameters", "parameter": out})

    async def _expand(request: Request, vs_id: str | None):
        params = await read_params(request)
        flt = one(params, "filter")
        url = one(params, "url")
        if vs_id is not None and url is None:
            url = f"{base_url(request)}/fhir/ValueSet/{vs_id}"
        types, url = valueset_type(None if url is None else str(url), vs_id, one(params, "entityType"))
        if flt is None or not str(flt).strip():
            raise _bad("parameter 'filter' is required: this server expands by text search "
                       "(the whole code system is too large to list)", "too-costly")
        flt = str(flt)
        if len(flt) > s.max_text_chars:
            raise _bad(f"filter must be at most {s.max_text_chars} characters")
        count = _int(params, "count", min(10, s.max_top_k), 0, s.max_top_k)
        offset = _int(params, "offset", 0, 0, s.max_top_k)
        if offset + count > s.max_top_k:
            raise _bad(f"offset + count must be at most {s.max_top_k} (serve.max_top_k)", "too-costly")
        results = await search([(flt, t) for t in types], max(1, offset + count))
        return fhir_json(expansion(results, url, flt, offset, count))

    async def expand(request: Request):
        return await _expand(request, None)

    async def expand_id(vs_id: str, request: Request):
        return await _expand(request, vs_id)

    async def translate_op(request: Request):
        if translate is None:
            return outcome_response(501, TRANSLATE_NOT_YET, "not-supported")
        return fhir_json(await translate(await read_params(request)))

    errors = {400: {"description": "invalid parameters"}, 401: {"description": "missing or wrong bearer token"},
              404: {"description": "unknown code system, code or ValueSet"}}
    for path, fn, summary in (
            ("/CodeSystem/$lookup", lookup, "Display name, designations (every string, with its TTY) and STY of a code"),
            ("/CodeSystem/$validate-code", validate_code, "Is the code in the code system (or ValueSet); "
                                                           "is the display one of its strings"),
            ("/ValueSet/$expand", expand, "Text search (filter=) through the mapping engine, ranked, "
                                          "within a ValueSet (url=) or entity type (entityType=)"),
            ("/ValueSet/{vs_id}/$expand", expand_id, "The same within this server's ValueSet medicine, diagnosis, "
                                                  "procedure or lab"),
            ("/ConceptMap/$translate", translate_op, "A local text (system urn:harmonize:source-text:<entity type>, "
                                                    "code = the text) -> its reviewed SNOMED CT / RxNorm code")):
        for method in ("GET", "POST"):
            op_id = f"fhir_{path.strip('/').replace('/', '_').replace('$', '').replace('{', '').replace('}', '')}_{method.lower()}"
            r.add_api_route(path, fn, methods=[method], summary=summary, dependencies=auth, operation_id=op_id,
                            response_class=JSONResponse, responses={**ok, **errors, **(
                                {501: {"description": "no review workflow in this app"}} if fn is translate_op else {})})

    @r.get("/ValueSet/{vs_id}", summary="One of this server's ValueSets (medicine, diagnosis, procedure, lab)",
           dependencies=auth, **doc)
    async def read_valueset(vs_id: str, request: Request):
        if vs_id.lower() not in VALUESETS:
            raise ApiProblem(404, f"ValueSet/{vs_id} is not defined here; known: {', '.join(VALUESETS)}",
                             fhir_code="not-found")
        return fhir_json(valueset_resource(vs_id.lower(), base_url(request)))

    return r
