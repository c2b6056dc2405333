"""Enrichment runs. ``enrich_batch``: one batch of codes -> one record per code, in order, never raising
(the same function in ``--local`` runs and in the Ray Data clients of ``jobs.enrich_catalog``).
``run_enrich``: the resumable driver: skip the codes ENRICH_DIR already has, send the rest through an
enrichment stream, append the records as shards, report progress with an ETA.
"""
from __future__ import annotations

import json
import time
from typing import Callable, Iterable

import pandas as pd

from ray_app.config import Config
from ray_app.enrich.parse import parse_enrichment
from ray_app.enrich.prompts import ENRICH_PROMPT_VERSION, enrich_messages
from ray_app.enrich.schema import enrich_schema
from ray_app.enrich.store import OK, EnrichStore, FIELDS
from ray_app.llm.client import Request, failed
from ray_app.llm.parse import LLMOutputError

# An enrichment engine: given the codes to enrich (codes.COLUMNS), yields record frames in any order.
EnrichStream = Callable[[pd.DataFrame], Iterable[pd.DataFrame]]


class RateLimit:
    """At most ``per_s`` requests a second from this process, on average (0 = no limit)."""

    def __init__(self, per_s: float):
        self.per_s, self.next = float(per_s), time.monotonic()

    def wait(self, n: int) -> None:
        if self.per_s <= 0 or n <= 0:
            return
        now = time.monotonic()
        start = max(now, self.next)
        if start > now:
            time.sleep(start - now)
        self.next = start + n / self.per_s


def _fingerprint(client) -> str:
    try:
        return str(client.fingerprint())
    except Exception as exc:  # an endpoint that cannot name its model: its requests fail below anyway
        return f"unknown ({type(exc).__name__})"


def enrich_batch(client, codes: pd.DataFrame, config: Config, limiter: RateLimit | None = None) -> pd.DataFrame:
    """One record per row of ``codes``: ok with the parsed answer, or failed / timeout with the reason."""
    c = config.enrich
    rows = codes.to_dict("records")
    reqs = [Request("enrich", enrich_messages(r["system"], r["code"], r["name"], list(r["names"]), r["sty"],
                                              r["family"], c.max_keywords),
                    enrich_schema(r["family"], c.max_keywords), c.max_tokens) for r in rows]
    if limiter is not None:
        limiter.wait(len(reqs))
    t0 = time.perf_counter()
    try:
        replies = client.generate(reqs) if reqs else []
    except Exception as exc:  # clients are total; a broken one still must not lose the batch's codes
        replies = failed(len(reqs), "failed", f"{type(exc).__name__}: {exc}")
    if len(replies) != len(reqs):
        replies = failed(len(reqs), "failed", "client returned a wrong number of replies")
    per = (time.perf_counter() - t0) / max(1, len(reqs))
    model, now = _fingerprint(client), time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    out = []
    for r, rep in zip(rows, replies):
        rec = {"system": r["system"], "code": r["code"], "status": OK, "error": "", "description": "",
               "keywords": [], "facets": "{}", "family": r["family"], "model": model,
               "prompt_version": ENRICH_PROMPT_VERSION, "prompt_tokens": rep.prompt_tokens,
               "completion_tokens": rep.completion_tokens, "seconds": per, "run": "", "created": now}
        try:
            if rep.error:
                raise LLMOutputError(rep.detail or rep.error)
            e = parse_enrichment(rep.text, r["family"], c.max_keywords, [r["name"], *r["names"]])
            rec.update(description=e.description, keywords=e.keywords, facets=json.dumps(e.facets, sort_keys=True))
        except LLMOutputError as exc:
            rec.update(status=rep.error or "failed", error=str(exc)[:300])
        out.append(rec)
    return pd.DataFrame(out, columns=FIELDS)


def local_stream(client, config: Config) -> EnrichStream:
    """This process's client (``--local``): batches of ``enrich.batch_size`` codes, one after another."""
    limiter = RateLimit(config.enrich.max_requests_per_s)

    def stream(todo: pd.DataFrame):
        step = max(1, int(config.enrich.batch_size))
        for s in range(0, len(todo), step):
            yield enrich_batch(client, todo.iloc[s:s + step], config, limiter)
    return stream


def plan(codes: pd.DataFrame, store: EnrichStore, limit: int | None = None) -> tuple[pd.DataFrame, dict]:
    """The codes still to enrich (catalog order; the first ``limit`` of them) and what was skipped."""
    latest = store.latest()
    done = store.done_keys(latest)
    failed_before = set(zip(latest["system"], latest["code"])) - done
    keys = list(zip(codes["system"], codes["code"]))
    todo = codes[[k not in done for k in keys]]
    stats = {"codes": len(codes), "skipped": len(codes) - len(todo),
             "retried": sum(k in failed_before for k in zip(todo["system"], todo["code"]))}
    if limit is not None and limit >= 0:
        todo = todo.head(limit)
    return todo.reset_index(drop=True), stats


def run_enrich(codes: pd.DataFrame, store: EnrichStore, config: Config, stream: EnrichStream,
               limit: int | None = None, log: Callable[[str], None] = print) -> dict:
    from ray_app.batch.progress import Progress, want_bar

    todo, stats = plan(codes, store, limit)
    log(f"[enrich] {stats['codes']:,} codes; {stats['skipped']:,} already enriched; asking {len(todo):,}"
        + (f" ({stats['retried']:,} failed before)" if stats["retried"] else "") + f" -> {store.root}")
    counts = {"ok": 0, "failed": 0, "timeout": 0}
    tokens = {"prompt_tokens": 0, "completion_tokens": 0}
    t0, buffer, shards = time.perf_counter(), [], []
    progress = Progress(len(todo), lambda: None, config.ray.progress_seconds, log, bar=want_bar(config.ray.progress_bar),
                        label="enrich", unit="codes")
    last = time.monotonic()

    def flush() -> None:
        nonlocal last
        if not buffer:
            return
        part = pd.concat(buffer, ignore_index=True).assign(run=store.run)
        buffer.clear()
        last = time.monotonic()
        path = store.write(part)
        shards.append(path.name)
        log(f"[enrich] shard {path.name}: {len(part):,} records")

    done = 0
    batches = stream(todo) if len(todo) else iter(())
    try:
        for records in batches:
            buffer.append(records)
            done += len(records)
            for status, n in records["status"].value_counts().items():
                counts[status] = counts.get(status, 0) + int(n)
            for k in tokens:
                tokens[k] += int(records[k].sum())
            if sum(map(len, buffer)) >= config.enrich.shard_rows or time.monotonic() - last >= config.enrich.flush_s:
                flush()
            progress.update(done, note=f"{counts['ok']:,} ok, {done - counts['ok']:,} failed")
    finally:  # an interrupted run keeps every answer it already has, and stops its stream (Ray Data, engines)
        flush()
        progress.close()
        getattr(batches, "close", lambda: None)()
    secs = time.perf_counter() - t0
    answered = max(1, done)
    out = {**stats, "asked": len(todo), "recorded": done, **counts, **tokens, "seconds": round(secs, 2),
           "codes_per_s": round(done / secs, 3) if secs > 0 and done else None,
           "prompt_tokens_per_code": round(tokens["prompt_tokens"] / answered, 1),
           "completion_tokens_per_code": round(tokens["completion_tokens"] / answered, 1), "shards": shards}
    log(f"[enrich] {done:,} codes in {secs:.1f}s: {counts['ok']:,} ok, {done - counts['ok']:,} failed "
        f"(asked again next run); {out['prompt_tokens_per_code']:.0f} prompt + "
        f"{out['completion_tokens_per_code']:.0f} completion tokens per code")
    return out


def sample(latest: pd.DataFrame, k: int, seed: int = 0) -> pd.DataFrame:
    ok = latest[latest["status"] == OK]
    return ok.sample(n=min(k, len(ok)), random_state=seed) if len(ok) else ok
