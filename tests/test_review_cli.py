"""The spreadsheet loop through the real CLI on the tiny index: harmonize map -> edit the xlsx's code column ->
harmonize review import -> stats -> export (CSV, ConceptMap validated with fhir.resources) -> harmonize map
--memory: the reviewed rows carry their decision, every row kept in order."""
from __future__ import annotations

import csv
import json

import pandas as pd

from jobs.cli import main

ROWS = [("heart attack", "Diagnosis"), ("chest xr", "Procedure"), ("Paracetamol 500 mg", "Medication"),
        ("HEART ATTACK", "dx"), ("headache", "Diagnosis"), ("zzqx unknown thing", "Diagnosis"),
        ("asthma", "Diagnosis"), ("", "Lab"), ("colonoscopy", "Procedure")]


def _xlsx_rows(path):
    from openpyxl import load_workbook

    ws = load_workbook(path).active
    return ws, [c.value for c in ws[1]]


def test_spreadsheet_review_round_trip(tmp_path, tiny_index, capsys):
    src = tmp_path / "in.csv"
    pd.DataFrame({"Input Entity Description": [t for t, _ in ROWS], "Entity Type": [e for _, e in ROWS],
                  "Row": [str(i) for i in range(len(ROWS))]}).to_csv(src, index=False)
    mapped = tmp_path / "mapped.xlsx"
    assert main(["map", "--local", "--index", tiny_index, "--input", str(src), "--output", str(mapped)]) == 0

    from openpyxl import load_workbook

    wb = load_workbook(mapped)
    ws = wb.active
    header = [c.value for c in ws[1]]
    code, status = header.index("Output Target Code") + 1, len(header) + 1
    ws.cell(row=1, column=status, value="Review Status")
    ws.cell(row=2, column=code, value="84114007")  # heart attack -> edited (to heart failure, to see it applied)
    ws.cell(row=3, column=status, value="approved")  # chest xr: approved as the engine mapped it
    ws.cell(row=7, column=code, value="not in catalog")  # the nonsense row
    ws.cell(row=8, column=code, value="99999999")  # asthma -> a code the catalog does not have
    wb.save(mapped)

    db = str(tmp_path / "team.sqlite")
    rc = main(["review", "import", "--memory", db, "--index", tiny_index, "--input", str(mapped), "--reviewer", "dana"])
    out = capsys.readouterr()
    assert rc == 1  # one problem reported
    assert "row 8: code '99999999' is not in the index's SNOMEDCT_US catalog" in out.err
    assert "imported 3 decision(s) (2 approved, 1 not in catalog)" in out.out

    assert main(["review", "stats", "--memory", db]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["by_status"] == {"approved": 2, "not_in_catalog": 1} and stats["reviewers"] == {"dana": 3}

    out_csv, out_cm = tmp_path / "decisions.csv", tmp_path / "conceptmap.json"
    assert main(["review", "export", "--memory", db, "--out", str(out_csv)]) == 0
    assert main(["review", "export", "--memory", db, "--out", str(out_cm)]) == 0
    with open(out_csv, newline="") as f:
        dec = {r["source_text"]: r for r in csv.DictReader(f)}
    assert dec["heart attack"]["code"] == "84114007" and dec["heart attack"]["description"] == "Heart failure"
    assert dec["chest xr"]["code"] == "399208008" and dec["zzqx unknown thing"]["status"] == "not_in_catalog"
    assert all(r["reviewer"] == "dana" and r["decided_at"] for r in dec.values())

    from fhir.resources.R4B.conceptmap import ConceptMap

    cm = ConceptMap.model_validate(json.loads(out_cm.read_text()))
    groups = {g.source: g for g in cm.group}
    dx = groups["urn:harmonize:source-text:diagnosis"]
    assert dx.target == "http://snomed.info/sct"
    by_code = {e.code: e for e in dx.element}
    assert by_code["heart attack"].target[0].code == "84114007"
    assert by_code["heart attack"].target[0].equivalence == "equivalent"
    assert by_code["zzqx unknown thing"].target[0].equivalence == "unmatched"
    assert "dana" in by_code["heart attack"].target[0].comment

    # a second run of the same file reuses every decision; unreviewed rows are the engine's, all rows in order
    again = tmp_path / "again.csv"
    assert main(["map", "--local", "--index", tiny_index, "--input", str(src), "--output", str(again),
                 "--memory", db]) == 0
    first = pd.read_excel(mapped, dtype=str).fillna("")
    df = pd.read_csv(again, dtype=str, keep_default_na=False)
    assert df["Row"].tolist() == [str(i) for i in range(len(ROWS))]
    assert df["Output Target Code"].tolist()[:4] == ["84114007", "399208008", first.loc[2, "Output Target Code"],
                                                     "84114007"]
    assert df["Output Flags"].tolist()[0] == df["Output Flags"].tolist()[3] == "reviewed"
    assert df["Output Flags"].tolist()[5] == "reviewed;not_in_catalog" and df["Output Target Code"][5] == ""
    assert (df["Output Reviewed By"] == "dana").sum() == 4 and df["Output Reviewed At"][0]
    assert df["Output Target Code"][6] == "195967001"  # the bad code was not imported: the engine maps it
    assert "reviewed" not in df["Output Flags"][4]
