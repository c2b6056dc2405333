"""HPO synonyms joined to SNOMED CT codes: the OBO reader, the join's safety rules, and a real index built with them."""
import json

import pandas as pd
import pytest

from ray_app.catalog.load import load_catalog, synonym_rows
from ray_app.config import Config
from ray_app.catalog.hpo import hpo_synonyms
from engine_util import top
from ray_app.text.normalize import match_text

from conftest import FINDING, S, tiny_frame

OBO = """format-version: 1.2
synonymtypedef: layperson "layperson term"

[Term]
id: HP:0002014
name: Diarrhea
synonym: "Loose stools" EXACT layperson []
synonym: "Frequent watery bowel movements" EXACT []
synonym: "Bowel problem" BROAD []
xref: SNOMEDCT_US:62315008
xref: UMLS:C0011991

[Term]
id: HP:0000001
name: Obsolete thing
is_obsolete: true
xref: SNOMEDCT_US:62315008

[Term]
id: HP:0000002
name: No snomed link
synonym: "Orphan wording" EXACT []

[Term]
id: HP:0000003
name: Ambiguous wording
synonym: "Belly trouble" EXACT layperson []
xref: SNOMEDCT_US:62315008
xref: SNOMEDCT_US:21522001

[Term]
id: HP:0000004
name: Myocardial infarction
synonym: "Heart failure" EXACT []
xref: SNOMEDCT_US:22298006

[Term]
id: HP:0000005
name: Not in the catalog
synonym: "Unknown code wording" EXACT []
xref: SNOMEDCT_US:999999999
"""

EXTRA_ROWS = [(S, "PT", "62315008", "Diarrhea", FINDING), (S, "PT", "21522001", "Abdominal pain", FINDING)]


@pytest.fixture(scope="module")
def obo(tmp_path_factory):
    p = tmp_path_factory.mktemp("hpo") / "hp.obo"
    p.write_text(OBO)
    return str(p)


@pytest.fixture(scope="module")
def hpo_catalog(tmp_path_factory):
    from conftest import TINY_ROWS

    p = tmp_path_factory.mktemp("hpocat") / "snomed.parquet"
    tiny_frame(TINY_ROWS + EXTRA_ROWS).query("System == @S").to_parquet(p, index=False)
    return [str(p)]


def test_reader_keeps_exact_synonyms_of_linked_live_terms(obo):
    h = hpo_synonyms(obo)
    diarrhea = h[h["CODE"] == "62315008"]
    assert set(diarrhea["STR"]) >= {"Diarrhea", "Loose stools", "Frequent watery bowel movements"}
    assert "Bowel problem" not in set(h["STR"])  # BROAD names another concept
    assert "Obsolete thing" not in set(h["STR"]) and "Orphan wording" not in set(h["STR"])
    assert dict(zip(diarrhea["STR"], diarrhea["kind"]))["Loose stools"] == "layperson"


def test_missing_obo_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="index.hpo_synonyms=false"):
        hpo_synonyms(tmp_path / "missing.obo")


def test_join_never_creates_codes_or_ties(obo, hpo_catalog):
    raw = pd.read_parquet(hpo_catalog[0])
    raw = raw.assign(match_text=[match_text(s) for s in raw["STR"]])  # as load_catalog's working frame has it
    rows = synonym_rows(raw, hpo_synonyms(obo), "HPO", "hpo")
    added = set(zip(rows["CODE"], rows["STR"]))
    assert ("62315008", "Loose stools") in added
    assert all(code in set(raw["CODE"]) for code, _ in added)  # 999999999 is not in the catalog
    assert not any(s == "Belly trouble" for _, s in added)  # linked to two codes: would tie them
    assert not any(s in ("Heart failure", "Diarrhea") for _, s in added)  # the catalog already uses it
    assert set(rows["STY"]) == {FINDING} and set(rows["TTY"]) == {"HPO"}


def test_catalog_string_stays_the_display_name(obo, hpo_catalog):
    t = load_catalog(hpo_catalog, synonyms=hpo_synonyms(obo))["SNOMEDCT_US"]
    code = t[t["CODE"] == "62315008"]
    assert code.iloc[0]["STR"] == "Diarrhea" and "loose stools" in set(code["match_text"])


def test_index_built_with_hpo_maps_lay_wording(obo, hpo_catalog, embedder, tmp_path):
    from ray_app.index.build import build_index, local_embed_stream
    from ray_app.engine import load_engine

    cfg = Config.from_dict({"index": {"hpo_synonyms": True, "hpo_obo": obo}})
    out = tmp_path / "idx"
    meta = build_index(hpo_catalog, out, cfg, local_embed_stream(embedder), embedder.dim,
                       log=lambda m: None)
    assert meta["config"]["index"]["hpo_synonyms"] is True
    r = top(load_engine(str(out), cfg), cfg, "frequent watery bowel movements", "Diagnosis")
    assert r.code == "62315008" and r.description == "Diarrhea"
    assert r.candidates[0].matched == "Frequent watery bowel movements"
