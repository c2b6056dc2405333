import pandas as pd
import pytest

from ray_app.catalog.load import CatalogError, fingerprint, load_catalog
from conftest import tiny_frame


def write(tmp_path, df, name="cat.parquet"):
    p = tmp_path / name
    df.to_parquet(p, index=False)
    return p


def test_missing_column_names_file_and_column(tmp_path):
    p = write(tmp_path, tiny_frame().drop(columns=["STY"]))
    with pytest.raises(CatalogError, match=r"cat\.parquet.*missing column.*STY"):
        load_catalog([p])


def test_unknown_system_rejected(tmp_path):
    df = tiny_frame()
    df.loc[0, "System"] = "ICD10CM"
    with pytest.raises(CatalogError, match=r"System.*ICD10CM"):
        load_catalog([write(tmp_path, df)])


def test_numeric_code_column_rejected(tmp_path):
    df = tiny_frame().iloc[:5].copy()
    df["CODE"] = df["CODE"].astype("int64")
    with pytest.raises(CatalogError, match=r"CODE must hold strings"):
        load_catalog([write(tmp_path, df)])


def test_empty_catalog_rejected(tmp_path):
    df = tiny_frame()
    df["STR"] = "   "
    with pytest.raises(CatalogError, match="no usable rows"):
        load_catalog([write(tmp_path, df)])


def test_corrupt_and_missing_files(tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(CatalogError, match="not a readable parquet"):
        load_catalog([bad])
    with pytest.raises(CatalogError, match="not found"):
        load_catalog([tmp_path / "nope.parquet"])
    with pytest.raises(CatalogError, match="no catalog files"):
        load_catalog([])


def test_normalization_trims_dedupes_and_keeps_string_codes(tmp_path):
    df = tiny_frame()
    extra = pd.DataFrame([
        ["", "SNOMEDCT_US", "PT", " 195967001 ", "  Asthma  ", "Disease or Syndrome"],  # trimmed duplicate
        ["", "SNOMEDCT_US", "SY", "195967001", "", "Disease or Syndrome"],  # empty STR dropped
    ], columns=df.columns)
    tables = load_catalog([write(tmp_path, pd.concat([df, extra]))])
    sn = tables["SNOMEDCT_US"]
    asthma = sn[sn["CODE"] == "195967001"]
    # FN "Asthma (disorder)" collapses into PT "Asthma": same code, same match text; PT kept (display name)
    assert asthma["STR"].tolist() == ["Asthma"]
    assert asthma["TTY"].tolist() == ["PT"]
    assert "00123" in set(sn["CODE"])
    assert sn["CODE"].map(type).eq(str).all()
    # a code's rows are contiguous and the first is its preferred term
    xr = sn[sn["CODE"] == "399208008"]
    assert xr.index.tolist() == list(range(xr.index[0], xr.index[0] + len(xr)))
    assert xr.iloc[0]["TTY"] == "PT"
    assert set(tables) == {"SNOMEDCT_US", "RXNORM"}


def test_fingerprint_tracks_content(tmp_path):
    a = load_catalog([write(tmp_path, tiny_frame(), "a.parquet")])
    df = tiny_frame()
    df.loc[1, "STR"] = "Bronchial asthma"
    b = load_catalog([write(tmp_path, df, "b.parquet")])
    assert fingerprint(a) != fingerprint(b)
    assert fingerprint(a) == fingerprint(load_catalog([tmp_path / "a.parquet"]))
