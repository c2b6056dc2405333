"""Progress lines for the job log: rows done, rows/s, ETA, distinct queries."""
from __future__ import annotations

import time
from typing import Callable


class Progress:
    def __init__(self, total_rows: int | None, fraction: Callable[[], float | None], every: float,
                 log: Callable[[str], None], start_rows: int = 0):
        self.total, self.fraction, self.every, self.log = total_rows, fraction, every, log
        self.t0 = self.last = time.perf_counter()
        self.start_rows = start_rows

    def matching(self, block: int, done: int, total: int) -> None:
        """Between blocks: how far the block being matched is (a big first block takes a while)."""
        now = time.perf_counter()
        if now - self.last >= self.every:
            self.last = now
            self.log(f"[map] block {block}: {done:,}/{total:,} new distinct queries matched "
                     f"({now - self.t0:.0f}s elapsed)")

    def update(self, rows: int, distinct: int, blocks: int, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self.last < self.every:
            return
        self.last = now
        elapsed = max(now - self.t0, 1e-9)
        rate = (rows - self.start_rows) / elapsed
        if self.total:
            frac = rows / self.total if self.total else 1.0
            eta = (self.total - rows) / rate if rate > 0 else float("inf")
            where = f"{rows:,}/{self.total:,} rows ({frac:.1%})"
        else:
            f = self.fraction()
            eta = elapsed * (1 - f) / f if f else float("inf")
            where = f"{rows:,} rows (~{f:.1%} of the input bytes)" if f is not None else f"{rows:,} rows"
        eta_s = "-" if eta == float("inf") else (f"{eta / 60:.0f}m{eta % 60:02.0f}s" if eta >= 60 else f"{eta:.0f}s")
        ratio = f", {rows / distinct:.1f} rows per distinct" if distinct else ""
        self.log(f"[map] {where}, {rate:,.0f} rows/s, ETA {eta_s}; {distinct:,} distinct queries{ratio}; "
                 f"{blocks} block(s) written")
