"""Bad-input corpus: every case gets a clear error or flagged rows, and rows in == rows out.

Inputs go through the real streaming reader and mapping (``ray_app.batch.driver``, the engine behind both
``harmonize map --local`` and the Ray job) with small blocks; index and catalog cases through the real
loaders. Ray-path cases are in test_stream_ray.py.
"""
from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ray_app.config import Config
from ray_app.batch.tables import InputError
from ray_app.batch.backend import LocalBackend
from ray_app.batch.driver import map_stream
from ray_app.batch.manifest import read_output

T, Y = "Input Entity Description", "Entity Type"
ASTHMA, CHEST_XR, ASPIRIN = "195967001", "399208008", "1191"


def cfg(**ray) -> Config:
    c = Config()
    c.ray.block_rows = 4
    c.ray.progress_seconds = 3600
    for k, v in ray.items():
        setattr(c.ray, k, v)
    return c


def run_stream(engine, inp, out, config=None, **kw):
    config = config or cfg()
    return map_stream(str(inp), str(out), LocalBackend(engine.matcher, config.ray.embed_batch_size), config,
                      expander=engine.expander, index_meta=engine.bundle.meta, log=lambda m: None, **kw)


def csv_bytes(tmp, data: bytes, name="in.csv"):
    p = tmp / name
    p.write_bytes(data)
    return p


def csv_rows(tmp, rows, cols=(T, Y), name="in.csv", sep=",", encoding="utf-8"):
    p = tmp / name
    pd.DataFrame(rows, columns=list(cols)).to_csv(p, index=False, sep=sep, encoding=encoding)
    return p


def parquet_table(tmp, table: pa.Table, name="in.parquet"):
    p = tmp / name
    pq.write_table(table, p)
    return p


def xlsx_sheets(tmp, sheets: dict, name="in.xlsx"):
    p = tmp / name
    with pd.ExcelWriter(p, engine="openpyxl") as w:
        for sheet, df in sheets.items():
            df.to_excel(w, sheet_name=sheet, index=False)
    return p


def frame(texts, types=None):
    return pd.DataFrame({T: texts, Y: types if types is not None else ["Diagnosis"] * len(texts)})


# Each case: make(tmp) -> input path (or (path, kwargs)); then either
#   ("error", exception type, regex)  or  ("rows", n_rows, check(out_frame) -> None)
def flag(i, name):
    def check(out):
        assert name in str(out["Output Flags"][i]).split(";"), (i, name, out["Output Flags"].tolist())
    return check


def code(i, value):
    def check(out):
        assert str(out["Output Target Code"][i]) == value, (i, value, out["Output Target Code"].tolist())
    return check


def every(*checks):
    def check(out):
        for c in checks:
            c(out)
    return check


def nothing(out):
    pass


CASES = {
    # --- columns
    "missing_text_column": (lambda t: csv_rows(t, [["asthma", "Diagnosis"]], cols=("Text", Y)),
                            ("error", InputError, r"missing column.*Input Entity Description.*found \['Text'")),
    "missing_type_column": (lambda t: csv_rows(t, [["asthma", "Diagnosis"]], cols=(T, "Kind")),
                            ("error", InputError, r"missing column.*Entity Type")),
    "renamed_case_spacing": (lambda t: csv_rows(t, [["asthma", "Diagnosis"]], cols=("input_entity_description", " ENTITY TYPE ")),
                             ("rows", 1, code(0, ASTHMA))),
    "custom_column_names": (lambda t: (csv_rows(t, [["asthma", "dx"]], cols=("Term", "Kind")),
                                       {"text_col": "Term", "type_col": "Kind"}), ("rows", 1, code(0, ASTHMA))),
    "exact_name_wins_over_variant": (lambda t: csv_rows(t, [["asthma", "colonoscopy", "Diagnosis"]],
                                                        cols=(T, "input entity description", Y)),
                                     ("rows", 1, code(0, ASTHMA))),
    "no_columns_at_all": (lambda t: csv_bytes(t, b"\n\n"), ("error", InputError, r"no header row|missing column")),
    "many_extra_columns": (lambda t: csv_rows(t, [["asthma", "Diagnosis", *range(60)]], cols=(T, Y, *[f"c{i}" for i in range(60)])),
                           ("rows", 1, lambda out: (code(0, ASTHMA)(out), out.columns[61] == "c59") and None)),
    # --- empty inputs
    "empty_csv_0_bytes": (lambda t: csv_bytes(t, b""), ("error", InputError, r"empty \(0 bytes\)")),
    "empty_parquet_0_bytes": (lambda t: csv_bytes(t, b"", "in.parquet"), ("error", InputError, r"empty \(0 bytes\)")),
    "empty_xlsx_0_bytes": (lambda t: csv_bytes(t, b"", "in.xlsx"), ("error", InputError, r"empty \(0 bytes\)")),
    "header_only_csv": (lambda t: csv_bytes(t, f"{T},{Y}\n".encode()), ("rows", 0, nothing)),
    "header_only_parquet": (lambda t: parquet_table(t, pa.table({T: pa.array([], pa.string()), Y: pa.array([], pa.string())})),
                            ("rows", 0, nothing)),
    "header_only_xlsx": (lambda t: xlsx_sheets(t, {"Sheet1": frame([])}), ("rows", 0, nothing)),
    "blank_lines_after_header": (lambda t: csv_bytes(t, f"{T},{Y}\n\n\n\n".encode()), ("rows", 0, nothing)),
    # --- missing / non-string values
    "nan_text_csv_empty_cell": (lambda t: csv_bytes(t, f"{T},{Y}\n,Diagnosis\nasthma,Diagnosis\n".encode()),
                                ("rows", 2, every(flag(0, "empty_input"), code(1, ASTHMA)))),
    "nan_text_parquet_float": (lambda t: parquet_table(t, pa.table({T: pa.array([np.nan, 1.5]), Y: ["Diagnosis", "Lab"]})),
                               ("rows", 2, every(flag(0, "empty_input"), flag(1, "non_string_input")))),
    "null_strings_parquet": (lambda t: parquet_table(t, pa.table({T: pa.array([None, "asthma"], pa.string()), Y: [None, None]})),
                             ("rows", 2, every(flag(0, "empty_input"), flag(1, "unknown_entity_type")))),
    "literal_na_strings": (lambda t: csv_rows(t, [["NA", "Lab"], ["NULL", "Diagnosis"], ["n/a", "Procedure"]]),
                           ("rows", 3, lambda out: None if out[T].tolist() == ["NA", "NULL", "n/a"] else pytest.fail("NA lost"))),
    "integers_in_parquet": (lambda t: parquet_table(t, pa.table({T: pa.array([12345, 7]), Y: ["Lab", "Lab"]})),
                            ("rows", 2, every(flag(0, "non_string_input"), flag(1, "non_string_input")))),
    "numeric_strings": (lambda t: csv_rows(t, [["12345", "Lab"], ["00123", "Diagnosis"]]), ("rows", 2, nothing)),
    "numbers_in_xlsx": (lambda t: xlsx_sheets(t, {"s": frame([3.14, 42])}), ("rows", 2, flag(0, "non_string_input"))),
    "mixed_text_and_numbers_xlsx": (lambda t: xlsx_sheets(t, {"s": frame(["asthma", 42, None])}),
                                    ("rows", 3, every(code(0, ASTHMA), flag(2, "empty_input")))),
    "binary_column_parquet": (lambda t: parquet_table(t, pa.table({T: pa.array([b"asthma", b"\xff\xfe\x00"], pa.binary()), Y: ["Diagnosis"] * 2})),
                              ("rows", 2, every(flag(0, "non_string_input"), flag(1, "binary_characters_removed")))),
    # --- long, control, binary
    "string_10kB": (lambda t: csv_rows(t, [["asthma " * 1500, "Diagnosis"]]), ("rows", 1, flag(0, "truncated"))),
    "string_1MB_no_spaces": (lambda t: csv_rows(t, [["y" * 1_000_000, "Diagnosis"]]), ("rows", 1, flag(0, "truncated"))),
    "control_characters": (lambda t: parquet_table(t, pa.table({T: ["\x01\x02asthma\x03\x1b", "\x07"], Y: ["Diagnosis"] * 2})),
                           ("rows", 2, every(code(0, ASTHMA), flag(1, "empty_input")))),
    "nul_bytes": (lambda t: parquet_table(t, pa.table({T: ["asth\x00ma", "\x00\x00"], Y: ["Diagnosis"] * 2})),
                  ("rows", 2, every(flag(0, "binary_characters_removed"), flag(1, "empty_input")))),
    "invalid_utf8_bytes_csv": (lambda t: csv_bytes(t, f"{T},{Y}\n".encode() + b"asthma \x81\x8d\x9d,Diagnosis\n"),
                               ("rows", 1, every(code(0, ASTHMA), flag(0, "binary_characters_removed")))),
    "zero_width_only": (lambda t: csv_rows(t, [["\u200b\u200b\ufeff", "Diagnosis"]]), ("rows", 1, flag(0, "empty_input"))),
    "whitespace_only": (lambda t: csv_rows(t, [["   \t ", "Diagnosis"]]), ("rows", 1, flag(0, "empty_input"))),
    "punctuation_only": (lambda t: csv_rows(t, [["?!...;", "Diagnosis"]]), ("rows", 1, flag(0, "empty_input"))),
    "bidi_override_marks": (lambda t: csv_rows(t, [["\u202easthma\u202c", "Diagnosis"]]), ("rows", 1, code(0, ASTHMA))),
    "quoted_newline_in_cell": (lambda t: csv_bytes(t, f'{T},{Y}\n"chest\nxr",Procedure\n'.encode()),
                               ("rows", 1, code(0, CHEST_XR))),
    "formula_like_text": (lambda t: csv_rows(t, [["=SUM(A1:A3)", "Lab"], ["+cmd", "Diagnosis"]]), ("rows", 2, nothing)),
    # --- scripts and emoji
    "emoji_only": (lambda t: csv_rows(t, [["\U0001F912\U0001F637", "Diagnosis"]]), ("rows", 1, nothing)),
    "emoji_with_text": (lambda t: csv_rows(t, [["asthma \U0001F637", "Diagnosis"]]), ("rows", 1, code(0, ASTHMA))),
    "chinese": (lambda t: csv_rows(t, [["\u54ee\u5598", "Diagnosis"]]), ("rows", 1, flag(0, "needs_review"))),
    "arabic_cyrillic_devanagari": (lambda t: csv_rows(t, [["\u0627\u0644\u0631\u0628\u0648", "Diagnosis"],
                                                           ["\u0430\u0441\u0442\u043c\u0430", "Diagnosis"],
                                                           ["\u0926\u092e\u093e", "Diagnosis"]]), ("rows", 3, nothing)),
    # --- entity types
    "mixed_case_entity_types": (lambda t: csv_rows(t, [["asthma", "DIAGNOSIS"], ["aspirin", " medicine "],
                                                       ["chest xr", "PROCEDURE"], ["cbc", "lab TEST"]]),
                                ("rows", 4, every(code(0, ASTHMA), code(1, ASPIRIN), code(2, CHEST_XR)))),
    "unknown_entity_type": (lambda t: csv_rows(t, [["asthma", "Billing"]]),
                            ("rows", 1, every(flag(0, "unknown_entity_type"), code(0, "")))),
    "empty_entity_type": (lambda t: csv_bytes(t, f"{T},{Y}\nasthma,\n".encode()), ("rows", 1, flag(0, "unknown_entity_type"))),
    "numeric_entity_type": (lambda t: parquet_table(t, pa.table({T: ["asthma"], Y: [7]})), ("rows", 1, flag(0, "unknown_entity_type"))),
    # --- duplicates, blocks
    "duplicate_rows": (lambda t: csv_rows(t, [["asthma", "Diagnosis"]] * 50),
                       ("rows", 50, lambda out: None if set(out["Output Target Code"]) == {ASTHMA} else pytest.fail("dup"))),
    "duplicates_across_case_and_space": (lambda t: csv_rows(t, [["Asthma", "Diagnosis"], ["  ASTHMA ", "dx"], ["asthma.", "diagnosis"]] * 3),
                                         ("rows", 9, lambda out: None if set(out["Output Target Code"]) == {ASTHMA} else pytest.fail("dup"))),
    # --- xlsx
    "xlsx_several_sheets_first": (lambda t: xlsx_sheets(t, {"First": frame(["asthma"]), "Second": frame(["chest xr", "cbc"], ["Procedure", "Lab"])}),
                                  ("rows", 1, code(0, ASTHMA))),
    # a workbook whose first sheet is a cover page: the sheet with the required columns is mapped
    "xlsx_two_sheets_data_on_second": (lambda t: xlsx_sheets(t, {"Notes": pd.DataFrame({"About": ["feed of 2024"]}),
                                                                 "Data": frame(["chest xr", "cbc"], ["Procedure", "Lab"])}),
                                       ("rows", 2, code(0, CHEST_XR))),
    "xlsx_no_sheet_has_the_columns": (lambda t: xlsx_sheets(t, {"Notes": pd.DataFrame({"About": ["x"]}),
                                                                "Other": pd.DataFrame({"Term": ["asthma"]})}),
                                      ("error", InputError, r"no sheet has the columns.*'Notes': \['About'\]; 'Other': \['Term'\]")),
    "xlsx_several_sheets_named": (lambda t: (xlsx_sheets(t, {"First": frame(["asthma"]), "Second": frame(["chest xr", "cbc"], ["Procedure", "Lab"])}),
                                             {"sheet": "Second"}), ("rows", 2, code(0, CHEST_XR))),
    "xlsx_missing_sheet": (lambda t: (xlsx_sheets(t, {"First": frame(["asthma"])}), {"sheet": "Nope"}),
                           ("error", InputError, r"no sheet named 'Nope'")),
    "corrupt_xlsx": (lambda t: csv_bytes(t, b"PK\x03\x04 this is not a zip file at all", "in.xlsx"),
                     ("error", InputError, r"cannot read .*in\.xlsx as xlsx")),
    "csv_named_xlsx": (lambda t: csv_bytes(t, f"{T},{Y}\nasthma,Diagnosis\n".encode(), "in.xlsx"),
                       ("error", InputError, r"cannot read .*as xlsx")),
    "xlsx_numeric_header_cells": (lambda t: xlsx_sheets(t, {"s": pd.DataFrame({T: ["asthma"], Y: ["dx"], 2024: [1]})}),
                                  ("rows", 1, code(0, ASTHMA))),
    # --- csv dialects and encodings
    "semicolon_delimiter": (lambda t: csv_rows(t, [["asthma", "Diagnosis"]], sep=";"), ("rows", 1, code(0, ASTHMA))),
    "tab_delimiter_in_csv": (lambda t: csv_rows(t, [["asthma", "Diagnosis"]], sep="\t"), ("rows", 1, code(0, ASTHMA))),
    "pipe_delimiter": (lambda t: csv_rows(t, [["asthma", "Diagnosis"]], sep="|"), ("rows", 1, code(0, ASTHMA))),
    "unknown_delimiter": (lambda t: csv_rows(t, [["asthma", "Diagnosis"]], sep="#"),
                          ("error", InputError, r"missing column")),
    "tsv_file": (lambda t: csv_rows(t, [["asthma", "Diagnosis"]], sep="\t", name="in.tsv"), ("rows", 1, code(0, ASTHMA))),
    "cp1252_encoding": (lambda t: csv_rows(t, [["Caf\u00e9 au lait spots", "Diagnosis"], ["asthma", "dx"]], encoding="cp1252"),
                        ("rows", 2, lambda out: None if out[T][0] == "Caf\u00e9 au lait spots" else pytest.fail(out[T][0]))),
    "utf8_bom": (lambda t: csv_rows(t, [["asthma", "Diagnosis"]], encoding="utf-8-sig"), ("rows", 1, code(0, ASTHMA))),
    "utf16_bom": (lambda t: csv_rows(t, [["asthma", "Diagnosis"]], encoding="utf-16"), ("rows", 1, code(0, ASTHMA))),
    "ragged_rows": (lambda t: csv_bytes(t, f"{T},{Y}\nasthma,Diagnosis\na,b,c,d\n".encode()),
                    ("error", InputError, r"cannot read .* as csv: .*Expected 2 fields")),
    "unclosed_quote": (lambda t: csv_bytes(t, f'{T},{Y}\n"asthma,Diagnosis\n'.encode()),
                       ("error", InputError, r"cannot read .* as csv")),
    "unsupported_extension": (lambda t: csv_bytes(t, b"{}", "in.json"), ("error", InputError, r"unsupported input type \.json")),
    "missing_file": (lambda t: t / "nope.csv", ("error", InputError, r"input file not found")),
    "shards_with_different_columns": (lambda t: _shards(t), ("error", InputError, r"differ from the first shard")),
}


def _shards(tmp):
    d = tmp / "shards"
    d.mkdir()
    frame(["asthma"]).to_csv(d / "a.csv", index=False)
    pd.DataFrame({T: ["x"], "Other": ["y"]}).to_csv(d / "b.csv", index=False)
    return d


def test_corpus_is_big_enough():
    assert len(CASES) + len(INDEX_CASES) + len(CATALOG_CASES) >= 40


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input(name, engine, tmp_path):
    make, expect = CASES[name]
    made = make(tmp_path)
    path, kwargs = made if isinstance(made, tuple) else (made, {})
    out = tmp_path / "out.parquet"
    if expect[0] == "error":
        with pytest.raises(expect[1], match=expect[2]):
            run_stream(engine, path, out, **kwargs)
        return
    _, n, check = expect
    stats = run_stream(engine, path, out, **kwargs)
    got = read_output(out)
    assert stats["rows"] == n and len(got) == n
    for col in ("Output Target Code", "Output Flags", "Output Confidence"):
        assert col in got.columns
    check(got.reset_index(drop=True))


def test_bad_output_type_fails_before_work(engine, tmp_path):
    src = csv_rows(tmp_path, [["asthma", "Diagnosis"]])
    with pytest.raises(InputError, match=r"unsupported output type \.json"):
        run_stream(engine, src, tmp_path / "out.json")


def test_cli_exit_code_2_on_bad_input(tiny_index, tmp_path, capsys):
    from jobs.cli import main

    src = csv_bytes(tmp_path, f"{T},{Y}\nasthma,Diagnosis\na,b,c,d\n".encode())
    assert main(["map", "--local", "--index", tiny_index, "--input", str(src), "--output", str(tmp_path / "o.csv")]) == 2
    assert "Expected 2 fields" in capsys.readouterr().err


# ----------------------------------------------------------------------------------- catalogs and indexes
def _catalog(tmp, df):
    p = tmp / "cat.parquet"
    df.to_parquet(p, index=False)
    return [str(p)]


CATALOG_CASES = {
    "catalog_missing_columns": (lambda t, base: _catalog(t, base.drop(columns=["STY", "TTY"])), r"missing column\(s\) \['TTY', 'STY'\]"),
    "catalog_no_usable_rows": (lambda t, base: _catalog(t, base.assign(STR="")), r"no usable rows"),
    "catalog_integer_codes": (lambda t, base: _catalog(t, base.assign(CODE=range(len(base)))), r"CODE must hold strings"),
    "catalog_unknown_system": (lambda t, base: _catalog(t, base.assign(System="ICD10")), r"unknown value"),
    "catalog_not_parquet": (lambda t, base: [str(csv_bytes(t, b"CUI,System\n", "cat.parquet"))], r"not a readable parquet"),
}


@pytest.mark.parametrize("name", sorted(CATALOG_CASES))
def test_bad_catalog(name, tmp_path):
    from conftest import tiny_frame
    from ray_app.catalog.load import CatalogError, load_catalog

    make, msg = CATALOG_CASES[name]
    with pytest.raises(CatalogError, match=msg):
        load_catalog(make(tmp_path, tiny_frame()))


def _truncate(path, keep=0.5):
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


INDEX_CASES = {
    "index_truncated_vectors": (lambda d: _truncate(d / "SNOMEDCT_US" / "vectors.f32"), "check", r"vectors\.f32 is \d+ bytes, expected"),
    "index_truncated_faiss": (lambda d: _truncate(d / "RXNORM" / "faiss.index"), "load", r"faiss\.index is unreadable or truncated"),
    "index_truncated_catalog": (lambda d: _truncate(d / "RXNORM" / "catalog.parquet"), "check", r"catalog\.parquet is unreadable"),
    "index_missing_meta": (lambda d: (d / "meta.json").unlink(), "check", r"not a finished index"),
    "index_corrupt_meta": (lambda d: (d / "meta.json").write_text("{not json"), "check", r"meta\.json is corrupt"),
    "index_missing_faiss": (lambda d: (d / "RXNORM" / "faiss.index").unlink(), "check", r"faiss\.index is missing"),
}


@pytest.mark.parametrize("name", sorted(INDEX_CASES))
def test_bad_index(name, tiny_index, config, tmp_path):
    from ray_app.engine import load_engine
    from ray_app.index.bundle import IndexBundle, IndexBundleError

    d = tmp_path / "idx"
    shutil.copytree(tiny_index, d)
    damage, how, msg = INDEX_CASES[name]
    damage(d)
    with pytest.raises(IndexBundleError, match=msg):
        if how == "check":
            IndexBundle.check(d)
        else:
            load_engine(str(d), config)


def test_index_from_another_model(tiny_index):
    from ray_app.index.bundle import IndexBundle, IndexBundleError

    with pytest.raises(IndexBundleError, match="built with embedding model"):
        IndexBundle.check(tiny_index, model_fingerprint="0000000000000000")


FORMULA = '=HYPERLINK("http://x","asthma")'


def test_formula_cells_are_written_as_text_in_xlsx(engine, tmp_path):
    """An input cell that looks like a formula stays text in the mapped workbook: never a live formula."""
    import openpyxl

    src = csv_rows(tmp_path, [[FORMULA, "Diagnosis"], ["+1+1", "Diagnosis"], ["asthma", "@SUM(A1)"]])
    run_stream(engine, src, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert {c.data_type for c in cells} == {"s"}  # every text cell is a text cell, not 'f'
    texts = {c.value for c in cells}
    assert FORMULA in texts and "+1+1" in texts and "@SUM(A1)" in texts
    assert ws.max_row == 4  # header + every row, in order
    assert [ws.cell(row=r, column=1).value for r in range(2, 5)] == [FORMULA, "+1+1", "asthma"]


def test_csv_safe_prefixes_formula_like_cells(engine, tmp_path):
    src = csv_rows(tmp_path, [[FORMULA, "Diagnosis"], ["-2+3", "Diagnosis"], ["asthma", "Diagnosis"]])
    run_stream(engine, src, tmp_path / "plain.csv")
    run_stream(engine, src, tmp_path / "safe.csv", csv_safe=True)
    plain = pd.read_csv(tmp_path / "plain.csv", dtype=str)
    safe = pd.read_csv(tmp_path / "safe.csv", dtype=str)
    assert plain[T].tolist() == [FORMULA, "-2+3", "asthma"]  # opt-in: the default writes cells as they are
    assert safe[T].tolist() == ["'" + FORMULA, "'-2+3", "asthma"]
    assert safe["Output Target Code"].tolist()[2] == ASTHMA and len(safe) == 3
