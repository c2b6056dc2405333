"""Signals: every string of every pooled code scored against the query's anchors.

dense (cosine from the memmapped vectors, one small matmul), fuzzy (RapidFuzz in two stages: cheap
``ratio`` over all, ``token_set_ratio`` on the best ``fuzzy_prefilter``), lexical (IDF-weighted word
overlap), sty (the entity type's prior for the row's semantic type), drug (RxNorm structure fit) and the
context penalty (meaning-changing words the query did not say). ``row_score`` weighs them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from ray_app.match.candidates import Pool
from ray_app.match.score import context_count


@dataclass
class RowSignals:
    dense: np.ndarray
    fuzzy: np.ndarray
    lexical: np.ndarray
    sty: np.ndarray
    drug: np.ndarray
    context: np.ndarray  # count of meaning-changing words each row adds (0 when w_context is 0)
    llm: np.ndarray | None = None  # the LLM expansion blend (ray_app.llm.combine), None without an expansion


def type_fit(si, rows: np.ndarray, sty_prior: np.ndarray | None, kind_prior: np.ndarray | None, mode: str):
    """How well each row's concept fits the entity type (``match.type_prior``): the concept-kind prior
    (``kind``: also covers codes without an STY, from their FSN tag or wording) or the STY prior (``sty``)."""
    if sty_prior is None:
        return np.full(len(rows), 0.5, np.float32)
    if mode == "sty" or kind_prior is None:
        return sty_prior[si.row_sty[rows]]
    if mode == "kind":
        return kind_prior[si.row_kind[rows]]
    raise ValueError(f"match.type_prior must be kind or sty; got {mode!r}")


def compute(si, pool: Pool, anchors: list[str], avecs: np.ndarray, lex_q, sty: np.ndarray,
            drug_fit: np.ndarray | None, cfg) -> RowSignals:
    """``sty``: the rows' entity-type fit (``type_fit``), carried as the ``sty`` signal."""
    rows = pool.rows
    dense = (np.asarray(si.vectors[rows]) @ avecs.T).max(axis=1)
    texts = [si.row_text[r] for r in rows]
    ratio = process.cdist(anchors, texts, scorer=fuzz.ratio, dtype=np.float32,
                          workers=cfg.fuzzy_workers).max(axis=0) / 100.0
    fuzzy = ratio.copy()
    keep = np.argsort(-(ratio + dense))[: cfg.fuzzy_prefilter]
    if len(keep):
        tsr = process.cdist(anchors, [texts[j] for j in keep], scorer=fuzz.token_set_ratio,
                            dtype=np.float32, workers=cfg.fuzzy_workers).max(axis=0) / 100.0
        fuzzy[keep] = (ratio[keep] + tsr) / 2.0
    lexical = np.zeros(len(rows), dtype=np.float32)
    for ids, mass in lex_q:
        lexical = np.maximum(lexical, si.lexical.overlap(ids, mass, rows))
    context = np.zeros(len(rows), dtype=np.float32)
    if cfg.w_context:
        qwords = {w for a in anchors for w in a.split()}
        context = np.minimum(context_count(si.context_bits.get(rows), qwords), 2.0)
    drug = drug_fit if drug_fit is not None else np.zeros(len(rows), dtype=np.float32)
    return RowSignals(dense=dense, fuzzy=fuzzy, lexical=lexical, sty=sty, drug=drug, context=context)


def row_score(sig: RowSignals, cfg, with_drug: bool) -> np.ndarray:
    dense = sig.dense if sig.llm is None else np.maximum(sig.dense, sig.llm)
    score = cfg.w_dense * dense + cfg.w_fuzzy * sig.fuzzy + cfg.w_lexical * sig.lexical + cfg.w_sty * sig.sty
    if cfg.w_context:
        score = score - cfg.w_context * sig.context
    if with_drug:
        score = score + cfg.w_drug * sig.drug
    return score
