"""Catalog-synonym fine-tuning: the pairs it trains on, and a real (tiny) training run with the packaged model."""
import json
import random

import numpy as np
import pytest

from ray_app.catalog.load import load_catalog
from ray_app.config import Config
from ray_app.tune import epoch_pairs, synonym_groups, training_groups, tune_model


def test_groups_are_codes_with_distinct_strings(tiny_catalog):
    groups = synonym_groups(load_catalog(tiny_catalog))
    flat = {s for g in groups for s in g}
    assert ["myocardial infarction", "heart attack"] in groups
    assert "asthma" not in flat  # its FN and PT read the same: no pair
    assert all(len(g) == len(set(g)) >= 2 for g in groups)


def test_an_epoch_uses_each_code_once_and_typos_stay_small():
    groups = [[f"concept {i} alpha", f"concept {i} beta", f"concept {i} gamma"] for i in range(50)]
    pairs = epoch_pairs(groups, random.Random(0), typo_rate=0.0)
    assert len(pairs) == 50 and len({a.split()[1] for a, _ in pairs}) == 50
    assert all(a != p and a.split()[1] == p.split()[1] for a, p in pairs)
    noisy = epoch_pairs(groups, random.Random(0), typo_rate=1.0)
    by_id = {g[0].split()[1]: g for g in groups}
    slipped = [a for a, p in noisy if a not in by_id[p.split()[1]]]
    assert len(slipped) > 40  # nearly every anchor got one keyboard slip ...
    assert all(min(abs(len(a) - len(s)) for s in by_id[a.split()[1]]) <= 1 for a in slipped)  # ... and only one


def test_hpo_groups_join_only_with_the_switch(tiny_catalog, tmp_path):
    obo = tmp_path / "hp.obo"
    obo.write_text('format-version: 1.2\n\n[Term]\nid: HP:1\nname: Elevated blood pressure\nsynonym: "Raised blood pressure" EXACT '
                   'layperson []\nxref: SNOMEDCT_US:38341003\n')
    on = Config.from_dict({"index": {"hpo_obo": str(obo)}})
    off = Config.from_dict({"index": {"hpo_obo": str(obo)}, "tune": {"hpo": False}})
    extra = [g for g in training_groups(tiny_catalog, on) if "raised blood pressure" in g]
    assert extra and "hypertension" in extra[0]
    assert not any("raised blood pressure" in g for g in training_groups(tiny_catalog, off))


def test_tuning_pulls_synonyms_together_and_saves_a_loadable_model(tiny_catalog, embedder, tmp_path):
    from ray_app.embed import Embedder

    cfg = Config.from_dict({"tune": {"batch_size": 4, "epochs": 6, "lr": 1e-4, "typo_rate": 0.0, "hpo": False,
                                     "warmup": 0.0}, "model": {"device": "cpu"}})
    info = tune_model(tiny_catalog, tmp_path / "tuned", cfg, log=lambda m: None)
    assert info["steps"] == 6 and info["synonym_groups"] >= 4
    assert json.loads((tmp_path / "tuned" / "harmonizer_tune.json").read_text())["tune"]["lr"] == 1e-4
    tuned = Embedder(str(tmp_path / "tuned"), device="cpu")
    assert tuned.dim == embedder.dim and tuned.fingerprint != embedder.fingerprint

    def cos(e, a, b):
        va, vb = e.encode([a, b])
        return float(np.dot(va, vb))

    # a trained pair moves closer than the base model had it
    assert cos(tuned, "excision of appendix", "appendectomy") > cos(embedder, "excision of appendix", "appendectomy")


def test_too_few_groups_is_a_clear_error(tiny_catalog, tmp_path):
    cfg = Config.from_dict({"tune": {"batch_size": 64, "hpo": False}})
    with pytest.raises(ValueError, match="synonym groups"):
        tune_model(tiny_catalog, tmp_path / "x", cfg, log=lambda m: None)


def test_ray_job_trains_in_a_task(ray_local, tiny_catalog, tmp_path):
    from jobs.tune_model import run

    cfg = Config.from_dict({"tune": {"batch_size": 4, "max_steps": 1, "hpo": False}})
    info = run(tiny_catalog, str(tmp_path / "tuned_ray"), cfg)
    assert info["steps"] == 1 and info["device"] == "cpu"  # no GPU in the local cluster: tune.gpus -1 -> CPU
    assert (tmp_path / "tuned_ray" / "model.safetensors").exists()


def test_cli_reports_a_too_small_catalog(tiny_catalog, tmp_path, capsys):
    from jobs.cli import main

    rc = main(["tune", "--local", "--catalog", *tiny_catalog, "--out", str(tmp_path / "m"), "--set", "tune.hpo=false"])
    assert rc == 2 and "tune.batch_size=64" in capsys.readouterr().err
