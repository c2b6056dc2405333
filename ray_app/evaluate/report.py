"""The evaluation report: metrics.json, summary.md and misses.csv (gold and top candidates side by side)."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from ray_app.evaluate.metrics import KS


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
    lines.append("| ranker | rows | " + " | ".join(cols) + " | rows/s |")
    lines.append("|---|---|" + "---|" * len(cols) + "---|")
    for name, m in metrics["rankers"].items():
        for subset in ("all", "in_catalog"):
            lines.append(f"| {name} | {subset} | " + " | ".join(_f(m[subset][c]) for c in cols)
                         + f" | {_f(m.get('rows_per_s'))} |")
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
        self.bundle = bundle

    def __call__(self, system: str, code: str) -> str:
        si = self.bundle.systems.get(system) if hasattr(self.bundle, "systems") else None
        if si is None:
            return ""
        i = si.code_position(code)
        return "(not in catalog)" if i is None else str(si.row_str[int(si.code_start[i])])


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
               "confidence": r["confidence"], "flags": ";".join(r["flags"])}
        if "Variant" in rows.columns:
            rec["variant"] = rows.at[i, "Variant"]
        cands = [asdict(c) for c in r["candidates"]] if r["candidates"] else [{"code": c} for c in r["codes"]]
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
