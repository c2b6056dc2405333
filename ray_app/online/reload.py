"""Following a versioned index root in a long-running process (the Serve replicas and the ingress).

A daemon thread polls ``ROOT/current`` (one readlink); when it names another version, the new index is
loaded beside the old one and installed in one attribute assignment. Requests in flight keep the object
they started with and finish on the old version; the next request sees the new one. A version that does
not load (damaged, another embedding model) is reported and skipped: the old one keeps serving.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable

from ray_app.index.versions import is_root, resolve_index_dir


class IndexFollower:
    def __init__(self, path: str | Path, loaded: str | Path, load: Callable[[Path], object],
                 install: Callable[[object, Path], None], poll_s: float, log: Callable[[str], None] = print):
        """``path``: what the process was given (a root, or a plain index dir: then nothing is followed);
        ``loaded``: the version directory already in memory; ``load(dir)`` builds the replacement off to the
        side; ``install(obj, dir)`` swaps it in."""
        self.path, self.dir = Path(path), Path(loaded).resolve()
        self.load, self.install, self.poll_s, self.log = load, install, poll_s, log
        self.error: str | None = None
        self.failed: Path | None = None
        self.switched_at: float | None = None
        self._lock = threading.Lock()  # one load at a time, whoever asks (the thread or an explicit check)
        self.following = poll_s > 0 and is_root(self.path)
        if self.following:
            threading.Thread(target=self._run, name="index-follower", daemon=True).start()

    def _run(self) -> None:
        while True:
            time.sleep(self.poll_s)
            try:
                self.check()
            except Exception as exc:  # a racing pointer read: try again next round
                self.error = f"{type(exc).__name__}: {exc}"

    def check(self) -> bool:
        """Load and install the version ``current`` names now, if it is new; True when it switched."""
        with self._lock:
            target = resolve_index_dir(self.path).resolve()
            if target == self.dir or target == self.failed:
                return False
            t0 = time.perf_counter()
            try:
                obj = self.load(target)
            except Exception as exc:
                self.failed, self.error = target, f"{target.name}: {type(exc).__name__}: {exc}"
                self.log(f"[reload] kept {self.dir.name}: {self.error}")
                return False
            self.install(obj, target)
            self.log(f"[reload] {self.dir.name} -> {target.name} in {time.perf_counter() - t0:.1f}s")
            self.dir, self.failed, self.error, self.switched_at = target, None, None, time.time()
            return True

    def status(self) -> dict:
        return {"following": str(self.path) if self.following else None, "version_dir": self.dir.name,
                "error": self.error}
