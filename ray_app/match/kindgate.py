"""The kind gate: a wrong-kind winner keeps first place only when no right-kind code is close.

Why: the type prior is one weighted signal, so a finding that repeats the input's words ("Occult blood in
stools") can outscore the test a Lab input means ("Screening for occult blood in feces") by a hair. When
the winner's type fit is low (below ``kind_gate_low``) and a code of the kind the entity type means (fit
at least ``kind_gate_high``) scores within ``kind_margin`` of it, that code moves to first place. A
wrong-kind code still wins when nothing of the right kind comes close (the input really is a finding).
"""
from __future__ import annotations

import numpy as np

from ray_app.match.aggregate import CodeScores


def gate(agg: CodeScores, fit: np.ndarray, cfg) -> CodeScores:
    """``fit``: the entity-type fit of each code's best string (the ``sty`` signal), aligned with ``agg``."""
    if cfg.kind_margin <= 0 or len(agg.score) < 2:
        return agg
    top = int(np.argmax(agg.score))
    if fit[top] >= cfg.kind_gate_low:
        return agg
    close = np.flatnonzero((fit >= cfg.kind_gate_high) & (agg.score >= agg.score[top] - cfg.kind_margin))
    if not len(close):
        return agg
    best = int(close[np.argmax(agg.score[close])])
    score = agg.score.copy()
    score[best] = score[top] + 1e-4  # first, and the scores below keep their order
    return CodeScores(score=score, best=agg.best, second=agg.second)
