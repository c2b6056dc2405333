"""Scoring pieces that need no index: the entity-type -> semantic-type prior and the confidence."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

# How well a UMLS semantic type fits an entity type (1 = expected, 0 = implausible). A prior, not a
# filter: a strong lexical/dense match of another type can still win. Unlisted STYs get NEUTRAL.
STY_PRIOR: dict[str, dict[str, float]] = {
    "Diagnosis": {
        "Disease or Syndrome": 1.0, "Finding": 1.0, "Sign or Symptom": 1.0, "Mental or Behavioral Dysfunction": 1.0,
        "Injury or Poisoning": 0.95, "Neoplastic Process": 1.0, "Pathologic Function": 0.9,
        "Anatomical Abnormality": 0.85, "Congenital Abnormality": 0.9, "Acquired Abnormality": 0.85,
        "Cell or Molecular Dysfunction": 0.7, "Clinical Attribute": 0.35, "Laboratory or Test Result": 0.5,
        "Organism": 0.2, "Body Part, Organ, or Organ Component": 0.1, "Pharmacologic Substance": 0.05,
        "Therapeutic or Preventive Procedure": 0.1, "Diagnostic Procedure": 0.1, "Laboratory Procedure": 0.1,
        "Qualitative Concept": 0.15, "Medical Device": 0.05, "Population Group": 0.1,
    },
    "Procedure": {
        "Therapeutic or Preventive Procedure": 1.0, "Diagnostic Procedure": 1.0, "Laboratory Procedure": 0.75,
        "Health Care Activity": 0.9, "Educational Activity": 0.6, "Research Activity": 0.5,
        "Clinical Attribute": 0.2, "Medical Device": 0.2, "Finding": 0.2, "Disease or Syndrome": 0.1,
        "Body Part, Organ, or Organ Component": 0.1, "Qualitative Concept": 0.1, "Organism": 0.05,
        "Pharmacologic Substance": 0.05,
    },
    "Lab": {
        "Laboratory Procedure": 1.0, "Diagnostic Procedure": 0.7, "Laboratory or Test Result": 0.8,
        "Clinical Attribute": 0.6, "Finding": 0.35, "Therapeutic or Preventive Procedure": 0.3,
        "Health Care Activity": 0.3, "Disease or Syndrome": 0.15, "Organism": 0.2,
        "Pharmacologic Substance": 0.1, "Body Substance": 0.2, "Body Part, Organ, or Organ Component": 0.05,
        "Qualitative Concept": 0.1,
    },
    "Medicine": {"Clinical Drug": 1.0, "Pharmacologic Substance": 0.9, "Antibiotic": 0.9,
                 "Organic Chemical": 0.6, "Vitamin": 0.8},
}
NEUTRAL = 0.4

# Words that change what a concept means ("Family history of asthma" is not asthma). A candidate that
# adds one the query did not say is penalised per word; a query that says it is unaffected.
CONTEXT_WORDS = frozenset({
    "history", "family", "fear", "suspected", "screening", "risk", "absent", "no", "not", "without",
    "negative", "resolved", "past", "concern", "concerned", "assessment", "education", "referral",
    "monitoring", "observation", "excluded", "denied", "unlikely", "threatened", "prevention",
    "prophylaxis", "counseling", "counselling", "advice", "care", "management", "secondary", "metastatic",
    "malignant", "benign", "congenital", "chronic", "acute", "recurrent", "maternal", "fetal", "neonatal",
    "postoperative", "postpartum", "allergy", "allergic", "adverse", "reaction", "poisoning", "overdose",
    "abuse", "dependence", "withdrawal", "induced", "due", "caused", "associated", "complication",
})


_CONTEXT_BIT = {w: 1 << i for i, w in enumerate(sorted(CONTEXT_WORDS))}  # 58 words: one uint64 per row


def context_bits(texts: list[str]) -> np.ndarray:
    """Per text, the ``CONTEXT_WORDS`` it says (its whitespace words) as bits of a uint64."""
    out = np.zeros(len(texts), dtype=np.uint64)
    for i, t in enumerate(texts):
        bits = 0
        for w in CONTEXT_WORDS.intersection(t.split()):
            bits |= _CONTEXT_BIT[w]
        out[i] = bits
    return out


def context_count(row_bits: np.ndarray, query_words: set[str]) -> np.ndarray:
    """``context_penalty`` from the rows' ``context_bits``: the words a row says that the query did not."""
    said = 0
    for w in CONTEXT_WORDS.intersection(query_words):
        said |= _CONTEXT_BIT[w]
    return np.bitwise_count(row_bits & ~np.uint64(said)).astype(np.float32)


def context_penalty(query_words: set[str], candidate_texts: list[str]) -> np.ndarray:
    """Count of meaning-changing words each candidate adds to the query (0, 1, 2, ...)."""
    out = np.zeros(len(candidate_texts), dtype=np.float32)
    for i, t in enumerate(candidate_texts):
        extra = CONTEXT_WORDS.intersection(t.split()) - query_words
        out[i] = len(extra)
    return out


def sty_prior_matrix(sty_vocab: list[str], priors: dict[str, dict[str, float]] = STY_PRIOR) -> dict[str, np.ndarray]:
    """entity type -> prior per STY id, with one extra slot at the end for rows without an STY."""
    out = {}
    for etype, table in priors.items():
        out[etype] = np.array([table.get(s, NEUTRAL) for s in sty_vocab] + [NEUTRAL], dtype=np.float32)
    return out


def kind_prior_matrix() -> dict[str, np.ndarray]:
    """entity type -> prior per concept kind (catalog.kinds.KINDS order)."""
    from ray_app.catalog.kinds import KIND_PREFERENCE, KINDS, kind_preference

    return {et: np.array([kind_preference(et, k) for k in KINDS], dtype=np.float32) for et in KIND_PREFERENCE}


# Logistic model of "the top-1 code is right" from the winner's signals, fitted on the dev sets by
# benchmarks/calibrate.py (re-run it after changing the scoring), so confidence reads as a probability.
CONFIDENCE_FEATURES = ("score", "margin", "dense", "fuzzy", "lexical", "sty")
CONFIDENCE_COEF = {"intercept": -11.9319, "score": 4.6896, "margin": 2.5317, "dense": 6.3205, "fuzzy": -1.5099, "lexical": 1.2302, "sty": 3.1176}


def confidence_features(candidates) -> list[float]:
    """The model's inputs from ranked candidates (``result.Candidate``)."""
    top = candidates[0]
    runner = candidates[1].score if len(candidates) > 1 else 0.0
    sig = top.signals
    return [top.score, min(max(top.score - runner, 0.0), 0.3), sig.dense, sig.fuzzy, sig.lexical, sig.sty]


def confidence(features) -> float:
    """A calibrated [0, 1] confidence; the needs_review threshold (config.match) is 0.5 by default:
    flagged rows are more likely wrong than right."""
    z = CONFIDENCE_COEF["intercept"] + sum(CONFIDENCE_COEF[n] * float(x) for n, x in zip(CONFIDENCE_FEATURES, features))
    return float(1.0 / (1.0 + np.exp(-z)))


# Weights that can be changed per request (online API), and the candidate signal each one multiplies.
WEIGHT_SIGNALS = {"w_dense": "dense", "w_fuzzy": "fuzzy", "w_lexical": "lexical", "w_sty": "sty", "w_agg": "agreement"}


# beyond the linear signals: the drug fit (w_drug * signals.drug) and the context penalty (-w_context *
# meaning-changing words: what remains of the score), re-weighted from what a candidate carries
EXTRA_WEIGHTS = ("w_drug", "w_context")


def rescore(candidates: list, base: dict[str, float], weights: dict[str, float]) -> list:
    """Re-rank a shortlist (``result.Candidate``) under other weights, from the signals it carries.

    A candidate's score is sum(weight * signal) over WEIGHT_SIGNALS, plus w_drug * drug, minus w_context x
    the meaning-changing words (the remainder, so it scales with w_context; 0 stays 0 when the engine ran
    with w_context = 0: the count is unknown). The base weights reproduce the original scores exactly. The
    agreement signal is the second string's score under the base weights (an approximation when they change).
    """
    used = [(w, s) for w, s in WEIGHT_SIGNALS.items() if w in base]
    wd0, wc0 = base.get("w_drug", 0.0), base.get("w_context", 0.0)
    wd, wc = weights.get("w_drug", wd0), weights.get("w_context", wc0)
    out = []
    for c in candidates:
        linear = sum(base[w] * getattr(c.signals, s) for w, s in used)
        moved = round(float(c.score - linear + sum(weights.get(w, base[w]) * getattr(c.signals, s) for w, s in used)), 4)
        rest = c.score - linear - wd0 * c.signals.drug  # -w_context * n (and rounding)
        extra = (wd - wd0) * c.signals.drug + (rest * (wc / wc0 - 1.0) if wc0 else 0.0)
        out.append(replace(c, score=round(float(moved + extra), 4)))
    out.sort(key=lambda c: -c.score)
    return [replace(c, rank=r + 1) for r, c in enumerate(out)]
