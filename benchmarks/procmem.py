"""Process memory from /proc (Linux; no psutil needed): RSS, PSS, USS of a process and of a process tree."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path


def mem(pid: int) -> dict[str, int]:
    """Bytes: rss (resident), pss (proportional: shared pages split among sharers), uss (private)."""
    out = {"rss": 0, "pss": 0, "uss": 0}
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 2 or not parts[1].isdigit():
            continue
        kb = int(parts[1]) * 1024
        key = parts[0].rstrip(":")
        if key == "Rss":
            out["rss"] = kb
        elif key == "Pss":
            out["pss"] = kb
        elif key in ("Private_Clean", "Private_Dirty"):
            out["uss"] += kb
    return out


def children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (walks /proc once)."""
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        for c in kids.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class TreeSampler:
    """Samples the RSS/PSS of this process and all its descendants (a local Ray started by ray.init:
    GCS, raylet, workers) every ``every`` seconds; keeps the peaks."""

    def __init__(self, every: float = 0.5):
        self.every, self.peak = every, {"driver_rss": 0, "tree_rss": 0, "tree_pss": 0, "workers_rss": 0}
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            d = mem(me)
            kids = [mem(p) for p in children(me)]
            tree_rss = d["rss"] + sum(k["rss"] for k in kids)
            tree_pss = d["pss"] + sum(k["pss"] for k in kids)
            for key, val in (("driver_rss", d["rss"]), ("tree_rss", tree_rss), ("tree_pss", tree_pss),
                             ("workers_rss", sum(k["rss"] for k in kids))):
                self.peak[key] = max(self.peak[key], val)
            time.sleep(self.every)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
