"""The review loop over HTTP (no Ray here): upload -> mapping job -> review queue -> decisions -> exports.

    POST /v1/review/jobs?filename=&text_column=&type_column=   the file as the body -> 202, the job
    GET  /v1/review/jobs                                       every job, newest first (survives a restart)
    GET  /v1/review/jobs/{id}                                  status, rows done, rows/s, ETA
    GET  /v1/review/jobs/{id}/download?format=xlsx|csv         the mapped file
    POST /v1/review/jobs/{id}/remap                            a new job over the same upload, decisions applied
    GET  /v1/review/jobs/{id}/queue?offset=&limit=             items (flagged first) with their decisions
    POST /v1/review/jobs/{id}/items/{item}/decision            accept | choose (rank or code) | not_in_catalog | comment
    GET  /v1/review/export?format=csv|conceptmap               every decision: CSV, or a FHIR R4 ConceptMap
    GET  /v1/review/stats                                      the decision database's counts

Every route takes the app's bearer token. ``Review`` holds the job manager, the decision database and the
catalog's codes; the Serve ingress builds it (``actors/serve_app.py``) with its deployments as the backend.
"""
from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ray_app.config import Config
from ray_app.online import concepts, uploads
from ray_app.online.fhir import _bad, one
from ray_app.online.problems import FHIR_JSON, ApiProblem, responses
from ray_app.review.db import COMMENT_ONLY, Decision, ReviewDB
from ray_app.review.export import SOURCE_URI, concept_map, decisions_csv
from ray_app.review.jobs import JobLimit, JobManager
from ray_app.review.memory import CatalogCodes, MappingMemory, item_key

UPLOAD_PATH = "/v1/review/jobs"


class Review:
    """What the review routes work on: jobs, decisions, the catalog's codes."""

    def __init__(self, jobs: JobManager, db: ReviewDB, codes: CatalogCodes, catalog_fingerprint: str, config: Config):
        self.jobs, self.db, self.codes, self.fingerprint, self.config = jobs, db, codes, catalog_fingerprint, config

    def memory(self, snapshot: bool) -> MappingMemory:
        return MappingMemory(self.db, self.codes, snapshot=snapshot)


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["accept", "choose", "not_in_catalog", "comment"] = Field(
        description="accept the top candidate, choose another (rank) or any catalog code (code), mark the item "
                    "not in the catalog, or add a comment only")
    reviewer: str = Field(min_length=1, max_length=128, description="who decides (recorded with the decision)")
    rank: int | None = Field(None, ge=1, le=50, description="choose: the candidate's rank (1 = top)")
    code: str | None = Field(None, min_length=1, max_length=64, description="choose: a catalog code (e.g. from "
                                                                           "GET /v1/search) in the item's system")
    comment: str = Field("", max_length=2000)


def _problem(exc: uploads.UploadProblem) -> ApiProblem:
    return ApiProblem(exc.status, exc.detail, type=exc.kind, **exc.extra)


def build_router(review: Review, config: Config, authorize) -> APIRouter:
    r = APIRouter(prefix="/v1/review", tags=["review"], dependencies=[Depends(authorize)])
    jobs, cfg = review.jobs, config.review

    def job_or_404(job_id: str) -> dict:
        job = jobs.get(job_id)
        if job is None:
            raise ApiProblem(404, f"no job {job_id!r}; GET /v1/review/jobs lists them", type="unknown-job")
        return job

    def done_or_409(job_id: str) -> dict:
        job = job_or_404(job_id)
        if job["status"] != "done":
            raise ApiProblem(409, f"job {job_id} is {job['status']}; its results exist once it is done",
                             type="job-not-done", job_status=job["status"])
        return job

    @r.post("/jobs", status_code=202, summary="Upload a csv/tsv/xlsx/parquet file (the request body) and map it",
            responses=responses(401, 404, 413, 415, 422, 429))
    async def upload(request: Request, filename: str = Query(..., max_length=255, description="the file's name"),
                     text_column: str | None = Query(None, max_length=255, description="default 'Input Entity Description'"),
                     type_column: str | None = Query(None, max_length=255, description="default 'Entity Type'")):
        try:
            jobs.check_capacity()
        except JobLimit as exc:
            raise ApiProblem(429, str(exc), type="job-limit", headers={"Retry-After": "10"}) from None
        try:
            ext = uploads.check_name(filename)
            length = request.headers.get("content-length")
            if length and length.isdigit() and int(length) > cfg.upload_max_bytes:
                raise uploads.UploadProblem(413, "upload-too-large", f"the file is {int(length):,} bytes; at most "
                                                                     f"{cfg.upload_max_bytes:,} are accepted "
                                                                     "(review.upload_max_bytes)")
        except uploads.UploadProblem as exc:
            raise _problem(exc) from None
        job_id, folder = jobs.new_folder()
        try:
            dest = folder / f"input{ext}"
            await uploads.receive(request.stream(), dest, cfg.upload_max_bytes)
            await asyncio.to_thread(uploads.check_content, dest, ext, cfg)
            info = await asyncio.to_thread(uploads.check_table, dest, text_column, type_column)
            info.pop("preview", None)
            return jobs.start(job_id, folder, filename, dest, info)
        except uploads.UploadProblem as exc:
            jobs.discard(folder)
            raise _problem(exc) from None
        except JobLimit as exc:
            jobs.discard(folder)
            raise ApiProblem(429, str(exc), type="job-limit", headers={"Retry-After": "10"}) from None
        except BaseException:
            jobs.discard(folder)
            raise

    @r.get("/jobs", summary="Every job, newest first, with its progress", responses=responses(401))
    async def list_jobs():
        return {"jobs": jobs.list(), "max_jobs": cfg.max_jobs, "upload_max_bytes": cfg.upload_max_bytes}

    @r.get("/jobs/{job_id}", summary="One job: status, rows done, rows/s, ETA", responses=responses(401, 404))
    async def get_job(job_id: str):
        return job_or_404(job_id)

    @r.get("/jobs/{job_id}/download", summary="The mapped file as xlsx (text cells) or csv",
           responses=responses(401, 404, 409), response_class=FileResponse)
    async def download(job_id: str, format: Literal["xlsx", "csv"] = "xlsx"):
        job = done_or_409(job_id)
        path = await asyncio.to_thread(jobs.download, job_id, format)
        stem = job["filename"].rsplit(".", 1)[0] or "mapped"
        media = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if format == "xlsx"
                 else "text/csv; charset=utf-8")
        return FileResponse(path, media_type=media, filename=f"{stem}_mapped.{format}")

    @r.post("/jobs/{job_id}/remap", status_code=202, summary="Map the same upload again with every decision "
                                                             "applied (the reviewed file)",
            responses=responses(401, 404, 429))
    async def remap(job_id: str):
        job_or_404(job_id)
        try:
            return jobs.remap(job_id)
        except JobLimit as exc:
            raise ApiProblem(429, str(exc), type="job-limit", headers={"Retry-After": "10"}) from None

    @r.get("/jobs/{job_id}/queue", summary="Review items (one per distinct text + entity type), flagged first, "
                                           "with each item's decision", responses=responses(401, 404, 409))
    async def queue(job_id: str, offset: int = Query(0, ge=0), limit: int = Query(50, ge=1, le=500)):
        done_or_409(job_id)
        items = jobs.queue(job_id)
        decided = await asyncio.to_thread(review.db.get_many, [i["key"] for i in items])
        page = [{**i, "decision": _decision_dict(decided.get(i["key"]))} for i in items[offset:offset + limit]]
        settled = [i for i in items if i["key"] in decided and decided[i["key"]].applies]
        flagged = [i for i in items if _flagged(i)]
        return {"job": job_id, "total": len(items), "offset": offset, "items": page,
                "summary": {"items": len(items), "decided": len(settled), "rows": sum(i["rows"] for i in items),
                            "rows_decided": sum(i["rows"] for i in settled), "flagged": len(flagged),
                            "flagged_decided": sum(1 for i in flagged if i["key"] in decided
                                                   and decided[i["key"]].applies)}}

    @r.post("/jobs/{job_id}/items/{item_id}/decision", summary="Decide one item: every row it stands for",
            responses=responses(401, 404, 409, 422))
    async def decide(job_id: str, item_id: int, req: DecisionRequest):
        done_or_409(job_id)
        items = jobs.queue(job_id)
        if not 0 <= item_id < len(items):
            raise ApiProblem(404, f"job {job_id} has items 0..{len(items) - 1}", type="unknown-item")
        item = items[item_id]
        d = Decision(item["key"], item["text"], item["entity_type"], "approved", system=item["system"],
                     catalog_fingerprint=review.fingerprint, reviewer=req.reviewer.strip(), comment=req.comment,
                     origin="ui")
        if req.action == "accept":
            if not item["code"]:
                raise ApiProblem(422, "this item has no candidate to accept; choose a code or mark it not in the "
                                      "catalog", type="nothing-to-accept")
            d.code = item["code"]
        elif req.action == "choose":
            if (req.rank is None) == (req.code is None):
                raise ApiProblem(422, "choose needs exactly one of rank (a candidate) or code (a catalog code)",
                                 type="invalid-decision", errors=[{"field": "rank", "message": "rank or code"}])
            if req.rank is not None:
                if req.rank > len(item["candidates"]):
                    raise ApiProblem(422, f"this item has {len(item['candidates'])} candidate(s)", type="invalid-decision",
                                     errors=[{"field": "rank", "message": "no such candidate"}])
                d.code = item["candidates"][req.rank - 1]["code"]
            else:
                d.code = req.code.strip()
        elif req.action == "not_in_catalog":
            d.status = "not_in_catalog"
        else:
            d.status = COMMENT_ONLY
        if d.status == "approved":
            concept = await asyncio.to_thread(review.codes.get, item["system"], d.code)
            if concept is None:
                raise ApiProblem(422, f"code {d.code!r} is not in this server's {item['system']} catalog",
                                 type="unknown-code", errors=[{"field": "code", "message": "not in the catalog"}])
            d.description = concept.description
        stored = await asyncio.to_thread(review.db.decide, d)
        return {"item": item_id, "decision": _decision_dict(stored)}

    @r.get("/export", summary="Every decision: CSV, or a FHIR R4 ConceptMap (validated with fhir.resources)",
           responses=responses(401, 422))
    async def export(request: Request, format: Literal["csv", "conceptmap"] = "csv"):
        decisions = await asyncio.to_thread(lambda: list(review.db.all()))
        if format == "csv":
            return Response(decisions_csv(decisions), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="decisions.csv"'})
        base = str(request.base_url).rstrip("/") + request.scope.get("root_path", "").rstrip("/")
        return JSONResponse(concept_map(decisions, base_url=base), media_type=FHIR_JSON,
                            headers={"Content-Disposition": 'attachment; filename="conceptmap.json"'})

    @r.get("/stats", summary="The decision database: items per status, entity type and reviewer",
           responses=responses(401))
    async def stats():
        return await asyncio.to_thread(review.db.stats)

    return r


def _flagged(item: dict) -> bool:
    from ray_app.review.queue import SETTLED

    return bool(set(item["flags"]) - SETTLED)


def _decision_dict(d: Decision | None) -> dict | None:
    if d is None:
        return None
    return {k: getattr(d, k) for k in ("status", "system", "code", "description", "reviewer", "decided_at", "comment")}


async def translate(review: Review, params: dict) -> dict:
    """``ConceptMap/$translate`` over the reviewed decisions: ``system`` = ``urn:harmonize:source-text:<type>``,
    ``code`` = the local text (or ``coding``); a decision whose code left the catalog is not a match."""
    coding = one(params, "coding")
    system = one(params, "system") or (coding.get("system") if isinstance(coding, dict) else None)
    code = one(params, "code") or (coding.get("code") if isinstance(coding, dict) else None)
    if str(one(params, "reverse") or "false").lower() == "true":
        raise _bad("reverse translation (standard code -> local texts) is not supported", "not-supported")
    if not system or not code:
        raise _bad(f"parameters 'system' ({SOURCE_URI}<entity type>) and 'code' (the local text) are required")
    system, code = str(system), str(code)
    etype = concepts.entity_type_or_none(system[len(SOURCE_URI):]) if system.startswith(SOURCE_URI) else None
    if etype is None:
        raise ApiProblem(404, f"source system {system!r} is not known here; use {SOURCE_URI}<medicine|diagnosis|"
                              "procedure|lab> (the local texts of one entity type)", fhir_code="not-found")
    found = item_key(code, etype, review.config)
    decision = (await asyncio.to_thread(review.db.get_many, [found[0]])).get(found[0]) if found else None
    target_uri = concepts.SYSTEM_URI[concepts.entity_types()[etype]]
    wanted = one(params, "targetsystem") or one(params, "targetSystem")
    if decision is None or not decision.applies:
        return _translation(False, f"no reviewed mapping for {code!r} ({etype})")
    if wanted and str(wanted) != target_uri:
        return _translation(False, f"{etype} texts map to {target_uri}, not {wanted}")
    who = f"reviewed by {decision.reviewer} at {decision.decided_at}"
    if decision.status == "not_in_catalog":
        return _translation(False, f"{code!r} ({etype}) was reviewed as not in the catalog ({who})",
                            [{"name": "match", "part": [{"name": "equivalence", "valueCode": "unmatched"},
                                                        {"name": "source", "valueUri": system}]}])
    concept = await asyncio.to_thread(review.codes.get, decision.system, decision.code)
    if concept is None:
        return _translation(False, f"the reviewed code {decision.code} is no longer in this server's catalog "
                                   "(reviewed_code_retired); the item needs a new review")
    return _translation(True, who, [{"name": "match", "part": [
        {"name": "equivalence", "valueCode": "equivalent"},
        {"name": "concept", "valueCoding": {"system": target_uri, "code": concept.code,
                                            "display": concept.description}},
        {"name": "source", "valueUri": system}]}])


def _translation(result: bool, message: str, matches: list | None = None) -> dict:
    return {"resourceType": "Parameters", "parameter": [{"name": "result", "valueBoolean": result},
                                                        {"name": "message", "valueString": message},
                                                        *(matches or [])]}


def create_review(index_dir: str, config: Config, backend, expander, index_meta: dict) -> Review:
    """The review service of an app: work dir, decision database (``review.db_url`` or SQLite in the work dir)."""
    from ray_app.review.memory import memory_url

    db = ReviewDB(memory_url(None, config))
    codes = CatalogCodes(index_dir)
    review = Review(None, db, codes, index_meta["catalog"]["fingerprint"], config)  # type: ignore[arg-type]
    review.jobs = JobManager(config.review.work_dir, config, backend, expander, index_meta,
                             memory_factory=(lambda: review.memory(snapshot=True)) if config.review.memory else None)
    return review

