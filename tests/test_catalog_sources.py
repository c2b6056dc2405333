"""Catalog ingest from real release formats (ray_app.catalog.sources): fixture files in the real layouts,
written here with public SNOMED CT (GPS) / RxNorm codes also found in the demo catalogs."""
from __future__ import annotations

import io
import json
import tarfile

import pandas as pd
import pytest

from ray_app.catalog.load import load_catalog
from ray_app.catalog.sources import SourceError, classify, convert, detect
from ray_app.catalog.sources.validate import snomed_reasons, verhoeff_ok

DEMO = "/work/main/data/catalogs"  # only read, to check the fixture codes are the demo's real ones
COLS = ["CUI", "System", "TTY", "CODE", "STR", "STY"]


def rows(path) -> list[tuple]:
    df = pd.read_parquet(path)
    assert list(df.columns) == COLS and all(pd.api.types.is_string_dtype(df[c]) for c in COLS)
    return sorted(map(tuple, df[COLS].to_numpy().tolist()))


# ------------------------------------------------------------------------------------------- validate
def test_sctid_checks():
    assert verhoeff_ok("22298006") and verhoeff_ok("195967001") and not verhoeff_ok("22298005")
    got = snomed_reasons(["22298006", "22298005", "12345", "0123456", "2229800a", "751689013", ""])
    assert got.tolist() == ["", "snomed: bad Verhoeff check digit", "snomed: not 6-18 digits",
                            "snomed: leading zero", "snomed: not digits only",
                            "snomed: partition identifier is not a concept", "snomed: not digits only"]
    assert snomed_reasons(["751689013"], "description").tolist() == [""]  # 01 = a description id


def test_every_demo_snomed_code_is_a_valid_sctid():
    codes = pd.read_parquet(f"{DEMO}/demo_snomed.parquet")["CODE"].unique()
    assert (snomed_reasons(codes) == "").all()


# ------------------------------------------------------------------------------------------- UMLS
def conso(cui, sab, tty, code, s, lat="ENG", suppress="N"):
    return "|".join([cui, lat, "P", "L0000001", "PF", "S0000001", "Y", "A0000001", "", code, "", sab, tty, code,
                     s, "0", suppress, "256"]) + "|"


def sty(cui, tui, stn, name):
    return f"{cui}|{tui}|{stn}|{name}|AT0000001|256|"


UMLS_CONSO = [
    conso("C0027051", "SNOMEDCT_US", "PT", "22298006", "Myocardial infarction"),
    conso("C0027051", "SNOMEDCT_US", "FN", "22298006", "Myocardial infarction (disorder)"),
    conso("C0027051", "SNOMEDCT_US", "SY", "22298006", "Heart attack"),
    conso("C0027051", "SNOMEDCT_US", "OAP", "22298006", "Myocardial infarction, obsolete", suppress="O"),
    conso("C0027051", "SNOMEDCT_US", "SY", "22298006", "Cardiac infarction", suppress="E"),
    conso("C0027051", "SNOMEDCT_US", "SY", "22298006", "Infarto de miocardio", lat="SPA"),
    conso("C0027051", "MSH", "MH", "D009203", "Myocardial Infarction"),
    conso("C0004096", "SNOMEDCT_US", "PT", "195967001", "Asthma"),
    conso("C0004096", "SNOMEDCT_US", "IS", "195967001", "Asthma NOS", suppress="Y"),
    conso("C0018681", "SNOMEDCT_US", "PT", "25064002", "Headache"),
    conso("C0018681", "SNOMEDCT_US", "PT", "22298005", "Bad check digit"),
    conso("C0000970", "RXNORM", "IN", "161", "Acetaminophen"),
    conso("C0004057", "RXNORM", "IN", "1191", "Aspirin"),
    conso("C0690000", "RXNORM", "SCD", "198440", "Acetaminophen 500 MG Oral Tablet"),
    conso("C0004057", "RXNORM", "IN", "X1191", "Aspirin with a bad code"),
    "C0004057|ENG|P|only a few fields|",
]
UMLS_STY = [
    sty("C0027051", "T047", "B2.2.1.2.1", "Disease or Syndrome"),
    sty("C0004096", "T047", "B2.2.1.2.1", "Disease or Syndrome"),
    sty("C0018681", "T033", "A2.2", "Finding"),
    sty("C0018681", "T184", "A2.2.2", "Sign or Symptom"),  # deeper: wins
    sty("C0000970", "T109", "A1.4.1.2.1", "Organic Chemical"),
    sty("C0000970", "T121", "A1.4.1.1.1", "Pharmacologic Substance"),  # same depth, higher TUI: wins
    sty("C0004057", "T121", "A1.4.1.1.1", "Pharmacologic Substance"),
    sty("C0004057", "T109", "A1.4.1.2.1", "Organic Chemical"),
    sty("C0690000", "T200", "A1.3.3", "Clinical Drug"),
]


def write_umls(tmp_path, conso_lines=UMLS_CONSO):
    meta = tmp_path / "2024AA" / "META"
    meta.mkdir(parents=True)
    (meta / "MRCONSO.RRF").write_text("\n".join(conso_lines) + "\n")
    (meta / "MRSTY.RRF").write_text("\n".join(UMLS_STY) + "\n")
    (tmp_path / "2024AA" / "release.dat").write_text("umls.release.name=2024AA\numls.release.date=20240506\n")
    return meta


def test_umls_mrconso_mrsty(tmp_path):
    meta = write_umls(tmp_path)
    assert detect([meta]) == "umls" and detect([meta / "MRCONSO.RRF"]) == "umls"
    rep = convert([meta / "MRCONSO.RRF", meta / "MRSTY.RRF"], f"{tmp_path}/out/")
    dis = "Disease or Syndrome"
    assert rows(tmp_path / "out" / "catalog_snomed.parquet") == sorted([
        ("C0027051", "SNOMEDCT_US", "PT", "22298006", "Myocardial infarction", dis),
        ("C0027051", "SNOMEDCT_US", "FN", "22298006", "Myocardial infarction (disorder)", dis),
        ("C0027051", "SNOMEDCT_US", "SY", "22298006", "Heart attack", dis),
        ("C0004096", "SNOMEDCT_US", "PT", "195967001", "Asthma", dis),
        ("C0018681", "SNOMEDCT_US", "PT", "25064002", "Headache", "Sign or Symptom")])
    assert rows(tmp_path / "out" / "catalog_rxnorm.parquet") == sorted([
        ("C0000970", "RXNORM", "IN", "161", "Acetaminophen", "Pharmacologic Substance"),
        ("C0004057", "RXNORM", "IN", "1191", "Aspirin", "Pharmacologic Substance"),
        ("C0690000", "RXNORM", "SCD", "198440", "Acetaminophen 500 MG Oral Tablet", "Clinical Drug")])
    assert rep["rows_read"] == len(UMLS_CONSO) + len(UMLS_STY)
    assert rep["rows_written"] == {"SNOMEDCT_US": 5, "RXNORM": 3}
    assert rep["filtered"] == {"SAB not selected": 1, "LAT is not ENG": 1, "suppressed (SUPPRESS=O)": 1,
                               "suppressed (SUPPRESS=E)": 1, "suppressed (SUPPRESS=Y)": 1}
    assert rep["rejected"] == {"snomed: bad Verhoeff check digit": 1, "rxnorm: code is not numeric": 1,
                               "malformed line in MRCONSO.RRF": 1}
    assert rep["rejected_examples"]["snomed: bad Verhoeff check digit"] == [{"CODE": "22298005", "STR": "Bad check digit"}]
    assert rep["rejected_examples"]["malformed line in MRCONSO.RRF"][0]["fields"] == 5
    assert rep["release"] == {"umls": "2024AA"} and rep["formats"] == ["umls"]
    assert rep["rows_per_s"] > 0
    tables = load_catalog(list(rep["files"].values()))
    assert set(tables) == {"SNOMEDCT_US", "RXNORM"}
    assert tables["SNOMEDCT_US"]["CODE"].nunique() == 3 and tables["RXNORM"]["CODE"].nunique() == 3


def test_umls_sab_and_language_options_and_prefix(tmp_path):
    meta = write_umls(tmp_path)
    rep = convert([meta], tmp_path / "cat", sabs=("RXNORM",), language=None)
    assert rep["files"] == {"RXNORM": str(tmp_path / "cat_rxnorm.parquet")}
    assert not (tmp_path / "cat_snomed.parquet").exists()
    assert rep["rows_written"] == {"RXNORM": 3} and rep["filtered"]["SAB not selected"] == 11


def test_umls_streaming_chunks_give_the_same_catalog(tmp_path):
    # ~1,600 lines of ~100 bytes: chunk_rows=10 reads them in many 16 KiB blocks
    lines = [conso(f"C{7000000 + i:07d}", "RXNORM", "SCD", str(100000 + i), f"Drug {i} 10 MG Oral Tablet")
             for i in range(1600)] + UMLS_CONSO[:12]
    meta = write_umls(tmp_path, lines)
    one = convert([meta], f"{tmp_path}/one/", chunk_rows=1_000_000)
    many = convert([meta], f"{tmp_path}/many/", chunk_rows=10)
    assert one["rows_written"] == many["rows_written"] == {"SNOMEDCT_US": 5, "RXNORM": 1601}
    assert rows(one["files"]["RXNORM"]) == rows(many["files"]["RXNORM"])
    assert pd.read_parquet(many["files"]["RXNORM"]).shape[0] == 1601


# ------------------------------------------------------------------------------------------- RxNorm
def test_rxnorm_rxnconso_rxnsty(tmp_path):
    rrf = tmp_path / "RxNorm_full_01022024" / "rrf"
    rrf.mkdir(parents=True)
    (rrf / "RXNCONSO.RRF").write_text("\n".join([
        conso("161", "RXNORM", "IN", "161", "Acetaminophen"),
        conso("1191", "RXNORM", "IN", "1191", "Aspirin"),
        conso("198440", "RXNORM", "SCD", "198440", "Acetaminophen 500 MG Oral Tablet"),
        conso("243670", "RXNORM", "SCD", "243670", "Aspirin 81 MG Oral Tablet"),
        conso("5640", "RXNORM", "SY", "5640", "Ibuprofen (obsolete name)", suppress="O"),
        conso("161", "MTHSPL", "SU", "362O9ITL9D", "ACETAMINOPHEN"),
        conso("X5640", "RXNORM", "IN", "X5640", "Ibuprofen"),
    ]) + "\n")
    (rrf / "RXNSTY.RRF").write_text("\n".join([sty("161", "T121", "A1.4.1.1.1", "Pharmacologic Substance"),
                                               sty("198440", "T200", "A1.3.3", "Clinical Drug")]) + "\n")
    assert detect([rrf / "RXNCONSO.RRF"]) == "rxnorm"
    rep = convert([rrf / "RXNCONSO.RRF"], f"{tmp_path}/out/")  # RXNSTY found next to it
    assert rows(rep["files"]["RXNORM"]) == sorted([
        ("", "RXNORM", "IN", "161", "Acetaminophen", "Pharmacologic Substance"),
        ("", "RXNORM", "IN", "1191", "Aspirin", "Pharmacologic Substance"),  # from the TTY: no RXNSTY row
        ("", "RXNORM", "SCD", "198440", "Acetaminophen 500 MG Oral Tablet", "Clinical Drug"),
        ("", "RXNORM", "SCD", "243670", "Aspirin 81 MG Oral Tablet", "Clinical Drug")])
    assert rep["filtered"] == {"SAB not selected": 1, "suppressed (SUPPRESS=O)": 1}
    assert rep["rejected"] == {"rxnorm: code is not numeric": 1}
    assert rep["notes"]["STY inferred from TTY (no STY row)"] == 3  # 1191, 243670 and the rejected X5640
    assert rep["release"] == {"rxnorm": "2024-01-02"}
    assert list(load_catalog([rep["files"]["RXNORM"]])) == ["RXNORM"]


# ------------------------------------------------------------------------------------------- RF2
FSN, SYN = "900000000000003001", "900000000000013009"
US, GB = "900000000000509007", "900000000000508004"
PREF, ACC = "900000000000548007", "900000000000549004"
MOD = "900000000000207008"


def tsv(path, header, lines):
    path.write_text("\t".join(header) + "\n" + "".join("\t".join(map(str, r)) + "\n" for r in lines))


def desc(did, cid, typ, term, active=1, lang="en"):
    return [did, "20240101", active, MOD, cid, lang, typ, term, "900000000000448009"]


RF2_DESCRIPTIONS = [
    desc(37436014, 22298006, SYN, "Myocardial infarction"),
    desc(751689013, 22298006, FSN, "Myocardial infarction (disorder)"),
    desc(37443015, 22298006, SYN, "Heart attack"),
    desc(1000011, 22298006, SYN, "Cardiac infarction", active=0),
    desc(1000021, 22298006, SYN, "Infarto de miocardio", lang="es"),
    desc(301480018, 195967001, SYN, "Asthma"),  # before its FSN: the STY must still come from the FSN
    desc(301485011, 195967001, FSN, "Asthma (disorder)"),
    desc(1000031, 111002, SYN, "Parathyroid gland"),
    desc(1000041, 111002, FSN, "Parathyroid structure (body structure)"),
    desc(1000051, 111002, SYN, "Parathyroid structure"),
    desc(1000061, 111002, SYN, "Glandula parathyreoidea"),  # not in the US refset
    desc(1000071, 80146002, FSN, "Appendectomy (procedure)"),
    desc(1000081, 80146002, SYN, "Appendectomy"),
    desc(1000091, 80146002, SYN, "Excision of appendix"),
    desc(1000101, 50043002, FSN, "Disorder of respiratory system (disorder)"),
    desc(1000111, 50043002, SYN, "Disorder of respiratory system"),
    desc(1000121, 38341003, FSN, "Hypertensive disorder, systemic arterial (disorder)"),  # inactive concept
    desc(1000131, 22298005, SYN, "Bad check digit concept"),
]


def write_rf2(root, with_language=True, with_relationships=True):
    term = root / "Snapshot" / "Terminology"
    term.mkdir(parents=True)
    tsv(term / "sct2_Concept_Snapshot_INT_20240101.txt",
        ["id", "effectiveTime", "active", "moduleId", "definitionStatusId"],
        [[c, "20240101", a, MOD, "900000000000074008"] for c, a in
         [(22298006, 1), (195967001, 1), (111002, 1), (80146002, 1), (50043002, 1), (38341003, 0), (22298005, 1)]])
    tsv(term / "sct2_Description_Snapshot-en_INT_20240101.txt",
        ["id", "effectiveTime", "active", "moduleId", "conceptId", "languageCode", "typeId", "term",
         "caseSignificanceId"], RF2_DESCRIPTIONS)
    if with_language:
        lang = root / "Snapshot" / "Refset" / "Language"
        lang.mkdir(parents=True)
        members = [(37436014, PREF), (751689013, PREF), (37443015, ACC), (301480018, PREF), (301485011, PREF),
                   (1000031, ACC), (1000041, PREF), (1000051, PREF), (1000071, PREF), (1000081, PREF),
                   (1000091, ACC), (1000101, PREF), (1000111, PREF)]
        lines = [[f"uuid-{i}", "20240101", 1, MOD, US, d, a] for i, (d, a) in enumerate(members)]
        lines += [["uuid-gb", "20240101", 1, MOD, GB, 37443015, PREF],  # GB dialect: ignored
                  ["uuid-old", "20240101", 0, MOD, US, 1000061, ACC]]  # inactive member
        tsv(lang / "der2_cRefset_LanguageSnapshot-en_INT_20240101.txt",
            ["id", "effectiveTime", "active", "moduleId", "refsetId", "referencedComponentId", "acceptabilityId"],
            lines)
    if with_relationships:
        isa, site = "116680003", "363698007"
        tsv(term / "sct2_Relationship_Snapshot_INT_20240101.txt",
            ["id", "effectiveTime", "active", "moduleId", "sourceId", "destinationId", "relationshipGroup",
             "typeId", "characteristicTypeId", "modifierId"],
            [[r, "20240101", a, MOD, s, d, 0, t, "900000000000011006", "900000000000451002"] for r, a, s, d, t in
             [(1001, 1, 195967001, 50043002, isa), (1002, 1, 22298006, 414545008, isa),
              (1003, 1, 80146002, 111002, site), (1004, 0, 111002, 50043002, isa)]])
    # Full/Delta files in the same release folder are ignored when the folder is given
    (root / "Full").mkdir()
    (root / "Full" / "sct2_Concept_Full_INT_20240101.txt").write_text("id\teffectiveTime\n")
    return root


DIS, BODY, TX = "Disease or Syndrome", "Body Part, Organ, or Organ Component", "Therapeutic or Preventive Procedure"


def test_rf2_snapshot_with_language_refset_and_isa(tmp_path):
    root = write_rf2(tmp_path / "SnomedCT_InternationalRF2_PRODUCTION_20240101T120000Z")
    assert detect([root]) == "rf2"
    rep = convert([root], f"{tmp_path}/out/")
    s = "SNOMEDCT_US"
    assert rows(rep["files"][s]) == sorted([
        ("", s, "FN", "22298006", "Myocardial infarction (disorder)", DIS),
        ("", s, "PT", "22298006", "Myocardial infarction", DIS),
        ("", s, "SY", "22298006", "Heart attack", DIS),
        ("", s, "FN", "195967001", "Asthma (disorder)", DIS),
        ("", s, "PT", "195967001", "Asthma", DIS),
        ("", s, "FN", "111002", "Parathyroid structure (body structure)", BODY),
        ("", s, "PT", "111002", "Parathyroid structure", BODY),
        ("", s, "SY", "111002", "Parathyroid gland", BODY),
        ("", s, "FN", "80146002", "Appendectomy (procedure)", TX),
        ("", s, "PT", "80146002", "Appendectomy", TX),
        ("", s, "SY", "80146002", "Excision of appendix", TX),
        ("", s, "FN", "50043002", "Disorder of respiratory system (disorder)", DIS),
        ("", s, "PT", "50043002", "Disorder of respiratory system", DIS)])
    assert rep["rejected"] == {"snomed: bad Verhoeff check digit": 1}
    assert rep["rejected_examples"]["snomed: bad Verhoeff check digit"][0]["CODE"] == "22298005"
    assert rep["filtered"] == {"inactive concept": 1, "inactive description": 1, "languageCode is not en": 1,
                               "concept inactive, unknown or rejected": 2, "synonym not in the language refset": 1,
                               "relationship inactive or not IS-A": 2,
                               "IS-A edge with an inactive, unknown or rejected concept": 1}
    assert pd.read_parquet(rep["files"]["isa"]).values.tolist() == [["195967001", "50043002"]]
    assert rep["rows_written"] == {s: 13, "isa_edges": 1}
    assert rep["release"] == {"rf2": "20240101", "rf2_edition": "INT", "rf2_language_refset": US}
    assert rep["rows_read"] == 7 + len(RF2_DESCRIPTIONS) + 15 + 4
    tables = load_catalog([rep["files"][s]])
    assert tables[s].drop_duplicates("CODE").set_index("CODE")["STR"].to_dict()["22298006"] == "Myocardial infarction"


def test_rf2_without_language_refset_takes_lowest_synonym_id_as_pt(tmp_path):
    root = write_rf2(tmp_path / "rf2", with_language=False, with_relationships=False)
    rep = convert([root / "Snapshot"], f"{tmp_path}/out/")
    df = pd.read_parquet(rep["files"]["SNOMEDCT_US"])
    pt = df[df.TTY == "PT"].set_index("CODE")["STR"].to_dict()
    assert pt == {"22298006": "Myocardial infarction", "195967001": "Asthma", "111002": "Parathyroid gland",
                  "80146002": "Appendectomy", "50043002": "Disorder of respiratory system"}
    assert (df.TTY == "SY").sum() == 4 and (df.TTY == "FN").sum() == 5  # Glandula parathyreoidea kept as SY
    assert "isa" not in rep["files"] and "synonym not in the language refset" not in rep["filtered"]


# ------------------------------------------------------------------------------------------- FHIR
SCT, RXN = "http://snomed.info/sct", "http://www.nlm.nih.gov/research/umls/rxnorm"
VALUESET = {
    "resourceType": "ValueSet", "id": "demo", "version": "20240301",
    "expansion": {"contains": [
        {"system": SCT, "code": "22298006", "display": "Myocardial infarction",
         "designation": [{"language": "en-US", "use": {"system": SCT, "code": FSN},
                          "value": "Myocardial infarction (disorder)"},
                         {"language": "en", "use": {"system": SCT, "code": SYN}, "value": "Heart attack"},
                         {"language": "es", "value": "Infarto de miocardio"}],
         "contains": [{"system": SCT, "code": "195967001", "display": "Asthma"},
                      {"system": "http://loinc.org", "code": "2345-7", "display": "Glucose [Mass/volume] in Serum"}]},
        {"system": SCT, "code": "22298005", "display": "Bad check digit"},
        {"system": SCT, "code": "38341003", "display": "Hypertensive disorder", "inactive": True},
        {"abstract": True, "display": "Drugs", "contains": [
            {"system": RXN, "code": "161", "display": "Acetaminophen"},
            {"system": RXN, "code": "1191", "display": "Aspirin"}]},
    ]},
}
CODESYSTEM = {
    "resourceType": "CodeSystem", "url": SCT, "version": "http://snomed.info/sct/731000124108/version/20240301",
    "concept": [{"code": "80146002", "display": "Appendectomy",
                 "designation": [{"use": {"system": SCT, "code": FSN}, "value": "Appendectomy (procedure)"},
                                 {"value": "Excision of appendix"}],
                 "concept": [{"code": "111002", "display": "Parathyroid structure",
                              "property": [{"code": "inactive", "valueBoolean": False}]}]}],
}


def test_fhir_nested_valueset_expansion(tmp_path):
    p = tmp_path / "vs.json"
    p.write_text(json.dumps(VALUESET))
    assert detect([p]) == "fhir"
    rep = convert([p], f"{tmp_path}/out/")
    s = "SNOMEDCT_US"
    assert rows(rep["files"][s]) == sorted([
        ("", s, "PT", "22298006", "Myocardial infarction", DIS),
        ("", s, "FN", "22298006", "Myocardial infarction (disorder)", DIS),
        ("", s, "SY", "22298006", "Heart attack", DIS),
        ("", s, "PT", "195967001", "Asthma", "")])  # no FSN in the expansion: no semantic tag
    assert rows(rep["files"]["RXNORM"]) == [("", "RXNORM", "", "1191", "Aspirin", ""),
                                            ("", "RXNORM", "", "161", "Acetaminophen", "")]
    assert rep["filtered"] == {"designation in another language": 1, "system not SNOMED CT/RxNorm: http://loinc.org": 1,
                               "inactive concept (FHIR)": 1}
    assert rep["rejected"] == {"snomed: bad Verhoeff check digit": 1}
    assert rep["rows_read"] == 7 and rep["release"] == {"fhir": "20240301"}
    assert set(load_catalog(list(rep["files"].values()))) == {s, "RXNORM"}


def test_fhir_npm_package_tarball(tmp_path):
    tgz = tmp_path / "example.terminology-1.0.0.tgz"
    with tarfile.open(tgz, "w:gz") as tar:
        for name, doc in [("package/package.json", {"name": "example.terminology", "version": "1.0.0"}),
                          ("package/.index.json", {"index-version": 1, "files": []}),
                          ("package/CodeSystem-sct.json", CODESYSTEM),
                          ("package/ValueSet-demo.json", VALUESET)]:
            data = json.dumps(doc).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    assert classify(tgz) == ("fhir", "json")
    rep = convert([tgz], f"{tmp_path}/out/", sabs=("SNOMEDCT_US",))
    df = pd.read_parquet(rep["files"]["SNOMEDCT_US"])
    assert sorted(df.loc[df.CODE.isin(["80146002", "111002"]), ["TTY", "CODE", "STR", "STY"]].values.tolist()) == sorted([
        ["PT", "111002", "Parathyroid structure", ""], ["FN", "80146002", "Appendectomy (procedure)", TX],
        ["PT", "80146002", "Appendectomy", TX], ["SY", "80146002", "Excision of appendix", TX]])
    assert len(df) == 8 and "RXNORM" not in rep["files"]
    assert rep["filtered"]["System RXNORM not selected"] == 2
    assert rep["release"] == {"fhir_package": "example.terminology@1.0.0",
                              "fhir": "20240301; http://snomed.info/sct/731000124108/version/20240301"}
    assert rep["notes"] == {"JSON skipped (not a ValueSet/CodeSystem/Bundle): no resourceType": 1}


# ------------------------------------------------------------------------------------------- misc
def test_detect_by_content_mixed_formats_and_unknown_files(tmp_path):
    meta = write_umls(tmp_path / "u")
    renamed = tmp_path / "conso.txt"
    renamed.write_text((meta / "MRCONSO.RRF").read_text())
    assert classify(renamed) == ("umls", "conso")
    vs = tmp_path / "vs.txt"
    vs.write_text(json.dumps(VALUESET))
    assert classify(vs) == ("fhir", "json")
    with pytest.raises(SourceError, match="several formats"):
        detect([meta, vs])
    junk = tmp_path / "notes.txt"
    junk.write_text("hello\n")
    with pytest.raises(SourceError, match="not a recognised terminology file"):
        detect([junk])
    with pytest.raises(SourceError, match="not found"):
        detect([tmp_path / "missing.RRF"])


def test_mixed_sources_write_one_file_per_system(tmp_path):
    root = write_rf2(tmp_path / "rf2", with_relationships=False)
    vs = tmp_path / "vs.json"
    vs.write_text(json.dumps(VALUESET))
    rep = convert([root, vs], f"{tmp_path}/out/")
    assert rep["formats"] == ["rf2", "fhir"]
    assert rep["rows_written"] == {"SNOMEDCT_US": 13 + 4, "RXNORM": 2}


def test_nothing_written_when_no_rows_survive(tmp_path):
    meta = write_umls(tmp_path, [UMLS_CONSO[6], UMLS_CONSO[10]])  # an MSH row and a bad SCTID
    with pytest.raises(SourceError, match="no catalog rows written"):
        convert([meta], f"{tmp_path}/out/")
    assert list((tmp_path / "out").glob("*")) == []
    with pytest.raises(SourceError, match="holds only"):
        convert([meta], f"{tmp_path}/out/", sabs=("ICD10CM",))
