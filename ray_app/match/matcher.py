"""Matcher.match_batch: the one matching path behind every driver (file jobs, Serve, eval, the CLI).

Per batch and system one FAISS search over every anchor of every query; then per query the stage chain

    candidates (exact, drug, dense, lexical) -> signals -> per-code aggregation -> decision

each stage a module of this package (``candidates``, ``signals``, ``aggregate``, ``decide``).
"""
from __future__ import annotations

import numpy as np

from ray_app.catalog.kinds import KINDS, stated_kind
from ray_app.config import Config
from ray_app.embed import encode_anchors
from ray_app.index.bundle import IndexBundle, SystemIndex
from ray_app.match import aggregate, broader, candidates, decide, kindgate, llmrows, signals
from ray_app.match.score import kind_prior_matrix, sty_prior_matrix
from ray_app.result import MatchResult, unmapped


class Matcher:
    def __init__(self, bundle: IndexBundle, config: Config, embedder=None):
        self.bundle = bundle
        self.cfg = config.match
        self.llm_cfg = config.llm
        self.embedder = embedder
        self.priors = sty_prior_matrix(bundle.sty)
        self.kind_priors = kind_prior_matrix()
        unknown = set(self.cfg.sources) - set(candidates.SOURCES)
        if unknown:
            raise ValueError(f"match.sources: unknown source(s) {sorted(unknown)}; known: {list(candidates.SOURCES)}")

    def match_batch(self, queries: list, anchor_vectors: list[np.ndarray] | None = None) -> list[MatchResult]:
        """``queries``: ``batch.prepare.Query`` s. Returns one result per query, in the same order.
        ``anchor_vectors`` (one array per query) come from an embedding actor; else they are encoded here."""
        if anchor_vectors is None:
            if self.embedder is None:
                raise RuntimeError("Matcher has no embedder: pass anchor vectors or construct it with one")
            anchor_vectors = encode_anchors(self.embedder, [q.anchors for q in queries], self.bundle.dim)
        out: list[MatchResult | None] = [None] * len(queries)
        for system in sorted({q.system for q in queries if q.system}):
            si = self.bundle.systems.get(system)
            members = [i for i, q in enumerate(queries) if q.system == system and q.anchors]
            if si is None:
                for i in members:
                    out[i] = unmapped(system, ["system_not_in_index"])
                continue
            if not members:
                continue
            owner = np.concatenate([np.full(len(queries[i].anchors), i) for i in members])
            qmat = np.ascontiguousarray(np.vstack([anchor_vectors[i] for i in members]), dtype=np.float32)
            dist, ids = si.faiss_index.search(qmat, min(self.cfg.dense_k, si.n_rows))
            for i in members:
                sel = owner == i
                out[i] = self.rank(si, queries[i], anchor_vectors[i], dist[sel], ids[sel])
        return [r if r is not None else unmapped(q.system or "", ["not_matched"]) for q, r in zip(queries, out)]

    def rank(self, si: SystemIndex, q, avecs: np.ndarray, dist: np.ndarray, ids: np.ndarray) -> MatchResult:
        """The stage chain for one query against one system."""
        cfg, on = self.cfg, set(self.cfg.sources)
        direct = q.direct_anchors  # the query's own anchors; the rest came from an LLM expansion
        n = len(direct)
        drug_q, drug_rows, drug_fit = self._drug(si, q)
        lex_q = [si.lexical.query(a) for a in direct]
        lexical_on = "lexical" in on and cfg.w_lexical > 0
        skip, ids, code_end = llmrows.switched_off(si, ids, cfg.llm_rows_weight)
        pool = candidates.pool(si, {
            "exact": candidates.exact(si, direct, skip) if "exact" in on else [],
            "drug": candidates.drug(si, drug_q, drug_rows, drug_fit, cfg.drug_codes) if "drug" in on else [],
            "dense": candidates.dense(si, dist[:n], ids[:n], cfg.max_codes) if "dense" in on else [],
            "lexical": candidates.lexical(si, lex_q, cfg.lexical_k, skip) if lexical_on else [],
            "specimen": candidates.specimen(si, direct) if "specimen" in on and q.entity_type == "Lab" else [],
            "llm": candidates.dense(si, dist[n:], ids[n:], self.llm_cfg.pool_codes) if len(q.anchors) > n else [],
        }, cfg.max_strings_per_code, code_end)
        if not len(pool.codes):
            return unmapped(si.system, ["not_matched"])
        pool_fit = _pool_fit(si, drug_q, drug_rows, drug_fit, pool.rows) if drug_q is not None else None
        fit = signals.type_fit(si, pool.rows, self.priors.get(q.entity_type), self._kind_prior(q), cfg.type_prior)
        sig = signals.compute(si, pool, direct, avecs[:n], lex_q, fit, pool_fit, cfg)
        if len(q.anchors) > n:
            from ray_app.llm.combine import llm_signal

            sig.llm = llm_signal(si, pool.rows, sig.dense, avecs[n:], q.llm_kinds, q.llm_stys, self.llm_cfg)
        score = llmrows.weigh(si, pool.rows, signals.row_score(sig, cfg, drug_q is not None), cfg.llm_rows_weight)
        agg = aggregate.per_code(score, pool.owner, len(pool.codes), cfg.w_agg)
        if si.drugs is not None:  # RxNorm: a code whose strings name different drugs is a doubtful target
            agg = aggregate.doubt(agg, si.mixed_codes[pool.codes], cfg.w_mixed)
        covered = {}
        if si.drugs is None:  # SNOMED CT: prefer a broader concept over a more specific, different one
            agg, covered = broader.refine(si, pool, agg, direct, cfg, sig.sty[agg.best], q.entity_type)
        agg = kindgate.gate(agg, sig.sty[agg.best], cfg)
        if drug_q is not None and drug_q.brand:
            brand = kindgate.brand_products(drug_q, [si.drugs.parsed[r] for r in pool.rows[agg.best]])
            agg = kindgate.brand_gate(agg, brand, sig.drug[agg.best], cfg.brand_margin)
        broader_concept = covered.get(int(np.argmax(agg.score)), 1.0) < 1.0 - cfg.broader_tolerance
        return decide.decide(decide.candidates(si, pool, sig, agg, cfg.top_k), cfg.review_threshold, drug_q,
                             cfg.no_match_threshold, broader_concept)

    def _kind_prior(self, q):
        """The entity type's kind prior, with the kind the input itself states ("fh: asthma": a situation)
        as expected as the type's own kinds."""
        prior = self.kind_priors.get(q.entity_type)
        if prior is None or not self.cfg.stated_kind:
            return prior
        own = stated_kind(" | ".join([q.text, *q.direct_anchors]))
        if own is None:
            return prior
        prior = prior.copy()
        prior[KINDS.index(own)] = 1.0
        return prior

    def _drug(self, si: SystemIndex, q):
        """The query's drug parse resolved against this catalog's ingredients, with the ingredients' rows
        and their structure fit; (None, None, None) when the drug signal does not apply."""
        if si.drugs is None or q.entity_type != "Medicine" or self.cfg.w_drug <= 0 or q.drug is None:
            return None, None, None
        drug_q = si.drugs.resolve(q.drug)
        if not drug_q.names:
            return None, None, None
        rows = si.drugs.rows_for(drug_q)
        return drug_q, rows, si.drugs.fit(drug_q, rows)


def _pool_fit(si: SystemIndex, drug_q, rows: np.ndarray, fit: np.ndarray, pool_rows: np.ndarray) -> np.ndarray:
    """The pool rows' drug-structure fit: read from the ingredient rows' fit (``rows``: sorted, already
    scored) where a pool row is one of them, computed for the rest (scoring each row twice was a third of
    a medicine query's ranking)."""
    out = np.empty(len(pool_rows), dtype=np.float32)
    known = np.zeros(len(pool_rows), dtype=bool)
    if len(rows):
        pos = np.minimum(np.searchsorted(rows, pool_rows), len(rows) - 1)
        known = rows[pos] == pool_rows
        out[known] = fit[pos[known]]
    if not known.all():
        out[~known] = si.drugs.fit(drug_q, pool_rows[~known])
    return out
