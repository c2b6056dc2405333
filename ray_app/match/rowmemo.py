"""Per-row analysis of catalog strings, computed on first use and kept: it does not depend on the query,
and the same rows come back in the pools of many queries."""
from __future__ import annotations

from typing import Callable

import numpy as np


class RowMemo:
    """``get(rows)`` = ``fn(rows)`` for rows never seen, the stored values for the rest (not computed for
    the whole catalog at load: a replica or a small job would pay for rows it never scores)."""

    def __init__(self, n_rows: int, fn: Callable[[np.ndarray], np.ndarray], dtype):
        self.values = np.zeros(n_rows, dtype=dtype)
        self.done = np.zeros(n_rows, dtype=bool)
        self.fn = fn

    def get(self, rows: np.ndarray) -> np.ndarray:
        todo = rows[~self.done[rows]]
        if len(todo):
            todo = np.unique(todo)
            self.values[todo] = self.fn(todo)
            self.done[todo] = True  # after the values: a concurrent reader never sees a row done but unset
        return self.values[rows]
