"""Evaluation harness: gold file -> rankers (full engine, dense-only, fuzzy-only) -> metrics and a report.

A *ranker* maps the gold's distinct queries (the frame ``ray_app.batch.prepare.prepare`` builds: qid, text,
entity_type, system, anchors) to one ranked result per query, in query order. A result is a list of codes,
or a dict ``{"codes": [...], "confidence": float, "flags": "a;b", "candidates": [...]}``; confidence and
flags (``needs_review``) are optional and only the engine gives them.

Metrics per ranker, on all gold rows and on the in-catalog rows (some acceptable code exists in the
index's catalog for the row's system): acc@1/5/10, MRR over the top 10, per entity type; for rankers with a
confidence: abstain rate (rows flagged needs_review), accuracy of the rest, and accuracy vs coverage at
confidence thresholds. ``ray_app`` imports no Ray: ``jobs/evaluate.py`` passes Ray-backed rankers.
"""
from __future__ import annotations

import copy
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from ray_app.config import Config
from ray_app.batch.tables import InputError, read_table, resolve_columns
from ray_app.batch.prepare import prepare
from ray_app.match.matcher import RESULT_COLUMNS
from ray_app.text.normalize import ENTITY_SYSTEM, canonical_entity_type

GOLD_TEXT, GOLD_TYPE, GOLD_CODE = "Input Entity Description", "Entity Type", "Standard Code"
K_EVAL = 10
KS = (1, 5, 10)
THRESHOLDS = tuple(round(0.1 * i, 1) for i in range(10))
Ranker = Callable[[pd.DataFrame], list]


# --------------------------------------------------------------------------------------------- gold
def _code_str(value: Any) -> str:
    """A code cell as text: xlsx numbers (195967001.0) lose the float tail; strings are kept as they are."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def split_codes(value: Any) -> list[str]:
    """'a; b;;c' -> ['a', 'b', 'c'] (several acceptable codes separated by ';')."""
    return list(dict.fromkeys(c.strip() for c in _code_str(value).split(";") if c.strip()))


def read_gold(path: str | Path, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a gold csv/xlsx: columns ``text``, ``entity_type`` (as written), ``codes`` (list of str) plus
    every other column of the file, in file order. Rows without any gold code are an error."""
    df = read_table(path, sheet)
    tcol, ycol = resolve_columns(df, GOLD_TEXT, GOLD_TYPE, str(path))
    ccol = GOLD_CODE if GOLD_CODE in df.columns else next(
        (c for c in df.columns if "".join(ch for ch in str(c).lower() if ch.isalpha()) == "standardcode"), None)
    if ccol is None:
        raise InputError(f"{path}: missing column {GOLD_CODE!r}; found {[str(c) for c in df.columns]}")
    return gold_frame(df[tcol].tolist(), df[ycol].tolist(), df[ccol].tolist(),
                      extra=df.drop(columns=[tcol, ycol, ccol]), source=str(path))


def gold_frame(texts: list, types: list, codes: list, extra: pd.DataFrame | None = None,
               source: str = "gold") -> pd.DataFrame:
    out = pd.DataFrame({"text": texts, "entity_type": types, "codes": [split_codes(c) for c in codes]})
    empty = [i for i, c in enumerate(out["codes"]) if not c]
    if empty:
        raise InputError(f"{source}: {len(empty)} row(s) without a {GOLD_CODE!r} (first at data row {empty[0] + 1})")
    if extra is not None:
        for col in extra.columns:
            if col not in out.columns:
                out[col] = extra[col].to_numpy()
    return out


# ------------------------------------------------------------------------------------------ rankers
def _as_result(item: Any) -> dict:
    if isinstance(item, dict):
        return {"codes": [str(c) for c in item.get("codes", [])], "confidence": item.get("confidence"),
                "flags": item.get("flags") or "", "candidates": item.get("candidates")}
    return {"codes": [str(c) for c in (item or [])], "confidence": None, "flags": "", "candidates": None}


def results_to_ranked(results: pd.DataFrame, k: int = K_EVAL, confidence: bool = True) -> list[dict]:
    """Matcher results (RESULT_COLUMNS, one row per query, in query order) -> ranked results. Without
    ``confidence`` (an ablation whose confidence means nothing) confidence and flags are dropped."""
    out = []
    for conf, flags, cands in zip(results["confidence"].tolist(), results["flags"].tolist(),
                                  results["candidates"].tolist()):
        cl = json.loads(cands) if isinstance(cands, str) and cands else []
        out.append({"codes": [str(c["code"]) for c in cl[:k]], "confidence": float(conf) if confidence else None,
                    "flags": str(flags or "") if confidence else "", "candidates": cl[:k]})
    return out


def engine_ranker(match_fn: Callable[[pd.DataFrame], pd.DataFrame], k: int = K_EVAL,
                  confidence: bool = True) -> Ranker:
    """Wrap a match_fn (ray_app.batch.prepare's contract: distinct queries -> RESULT_COLUMNS) as a ranker."""
    def rank(queries: pd.DataFrame) -> list[dict]:
        if queries.empty:
            return []
        res = match_fn(queries)
        if "qid" in res.columns:  # Ray returns rows in any order
            res = res.set_index("qid").loc[queries["qid"].to_numpy()].reset_index()
        if len(res) != len(queries):
            raise RuntimeError(f"ranker returned {len(res)} results for {len(queries)} queries")
        return results_to_ranked(res, k, confidence)
    return rank


def dense_only_config(config: Config) -> Config:
    """The same engine (same anchors, same FAISS pool) ranked by the dense signal alone."""
    cfg = copy.deepcopy(config)
    m = cfg.match
    m.w_dense, m.w_fuzzy, m.w_lexical, m.w_sty, m.w_agg, m.w_context, m.w_drug = 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    m.lexical_k = m.drug_codes = 0
    return cfg


class _AnchorCache:
    """Anchor text -> vector, so the engine variants embed every anchor once."""

    def __init__(self, embedder):
        self.embedder, self.vecs = embedder, {}

    def vectors(self, anchors: list[list[str]]) -> list[np.ndarray]:
        missing = list(dict.fromkeys(a for g in anchors for a in g if a not in self.vecs))
        if missing:
            for a, v in zip(missing, self.embedder.encode(missing)):
                self.vecs[a] = v
        dim = self.embedder.dim
        return [np.stack([self.vecs[a] for a in g]) if g else np.zeros((0, dim), np.float32) for g in anchors]


def local_engine_ranker(matcher, batch_size: int = 256, cache: _AnchorCache | None = None,
                        log: Callable[[str], None] | None = None, name: str = "full",
                        confidence: bool = True) -> Ranker:
    """Matcher.match_batch in chunks, in this process. The matcher's config.match.top_k sets the depth."""
    cache = cache or _AnchorCache(matcher.embedder)

    def match_fn(queries: pd.DataFrame) -> pd.DataFrame:
        parts, t0 = [], time.perf_counter()
        for start in range(0, len(queries), batch_size):
            chunk = queries.iloc[start:start + batch_size]
            anchors = [list(a) for a in chunk["anchors"]]
            parts.append(matcher.match_batch(chunk, cache.vectors(anchors)))
            if log:
                done = min(len(queries), start + batch_size)
                log(f"[eval] {name}: {done:,}/{len(queries):,} queries, {done / (time.perf_counter() - t0):.0f}/s")
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=RESULT_COLUMNS)
    return engine_ranker(match_fn, K_EVAL, confidence)


def fuzzy_ranker(bundle, k: int = K_EVAL, chunk: int = 64, workers: int = -1,
                 log: Callable[[str], None] | None = None) -> Ranker:
    """RapidFuzz over ALL catalog strings of the routed system: (token_set_ratio + ratio) / 2 of the query's
    match text against every row, best per code, top k codes. Queries go in chunks so memory stays
    bounded at chunk x rows float32."""
    from rapidfuzz import fuzz, process

    def rank(queries: pd.DataFrame) -> list[list[str]]:
        out: list[list[str]] = [[] for _ in range(len(queries))]
        texts = [a[0] if len(a) else "" for a in queries["anchors"]]
        systems = queries["system"].tolist()
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
    return rank


def build_rankers(matcher, config: Config, baselines: bool = True, batch_size: int = 256,
                  log: Callable[[str], None] | None = None) -> dict[str, Ranker]:
    """full (the engine as configured, top 10), and with baselines dense-only and fuzzy-only."""
    from ray_app.match.matcher import Matcher

    full_cfg = copy.deepcopy(config)
    full_cfg.match.top_k = K_EVAL
    cache = _AnchorCache(matcher.embedder)
    full = Matcher(matcher.bundle, full_cfg, matcher.embedder)
    rankers = {"full": local_engine_ranker(full, batch_size, cache, log, "full")}
    if baselines:
        dense = Matcher(matcher.bundle, dense_only_config(full_cfg), matcher.embedder)
        rankers["dense-only"] = local_engine_ranker(dense, batch_size, cache, log, "dense-only", confidence=False)
        rankers["fuzzy-only"] = fuzzy_ranker(matcher.bundle, K_EVAL, log=log)
    return rankers


# ------------------------------------------------------------------------------------------ metrics
def catalog_codes(bundle) -> dict[str, set[str]]:
    """system -> set of codes; ``bundle`` is an IndexBundle, or a mapping system -> iterable of codes."""
    if bundle is None:
        return {}
    if isinstance(bundle, Mapping):
        return {s: {str(c) for c in codes} for s, codes in bundle.items()}
    return {s: {str(c) for c in si.codes} for s, si in bundle.systems.items()}


def first_hit_rank(ranked: list[str], gold: Iterable[str], k: int = K_EVAL) -> int:
    """1-based rank of the first acceptable code in the top k; 0 when none is there."""
    gold = set(gold)
    for r, code in enumerate(ranked[:k], 1):
        if code in gold:
            return r
    return 0


def rank_metrics(ranks: np.ndarray) -> dict:
    """ranks: 1-based rank of the first hit per row, 0 = miss."""
    n = int(len(ranks))
    if n == 0:
        return {"n": 0, **{f"acc@{k}": None for k in KS}, "mrr": None}
    hit = ranks > 0
    out: dict[str, Any] = {"n": n}
    for k in KS:
        out[f"acc@{k}"] = round(float(np.mean(hit & (ranks <= k))), 4)
    out["mrr"] = round(float(np.mean(np.where(hit, 1.0 / np.maximum(ranks, 1), 0.0))), 4)
    return out


def confidence_metrics(ranks: np.ndarray, conf: np.ndarray, review: np.ndarray,
                       thresholds: Iterable[float] = THRESHOLDS) -> dict:
    n = len(ranks)
    top1 = ranks == 1
    kept = ~review
    out = {
        "abstain_rate": round(float(review.mean()), 4) if n else None,
        "acc@1_answered": round(float(top1[kept].mean()), 4) if kept.any() else None,
        "answered": int(kept.sum()),
        "thresholds": [],
    }
    for t in thresholds:
        sel = conf >= t
        out["thresholds"].append({"threshold": t, "coverage": round(float(sel.mean()), 4) if n else None,
                                  "n": int(sel.sum()),
                                  "acc@1": round(float(top1[sel].mean()), 4) if sel.any() else None})
    return out


@dataclass
class EvalResult:
    metrics: dict
    rows: pd.DataFrame  # per gold row: text, entity_type, canon_type, system, codes, in_catalog
    ranked: dict[str, list[dict]] = field(default_factory=dict)  # per ranker, per gold row


def evaluate(gold: pd.DataFrame, rankers: dict[str, Ranker], bundle=None, config: Config | None = None,
             thresholds: Iterable[float] = THRESHOLDS, log: Callable[[str], None] | None = None,
             expander=None) -> EvalResult:
    """Run every ranker over the gold's distinct queries and score it. ``gold`` is read_gold's frame."""
    config = config or Config()
    prepared = prepare(gold["text"].tolist(), gold["entity_type"].tolist(), config, expander)
    queries = prepared.queries
    canon = [canonical_entity_type(t) for t in gold["entity_type"]]
    rows = pd.DataFrame({
        "text": gold["text"].to_numpy(), "entity_type": gold["entity_type"].to_numpy(),
        "canon_type": [c or f"(unknown: {t})" for c, t in zip(canon, gold["entity_type"])],
        "system": [ENTITY_SYSTEM.get(c, "") for c in canon], "codes": gold["codes"].to_numpy(),
        "qid": prepared.row_qid,
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
        "rows": int(len(rows)), "distinct_queries": int(len(queries)),
        "unrouted_rows": int((prepared.row_qid < 0).sum()),
        "coverage": round(float(inc.mean()), 4) if len(rows) else None,
        "coverage_by_type": {t: round(float(g["in_catalog"].mean()), 4) for t, g in rows.groupby("canon_type")},
        "rows_by_type": {t: int(len(g)) for t, g in rows.groupby("canon_type")},
        "rankers": {},
    }
    ranked_rows: dict[str, list[dict]] = {}
    empty = _as_result([])
    for name, ranker in rankers.items():
        t0 = time.perf_counter()
        per_query = [_as_result(r) for r in ranker(queries)] if len(queries) else []
        if len(per_query) != len(queries):
            raise RuntimeError(f"ranker {name!r} returned {len(per_query)} results for {len(queries)} queries")
        seconds = time.perf_counter() - t0
        per_row = [per_query[q] if q >= 0 else empty for q in prepared.row_qid]
        ranked_rows[name] = per_row
        ranks = np.array([first_hit_rank(r["codes"], g) for r, g in zip(per_row, rows["codes"])], dtype=np.int64)
        rows[f"rank_{name}"] = ranks
        m: dict[str, Any] = {"seconds": round(seconds, 2),
                             "queries_per_s": round(len(queries) / seconds, 1) if seconds > 0 else None,
                             "all": rank_metrics(ranks), "in_catalog": rank_metrics(ranks[inc]), "by_type": {}}
        for t, g in rows.groupby("canon_type"):
            sel = rows.index.isin(g.index)
            m["by_type"][t] = {"all": rank_metrics(ranks[sel]), "in_catalog": rank_metrics(ranks[sel & inc])}
        if "Variant" in rows.columns:
            m["by_variant"] = {str(v): {"all": rank_metrics(ranks[(rows["Variant"] == v).to_numpy()])}
                               for v in sorted(rows["Variant"].dropna().unique())}
        has_conf = [r["confidence"] is not None for r, q in zip(per_row, prepared.row_qid) if q >= 0]
        if has_conf and all(has_conf):
            conf = np.array([float(r["confidence"] or 0.0) for r in per_row])
            review = np.array([(q < 0) or ("needs_review" in str(r["flags"]).split(";"))
                               for r, q in zip(per_row, prepared.row_qid)], dtype=bool)
            rows[f"confidence_{name}"] = conf
            m["confidence"] = {"all": confidence_metrics(ranks, conf, review, thresholds),
                               "in_catalog": confidence_metrics(ranks[inc], conf[inc], review[inc], thresholds)}
        metrics["rankers"][name] = m
        if log:
            a = m["all"]
            log(f"[eval] {name}: acc@1 {a['acc@1']} acc@10 {a['acc@10']} MRR {a['mrr']} ({seconds:.1f}s)")
    return EvalResult(metrics, rows, ranked_rows)


# ------------------------------------------------------------------------------------------- report
def _f(v) -> str:
    return "–" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))


def format_summary(metrics: dict) -> str:
    lines = []
    title = metrics.get("gold", "gold")
    lines.append(f"# Evaluation: {title}\n")
    idx = metrics.get("index")
    if idx:
        lines.append(f"Index `{idx}`" + (f" (catalog {metrics['catalog_fingerprint']})" if metrics.get("catalog_fingerprint") else ""))
    lines.append(f"{metrics['rows']:,} gold rows, {metrics['distinct_queries']:,} distinct queries, "
                 f"{metrics['unrouted_rows']} unrouted; coverage (some gold code in the catalog): "
                 f"{_f(metrics['coverage'])}\n")
    cols = ["n"] + [f"acc@{k}" for k in KS] + ["mrr"]
    lines.append("| ranker | rows | " + " | ".join(cols) + " | q/s |")
    lines.append("|---|---|" + "---|" * len(cols) + "---|")
    for name, m in metrics["rankers"].items():
        for subset in ("all", "in_catalog"):
            lines.append(f"| {name} | {subset} | " + " | ".join(_f(m[subset][c]) for c in cols)
                         + f" | {_f(m.get('queries_per_s'))} |")
    lines.append("\n## Per entity type (acc@1 / acc@10 / MRR; all rows, then in-catalog)\n")
    types = sorted({t for m in metrics["rankers"].values() for t in m["by_type"]})
    lines.append("| type | rows | coverage | " + " | ".join(f"{n} all | {n} in-cat" for n in metrics["rankers"]) + " |")
    lines.append("|---|---|---|" + "---|---|" * len(metrics["rankers"]))
    for t in types:
        cells = []
        for m in metrics["rankers"].values():
            for subset in ("all", "in_catalog"):
                s = m["by_type"].get(t, {}).get(subset, {})
                cells.append(f"{_f(s.get('acc@1'))} / {_f(s.get('acc@10'))} / {_f(s.get('mrr'))} (n={s.get('n', 0)})")
        lines.append(f"| {t} | {metrics['rows_by_type'].get(t, 0)} | {_f(metrics['coverage_by_type'].get(t))} | "
                     + " | ".join(cells) + " |")
    variants = [(n, m["by_variant"]) for n, m in metrics["rankers"].items() if "by_variant" in m]
    if variants:
        lines.append("\n## Per gold variant (acc@1 / acc@10 / MRR)\n")
        names = sorted({v for _, bv in variants for v in bv})
        lines.append("| variant | " + " | ".join(n for n, _ in variants) + " |")
        lines.append("|---|" + "---|" * len(variants))
        for v in names:
            cells = []
            for _, bv in variants:
                s = bv.get(v, {}).get("all", {})
                cells.append(f"{_f(s.get('acc@1'))} / {_f(s.get('acc@10'))} / {_f(s.get('mrr'))} (n={s.get('n', 0)})")
            lines.append(f"| {v} | " + " | ".join(cells) + " |")
    for name, m in metrics["rankers"].items():
        if "confidence" not in m:
            continue
        ca, ci = m["confidence"]["all"], m["confidence"]["in_catalog"]
        lines.append(f"\n## {name}: abstention and confidence\n")
        lines.append(f"needs_review rate {_f(ca['abstain_rate'])} (in-catalog {_f(ci['abstain_rate'])}); "
                     f"acc@1 of the answered rows {_f(ca['acc@1_answered'])} (in-catalog {_f(ci['acc@1_answered'])})\n")
        lines.append("| confidence ≥ | coverage | acc@1 | coverage (in-cat) | acc@1 (in-cat) |")
        lines.append("|---|---|---|---|---|")
        for a, b in zip(ca["thresholds"], ci["thresholds"]):
            lines.append(f"| {a['threshold']:.1f} | {_f(a['coverage'])} | {_f(a['acc@1'])} | "
                         f"{_f(b['coverage'])} | {_f(b['acc@1'])} |")
    return "\n".join(lines) + "\n"


class _Describer:
    """code -> display name (the code's first, preferred catalog row) per system of a bundle."""

    def __init__(self, bundle):
        self.bundle, self.pos = bundle, {}

    def __call__(self, system: str, code: str) -> str:
        si = self.bundle.systems.get(system) if hasattr(self.bundle, "systems") else None
        if si is None:
            return ""
        if system not in self.pos:
            self.pos[system] = {str(c): i for i, c in enumerate(si.codes)}
        i = self.pos[system].get(code)
        return "(not in catalog)" if i is None else str(si.table.at[int(si.code_start[i]), "STR"])


def misses_frame(result: EvalResult, bundle=None, ranker: str = "full", top: int = 5) -> pd.DataFrame:
    """Rows the ranker did not get at rank 1, with gold and top candidates side by side."""
    rows, ranked = result.rows, result.ranked.get(ranker)
    if ranked is None:
        return pd.DataFrame()
    describe = _Describer(bundle)
    recs = []
    for i, row in enumerate(rows.itertuples(index=False)):
        rank = int(rows.at[i, f"rank_{ranker}"])
        if rank == 1:
            continue
        r = ranked[i]
        rec = {"input": row.text, "entity_type": row.entity_type, "system": row.system,
               "gold_codes": ";".join(row.codes),
               "gold_descriptions": " | ".join(describe(row.system, c) for c in row.codes),
               "in_catalog": bool(row.in_catalog), "gold_rank": rank or "",
               "confidence": r["confidence"], "flags": r["flags"]}
        if "Variant" in rows.columns:
            rec["variant"] = rows.at[i, "Variant"]
        cands = r["candidates"] or [{"code": c} for c in r["codes"]]
        for k in range(top):
            c = cands[k] if k < len(cands) else {}
            rec[f"top{k + 1}_code"] = c.get("code", "")
            rec[f"top{k + 1}_description"] = c.get("description", describe(row.system, c["code"]) if c else "")
            rec[f"top{k + 1}_score"] = c.get("score", "")
            s = c.get("signals")
            rec[f"top{k + 1}_signals"] = (" ".join(f"{n}={v:.2f}" for n, v in s.items())
                                          + (f" matched={c.get('matched')!r}" if c.get("matched") else "")) if s else ""
        recs.append(rec)
    return pd.DataFrame(recs)


def write_report(result: EvalResult, out_dir: str | Path, bundle=None, extra_meta: dict | None = None) -> dict:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    metrics = {**(extra_meta or {}), **result.metrics}
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, default=str))
    summary = format_summary(metrics)
    (out / "summary.md").write_text(summary)
    misses = misses_frame(result, bundle)
    misses.to_csv(out / "misses.csv", index=False)
    return {"metrics": str(out / "metrics.json"), "summary": str(out / "summary.md"),
            "misses": str(out / "misses.csv"), "text": summary, "n_misses": len(misses)}


def sample_gold(gold: pd.DataFrame, limit: int | None, seed: int = 0) -> pd.DataFrame:
    """A seeded sample of ``limit`` rows (file order kept), or the whole gold."""
    if not limit or limit >= len(gold):
        return gold
    return gold.sample(n=limit, random_state=seed).sort_index().reset_index(drop=True)


def run_local(index_dir: str, gold_path: str, config: Config, report_dir: str | Path, baselines: bool = True,
              limit: int | None = None, log: Callable[[str], None] = print) -> dict:
    """The CLI's ``harmonize eval``: load the engine in this process, evaluate, write the report."""
    from ray_app.engine import load_engine

    gold = sample_gold(read_gold(gold_path), limit)
    matcher = load_engine(index_dir, config)
    rankers = build_rankers(matcher, config, baselines, config.ray.replica_batch_size, log=log)
    result = evaluate(gold, rankers, matcher.bundle, config, log=log, expander=matcher.expander)
    meta = {"gold": str(gold_path), "index": str(index_dir), "limit": limit,
            "catalog_fingerprint": matcher.bundle.meta["catalog"]["fingerprint"],
            "model": matcher.bundle.meta["model"], "config": {**config.to_dict(), "match": {
                **config.to_dict()["match"], "top_k": K_EVAL}}, "engine": "local"}
    return write_report(result, report_dir, matcher.bundle, meta)
