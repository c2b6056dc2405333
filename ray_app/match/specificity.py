"""Specificity of a candidate against a query: how much of the query it covers, how much it adds.

Why: when no code says exactly what the input says, the right answer is the closest *broader* concept
("mri abdomen" -> "Magnetic resonance imaging"), never a *different, more specific* one ("MRI of whole
body", "Total hysterectomy with right oophorectomy" for a hysterectomy without a side). Similarity
scores cannot tell these apart: both share the same words with the query. Two IDF masses can:

* covered: the query's meaning the candidate states (IDF of query words the candidate has, directly,
  by stem of the American spelling - "hysterectomies" = "hysterectomy", "diarrhoea" = "diarrhea" - as two
  words written as one - "head aches" = "headache" - or through an equivalent spelling: "mri" = "magnetic
  resonance imaging", "hysterectomy" = "excision of uterus");
* added: the meaning the candidate states that the query did not say. Words that change what a concept
  is (laterality, "history", "family", population, method, and anything in a "with ..." clause) weigh
  ``meaning_weight`` times their IDF.

Public API (pure functions; ``idf`` is a mapping stem -> IDF, e.g. built from a LexicalIndex's vocab/idf,
or a callable stem -> IDF; unknown words get ``default_idf``, by default the mapping's largest IDF):

* ``coverage(query, cand, idf, ...) -> (covered, added, query_mass)``
* ``adds_nothing(query, cand, idf, tol=0.15, ...) -> bool`` - added <= tol * query_mass
* ``says_it_all(query, cand, idf, tol=0.15, ...) -> bool`` - covers the query and adds nothing, or only
  plain detail after a head phrase of the query's own words (no subtype, no meaning-changing word)
* ``specificity_score(query, cand, idf, penalty=2.0, ...) -> float`` - covered/query_mass minus
  penalty * added/query_mass (<= 1; higher is better: covers most, adds least)
* ``rank(query, cands, idf, ...) -> list[int]`` - candidate indices, best first (ties keep input order)
* ``adds_side(query, cand) -> bool`` - the candidate states a side the query did not
* ``contradicts(query, cand) -> bool`` - the candidate says another member of an exclusive group than the
  query does (antigen / antibody, urine / serum, IgG / IgM, qualitative / quantitative, another body region,
  organ, organism or procedure action)
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Mapping, Sequence

from ray_app.index.lexical import STOPWORDS, stem
from ray_app.match.score import CONTEXT_WORDS
from ray_app.text.orthography import american

IDF = Mapping[str, float] | Callable[[str], float]
Expander = Callable[[str], list[str]]

_TOKEN = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=131_072)
def _key(word: str) -> str:
    """What two words are compared by: the stem of the American spelling ("diarrhoea" = "diarrhea",
    "hysterectomies" = "hysterectomy"). Weights stay with the word's own stem, the one the IDF table knows."""
    return stem(american(word))

# words that make a concept a different concept when added; compared as keys (_key), so the tables below spell
# each word once, in American spelling ("faeces", "oesophagus", "paediatric" read as the American word)
_MEANING = frozenset(_key(w) for w in CONTEXT_WORDS | {
    "left", "right", "bilateral", "unilateral", "both", "whole", "entire", "total", "partial", "child", "children",
    "pediatric", "infant", "adult", "elderly", "pregnancy", "pregnant", "laparoscopic",
    "endoscopic", "open", "percutaneous", "robotic", "radical", "organism", "bacterial", "viral", "fungal",
    "mild", "slight", "moderate", "severe", "intense", "profound"})
SIDES = frozenset(_key(w) for w in ("left", "right", "bilateral", "unilateral"))
# groups of which a test, finding or procedure states one member (a member: its synonyms); saying another
# member names another concept
EXCLUSIVE = tuple(tuple(frozenset(_key(w) for w in m.split()) for m in g) for g in (
    # what a test detects: an antigen, antibodies to it, or its genome (a nucleic acid test, PCR, is neither)
    ("antigen", "antibody antibodies", "nucleic deoxyribonucleic ribonucleic dna rna pcr polymerase"),
    ("urine", "serum", "plasma", "csf", "feces stool fecal", "saliva", "sputum"),
    # a blood test is no urine test (serum and plasma, both of blood, are told apart in the group above); one
    # member's words are one meaning, so "Urinalysis" states urine
    ("urine urinary urinalysis", "blood arterial venous capillary"),
    ("igg", "igm", "iga", "ige"), ("qualitative", "quantitative"), ("acute", "chronic"), ("benign", "malignant"),
    # a severity is a subtype ("Severe depression" is not "depression"), and "intense pain" is severe pain ("extreme"
    # is not listed: its stem is extremity's)
    ("mild slight", "moderate", "severe intense profound"),
    ("upper", "lower"), ("anterior", "posterior"), ("proximal", "distal"), ("open", "closed"),
    ("congenital", "acquired"),
    # a secondary malignant neoplasm is a metastasis (SNOMED CT's own synonym), and neither is primary
    ("primary", "secondary metastatic metastasis metastases"),
    # a type, stage or grade number, arabic or roman ("type ii dm" is not "... type 1 diabetes mellitus")
    ("1", "2 ii", "3 iii", "4 iv"),
    # body regions, and organs apart: an organ lies inside a region ("renal" is no contradiction of
    # "abdomen"), but another region or another organ is another site ("MRI of pelvis" for "mri abdomen")
    ("head cranial cephalic skull", "neck", "chest thorax", "abdomen abdominal", "pelvis pelvic",
     "spine spinal vertebral vertebra lumbar", "shoulder", "elbow", "wrist", "hand hands", "hip hips",
     "knee knees", "ankle", "foot feet", "finger fingers", "toe toes", "breast breasts mammary mammography"),
    ("heart cardiac myocardial myocardium", "lung lungs pulmonary", "liver hepatic", "kidney kidneys renal",
     "brain cerebral", "stomach gastric", "esophagus esophageal", "colon colonic",
     "rectum rectal", "bladder vesical", "gallbladder", "pancreas pancreatic", "spleen splenic",
     "uterus uterine", "ovary ovaries ovarian", "testis testes testicular", "prostate prostatic",
     "thyroid", "eye eyes ocular", "ear ears tympanic otic aural", "trachea tracheal endotracheal"),
    # what a procedure does to its site: another action is another procedure ("Block dissection of cervical
    # lymph nodes" is no biopsy), and an imaging modality is an action too ("Exploration of carotid artery"
    # is no carotid ultrasound; "CT angiography" states two, and either one agrees)
    ("biopsy", "excision excisional removal resection", "incision", "repair", "dissection", "exploration",
     "drainage", "insertion implantation placement", "injection administration vaccination immunization", "transfusion",
     "amputation", "reconstruction", "replacement", "aspiration", "destruction ablation", "ligation",
     "transplantation transplant", "anastomosis", "fixation", "closure suture",
     # a screening is no vaccination ("hpv screening" is not the HPV vaccine's administration)
     "screening screen", "counseling education",
     "ultrasonography ultrasound ultrasonic sonography sonogram echography doppler echocardiography",
     "radiography radiograph radiographic xray ray", "tomography tomographic ct",
     "magnetic resonance mri", "angiography angiogram arteriography", "scintigraphy scintigram"),
    # organisms (genus or species level): another organism is another infection, another test
    ("streptococcus streptococcal strep pneumococcus pneumococcal", "staphylococcus staphylococcal staph",
     "meningococcus meningococcal meningitidis", "gonorrhea gonorrhoea gonorrhoeae gonococcal",
     "chlamydia chlamydial", "herpes hsv", "varicella zoster shingles",
     "hiv immunodeficiency", "hepatitis hav hbv hcv", "cytomegalovirus cmv", "epstein ebv", "rubella", "measles rubeola", "mumps",
     "influenza", "tuberculosis tuberculous mycobacterium", "syphilis treponema treponemal",
     "candida candidal candidiasis", "salmonella", "clostridium clostridial clostridioides", "helicobacter",
     "pseudomonas", "klebsiella", "papillomavirus hpv", "toxoplasma toxoplasmosis", "plasmodium malaria",
     "borrelia lyme")))
_SPECIMENS = frozenset().union(*EXCLUSIVE[1], *EXCLUSIVE[2])  # stems naming a specimen: urine, serum, ..., blood
# stem -> the other stems of its exclusive-group member: spellings of one meaning
_MEMBER = {s: member - {s} for group in EXCLUSIVE for member in group for s in member if len(member) > 1}
_CLAUSE = frozenset({"with", "without", "and", "due", "following", "after", "complicating", "caused"})


@lru_cache(maxsize=50_000)
def default_expander(word: str) -> tuple[str, ...]:
    """Equivalent spellings of one query/candidate word: curated abbreviation senses and word formation."""
    from ray_app.text.abbreviations import curated_senses
    from ray_app.text.wordform import modality_equivalents, to_lay

    return tuple(dict.fromkeys([*curated_senses(word), *to_lay(word), *modality_equivalents(word)]))


def _words(text: str | Sequence[str]) -> list[tuple[str, str, bool]]:
    """(word, stem, inside a clause) for the content words of a text or a token list."""
    raw = _TOKEN.findall(text.lower()) if isinstance(text, str) else [w.lower() for w in text]
    out, clause = [], False
    for w in raw:
        if w in _CLAUSE:
            clause = True
        if w not in STOPWORDS and w not in _CLAUSE:
            out.append((w, _key(w), clause))
    return out


def _raw_words(text: str | Sequence[str]) -> set[str]:
    return set(_TOKEN.findall(text.lower())) if isinstance(text, str) else {w.lower() for w in text}


def _stems_of(text: str) -> set[str]:
    return {_key(w) for w in _TOKEN.findall(text.lower()) if w not in STOPWORDS}


def _idf_fn(idf: IDF, default_idf: float | None) -> Callable[[str], float]:
    if callable(idf):
        fallback = 1.0 if default_idf is None else default_idf
        return lambda s: float(idf(s) or fallback)
    fallback = default_idf if default_idf is not None else (max(idf.values()) if idf else 1.0)
    return lambda s: float(idf.get(s, fallback))


def _side(words, expander: Expander):
    """All stems a side states, directly or through an equivalent, and each word's equivalents as stem sets
    (an exclusive group's member counts as one meaning: "renal" states kidney, "pneumococcal" streptococcus)."""
    alts = [[_stems_of(e) for e in expander(w)] + [{m} for m in _MEMBER.get(s, ())] for w, s, _ in words]
    # two words written as one, or one as two: "head aches" states "Headache" (stems join: head + ach)
    for i in range(len(words) - 1):
        joined = {words[i][1] + words[i + 1][1]}
        alts[i].append(joined)
        alts[i + 1].append(joined)
    states = {s for _, s, _ in words} | {s for a in alts for alt in a for s in alt}
    return states, alts


@lru_cache(maxsize=65_536)
def _text_side(text: str):
    """``_words`` + ``_side`` of one text with the default expander (read-only: the same texts recur)."""
    words = _words(text)
    return (words, *_side(words, default_expander))


def _words_and_side(text: str | Sequence[str], expander: Expander):
    if isinstance(text, str) and expander is default_expander:
        return _text_side(text)
    words = _words(text)
    return (words, *_side(words, expander))


def coverage(query: str | Sequence[str], cand: str | Sequence[str], idf: IDF, default_idf: float | None = None,
             meaning_weight: float = 2.0, expander: Expander = default_expander) -> tuple[float, float, float]:
    """(covered, added, query_mass) in IDF units; see the module docstring."""
    return _coverage(query, cand, idf, default_idf, meaning_weight, expander)[:3]


def says_it_all(query: str, cand: str, idf: IDF, tol: float = 0.15, expander: Expander = default_expander,
                **kw) -> bool:
    """The candidate states all the query says (covered >= (1 - tol) x its mass) and what it adds is detail:
    at most tol x the query's mass of anything, or up to the query's own mass of plain words after a head
    phrase of the query's own words, in a tail that takes up another word of the query - no meaning-changing
    word, no clause of its own ("Urinalysis with reflex to microscopy and culture" for "ua reflex"; not "Lupus
    pneumonia" for "lupus", "Secretory diarrhea" or "Chronic diarrhea" for "diarrhea", "Fungal infection of
    kidney" for "fungal infection")."""
    covered, added, mass, meaning, said = _coverage(query, cand, idf, expander=expander, **kw)
    if mass <= 0 or covered < (1.0 - tol) * mass:
        return False
    return added <= tol * mass or (added <= mass and not meaning and _detail_only(cand, said, expander))


def _detail_only(cand: str, said: list[bool], expander: Expander) -> bool:
    """The candidate's words beyond the query's are detail: its head phrase is all the query's own words (no
    word before the head: "Secretory diarrhea" is a subtype of diarrhea) and the words after it take up
    another word the query says ("with reflex to microscopy" for "ua reflex"; a tail of new words names a
    narrower concept: "Fungal infection of kidney"). ``said``: per content word of cand, whether the query
    states it."""
    if not isinstance(cand, str):
        return True  # a token list has no phrase structure
    c = _words_and_side(cand, expander)[0]
    k = _head_length(cand)
    head = {s for _, s, _ in c[:k]}
    return all(said[:k]) and any(ok and s not in head for (_, s, _), ok in zip(c[k:], said[k:]))


# where a concept name's head phrase ends: its head is the last content word before these ("Complete blood
# count with ...", "Malignant neoplasm of liver", "Glucose measurement, fasting")
_HEAD_END = re.compile(r",|\(| - |\b(?:of|to|in|on|for|by|from|at|with|without|and|or|due|following|after|"
                       r"complicating|caused)\b")


@lru_cache(maxsize=65_536)
def _head_length(text: str) -> int:
    """How many content words the name's head phrase has (the last of them is its head)."""
    return len([w for w in _TOKEN.findall(_HEAD_END.split(text.lower(), maxsplit=1)[0]) if w not in STOPWORDS])


def _coverage(query, cand, idf: IDF, default_idf: float | None = None, meaning_weight: float = 2.0,
              expander: Expander = default_expander):
    """``coverage``, whether an addition was meaning-weighted, and per content word of cand whether the query
    states it."""
    weight = _idf_fn(idf, default_idf)
    q, q_states, q_alts = _words_and_side(query, expander)
    c, c_states, c_alts = _words_and_side(cand, expander)
    mass = sum(weight(stem(w)) for w, _, _ in q)
    covered = sum(weight(stem(w)) for (w, s, _), alts in zip(q, q_alts)
                  if s in c_states or any(a and a <= c_states for a in alts))
    said = [s in q_states or any(a and a <= q_states for a in alts) for (_, s, _), alts in zip(c, c_alts)]
    # a clause that restates what the query says ("with reflex to microscopy" for "ua with reflex") details
    # the query's own clause; only a clause of its own ("with right oophorectomy") names another concept
    outside = {s for (_, s, in_clause) in c if not in_clause}
    own_clause = not any(ok and s not in outside for ok, (_, s, in_clause) in zip(said, c) if in_clause)
    added, meaning = 0.0, False
    for (w, s, in_clause), ok in zip(c, said):
        if ok:
            continue
        heavy = s in _MEANING or (in_clause and own_clause)
        meaning = meaning or heavy
        added += (meaning_weight if heavy else 1.0) * weight(stem(w))
    return covered, added, mass, meaning, said


def adds_nothing(query, cand, idf: IDF, tol: float = 0.15, **kw) -> bool:
    """True when the candidate states nothing (beyond tol x the query's IDF mass) that the query did not."""
    _, added, mass = coverage(query, cand, idf, **kw)
    return added <= tol * mass


def specificity_score(query, cand, idf: IDF, penalty: float = 2.0, **kw) -> float:
    """Share of the query covered minus penalty x the added mass relative to the query's: a candidate
    that covers everything and adds nothing scores 1; adding meaning costs more than leaving some out."""
    covered, added, mass = coverage(query, cand, idf, **kw)
    if mass <= 0:
        return 0.0
    return covered / mass - penalty * added / mass


def rank(query, cands: Sequence, idf: IDF, **kw) -> list[int]:
    """Candidate indices by specificity_score, best first; ties keep the input order."""
    scores = [specificity_score(query, c, idf, **kw) for c in cands]
    return sorted(range(len(cands)), key=lambda i: -scores[i])


def adds_side(query: str | Sequence[str], cand: str | Sequence[str], expander: Expander = default_expander) -> bool:
    """The candidate states a side (left, right, bilateral ...) the query did not: with no side given,
    "Total hysterectomy with right oophorectomy" and "... left ..." are guesses, the unsided code is not."""
    _, q_states, _ = _words_and_side(query, expander)
    return any(s in SIDES and s not in q_states for _, s, _ in _words_and_side(cand, expander)[0])


def contradicts(query: str | Sequence[str], cand: str | Sequence[str], expander: Expander = default_expander) -> bool:
    """The query states one word of an ``EXCLUSIVE`` group and the candidate another, not the query's:
    "HIV-1 antibody assay" for "reactive hiv-1 antigen", "Glucose measurement, serum" for "urine glucose"."""
    q_drugs, q_with, q_without, q_groups = _exclusive_of(query, expander)
    c_drugs, c_with, c_without, c_groups = _exclusive_of(cand, expander)
    if q_drugs and c_drugs and not q_drugs & c_drugs:
        return True  # "Gentamicin level" for "tacrolimus level": another drug is another test
    if q_with != q_without and c_with != c_without and q_with != c_with:
        return True  # "placenta previa with hemorrhage" is not "... without hemorrhage"
    return any(said and named and not said & named for said, named in zip(q_groups, c_groups))


def _exclusive_of(text: str | Sequence[str], expander: Expander):
    if isinstance(text, str) and expander is default_expander:
        return _text_exclusive(text)
    return _exclusive(text, expander)


@lru_cache(maxsize=65_536)
def _text_exclusive(text: str):
    """``_exclusive`` of one text with the default expander, cached: the same candidate strings are read
    against every anchor of every query (the set work here was most of the broader re-scoring's time)."""
    return _exclusive(text, default_expander)


def _exclusive(text: str | Sequence[str], expander: Expander):
    """What ``contradicts`` compares of one side: the drugs it names, whether it says "with" / "without",
    and per ``EXCLUSIVE`` group the members it states."""
    from ray_app.text.drugs import named_drugs

    _, states, _ = _words_and_side(text, expander)
    raw = _raw_words(text)
    groups = tuple(frozenset(i for i, m in enumerate(group) if m & states) for group in EXCLUSIVE)
    return frozenset(named_drugs(raw).values()), "with" in raw, "without" in raw, groups


# words of a lab test's name that say how or in what it is measured, not what: the rest is its analyte
_NOT_ANALYTE = frozenset().union(*EXCLUSIVE[1]) | frozenset(_key(w) for w in (
    "specimen sample random fasting timed hour 24h spot total free measurement measured test testing level "
    "levels assay count panel screen screening determination estimation quantitation analysis study profile "
    "qualitative quantitative titer titre concentration culture urinalysis dipstick microscopy chemistry "
    "procedure observation lvl value finding result").split())


def tests_analyte(query: str, cand: str, expander: Expander = default_expander) -> bool | None:
    """Whether the candidate is a test of what the query measures, in the specimen the query names: it shares
    a word of the analyte and, where it names a specimen, the query's ("Blood arterial pH level" is no test of
    "ph urine"). None when the query names no analyte ("urine test")."""
    q, q_states, q_alts = _words_and_side(query, expander)
    qa = [(s, alts) for (_, s, _), alts in zip(q, q_alts) if s not in _NOT_ANALYTE]
    if not qa:
        return None
    _, c_states, _ = _words_and_side(cand, expander)
    if not any(s in c_states or any(a and a <= c_states for a in alts) for s, alts in qa):
        return False
    # another specimen is another test; a test naming none may be the one ("Opiates, qualitative")
    return not _SPECIMENS & c_states or _SPECIMENS.intersection(s for _, s, _ in q) <= c_states
