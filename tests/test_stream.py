"""Streaming, resumable mapping (ray_app.batch.driver) in-process: blocks, dedupe across blocks, manifest,
crash at several points + resume == uninterrupted run (byte for byte), URIs, shards, merges, memory."""
from __future__ import annotations

import hashlib
import json
import tracemalloc

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import ray_app.batch.driver as driver
import ray_app.batch.manifest as manifest
from engine_util import map_rows
from ray_app.batch.assemble import output_columns
from ray_app.batch.backend import LocalBackend
from ray_app.batch.driver import map_stream
from ray_app.batch.manifest import read_output
from ray_app.batch.source import Source
from ray_app.batch.tables import InputError
from ray_app.config import Config
from ray_app.result import MatchResult

T, Y = "Input Entity Description", "Entity Type"
POOL = [("Asthma", "Diagnosis"), ("asthma attack", "Diagnosis"), ("high blood pressure", "Diagnosis"),
        ("heart attack", "Diagnosis"), ("sore thraot", "Diagnosis"), ("migrane", "Diagnosis"),
        ("chest xr", "Procedure"), ("ct head", "Procedure"), ("appendix removal", "Procedure"),
        ("colonoscopy", "Procedure"), ("cbc", "Lab"), ("fasting sugar test", "Lab"), ("hba1c", "Lab"),
        ("bilirubin", "Lab"), ("paracetamol 500 mg", "Medicine"), ("aspirin 81mg", "Medicine"),
        ("ibuprofen", "Medicine"), ("metformin 500", "Medicine"), ("lisinopril 10 mg tab", "Medicine"),
        ("oxycodone", "Medicine"), ("", "Diagnosis"), ("asthma", "Billing")]


def make_input(n: int, seed: int = 3) -> pd.DataFrame:
    """Repeats (Zipf-like) with case/space noise and a few unique rows, like a real feed."""
    rng = np.random.default_rng(seed)
    w = 1.0 / np.arange(1, len(POOL) + 1)
    idx = rng.choice(len(POOL), size=n, p=w / w.sum())
    texts, types = [], []
    for i, j in enumerate(idx):
        t, y = POOL[j]
        r = rng.random()
        t = t.upper() if r < 0.1 else (f"  {t} " if r < 0.2 else (f"{t} {i}" if r < 0.25 else t))
        texts.append(t)
        types.append(y)
    return pd.DataFrame({T: texts, Y: types, "Row": [f"r{i:05d}" for i in range(n)]})


def cfg(block_rows=40, **ray) -> Config:
    c = Config()
    c.ray.block_rows = block_rows
    c.ray.progress_seconds = 3600
    c.ray.embed_batch_size = 16  # several chunks per block
    for k, v in ray.items():
        setattr(c.ray, k, v)
    return c


class Counting(LocalBackend):
    def __init__(self, matcher, chunk, fail_at=None):
        super().__init__(matcher, chunk)
        self.submitted, self.collects, self.fail_at = 0, 0, fail_at

    def submit(self, queries):
        self.submitted += len(queries)
        return super().submit(queries)

    def collect(self, queries, on_wait=None):
        self.collects += 1
        if self.fail_at is not None and self.collects == self.fail_at:
            raise KeyboardInterrupt("simulated crash while matching")
        return super().collect(queries, on_wait)


def run(engine, inp, out, config=None, backend=None, **kw):
    config = config or cfg()
    backend = backend or LocalBackend(engine.matcher, config.ray.embed_batch_size)
    kw.setdefault("log", lambda m: None)
    return map_stream(str(inp), str(out), backend, config, expander=engine.expander,
                      index_meta=engine.bundle.meta, **kw)


def part_hashes(d) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.glob("part-*.parquet"))}


@pytest.fixture(scope="module")
def src(tmp_path_factory):
    d = tmp_path_factory.mktemp("stream_in")
    p = d / "in.csv"
    make_input(600).to_csv(p, index=False)
    return p


@pytest.fixture(scope="module")
def reference(engine, src, tmp_path_factory):
    out = tmp_path_factory.mktemp("stream_ref") / "out"
    backend = Counting(engine.matcher, 16)
    stats = run(engine, src, out, backend=backend, top_k=2)
    return out, stats, backend


def test_blocks_manifest_and_dedupe(reference, src):
    out, stats, backend = reference
    man = json.loads((out / "_manifest.json").read_text())
    assert man["status"] == "complete" and stats["rows"] == 600 and stats["blocks"] == 15
    assert [b["row_start"] for b in man["blocks"]] == list(range(0, 600, 40))
    assert all(b["rows"] == 40 for b in man["blocks"])
    for b in man["blocks"]:
        assert hashlib.sha256((out / b["file"]).read_bytes()).hexdigest() == b["sha256"]
    # each distinct (match text, type) is matched once in the whole file, not once per block
    assert backend.submitted == stats["distinct_queries"] < sum(b["distinct_in_block"] for b in man["blocks"])
    assert stats["dedup_ratio"] > 3
    got = read_output(out)
    want = pd.read_csv(src, dtype=object, keep_default_na=False, na_values=[""])
    assert got["Row"].tolist() == want["Row"].tolist()  # no row lost, duplicated or reordered
    assert {"Output Target Code", "Output Target Code 2", "Output Flags"} <= set(got.columns)


def test_stream_equals_one_batch_mapping(reference, src, engine):
    """Blocks, cross-block dedupe and the result cache change nothing: the file job's codes and flags are
    those of mapping the whole file as one batch."""
    out, _, _ = reference
    df = pd.read_csv(src, dtype=object, keep_default_na=False, na_values=[""])
    mem = output_columns(map_rows(engine, df[T], df[Y], cfg()), top_k=2)
    mem = pd.DataFrame(mem)
    got = read_output(out)
    for col in ("Output Target Code", "Output Flags", "Output Target Code 2", "Output Coding System"):
        assert got[col].tolist() == mem[col].astype(str).tolist(), col


def _crash_then_resume(engine, src, out, reference, crash):
    with pytest.raises((KeyboardInterrupt, RuntimeError)):
        crash()
    man = json.loads((out / "_manifest.json").read_text())
    assert man["status"] == "running" and 0 < len(man["blocks"]) < 15
    stats = run(engine, src, out, resume=True, top_k=2)
    assert stats["resumed_blocks"] == len(man["blocks"])
    ref_out = reference[0]
    assert part_hashes(out) == part_hashes(ref_out)
    pd.testing.assert_frame_equal(read_output(out), read_output(ref_out))
    assert not list(out.glob("*.tmp-*"))


def test_crash_while_matching_then_resume(engine, src, tmp_path, reference):
    out = tmp_path / "out"
    _crash_then_resume(engine, src, out, reference,
                       lambda: run(engine, src, out, backend=Counting(engine.matcher, 16, fail_at=6), top_k=2))


def test_crash_between_part_and_manifest_then_resume(engine, src, tmp_path, reference, monkeypatch):
    out = tmp_path / "out"
    calls = {"n": 0}
    real = manifest.Manifest.save

    def save(self):
        calls["n"] += 1
        if calls["n"] == 5:  # the part of block 4 is on disk, the manifest does not list it yet
            raise KeyboardInterrupt("crash after the part was renamed")
        real(self)

    def crash():
        with monkeypatch.context() as m:
            m.setattr(manifest.Manifest, "save", save)
            run(engine, src, out, top_k=2)

    _crash_then_resume(engine, src, out, reference, crash)


def test_crash_mid_part_write_then_resume(engine, src, tmp_path, reference, monkeypatch):
    out = tmp_path / "out"
    real = driver.write_atomic

    def write(fs, path, data):
        if path.endswith("part-00007.parquet"):
            with fs.open_output_stream(f"{path}.tmp-999") as f:
                f.write(data[: len(data) // 2])  # half a temporary file, never renamed
            raise KeyboardInterrupt("crash while writing a part")
        real(fs, path, data)

    def crash():
        with monkeypatch.context() as m:
            m.setattr(driver, "write_atomic", write)
            run(engine, src, out, top_k=2)

    with pytest.raises(KeyboardInterrupt):
        crash()
    assert (out / "part-00007.parquet.tmp-999").exists() and not (out / "part-00007.parquet").exists()
    stats = run(engine, src, out, resume=True, top_k=2)
    assert stats["resumed_blocks"] == 7
    assert part_hashes(out) == part_hashes(reference[0])


def test_resume_redoes_a_corrupted_part(engine, src, tmp_path, reference):
    out = tmp_path / "out"
    run(engine, src, out, top_k=2)
    (out / "part-00009.parquet").write_bytes(b"garbage")
    logs = []
    stats = run(engine, src, out, resume=True, top_k=2, log=logs.append)
    assert stats["resumed_blocks"] == 9 and any("block 9" in m and "checksum" in m for m in logs)
    assert part_hashes(out) == part_hashes(reference[0])


def test_resume_of_a_finished_run_does_nothing(engine, src, tmp_path):
    out = tmp_path / "out"
    run(engine, src, out)
    backend = Counting(engine.matcher, 16)
    stats = run(engine, src, out, backend=backend, resume=True)
    assert stats["resumed_blocks"] == 15 and backend.submitted == 0 and stats["rows"] == 600


def test_resume_refuses_other_input_config_or_index(engine, src, tmp_path):
    out = tmp_path / "out"
    run(engine, src, out)
    with pytest.raises(InputError, match="config differs"):
        run(engine, src, out, resume=True, top_k=3)
    with pytest.raises(InputError, match="config differs"):
        run(engine, src, out, config=cfg(block_rows=50), resume=True)
    other = tmp_path / "other.csv"
    make_input(600, seed=9).to_csv(other, index=False)
    with pytest.raises(InputError, match="input changed"):
        run(engine, other, out, resume=True)
    meta = json.loads(json.dumps(engine.bundle.meta))
    meta["catalog"]["fingerprint"] = "something-else"
    with pytest.raises(InputError, match="index differs"):
        map_stream(str(src), str(out), LocalBackend(engine.matcher, 16), cfg(), expander=engine.expander,
                   index_meta=meta, resume=True, log=lambda m: None)


@pytest.mark.parametrize("ext", ["csv", "parquet", "xlsx", "tsv"])
def test_single_file_outputs_are_merged(engine, src, tmp_path, reference, ext):
    out = tmp_path / f"out.{ext}"
    stats = run(engine, src, out, top_k=2)
    assert out.exists() and (tmp_path / f"out.{ext}.meta.json").exists()
    assert not (tmp_path / f"out.{ext}.parts").exists()  # merged, parts removed
    got = read_output(out)
    ref = read_output(reference[0])
    assert len(got) == 600 and got["Row"].tolist() == ref["Row"].tolist()
    assert got["Output Target Code"].fillna("").astype(str).tolist() == ref["Output Target Code"].tolist()
    meta = json.loads((tmp_path / f"out.{ext}.meta.json").read_text())
    assert meta["stats"]["rows"] == 600 and meta["stats"] == {**stats}


def test_keep_parts_and_file_uri(engine, src, tmp_path, reference):
    out = tmp_path / "o.parquet"
    run(engine, f"file://{src}", f"file://{out}", keep_parts=True, top_k=2)
    assert part_hashes(tmp_path / "o.parquet.parts") == part_hashes(reference[0])
    pd.testing.assert_frame_equal(pd.read_parquet(out), read_output(reference[0]))
    d = tmp_path / "urid"
    run(engine, f"file://{src}", f"file://{d}", top_k=2)
    assert part_hashes(d) == part_hashes(reference[0])


def test_directory_of_parquet_shards_keeps_native_types(engine, tmp_path):
    d = tmp_path / "shards"
    d.mkdir()
    df = make_input(90)
    df["MRN"] = np.arange(90, dtype=np.int64)
    for i, s in enumerate(range(0, 90, 25)):
        pq.write_table(pa.Table.from_pandas(df.iloc[s:s + 25], preserve_index=False), d / f"part-{i}.parquet",
                       row_group_size=7)
    (d / "_SUCCESS").write_text("")
    stats = run(engine, d, tmp_path / "out", config=cfg(block_rows=20))
    got = read_output(tmp_path / "out")
    assert stats["blocks"] == 5 and got["MRN"].tolist() == list(range(90)) and str(got["MRN"].dtype) == "int64"
    assert got["Row"].tolist() == df["Row"].tolist()
    # resume from the middle of a shard/row group
    out2 = tmp_path / "out2"
    with pytest.raises(KeyboardInterrupt):
        run(engine, d, out2, config=cfg(block_rows=20), backend=Counting(engine.matcher, 16, fail_at=3))
    run(engine, d, out2, config=cfg(block_rows=20), resume=True)
    assert part_hashes(out2) == part_hashes(tmp_path / "out")


def test_progress_is_logged(engine, src, tmp_path):
    logs = []
    run(engine, src, tmp_path / "out", config=cfg(progress_seconds=0), log=logs.append)
    progress = [m for m in logs if "rows/s" in m]
    assert len(progress) >= 15 and "ETA" in progress[0] and "distinct" in progress[0]
    pq_in = tmp_path / "in.parquet"
    pd.read_csv(src).to_parquet(pq_in)
    logs = []
    run(engine, pq_in, tmp_path / "out2", config=cfg(progress_seconds=0), log=logs.append)
    assert any("/600 rows (" in m and "ETA" in m for m in logs)


class FakeBackend:
    """Constant results: measures the streaming machinery's own memory, not the model's."""

    def submit(self, q):
        return len(q)

    def collect(self, n, on_wait=None):
        return [MatchResult("SNOMEDCT_US", "1", "d", "s", "PT", 0.5)] * n

    def close(self):
        pass


def _peak_traced(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_bounded_by_block_size(tmp_path):
    """Peak (traced) memory depends on the block size, not on the file: 4x the rows, the same peak, and a
    fraction of the file's size."""
    words = np.array(["asthma", "chest", "xr", "pain", "acute", "left", "knee", "fever", "cbc", "tablet"])
    rng = np.random.default_rng(0)
    base = [" ".join(rng.choice(words, 3)) for _ in range(300)]
    peaks = {}
    for n in (10_000, 40_000):
        p = tmp_path / f"in{n}.csv"
        pd.DataFrame({T: [base[i % 300] for i in range(n)], Y: "Diagnosis", "Note": ["x" * 200] * n}).to_csv(p, index=False)
        peaks[n] = _peak_traced(lambda: map_stream(str(p), str(tmp_path / f"out{n}"), FakeBackend(),
                                                   cfg(block_rows=1000), log=lambda m: None))
    size = (tmp_path / "in40000.csv").stat().st_size
    assert peaks[40_000] < 1.5 * peaks[10_000] + (1 << 20), peaks
    assert peaks[40_000] < 0.5 * size, (peaks, size)


def test_source_blocks_are_exact_and_restartable(tmp_path):
    p = tmp_path / "in.parquet"
    pq.write_table(pa.table({T: [f"t{i}" for i in range(103)], Y: ["dx"] * 103}), p, row_group_size=10)
    s = Source(p, block_rows=25)
    blocks = list(s.blocks())
    assert [(b, r, t.num_rows) for b, r, t in blocks] == [(0, 0, 25), (1, 25, 25), (2, 50, 25), (3, 75, 25), (4, 100, 3)]
    again = list(Source(p, block_rows=25).blocks(start_block=3))
    assert [(b, r) for b, r, _ in again] == [(3, 75), (4, 100)] and again[0][2].equals(blocks[3][2])
    assert s.total_rows == 103


def test_progress_bar_on_a_terminal_and_lines_in_a_log(engine, src, tmp_path, capfd):
    logs = []
    run(engine, src, tmp_path / "bar", config=cfg(progress_seconds=0, progress_bar="on"), log=logs.append)
    err = capfd.readouterr().err
    assert "[map]" in err and "600/600" in err and "rows/s" in err  # the tqdm bar, on stderr (CSV: total from bytes)
    assert not [m for m in logs if "rows/s" in m]  # the bar replaces the periodic lines
    with pytest.raises(ValueError, match="progress_bar"):
        run(engine, src, tmp_path / "bad", config=cfg(progress_bar="sometimes"))
