"""Backends: where the batch path's distinct queries are matched.

A backend has ``submit(queries) -> handle`` (non-blocking where it can be), ``collect(handle, on_wait)
-> list[MatchResult]`` (in query order) and ``close()``. ``LocalBackend`` is the in-process Matcher;
``actors.pool.RayBackend`` runs the same Matcher in IndexReplica actors behind embedding actors, in the
same chunks, so both give the same results.
"""
from __future__ import annotations

from typing import Callable

from ray_app.result import MatchResult


class LocalBackend:
    def __init__(self, matcher, chunk: int):
        self.matcher, self.chunk = matcher, max(1, chunk)

    def submit(self, queries: list):
        return queries

    def collect(self, queries: list, on_wait: Callable[[int, int], None] | None = None) -> list[MatchResult]:
        out: list[MatchResult] = []
        for s in range(0, len(queries), self.chunk):
            out.extend(self.matcher.match_batch(queries[s:s + self.chunk]))
            if on_wait:
                on_wait(len(out), len(queries))
        return out

    def close(self) -> None:
        pass
