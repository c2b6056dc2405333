"""Batch mapping, driver-agnostic: prepare (normalize + dedupe) -> match (any engine) -> join back.

``match_fn`` takes the distinct-query frame and returns RESULT_COLUMNS aligned to it; the Ray job passes
one backed by actor pools, the CLI's --local mode and tests pass Matcher.match_batch in chunks.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from ray_app.config import Config
from ray_app.text.expand import QueryExpander, configured_anchors
from ray_app.batch.tables import resolve_columns
from ray_app.match.matcher import RESULT_COLUMNS
from ray_app.text.normalize import ENTITY_SYSTEM, canonical_entity_type, coerce_input, match_text

OUTPUT_COLUMNS = ["Output Coding System", "Output Target Code", "Output Target Description",
                  "Output Semantic Type (STY)", "Output Term Type (TTY)", "Output Confidence", "Output Flags"]
_RESULT_TO_OUTPUT = dict(zip(["system", "code", "description", "sty", "tty", "confidence", "flags"], OUTPUT_COLUMNS))


@dataclass
class Prepared:
    queries: pd.DataFrame  # distinct queries: qid, text, entity_type, system, anchors
    row_qid: np.ndarray  # per input row: qid, or -1 when the row is not sent to matching
    row_system: list[str]  # routed system per row ('' when the type is unknown)
    row_flags: list[list[str]]


def prepare(texts: list, types: list, config: Config, expander: QueryExpander | None = None) -> Prepared:
    """Normalize, flag and dedupe input rows; build each distinct query's anchors with ``expander``
    (the index's speller and acronyms: ``Matcher.expander`` or ``expand.load_expander``)."""
    max_chars = config.match.max_chars
    keys: dict[tuple[str, str], int] = {}
    q_text, q_type, q_key = [], [], []
    row_qid = np.full(len(texts), -1, dtype=np.int64)
    row_system, row_flags = [], []
    for i, (raw, raw_type) in enumerate(zip(texts, types)):
        text, flags = coerce_input(raw, max_chars)
        etype = canonical_entity_type(raw_type)
        system = ENTITY_SYSTEM.get(etype, "")
        if etype is None:
            flags.append("unknown_entity_type")
        row_system.append(system)
        row_flags.append(flags)
        if etype is None or not text:
            continue
        key = (match_text(text), etype)
        qid = keys.get(key)
        if qid is None:
            qid = keys[key] = len(q_text)
            q_text.append(text)
            q_type.append(etype)
            q_key.append(key[0])
        row_qid[i] = qid
    queries = pd.DataFrame({
        "qid": np.arange(len(q_text), dtype=np.int64),
        "text": q_text,
        "entity_type": q_type,
        "system": [ENTITY_SYSTEM[t] for t in q_type],
        "anchors": [configured_anchors(t, e, config.match, expander) for t, e in zip(q_text, q_type)],
    })
    return Prepared(queries, row_qid, row_system, row_flags)


def local_match_fn(matcher, batch_size: int = 256, log: Callable[[str], None] | None = None):
    """Run Matcher.match_batch in-process over fixed-size chunks (no Ray)."""
    def run(queries: pd.DataFrame) -> pd.DataFrame:
        parts, t0 = [], time.perf_counter()
        for start in range(0, len(queries), batch_size):
            parts.append(matcher.match_batch(queries.iloc[start:start + batch_size]))
            if log:
                done = min(len(queries), start + batch_size)
                log(f"[map] {done:,}/{len(queries):,} distinct queries, {done / (time.perf_counter() - t0):.1f}/s")
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=RESULT_COLUMNS)
    return run


def assemble(df: pd.DataFrame, prepared: Prepared, results: pd.DataFrame, top_k: int = 0) -> pd.DataFrame:
    """Input columns + output columns, one output row per input row, in input order."""
    if len(results) != len(prepared.queries):
        raise RuntimeError(f"matching returned {len(results)} results for {len(prepared.queries)} queries")
    out = df.copy()
    n = len(df)
    qid = prepared.row_qid
    has = qid >= 0
    take = np.where(has, qid, 0)
    for src, dst in _RESULT_TO_OUTPUT.items():
        if src == "confidence":
            vals = np.where(has, results[src].to_numpy(dtype=float)[take] if len(results) else 0.0, 0.0)
        elif src == "system":
            vals = np.array(prepared.row_system, dtype=object)
        elif src == "flags":
            matched = results[src].to_numpy(dtype=object)[take] if len(results) else np.array([""] * n, object)
            vals = np.array([";".join(dict.fromkeys(prepared.row_flags[i] + (str(matched[i]).split(";") if has[i] and matched[i] else [])))
                             for i in range(n)], dtype=object)
        else:
            col = results[src].astype(str).to_numpy(dtype=object) if len(results) else np.array([""] * n, object)
            vals = np.where(has, col[take] if len(results) else "", "")
        out[dst] = vals
    if top_k > 0:
        cand_lists = [json.loads(c) for c in results["candidates"]] if len(results) else []
        for k in range(1, top_k + 1):
            sys_k, code_k, desc_k = [], [], []
            for i in range(n):
                c = cand_lists[qid[i]][k - 1] if has[i] and len(cand_lists[qid[i]]) >= k else None
                sys_k.append(c["system"] if c else "")
                code_k.append(c["code"] if c else "")
                desc_k.append(c["description"] if c else "")
            out[f"Output Coding System {k}"] = sys_k
            out[f"Output Target Code {k}"] = code_k
            out[f"Output Target Description {k}"] = desc_k
    return out


def map_dataframe(df: pd.DataFrame, match_fn: Callable[[pd.DataFrame], pd.DataFrame], config: Config,
                  top_k: int = 0, text_col: str | None = None, type_col: str | None = None,
                  source: str = "input", expander: QueryExpander | None = None) -> tuple[pd.DataFrame, dict]:
    tcol, ycol = resolve_columns(df, text_col or "Input Entity Description", type_col or "Entity Type", source)
    t0 = time.perf_counter()
    prepared = prepare(df[tcol].tolist(), df[ycol].tolist(), config, expander)
    results = match_fn(prepared.queries)
    results = results.sort_values("qid").reset_index(drop=True) if "qid" in results.columns else results
    out = assemble(df, prepared, results, top_k)
    elapsed = time.perf_counter() - t0
    flags = pd.Series(out["Output Flags"]).str.split(";").explode()
    stats = {"rows": len(df), "distinct_queries": len(prepared.queries), "seconds": round(elapsed, 3),
             "rows_per_s": round(len(df) / elapsed, 1) if elapsed > 0 else None,
             "mapped": int((out["Output Target Code"] != "").sum()),
             "flags": {k: int(v) for k, v in flags[flags != ""].value_counts().items()}}
    return out, stats
