"""How LLM answers change a match.

Expansion -> extra anchors (the description, then the keywords, in match-text form) embedded with the
query's own; in matching they propose codes (``via`` "llm") and give each catalog row the llm signal

    llm = w_desc * cos(row, description) + w_kw * max cos(row, keyword) + w_direct * cos(row, query anchors)
          + w_sty * [row STY among the LLM's STYs]

and the dense term of the score becomes max(dense, llm): the expansion adds evidence, the query's own
never weakens. Re-rank -> ``apply_rerank``: agreement raises the engine's confidence, a different pick
wins only where the engine is unsure.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ray_app.llm.parse import Expansion, Rerank
from ray_app.result import MatchResult
from ray_app.text.normalize import match_text


def expansion_anchors(exp: Expansion, existing: list[str]) -> tuple[list[str], list[str]]:
    """(anchors, kinds): the description ("desc") then the keywords ("kw"), new ones only."""
    seen, anchors, kinds = set(existing), [], []
    for text, kind in [(exp.description, "desc"), *((k, "kw") for k in exp.keywords)]:
        a = match_text(text)
        if a and a not in seen:
            seen.add(a)
            anchors.append(a)
            kinds.append(kind)
    return anchors, kinds


def llm_signal(si, rows: np.ndarray, direct: np.ndarray, llm_vecs: np.ndarray, kinds: list[str],
               stys: list[str], cfg) -> np.ndarray:
    """The llm signal of every pooled row (see the module docstring); ``direct`` is the dense signal."""
    vecs = np.asarray(si.vectors[rows])
    sims = vecs @ llm_vecs.T if len(kinds) else np.zeros((len(rows), 0), np.float32)
    k = np.asarray(kinds)
    desc = sims[:, k == "desc"].max(axis=1) if (k == "desc").any() else np.zeros(len(rows), np.float32)
    kw = sims[:, k == "kw"].max(axis=1) if (k == "kw").any() else np.zeros(len(rows), np.float32)
    sty = np.isin(si.row_sty_name[rows], list(stys)).astype(np.float32) if stys else np.zeros(len(rows), np.float32)
    out = cfg.w_desc * desc + cfg.w_kw * kw + cfg.w_direct * direct + cfg.w_sty * sty
    return out.astype(np.float32)


def apply_rerank(r: MatchResult, pick: Rerank, cfg, review_threshold: float) -> MatchResult:
    """The re-ranker chose ``pick.code`` from ``r``'s shortlist (validated by ``parse_rerank``)."""
    if not r.candidates:
        return r
    top = r.candidates[0]
    if pick.code == top.code:
        conf = round(r.confidence + cfg.agree_weight * (1.0 - r.confidence), 4)
        flags = [f for f in r.flags if f != "needs_review"] if conf >= review_threshold else list(r.flags)
        return replace(r, confidence=conf, flags=flags, llm_reason=pick.reason)
    if r.confidence >= cfg.override_below:  # the engine is sure: keep its answer, say that the LLM differs
        return replace(r, flags=[*r.flags, "llm_disagrees"], llm_reason=pick.reason)
    chosen = next(c for c in r.candidates if c.code == pick.code)
    rest = [c for c in r.candidates if c.code != pick.code]
    cands = [replace(c, rank=i + 1) for i, c in enumerate([chosen, *rest])]
    flags = list(dict.fromkeys([*r.flags, "llm_reranked",
                                *(["needs_review"] if r.confidence < review_threshold else [])]))
    return replace(r, code=chosen.code, description=chosen.description, sty=chosen.sty, tty=chosen.tty,
                   candidates=cands, flags=flags, llm_reason=pick.reason)
