"""Index build, driver-agnostic: catalog -> distinct texts (less those a --base index already embedded)
-> (any embedding engine) -> IndexBundle, optionally as a new version of a versioned root."""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from ray_app.catalog.inputs import convert_summary, resolve_catalogs
from ray_app.catalog.load import LLM_TTY, catalog_release, catalog_version, fingerprint as catalog_fingerprint, load_catalog
from ray_app.config import Config
from ray_app.embed import Embedder, model_fingerprint, resolve_model_path
from ray_app.index.bundle import BundleWriter
from ray_app.index.diff import catalog_diff, read_tables, write as write_diff
from ray_app.index.incremental import Base, open_base, reuse_vectors
from ray_app.index.versions import CURRENT, is_root, new_version_dir, prune, switch_current

# An embedding engine: given the plan (system, uid, text), yields (system, uids, vectors) in any order.
EmbedStream = Callable[[pd.DataFrame], Iterable[tuple[str, np.ndarray, np.ndarray]]]


def local_embed_stream(embedder: Embedder, chunk: int = 2048) -> EmbedStream:
    def stream(plan: pd.DataFrame):
        for start in range(0, len(plan), chunk):
            part = plan.iloc[start:start + chunk]
            vecs = embedder.encode(part["text"].tolist())
            for system, idx in part.groupby("system").indices.items():
                yield system, part["uid"].to_numpy()[idx], vecs[idx]
    return stream


def build_index(catalogs: list[str], out_dir: str | Path, config: Config, embed_stream: EmbedStream,
                dim: int, log: Callable[[str], None] = print, base: str | Path | None = None,
                versioned: bool = False, enrich: str | Path | None = None) -> dict:
    """Build the index of ``catalogs`` into ``out_dir``.

    ``catalogs``: canonical parquet files, or terminology release files / folders (UMLS or RxNorm RRF, RF2
    snapshots, FHIR), which are converted first (``catalog.inputs``). ``enrich``: an ENRICH_DIR written by
    ``harmonize enrich``: its answers become extra rows of TTY ``LLM`` (``enrich.index_fields``).

    ``base``: an earlier index (directory or versioned root) whose vectors are reused for every string it
    already embedded with the same model; only the rest goes through ``embed_stream``, and the catalog diff
    is written next to the new index. With ``base``, ``versioned`` or an ``out_dir`` that already is a
    versioned root, ``out_dir`` is a root: the build goes into a new version directory and ``current``
    switches to it only once the build is complete (ray_app.index.versions).
    """
    with tempfile.TemporaryDirectory(prefix="harmonize-convert-") as work:  # converted releases live here
        files, converted = resolve_catalogs([str(c) for c in catalogs], work, log)
        return _build_index(files, [str(c) for c in catalogs], converted, out_dir, config, embed_stream, dim, log,
                            base, versioned, enrich)


def _enrichment(enrich: str | Path, config: Config, sources: list[str], log) -> tuple[pd.DataFrame, dict]:
    from ray_app.enrich.store import EnrichStore, index_rows

    store = EnrichStore(enrich)
    if not store.shards():
        raise FileNotFoundError(f"--enrich {enrich}: no enrichment shards (part-*.parquet); run harmonize enrich")
    latest = store.latest()
    ok = latest[latest["status"] == "ok"]
    rows = index_rows(latest, list(config.enrich.index_fields))
    info = {"path": str(enrich), "codes": int(len(ok)), "strings": int(len(rows)),
            "fields": list(config.enrich.index_fields), "models": sorted(ok["model"].unique().tolist()),
            "prompt_versions": sorted(ok["prompt_version"].unique().tolist())}
    sources.append(f"LLM enrichment: {enrich}")
    log(f"[build] enrichment {enrich}: {info['codes']:,} enriched codes, {info['strings']:,} strings "
        f"({', '.join(info['fields'])}); ambiguous or already-known wordings are left out")
    return rows, info


def _build_index(catalogs: list[str], given: list[str], converted: dict | None, out_dir: str | Path,
                 config: Config, embed_stream: EmbedStream, dim: int, log, base, versioned: bool, enrich) -> dict:
    t0 = time.perf_counter()
    model_path = resolve_model_path(config.model.path)
    model_fp = model_fingerprint(model_path)
    old = open_base(base, model_fp, dim, config.model.max_seq_length) if base is not None else None
    synonyms, sources = None, list(given)  # the sources as given (converted releases live in a temp dir)
    if config.index.hpo_synonyms:
        from ray_app.catalog.hpo import default_obo_path, hpo_synonyms

        obo = config.index.hpo_obo or default_obo_path()
        synonyms = hpo_synonyms(obo)
        sources.append(f"HPO synonyms: {obo}")
    extra, enrichment = _enrichment(enrich, config, sources, log) if enrich is not None else (None, None)
    tables = load_catalog(catalogs, synonyms=synonyms, enrichment=extra)
    releases = catalog_release(catalogs)
    fp = catalog_fingerprint(tables)
    catalog = {"version": catalog_version(releases, fp),
               "release": {k: v for r in releases for k, v in r.items()} or None,
               **({"converted": convert_summary(converted)} if converted else {}),
               **({"enrichment": {**enrichment, "rows": {s: int((t["TTY"] == LLM_TTY).sum())
                                                         for s, t in tables.items()}}} if enrichment else {})}
    log(f"[build] catalog version {catalog['version']}")
    for system, t in tables.items():
        log(f"[build] {system}: {len(t):,} rows, {t['code_idx'].max() + 1:,} codes")
    root = Path(out_dir)
    versioned = versioned or old is not None or is_root(root)
    target = new_version_dir(root, catalog["version"]) if versioned else root
    try:
        meta = _build(tables, target, config, embed_stream, dim, model_path, model_fp, sources, catalog, old, log)
    except BaseException:
        if versioned:  # a failed build leaves nothing behind; current still names the old version
            shutil.rmtree(target, ignore_errors=True)
        raise
    meta["build_seconds"] = round(time.perf_counter() - t0, 1)
    if versioned:
        switch_current(root, target)
        removed = prune(root, config.index.keep_versions, protect=(old.path.name,) if old else ())
        log(f"[build] {root}/{CURRENT} -> {target.name}" + (f"; pruned {', '.join(removed)}" if removed else ""))
    log(f"[build] done in {meta['build_seconds']}s -> {target}")
    return meta


def _build(tables, out: Path, config: Config, embed_stream: EmbedStream, dim: int, model_path: str,
           model_fp: str, sources: list[str], catalog: dict, old: Base | None, log) -> dict:
    writer = BundleWriter(out, tables, model_path, model_fp, dim, config, sources=sources)
    reused = reuse_vectors(writer, old, log) if old is not None else 0
    todo = writer.missing()
    # longest-first keeps padding per encode batch small and the progress ETA honest
    plan = todo.assign(_len=todo["text"].str.len()).sort_values("_len", ascending=False,
                                                                kind="stable").drop(columns="_len")
    total, done, t_embed = len(plan), 0, time.perf_counter()
    if total:  # nothing new: no embedding engine starts at all
        for system, uids, vecs in embed_stream(plan):
            writer.add(system, uids, vecs)
            done += len(uids)
            rate = done / max(time.perf_counter() - t_embed, 1e-9)
            log(f"[build] embedded {done:,}/{total:,} distinct strings, {rate:.0f}/s, ETA {(total - done) / rate:.0f}s")
    build = {"distinct_texts": int(len(writer.plan)), "embedded": done, "reused": reused,
             "embed_seconds": round(time.perf_counter() - t_embed, 1)}
    if old is not None:
        diff = catalog_diff(read_tables(old.path), tables)
        diff.update(base={"path": str(old.path), "version": old.version}, new={"version": catalog["version"]},
                    embedding={"embedded": done, "reused": reused, "note": old.note})
        for line in write_diff(out, diff).splitlines():
            log(f"[build] {line}")
        build.update(base=str(old.path), base_version=old.version, diff=diff["counts"],
                     **({"note": old.note} if old.note else {}))
    return writer.finalize(log=log, catalog=catalog, build=build)
