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
    out = []
    for rank, c in enumerate(np.argsort(-agg.score, kind="stable")[: max(top_k, 1)], 1):
        b = agg.best[c]
        row = int(pool.rows[b])
        disp = int(si.code_start[pool.codes[c]])
        if si.row_tty_rank[row] == si.row_tty_rank[disp]:
            disp = row  # equally preferred names: show the one that matched
        out.append(Candidate(
            rank=rank, system=si.system, code=str(si.codes[pool.codes[c]]), description=str(si.row_str[disp]),
            sty=str(si.row_sty_name[disp]), tty=str(si.row_tty[disp]), score=round(float(agg.score[c]), 4),
            signals=Signals(dense=sig.dense[b], fuzzy=sig.fuzzy[b], lexical=sig.lexical[b], sty=sig.sty[b],
                            agreement=agg.second[c], drug=sig.drug[b],
                            llm=sig.llm[b] if sig.llm is not None else 0.0).rounded(),
            matched=str(si.row_str[row]), via=list(pool.via[c])))
    return out


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
