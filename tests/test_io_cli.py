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


def test_cli_checks_paths_and_columns_before_loading_the_model(tiny_index, tmp_path, capsys, monkeypatch):
    import ray_app.embed

    def no_model(*a, **k):
        raise AssertionError("the model was loaded before the input was checked")

    monkeypatch.setattr(ray_app.embed.Embedder, "from_config", classmethod(no_model))
    out = str(tmp_path / "o.csv")
    for local in (["--local"], []):  # the Ray path checks first too (before Ray starts)
        assert main(["map", *local, "--index", tiny_index, "--input", str(tmp_path / "none.csv"), "--output", out]) == 2
        assert "input file not found" in capsys.readouterr().err
    src = tmp_path / "in.csv"
    pd.DataFrame({"Text": ["asthma"]}).to_csv(src, index=False)
    assert main(["map", "--index", tiny_index, "--input", str(src), "--output", out]) == 2
    assert "missing column" in capsys.readouterr().err
    assert main(["map", "--index", str(tmp_path / "noindex"), "--input", str(src), "--output", out]) == 2
    assert "not a finished index" in capsys.readouterr().err
    assert main(["map", "--index", tiny_index, "--input", str(src), "--output", str(tmp_path / "o.json")]) == 2
    assert "unsupported output type" in capsys.readouterr().err
    assert main(["query", "--index", str(tmp_path / "noindex"), "--type", "Lab", "cbc"]) == 2
    assert "not a finished index" in capsys.readouterr().err


def test_cli_version_and_help_examples(capsys):
    from ray_app.version import version

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0 and capsys.readouterr().out.strip() == f"harmonize {version()}"
    for cmd in ("build", "tune", "map", "query", "eval", "serve", "site"):
        with pytest.raises(SystemExit):
            main([cmd, "--help"])
        text = capsys.readouterr().out
        assert f"example:\n  harmonize {cmd}" in text, cmd
    import argparse

    from jobs.cli import build_parser

    def walk(parser, name):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub_name, sub in action.choices.items():
                    yield from walk(sub, f"{name} {sub_name}")
            elif not isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
                yield name, action

    missing = [f"{n} {a.dest}" for n, a in walk(build_parser(), "harmonize") if not a.help]
    assert not missing, f"flags without help text: {missing}"


def test_cli_query_shows_every_signal_matched_and_via(tiny_index, capsys):
    assert main(["query", "--index", tiny_index, "--type", "Procedure", "--top-k", "2", "chest", "xr"]) == 0
    out = capsys.readouterr()
    for name in ("dense", "fuzzy", "lexic", "sty", "agree", "drug", "matched", "via"):
        assert name in out.out, name
    assert "Loading weights" not in out.err
