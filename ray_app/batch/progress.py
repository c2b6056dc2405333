"""Progress for the job log: rows done, rows/s, ETA, distinct queries (``harmonize enrich``: codes done,
with its own note instead of the distinct queries).

Plain lines every ``ray.progress_seconds`` where output goes to a log (Ray Job logs, CI, a pipe); a tqdm
bar on a terminal (``ray.progress_bar``: auto = when stderr is a TTY, on, off), because a person watching
a terminal wants one line that moves, and a log wants lines it can keep.
"""
from __future__ import annotations

import sys
import time
from typing import Callable


def want_bar(mode: str) -> bool:
    if mode not in ("auto", "on", "off"):
        raise ValueError(f"ray.progress_bar must be auto, on or off; got {mode!r}")
    return mode == "on" or (mode == "auto" and sys.stderr.isatty())


class Progress:
    def __init__(self, total_rows: int | None, fraction: Callable[[], float | None], every: float,
                 log: Callable[[str], None], start_rows: int = 0, bar: bool = False, label: str = "map",
                 unit: str = "rows"):
        self.total, self.fraction, self.every, self.log = total_rows, fraction, every, log
        self.label, self.unit = label, unit
        self.t0 = self.last = time.perf_counter()
        self.start_rows = start_rows
        self.bar = None
        if bar:
            from tqdm import tqdm

            self.bar = tqdm(total=total_rows, initial=start_rows, unit=f" {unit}", file=sys.stderr,
                            dynamic_ncols=True, desc=f"[{label}]", smoothing=0.1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def matching(self, block: int, done: int, total: int) -> None:
        """Between blocks: how far the block being matched is (a big first block takes a while)."""
        now = time.perf_counter()
        if self.bar is not None:
            self.bar.set_postfix_str(f"block {block}: {done:,}/{total:,} distinct matched", refresh=True)
            return
        if now - self.last >= self.every:
            self.last = now
            self.log(f"[map] block {block}: {done:,}/{total:,} new distinct queries matched "
                     f"({now - self.t0:.0f}s elapsed)")

    def update(self, rows: int, distinct: int = 0, blocks: int = 0, force: bool = False,
               note: str | None = None) -> None:
        """``note``: what to say after the rate and ETA instead of the distinct queries and blocks."""
        now = time.perf_counter()
        if self.bar is not None:
            if not self.total:  # a CSV's row count is unknown up front: estimated from the bytes read so far
                f = self.fraction()
                self.bar.total = max(rows, round(rows / f)) if f else None
            self.bar.update(rows - self.bar.n)
            self.bar.set_postfix_str(note if note is not None else f"{distinct:,} distinct, {blocks} block(s) written",
                                     refresh=True)
            return
        if not force and now - self.last < self.every:
            return
        self.last = now
        elapsed = max(now - self.t0, 1e-9)
        rate = (rows - self.start_rows) / elapsed
        if self.total:
            frac = rows / self.total if self.total else 1.0
            eta = (self.total - rows) / rate if rate > 0 else float("inf")
            where = f"{rows:,}/{self.total:,} {self.unit} ({frac:.1%})"
        else:
            f = self.fraction()
            eta = elapsed * (1 - f) / f if f else float("inf")
            where = f"{rows:,} rows (~{f:.1%} of the input bytes)" if f is not None else f"{rows:,} rows"
        eta_s = "-" if eta == float("inf") else (f"{int(eta // 60)}m{int(eta % 60):02d}s" if eta >= 60 else f"{eta:.0f}s")
        ratio = f", {rows / distinct:.1f} rows per distinct" if distinct else ""
        rate_s = f"{rate:,.0f}" if rate >= 10 else f"{rate:.2f}"  # LLM enrichment runs at a few codes/s
        self.log(f"[{self.label}] {where}, {rate_s} {self.unit}/s, ETA {eta_s}; " + (
            note if note is not None else f"{distinct:,} distinct queries{ratio}; {blocks} block(s) written"))
