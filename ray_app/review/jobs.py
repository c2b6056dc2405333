"""Upload jobs: a folder per job under ``review.work_dir/jobs``, mapped by the streaming engine in a thread.

    jobs/<id>/job.json        status, file name, columns, rows, times, statistics, error
    jobs/<id>/input.<ext>     the upload, as received
    jobs/<id>/mapped.parquet  ``map_stream``'s output (every input column + the output columns, in row order)
    jobs/<id>/queue.json      the review queue (``review.queue``)
    jobs/<id>/mapped.xlsx|csv the downloads, written on first request

A job runs ``batch.driver.map_stream``, the engine behind ``harmonize map``, over the backend it is given
(in Serve: the Embedder -> IndexReplica deployments) with the mapping memory applied. Progress (rows done,
rows/s, ETA) is read from the run's own manifest, which the engine rewrites after every block. A
restarted server lists the finished jobs from their job.json; one that was running is marked interrupted.
Nothing here imports Ray.
"""
from __future__ import annotations

import copy
import json
import os
import socket
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Callable

from ray_app.batch.driver import map_stream
from ray_app.batch.sink import OutputLayout
from ray_app.batch.source import read_table
from ray_app.batch.tables import write_table
from ray_app.config import Config
from ray_app.review.queue import QUEUE_FILE, build_queue, read_queue, write_queue

ACTIVE = ("queued", "running")
MAPPED = "mapped.parquet"
DOWNLOADS = {"xlsx": "mapped.xlsx", "csv": "mapped.csv"}


class JobLimit(RuntimeError):
    pass


class JobManager:
    def __init__(self, work_dir: str | Path, config: Config, backend, expander=None, index_meta: dict | None = None,
                 memory_factory: Callable[[], object] | None = None):
        self.root = Path(work_dir) / "jobs"
        self.root.mkdir(parents=True, exist_ok=True)
        self.config, self.backend, self.expander, self.index_meta = config, backend, expander, index_meta
        self.memory_factory = memory_factory
        self.lock = threading.Lock()
        self._queues: dict[str, list[dict]] = {}
        for d in self.root.iterdir():  # a job whose process is gone (a restart) will not finish
            job = self._read(d.name)
            if job and job["status"] in ACTIVE and not _alive(job.get("owner")):
                self._update(d.name, status="interrupted", error="the server stopped while this job ran; upload "
                                                                 "the file again", finished=time.time())

    # ------------------------------------------------------------------ folders
    def new_folder(self) -> tuple[str, Path]:
        job_id = uuid.uuid4().hex[:16]
        d = self.root / job_id
        d.mkdir()
        return job_id, d

    def folder(self, job_id: str) -> Path | None:
        if not (len(job_id) == 16 and all(c in "0123456789abcdef" for c in job_id)):
            return None  # ids are ours: anything else never becomes a path
        d = self.root / job_id
        return d if (d / "job.json").exists() else None

    def discard(self, folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)

    def _read(self, job_id: str) -> dict | None:
        try:
            return json.loads((self.root / job_id / "job.json").read_text())
        except (OSError, json.JSONDecodeError):
            return None

    def _update(self, job_id: str, **fields) -> dict:
        with self.lock:
            job = self._read(job_id) or {}
            job.update(fields)
            tmp = self.root / job_id / "job.json.tmp"
            tmp.write_text(json.dumps(job, indent=1, default=str))
            tmp.replace(self.root / job_id / "job.json")
            return job

    # ------------------------------------------------------------------ jobs
    def active(self) -> int:
        return sum(1 for j in self.list() if j["status"] in ACTIVE)

    def check_capacity(self) -> None:
        n = self.active()
        if n >= max(1, int(self.config.review.max_jobs)):
            raise JobLimit(f"{n} mapping job(s) already queued or running (review.max_jobs = "
                           f"{self.config.review.max_jobs}); upload again when one has finished")

    def start(self, job_id: str, folder: Path, filename: str, input_path: Path, info: dict,
              parent: str | None = None) -> dict:
        """Register the job and map it in a thread; ``info``: rows, columns, text_column, type_column."""
        with self.lock:  # the limit holds under concurrent uploads too
            n = sum(1 for j in self._list_unlocked() if j["status"] in ACTIVE)
            if n >= max(1, int(self.config.review.max_jobs)):
                raise JobLimit(f"{n} mapping job(s) already queued or running (review.max_jobs = "
                               f"{self.config.review.max_jobs}); upload again when one has finished")
            job = {"id": job_id, "filename": filename, "input": input_path.name, "status": "queued",
                   "created": time.time(), "parent": parent, "owner": f"{socket.gethostname()}:{os.getpid()}", **info}
            (folder / "job.json").write_text(json.dumps(job, indent=1, default=str))
        threading.Thread(target=self._run, args=(job_id,), daemon=True, name=f"review-job-{job_id}").start()
        return self.get(job_id)

    def remap(self, job_id: str) -> dict:
        """A new job over the same upload: every decision made since is applied (the reviewed file)."""
        old = self.get(job_id)
        self.check_capacity()
        new_id, folder = self.new_folder()
        src = self.root / job_id / old["input"]
        shutil.copyfile(src, folder / old["input"])
        info = {k: old[k] for k in ("rows", "columns", "text_column", "type_column")}
        try:
            return self.start(new_id, folder, old["filename"], folder / old["input"], info, parent=job_id)
        except JobLimit:
            self.discard(folder)
            raise

    def _run(self, job_id: str) -> None:
        job = self._update(job_id, status="running", started=time.time())
        folder = self.root / job_id
        cfg = copy.deepcopy(self.config)
        cfg.ray.block_rows = max(1, int(cfg.review.block_rows))
        memory = self.memory_factory() if self.memory_factory else None
        log_file = open(folder / "log.txt", "a", encoding="utf-8")
        try:
            stats = map_stream(folder / job["input"], folder / MAPPED, self.backend, cfg, top_k=cfg.review.top_k,
                               text_col=job["text_column"], type_col=job["type_column"], expander=self.expander,
                               index_meta=self.index_meta, keep_parts=True, memory=memory, engine="serve",
                               log=lambda m: print(m, file=log_file, flush=True))
            items = build_queue(folder / MAPPED, cfg, job["text_column"], job["type_column"])
            write_queue(folder / QUEUE_FILE, items)
            OutputLayout(folder / MAPPED).remove_parts_dir()
            self._update(job_id, status="done", finished=time.time(), stats=stats, items=len(items))
        except Exception as exc:  # reported on the job; the message of an engine error names no input text
            self._update(job_id, status="failed", finished=time.time(), error=f"{type(exc).__name__}: {exc}"[:500])
        finally:
            log_file.close()

    def _list_unlocked(self) -> list[dict]:
        jobs = [j for j in (self._read(d.name) for d in self.root.iterdir() if d.is_dir()) if j]
        return sorted(jobs, key=lambda j: -float(j.get("created") or 0))

    def list(self) -> list[dict]:
        return [self._progress(j) for j in self._list_unlocked()]

    def get(self, job_id: str) -> dict | None:
        if self.folder(job_id) is None:
            return None
        job = self._read(job_id)
        return self._progress(job) if job else None

    def _progress(self, job: dict) -> dict:
        """rows done (from the run's manifest), rows/s and ETA."""
        job = dict(job)
        total = int(job.get("rows") or 0)
        if job["status"] == "done":
            done = total
        elif job["status"] == "running":
            manifest = Path(OutputLayout(self.root / job["id"] / MAPPED).manifest)
            try:
                done = sum(b["rows"] for b in json.loads(manifest.read_text())["blocks"])
            except (OSError, json.JSONDecodeError, KeyError):
                done = 0
        else:
            done = 0
        end = job.get("finished") or time.time()
        elapsed = max(1e-6, end - float(job.get("started") or end))
        rate = done / elapsed if job.get("started") and done else 0.0
        eta = (total - done) / rate if rate > 0 and job["status"] == "running" else None
        job["progress"] = {"rows_done": done, "rows_total": total, "fraction": round(done / total, 4) if total else 0,
                           "rows_per_s": round(rate, 1), "eta_s": None if eta is None else round(eta, 1),
                           "elapsed_s": round(elapsed, 1) if job.get("started") else 0.0}
        return job

    # ------------------------------------------------------------------ results
    def queue(self, job_id: str) -> list[dict]:
        items = self._queues.get(job_id)
        if items is None:
            items = self._queues[job_id] = read_queue(self.root / job_id / QUEUE_FILE)
        return items

    def download(self, job_id: str, fmt: str) -> Path:
        """The mapped file as xlsx (text cells) or csv (formula-like cells quoted), written once."""
        folder = self.root / job_id
        path = folder / DOWNLOADS[fmt]
        if not path.exists():
            df = read_table(folder / MAPPED)
            tmp = folder / f"tmp-{uuid.uuid4().hex[:8]}.{fmt}"
            write_table(df, tmp, csv_safe_cells=fmt == "csv")
            tmp.replace(path)
        return path


def _alive(owner: str | None) -> bool:
    """Is the process that runs a job still there? Another host's process is taken to be (its own server
    marks it when it restarts); on this host, a pid that is gone (or is this very process, restarted) is not."""
    host, _, pid = (owner or "").rpartition(":")
    if not pid.isdigit() or host != socket.gethostname():
        return bool(owner) and host != socket.gethostname()
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
