"""The mapping memory: approved decisions applied before matching, on the one batch path.

``batch.driver.Mapper(memory=...)`` asks ``lookup`` for each batch's distinct queries before anything
is matched: an item with a usable decision maps straight to it (flag ``reviewed``, confidence 1.0, the
reviewer and time in ``reviewed_by`` / ``reviewed_at``; "not in catalog" maps to no code, flag
``not_in_catalog``). A decision whose code is gone from the index's catalog is not used: the query is
matched as usual and flagged ``reviewed_code_retired``, so it goes back to the review queue.

``harmonize map --memory DB``, the Serve ingress and the upload jobs all build one through ``open_memory``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ray_app.batch.prepare import prepare
from ray_app.config import Config
from ray_app.result import Candidate, MatchResult, Signals
from ray_app.review.db import Decision, ReviewDB

REVIEWED, RETIRED, NOT_IN_CATALOG = "reviewed", "reviewed_code_retired", "not_in_catalog"


@dataclass(frozen=True)
class Concept:
    system: str
    code: str
    description: str  # the preferred display: the code's first row in the index's catalog table
    sty: str
    tty: str


class CatalogCodes:
    """Code -> display/STY/TTY from an index's catalog tables (``INDEX_DIR/<SYSTEM>/catalog.parquet``),
    read with a filter on the codes asked for: no vectors, no FAISS, nothing held beyond the answers."""

    def __init__(self, index_dir: str | Path):
        self.root = Path(index_dir)
        self._known: dict[tuple[str, str], Concept | None] = {}

    def get_many(self, pairs) -> dict[tuple[str, str], Concept | None]:
        want: dict[str, set[str]] = {}
        for system, code in pairs:
            if (system, code) not in self._known:
                want.setdefault(system, set()).add(code)
        for system, codes in want.items():
            path = self.root / system / "catalog.parquet"
            found: dict[str, Concept] = {}
            if path.exists():
                t = pq.read_table(path, columns=["CODE", "STR", "STY", "TTY"])
                t = t.filter(pc.is_in(t.column("CODE"), value_set=pa.array(sorted(codes), pa.large_string())))
                for code, s, sty, tty in zip(*(t.column(n).to_pylist() for n in ("CODE", "STR", "STY", "TTY"))):
                    found.setdefault(code, Concept(system, code, s, sty or "", tty or ""))
            for code in codes:
                self._known[(system, code)] = found.get(code)
        return {p: self._known[p] for p in pairs}

    def get(self, system: str, code: str) -> Concept | None:
        return self.get_many([(system, code)])[(system, code)]


def decision_result(d: Decision, system: str, concept: Concept | None) -> MatchResult:
    """A decision as the row's result: the chosen code (its current catalog name), or no code."""
    who = {"reviewed_by": d.reviewer, "reviewed_at": d.decided_at}
    if d.status == "not_in_catalog" or concept is None:
        return MatchResult(system=system, confidence=1.0, flags=[REVIEWED, NOT_IN_CATALOG], **who)
    cand = Candidate(rank=1, system=concept.system, code=concept.code, description=concept.description,
                     sty=concept.sty, tty=concept.tty, score=1.0, signals=Signals(), matched=d.source_text,
                     via=["review"])
    return MatchResult(system=concept.system, code=concept.code, description=concept.description, sty=concept.sty,
                       tty=concept.tty, confidence=1.0, flags=[REVIEWED], candidates=[cand], **who)


class MappingMemory:
    """``lookup(queries) -> ({key: result}, retired keys)`` over a decision database. ``snapshot``: read
    every decision once (a file job: one consistent set for the whole run); else ask the database on
    every call (Serve: a decision counts from the next request on)."""

    def __init__(self, db: ReviewDB, codes: CatalogCodes, snapshot: bool = False):
        self.db, self.codes = db, codes
        self._all = {d.key: d for d in db.all(("approved", "not_in_catalog"))} if snapshot else None
        self.used = self.retired = 0

    def decisions(self, keys: list[str]) -> dict[str, Decision]:
        if self._all is not None:
            return {k: self._all[k] for k in keys if k in self._all}
        return {k: d for k, d in self.db.get_many(keys).items() if d.applies}

    def lookup(self, queries: list) -> tuple[dict[str, MatchResult], set[str]]:
        found = self.decisions([q.key for q in queries])
        if not found:
            return {}, set()
        concepts = self.codes.get_many([(d.system, d.code) for d in found.values() if d.status == "approved"])
        results: dict[str, MatchResult] = {}
        retired: set[str] = set()
        for q in queries:
            d = found.get(q.key)
            if d is None or q.key in results or q.key in retired:
                continue
            concept = concepts.get((d.system, d.code)) if d.status == "approved" else None
            if d.status == "approved" and (concept is None or d.system != q.system):
                retired.add(q.key)
                continue
            results[q.key] = decision_result(d, q.system, concept)
        self.used += len(results)
        self.retired += len(retired)
        return results, retired


def item_key(text, entity_type, config: Config) -> tuple[str, str, str] | None:
    """(key, canonical entity type, system) of one item, exactly as the batch path dedupes it; None when the
    text is empty or the type unknown (such a row is never matched, so it is never reviewed)."""
    p = prepare([text], [entity_type], config)
    if not p.queries:
        return None
    q = p.queries[0]
    return q.key, q.entity_type, q.system


def memory_url(target: str | None, config: Config) -> str:
    """``--memory DB`` (a path or URL), else ``review.db_url``, else the SQLite file in ``review.work_dir``."""
    if target:
        return target
    if config.review.db_url:
        return config.review.db_url
    return str(Path(config.review.work_dir).resolve() / "decisions.sqlite")


def open_memory(target: str | None, index_dir: str | Path, config: Config, snapshot: bool = True) -> MappingMemory:
    return MappingMemory(ReviewDB(memory_url(target, config)), CatalogCodes(index_dir), snapshot=snapshot)
