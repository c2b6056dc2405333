"""The review queue of a mapped file: one item per distinct (text, entity type), with the rows it stands for.

Built from what the streaming job leaves in its parts folder (``map_stream(..., keep_parts=True)``): the
part files (every row with its output columns) and the result cache files (the typed result, top-k and
signals, of every query that was matched). An item the mapping memory answered has no cached result; its
row's output columns stand in. Order: flagged items first, least confident first; then the others, least
confident first; items already decided when the job ran last. Decisions live in the database, so the
queue file itself never changes: the review's progress is the set of its keys that have a decision.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow.parquet as pq

from ray_app.batch.prepare import prepare
from ray_app.batch.sink import OutputLayout
from ray_app.config import Config
from ray_app.result import from_json, to_dict

QUEUE_FILE = "queue.json"
SETTLED = {"reviewed", "not_in_catalog"}  # flags that do not ask for a review


def build_queue(output: str | Path, config: Config, text_col: str, type_col: str) -> list[dict]:
    layout = OutputLayout(output)
    manifest = json.loads(Path(layout.manifest).read_text())
    results: dict[str, dict] = {}
    for b in manifest["blocks"]:
        t = pq.read_table(Path(layout.parts) / b["cache_file"])
        for k, text in zip(t.column("k").to_pylist(), t.column("result").to_pylist()):
            results[k] = to_dict(from_json(text))
    items: dict[str, dict] = {}
    for b in manifest["blocks"]:
        t = pq.read_table(io.BytesIO((Path(layout.parts) / b["file"]).read_bytes()))
        texts, types = t.column(text_col).to_pylist(), t.column(type_col).to_pylist()
        p = prepare(texts, types, config)
        cols = {c: t.column(c).to_pylist() for c in ("Output Target Code", "Output Target Description",
                                                     "Output Confidence", "Output Flags")}
        for row, qid in enumerate(p.row_qid.tolist()):
            if qid < 0:
                continue  # empty text or unknown type: flagged in the file, nothing to choose from
            q = p.queries[qid]
            item = items.get(q.key)
            if item is None:
                r = results.get(q.key) or {"code": cols["Output Target Code"][row],
                                           "description": cols["Output Target Description"][row],
                                           "confidence": cols["Output Confidence"][row],
                                           "flags": [f for f in (cols["Output Flags"][row] or "").split(";") if f],
                                           "candidates": []}
                item = items[q.key] = {
                    "key": q.key, "text": q.text, "entity_type": q.entity_type, "system": q.system, "rows": 0,
                    "first_row": b["row_start"] + row, "code": r["code"], "description": r["description"],
                    "confidence": float(r["confidence"] or 0.0), "flags": list(r["flags"]),
                    "candidates": r["candidates"][:config.review.top_k]}
            item["rows"] += 1
    ordered = sorted(items.values(), key=_order)
    for i, item in enumerate(ordered):
        item["id"] = i
    return ordered


def _order(item: dict) -> tuple:
    flags = set(item["flags"])
    settled = bool(flags & SETTLED)
    flagged = bool(flags - SETTLED)
    return (settled, not flagged, item["confidence"], item["first_row"])


def write_queue(path: Path, items: list[dict]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"items": items}, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    tmp.replace(path)


def read_queue(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["items"]
