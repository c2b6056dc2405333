"""Ranking metrics: acc@k, MRR, and accuracy against coverage at confidence thresholds."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

import numpy as np

K_EVAL = 10
KS = (1, 5, 10)
THRESHOLDS = tuple(round(0.1 * i, 1) for i in range(10))


def catalog_codes(bundle) -> dict[str, set[str]]:
    """system -> set of codes; ``bundle`` is an IndexBundle, or a mapping system -> iterable of codes."""
    if bundle is None:
        return {}
    if isinstance(bundle, Mapping):
        return {s: {str(c) for c in codes} for s, codes in bundle.items()}
    return {s: {str(c) for c in si.codes} for s, si in bundle.systems.items()}


def first_hit_rank(ranked: list[str], gold: Iterable[str], k: int = K_EVAL) -> int:
    """1-based rank of the first acceptable code in the top k; 0 when none is there."""
    gold = set(gold)
    for r, code in enumerate(ranked[:k], 1):
        if code in gold:
            return r
    return 0


def rank_metrics(ranks: np.ndarray) -> dict:
    """ranks: 1-based rank of the first hit per row, 0 = miss."""
    n = int(len(ranks))
    if n == 0:
        return {"n": 0, **{f"acc@{k}": None for k in KS}, "mrr": None}
    hit = ranks > 0
    out: dict[str, Any] = {"n": n}
    for k in KS:
        out[f"acc@{k}"] = round(float(np.mean(hit & (ranks <= k))), 4)
    out["mrr"] = round(float(np.mean(np.where(hit, 1.0 / np.maximum(ranks, 1), 0.0))), 4)
    return out


def confidence_metrics(ranks: np.ndarray, conf: np.ndarray, review: np.ndarray,
                       thresholds: Iterable[float] = THRESHOLDS) -> dict:
    n = len(ranks)
    top1 = ranks == 1
    kept = ~review
    out = {
        "abstain_rate": round(float(review.mean()), 4) if n else None,
        "acc@1_answered": round(float(top1[kept].mean()), 4) if kept.any() else None,
        "answered": int(kept.sum()),
        "thresholds": [],
    }
    for t in thresholds:
        sel = conf >= t
        out["thresholds"].append({"threshold": t, "coverage": round(float(sel.mean()), 4) if n else None,
                                  "n": int(sel.sum()),
                                  "acc@1": round(float(top1[sel].mean()), 4) if sel.any() else None})
    return out
