"""Results of every distinct query matched so far, on disk: cross-block dedupe with bounded memory.

Keyed by prepare's dedupe key; values are typed results as JSON (``result.to_json``), already cut to the
candidates the output writes, so a feed with millions of distinct entities costs disk, not memory.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from ray_app.result import MatchResult, from_json, to_json


class ResultCache:
    def __init__(self, directory: str | None = None):
        fd, self.path = tempfile.mkstemp(prefix="results.sqlite.", dir=directory)
        os.close(fd)
        self.db = sqlite3.connect(self.path, check_same_thread=False)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;"
                              "CREATE TABLE r (k TEXT PRIMARY KEY, result TEXT);")
        self.count = 0

    def get_many(self, keys: list[str]) -> dict[str, MatchResult]:
        found: dict[str, MatchResult] = {}
        for s in range(0, len(keys), 500):
            part = keys[s:s + 500]
            for k, text in self.db.execute(f"SELECT k, result FROM r WHERE k IN ({','.join('?' * len(part))})", part):
                found[k] = from_json(text)
        return found

    def put_json(self, rows: list[tuple[str, str]]) -> None:
        """(key, result JSON) pairs, as the block cache files store them."""
        self.db.executemany("INSERT OR REPLACE INTO r VALUES (?, ?)", rows)
        self.db.commit()
        self.count += len(rows)

    def put(self, keys: list[str], results: list[MatchResult]) -> list[tuple[str, str]]:
        rows = [(k, to_json(r)) for k, r in zip(keys, results)]
        self.put_json(rows)
        return rows

    def close(self) -> None:
        self.db.close()
        Path(self.path).unlink(missing_ok=True)


class QueryLRU:
    """The online path's memory of recent answers: the last ``size`` distinct queries' results, keyed by
    prepare's dedupe key (normalized text + entity type) under a config fingerprint, so a repeated question
    costs no embedding and no matching. Results are immutable values, shared between the requests that
    ask the same thing; per-request re-ranking happens after, on the returned shortlist."""

    def __init__(self, size: int, fingerprint: str = ""):
        self.size, self.fingerprint = max(0, int(size)), fingerprint
        self._d: OrderedDict[str, MatchResult] = OrderedDict()
        self._lock = threading.Lock()  # the ingress maps requests concurrently
        self.hits = self.misses = 0

    def _k(self, key: str) -> str:
        return f"{self.fingerprint}\x1e{key}"

    def get_many(self, keys: list[str]) -> dict[str, MatchResult]:
        out = {}
        with self._lock:
            for k in keys:
                r = self._d.get(self._k(k))
                if r is not None:
                    self._d.move_to_end(self._k(k))
                    out[k] = r
            self.hits += len(out)
            self.misses += len(keys) - len(out)
        return out

    def clear(self) -> None:
        """Forget every answer (the index changed: a remembered answer may name a retired code)."""
        with self._lock:
            self._d.clear()

    def put(self, keys: list[str], results: list[MatchResult]) -> None:
        if not self.size:
            return
        with self._lock:
            for k, r in zip(keys, results):
                self._d[self._k(k)] = r
                self._d.move_to_end(self._k(k))
            while len(self._d) > self.size:
                self._d.popitem(last=False)
