"""Gates: a winner that is not what the input asked for keeps first place only when nothing that is comes close.

The kind gate:

Why: the type prior is one weighted signal, so a finding that repeats the input's words ("Occult blood in
stools") can outscore the test a Lab input means ("Screening for occult blood in feces") by a hair. When
the winner's type fit is low (below ``kind_gate_low``) and a code of the kind the entity type means (fit
at least ``kind_gate_high``) scores within ``kind_margin`` of it, that code moves to first place. A
wrong-kind code still wins when nothing of the right kind comes close (the input really is a finding).

The brand gate: a medicine written by its brand ("lantus 10 units nightly") means that brand's product.
The brand's ingredient anchor ("insulin glargine") matches the bare ingredient word for word, so the
ingredient or an unbranded drug can outscore the branded one; a product of the stated brand within
``brand_margin`` of such a winner takes first place, when its drug structure fits at least as well (a
branded 10 mg tablet does not replace the unbranded 25 mg one the input asked for). A brand named without a
strength selects only its strength-free products: choosing one of its strengths would be a guess
("compazine" is not its 10 mg tablet; with none strength-free, the ingredient stays); nor does a product of
the brand in another dose form than the stated one take first place (a [Semglee] vial for a Semglee pen).
"""
from __future__ import annotations

import numpy as np

from ray_app.match.aggregate import CodeScores
from ray_app.text.drugs import SAME_FORM, form_fit


def gate(agg: CodeScores, fit: np.ndarray, cfg) -> CodeScores:
    """``fit``: the entity-type fit of each code's best string (the ``sty`` signal), aligned with ``agg``."""
    if cfg.kind_margin <= 0 or len(agg.score) < 2:
        return agg
    top = int(np.argmax(agg.score))
    if fit[top] >= cfg.kind_gate_low:
        return agg
    return _promote(agg, top, fit >= cfg.kind_gate_high, cfg.kind_margin)


def brand_products(drug_q, parsed) -> np.ndarray:
    """Per pool code (``parsed``: its best string's ``ParsedDrug``), whether the brand gate may promote it: a
    product of the brand the query ``drug_q`` names, stating no strength the query does not and no other dose
    form than the query's (a [Semglee] vial is not the Semglee pen the input asked for)."""
    def fits(p) -> bool:
        return ((bool(drug_q.strengths) or not p.strengths)
                and (not drug_q.form or not p.form or form_fit(drug_q.form, p.form) >= SAME_FORM))

    return np.array([p.brand == drug_q.brand and fits(p) for p in parsed], dtype=bool)


def brand_gate(agg: CodeScores, is_brand: np.ndarray, drug_fit: np.ndarray, margin: float) -> CodeScores:
    """``is_brand``: per pool code, whether its best string is a product of the brand the query states;
    ``drug_fit``: that string's drug-structure fit (the ``drug`` signal), aligned with ``agg``."""
    if margin <= 0 or len(agg.score) < 2:
        return agg
    top = int(np.argmax(agg.score))
    return agg if is_brand[top] else _promote(agg, top, is_brand & (drug_fit >= drug_fit[top]), margin)


def _promote(agg: CodeScores, top: int, right: np.ndarray, margin: float) -> CodeScores:
    """The best ``right`` code within ``margin`` of the winner ``top`` moves to first place."""
    close = np.flatnonzero(right & (agg.score >= agg.score[top] - margin))
    if not len(close):
        return agg
    best = int(close[np.argmax(agg.score[close])])
    score = agg.score.copy()
    score[best] = score[top] + 1e-4  # first, and the scores below keep their order
    return CodeScores(score=score, best=agg.best, second=agg.second)
