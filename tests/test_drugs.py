import pytest

from engine_util import map_rows
from ray_app.text.drugs import DrugCatalog, drug_fit, normalize_ingredient, parse_catalog_name, parse_query


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


# --- RxNorm name structure: "[2 ML] [Qualifier] [24 HR] Ingredient Strength Form" ---------------------------

@pytest.mark.parametrize("name,names,strengths,form,extra", [
    ("24 HR Nifedipine 30 MG Extended Release Oral Tablet", ["nifedipine"], {(30.0, "mg")},
     "extended release oral tablet", {"duration": 24}),
    ("Abuse-Deterrent 12 HR Venlafaxine Hydrochloride 75 MG Extended Release Oral Capsule", ["venlafaxine"],
     {(75.0, "mg")}, "extended release oral capsule",
     {"duration": 12, "qualifier": "abuse-deterrent", "salts": {"hydrochloride"}}),
    ("60/40 Release 24 HR Nifedipine 60 MG Extended Release Oral Capsule", ["nifedipine"], {(60.0, "mg")},
     "extended release oral capsule", {"qualifier": "60/40 release"}),
    ("0.4 ML Enoxaparin Sodium 100 MG/ML Prefilled Syringe", ["enoxaparin"], {(100.0, "mg/ml")},
     "prefilled syringe", {"volume": (0.4, "ml"), "salts": {"sodium"}}),
    ("0.5 ML Sumatriptan 12 MG/ML Auto-Injector", ["sumatriptan"], {(12.0, "mg/ml")}, "auto-injector",
     {"volume": (0.5, "ml")}),
    ("200 ACTUAT Fluticasone 0.05 MG/ACTUAT Metered Dose Inhaler", ["fluticasone"], {(0.05, "mg/actuat")},
     "metered dose inhaler", {"volume": (200.0, "actuat")}),
    ("168 HR Clonidine 0.1 MG/HR Transdermal System", ["clonidine"], {(0.1, "mg/hr")}, "transdermal system",
     {"duration": 168}),
    ("sitagliptin / metformin Extended Release Oral Tablet", ["sitagliptin", "metformin"], set(),
     "extended release oral tablet", {}),
])
def test_parse_catalog_prefixes(name, names, strengths, form, extra):
    p = parse_catalog_name(name)
    assert sorted(p.names) == sorted(names) and set(p.strengths) == strengths and p.form == form
    for attr, value in extra.items():
        got = getattr(p, attr)
        assert (set(got) if attr == "salts" else got) == value


@pytest.mark.parametrize("text,form,extra", [
    ("nifedipine 30mg xl tab", "extended release oral tablet", {"duration": None}),
    ("24 hr nifedipine 30 mg extended release tabs", "extended release oral tablet", {"duration": 24}),
    ("12hr venlafaxine 75 mg caps", "extended release oral capsule", {"duration": 12}),  # a duration implies ER
    ("venlafaxine 75 mg every 12 hours", None, {"duration": None}),  # a dosing interval, no duration
    ("ondansetron 4 mg dissolving tablet", "disintegrating oral tablet", {}),
    ("ondansetron 4mg odt", "disintegrating oral tablet", {}),
    ("pantoprazole 40 mg delayed release tablet", "delayed release oral tablet", {}),
    ("pantoprazole 40 mg ec tab", "delayed release oral tablet", {}),
    ("nifedipine 3 mg/ml er suspension", "extended release suspension", {}),
    ("0.4 ml enoxaparin sodium 100mg/ml pfs", "prefilled syringe", {"volume": (0.4, "ml")}),
    ("0.5ml sumatriptan 12mg/ml autoinjector", "auto-injector", {"volume": (0.5, "ml")}),
    ("2 ml ondansetron 2 mg/ml inj", "injection", {"volume": (2.0, "ml")}),
    ("ondansetron 4 mg tabelt", "oral tablet", {}),  # one edit from a form word
])
def test_parse_query_forms_durations_volumes(text, form, extra):
    p = parse_query(text)
    assert p.form == form
    for attr, value in extra.items():
        assert getattr(p, attr) == value
    assert not any(ch.isdigit() for n in p.names for ch in n)  # "12 hr" / "2 ml" never reach the name


def test_volume_is_not_a_strength_and_split_concentration_is_one():
    p = parse_query("0.4 ml enoxaparin 100 mg/ml")
    assert set(p.strengths) == {(100.0, "mg/ml")} and p.volume == (0.4, "ml")
    assert set(parse_query("ondansetron 4 mg / 5 ml oral solution").strengths) == {(0.8, "mg/ml")}


def test_query_salts_read_through_typos():
    assert parse_query("venlafaxine hydrochlorde 75 mg").salts == {"hydrochloride"}
    assert parse_query("metoprolol HCl").salts == {"hydrochloride"}  # abbreviation spelled out
    assert parse_query("ondansetron 4 mg").salts == frozenset()


ER_CATALOG = [
    ("Nifedipine", "IN"),
    ("Nifedipine 30 MG Oral Tablet", "SCD"),
    ("Nifedipine 60 MG Oral Tablet", "SCD"),
    ("24 HR Nifedipine 60 MG Extended Release Oral Tablet", "SCD"),
    ("12 HR Nifedipine 60 MG Extended Release Oral Tablet", "SCD"),
    ("Abuse-Deterrent 12 HR Nifedipine 60 MG Extended Release Oral Tablet", "SCD"),
    ("Sensor Nifedipine 30 MG Oral Tablet", "SCD"),
    ("Enoxaparin", "IN"),
    ("Enoxaparin Sodium", "IN"),
    ("Enoxaparin Sodium 100 MG/ML Injectable Solution", "SCD"),
    ("0.4 ML Enoxaparin Sodium 100 MG/ML Prefilled Syringe", "SCD"),
    ("0.8 ML Enoxaparin Sodium 100 MG/ML Prefilled Syringe", "SCD"),
    ("3 ML Enoxaparin Sodium 100 MG/ML Injection", "SCD"),
    ("insulin isophane, human", "IN"),
    ("insulin, regular, human", "IN"),
    ("insulin isophane, human 70 UNT/ML / insulin, regular, human 30 UNT/ML Injectable Suspension", "SCD"),
]


@pytest.fixture(scope="module")
def er_catalog():
    names, ttys = zip(*ER_CATALOG)
    return DrugCatalog(list(names), list(ttys))


@pytest.mark.parametrize("text,expected", [
    ("nifedipine 60 mg xl tab", "24 HR Nifedipine 60 MG Extended Release Oral Tablet"),  # tie: first listed
    ("12 hr nifedipine 60 mg er tablet", "12 HR Nifedipine 60 MG Extended Release Oral Tablet"),
    ("abuse-deterrent nifedipine 60 mg er tab", "Abuse-Deterrent 12 HR Nifedipine 60 MG Extended Release Oral Tablet"),
    ("nifedipine 30 mg tab", "Nifedipine 30 MG Oral Tablet"),  # no qualifier stated: the plain product
    ("sensor nifedipine 30 mg tab", "Sensor Nifedipine 30 MG Oral Tablet"),
    ("0.8 ml enoxaparin 100 mg/ml syringe", "0.8 ML Enoxaparin Sodium 100 MG/ML Prefilled Syringe"),
    ("3 ml enoxaparin sodium 100 mg/ml inj", "3 ML Enoxaparin Sodium 100 MG/ML Injection"),
    ("enoxaparin 100 mg/ml injection", "Enoxaparin Sodium 100 MG/ML Injectable Solution"),
    ("enoxaparin sodum", "Enoxaparin Sodium"),  # the named (misspelt) salt picks the salt form
    ("enoxaparin", "Enoxaparin"),
    ("insulin isophane, human 70 units/ml / insulin, regular, human 30 units/ml injection",
     "insulin isophane, human 70 UNT/ML / insulin, regular, human 30 UNT/ML Injectable Suspension"),
])
def test_fit_reads_rxnorm_structure(er_catalog, text, expected):
    q = er_catalog.resolve(parse_query(text))
    fits = er_catalog.fit(q, range(len(ER_CATALOG)))
    assert ER_CATALOG[int(fits.argmax())][0] == expected


def test_stated_strength_beats_stated_form(er_catalog):
    # 30 MG exists only as a plain tablet: the right strength in the wrong release form still wins
    q = er_catalog.resolve(parse_query("nifedipine 30 mg er tab"))
    fits = er_catalog.fit(q, range(len(ER_CATALOG)))
    assert ER_CATALOG[int(fits.argmax())][0] == "Nifedipine 30 MG Oral Tablet"


def test_catalog_qualifiers_and_comma_joined_ingredients(er_catalog):
    assert {"abuse-deterrent", "sensor"} <= set(er_catalog.qualifiers)
    q = er_catalog.resolve(parse_query("insulin isophane, human"))
    assert q.names == ["insulin isophane human"]  # the comma is inside one ingredient, not a combination


@pytest.fixture(scope="module")
def er_matcher(embedder, config, tmp_path_factory):
    """A Matcher over the hand-made RxNorm rows above (real MiniLM, real FAISS)."""
    import pandas as pd

    from ray_app.index.build import build_index, local_embed_stream
    from ray_app.index.bundle import IndexBundle
    from ray_app.match.matcher import Matcher

    d = tmp_path_factory.mktemp("er_catalog")
    rows = [("", "RXNORM", tty, str(900000 + i), name, "Clinical Drug" if tty == "SCD" else "Pharmacologic Substance")
            for i, (name, tty) in enumerate(ER_CATALOG)]
    pd.DataFrame(rows, columns=["CUI", "System", "TTY", "CODE", "STR", "STY"]).to_parquet(d / "rx.parquet", index=False)
    build_index([str(d / "rx.parquet")], d / "index", config, local_embed_stream(embedder), embedder.dim,
                log=lambda m: None)
    from ray_app.engine import Engine
    from ray_app.text.expand import load_expander

    bundle = IndexBundle.load(str(d / "index"), model_fingerprint=embedder.fingerprint)
    return Engine(Matcher(bundle, config, embedder), load_expander(str(d / "index"), config.model.path))


def test_matcher_ranks_by_rxnorm_structure(er_matcher, config):
    texts = ["12 hr nifedipine 60 mg er tablet", "0.8 ml enoxaparin 100 mg/ml pfs", "enoxaparin sodum",
             "sensor nifedipine 30 mg tab", "nifedipine 60mg tab"]
    res = map_rows(er_matcher, texts, ["Medicine"] * len(texts), config)
    assert [r.description for r in res] == [
        "12 HR Nifedipine 60 MG Extended Release Oral Tablet", "0.8 ML Enoxaparin Sodium 100 MG/ML Prefilled Syringe",
        "Enoxaparin Sodium", "Sensor Nifedipine 30 MG Oral Tablet", "Nifedipine 60 MG Oral Tablet"]


# --- prescriptions as written: device forms, per-actuation strengths, brands, directions, absent strengths --

from ray_app.text.drugs import STRENGTH_MISMATCH, form_family, form_fit  # noqa: E402
from ray_app.text.sig import strip_sig  # noqa: E402


@pytest.mark.parametrize("text,form,strengths", [
    ("insulin glargine 100 units/ml solution pen-injector", "pen injector", {(100.0, "unt/ml")}),
    ("insulin lispro kwikpen 100 unit/ml", "pen injector", {(100.0, "unt/ml")}),
    ("enoxaparin 40 mg/0.4 ml prefilled syringe", "prefilled syringe", {(100.0, "mg/ml")}),
    ("ventolin hfa 90 mcg/puff", "metered dose inhaler", {(0.09, "mg/actuat")}),
    ("ventolin hfa 90 mcg/inh inhalation aerosol", "metered dose inhaler", {(0.09, "mg/actuat")}),  # per inhalation
    ("albuterol 90 mcg/actuation metered-dose inhaler", "metered dose inhaler", {(0.09, "mg/actuat")}),
    ("beclomethasone 80 mcg/actuation breath-actuated inhaler", "metered dose inhaler", {(0.08, "mg/actuat")}),
    ("fluticasone 250 mcg/dose diskus", "dry powder inhaler", {(0.25, "mg/actuat")}),
    ("budesonide 0.5 mg/2 ml nebulizer suspension", "inhalation suspension", {(0.25, "mg/ml")}),
    ("budesonide 0.25 mg/ml inhalation suspension", "inhalation suspension", {(0.25, "mg/ml")}),
    ("albuterol 2.5 mg/3 ml nebulizer solution", "inhalation solution", {(0.833333, "mg/ml")}),
])
def test_device_forms_and_per_actuation_strengths(text, form, strengths):
    p = parse_query(text)
    assert p.form == form and set(p.strengths) == strengths
    assert not {"kwikpen", "hfa", "diskus", "pen", "injector"} & {w for n in p.raw_names for w in n.split()}


def test_per_actuation_wordings_equal_rxnorm():
    rx = parse_catalog_name("120 ACTUAT fluticasone propionate 0.1 MG/ACTUAT Metered Dose Inhaler").strengths
    for written in ("fluticasone 100 mcg/actuation", "fluticasone 100 mcg/puff", "fluticasone 0.1 mg/actuat",
                    "fluticasone 100mcg/spray"):
        assert parse_query(written).strengths == rx


def test_catalog_application_number_and_leading_qualifier():
    p = parse_catalog_name("NDA020503 200 ACTUAT Albuterol 0.09 MG/ACTUAT Metered Dose Inhaler [Proventil]")
    assert p.names == ["albuterol"] and p.volume == (200.0, "actuat") and p.qualifier is None
    p = parse_catalog_name("Breath-Actuated 120 ACTUAT beclomethasone dipropionate 0.08 MG/ACTUAT Metered Dose Inhaler")
    assert p.names == ["beclomethasone"] and p.qualifier == "breath-actuated" and p.volume == (120.0, "actuat")


def test_form_families_are_read_from_words():
    assert form_family("oral suspension") == "liquid"  # "suspension" holds "pen" but is no pen
    assert form_family("pen injector") == "injection" and form_family("inhalation solution") == "inhalation"
    assert form_fit("oral solution", "inhalation solution") == 0.0
    assert form_fit("metered dose inhaler", "dry powder inhaler") == 0.6


@pytest.mark.parametrize("text,product", [
    ("ibuprofen 600 mg tablet take 1 tablet(s) by mouth every 6 hours as needed for pain", "ibuprofen 600 mg tablet"),
    ("ibuprofen 800 mg tablet:: sig: take 800 mg by mouth every 6 (six) hours as needed", "ibuprofen 800 mg tablet"),
    ("acetaminophen 325 mg tablet instructions: take 2 tablets (650 mg total) by mouth", "acetaminophen 325 mg tablet"),
    ("naproxen 250 mg tablet take 1 tablet(s) twice a day by oral route", "naproxen 250 mg tablet"),
    ("metformin 1000 mg twice daily", "metformin 1000 mg"), ("doxycycline 100mg bid", "doxycycline 100mg"),
    ("prednisone daily", "prednisone"), ("ofloxacin q12h for 7 days", "ofloxacin"),
    ("salbutamol inhaler 2 puffs q4-6h prn", "salbutamol inhaler"), ("take metformin 500 mg once a day", "metformin 500 mg"),
    ("insulin glargine 100 unit/ml pen-injector 45 units am and 45 units pm as directed subcutaneous every 12 hours",
     "insulin glargine 100 unit/ml pen-injector"),
    ("insulin glargine 10 units nightly", "insulin glargine"),  # a dose in units is not a strength
    ("amoxicillin 500 mg capsule, 1 cap po tid", "amoxicillin 500 mg capsule"),
    ("amoxicillin 500 mg, 1 cap po tid", "amoxicillin 500 mg, cap"),  # the only form word stays
    ("12 hr venlafaxine 75 mg caps", "12 hr venlafaxine 75 mg caps"),  # a product duration is no interval
    ("vitamin d3 1000 units", "vitamin d3 1000 units"), ("heparin 5000 units/ml", "heparin 5000 units/ml"),
])
def test_strip_sig(text, product):
    assert strip_sig(text) == product


def test_sig_does_not_reach_the_parse():
    p = parse_query("acetaminophen 325 mg tablet instructions: take 2 tablets (650 mg total) by mouth every 4 hours")
    assert p.names == ["acetaminophen"] and set(p.strengths) == {(325.0, "mg")} and p.form == "oral tablet"
    p = parse_query("ibuprofen 600 mg tablet take 1 tablet(s) by mouth every 6 hours as needed for pain")
    assert p.raw_names == ["ibuprofen"] and p.duration is None
    assert parse_query("insulin glargine 10 units nightly").strengths == frozenset()


def test_parenthesised_brand_after_a_generic_is_a_gloss():
    p = parse_query("ezetimibe (zetia) 10 mg po tabs take 1 tab by mouth every other day")
    assert p.names == ["ezetimibe"] and p.gloss == "zetia" and p.brand is None and p.form == "oral tablet"
    assert parse_query("hyoscyamine (anaspaz").gloss == "anaspaz"  # an unclosed parenthesis too
    assert parse_query("polyethylene glycol 3350 (oral powder)").gloss is None  # says more than a name


BRAND_CATALOG = [
    ("empagliflozin", "IN"), ("empagliflozin 10 MG Oral Tablet", "SCD"), ("empagliflozin 25 MG Oral Tablet", "SCD"),
    ("empagliflozin 10 MG Oral Tablet [Jardiance]", "SBD"), ("ezetimibe", "IN"), ("Ezetimibe 10 MG Oral Tablet", "SCD"),
    ("Ezetimibe 10 MG Oral Tablet [Zetia]", "SBD"), ("insulin glargine", "IN"),
    ("3 ML insulin glargine 100 UNT/ML Pen Injector", "SCD"), ("3 ML insulin glargine 100 UNT/ML Pen Injector [Lantus]", "SBD"),
    ("insulin glargine 100 UNT/ML Injectable Solution [Lantus]", "SBD"), ("Ibuprofen", "IN"),
    ("Ibuprofen 200 MG Oral Tablet", "SCD"), ("Ibuprofen 400 MG Oral Tablet [Ibu]", "SBD"), ("Albuterol", "IN"),
    ("NDA020503 200 ACTUAT Albuterol 0.09 MG/ACTUAT Metered Dose Inhaler", "SCD"),
    ("NDA020983 200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler [Ventolin]", "SBD"),
    ("albuterol 0.83 MG/ML Inhalation Solution", "SCD"), ("budesonide", "IN"),
    ("budesonide 0.25 MG/ML Inhalation Suspension", "SCD"), ("budesonide 0.25 MG/ML Oral Suspension", "SCD"),
]


@pytest.fixture(scope="module")
def brand_catalog():
    names, ttys = zip(*BRAND_CATALOG)
    return DrugCatalog(list(names), list(ttys))


@pytest.mark.parametrize("text,expected", [
    ("jardiance 10 mg", "empagliflozin 10 MG Oral Tablet [Jardiance]"),  # a stated brand selects its SBD
    ("jardiance 10 mg tablet take 1 tablet(s) every day by oral route", "empagliflozin 10 MG Oral Tablet [Jardiance]"),
    ("empagliflozin 10 mg", "empagliflozin 10 MG Oral Tablet"),
    ("ezetimibe (zetia) 10 mg po tabs take 1 tab by mouth", "Ezetimibe 10 MG Oral Tablet"),  # gloss: the generic
    ("zetia 10 mg", "Ezetimibe 10 MG Oral Tablet [Zetia]"),
    ("lantus solostar 100 units/ml", "3 ML insulin glargine 100 UNT/ML Pen Injector [Lantus]"),
    ("insulin glargine 100 unit/ml solution pen-injector 45 units as directed subcutaneous",
     "3 ML insulin glargine 100 UNT/ML Pen Injector"),
    ("ventolin hfa 90 mcg/puff 2 puffs q4-6h prn", "NDA020983 200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler [Ventolin]"),
    ("albuterol 90 mcg/actuation inhaler", "NDA020503 200 ACTUAT Albuterol 0.09 MG/ACTUAT Metered Dose Inhaler"),
    ("albuterol 2.5 mg/3 ml nebulizer solution", "albuterol 0.83 MG/ML Inhalation Solution"),  # RxNorm rounds
    ("budesonide 0.5 mg/2 ml nebulizer suspension", "budesonide 0.25 MG/ML Inhalation Suspension"),
    ("ibuprofen 200 mg", "Ibuprofen 200 MG Oral Tablet"),
    ("ibuprofen 600 mg oral tablet", "Ibuprofen"),  # no 600 mg product: the ingredient, not another strength
    ("ibuprofen 600 mg tablet take 1 tablet by mouth every 6 hours as needed", "Ibuprofen"),
])
def test_fit_on_prescription_text(brand_catalog, text, expected):
    q = brand_catalog.resolve(parse_query(text))
    fits = brand_catalog.fit(q, range(len(BRAND_CATALOG)))
    assert BRAND_CATALOG[int(fits.argmax())][0] == expected


def test_a_contradicted_strength_scores_well_below_the_ingredient(brand_catalog):
    q = brand_catalog.resolve(parse_query("ibuprofen 600 mg oral tablet"))
    ingredient = drug_fit(q, parse_catalog_name("Ibuprofen"), "IN")
    other = drug_fit(q, parse_catalog_name("Ibuprofen 200 MG Oral Tablet"), "SCD")
    assert other <= STRENGTH_MISMATCH * 0.5 + 1e-6 and ingredient - other >= 0.25


def test_a_brand_named_product_row_is_its_brand_not_an_ingredient():
    # catalogs carry rows named by the brand alone ("Jardiance Pill"); they must not turn the brand into an
    # ingredient of its own that hides the branded clinical drug
    names = ["empagliflozin", "empagliflozin 10 MG Oral Tablet", "empagliflozin 10 MG Oral Tablet [Jardiance]",
             "Jardiance Pill", "Jardiance Oral Product"]
    cat = DrugCatalog(names, ["IN", "SCD", "SBD", "SCDF", "SCDG"])
    assert cat.parsed[3].names == ["empagliflozin"] and cat.parsed[3].brand == "jardiance"
    q = cat.resolve(parse_query("jardiance 10 mg tablet take 1 tablet(s) every day by oral route"))
    assert q.names == ["empagliflozin"] and q.brand == "jardiance"
    assert names[int(cat.fit(q, range(len(names))).argmax())] == "empagliflozin 10 MG Oral Tablet [Jardiance]"


def test_a_stated_brand_ranks_branded_rows_above_unbranded_ones():
    cat = DrugCatalog(["insulin glargine", "insulin glargine Injectable Solution [Lantus]",
                       "insulin glargine Injectable Solution"], ["IN", "SBDF", "SCDF"])
    fits = cat.fit(cat.resolve(parse_query("lantus")), range(3))
    assert fits.argmax() == 1 and fits[1] > fits[0]


@pytest.mark.parametrize("text,expected", [
    ("lidocaine 5 % topical ointment", "lidocaine 0.05 MG/MG Topical Ointment"),  # w/w: 5 % = 0.05 MG/MG
    ("lidocaine 2% solution", "lidocaine hydrochloride 20 MG/ML Topical Solution"),  # w/v: 2 % = 20 MG/ML
])
def test_percent_strengths_equal_rxnorm_units(text, expected):
    names = ["lidocaine", "lidocaine 0.05 MG/MG Topical Ointment", "lidocaine 0.04 MG/MG Topical Ointment",
             "lidocaine hydrochloride 20 MG/ML Topical Solution", "lidocaine hydrochloride 40 MG/ML Topical Solution"]
    cat = DrugCatalog(names, ["IN", "SCD", "SCD", "SCD", "SCD"])
    fits = cat.fit(cat.resolve(parse_query(text)), range(len(names)))
    assert names[int(fits.argmax())] == expected


def test_a_biosimilar_is_its_reference_ingredient_with_a_suffix_one_may_state():
    names = ["insulin glargine", "insulin glargine-yfgn", "insulin glargine 100 UNT/ML Pen Injector",
             "insulin glargine-yfgn 100 UNT/ML Pen Injector", "insulin glargine-yfgn 100 UNT/ML Pen Injector [Semglee]"]
    cat = DrugCatalog(names, ["IN", "IN", "SCD", "SCD", "SBD"])
    assert cat.parsed[3].names == ["insulin glargine"] and cat.parsed[3].qualifier == "yfgn"
    assert set(cat.rows_for(cat.resolve(parse_query("insulin glargine 100 unit/ml pen")))) >= {2, 3, 4}
    # the suffix stated (in parentheses or hyphenated) selects the biosimilar; unstated, the reference product
    for text in ("insulin glargine (yfgn) 100 unit/ml pen", "insulin glargine-yfgn 100 unit/ml pen injector"):
        q = cat.resolve(parse_query(text))
        assert q.qualifier == "yfgn", text
        assert names[int(cat.fit(q, range(len(names))).argmax())] == names[3], text
    q = cat.resolve(parse_query("insulin glargine 100 unit/ml pen injector"))
    assert names[int(cat.fit(q, range(len(names))).argmax())] == names[2]


def test_same_drug_tells_a_stray_name_from_a_synonym():
    from ray_app.text.drugs import same_drug

    p = parse_catalog_name
    assert not same_drug(p("Atorvastatin 10 MG Oral Tablet"), p("atorvastatin 20 MG Oral Tablet"))  # another strength
    assert not same_drug(p("Ezetimibe 10 MG Oral Tablet"), p("cerivastatin"))  # another ingredient
    assert same_drug(p("clobazam 10 MG Oral Film"), p("clobazam 10 MG Oral Strip"))  # one SCD, two form names
    assert same_drug(p("0.875 ML paliperidone palmitate 312 MG/ML Prefilled Syringe"),
                     p("0.88 ML paliperidone palmitate 310 MG/ML Prefilled Syringe"))  # RxNorm's rounding
    assert same_drug(p("Lorazepam 2 MG/ML Injectable Solution [Ativan]"), p("Lorazepam 2mg/ml Injectable Solution (Ativan)"))


def test_inh_after_a_strength_is_per_inhalation_not_a_drug():
    # INH is isoniazid's abbreviation; "90 mcg/inh" is a per-inhalation strength, so no second drug is named
    assert parse_query("ventolin hfa 90 mcg/inh inhalation aerosol 2 puffs").raw_names == ["ventolin"]


def test_a_dose_written_as_an_amount_names_the_package_that_holds_it():
    from ray_app.text.drugs import package_amounts

    vial = parse_catalog_name("1 ML Ketorolac Tromethamine 15 MG/ML Injection")
    assert package_amounts(vial) == {(15.0, "mg")}
    assert package_amounts(parse_catalog_name("Ketorolac Tromethamine 30 MG/ML Injectable Solution")) == set()
    # units are doses drawn from a pen, not what it holds
    assert package_amounts(parse_catalog_name("3 ML insulin glargine 100 UNT/ML Pen Injector")) == set()
    q = parse_query("ketorolac (toradol) injection 15 mg")
    ingredient = drug_fit(q, parse_catalog_name("Ketorolac"), "IN")
    assert drug_fit(q, vial, "SCD") > ingredient  # 1 ML of 15 MG/ML is the 15 mg asked for
    assert drug_fit(q, parse_catalog_name("2 ML Ketorolac Tromethamine 30 MG/ML Injection"), "SCD") < ingredient
