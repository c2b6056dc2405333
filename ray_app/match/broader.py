"""The broader-concept fallback for SNOMED CT (the counterpart of the RxNorm ingredient fallback).

Similarity cannot tell a broader concept from a different, more specific one: both share the query's
words. So the best ``broader_k`` codes are re-scored by what their matched string *adds* to the query
(IDF mass of laterality, site, organism, method, population, "with ..." clauses the query did not say;
``match.specificity``), and a winner that adds nothing but does not state everything the query says is
flagged ``broader_concept``. Two additions name a *different* concept outright and cost a fixed amount: a
side the query did not state (``w_side``: with no side given, left and right are guesses) and another
member of an exclusive group than the query's (``w_contradiction``: antibody for antigen, serum for urine,
another drug). One thing earns a fixed amount: a code that states all the query says and adds only detail
after a head of the query's own words (``specificity.says_it_all``), in a kind the entity type means
(``w_complete``): dense similarity favours the shorter, broader string, which is the answer only when no
code says it all. And of two broader codes the closer one wins: each loses ``w_covered`` x the share of the
query it does not state. The ``broader_k`` window widens (to ``broader_max_k``) while every code in it sinks
below the first code not read: such a window held no answer.
"""
from __future__ import annotations

import numpy as np

from ray_app.match.aggregate import CodeScores
from ray_app.match.candidates import Pool
from ray_app.match.specificity import adds_side, contradicts, coverage, says_it_all, tests_analyte


def refine(si, pool: Pool, agg: CodeScores, anchors: list[str], cfg, fit: np.ndarray | None = None,
           entity_type: str | None = None) -> tuple[CodeScores, dict[int, float]]:
    """``agg`` with the top codes penalised by ``w_added`` x (added / query mass), those that say it all
    raised by ``w_complete`` (``fit``: each code's entity-type fit, aligned with ``agg``), and per re-scored
    code the share of the query it covers (for the ``broader_concept`` flag)."""
    if cfg.w_added <= 0 or cfg.broader_k <= 0 or not len(agg.score):
        return agg, {}
    idf = si.lexical.idf_of
    order = np.argsort(-agg.score, kind="stable")
    raw, covered_share = agg.score.copy(), {}
    end = 0
    while True:
        start, end = end, min(end + cfg.broader_k, len(order))
        for c in order[start:end].tolist():
            _rescore(si, pool, agg, anchors, cfg, fit, idf, c, raw, covered_share)
        # re-ranking happens among the best codes only: none falls below the first code not re-scored. A window
        # whose every code sank to that floor held no answer ("carotid ultrasound": ten carotid procedures of
        # other methods), so it widens, up to broader_max_k codes
        floor = float(agg.score[order[end]]) + 1e-6 if end < len(order) else -np.inf
        if end >= min(cfg.broader_max_k, len(order)) or float(raw[order[:end]].max()) > floor:
            break
    top = order[:end]
    score = agg.score.copy()
    score[top] = np.maximum(raw[top], floor)
    if entity_type == "Lab":
        _specimen_fallback(si, pool, agg, anchors, top, score, covered_share)
    return CodeScores(score=score, best=agg.best, second=agg.second), covered_share


def _rescore(si, pool: Pool, agg: CodeScores, anchors: list[str], cfg, fit, idf, c: int, raw: np.ndarray,
             covered_share: dict[int, float]) -> None:
    """Code ``c``'s score (in place on ``raw``, unclamped) and covered share, read by what its best string adds."""
    text = si.row_text[int(pool.rows[agg.best[c]])]
    if cfg.w_side > 0 and adds_side(anchors[0], text):  # the query as written: did it state a side?
        raw[c] -= cfg.w_side
    if cfg.w_contradiction > 0 and any(contradicts(a, text) for a in anchors):
        raw[c] -= cfg.w_contradiction
    best = None
    for a in anchors:  # the anchor the candidate reads best against (as written, or expanded)
        cov, added, mass = coverage(a, text, idf)
        if mass > 0 and (best is None or cov / mass - added / mass > best[0] - best[1]):
            best = (cov / mass, added / mass, a)
    if best is not None:
        complete = ((fit is None or fit[c] >= cfg.kind_gate_high)
                    and says_it_all(best[2], text, idf, cfg.broader_tolerance))
        raw[c] += cfg.w_covered * (best[0] - 1.0) - cfg.w_added * best[1] + (cfg.w_complete if complete else 0.0)
        covered_share[c] = best[0] if best[1] <= cfg.broader_tolerance else 1.0


def _specimen_fallback(si, pool: Pool, agg: CodeScores, anchors: list[str], top: np.ndarray, score: np.ndarray,
                       covered_share: dict[int, float]) -> None:
    """An analyte in a specimen that no top code tests ("ph urine": no urine pH test, only blood pH and
    other urine analytes) is read off the specimen's general examination ("Urinalysis", the ``specimen``
    source): it goes first, flagged broader_concept. In place on ``score`` and ``covered_share``."""
    exams = [c for c, via in enumerate(pool.via) if "specimen" in via]
    if not exams:
        return
    # read against the last anchor, the input as far as expansion takes it ("wbc ur" -> "white blood cell count
    # urine"): abbreviations as written have stray senses
    verdicts = {tests_analyte(anchors[-1], si.row_text[int(pool.rows[agg.best[c]])]) for c in top.tolist()
                if c not in exams}
    if verdicts != {False}:  # a test of it exists, or the input names no analyte
        return
    best = max(exams, key=lambda c: score[c])
    score[best] = float(score.max()) + 1e-4
    covered_share[best] = 0.0
