"""The last stage of every batch: distinct-query results fanned back out to input rows, in input order.

``row_results`` gives each input row its typed ``MatchResult`` (row-level flags first); ``output_columns``
is the file edge: the ``Output ...`` columns of a mapped spreadsheet, flags ``;``-joined.
"""
from __future__ import annotations

from ray_app.batch.prepare import Prepared
from ray_app.result import MatchResult, unmapped

OUTPUT_COLUMNS = ["Output Coding System", "Output Target Code", "Output Target Description",
                  "Output Semantic Type (STY)", "Output Term Type (TTY)", "Output Confidence", "Output Flags"]


def row_results(prepared: Prepared, results: list[MatchResult]) -> list[MatchResult]:
    """One result per input row: its query's result (shared, never copied per row), or an unmapped one."""
    if len(results) != len(prepared.queries):
        raise RuntimeError(f"matching returned {len(results)} results for {len(prepared.queries)} queries")
    out = []
    for qid, system, flags in zip(prepared.row_qid.tolist(), prepared.row_system, prepared.row_flags):
        if qid < 0:
            out.append(unmapped(system, flags))
        else:
            r = results[qid]
            out.append(r.with_flags(flags) if flags else r)
    return out


LLM_COLUMNS = ["Output LLM Expansion", "Output LLM Reason"]
REVIEW_COLUMNS = ["Output Reviewed By", "Output Reviewed At"]


def output_columns(rows: list[MatchResult], top_k: int = 0, llm: bool = False, review: bool = False) -> dict[str, list]:
    """The output columns; with ``llm`` (the LLM stage ran) also the expansion and the re-ranker's reason;
    with ``review`` (a mapping memory was used) who decided a reviewed row, and when."""
    cols: dict[str, list] = {
        "Output Coding System": [r.system for r in rows],
        "Output Target Code": [r.code for r in rows],
        "Output Target Description": [r.description for r in rows],
        "Output Semantic Type (STY)": [r.sty for r in rows],
        "Output Term Type (TTY)": [r.tty for r in rows],
        "Output Confidence": [float(r.confidence) for r in rows],
        "Output Flags": [";".join(r.flags) for r in rows],
    }
    if llm:
        cols["Output LLM Expansion"] = [r.llm_expansion for r in rows]
        cols["Output LLM Reason"] = [r.llm_reason for r in rows]
    if review:
        cols["Output Reviewed By"] = [r.reviewed_by for r in rows]
        cols["Output Reviewed At"] = [r.reviewed_at for r in rows]
    for k in range(top_k):
        picked = [r.candidates[k] if len(r.candidates) > k else None for r in rows]
        cols[f"Output Coding System {k + 1}"] = [c.system if c else "" for c in picked]
        cols[f"Output Target Code {k + 1}"] = [c.code if c else "" for c in picked]
        cols[f"Output Target Description {k + 1}"] = [c.description if c else "" for c in picked]
    return cols
