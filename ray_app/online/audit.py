"""Audit trail for review workflows: one JSON line per API request, without the clinical text itself.

Each line holds the request id, a SHA-256 of every input text (to match a reviewed case to its request
without storing it), the entity types, the returned candidates and the timings.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class AuditLog:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def record(self, request_id: str, endpoint: str, pairs: list[tuple[str, str]], results: list[dict],
               timings_ms: dict[str, float], **extra) -> dict:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "request_id": request_id, "endpoint": endpoint,
            "items": [{"text_sha256": text_hash(text), "entity_type": etype, "system": r["system"],
                       "code": r["code"], "confidence": r["confidence"], "flags": r["flags"],
                       "candidates": [{"code": c["code"], "score": c["score"], "signals": c["signals"]}
                                      for c in r["candidates"]]}
                      for (text, etype), r in zip(pairs, results)],
            "timings_ms": timings_ms, **extra,
        }
        line = json.dumps(entry, ensure_ascii=False)
        with self._lock, open(self.path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        return entry
