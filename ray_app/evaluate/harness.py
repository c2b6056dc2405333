"""Evaluation harness: gold file -> rankers (full engine, dense-only, fuzzy-only) -> metrics and a report.

A *ranker* maps the gold rows (texts, entity types) to one ranked result per row: a dict ``{"codes": [...],
"confidence": float|None, "flags": [...], "candidates": [...]}``. The engine rankers map through the batch
path (``batch.driver.Mapper``) over any backend: in-process for ``harmonize eval``, Ray actors for
``jobs/evaluate.py``, exactly as ``harmonize map`` does.

Metrics per ranker, on all gold rows and on the in-catalog rows (some acceptable code exists in the
index's catalog for the row's system): acc@1/5/10, MRR over the top 10, per entity type; for rankers with a
confidence: abstain rate (rows flagged needs_review), accuracy of the rest, and accuracy vs coverage at
confidence thresholds.
"""
from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from ray_app.batch.driver import Mapper
from ray_app.batch.prepare import Prepared, prepare
from ray_app.config import Config
from ray_app.evaluate.gold import read_gold, sample_gold
from ray_app.evaluate.metrics import K_EVAL, THRESHOLDS, catalog_codes, confidence_metrics, first_hit_rank, rank_metrics
from ray_app.evaluate.report import write_report
from ray_app.result import MatchResult
from ray_app.text.normalize import ENTITY_SYSTEM, canonical_entity_type

# texts, entity types -> (one ranked dict per row, the Prepared batch they were routed and deduped in)
Ranker = Callable[[list, list], tuple[list[dict], Prepared]]


def ranked(r: MatchResult, k: int = K_EVAL, confidence: bool = True) -> dict:
    """A row's result as the metrics read it. Without ``confidence`` (an ablation whose confidence means
    nothing) confidence and flags are dropped."""
    return {"codes": [c.code for c in r.candidates[:k]], "confidence": float(r.confidence) if confidence else None,
            "flags": list(r.flags) if confidence else [], "candidates": r.candidates[:k]}


def engine_ranker(mapper: Mapper, confidence: bool = True) -> Ranker:
    def rank(texts: list, types: list):
        try:
            done = mapper.map(texts, types)
        finally:
            mapper.backend.close()  # rankers run one after another: free the actors for the next one
        return [ranked(r, K_EVAL, confidence) for r in done.rows], done.prepared
    return rank


def query_ranker(rank_queries: Callable[[list], list], config: Config | None = None) -> Ranker:
    """A ranker from a function over distinct queries (``Query`` s -> per query a code list, or a dict with
    codes/confidence/flags): baselines and hand-made rankings share the engine's routing and dedupe."""
    def rank(texts: list, types: list):
        prepared = prepare(texts, types, config or Config())
        per_query = [_as_ranked(x) for x in rank_queries(prepared.queries)] if prepared.queries else []
        if len(per_query) != len(prepared.queries):
            raise RuntimeError(f"ranker returned {len(per_query)} results for {len(prepared.queries)} queries")
        empty = _as_ranked([])
        return [per_query[q] if q >= 0 else empty for q in prepared.row_qid], prepared
    return rank


def _as_ranked(item) -> dict:
    if isinstance(item, dict):
        flags = item.get("flags") or []
        return {"codes": [str(c) for c in item.get("codes", [])], "confidence": item.get("confidence"),
                "flags": flags.split(";") if isinstance(flags, str) else list(flags), "candidates": item.get("candidates")}
    return {"codes": [str(c) for c in (item or [])], "confidence": None, "flags": [], "candidates": None}


def dense_only_config(config: Config) -> Config:
    """The same engine (same anchors, same FAISS pool) ranked by the dense signal alone."""
    cfg = copy.deepcopy(config)
    m = cfg.match
    m.w_dense, m.w_fuzzy, m.w_lexical, m.w_sty, m.w_agg, m.w_context, m.w_drug = 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    m.lexical_k = m.drug_codes = 0
    return cfg


def eval_config(config: Config) -> Config:
    cfg = copy.deepcopy(config)
    cfg.match.top_k = K_EVAL
    return cfg


def build_rankers(make_backend: Callable[[Config], object], bundle, config: Config, expander,
                  baselines: bool = True, log: Callable[[str], None] | None = None, llm=None) -> dict[str, Ranker]:
    """full (the engine as configured, top 10), and with baselines dense-only and fuzzy-only.
    ``make_backend(config)``: a batch backend for that config (``LocalBackend`` or ``RayBackend``).
    ``llm``: the LLM stage (``ray_app.llm.stage.LLMStage``) of ``full``; then ``llm-off`` (the same engine
    without it) is ranked too, so the report shows the LLM's effect."""
    full = eval_config(config)
    rankers = {"full": engine_ranker(Mapper(make_backend(full), full, expander, llm=llm))}
    if llm is not None:
        rankers["llm-off"] = engine_ranker(Mapper(make_backend(full), full, expander))
    if baselines:
        dense = dense_only_config(full)
        rankers["dense-only"] = engine_ranker(Mapper(make_backend(dense), dense, expander), confidence=False)
        rankers["fuzzy-only"] = fuzzy_ranker(bundle, full, K_EVAL, log=log)
    return rankers


def fuzzy_ranker(bundle, config: Config, k: int = K_EVAL, chunk: int = 64, workers: int = -1,
                 log: Callable[[str], None] | None = None) -> Ranker:
    """RapidFuzz over ALL catalog strings of the routed system: (token_set_ratio + ratio) / 2 of the query's
    match text against every row, best per code, top k codes. Queries go in chunks so memory stays
    bounded at chunk x rows float32."""
    from rapidfuzz import fuzz, process

    def rank(queries: list) -> list[list[str]]:
        out: list[list[str]] = [[] for _ in range(len(queries))]
        texts = [q.anchors[0] if q.anchors else "" for q in queries]
        systems = [q.system for q in queries]
        t0, done = time.perf_counter(), 0
        for system in sorted({s for s in systems if s}):
            si = bundle.systems.get(system)
            members = [i for i, s in enumerate(systems) if s == system and texts[i]]
            if si is None or not members:
                continue
            starts = si.code_start[:-1]
            kk = min(k, len(starts))
            for c0 in range(0, len(members), chunk):
                idx = members[c0:c0 + chunk]
                q = [texts[i] for i in idx]
                s = process.cdist(q, si.row_text, scorer=fuzz.token_set_ratio, dtype=np.float32, workers=workers)
                s += process.cdist(q, si.row_text, scorer=fuzz.ratio, dtype=np.float32, workers=workers)
                per_code = np.maximum.reduceat(s, starts, axis=1)  # rows of a code are contiguous
                del s
                part = np.argpartition(-per_code, kk - 1, axis=1)[:, :kk]
                for j, i in enumerate(idx):
                    order = part[j][np.lexsort((part[j], -per_code[j, part[j]]))]
                    out[i] = [str(si.codes[c]) for c in order]
                done += len(idx)
                if log:
                    log(f"[eval] fuzzy-only: {done:,}/{len(queries):,} queries, "
                        f"{done / (time.perf_counter() - t0):.0f}/s")
        return out
    return query_ranker(rank, config)  # only the query's first anchor (its match text) is used


@dataclass
class EvalResult:
    metrics: dict
    rows: pd.DataFrame  # per gold row: text, entity_type, canon_type, system, codes, in_catalog
    ranked: dict[str, list[dict]] = field(default_factory=dict)  # per ranker, per gold row


def evaluate(gold: pd.DataFrame, rankers: dict[str, Ranker], bundle=None, thresholds: Iterable[float] = THRESHOLDS,
             log: Callable[[str], None] | None = None) -> EvalResult:
    """Run every ranker over the gold rows and score it. ``gold`` is read_gold's frame."""
    texts, types = gold["text"].tolist(), gold["entity_type"].tolist()
    canon = [canonical_entity_type(t) for t in gold["entity_type"]]
    rows = pd.DataFrame({
        "text": gold["text"].to_numpy(), "entity_type": gold["entity_type"].to_numpy(),
        "canon_type": [c or f"(unknown: {t})" for c, t in zip(canon, gold["entity_type"])],
        "system": [ENTITY_SYSTEM.get(c, "") for c in canon], "codes": gold["codes"].to_numpy(),
    })
    known = catalog_codes(bundle)
    if known:
        rows["in_catalog"] = [any(c in known.get(s, ()) for c in codes) for s, codes in zip(rows["system"], rows["codes"])]
    else:  # no catalog given: every row counts as in-catalog
        rows["in_catalog"] = True
    for extra in ("Variant",):
        if extra in gold.columns:
            rows[extra] = gold[extra].to_numpy()
    inc = rows["in_catalog"].to_numpy(bool)
    metrics: dict[str, Any] = {
        "rows": int(len(rows)), "coverage": round(float(inc.mean()), 4) if len(rows) else None,
        "coverage_by_type": {t: round(float(g["in_catalog"].mean()), 4) for t, g in rows.groupby("canon_type")},
        "rows_by_type": {t: int(len(g)) for t, g in rows.groupby("canon_type")},
        "rankers": {},
    }
    ranked_rows: dict[str, list[dict]] = {}
    for name, ranker in rankers.items():
        t0 = time.perf_counter()
        per_row, prepared = ranker(texts, types)
        if len(per_row) != len(rows):
            raise RuntimeError(f"ranker {name!r} returned {len(per_row)} results for {len(rows)} rows")
        seconds = time.perf_counter() - t0
        if "distinct_queries" not in metrics:
            metrics["distinct_queries"] = len(prepared.queries)
            metrics["unrouted_rows"] = int((prepared.row_qid < 0).sum())
            routed = prepared.row_qid >= 0
        ranked_rows[name] = per_row
        ranks = np.array([first_hit_rank(r["codes"], g) for r, g in zip(per_row, rows["codes"])], dtype=np.int64)
        rows[f"rank_{name}"] = ranks
        m: dict[str, Any] = {"seconds": round(seconds, 2),
                             "rows_per_s": round(len(rows) / seconds, 1) if seconds > 0 else None,
                             "all": rank_metrics(ranks), "in_catalog": rank_metrics(ranks[inc]), "by_type": {}}
        for t, g in rows.groupby("canon_type"):
            sel = rows.index.isin(g.index)
            m["by_type"][t] = {"all": rank_metrics(ranks[sel]), "in_catalog": rank_metrics(ranks[sel & inc])}
        if "Variant" in rows.columns:
            m["by_variant"] = {str(v): {"all": rank_metrics(ranks[(rows["Variant"] == v).to_numpy()])}
                               for v in sorted(rows["Variant"].dropna().unique())}
        if all(r["confidence"] is not None for r, ok in zip(per_row, routed) if ok) and routed.any():
            conf = np.array([float(r["confidence"] or 0.0) for r in per_row])  # unrouted rows: 0
            review = np.array([(not ok) or ("needs_review" in r["flags"]) for r, ok in zip(per_row, routed)],
                              dtype=bool)
            rows[f"confidence_{name}"] = conf
            m["confidence"] = {"all": confidence_metrics(ranks, conf, review, thresholds),
                               "in_catalog": confidence_metrics(ranks[inc], conf[inc], review[inc], thresholds)}
        metrics["rankers"][name] = m
        if log:
            a = m["all"]
            log(f"[eval] {name}: acc@1 {a['acc@1']} acc@10 {a['acc@10']} MRR {a['mrr']} ({seconds:.1f}s)")
    return EvalResult(metrics, rows, ranked_rows)


def run(index_dir: str, gold_path: str, config: Config, report_dir: str | Path, make_backend, bundle, expander,
        baselines: bool = True, limit: int | None = None, engine: str = "local",
        log: Callable[[str], None] = print, llm=None) -> dict:
    """Evaluate one gold file and write the report; ``make_backend`` decides where the engine runs."""
    gold = sample_gold(read_gold(gold_path), limit)
    rankers = build_rankers(make_backend, bundle, config, expander, baselines, log=log, llm=llm)
    result = evaluate(gold, rankers, bundle, log=log)
    meta = {"gold": str(gold_path), "index": str(index_dir), "limit": limit, "engine": engine,
            "catalog_fingerprint": bundle.meta["catalog"]["fingerprint"], "model": bundle.meta["model"],
            "config": eval_config(config).to_dict()}
    return write_report(result, report_dir, bundle, meta)


def run_local(index_dir: str, gold_path: str, config: Config, report_dir: str | Path, baselines: bool = True,
              limit: int | None = None, log: Callable[[str], None] = print) -> dict:
    """``harmonize eval``: the engine in this process."""
    from ray_app.batch.backend import LocalBackend
    from ray_app.engine import load_engine
    from ray_app.match.matcher import Matcher

    engine = load_engine(index_dir, config)
    m = engine.matcher

    def make_backend(cfg: Config):
        return LocalBackend(Matcher(m.bundle, cfg, m.embedder), cfg.ray.embed_batch_size)

    llm = None
    if config.llm.mode != "off":
        from actors.llm_pool import make_llm_stage

        llm = make_llm_stage(config, index_dir, local=True, log=log)
    try:
        out = run(index_dir, gold_path, config, report_dir, make_backend, engine.bundle, engine.expander,
                  baselines, limit, "local", log, llm=llm)
    finally:
        if llm is not None:
            llm.close()
    if llm is not None:
        out["llm_stats"] = dict(llm.stats)
    return out
