"""Medical word formation in both directions, on hand-made strings."""
import pytest

from ray_app.text.wordform import form, modality_equivalents, to_lay, to_medical, to_modality, variants


@pytest.mark.parametrize("root,suffix,word", [
    ("hyster", "ectomy", "hysterectomy"), ("oophor", "ectomy", "oophorectomy"), ("append", "ectomy", "appendectomy"),
    ("append", "itis", "appendicitis"), ("orchi", "itis", "orchitis"), ("trache", "otomy", "tracheotomy"),
    ("col", "oscopy", "colonoscopy"), ("rhin", "oplasty", "rhinoplasty"), ("cholecyst", "ectomy", "cholecystectomy"),
])
def test_form(root, suffix, word):
    assert form(root, suffix) == word


@pytest.mark.parametrize("text,word", [
    ("appendix removal surgery", "appendectomy"),
    ("removal of ovary", "oophorectomy"),
    ("removal of the gallbladder procedure", "cholecystectomy"),
    ("laparoscopic gallbladder removal", "laparoscopic cholecystectomy"),
    ("removal of right ovary", "right oophorectomy"),
    ("removal of both ovaries", "bilateral oophorectomy"),
    ("tonsil removal operation", "tonsillectomy"),
    ("incision of trachea", "tracheotomy"),
    ("looking into the colon", "colonoscopy"),
    ("nose repair", "rhinoplasty"),
    ("inflammation of the appendix", "appendicitis"),
    ("kidney resection", "nephrectomy"),
])
def test_plain_words_to_one_word(text, word):
    assert to_medical(text) == word
    assert variants(text)[0] == word


@pytest.mark.parametrize("text", [
    "excision of lesion of breast",  # the action is on the lesion, not on the breast
    "staple removal", "pilonidal cyst removal", "asthma", "removal", "ovary",
])
def test_no_rewrite_without_an_action_on_an_organ(text):
    assert to_medical(text) is None


@pytest.mark.parametrize("text,first", [
    ("cholecystectomy", "excision of gallbladder"),
    ("appendectomy", "excision of appendix"),
    ("hysterectomies", "excision of uterus"),  # a plural reads as the singular
    ("right oophorectomy", "excision of right ovary"),
    ("appendicitis", "inflammation of appendix"),
    ("colonoscopy", "endoscopy of colon"),
    ("orchitis", "inflammation of testis"),
])
def test_one_word_to_plain_words(text, first):
    out = to_lay(text)
    assert out[0] == first


def test_both_directions_in_variants():
    assert variants("cholecystectomy") == ["excision of gallbladder", "removal of gallbladder"]
    assert variants("total hysterectomy oophorectomy")[0] == "total excision of uterus excision of ovary"
    assert variants("appendix removal surgery") == ["appendectomy", "excision of appendix", "removal of appendix"]
    assert variants("removal of ovary") == ["oophorectomy", "excision of ovary"]  # the input itself is not repeated
    assert variants("asthma") == [] and variants("") == []
    assert to_lay("stomach") == [] and to_lay("cystic") == []


@pytest.mark.parametrize("text,rewrite", [
    ("hip ultrasound", "ultrasonography of hip"), ("chest x-ray", "radiography of chest"),
    ("mri abdomen", "magnetic resonance imaging of abdomen"), ("ct scan of head", "computed tomography of head"),
    ("ultrasound", "ultrasonography"),
])
def test_imaging_in_snomed_wording(text, rewrite):
    assert to_modality(text) == rewrite
    assert rewrite in variants(text)


def test_a_word_that_does_not_mean_its_parts_is_not_spelt_out():
    from ray_app.text.wordform import to_lay

    assert to_lay("phlebotomy") == [] and variants("blood phlebotomy") == []  # drawing blood, not "incision of vein"
    assert to_lay("phlebotomies") == []
    assert to_lay("phlebectomy") == ["excision of vein", "removal of vein"]


def test_no_modality_no_rewrite():
    assert to_modality("appendix removal") is None and to_modality("ultrasonography") is None
    assert set(modality_equivalents("ultrasound")) >= {"ultrasonography", "sonography"}


KNOWN = {"tachypnea", "tachycardia", "bradycardia", "dysuria", "odynophagia", "polydipsia", "dysphagia", "mycosis",
         "helminthiasis", "amebiasis"}


@pytest.mark.parametrize("text,expected", [
    ("fast breathing", "tachypnea"), ("breathing fast", "tachypnea"), ("rapid heart beat", "tachycardia"),
    ("slow heart rate", "bradycardia"), ("excessive thirst", "polydipsia"),
    ("painful urination", "dysuria"),  # "painful": odyno|uria is no word the catalog has, dys|uria is
    ("painful swallowing", "odynophagia"), ("fast breathing at night", "tachypnea at night"),
    ("difficulty swallowing", None),  # SNOMED CT keeps it apart from Dysphagia
    ("fast walking", None), ("rapid breathing", "tachypnea"), ("slow breathing", None),  # bradypnea: not known
    # what infects + a condition suffix: myc|osis, helminth|iasis
    ("fungal infection", "mycosis"), ("fungal infections", "mycosis"), ("infection with worms", "helminthiasis"),
    ("amoebic infection", "amebiasis"), ("fungal infection of skin", "mycosis of skin"),
    ("bacterial infection", None), ("fungal skin infection", None),  # no such word; a site between the two parts
    ("worm disease", None),  # helminth|osis is no word the catalog has (helminth|iasis is not a "disease" here)
])
def test_a_manner_and_a_function_form_the_sign_and_an_infecting_kind_the_infection(text, expected):
    from ray_app.text.wordform import to_one_word

    assert to_one_word(text, KNOWN) == expected
