import math

import pytest

from ray_app.config import Config, load_config
from ray_app.text.expand import anchors_for
from ray_app.text.normalize import canonical_entity_type, coerce_input, match_text


@pytest.mark.parametrize("raw,canon", [
    ("Medicine", "Medicine"), ("Medication", "Medicine"), (" MEDICATIONS ", "Medicine"), ("drug", "Medicine"),
    ("Diagnosis", "Diagnosis"), ("dx", "Diagnosis"), ("Procedure", "Procedure"), ("procedures", "Procedure"),
    ("Lab", "Lab"), ("Lab Test", "Lab"), ("laboratory", "Lab"),
    ("Radiology Order", None), ("", None), (None, None), (float("nan"), None), (42, None),
])
def test_entity_type_routing(raw, canon):
    assert canonical_entity_type(raw) == canon


def test_match_text_drops_semantic_tag_and_punctuation():
    assert match_text("Plain X-ray of chest (procedure)") == "plain x-ray of chest"
    assert match_text("Bilirubin, total measurement") == "bilirubin total measurement"
    assert match_text("  Asthma\u00a0(disorder) ") == "asthma"
    assert match_text("Acetaminophen 500 MG/ML") == "acetaminophen 500 mg/ml"


def test_coerce_input_flags_bad_cells():
    assert coerce_input(None, 100) == ("", ["empty_input"])
    assert coerce_input(math.nan, 100) == ("", ["empty_input"])
    assert coerce_input("   ", 100)[1] == ["empty_input"]
    assert coerce_input("!!!", 100)[1] == ["empty_input"]
    assert coerce_input(12345, 100) == ("12345", ["non_string_input"])
    text, flags = coerce_input("asthma\x00\x07 attack", 100)
    assert text == "asthma attack" and "binary_characters_removed" in flags
    text, flags = coerce_input("pain " * 2000, 100)
    assert len(text) <= 100 and "truncated" in flags
    text, flags = coerce_input(b"\xff\xfeasthma", 100)
    assert "asthma" in text and "non_string_input" in flags


def test_anchors_expand_abbreviations():
    # the abbreviation, then imaging in SNOMED CT wording (word formation)
    assert anchors_for("Chest XR", "Procedure") == ["chest xr", "chest x-ray", "radiography of chest"]
    assert anchors_for("asthma", "Diagnosis") == ["asthma"]


def test_config_yaml_and_overrides(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("ray:\n  index_replicas: 4\nmatch:\n  w_dense: 0.7\n")
    cfg = load_config(p, ["ray.embed_actors=2", "index.type=flat"])
    assert cfg.ray.index_replicas == 4 and cfg.ray.embed_actors == 2
    assert cfg.match.w_dense == 0.7 and cfg.index.type == "flat"
    assert Config.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ValueError, match="unknown config key ray.replicas"):
        load_config(None, ["ray.replicas=3"])
    with pytest.raises(ValueError, match="unknown config section"):
        load_config(None, ["nope.x=1"])
    with pytest.raises(ValueError, match="must be a number"):
        load_config(None, ["match.w_dense=heavy"])
    with pytest.raises(FileNotFoundError):
        load_config(tmp_path / "missing.yaml")
