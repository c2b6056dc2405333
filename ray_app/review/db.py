"""The decision database: one current decision per review item, every write kept in the history.

SQLAlchemy Core over any URL; SQLite (a file in ``review.work_dir``) by default, so nothing needs
installing, and ``postgresql://...`` for a team. Tables:

    harmonize_schema    one row: the schema version this database was created with
    decisions           the current decision per item key (last write wins, by decision time)
    decision_history    every decision ever written, append-only (who, when, what, comment)

An item is one distinct (source text, entity type); its key is the batch path's dedupe key
(``batch.prepare.query_key``), so a decision settles every row that normalizes to it, in any file.
A database whose schema version differs from ``SCHEMA_VERSION`` is refused with a message that says
which side is newer, never read or rewritten.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from typing import Iterable, Iterator

from sqlalchemy import (Column, Integer, MetaData, String, Table, Text, create_engine, event, func, inspect, select,
                        update)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

SCHEMA_VERSION = 1
STATUSES = ("approved", "not_in_catalog")  # what the mapping memory applies
COMMENT_ONLY = "commented"  # a comment on an item not decided yet: kept, never applied

metadata = MetaData()
schema_info = Table("harmonize_schema", metadata,
                    Column("id", Integer, primary_key=True),
                    Column("version", Integer, nullable=False),
                    Column("created_at", String(40), nullable=False))


def _decision_columns() -> list[Column]:
    return [Column("source_text", Text, nullable=False),
            Column("entity_type", String(32), nullable=False),
            Column("status", String(20), nullable=False),
            Column("system", String(16), nullable=False, default=""),
            Column("code", String(64), nullable=False, default=""),
            Column("description", Text, nullable=False, default=""),
            Column("catalog_fingerprint", String(64), nullable=False, default=""),
            Column("reviewer", String(128), nullable=False),
            Column("decided_at", String(40), nullable=False),  # ISO 8601 UTC, microseconds: sorts as text
            Column("comment", Text, nullable=False, default=""),
            Column("origin", String(16), nullable=False, default="")]  # ui | import | api


decisions = Table("decisions", metadata, Column("key", Text, primary_key=True), *_decision_columns())
history = Table("decision_history", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                Column("key", Text, nullable=False, index=True), *_decision_columns())


class ReviewDBError(RuntimeError):
    """A decision database that cannot be used as asked; the message says why and what to do."""


@dataclass
class Decision:
    key: str
    source_text: str
    entity_type: str
    status: str  # approved | not_in_catalog | commented
    system: str = ""
    code: str = ""
    description: str = ""
    catalog_fingerprint: str = ""
    reviewer: str = ""
    decided_at: str = ""
    comment: str = ""
    origin: str = ""

    @property
    def applies(self) -> bool:
        return self.status in STATUSES


DECISION_FIELDS = [f.name for f in fields(Decision)]


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def db_url(target: str) -> str:
    """A SQLAlchemy URL as given, or a file path as a SQLite URL."""
    return target if "://" in target else f"sqlite:///{target}"


class ReviewDB:
    def __init__(self, url: str):
        self.url = db_url(url)
        if self.url.startswith("sqlite:///") and not self.url.startswith("sqlite:////:memory:"):
            from pathlib import Path

            Path(self.url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        self.engine = _engine(self.url)
        self.name = self.engine.url.render_as_string(hide_password=True)
        self._open()

    # ------------------------------------------------------------------ schema
    def _open(self) -> None:
        tables = set(inspect(self.engine).get_table_names())
        if schema_info.name not in tables:
            ours = {decisions.name, history.name} & tables
            if ours:
                raise ReviewDBError(f"{self.name} has the table(s) {sorted(ours)} but no {schema_info.name} table: "
                                    "it was not written by harmonize (or is damaged); point --memory / "
                                    "review.db_url at a new database")
            metadata.create_all(self.engine)
            try:
                with self.engine.begin() as c:
                    c.execute(schema_info.insert().values(id=1, version=SCHEMA_VERSION, created_at=now_iso()))
            except IntegrityError:  # another process created it at the same moment
                pass
        with self.engine.begin() as c:
            version = c.execute(select(schema_info.c.version).where(schema_info.c.id == 1)).scalar()
        if version != SCHEMA_VERSION:
            if version is not None and version > SCHEMA_VERSION:
                what = (f"it was written by a newer harmonize (schema {version}); this one reads schema "
                        f"{SCHEMA_VERSION}. Upgrade harmonize to use it")
            else:
                what = (f"it has schema {version}, this harmonize needs schema {SCHEMA_VERSION}. Export it with "
                        "the harmonize that wrote it (harmonize review export --memory DB --out decisions.csv) "
                        "and import that file into a new database")
            raise ReviewDBError(f"decision database {self.name}: {what}")
        self.version = version

    # ------------------------------------------------------------------ writes
    def decide(self, d: Decision) -> Decision:
        """Write ``d`` (history first, then the current decision unless a later one is already there: last
        write wins by decision time) in one transaction; returns the item's current decision."""
        if not d.decided_at:
            d.decided_at = now_iso()
        row = asdict(d)
        with self.engine.begin() as c:
            c.execute(history.insert().values(**row))
            if d.status == COMMENT_ONLY:  # a comment never replaces a decision; it annotates it
                done = c.execute(update(decisions).where(decisions.c.key == d.key)
                                 .values(comment=d.comment)).rowcount
                if not done:
                    _upsert(c, row)
            else:
                _upsert(c, row)
            current = c.execute(select(decisions).where(decisions.c.key == d.key)).mappings().first()
        return Decision(**dict(current))

    # ------------------------------------------------------------------ reads
    def get_many(self, keys: Iterable[str]) -> dict[str, Decision]:
        keys = list(dict.fromkeys(keys))
        out: dict[str, Decision] = {}
        with self.engine.connect() as c:
            for s in range(0, len(keys), 500):
                part = keys[s:s + 500]
                for m in c.execute(select(decisions).where(decisions.c.key.in_(part))).mappings():
                    out[m["key"]] = Decision(**dict(m))
        return out

    def all(self, statuses: Iterable[str] | None = None) -> Iterator[Decision]:
        q = select(decisions).order_by(decisions.c.entity_type, decisions.c.source_text, decisions.c.key)
        if statuses is not None:
            q = q.where(decisions.c.status.in_(list(statuses)))
        with self.engine.connect() as c:
            for m in c.execute(q).mappings():
                yield Decision(**dict(m))

    def history(self, key: str | None = None) -> list[Decision]:
        q = select(history).order_by(history.c.id)
        if key is not None:
            q = q.where(history.c.key == key)
        with self.engine.connect() as c:
            return [Decision(**{k: v for k, v in m.items() if k != "id"}) for m in c.execute(q).mappings()]

    def stats(self) -> dict:
        with self.engine.connect() as c:
            by_status = dict(c.execute(select(decisions.c.status, func.count()).group_by(decisions.c.status)).all())
            by_type = dict(c.execute(select(decisions.c.entity_type, func.count())
                                     .group_by(decisions.c.entity_type)).all())
            reviewers = dict(c.execute(select(decisions.c.reviewer, func.count())
                                       .group_by(decisions.c.reviewer)).all())
            writes = c.execute(select(func.count()).select_from(history)).scalar()
            last = c.execute(select(func.max(decisions.c.decided_at))).scalar()
        return {"database": self.name, "schema_version": self.version, "items": sum(by_status.values()),
                "by_status": by_status, "by_entity_type": by_type, "reviewers": reviewers,
                "history_writes": writes, "last_decision_at": last}

    def close(self) -> None:
        self.engine.dispose()


def _upsert(c, row: dict) -> None:
    """Insert, or replace the current decision when this one is at least as recent (last write wins)."""
    name = c.dialect.name
    newer = {k: v for k, v in row.items() if k != "key"}
    if name in ("sqlite", "postgresql"):
        if name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        stmt = insert(decisions).values(**row)
        c.execute(stmt.on_conflict_do_update(
            index_elements=[decisions.c.key], set_={k: stmt.excluded[k] for k in newer},
            where=decisions.c.decided_at <= stmt.excluded.decided_at))
        return
    done = c.execute(update(decisions).where(decisions.c.key == row["key"],
                                             decisions.c.decided_at <= row["decided_at"]).values(**newer)).rowcount
    if not done and c.execute(select(decisions.c.key).where(decisions.c.key == row["key"])).first() is None:
        c.execute(decisions.insert().values(**row))


def _engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
        cur.execute("PRAGMA busy_timeout=30000")  # a second writer waits its turn instead of failing
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock up front: no upgrade deadlock

    return engine
