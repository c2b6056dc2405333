"""The online path's shaping: typed results -> API items, per-request weights, health and catalog reports.

Mapping itself is the batch path (``batch.driver.Mapper``): the Serve ingress runs it over deployment
handles, ``map_pairs`` over the in-process engine. Optional per-request weights re-rank the returned
shortlist from its signals (``match.score.rescore``); nothing here scores strings.
"""
from __future__ import annotations

import copy
from dataclasses import fields, replace
from pathlib import PurePath

from ray_app.batch.backend import LocalBackend
from ray_app.batch.driver import Mapper
from ray_app.config import Config, MatchConfig
from ray_app.index.versions import catalog_label
from ray_app.match.score import EXTRA_WEIGHTS, WEIGHT_SIGNALS, confidence, confidence_features, rescore
from ray_app.result import MatchResult, to_dict


def base_weights(match_cfg: MatchConfig) -> dict[str, float]:
    """The configured weights that a request may override (only those this engine version has)."""
    names = {f.name for f in fields(match_cfg)}
    return {w: float(getattr(match_cfg, w)) for w in (*WEIGHT_SIGNALS, *EXTRA_WEIGHTS) if w in names}


def rerank(result: MatchResult, match_cfg: MatchConfig, weights: dict[str, float]) -> MatchResult:
    """``result``'s shortlist re-ranked under ``weights``; best code, confidence and review flag follow."""
    base = base_weights(match_cfg)
    unknown = set(weights) - set(base)
    if unknown:
        raise ValueError(f"this engine has no weight(s) {sorted(unknown)}; known: {sorted(base)}")
    if not result.candidates or "reviewed" in result.flags:  # a person's decision is not re-scored
        return result
    cands = rescore(result.candidates, base, weights)
    top, conf = cands[0], confidence(confidence_features(cands))
    flags = [f for f in result.flags if f != "needs_review"]
    if conf < match_cfg.review_threshold:
        flags.insert(0, "needs_review")
    return replace(result, code=top.code, description=top.description, sty=top.sty, tty=top.tty,
                   confidence=round(conf, 4), flags=flags, candidates=cands)


def row_anchors(prepared) -> list[list[str]]:
    """Per input row, the texts the engine searched with: the query and its expansions (``batch.prepare``)."""
    return [list(prepared.queries[q].anchors) if q >= 0 else [] for q in prepared.row_qid.tolist()]


def respond(rows: list[MatchResult], match_cfg: MatchConfig, top_k: int,
            weights: dict[str, float] | None = None, anchors: list[list[str]] | None = None) -> list[dict]:
    """Row results -> API items (the JSON edge): optionally re-ranked, shortlist cut to ``top_k``, with
    each row's anchors (query + expansions) when given."""
    if weights:
        rows = [rerank(r, match_cfg, weights) for r in rows]
    items = [to_dict(r.trimmed(top_k)) for r in rows]
    for item, a in zip(items, anchors or []):
        item["anchors"] = a
    return items


def map_pairs(engine, pairs: list[tuple[str, str]], config: Config, top_k: int,
              weights: dict[str, float] | None = None) -> list[dict]:
    """In-process: the whole online path with one engine (site export, benchmarks, tests)."""
    mapper = Mapper(LocalBackend(engine.matcher, config.ray.embed_batch_size), config, engine.expander)
    mapped = mapper.map([t for t, _ in pairs], [e for _, e in pairs])
    return respond(mapped.rows, config.match, top_k, weights, row_anchors(mapped.prepared))


def online_config(config: Config) -> Config:
    """The config the online path runs with: the matcher keeps a shortlist as long as the largest top_k
    a request may ask for (ranks and the best code do not depend on its length)."""
    cfg = copy.deepcopy(config)
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
            "catalog": {"fingerprint": meta["catalog"]["fingerprint"], "version": catalog_label(meta),
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
    return {"catalog": bundle.meta["catalog"]["fingerprint"], "version": catalog_label(bundle.meta),
            "release": bundle.meta["catalog"].get("release"), "systems": systems,
            "sty_inventory": sorted(inventory.values(), key=lambda r: -r["rows"])}
