"""Matcher.match_batch: the one matching path shared by the Ray Data job, Ray Serve and the CLI.

Per batch and system: one FAISS search over every anchor of every query; then per query a small pool of
candidate codes whose *all* strings are scored (dense from the memmap, RapidFuzz two-stage, STY prior),
aggregated per code and ranked.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from ray_app.arrays import concat_ranges
from ray_app.config import Config
from ray_app.text.drugs import DrugCatalog, ParsedDrug, parse_query
from ray_app.index.bundle import IndexBundle, SystemIndex
from ray_app.match.score import confidence, confidence_features, context_penalty, sty_prior_matrix

RESULT_COLUMNS = ["system", "code", "description", "sty", "tty", "confidence", "flags", "candidates"]


@dataclass
class Candidate:
    code: str
    description: str
    sty: str
    tty: str
    score: float
    dense: float
    fuzzy: float
    lexical: float
    sty_fit: float
    agreement: float
    drug: float
    matched: str
    via: tuple[str, ...] = ()  # which candidate sources proposed the code: exact, drug, dense, lexical

    def as_dict(self, system: str, rank: int) -> dict:
        return {"rank": rank, "system": system, "code": self.code, "description": self.description,
                "sty": self.sty, "tty": self.tty, "score": round(self.score, 4),
                "signals": {"dense": round(self.dense, 4), "fuzzy": round(self.fuzzy, 4),
                            "lexical": round(self.lexical, 4),
                            "sty": round(self.sty_fit, 4), "agreement": round(self.agreement, 4),
                            "drug": round(self.drug, 4)},
                "matched": self.matched, "via": list(self.via)}


class Matcher:
    def __init__(self, bundle: IndexBundle, config: Config, embedder=None):
        self.bundle = bundle
        self.cfg = config.match
        self.embedder = embedder
        self.priors = sty_prior_matrix(bundle.sty)
        self._exact: dict[str, dict[str, np.ndarray]] = {}
        self._drugs: dict[str, DrugCatalog] = {}
        self._expander = None

    # ------------------------------------------------------------------ anchors -> vectors
    def embed_anchors(self, anchors: list[list[str]]) -> list[np.ndarray]:
        """One encode call for every distinct anchor of the batch."""
        if self.embedder is None:
            raise RuntimeError("Matcher has no embedder: pass anchor vectors or construct it with one")
        flat = list(dict.fromkeys(a for group in anchors for a in group))
        vecs = self.embedder.encode(flat)
        pos = {a: i for i, a in enumerate(flat)}
        return [vecs[[pos[a] for a in group]] if group else np.zeros((0, self.bundle.dim), np.float32)
                for group in anchors]

    def _exact_rows(self, si: SystemIndex) -> dict[str, np.ndarray]:
        if si.system not in self._exact:
            groups = pd.Series(np.arange(si.n_rows)).groupby(si.table["match_text"].to_numpy()).indices
            self._exact[si.system] = groups
        return self._exact[si.system]

    @property
    def expander(self):
        """Query expansion for this index (speller over its vocabulary, its mined acronyms), for
        ``mapping.prepare``; the same object ``expand.load_expander(index_dir)`` gives a driver."""
        if self._expander is None:
            from ray_app.text.expand import load_expander

            self._expander = load_expander(self.bundle.root, self.embedder.path if self.embedder else None)
        return self._expander

    def _drug_catalog(self, si: SystemIndex) -> DrugCatalog:
        if si.system not in self._drugs:
            self._drugs[si.system] = DrugCatalog(si.table["STR"].tolist(), si.table["TTY"].tolist())
        return self._drugs[si.system]

    # ------------------------------------------------------------------ the batch path
    def match_batch(self, queries: pd.DataFrame, anchor_vectors: list[np.ndarray] | None = None) -> pd.DataFrame:
        """queries: columns ``entity_type`` (canonical), ``system``, ``anchors`` (list of match texts).

        Returns a frame with RESULT_COLUMNS, one row per query, in the same order.
        """
        n = len(queries)
        anchors = [list(a) if a is not None else [] for a in queries["anchors"].tolist()]
        if anchor_vectors is None:
            anchor_vectors = self.embed_anchors(anchors)
        out: list[dict | None] = [None] * n
        systems = queries["system"].tolist()
        etypes = queries["entity_type"].tolist()
        # the drug parser reads the text as written ("a 5 mg / b 10 mg"); anchors have lost separators
        texts = queries["text"].tolist() if "text" in queries.columns else [a[0] if a else "" for a in anchors]
        for system in sorted({s for s in systems if s}):
            si = self.bundle.systems.get(system)
            members = [i for i in range(n) if systems[i] == system and len(anchors[i])]
            if si is None:
                for i in members:
                    out[i] = _unmapped(system, ["system_not_in_index"])
                continue
            if not members:
                continue
            owner = np.concatenate([np.full(len(anchors[i]), i) for i in members])
            qmat = np.ascontiguousarray(np.vstack([anchor_vectors[i] for i in members]), dtype=np.float32)
            k = min(self.cfg.dense_k, si.n_rows)
            dist, ids = si.faiss_index.search(qmat, k)
            for i in members:
                sel = owner == i
                out[i] = self._rank_one(si, etypes[i], texts[i], anchors[i], anchor_vectors[i], dist[sel], ids[sel])
        for i in range(n):
            if out[i] is None:
                out[i] = _unmapped(systems[i] or "", ["not_matched"])
        return pd.DataFrame(out, columns=RESULT_COLUMNS)

    def _rank_one(self, si: SystemIndex, etype: str, text: str, anchors: list[str], avecs: np.ndarray,
                  dist: np.ndarray, ids: np.ndarray) -> dict:
        cfg = self.cfg
        hit = ids.ravel()
        ok = hit >= 0
        hit, hit_score = hit[ok], dist.ravel()[ok]
        exact = self._exact_rows(si)
        exact_rows = [exact[a] for a in anchors if a in exact]
        # medicines: parse ingredient/strength/form and pull the ingredient's RxNorm rows into the pool
        drug_q: ParsedDrug | None = None
        drug_codes: list[int] = []
        if si.system == "RXNORM" and etype == "Medicine" and cfg.w_drug > 0:
            dc = self._drug_catalog(si)
            drug_q = dc.resolve(parse_query(text))
            if drug_q.names:
                drows = dc.rows_for(drug_q)
                dfit = dc.fit(drug_q, drows)
                drug_codes = list(dict.fromkeys(si.row_code[drows[np.argsort(-dfit, kind="stable")]].tolist()))
                drug_codes = drug_codes[: cfg.drug_codes]
            else:
                drug_q = None
        # lexical: each anchor's words and IDF mass; BM25's best rows join the pool beside the dense hits
        lex = si.lexical
        lex_q = [lex.query(a) for a in anchors]
        lex_codes: list[int] = []
        if cfg.lexical_k > 0 and cfg.w_lexical > 0:
            lex_hits = [lex.retrieve(ids, cfg.lexical_k) for ids, _ in lex_q]
            lex_codes = list(dict.fromkeys(int(si.row_code[r]) for hits in lex_hits for r in hits))
        # candidate codes: exact string matches and parsed-drug codes always, then dense and lexical hits
        code_best = pd.Series(hit_score).groupby(si.row_code[hit]).max().sort_values(ascending=False)
        sources = {"exact": [int(si.row_code[r]) for rows in exact_rows for r in rows], "drug": drug_codes,
                   "dense": code_best.index.tolist()[: cfg.max_codes], "lexical": lex_codes}
        via: dict[int, list[str]] = {}  # code -> the sources that proposed it, in pool order
        for name, found in sources.items():
            for c in dict.fromkeys(int(c) for c in found):
                via.setdefault(c, []).append(name)
        codes = np.asarray(list(via), dtype=np.int64)
        starts = si.code_start[codes]
        ends = np.minimum(si.code_start[codes + 1], starts + cfg.max_strings_per_code)
        rows = concat_ranges(starts, ends)
        row_owner = np.repeat(np.arange(len(codes)), ends - starts)
        # dense: every string of every candidate code against every anchor (one small matmul)
        dense = (np.asarray(si.vectors[rows]) @ avecs.T).max(axis=1)
        # fuzzy, two stages: cheap `ratio` over all, `token_set_ratio` on the best of them
        texts = [si.row_text[r] for r in rows]
        ratio = process.cdist(anchors, texts, scorer=fuzz.ratio, dtype=np.float32,
                              workers=cfg.fuzzy_workers).max(axis=0) / 100.0
        fuzzy = ratio.copy()
        keep = np.argsort(-(ratio + dense))[: cfg.fuzzy_prefilter]
        if len(keep):
            tsr = process.cdist(anchors, [texts[j] for j in keep], scorer=fuzz.token_set_ratio,
                                dtype=np.float32, workers=cfg.fuzzy_workers).max(axis=0) / 100.0
            fuzzy[keep] = (ratio[keep] + tsr) / 2.0
        prior = self.priors.get(etype)
        sty_fit = prior[si.row_sty[rows]] if prior is not None else np.full(len(rows), 0.5, np.float32)
        lexical = np.zeros(len(rows), dtype=np.float32)
        for ids, mass in lex_q:
            lexical = np.maximum(lexical, lex.overlap(ids, mass, rows))
        row_score = cfg.w_dense * dense + cfg.w_fuzzy * fuzzy + cfg.w_lexical * lexical + cfg.w_sty * sty_fit
        if cfg.w_context:
            qwords = {w for a in anchors for w in a.split()}
            row_score = row_score - cfg.w_context * np.minimum(context_penalty(qwords, texts), 2.0)
        drug = np.zeros(len(rows), dtype=np.float32)
        if drug_q is not None:
            drug = self._drug_catalog(si).fit(drug_q, rows)
            row_score = row_score + cfg.w_drug * drug
        # per-code aggregation: best string + a bonus for a second string that agrees
        order = np.lexsort((-row_score, row_owner))
        first = np.r_[True, row_owner[order][1:] != row_owner[order][:-1]]
        best_pos = order[first]
        second = np.zeros(len(codes), dtype=np.float32)
        is_second = np.r_[False, first[:-1]] & ~first
        second[row_owner[order][is_second]] = row_score[order][is_second]
        code_score = row_score[best_pos] + cfg.w_agg * second
        ranking = np.argsort(-code_score, kind="stable")[: max(cfg.top_k, 1)]
        table = si.table
        cands = []
        for c in ranking:
            b = best_pos[c]
            disp = int(si.code_start[codes[c]])
            if table.at[int(rows[b]), "tty_rank"] == table.at[disp, "tty_rank"]:
                disp = int(rows[b])  # equally preferred names: show the one that matched
            cands.append(Candidate(
                code=str(si.codes[codes[c]]), description=str(table.at[disp, "STR"]), sty=str(table.at[disp, "STY"]),
                tty=str(table.at[disp, "TTY"]), score=float(code_score[c]), dense=float(dense[b]),
                fuzzy=float(fuzzy[b]), lexical=float(lexical[b]), sty_fit=float(sty_fit[b]), agreement=float(second[c]),
                drug=float(drug[b]), matched=str(table.at[int(rows[b]), "STR"]), via=tuple(via[int(codes[c])])))
        top = cands[0]
        cand_dicts = [c.as_dict(si.system, r + 1) for r, c in enumerate(cands)]
        conf = confidence(confidence_features(cand_dicts))
        flags = ["needs_review"] if conf < self.cfg.review_threshold else []
        if drug_q is not None and drug_q.strengths and top.tty in ("IN", "PIN", "MIN", "BN"):
            flags.append("ingredient_fallback")  # the stated strength/form does not exist in the catalog
        return {"system": si.system, "code": top.code, "description": top.description, "sty": top.sty,
                "tty": top.tty, "confidence": round(conf, 4), "flags": ";".join(flags),
                "candidates": json.dumps(cand_dicts)}


def _unmapped(system: str, flags: list[str]) -> dict:
    return {"system": system, "code": "", "description": "", "sty": "", "tty": "", "confidence": 0.0,
            "flags": ";".join(flags), "candidates": "[]"}
