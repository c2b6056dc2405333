"""Adapt the embedding model to a catalog: contrastive training on the catalog's own synonyms.

A general-domain sentence model puts "Gonococcal cervicitis" far from "inflammation of cervix uteri caused by
Neisseria gonorrhoeae". The catalog already says they are one concept: every code with two or more distinct
strings (plus HPO's wordings of it, when ``tune.hpo``) is a free positive pair. Training on them
(SapBERT-style self-alignment with in-batch negatives) teaches the model the catalog's wording patterns.

The training data is the catalog you index and nothing else, so it never sees evaluation text; for the
held-out-synonym dev set the model is tuned on the reduced catalog, so a held-out string is never trained on.
The result is a plain sentence-transformers directory: build and query with ``model.path`` pointing at it.
"""
from __future__ import annotations

import json
import os
import random
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable

import numpy as np

from ray_app.catalog.load import load_catalog
from ray_app.config import Config
from ray_app.text.typos import typo


def synonym_groups(tables: dict, max_strings: int = 8) -> list[list[str]]:
    """Distinct match texts per code (within one system) for codes that have at least two."""
    groups: list[list[str]] = []
    for system in sorted(tables):
        t = tables[system]
        texts = t["match_text"].to_numpy()
        for idx in t.groupby("code_idx", sort=True).indices.values():
            distinct = list(dict.fromkeys(texts[idx].tolist()))
            if len(distinct) >= 2:
                groups.append(distinct[:max_strings])
    return groups


def epoch_pairs(groups: list[list[str]], rng: random.Random, typo_rate: float) -> list[tuple[str, str]]:
    """One (anchor, positive) pair per code, shuffled: a code appears once per epoch, so no in-batch
    'negative' is secretly a synonym of the anchor."""
    pairs = []
    for g in groups:
        a, p = rng.sample(g, 2)
        if typo_rate and rng.random() < typo_rate:
            a = typo(a, rng)
        pairs.append((a, p))
    rng.shuffle(pairs)
    return pairs


def training_groups(catalogs: list[str], config: Config) -> list[list[str]]:
    """The catalog's synonym groups, plus (``tune.hpo``) HPO's wordings of the catalog's SNOMED codes."""
    tables = load_catalog(catalogs)
    groups = synonym_groups(tables, config.tune.max_strings_per_code)
    if config.tune.hpo:
        from ray_app.catalog.hpo import hpo_synonyms, linked_groups

        groups += [g[:config.tune.max_strings_per_code]
                   for g in linked_groups(tables, hpo_synonyms(config.index.hpo_obo))]
    return groups


def tune_model(catalogs: list[str], out_dir: str | Path, config: Config | None = None,
               log: Callable[[str], None] = print) -> dict:
    """One training run, kept in one function so its steps read in order (load, pairs, epochs, save). Fine-tune ``model.path`` (default: the packaged MiniLM) on the catalog's synonym pairs; save to out_dir."""
    import torch
    import torch.nn.functional as F
    from sentence_transformers import SentenceTransformer

    from ray_app.embed import pick_device, resolve_model_path

    config = config or Config()
    cfg = config.tune
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    t0 = time.perf_counter()
    groups = training_groups(catalogs, config)
    if len(groups) < max(2, cfg.batch_size):
        raise ValueError(f"catalog {catalogs} gives {len(groups)} synonym groups; tune.batch_size={cfg.batch_size} "
                         "needs at least that many (lower it, or keep the base model)")
    device = pick_device(config.model.device)
    if device == "cpu":
        torch.set_num_threads(config.model.threads or os.cpu_count() or 1)
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    base = resolve_model_path(config.model.path)
    model = SentenceTransformer(base, device=device, local_files_only=True)
    model.max_seq_length = cfg.max_seq_length
    steps_per_epoch = len(groups) // cfg.batch_size
    total = steps_per_epoch * cfg.epochs
    if cfg.max_steps:
        total = min(total, cfg.max_steps)
    warm = max(1, int(total * cfg.warmup))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    log(f"[tune] {len(groups):,} synonym groups, {total:,} steps of {cfg.batch_size} pairs on {device}")

    def embed(texts):
        feats = (model.preprocess if hasattr(model, "preprocess") else model.tokenize)(texts)
        feats = {k: v.to(device) if hasattr(v, "to") else v for k, v in feats.items()}
        return F.normalize(model(feats)["sentence_embedding"], dim=-1)

    model.train()
    step, losses, labels = 0, [], torch.arange(cfg.batch_size, device=device)
    while step < total:
        pairs = epoch_pairs(groups, rng, cfg.typo_rate)
        for b in range(steps_per_epoch):
            if step >= total:
                break
            batch = pairs[b * cfg.batch_size:(b + 1) * cfg.batch_size]
            logits = cfg.scale * embed([a for a, _ in batch]) @ embed([p for _, p in batch]).T
            # symmetric InfoNCE: each anchor must pick its own positive, and each positive its anchor
            loss = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            losses.append(float(loss.detach()))
            step += 1
            if step % max(1, total // 10) == 0 or step == total:
                log(f"[tune] step {step}/{total} loss {np.mean(losses[-50:]):.3f} ({time.perf_counter() - t0:.0f}s)")
    model.eval()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model.save(str(out))
    info = {"base_model": str(base), "catalogs": [str(c) for c in catalogs], "synonym_groups": len(groups),
            "steps": step, "final_loss": round(float(np.mean(losses[-50:])), 4),
            "seconds": round(time.perf_counter() - t0, 1), "device": device, "tune": asdict(cfg)}
    (out / "harmonizer_tune.json").write_text(json.dumps(info, indent=2))
    log(f"[tune] saved {out} in {info['seconds']}s (loss {info['final_loss']}); build with --set model.path={out}")
    return info
