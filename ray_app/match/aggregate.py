"""Per-code aggregation: a code scores as its best string, plus ``w_agg`` times its second best (a
second string that agrees is evidence; 0 by default, measured to cost accuracy once HPO adds strings)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class CodeScores:
    score: np.ndarray  # per pool code
    best: np.ndarray  # per pool code: position (in the pool's rows) of its best string
    second: np.ndarray  # per pool code: its second-best string's score (0 when it has one string)


def per_code(row_score: np.ndarray, owner: np.ndarray, n_codes: int, w_agg: float) -> CodeScores:
    order = np.lexsort((-row_score, owner))
    first = np.r_[True, owner[order][1:] != owner[order][:-1]]
    best = order[first]
    second = np.zeros(n_codes, dtype=np.float32)
    is_second = np.r_[False, first[:-1]] & ~first
    second[owner[order][is_second]] = row_score[order][is_second]
    return CodeScores(score=row_score[best] + w_agg * second, best=best, second=second)


def doubt(agg: CodeScores, doubtful: np.ndarray, w: float) -> CodeScores:
    """Each code marked ``doubtful`` (per pool code) loses ``w``: of two codes that fit alike, the one whose
    strings agree on what it is goes first."""
    if w <= 0 or not doubtful.any():
        return agg
    return CodeScores(score=agg.score - w * doubtful, best=agg.best, second=agg.second)
