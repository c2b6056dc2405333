"""Rows an index took from LLM enrichment (TTY ``LLM``, ``harmonize build --enrich``): extra wordings of a
code that count ``match.llm_rows_weight`` of a catalog string's score. At 0 they are switched off: no
candidate source proposes a code through them and no code is scored on them (FAISS may still spend some
of its ``dense_k`` neighbour slots on them). They are never a display name (``catalog.load.LLM_RANK``).
"""
from __future__ import annotations

import numpy as np


def switched_off(si, ids: np.ndarray, weight: float):
    """(rows to skip, FAISS hits without them, per-code end of the rows to score) for ``weight`` 0;
    (None, ids, None) when LLM rows are on or the index has none."""
    if si.row_llm is None or weight > 0:
        return None, ids, None
    hit = np.clip(ids, 0, None)
    return si.row_llm, np.where((ids >= 0) & si.row_llm[hit], -1, ids), si.own_end


def weigh(si, rows: np.ndarray, score: np.ndarray, weight: float) -> np.ndarray:
    """Row scores with the LLM rows' scaled by ``weight`` (unchanged without LLM rows)."""
    if si.row_llm is None or weight == 1.0 or weight <= 0:  # at 0 the pool holds no LLM rows
        return score
    return np.where(si.row_llm[rows], score * np.float32(weight), score).astype(score.dtype, copy=False)
