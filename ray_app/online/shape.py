"""Map a few (text, entity type) pairs and return JSON-ready results: the online path of the batch engine.

The same three steps as ``mapping.map_dataframe`` (``prepare`` -> ``Matcher.match_batch`` -> ``assemble``),
split so a Serve ingress can run the middle step on other deployments (embedder, IndexReplica) while the
first and last stay here. Optional per-request weights re-rank the returned shortlist from its signals
(``score.rescore``); nothing here scores strings.
"""
from __future__ import annotations

import json
from dataclasses import fields
from pathlib import PurePath

import numpy as np
import pandas as pd

from ray_app.config import Config, MatchConfig
from ray_app.batch.prepare import OUTPUT_COLUMNS, Prepared, assemble, prepare
from ray_app.match.matcher import RESULT_COLUMNS
from ray_app.match.score import WEIGHT_SIGNALS, confidence, confidence_features, rescore

_OUTPUT_TO_KEY = dict(zip(OUTPUT_COLUMNS, ["system", "code", "description", "sty", "tty", "confidence", "flags"]))


def base_weights(match_cfg: MatchConfig) -> dict[str, float]:
    """The configured weights that a request may override (only those this engine version has)."""
    names = {f.name for f in fields(match_cfg)}
    return {w: float(getattr(match_cfg, w)) for w in WEIGHT_SIGNALS if w in names}


def prepare_pairs(pairs: list[tuple[str, str]], config: Config, expander=None) -> Prepared:
    return prepare([t for t, _ in pairs], [e for _, e in pairs], config, expander)


def actor_batch(queries: pd.DataFrame) -> dict[str, np.ndarray]:
    """Distinct queries in the numpy-batch form that QueryEmbedder / IndexReplica take (as in Ray Data)."""
    anchors = np.empty(len(queries), dtype=object)
    anchors[:] = [list(a) for a in queries["anchors"]]
    return {"qid": queries["qid"].to_numpy(), "text": queries["text"].to_numpy(dtype=object),
            "entity_type": queries["entity_type"].to_numpy(dtype=object),
            "system": queries["system"].to_numpy(dtype=object), "anchors": anchors}


def results_frame(batch: dict[str, np.ndarray]) -> pd.DataFrame:
    """IndexReplica's output batch -> the RESULT_COLUMNS frame, in qid order."""
    df = pd.DataFrame({c: batch[c] for c in ["qid", *RESULT_COLUMNS]})
    return df.sort_values("qid").reset_index(drop=True)


def rerank(results: pd.DataFrame, match_cfg: MatchConfig, weights: dict[str, float]) -> pd.DataFrame:
    """Re-rank every result's shortlist under ``weights``; best code, confidence and review flag follow."""
    base = base_weights(match_cfg)
    unknown = set(weights) - set(base)
    if unknown:
        raise ValueError(f"this engine has no weight(s) {sorted(unknown)}; known: {sorted(base)}")
    out = results.copy()
    for i, raw in enumerate(out["candidates"].tolist()):
        cands = json.loads(raw)
        if not cands:
            continue
        cands = rescore(cands, base, weights)
        top = cands[0]
        conf = confidence(confidence_features(cands))
        flags = [f for f in str(out.at[i, "flags"]).split(";") if f and f != "needs_review"]
        if conf < match_cfg.review_threshold:
            flags.insert(0, "needs_review")
        for key in ("code", "description", "sty", "tty"):
            out.at[i, key] = top[key]
        out.at[i, "confidence"] = round(conf, 4)
        out.at[i, "flags"] = ";".join(flags)
        out.at[i, "candidates"] = json.dumps(cands)
    return out


def finish(pairs: list[tuple[str, str]], prepared: Prepared, results: pd.DataFrame, config: Config,
           top_k: int, weights: dict[str, float] | None = None) -> list[dict]:
    """Results of the distinct queries -> one dict per input pair (the batch job's output shaping)."""
    if weights:
        results = rerank(results, config.match, weights)
    frame = pd.DataFrame({"text": [t for t, _ in pairs], "entity_type": [e for _, e in pairs]})
    out = assemble(frame, prepared, results, top_k=0)
    cand_lists = [json.loads(c) for c in results["candidates"]] if len(results) else []
    items = []
    for i, row in enumerate(out[OUTPUT_COLUMNS].to_dict("records")):
        item = {_OUTPUT_TO_KEY[k]: v for k, v in row.items()}
        item["confidence"] = float(item["confidence"])
        item["flags"] = [f for f in str(item["flags"]).split(";") if f]
        qid = int(prepared.row_qid[i])
        item["candidates"] = cand_lists[qid][:top_k] if qid >= 0 else []
        items.append(item)
    return items


def map_pairs(matcher, pairs: list[tuple[str, str]], config: Config, top_k: int,
              weights: dict[str, float] | None = None) -> list[dict]:
    """In-process: the whole online path with one Matcher (site export, benchmarks, tests)."""
    prepared = prepare_pairs(pairs, config, matcher.expander)
    results = matcher.match_batch(prepared.queries) if len(prepared.queries) else \
        pd.DataFrame(columns=RESULT_COLUMNS)
    return finish(pairs, prepared, results, config, top_k, weights)


def online_config(config: Config) -> Config:
    """The config the online path runs with: the matcher keeps a shortlist as long as the largest top_k
    a request may ask for (ranks and the best code do not depend on its length)."""
    cfg = Config.from_dict(config.to_dict())
    cfg.match.top_k = max(cfg.match.top_k, cfg.serve.max_top_k)
    return cfg


def _model_name(path: str) -> str:
    p = PurePath(path)
    return p.parent.name if p.name == "model" else p.name  # packaged models live in <package>/model


def index_info(bundle) -> dict:
    """What /v1/health reports about a loaded index: its model, catalog version and size."""
    meta = bundle.meta
    return {"index": {"loaded": True, "created": meta.get("created"), "format_version": meta.get("format_version"),
                      "type": meta.get("index", {}).get("type"),
                      "rows": {s: int(v["rows"]) for s, v in meta["systems"].items()}},
            "model": {"name": _model_name(meta["model"]["path"]),
                      "fingerprint": meta["model"]["fingerprint"], "dim": int(meta["model"]["dim"])},
            "catalog": {"fingerprint": meta["catalog"]["fingerprint"],
                        "sources": [PurePath(p).name for p in meta["catalog"].get("sources", [])]}}


def catalog_summary(bundle) -> dict:
    """Systems with row/code counts, term types and the semantic-type inventory (rows and codes per STY)."""
    systems, inventory = {}, {}
    for name, si in bundle.systems.items():
        t = si.table
        sty_codes = t.groupby("STY")["code_idx"].nunique()
        systems[name] = {"rows": int(len(t)), "codes": int(len(si.codes)),
                         "tty": {str(k): int(v) for k, v in t["TTY"].value_counts().items()},
                         "sty": {str(k): {"rows": int(v), "codes": int(sty_codes.get(k, 0))}
                                 for k, v in t["STY"].value_counts().items()}}
        for sty, v in systems[name]["sty"].items():
            acc = inventory.setdefault(sty, {"sty": sty, "rows": 0, "codes": 0, "systems": []})
            acc["rows"] += v["rows"]
            acc["codes"] += v["codes"]
            acc["systems"].append(name)
    return {"catalog": bundle.meta["catalog"]["fingerprint"], "systems": systems,
            "sty_inventory": sorted(inventory.values(), key=lambda r: -r["rows"])}
