"""One error format: RFC 9457 problem details (``application/problem+json``) for every 4xx/5xx of ``/v1``
and the page, and FHIR ``OperationOutcome`` (``application/fhir+json``) under ``/fhir``.

``install(app)`` registers the handlers (HTTP errors incl. FastAPI's 404/405/413, request validation,
unexpected exceptions) and rewrites the OpenAPI document so every error response of every route says
``application/problem+json`` with the ``Problem`` schema. Validation messages name the field and never
echo the input (it is clinical text). A body that is not JSON, or not sent as JSON, gets a hint instead of
pydantic's ``loc`` artefacts (a decode error at character 0 used to read as a field named ``"0"``).
"""
from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
FHIR_JSON = "application/fhir+json"
FHIR_PREFIX = "/fhir"
TYPE_BASE = "urn:harmonize:problem:"  # problem types are URNs: stable names, nothing to dereference


class FieldError(BaseModel):
    field: str = Field(description="dotted path of the field (body.items.0.text -> items.0.text); 'body' for the whole body")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details; ``errors`` lists the fields of a 422."""
    model_config = ConfigDict(extra="allow")
    type: str = Field("about:blank", description="problem type URI (about:blank: the status says it all)")
    title: str = Field(description="short summary of the problem type")
    status: int = Field(description="the HTTP status code")
    detail: str | None = Field(None, description="what went wrong with this request, and what to do")
    instance: str | None = Field(None, description="the request path")
    errors: list[FieldError] | None = Field(None, description="422: each invalid field and why")


class ApiProblem(Exception):
    """Raise in a route to answer with a problem (under /v1) or an OperationOutcome (under /fhir)."""

    def __init__(self, status: int, detail: str, *, type: str | None = None, title: str | None = None,
                 headers: dict[str, str] | None = None, fhir_code: str | None = None, **extensions: Any):
        super().__init__(detail)
        self.status, self.detail, self.type, self.title = status, detail, type, title
        self.headers, self.fhir_code, self.extensions = headers or {}, fhir_code, extensions


def problem(status: int, detail: str | None = None, *, type: str | None = None, title: str | None = None,
            instance: str | None = None, **extensions: Any) -> dict:
    body = {"type": f"{TYPE_BASE}{type}" if type else "about:blank",
            "title": title or _phrase(status), "status": status}
    if detail is not None:
        body["detail"] = detail
    if instance is not None:
        body["instance"] = instance
    body.update({k: v for k, v in extensions.items() if v is not None})
    return body


def problem_response(status: int, detail: str | None = None, *, headers: dict[str, str] | None = None,
                     **kw: Any) -> JSONResponse:
    return JSONResponse(problem(status, detail, **kw), status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


# --------------------------------------------------------------------------- FHIR OperationOutcome
_FHIR_CODES = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found", 405: "not-supported",
               413: "too-costly", 422: "invalid", 501: "not-supported", 503: "transient"}


def operation_outcome(diagnostics: str, code: str = "processing", severity: str = "error") -> dict:
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}]}


def outcome_response(status: int, diagnostics: str, code: str | None = None,
                     headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(operation_outcome(diagnostics, code or _FHIR_CODES.get(status, "exception")),
                        status_code=status, headers=headers, media_type=FHIR_JSON)


def _is_fhir(request: Request) -> bool:
    path = request.url.path
    root = request.scope.get("root_path", "").rstrip("/")
    return path.startswith(root + FHIR_PREFIX + "/") or path == root + FHIR_PREFIX


def error_response(request: Request, status: int, detail: str, *, headers: dict[str, str] | None = None,
                   fhir_code: str | None = None, **kw: Any) -> JSONResponse:
    if _is_fhir(request):
        return outcome_response(status, detail, fhir_code, headers)
    return problem_response(status, detail, headers=headers, instance=request.url.path, **kw)


# --------------------------------------------------------------------------- validation messages
def field_errors(exc: RequestValidationError, request: Request) -> list[dict]:
    """pydantic errors -> [{field, message}] without the input; body-level problems get a hint."""
    ctype = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    out = []
    for e in exc.errors():
        loc = list(e.get("loc", ()))
        where = loc[0] if loc else "body"
        kind = e.get("type", "")
        if kind == "json_invalid":  # loc is ("body", <character position>): not a field
            pos = loc[1] if len(loc) > 1 else None
            reason = (e.get("ctx") or {}).get("error", "")
            out.append({"field": "body", "message": f"the body is not valid JSON"
                        + (f" (at character {pos}: {reason})" if pos is not None else "")})
            continue
        path = [str(p) for p in loc[1:]]
        field = ".".join(path) or ("body" if where == "body" else str(where))
        msg = e.get("msg", "invalid")
        if where == "body" and not path:
            if ctype != "application/json":
                msg = (f"send the body as JSON with the header 'Content-Type: application/json' "
                       f"(got {ctype or 'no content type'})")
            elif kind in ("model_attributes_type", "dict_type", "model_type"):
                msg = "the body must be a JSON object, e.g. {\"text\": \"chest xr\", \"entity_type\": \"Procedure\"}"
            elif kind == "missing":
                msg = "a JSON body is required"
        out.append({"field": field, "message": msg})
    return out


def validation_detail(errors: list[dict]) -> str:
    return "invalid request: " + "; ".join(f"{d['field']}: {d['message']}" for d in errors)


# --------------------------------------------------------------------------- wiring
class BodyLimit:
    """ASGI: a request body over ``limit`` bytes is a 413 problem: at once when Content-Length says so, else
    as soon as a chunked body passes the limit."""

    def __init__(self, app, limit: int, exempt: tuple[str, ...] = ()):
        self.app, self.limit, self.exempt = app, limit, exempt

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")[len(scope.get("root_path", "").rstrip("/")):]
        if path in self.exempt:  # a route with its own, larger limit (the review upload)
            return await self.app(scope, receive, send)
        request = Request(scope, receive)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            return await self._reject(request, scope, receive, send, f"{int(length):,} bytes")
        seen, too_large, replied = 0, False, False

        async def counted():
            nonlocal seen, too_large
            if too_large:
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:  # end the body here; whatever the app answers becomes the 413
                    too_large = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def guarded(message):
            nonlocal replied
            if not too_large:
                return await send(message)
            if not replied:
                replied = True
                await self._reject(request, scope, receive, send, f"over {self.limit:,} bytes")

        await self.app(scope, counted, guarded)

    async def _reject(self, request, scope, receive, send, size: str):
        response = error_response(request, 413, f"the request body is {size}; this server accepts at most "
                                                f"{self.limit:,} bytes (serve.max_body_bytes)")
        await response(scope, receive, send)


def install(app: FastAPI, max_body_bytes: int | None = None, exempt: tuple[str, ...] = ()) -> None:
    """``exempt``: paths that enforce their own body limit (streamed uploads)."""
    if max_body_bytes:
        app.add_middleware(BodyLimit, limit=max_body_bytes, exempt=exempt)

    @app.exception_handler(ApiProblem)
    async def api_problem(request: Request, exc: ApiProblem):
        return error_response(request, exc.status, exc.detail, headers=exc.headers, fhir_code=exc.fhir_code,
                              type=exc.type, title=exc.title, **exc.extensions)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else None
        if exc.status_code == 404 and detail in (None, "Not Found"):
            detail = f"no route {request.url.path}; see /docs for the API" + \
                     (" and /fhir/metadata for the FHIR operations" if _is_fhir(request) else "")
        elif exc.status_code == 405 and detail in (None, "Method Not Allowed"):
            allow = (exc.headers or {}).get("Allow") or (exc.headers or {}).get("allow")
            detail = f"{request.method} is not allowed on {request.url.path}" + (f"; use {allow}" if allow else "")
        elif exc.status_code == 413:
            detail = "the request body is larger than this server accepts (serve.max_body_bytes)"
        return error_response(request, exc.status_code, detail or _phrase(exc.status_code),
                              headers=dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        errors = field_errors(exc, request)
        detail = validation_detail(errors)
        if _is_fhir(request):
            return outcome_response(400, detail, "invalid")
        return problem_response(422, detail, type="invalid-request", instance=request.url.path, errors=errors)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        # the message of an engine error may quote input: name the type only
        return error_response(request, 500, f"internal error ({type(exc).__name__}); the server log has the "
                                            "request id", fhir_code="exception")

    base_openapi = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        spec = base_openapi()
        problem_openapi(spec)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def problem_openapi(spec: dict) -> None:
    """Every 4xx/5xx response of every /v1 route: ``application/problem+json`` with the Problem schema;
    FastAPI's default 422 ``HTTPValidationError`` is gone. /fhir routes answer OperationOutcome."""
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in schemas["Problem"].pop("$defs", {}).items():
        schemas.setdefault(name, sub)
    outcome = {"type": "object", "description": "FHIR R4 OperationOutcome",
               "properties": {"resourceType": {"const": "OperationOutcome"}, "issue": {"type": "array"}}}
    schemas["OperationOutcome"] = outcome
    for path, ops in spec.get("paths", {}).items():
        fhir = path.startswith(FHIR_PREFIX)
        for op in ops.values():
            if fhir and "200" in op.get("responses", {}):
                op["responses"]["200"]["content"] = {FHIR_JSON: {"schema": {"type": "object", "description":
                                                                            "a FHIR R4 resource"}}}
            for code, resp in list(op.get("responses", {}).items()):
                if not str(code)[0] in "45":
                    continue
                media, ref = ((FHIR_JSON, "OperationOutcome") if fhir else (PROBLEM_JSON, "Problem"))
                resp["content"] = {media: {"schema": {"$ref": f"#/components/schemas/{ref}"}}}
                resp.setdefault("description", _phrase(int(code)))
                if int(code) == 503:
                    resp["headers"] = {"Retry-After": {"description": "seconds to wait before retrying",
                                                       "schema": {"type": "integer"}}}
    for name in ("HTTPValidationError", "ValidationError"):
        if not any(f"/{name}\"" in str(v) for v in spec.get("paths", {}).values()):
            schemas.pop(name, None)


def responses(*codes: int, fhir: bool = False) -> dict:
    """The ``responses=`` of a route: each error status documented (the schema is set by ``problem_openapi``)."""
    what = {400: "invalid parameters", 401: "missing or wrong bearer token", 404: "not found",
            405: "method not allowed", 409: "not possible in the resource's current state",
            413: "request body too large", 415: "unsupported file type", 422: "invalid request (each field named)",
            429: "too many jobs at once: retry after Retry-After seconds",
            501: "not implemented", 503: "not ready or at capacity: retry after Retry-After seconds"}
    return {c: {"description": what.get(c, _phrase(c)), "model": Problem} for c in codes}
