"""The kind and brand gates and the doubt on mixed codes, on hand-made code scores: a winner that is not what was asked yields only to a close one that is."""
import numpy as np

from ray_app.config import MatchConfig
from ray_app.match.aggregate import CodeScores
from ray_app.match.kindgate import brand_gate, brand_products, gate
from ray_app.text.drugs import DrugCatalog, parse_query


def _agg(scores):
    n = len(scores)
    return CodeScores(score=np.array(scores, np.float32), best=np.arange(n), second=np.zeros(n, np.float32))


def test_a_close_right_kind_code_takes_first_place():
    cfg = MatchConfig(kind_margin=0.06)
    # a finding (fit 0.25) leads a Lab query by 0.015 over a measurement (fit 1.0) and a specimen (0.2)
    out = gate(_agg([0.800, 0.785, 0.790]), np.array([0.25, 1.0, 0.2], np.float32), cfg)
    order = np.argsort(-out.score, kind="stable").tolist()
    assert order == [1, 0, 2]
    assert out.score[0] == np.float32(0.800) and out.score[2] == np.float32(0.790)  # the others keep their scores


def test_wrong_kind_wins_when_nothing_right_is_close():
    cfg = MatchConfig(kind_margin=0.06)
    agg = _agg([0.80, 0.70])
    out = gate(agg, np.array([0.25, 1.0], np.float32), cfg)
    assert int(np.argmax(out.score)) == 0


def test_a_right_kind_winner_and_the_switch_leave_scores_alone():
    fit = np.array([1.0, 1.0], np.float32)
    agg = _agg([0.80, 0.79])
    assert gate(agg, fit, MatchConfig(kind_margin=0.06)) is agg
    assert gate(_agg([0.8, 0.79]), np.array([0.1, 1.0], np.float32), MatchConfig(kind_margin=0.0)).score[0] == np.float32(0.8)


def test_a_close_product_of_the_stated_brand_takes_first_place():
    # "lantus ...": the bare ingredient (0) leads the [Lantus] solution (1) and an unbranded pen (2)
    brand = np.array([False, True, False])
    out = brand_gate(_agg([1.446, 1.377, 1.36]), brand, np.array([0.71, 0.82, 0.68], np.float32), 0.15)
    assert np.argsort(-out.score, kind="stable").tolist() == [1, 0, 2]
    # too far behind, or fitting the stated structure worse (another strength): the winner stays
    assert int(np.argmax(brand_gate(_agg([1.446, 1.2]), brand[:2], np.array([0.7, 0.8], np.float32), 0.15).score)) == 0
    assert int(np.argmax(brand_gate(_agg([1.446, 1.4]), brand[:2], np.array([0.9, 0.4], np.float32), 0.15).score)) == 0
    agg = _agg([1.0, 0.99])
    assert brand_gate(agg, np.array([True, False]), np.array([0.8, 0.9], np.float32), 0.15) is agg  # already the brand
    assert brand_gate(agg, np.array([False, True]), np.array([0.8, 0.9], np.float32), 0.0) is agg  # switched off


def test_a_brand_named_without_a_strength_selects_no_strength_of_it():
    names = ["gabapentin", "gabapentin 800 MG Oral Tablet [Neurontin]", "insulin glargine",
             "insulin glargine Injectable Solution [Lantus]", "3 ML insulin glargine 100 UNT/ML Pen Injector [Lantus]"]
    cat = DrugCatalog(names, ["IN", "SBD", "IN", "SBDF", "SBD"])

    def products(text):
        return brand_products(cat.resolve(parse_query(text)), cat.parsed).tolist()

    # "neurontin": its only product states 800 mg, a guess; the ingredient stays first
    assert products("neurontin") == [False, False, False, False, False]
    assert products("neurontin 800 mg") == [False, True, False, False, False]
    # "lantus": the strength-free [Lantus] solution may take first place, the 100 unit/ml pen may not
    assert products("lantus 10 units nightly") == [False, False, False, True, False]
    assert products("lantus 100 units/ml pen") == [False, False, False, False, True]  # the pen, not the vial


def test_a_brand_product_of_another_dose_form_is_not_promoted():
    # the catalog has no Semglee pen: the input's pen-injector form keeps the unbranded pen over the [Semglee] vial
    names = ["3 ML insulin glargine-yfgn 100 UNT/ML Pen Injector", "insulin glargine-yfgn 100 UNT/ML Injectable Solution [Semglee]",
             "insulin glargine-yfgn 100 UNT/ML [Semglee]"]
    cat = DrugCatalog(names, ["SCD", "SBD", "SBD"])
    q = cat.resolve(parse_query("semglee (yfgn) 100 unit/ml solution pen-injector 45 units as directed subcutaneous"))
    assert q.brand == "semglee" and q.form == "pen injector"
    assert brand_products(q, cat.parsed).tolist() == [False, False, True]  # the form-free [Semglee] product may be
    q = cat.resolve(parse_query("semglee 100 unit/ml vial"))
    assert brand_products(q, cat.parsed).tolist() == [False, True, True]


def test_a_doubtful_code_yields_a_tie_and_nothing_more():
    from ray_app.match.aggregate import doubt

    agg = _agg([1.564, 1.564, 1.40])
    out = doubt(agg, np.array([True, False, False]), 0.01)
    assert np.argsort(-out.score, kind="stable").tolist() == [1, 0, 2]  # the tie goes to the code that is one drug
    assert out.score[0] > out.score[2]  # a clear lead stays a lead
    assert doubt(agg, np.array([True, False, False]), 0.0) is agg and doubt(agg, np.zeros(3, bool), 0.01) is agg
