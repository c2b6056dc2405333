import pytest

from ray_app.drugs import DrugCatalog, drug_fit, normalize_ingredient, parse_catalog_name, parse_query


@pytest.mark.parametrize("text,names,strengths,form", [
    ("Paracetamol 500 mg", ["acetaminophen"], {(500.0, "mg")}, None),
    ("lisinopril 10mg oral tab", ["lisinopril"], {(10.0, "mg")}, "oral tablet"),
    ("metformin ER 500 mg tab daily", ["metformin"], {(500.0, "mg")}, "extended release oral tablet"),
    ("amoxicillin 250mg/5ml susp", ["amoxicillin"], {(50.0, "mg/ml")}, "oral suspension"),
    ("levothyroxine 50 mcg", ["levothyroxine"], {(0.05, "mg")}, None),
    ("salbutamol inhaler 2 puffs prn", ["albuterol"], set(), "metered dose inhaler"),
    ("hydrocodone/acetaminophen 5/325", ["hydrocodone", "acetaminophen"], set(), None),
    ("insulin glargine 100 units/ml pen", ["insulin glargine"], {(100.0, "unt/ml")}, "pen injector"),
])
def test_parse_query(text, names, strengths, form):
    p = parse_query(text)
    assert sorted(p.names) == sorted(names)
    assert set(p.strengths) == strengths
    assert p.form == form


def test_brand_detected_from_dictionary():
    assert parse_query("Lipitor 20mg").brand == "lipitor"
    assert parse_query("Lipitor 20mg").names == ["atorvastatin"]
    assert parse_query("paracetamol").brand is None  # a UK generic, not a brand


@pytest.mark.parametrize("name,names,strengths,form,brand", [
    ("Acetaminophen 500 MG Oral Tablet", ["acetaminophen"], {(500.0, "mg")}, "oral tablet", None),
    ("Diazepam 2 MG Oral Tablet [Valium]", ["diazepam"], {(2.0, "mg")}, "oral tablet", "valium"),
    ("metformin hydrochloride 500 MG Extended Release Oral Tablet", ["metformin"], {(500.0, "mg")},
     "extended release oral tablet", None),
    ("Acetaminophen 325 MG / Oxycodone Hydrochloride 5 MG Oral Tablet", ["acetaminophen", "oxycodone"],
     {(325.0, "mg"), (5.0, "mg")}, "oral tablet", None),
    ("Aspirin", ["aspirin"], set(), None, None),
])
def test_parse_catalog_name(name, names, strengths, form, brand):
    p = parse_catalog_name(name)
    assert sorted(p.names) == sorted(names) and set(p.strengths) == strengths
    assert p.form == form and p.brand == brand


def test_salts_stripped_but_not_leading_words():
    assert normalize_ingredient("Metformin Hydrochloride") == "metformin"
    assert normalize_ingredient("sodium chloride") == "sodium"  # first token kept, salt word after dropped
    assert normalize_ingredient("calcium carbonate") == "calcium carbonate"


def test_fit_prefers_exact_strength_then_falls_back_to_ingredient():
    cat = DrugCatalog(["Aspirin", "Aspirin 81 MG Oral Tablet", "Aspirin 325 MG Oral Tablet", "Aspirin 81 MG",
                       "Ibuprofen 200 MG Oral Tablet"], ["IN", "SCD", "SCD", "SCDC", "SCD"])
    q = cat.resolve(parse_query("aspirin 81 mg"))
    fits = cat.fit(q, range(5))
    assert fits.argmax() == 1 and fits[4] == 0.0  # the SCD oral tablet, never another ingredient
    q = cat.resolve(parse_query("aspirin 10 mg"))  # no such strength: the ingredient wins
    assert cat.fit(q, range(5)).argmax() == 0
    q = cat.resolve(parse_query("asprin"))  # typo resolved against the catalog's ingredients
    assert q.names == ["aspirin"] and cat.fit(q, range(5)).argmax() == 0


def test_brand_prefers_branded_drug():
    cat = DrugCatalog(["Diazepam 5 MG Oral Tablet", "Diazepam 5 MG Oral Tablet [Valium]", "Diazepam"],
                      ["SCD", "SBD", "IN"])
    q = cat.resolve(parse_query("Valium 5 mg"))  # brand known from the catalog's [Brand] names
    assert q.brand == "valium" and q.names == ["diazepam"]
    assert cat.fit(q, range(3)).argmax() == 1
    generic = cat.resolve(parse_query("diazepam 5 mg"))
    assert cat.fit(generic, range(3)).argmax() == 0
    stated = cat.resolve(parse_query("diazepam 5 mg oral tablet"))
    assert drug_fit(stated, parse_catalog_name("Diazepam 5 MG Oral Tablet"), "SCD") == pytest.approx(1.0)
