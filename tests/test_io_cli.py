import json

import pandas as pd
import pytest

from jobs.cli import main
from ray_app.batch.source import read_table
from ray_app.batch.tables import InputError, resolve_columns, write_table


def test_read_table_errors(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_table(tmp_path / "none.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        read_table(empty)
    odd = tmp_path / "x.json"
    odd.write_text("{}")
    with pytest.raises(InputError, match="unsupported input type"):
        read_table(odd)
    corrupt = tmp_path / "c.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="cannot read"):
        read_table(corrupt)


def test_semicolon_csv_and_cp1252_and_header_variants(tmp_path):
    p = tmp_path / "semi.csv"
    p.write_bytes("input entity description;entity_type\nCafé au lait spots;Diagnosis\n".encode("cp1252"))
    df = read_table(p)
    assert resolve_columns(df) == ("input entity description", "entity_type")
    assert df.iloc[0, 0] == "Café au lait spots"


def test_leading_zero_ids_and_na_text_survive(tmp_path):
    p = tmp_path / "ids.csv"
    p.write_text("Input Entity Description,Entity Type,MRN\nNA,Lab,000123\n")
    df = read_table(p)
    assert df.at[0, "MRN"] == "000123" and df.at[0, "Input Entity Description"] == "NA"


def test_xlsx_writer_strips_illegal_characters(tmp_path):
    df = pd.DataFrame({"a": ["ok\x01\x02", "fine"], "Output Target Code": ["00123", "22298006"]})
    p = write_table(df, tmp_path / "o.xlsx")
    back = read_table(p)
    assert back["a"].tolist() == ["ok", "fine"] and back["Output Target Code"].tolist() == ["00123", "22298006"]


def test_cli_query_and_local_map(tiny_index, tmp_path, capsys):
    assert main(["query", "--index", tiny_index, "--type", "Procedure", "--json", "chest", "xr"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["code"] == "399208008" and res["candidates"][0]["code"] == "399208008"
    assert main(["query", "--index", tiny_index, "--type", "Spaceship", "asthma"]) == 1
    assert "unknown_entity_type" in capsys.readouterr().out
    src = tmp_path / "in.csv"
    pd.DataFrame({"Input Entity Description": ["asthma", "cbc"], "Entity Type": ["Diagnosis", "Lab"]}).to_csv(src, index=False)
    assert main(["map", "--local", "--index", tiny_index, "--input", str(src), "--output", str(tmp_path / "o.xlsx")]) == 0
    out = read_table(tmp_path / "o.xlsx")
    assert out["Output Target Code"].tolist() == ["195967001", "26604007"]


def test_cli_errors_exit_2_with_message(tiny_index, tmp_path, capsys):
    src = tmp_path / "in.csv"
    pd.DataFrame({"Text": ["asthma"]}).to_csv(src, index=False)
    assert main(["map", "--local", "--index", tiny_index, "--input", str(src), "--output", str(tmp_path / "o.csv")]) == 2
    assert "missing column" in capsys.readouterr().err
    assert main(["map", "--local", "--index", str(tmp_path), "--input", str(src), "--output", "o.csv"]) == 2
    assert "not a finished index" in capsys.readouterr().err
