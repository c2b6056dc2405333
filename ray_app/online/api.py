"""The online API as a FastAPI app over a backend that maps (text, entity type) pairs.

No Ray here: the Serve ingress (``actors/serve_app.py``) passes itself as the backend. Routes:
``POST /v1/map``, ``POST /v1/map/batch``, ``GET /v1/search``, ``GET /v1/concept/{system}/{code}``,
``GET /v1/health`` (readiness), ``GET /v1/catalog``, the FHIR R4 terminology operations under ``/fhir``
(``online.fhir``), the web page at ``/`` and OpenAPI at ``/docs`` (Swagger UI from a vendored package:
nothing is fetched from a CDN). Every error is an RFC 9457 problem (``online.problems``); under ``/fhir``
an OperationOutcome. Clinical text is never logged unless ``serve.log_text`` is set; the audit log stores
a hash of it.
"""

import asyncio
import hmac
import logging
import os
import time
import uuid
from pathlib import Path
from typing import Annotated, Protocol

from fastapi import Depends, FastAPI, Query, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError

from ray_app.config import Config
from ray_app.online import concepts, fhir, problems, review_api
from ray_app.online.audit import AuditLog
from ray_app.online.models import (WEIGHT_RANGE, BatchResponse, CatalogResponse, ConceptResponse, HealthResponse,
                                   MapResponse, build_models)
from ray_app.online.problems import ApiProblem
from ray_app.online.shape import base_weights
from ray_app.result import to_dict, unmapped
from ray_app.version import version

SITE_DIR = Path(__file__).resolve().parent / "site"
SITE_ASSETS = {"site.css": "text/css", "site.js": "text/javascript", "favicon.svg": "image/svg+xml",
               "examples.json": "application/json", "figures.json": "application/json"}
REVIEW_ASSETS = {"review.css": "text/css", "review.js": "text/javascript"}  # the review page, live only
# the page loads only its own files; API text is inserted with textContent, and this header is a second line
PAGE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
log = logging.getLogger("ray.serve")


class Backend(Protocol):
    llm_available: bool

    async def map(self, pairs: list[tuple[str, str]], top_k: int, weights: dict[str, float] | None,
                  llm: bool) -> tuple[list[dict], dict[str, float]]: ...

    async def health(self) -> dict: ...  # index info, "replicas", and "ready" / "not_ready" (readiness)

    async def catalog(self) -> dict: ...

    async def concept(self, system: str, code: str) -> dict | None: ...  # online.concepts.concept


def page_html(mode: str = "live") -> str:
    """index.html with its mode: ``live`` calls the API, ``recorded`` replays recorded results."""
    html = (SITE_DIR / "index.html").read_text(encoding="utf-8")
    return html.replace('data-mode="live"', f'data-mode="{mode}"', 1)


class Admission:
    """At most ``ongoing`` mapping requests at once per ingress replica and ``queued`` waiting; beyond that a
    503 problem with Retry-After at once (Serve's own queue limit stays as a backstop, but answers plain text)."""

    def __init__(self, ongoing: int, queued: int, retry_after_s: int):
        self.sem = asyncio.Semaphore(max(1, ongoing))
        self.ongoing, self.queued, self.retry = max(1, ongoing), max(0, queued), retry_after_s
        self.waiting = 0
        self.active = 0

    async def __aenter__(self):
        if self.active >= self.ongoing and self.waiting >= self.queued:
            raise ApiProblem(503, f"at capacity: {self.active} requests in progress and {self.waiting} waiting "
                                  f"(serve.max_ongoing_requests / serve.max_queued_requests); retry in "
                                  f"{self.retry} s", type="overloaded", headers={"Retry-After": str(self.retry)},
                             fhir_code="transient")
        self.waiting += 1
        try:
            await self.sem.acquire()
        finally:
            self.waiting -= 1
        self.active += 1
        return self

    async def __aexit__(self, *exc):
        self.active -= 1
        self.sem.release()


def build_api(backend: Backend, config: Config) -> FastAPI:
    """The app: its routes are closures over this app's models, token and audit log, so they live in this one
    factory (it is long because it lists every route, not because it holds logic; the logic is in
    ``online.shape``, ``online.concepts``, ``online.fhir`` and the backend)."""
    s = config.serve
    weights_base = base_weights(config.match)
    models = build_models(config, list(weights_base))
    MapRequest, BatchRequest, Item = models.MapRequest, models.BatchRequest, models.Item
    token = os.environ.get(s.token_env) or None
    audit = AuditLog(s.audit_log) if s.audit_log else None
    bearer = HTTPBearer(auto_error=False, description=f"required when ${s.token_env} is set on the server")
    admission = Admission(s.max_ongoing_requests, s.max_queued_requests, s.retry_after_s)
    retry = {"Retry-After": str(s.retry_after_s)}
    err = problems.responses

    app = FastAPI(title="Clinical Concept Harmonizer", version=version(),
                  description="Messy clinical text + entity type -> RxNorm / SNOMED CT codes, with the signals "
                              "behind each candidate; catalog search and concept look-up; FHIR R4 terminology "
                              "operations under /fhir (see /fhir/metadata). Every error is an RFC 9457 "
                              "application/problem+json body (an OperationOutcome under /fhir). The page at / "
                              "explains the engine and demonstrates it.",
                  docs_url=None, redoc_url=None)
    review = getattr(backend, "review", None)  # the review loop (online.review_api), when the backend has one
    problems.install(app, s.max_body_bytes, exempt=(review_api.UPLOAD_PATH,) if review is not None else ())

    def authorize(cred: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
        if token is None:
            return
        if cred is None or not hmac.compare_digest(cred.credentials.encode(), token.encode()):
            raise ApiProblem(401, "missing or wrong bearer token: send 'Authorization: Bearer <token>' "
                                  f"(the server reads it from ${s.token_env})",
                             headers={"WWW-Authenticate": "Bearer"}, type="unauthorized")

    def check_type(entity_type: str) -> None:
        if concepts.entity_type_or_none(entity_type) is None:
            raise ApiProblem(422, concepts.unknown_type_message(entity_type), type="unknown-entity-type",
                             errors=[{"field": "entity_type", "message": concepts.unknown_type_message(entity_type)}],
                             entity_types=list(concepts.entity_types()))

    async def run(endpoint: str, pairs: list[tuple[str, str]], top_k: int, weights: dict | None, llm: bool):
        if llm and not backend.llm_available:
            raise ApiProblem(501, "llm=true needs an LLM deployment in this Serve app (harmonize serve --llm full), and none is configured; "
                                  "send llm=false (the default)", type="llm-not-configured")
        request_id = uuid.uuid4().hex
        t0 = time.perf_counter()
        async with admission:
            results, timings = (await backend.map(pairs, top_k, weights or None, llm)) if pairs else ([], {})
        timings = {k: round(v, 2) for k, v in {**timings, "total": (time.perf_counter() - t0) * 1e3}.items()}
        if audit is not None:
            audit.record(request_id, endpoint, pairs, results, timings, top_k=top_k, weights=weights)
        text = f" texts={[t for t, _ in pairs]!r}" if s.log_text else ""
        log.info(f"harmonize {endpoint} request_id={request_id} items={len(pairs)} ms={timings['total']}{text}")
        return request_id, results, timings

    def req_weights(req) -> dict | None:
        return req.weights.model_dump(exclude_none=True) if req.weights is not None else None

    @app.post("/v1/map", response_model=MapResponse, dependencies=[Depends(authorize)], tags=["mapping"],
              summary="Map one entity: best code + top-k candidates with their signals",
              responses=err(401, 413, 422, 501, 503))
    async def map_one(req: MapRequest):  # type: ignore[valid-type]
        check_type(req.entity_type)
        request_id, results, timings = await run("map", [(req.text, req.entity_type)], req.top_k,
                                                 req_weights(req), req.llm)
        return {"request_id": request_id, **results[0], "timings_ms": timings}

    @app.post("/v1/map/batch", response_model=BatchResponse, dependencies=[Depends(authorize)], tags=["mapping"],
              summary=f"Map up to {s.max_batch_items} entities in one call (one embedding and search pass); "
                      "each item may carry an id, and an invalid item is reported in its own result",
              responses=err(401, 413, 422, 501, 503))
    async def map_batch(req: BatchRequest):  # type: ignore[valid-type]
        slots: list[dict] = []
        pairs: list[tuple[str, str]] = []
        for i, raw in enumerate(req.items):
            slot = {"index": i, "id": raw.get("id") if isinstance(raw, dict) else None}
            try:
                item = Item.model_validate(raw)
            except ValidationError as exc:
                errors = [{"field": ".".join(str(p) for p in e["loc"]) or "item", "message": e["msg"]}
                          for e in exc.errors()]
                slot["id"] = slot["id"] if isinstance(slot["id"], (str, int)) and not isinstance(slot["id"], bool) \
                    and len(str(slot["id"])) <= 128 else None
                slots.append({**slot, **to_dict(unmapped(flags=["invalid_item"])), "input": None, "error": problems.problem(
                    422, problems.validation_detail(errors), type="invalid-item", errors=errors)})
                continue
            slot.update(id=item.id, input={"text": item.text, "entity_type": item.entity_type})
            if concepts.entity_type_or_none(item.entity_type) is None:
                msg = concepts.unknown_type_message(item.entity_type)
                slots.append({**slot, **to_dict(unmapped(flags=["unknown_entity_type"])), "error": problems.problem(
                    422, msg, type="unknown-entity-type", errors=[{"field": "entity_type", "message": msg}])})
                continue
            slot["_pair"] = len(pairs)
            pairs.append((item.text, item.entity_type))
            slots.append(slot)
        request_id, results, timings = await run("batch", pairs, req.top_k, req_weights(req), req.llm)
        out = []
        for slot in slots:
            k = slot.pop("_pair", None)
            out.append({**slot, **results[k], "error": None} if k is not None else slot)
        return {"request_id": request_id, "results": out, "timings_ms": timings}

    @app.get("/v1/search", response_model=MapResponse, dependencies=[Depends(authorize)], tags=["mapping"],
             summary="Catalog search as a GET (RxNav approximateTerm style): the same engine as POST /v1/map",
             responses=err(401, 422, 503))
    async def search(term: Annotated[str, Query(min_length=1, max_length=s.max_text_chars,
                                                description="the text to search, as written")],
                     type: Annotated[str, Query(min_length=1, max_length=64, description=
                                                "entity type: Medicine, Diagnosis, Procedure or Lab")],
                     max: Annotated[int, Query(ge=1, le=s.max_top_k, description="candidates to return")] = 5):
        check_type(type)
        request_id, results, timings = await run("search", [(term, type)], max, None, False)
        return {"request_id": request_id, **results[0], "timings_ms": timings}

    @app.get("/v1/concept/{system}/{code}", response_model=ConceptResponse, dependencies=[Depends(authorize)],
             tags=["catalog"], summary="Every string of a code, its display name, STY and TTY",
             responses=err(401, 404, 503))
    async def concept(system: str, code: str):
        name = concepts.system_name(system)
        if name is None:
            raise ApiProblem(404, f"unknown coding system {system!r}; use RXNORM or SNOMEDCT_US "
                                  "(or rxnorm, snomed)", type="unknown-system")
        found = await backend.concept(name, code)
        if found is None:
            raise ApiProblem(404, f"code {code!r} is not in {name} (this server's catalog)", type="unknown-code")
        return found

    @app.get("/v1/health", tags=["service"], response_model=HealthResponse, responses=err(503),
             summary="Readiness: 200 once every deployment has a running replica; index, model, catalog, limits")
    async def health():
        try:
            info = await backend.health()
        except Exception as exc:  # a replica down or still starting: say so, do not 500
            raise ApiProblem(503, f"not ready: the index replica did not answer ({type(exc).__name__})",
                             type="not-ready", headers=retry, ready=False) from None
        if not info.pop("ready", True):
            raise ApiProblem(503, "not ready: " + "; ".join(info.get("not_ready") or ["starting"]),
                             type="not-ready", headers=retry, ready=False, replicas=info.get("replicas"))
        info.pop("not_ready", None)
        return {"status": "ok", "ready": True, **info, "version": version(),
                "llm": "configured" if backend.llm_available else "not configured",
                "auth_required": token is not None,
                "limits": {"max_text_chars": s.max_text_chars, "max_batch_items": s.max_batch_items,
                           "max_top_k": s.max_top_k, "max_ongoing_requests": s.max_ongoing_requests,
                           "max_queued_requests": s.max_queued_requests},
                "scoring": {"weights": weights_base, "range": list(WEIGHT_RANGE)}}

    @app.get("/v1/catalog", dependencies=[Depends(authorize)], tags=["service"], response_model=CatalogResponse,
             summary="Coding systems, row and code counts, term types, the semantic-type inventory and the "
                     "valid entity types", responses=err(401, 503))
    async def catalog():
        cat = dict(await backend.catalog())
        cat["systems"] = {k: {"uri": concepts.SYSTEM_URI.get(k), **v} for k, v in cat["systems"].items()}
        return {**cat, "entity_types": concepts.entity_types()}

    async def engine_search(pairs: list[tuple[str, str]], top_k: int) -> list[dict]:
        return (await run("fhir-expand", pairs, top_k, None, False))[1]

    translate = None
    if review is not None:
        app.include_router(review_api.build_router(review, config, authorize))

        async def translate(params: dict) -> dict:
            return await review_api.translate(review, params)
    app.include_router(fhir.build_router(backend, config, authorize, version(), engine_search, translate))

    # ------------------------------------------------------------------ the page and the docs
    page = page_html("live")

    @app.get("/", include_in_schema=False)
    async def index():
        return HTMLResponse(page, headers={"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-cache"})

    if review is not None:
        review_page = (SITE_DIR / "review.html").read_text(encoding="utf-8")

        @app.get("/review", include_in_schema=False)
        async def review_html():
            return HTMLResponse(review_page, headers={"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-cache"})

    for name, media in {**SITE_ASSETS, **(REVIEW_ASSETS if review is not None else {})}.items():
        def asset(_name=name, _media=media):
            return FileResponse(SITE_DIR / _name, media_type=_media, headers={"Cache-Control": "no-cache"})
        app.get(f"/{name}", include_in_schema=False)(asset)

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request):
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} API",
                                   swagger_js_url=f"{root}/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url=f"{root}/docs-assets/swagger-ui.css",
                                   swagger_favicon_url=f"{root}/favicon.svg",
                                   swagger_ui_parameters={"validatorUrl": None})

    @app.get("/docs-assets/{name}", include_in_schema=False)
    async def docs_assets(name: str):
        if name not in ("swagger-ui-bundle.js", "swagger-ui.css"):
            raise ApiProblem(404, f"no docs asset {name!r}")
        from swagger_ui_bundle import swagger_ui_path

        return FileResponse(Path(swagger_ui_path) / name)

    return app
