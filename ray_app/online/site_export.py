"""``harmonize site --out docs/``: a static copy of the web page for GitHub Pages.

Its demo replays results recorded here from the real engine (``online.map_pairs``, the path the API runs)
and says so on the page. The data ships as ``recorded.js`` (a script, not a fetch) so the copy also opens
from disk.
"""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from ray_app.online.api import SITE_ASSETS, SITE_DIR, page_html
from ray_app.online.models import WEIGHT_RANGE
from ray_app.config import Config
from ray_app.online.shape import base_weights, index_info, map_pairs, online_config


def record_key(text: str, entity_type: str) -> str:
    """The replay key; site.js builds the same one (lower case, whitespace collapsed)."""
    return f"{entity_type.strip().lower()}|{' '.join(text.strip().lower().split())}"


def example_pairs() -> tuple[dict, list[tuple[str, str]]]:
    examples = json.loads((SITE_DIR / "examples.json").read_text(encoding="utf-8"))
    pairs = [(t, e) for t, e, *_ in examples["hackathon"]] + [(t, e) for t, e in examples["demo"]]
    return examples, list(dict.fromkeys(pairs))


def record(engine, config: Config) -> dict:
    """Every example through the engine, with the longest shortlist a request may ask for (load the
    engine with ``online_config(config)`` to get all of it)."""
    cfg = online_config(config)
    examples, pairs = example_pairs()
    results = map_pairs(engine, pairs, config, top_k=cfg.serve.max_top_k)
    return {
        "recorded_at": time.strftime("%Y-%m-%d"),
        "examples": examples,
        "results": {record_key(t, e): r for (t, e), r in zip(pairs, results)},
        "figures": json.loads((SITE_DIR / "figures.json").read_text(encoding="utf-8")),
        "health": {"status": "recorded", **index_info(engine.bundle),
                   "scoring": {"weights": base_weights(config.match), "range": list(WEIGHT_RANGE)}},
    }


def export_site(out_dir: str | Path, recorded: dict) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    html = page_html("recorded").replace(
        "<!-- recorded-data -->", '<script src="recorded.js"></script>', 1)
    written = [out / "index.html"]
    written[0].write_text(html, encoding="utf-8")
    for name in SITE_ASSETS:
        shutil.copyfile(SITE_DIR / name, out / name)
        written.append(out / name)
    data = json.dumps(recorded, ensure_ascii=False, indent=1).replace("</", "<\\/")
    (out / "recorded.js").write_text(
        "// Results recorded from the real engine by `harmonize site`; the page replays them.\n"
        f"window.HARMONIZE_RECORDED = {data};\n", encoding="utf-8")
    written.append(out / "recorded.js")
    (out / ".nojekyll").write_text("")  # GitHub Pages: serve the files as they are
    return written


RECORDED_PREFIX = "window.HARMONIZE_RECORDED = "


def read_recorded(path: str | Path) -> dict:
    text = Path(path).read_text(encoding="utf-8")
    start = text.index(RECORDED_PREFIX) + len(RECORDED_PREFIX)
    return json.loads(text[start:].rstrip().rstrip(";").replace("<\\/", "</"))


def _codes(recorded: dict) -> dict:
    """What must not drift: per recorded query its best code (not dates, decimals, or the tail of a shortlist,
    which an HNSW graph built on other threads may order differently)."""
    return {k: r["code"] for k, r in recorded["results"].items()}


def check_site(out_dir: str | Path, recorded: dict) -> list[str]:
    """Differences between ``out_dir`` and a fresh export: every page file byte for byte, and the codes of
    every recorded result. Empty when the copy is up to date."""
    import tempfile

    out = Path(out_dir)
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = [p.name for p in export_site(tmp, recorded)]
        for name in fresh:
            mine, theirs = Path(tmp) / name, out / name
            if not theirs.exists():
                problems.append(f"{theirs} is missing")
            elif name == "recorded.js":
                old = read_recorded(theirs)
                if old.get("examples") != recorded["examples"]:
                    problems.append(f"{theirs}: the example lists differ from site/examples.json")
                want, have = _codes(recorded), _codes(old)
                for key in sorted(set(want) | set(have)):
                    if want.get(key) != have.get(key):
                        problems.append(f"{theirs}: {key!r} recorded {have.get(key)}, the engine now gives {want.get(key)}")
            elif mine.read_bytes() != theirs.read_bytes():
                problems.append(f"{theirs} differs from ray_app/online/site/{name if name != 'index.html' else 'index.html (recorded mode)'}")
    return problems
