"""The Ray drivers on local Ray: build through an embedding actor pool, map through IndexReplica actors."""
import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from ray_app.index.bundle import IndexBundle, IndexBundleError
from ray_app.batch.assemble import OUTPUT_COLUMNS
from ray_app.batch.source import read_table
from ray_app.batch.tables import InputError, write_table


@pytest.fixture(scope="module")
def ray_index(ray_local, tiny_catalog, config, tmp_path_factory):
    from jobs.build_index import run

    out = tmp_path_factory.mktemp("rayidx") / "idx"
    cfg = type(config).from_dict(config.to_dict()).override(["ray.embed_batch_size=16"])
    run(tiny_catalog, str(out), cfg, log=lambda m: None)
    return str(out)


def test_ray_build_equals_local_build(ray_index, tiny_index):
    a, b = IndexBundle.load(ray_index), IndexBundle.load(tiny_index)
    assert a.meta["catalog"]["fingerprint"] == b.meta["catalog"]["fingerprint"]
    for system in a.systems:
        assert np.allclose(a.systems[system].vectors, b.systems[system].vectors, atol=1e-5)


INPUT = pd.DataFrame({
    "Input Entity Description": ["Asthma", "chest xr", "", "aspirin", None, "lipid panel", "Asthma", "12345",
                                 "\x00\x01binary\x02", "y" * 10_240, "colonoscopy", "heart attack"],
    "Entity Type": ["Diagnosis", "Procedure", "Lab", "Medicine", "Diagnosis", "Billing", "Diagnosis", "Lab",
                    "Diagnosis", "Diagnosis", "PROCEDURE", "diagnosis"],
    "Feed Row": [f"r{i:03d}" for i in range(12)],
})


@pytest.mark.parametrize("ext", ["xlsx", "csv", "parquet"])
def test_map_file_round_trip(ray_index, config, tmp_path, ext):
    from jobs.map_file import run

    src = write_table(INPUT, tmp_path / f"in.{ext}")  # xlsx cannot hold the control characters: stripped
    dst = tmp_path / f"out.{ext}"
    stats = run(ray_index, str(src), str(dst), config, top_k=2, log=lambda m: None)
    out = read_table(dst)
    assert len(out) == len(INPUT) and out["Feed Row"].tolist() == INPUT["Feed Row"].tolist()
    for col in OUTPUT_COLUMNS + ["Output Target Code 1", "Output Target Description 2"]:
        assert col in out.columns
    codes = out["Output Target Code"].fillna("").astype(str).tolist()
    assert codes[0] == codes[6] == "195967001" and codes[1] == "399208008" and codes[11] == "22298006"
    assert codes[3] == "1191" and out["Output Coding System"][3] == "RXNORM"
    flags = out["Output Flags"].fillna("").tolist()
    assert "empty_input" in flags[2] and "empty_input" in flags[4]
    assert "unknown_entity_type" in flags[5] and codes[5] == ""
    assert "truncated" in flags[9]
    assert stats["rows"] == 12 and stats["engine"] == "ray"
    if ext == "xlsx":  # codes are text cells, not numbers
        ws = openpyxl.load_workbook(dst).active
        header = [c.value for c in ws[1]]
        col = header.index("Output Target Code") + 1
        assert ws.cell(row=2, column=col).data_type == "s"
    assert (tmp_path / f"out.{ext}.meta.json").exists()


def test_ray_job_top_k_columns(ray_index, config, tmp_path):
    from jobs.map_file import run

    src = tmp_path / "in.csv"
    INPUT.to_csv(src, index=False)
    run(ray_index, str(src), str(tmp_path / "ray.csv"), config, top_k=3, log=lambda m: None)
    out = read_table(tmp_path / "ray.csv").fillna("")
    assert out["Output Target Code 1"].tolist() == out["Output Target Code"].tolist()  # the best is #1
    mapped = out["Output Target Code"] != ""
    assert (out.loc[mapped, "Output Target Code 2"] != "").all() and (out.loc[~mapped, "Output Target Code 3"] == "").all()


def test_map_rejects_missing_columns_and_wrong_index(ray_index, config, tmp_path):
    from jobs.map_file import run

    bad = tmp_path / "bad.csv"
    pd.DataFrame({"text": ["asthma"], "type": ["Diagnosis"]}).to_csv(bad, index=False)
    with pytest.raises(InputError, match=r"missing column.*Input Entity Description.*found \['text', 'type'\]"):
        run(ray_index, str(bad), str(tmp_path / "o.csv"), config, log=lambda m: None)
    with pytest.raises(IndexBundleError, match="not a finished index"):
        run(str(tmp_path), str(bad), str(tmp_path / "o.csv"), config, log=lambda m: None)


def test_ray_eval(ray_index, config, tmp_path):
    """`python -m jobs.evaluate`: the gold through RayBackend actors, one ranker after another (each frees
    its actors before the next starts: a 2-CPU node fits one pool at a time)."""
    from jobs.evaluate import run as ray_eval

    gold = tmp_path / "gold.csv"
    pd.DataFrame({"Input Entity Description": ["heart attack", "chest xr", "Paracetamol 500 mg"],
                  "Entity Type": ["Diagnosis", "Procedure", "Medicine"],
                  "Standard Code": ["22298006", "399208008", "198440"]}).to_csv(gold, index=False)
    out = ray_eval(ray_index, str(gold), str(tmp_path / "report"), config, baselines=True, log=lambda m: None)
    metrics = json.loads(Path(out["metrics"]).read_text())
    assert metrics["engine"] == "ray" and metrics["rankers"]["full"]["all"]["acc@1"] == 1.0
    assert set(metrics["rankers"]) == {"full", "dense-only", "fuzzy-only"}
