"""The decision: rank the pooled codes, name them, and say how sure the engine is.

Only decides; every number it reads was computed by the stages before it. The display name is the code's
preferred term (term-type rank), or the string that matched when it is equally preferred. Confidence is
the calibrated model in ``score``; flags say why a person should look (``needs_review``; below
``match.no_match_threshold`` also ``no_confident_match``: most likely the concept is not in the catalog) or what rule
fired (``ingredient_fallback``: the stated strength/form exists nowhere, the ingredient is returned).
"""
from __future__ import annotations

import numpy as np

from ray_app.match.aggregate import CodeScores
from ray_app.match.candidates import Pool
from ray_app.match.score import confidence, confidence_features
from ray_app.match.signals import RowSignals
from ray_app.result import Candidate, MatchResult, Signals

INGREDIENT_TTYS = ("IN", "PIN", "MIN", "BN")


def candidates(si, pool: Pool, sig: RowSignals, agg: CodeScores, top_k: int) -> list[Candidate]:
    top = np.argsort(-agg.score, kind="stable")[: max(top_k, 1)]
    b = agg.best[top]
    rows, code_ids = pool.rows[b], pool.codes[top]
    disp = si.code_start[code_ids]
    disp = np.where(si.row_tty_rank[rows] == si.row_tty_rank[disp], rows, disp)  # equally preferred: the matched
    # one gather per column, then plain Python values: per-candidate numpy scalar reads were most of this stage
    llm = sig.llm[b].tolist() if sig.llm is not None else [0.0] * len(top)
    cols = zip(top.tolist(), agg.score[top].tolist(), sig.dense[b].tolist(), sig.fuzzy[b].tolist(),
               sig.lexical[b].tolist(), sig.sty[b].tolist(), agg.second[top].tolist(), sig.drug[b].tolist(), llm,
               si.codes[code_ids], si.row_str[disp], si.row_sty_name[disp], si.row_tty[disp], si.row_str[rows])
    return [Candidate(
        rank=rank, system=si.system, code=str(code), description=str(desc), sty=str(sty), tty=str(tty),
        score=round(score, 4), signals=Signals(dense=dense, fuzzy=fuzzy, lexical=lexical, sty=fit, agreement=second,
                                               drug=drug, llm=llm_).rounded(),
        matched=str(matched), via=list(pool.via[c]))
        for rank, (c, score, dense, fuzzy, lexical, fit, second, drug, llm_, code, desc, sty, tty, matched)
        in enumerate(cols, 1)]


def decide(cands: list[Candidate], review_threshold: float, drug_q=None, no_match_threshold: float = 0.0,
           broader_concept: bool = False) -> MatchResult:
    """``broader_concept``: the winner adds nothing the query did not say but does not state all of it
    (``match.broader``)."""
    top = cands[0]
    conf = confidence(confidence_features(cands))
    flags = ["needs_review"] if conf < review_threshold else []
    if conf < no_match_threshold:
        flags.append("no_confident_match")  # the best guess is kept, but nothing here is likely right
    if drug_q is not None and drug_q.strengths and top.tty in INGREDIENT_TTYS:
        flags.append("ingredient_fallback")
    if broader_concept:
        flags.append("broader_concept")
    return MatchResult(system=top.system, code=top.code, description=top.description, sty=top.sty, tty=top.tty,
                       confidence=round(conf, 4), flags=flags, candidates=cands)
