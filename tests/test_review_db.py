"""The decision database on a real SQLite file: two writers at once, schema versions, history; and the
mapping memory on the one batch path with the tiny index (real model, real FAISS): reviewed, not in
catalog, and a retired code."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import text

from conftest import REPO
from engine_util import map_rows


def _decision(config, text_, etype, status="approved", code="", reviewer="alice", **kw):
    from ray_app.review.db import Decision
    from ray_app.review.memory import item_key

    key, canonical, system = item_key(text_, etype, config)
    return Decision(key, text_, canonical, status, system=system, code=code, reviewer=reviewer, **kw)


def test_decide_keeps_history_and_the_latest_decision(tmp_path, config):
    from ray_app.review.db import ReviewDB

    db = ReviewDB(str(tmp_path / "d.sqlite"))
    first = db.decide(_decision(config, "heart attack", "Diagnosis", code="84114007", decided_at="2026-01-01T00:00:00.000000+00:00"))
    assert first.code == "84114007"
    now = db.decide(_decision(config, "Heart  Attack", "dx", code="22298006", reviewer="bob", comment="MI, not HF",
                              decided_at="2026-01-02T00:00:00.000000+00:00"))
    assert (now.code, now.reviewer, now.comment) == ("22298006", "bob", "MI, not HF")  # one item: same key
    # a write that is older than the current decision goes to the history but does not replace it
    late = db.decide(_decision(config, "heart attack", "Diagnosis", code="84114007", reviewer="carol",
                               decided_at="2026-01-01T12:00:00.000000+00:00"))
    assert (late.code, late.reviewer) == ("22298006", "bob")
    # a comment annotates the decision, never replaces it
    commented = db.decide(_decision(config, "heart attack", "Diagnosis", status="commented", comment="checked twice"))
    assert (commented.code, commented.status, commented.comment) == ("22298006", "approved", "checked twice")
    hist = db.history(now.key)
    assert [h.reviewer for h in hist] == ["alice", "bob", "carol", "alice"]
    stats = db.stats()
    assert stats["items"] == 1 and stats["history_writes"] == 4 and stats["schema_version"] == 1


WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {repo!r})
    from ray_app.config import Config
    from ray_app.review.db import Decision, ReviewDB
    from ray_app.review.memory import item_key
    who, url = sys.argv[1], sys.argv[2]
    db = ReviewDB(url)
    cfg = Config()
    for i in range(40):
        key, etype, system = item_key(f"item {{i % 20}}", "Diagnosis", cfg)
        db.decide(Decision(key, f"item {{i % 20}}", etype, "approved", system=system, code=f"{{who}}-{{i}}",
                           reviewer=who))
    print("done", who)
""")


def test_two_writers_lose_nothing(tmp_path):
    """Two processes write 40 decisions each over the same 20 items at the same time: every write is in the
    history, and each item holds the later of its writes."""
    from ray_app.review.db import ReviewDB

    url = str(tmp_path / "shared.sqlite")
    ReviewDB(url).close()  # created once (a concurrent create is handled too, but is not what this tests)
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(repo=str(REPO)))
    procs = [subprocess.Popen([sys.executable, str(script), who, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for who in ("alice", "bob")]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    db = ReviewDB(url)
    hist = db.history()
    assert len(hist) == 80 and {h.reviewer for h in hist} == {"alice", "bob"}
    current = {d.key: d for d in db.all()}
    assert len(current) == 20
    for key, d in current.items():
        latest = max((h for h in hist if h.key == key), key=lambda h: h.decided_at)
        assert (d.code, d.decided_at) == (latest.code, latest.decided_at)


def test_schema_version_mismatch_is_refused_with_a_clear_message(tmp_path, capsys):
    from ray_app.review.db import ReviewDB, ReviewDBError
    from jobs.cli import main

    path = tmp_path / "old.sqlite"
    db = ReviewDB(str(path))
    with db.engine.begin() as c:
        c.execute(text("UPDATE harmonize_schema SET version = 99"))
    db.close()
    with pytest.raises(ReviewDBError, match=r"newer harmonize \(schema 99\).*Upgrade harmonize"):
        ReviewDB(str(path))
    db2 = ReviewDB(str(tmp_path / "older.sqlite"))
    with db2.engine.begin() as c:
        c.execute(text("UPDATE harmonize_schema SET version = 0"))
    db2.close()
    with pytest.raises(ReviewDBError, match=r"schema 0, this harmonize needs schema 1.*harmonize review export"):
        ReviewDB(str(tmp_path / "older.sqlite"))
    # the CLI says the same in one line, exit status 2, before anything loads
    assert main(["review", "stats", "--memory", str(path)]) == 2
    assert "newer harmonize (schema 99)" in capsys.readouterr().err
    # decision tables without a version: not ours, not touched
    foreign = tmp_path / "foreign.sqlite"
    import sqlite3

    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE decisions (key TEXT)")
    con.commit()
    con.close()
    with pytest.raises(ReviewDBError, match="no harmonize_schema table"):
        ReviewDB(str(foreign))


def test_memory_applies_decisions_and_retires_a_code_gone_from_the_catalog(tmp_path, engine, config, tiny_index):
    from ray_app.review.db import ReviewDB
    from ray_app.review.memory import CatalogCodes, MappingMemory

    db = ReviewDB(str(tmp_path / "m.sqlite"))
    db.decide(_decision(config, "heart attack", "Diagnosis", code="84114007", reviewer="alice"))  # HF, on purpose
    db.decide(_decision(config, "chest xr", "Procedure", status="not_in_catalog", reviewer="bob"))
    db.decide(_decision(config, "asthma", "Diagnosis", code="11111111", reviewer="carol"))  # not in the catalog
    texts = ["heart attack", "chest xr", "HEART ATTACK", "asthma", "appendectomy", ""]
    types = ["Diagnosis", "Procedure", "dx", "Diagnosis", "Procedure", "Lab"]
    plain = map_rows(engine, texts, types, config)
    for snapshot in (True, False):
        mem = MappingMemory(db, CatalogCodes(tiny_index), snapshot=snapshot)
        from ray_app.batch.backend import LocalBackend
        from ray_app.batch.driver import Mapper

        rows = Mapper(LocalBackend(engine.matcher, 64), config, engine.expander, memory=mem).map(texts, types).rows
        assert len(rows) == len(texts)
        assert [r.code for r in rows[:3]] == ["84114007", "", "84114007"]
        assert rows[0].flags == ["reviewed"] and rows[0].reviewed_by == "alice" and rows[0].reviewed_at
        assert rows[0].description == "Heart failure" and rows[0].candidates[0].via == ["review"]
        assert rows[1].flags == ["reviewed", "not_in_catalog"] and rows[1].system == "SNOMEDCT_US"
        # the retired decision is not used: the engine's own answer, flagged, so it goes back to the queue
        assert rows[3].code == plain[3].code == "195967001" and "reviewed_code_retired" in rows[3].flags
        assert "reviewed" not in rows[3].flags and rows[3].reviewed_by == ""
        assert rows[4] == plain[4] and rows[5] == plain[5]  # not reviewed: exactly the engine's result
        assert (mem.used, mem.retired) == (2, 1)


def test_resume_refuses_to_mix_runs_with_and_without_a_memory(tmp_path, engine, tiny_index):
    """Reviewed parts carry two more columns: an interrupted run resumed with another --memory choice would
    mix part schemas, so the resume is refused with a message that names --memory."""
    import pandas as pd
    from ray_app.batch.backend import LocalBackend
    from ray_app.batch.driver import map_stream
    from ray_app.batch.tables import InputError
    from ray_app.config import Config
    from ray_app.review.db import ReviewDB
    from ray_app.review.memory import CatalogCodes, MappingMemory

    cfg = Config()
    cfg.ray.block_rows, cfg.ray.progress_bar = 2, "off"
    src = tmp_path / "in.csv"
    pd.DataFrame({"Input Entity Description": ["heart attack", "asthma", "chest xr", "cbc"],
                  "Entity Type": ["Diagnosis", "Diagnosis", "Procedure", "Lab"]}).to_csv(src, index=False)

    class Interrupted(LocalBackend):
        def collect(self, handle, on_wait=None):
            if getattr(self, "done", 0) >= 1:
                raise KeyboardInterrupt
            self.done = getattr(self, "done", 0) + 1
            return super().collect(handle, on_wait)

    out = tmp_path / "out"
    kw = dict(expander=engine.expander, index_meta=engine.bundle.meta, log=lambda m: None)
    with pytest.raises(KeyboardInterrupt):
        map_stream(str(src), str(out), Interrupted(engine.matcher, 64), cfg, **kw)
    mem = MappingMemory(ReviewDB(str(tmp_path / "m.sqlite")), CatalogCodes(tiny_index))
    with pytest.raises(InputError, match="--memory"):
        map_stream(str(src), str(out), LocalBackend(engine.matcher, 64), cfg, resume=True, memory=mem, **kw)
    stats = map_stream(str(src), str(out), LocalBackend(engine.matcher, 64), cfg, resume=True, **kw)  # same choice
    assert stats["rows"] == 4
