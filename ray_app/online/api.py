"""The online API as a FastAPI app over a backend that maps (text, entity type) pairs.

No Ray here: the Serve ingress (``actors/serve_app.py``) passes itself as the backend. Routes:
``POST /v1/map``, ``POST /v1/map/batch``, ``GET /v1/health``, ``GET /v1/catalog``, the web page at ``/``
and OpenAPI at ``/docs`` (Swagger UI from a vendored package: nothing is fetched from a CDN).
Clinical text is never logged unless ``serve.log_text`` is set; the audit log stores a hash of it.
"""

import hmac
import logging
import os
import time
import uuid
from pathlib import Path
from typing import Protocol

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ray_app.online.models import WEIGHT_RANGE, BatchResponse, MapResponse, build_models
from ray_app.online.audit import AuditLog
from ray_app.config import Config
from ray_app.online.shape import base_weights

SITE_DIR = Path(__file__).resolve().parent / "site"
SITE_ASSETS = {"site.css": "text/css", "site.js": "text/javascript", "favicon.svg": "image/svg+xml",
               "examples.json": "application/json"}
# the page loads only its own files; API text is inserted with textContent, and this header is a second line
PAGE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
log = logging.getLogger("ray.serve")


class Backend(Protocol):
    llm_available: bool

    async def map(self, pairs: list[tuple[str, str]], top_k: int, weights: dict[str, float] | None,
                  llm: bool) -> tuple[list[dict], dict[str, float]]: ...

    async def health(self) -> dict: ...

    async def catalog(self) -> dict: ...


def page_html(mode: str = "live") -> str:
    """index.html with its mode: ``live`` calls the API, ``recorded`` replays recorded results."""
    html = (SITE_DIR / "index.html").read_text(encoding="utf-8")
    return html.replace('data-mode="live"', f'data-mode="{mode}"', 1)


def build_api(backend: Backend, config: Config) -> FastAPI:
    """The app: its routes are closures over this app's models, token and audit log, so they live in this one
    factory (it is long because it lists every route, not because it holds logic; the logic is in
    ``online.shape`` and the backend)."""
    s = config.serve
    weights_base = base_weights(config.match)
    models = build_models(config, list(weights_base))
    MapRequest, BatchRequest = models.MapRequest, models.BatchRequest
    token = os.environ.get(s.token_env) or None
    audit = AuditLog(s.audit_log) if s.audit_log else None
    bearer = HTTPBearer(auto_error=False, description=f"required when ${s.token_env} is set on the server")

    app = FastAPI(title="Clinical Concept Harmonizer", version="1.0",
                  description="Messy clinical text + entity type -> RxNorm / SNOMED CT codes, with the signals "
                              "behind each candidate. The page at / explains the engine and demonstrates it.",
                  docs_url=None, redoc_url=None)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError):
        # field + message only: pydantic's default echoes the input, which is clinical text
        detail = [{"field": ".".join(str(p) for p in e["loc"][1:]) or "body", "message": e["msg"]}
                  for e in exc.errors()]
        msg = "; ".join(f"{d['field']}: {d['message']}" for d in detail)
        return JSONResponse(status_code=422, content={"error": f"invalid request: {msg}", "detail": detail})

    def authorize(cred: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
        if token is None:
            return
        if cred is None or not hmac.compare_digest(cred.credentials.encode(), token.encode()):
            raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})

    async def run(endpoint: str, pairs: list[tuple[str, str]], req) -> tuple[str, list[dict], dict]:
        if req.llm and not backend.llm_available:
            raise HTTPException(501, "llm=true needs an LLM deployment in this Serve app (harmonize serve "
                                     "--llm full), and none is configured; send llm=false (the default)")
        weights = req.weights.model_dump(exclude_none=True) if req.weights is not None else None
        request_id = uuid.uuid4().hex
        t0 = time.perf_counter()
        results, timings = await backend.map(pairs, req.top_k, weights or None, req.llm)
        timings = {k: round(v, 2) for k, v in {**timings, "total": (time.perf_counter() - t0) * 1e3}.items()}
        if audit is not None:
            audit.record(request_id, endpoint, pairs, results, timings, top_k=req.top_k, weights=weights)
        text = f" texts={[t for t, _ in pairs]!r}" if s.log_text else ""
        log.info(f"harmonize {endpoint} request_id={request_id} items={len(pairs)} ms={timings['total']}{text}")
        return request_id, results, timings

    @app.post("/v1/map", response_model=MapResponse, dependencies=[Depends(authorize)], tags=["mapping"],
              summary="Map one entity: best code + top-k candidates with their signals")
    async def map_one(req: MapRequest):  # type: ignore[valid-type]
        request_id, results, timings = await run("map", [(req.text, req.entity_type)], req)
        return {"request_id": request_id, **results[0], "timings_ms": timings}

    @app.post("/v1/map/batch", response_model=BatchResponse, dependencies=[Depends(authorize)], tags=["mapping"],
              summary=f"Map up to {s.max_batch_items} entities in one call (one embedding and search pass)")
    async def map_batch(req: BatchRequest):  # type: ignore[valid-type]
        request_id, results, timings = await run("batch", [(i.text, i.entity_type) for i in req.items], req)
        return {"request_id": request_id, "results": results, "timings_ms": timings}

    @app.get("/v1/health", tags=["service"], summary="Index loaded, model, catalog version, replicas")
    async def health():
        try:
            info = await backend.health()
        except Exception as exc:  # a replica down or still starting: say so, do not 500
            return JSONResponse(status_code=503, content={"status": "unavailable", "error": type(exc).__name__})
        return {"status": "ok", **info, "llm": "configured" if backend.llm_available else "not configured",
                "auth_required": token is not None,
                "limits": {"max_text_chars": s.max_text_chars, "max_batch_items": s.max_batch_items,
                           "max_top_k": s.max_top_k, "max_ongoing_requests": s.max_ongoing_requests,
                           "max_queued_requests": s.max_queued_requests},
                "scoring": {"weights": weights_base, "range": list(WEIGHT_RANGE)}}

    @app.get("/v1/catalog", dependencies=[Depends(authorize)], tags=["service"],
             summary="Coding systems, row and code counts, term types and the semantic-type inventory")
    async def catalog():
        return await backend.catalog()

    # ------------------------------------------------------------------ the page and the docs
    page = page_html("live")

    @app.get("/", include_in_schema=False)
    async def index():
        return HTMLResponse(page, headers={"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-cache"})

    for name, media in SITE_ASSETS.items():
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
            return Response(status_code=404)
        from swagger_ui_bundle import swagger_ui_path

        return FileResponse(Path(swagger_ui_path) / name)

    return app
