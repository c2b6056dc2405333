"""The LLM answer cache: (normalized text, entity type, model fingerprint, prompt version[, shortlist]) ->
the parsed answer, in one SQLite file, so expansions and decisions survive runs and resumes.

Only valid answers are stored; a failure or a timeout is retried on the next run.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from pathlib import Path


def cache_key(kind: str, text: str, entity_type: str, model_fp: str, prompt_version: str, extra: str = "") -> str:
    raw = "\x1f".join([kind, text, entity_type, model_fp, prompt_version, extra])
    return hashlib.sha256(raw.encode()).hexdigest()


class LLMCache:
    def __init__(self, path: str | Path | None):
        self.path = Path(path) if path else None
        self._mem: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._db = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS answers (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
            self._db.commit()

    def get_many(self, keys: list[str]) -> dict[str, dict]:
        out = {k: self._mem[k] for k in keys if k in self._mem}
        todo = [k for k in keys if k not in out]
        if self._db is not None and todo:
            with self._lock:
                for s in range(0, len(todo), 500):
                    part = todo[s:s + 500]
                    q = f"SELECT k, v FROM answers WHERE k IN ({','.join('?' * len(part))})"
                    for k, v in self._db.execute(q, part):
                        out[k] = self._mem[k] = json.loads(v)
        return out

    def put_many(self, items: dict[str, dict]) -> None:
        if not items:
            return
        self._mem.update(items)
        if self._db is not None:
            with self._lock:
                self._db.executemany("INSERT OR REPLACE INTO answers (k, v) VALUES (?, ?)",
                                     [(k, json.dumps(v)) for k, v in items.items()])
                self._db.commit()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
