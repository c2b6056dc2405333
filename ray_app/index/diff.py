"""What changed between two catalogs: codes added, retired and renamed; strings added and removed.

An incremental build (``harmonize build --base``) writes it into the new index as diff.json and a short
diff.md. ``retired_codes`` is the hook for reviewed mappings: a reviewed code that a new release retired
must be reviewed again.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

DIFF_JSON, DIFF_MD = "diff.json", "diff.md"
EXAMPLES = 5  # per list in the human summary


def _display(t: pd.DataFrame) -> pd.Series:
    """CODE -> display name: a code's first row (tables are sorted by code, then TTY preference)."""
    return t.drop_duplicates("CODE").set_index("CODE")["STR"]


def _strings(t: pd.DataFrame) -> pd.DataFrame:
    return t[["CODE", "STR", "TTY"]].drop_duplicates(["CODE", "STR"])


def system_diff(old: pd.DataFrame | None, new: pd.DataFrame | None) -> dict:
    empty = pd.DataFrame({"CODE": pd.Series(dtype=str), "STR": pd.Series(dtype=str), "TTY": pd.Series(dtype=str)})
    old = empty if old is None else old
    new = empty if new is None else new
    old_names, new_names = _display(old), _display(new)
    added = new_names.index.difference(old_names.index)
    retired = old_names.index.difference(new_names.index)
    both = new_names.index.intersection(old_names.index)
    changed = both[(old_names.loc[both] != new_names.loc[both]).to_numpy()]
    so, sn = _strings(old), _strings(new)
    joined = so.merge(sn, on=["CODE", "STR"], how="outer", indicator=True, suffixes=("_old", "_new"))
    gone = joined[joined["_merge"] == "left_only"]
    came = joined[joined["_merge"] == "right_only"]
    return {
        "codes_added": sorted(added.tolist()),
        "codes_retired": sorted(retired.tolist()),
        "codes_renamed": [{"code": c, "old": old_names[c], "new": new_names[c]} for c in sorted(changed.tolist())],
        "strings_added": [{"code": c, "str": s, "tty": t}
                          for c, s, t in zip(came["CODE"], came["STR"], came["TTY_new"])],
        "strings_removed": [{"code": c, "str": s, "tty": t}
                            for c, s, t in zip(gone["CODE"], gone["STR"], gone["TTY_old"])],
    }


def catalog_diff(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> dict:
    """Per system (the union of both), the lists of ``system_diff``; ``counts`` sums their lengths."""
    systems = {s: system_diff(old.get(s), new.get(s)) for s in sorted(set(old) | set(new))}
    counts = {k: sum(len(d[k]) for d in systems.values()) for k in next(iter(systems.values()), {})}
    return {"counts": counts, "systems": systems}


def summary(diff: dict) -> str:
    """A few lines for a person: counts per system, then the first examples of each list."""
    lines = []
    base, new = diff.get("base", {}), diff.get("new", {})
    if base or new:
        lines.append(f"catalog {base.get('version', '?')} -> {new.get('version', '?')}")
    emb = diff.get("embedding")
    if emb:
        lines.append(f"strings embedded {emb['embedded']:,}, reused from the base {emb['reused']:,}"
                     + (f" ({emb['note']})" if emb.get("note") else ""))
    for system, d in diff["systems"].items():
        lines.append(f"{system}: " + ", ".join(f"{k.replace('_', ' ')} {len(v):,}" for k, v in d.items()))
        for key in ("codes_added", "codes_retired"):
            if d[key]:
                lines.append(f"  {key.replace('_', ' ')}: " + ", ".join(d[key][:EXAMPLES])
                             + (" ..." if len(d[key]) > EXAMPLES else ""))
        for r in d["codes_renamed"][:EXAMPLES]:
            lines.append(f"  renamed {r['code']}: {r['old']!r} -> {r['new']!r}")
    return "\n".join(lines)


def write(out_dir: str | Path, diff: dict) -> str:
    out = Path(out_dir)
    (out / DIFF_JSON).write_text(json.dumps(diff, indent=1, ensure_ascii=False))
    text = summary(diff)
    (out / DIFF_MD).write_text(text + "\n")
    return text


def read_tables(index_dir: str | Path) -> dict[str, pd.DataFrame]:
    """The catalog tables (CODE, STR, TTY, match_text) of a built index, without its vectors."""
    from ray_app.index.versions import resolve_index_dir

    d = resolve_index_dir(index_dir)
    meta = json.loads((d / "meta.json").read_text())
    return {s: pd.read_parquet(d / s / "catalog.parquet", columns=["CODE", "STR", "TTY", "match_text"])
            for s in meta["systems"]}


def diff_indexes(old_index: str | Path, new_index: str | Path) -> dict:
    """The diff between any two built indexes (directories or versioned roots)."""
    return catalog_diff(read_tables(old_index), read_tables(new_index))


def retired_codes(index_dir: str | Path) -> dict[str, list[str]]:
    """{system: codes} the build of ``index_dir`` retired relative to its --base; {} when it had no base.
    For the review loop: reviewed mappings to these codes need a new review."""
    from ray_app.index.versions import resolve_index_dir

    f = resolve_index_dir(index_dir) / DIFF_JSON
    if not f.exists():
        return {}
    return {s: d["codes_retired"] for s, d in json.loads(f.read_text())["systems"].items() if d["codes_retired"]}
