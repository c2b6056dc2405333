"""Concept kind of a SNOMED CT code: what sort of thing it is (disorder, procedure, lab measurement ...).

Why: the entity type says what the input is ("Lab" means a test), and a code of the wrong kind is wrong
however well its words match ("Ferritin" the substance is not "Ferritin level" the test). STY carries
that, but about a sixth of the bench catalog's codes have no STY, so the kind is also read from the
code's own strings: the FSN semantic tag where there is one, else the wording.

Public API (pure functions, no index needed):

* ``KINDS`` - the kinds used.
* ``kind_from_sty(sty) -> str | None`` - UMLS semantic type -> kind.
* ``kind_from_tag(text) -> str | None`` - kind of an FSN's semantic tag ("Asthma (disorder)" -> disorder).
* ``kind_from_wording(text) -> str | None`` - kind from the words alone ("Ferritin level" -> measurement).
* ``stated_kind(text) -> str | None`` - the situation/event/qualifier an input's wrapper words state ("fh: asthma").
* ``kind_from_strings(strings, sty=None) -> str | None`` - one code's kind from all its strings (and STY).
* ``code_kinds(table) -> np.ndarray`` - one kind per row of a catalog frame (CODE, STR, STY[, TTY]),
  the same for every row of a code; "other" where nothing is known.
* ``KIND_PREFERENCE[entity_type][kind] -> float`` and ``kind_preference(entity_type, kind)``: a prior
  in [0, 1] (1 = what this entity type means), ``NEUTRAL_KIND`` for kinds not listed.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ray_app.catalog.load import LLM_TTY

KINDS = ("disorder", "finding", "procedure", "regime", "measurement", "observable", "substance", "organism",
         "body_structure", "morphology", "situation", "specimen", "event", "qualifier", "product", "device",
         "other")

_STY_KIND = {
    "Disease or Syndrome": "disorder", "Neoplastic Process": "disorder", "Mental or Behavioral Dysfunction": "disorder",
    "Congenital Abnormality": "disorder", "Pathologic Function": "disorder", "Cell or Molecular Dysfunction": "disorder",
    "Injury or Poisoning": "disorder", "Experimental Model of Disease": "disorder",
    "Anatomical Abnormality": "morphology", "Acquired Abnormality": "morphology",
    "Finding": "finding", "Sign or Symptom": "finding", "Laboratory or Test Result": "finding",
    "Clinical Attribute": "observable", "Organism Attribute": "observable",
    "Laboratory Procedure": "measurement", "Molecular Biology Research Technique": "measurement",
    "Diagnostic Procedure": "procedure", "Therapeutic or Preventive Procedure": "procedure",
    "Health Care Activity": "procedure", "Educational Activity": "procedure", "Research Activity": "procedure",
    "Pharmacologic Substance": "substance", "Biomedical or Dental Material": "substance",
    "Organic Chemical": "substance", "Inorganic Chemical": "substance", "Element, Ion, or Isotope": "substance",
    "Amino Acid, Peptide, or Protein": "substance", "Enzyme": "substance", "Hormone": "substance",
    "Vitamin": "substance", "Antibiotic": "substance", "Immunologic Factor": "substance",
    "Biologically Active Substance": "substance", "Nucleic Acid, Nucleoside, or Nucleotide": "substance",
    "Hazardous or Poisonous Substance": "substance", "Chemical": "substance", "Food": "substance",
    # SNOMED-derived tables give specimens ("Urine specimen") this STY; a body fluid as such is rarely coded
    "Body Substance": "specimen",
    "Clinical Drug": "product", "Medical Device": "device", "Manufactured Object": "device",
    "Organism": "organism", "Bacterium": "organism", "Virus": "organism", "Fungus": "organism",
    "Eukaryote": "organism", "Animal": "organism", "Plant": "organism", "Archaeon": "organism",
    "Body Part, Organ, or Organ Component": "body_structure", "Body Location or Region": "body_structure",
    "Body Space or Junction": "body_structure", "Tissue": "body_structure", "Cell": "body_structure",
    "Cell Component": "body_structure", "Anatomical Structure": "body_structure", "Body System": "body_structure",
    "Embryonic Structure": "body_structure", "Fully Formed Anatomical Structure": "body_structure",
    "Qualitative Concept": "qualifier", "Quantitative Concept": "qualifier", "Functional Concept": "qualifier",
    "Spatial Concept": "qualifier", "Temporal Concept": "qualifier", "Idea or Concept": "qualifier",
    "Event": "event", "Human-caused Phenomenon or Process": "event", "Injury or Poisoning Event": "event",
}
# An STY is coarser than the wording in a few known places: these refinements by wording are allowed.
_STY_REFINE = {
    "Finding": {"situation"},  # "History of asthma" is a Finding in UMLS, a situation in SNOMED
    "Injury or Poisoning": {"event"},  # "Accidental fall ..." vs "Fracture of ..."
    "Therapeutic or Preventive Procedure": {"measurement"},  # "Therapeutic drug monitoring assay"
    "Diagnostic Procedure": {"measurement"},
    "Health Care Activity": {"measurement"},
}

_TAG_KIND = {
    "disorder": "disorder", "finding": "finding", "procedure": "procedure", "regime/therapy": "regime",
    "observable entity": "observable", "situation": "situation", "morphologic abnormality": "morphology",
    "specimen": "specimen", "substance": "substance", "organism": "organism", "body structure": "body_structure",
    "cell": "body_structure", "cell structure": "body_structure", "qualifier value": "qualifier",
    "attribute": "qualifier", "event": "event", "product": "product", "medicinal product": "product",
    "medicinal product form": "product", "clinical drug": "product", "physical object": "device",
    "assessment scale": "observable", "tumor staging": "observable", "staging scale": "observable",
}
_TAG = re.compile(r"\(([a-z][a-z /]+)\)\s*$", re.IGNORECASE)

# Wording rules. Wrapper rules (situation, event) read the whole string, first match wins: "History of
# appendectomy" is a situation before it is a procedure. The others read the head, the words before the first
# relation word ("stenosis following tracheostomy" is a stenosis), and there the *last* word a rule names
# decides, as English compounds put their head last: "Doppler device" is a device, "Biopsy needle" a device,
# "Pain assessment scale" an observable. The head is read up to a comma or " - " first, where SNOMED CT
# puts qualifiers ("Carbon dioxide measurement, partial pressure"); across a code's strings, and where the
# core names nothing, the rules' order decides: "Repair of hernia" a procedure before a disorder, "Fracture
# of femur" a disorder before a body structure. Each pattern is general clinical word formation, not any one
# catalog's strings.
_W = r"(?<![a-z])"  # a word start (patterns then say where the word may end)
_E = r"(?![a-z])"  # a word end
_END = r"(?=$| \| )"  # the end of one string of a code's " | "-joined strings
_WRAPPER_RULES: list[tuple[str, str]] = [
    ("situation", _W + r"(?:family history|fh:|history of|h/o|past history|at risk|suspected|status post|s/p|"
                  r"awaiting|declined|refused|not indicated|contraindicated|not done|not given|not required|"
                  r"no history)" + _E),
    ("event", _W + r"(?:accident(?!al)|accidental(?! (?:injury|overdose))|collision|struck by|fall from|fall on|"
              r"bitten by|assault|occupant|pedestrian|exposure to|contact with)" + _E),
    ("qualifier", r"(?: - action| - qualifier value| service)" + _END),  # "Opening - action"
    # an ordinal scale value ("Level I", "Grade 2", "Stage IIIa") is a qualifier, not a level measurement
    ("qualifier", r"(?:^| \| )(?:level|grade|stage|class|type|phase|degree) (?:[ivx]+|\d+)[a-c]?" + _END),
]
_HEAD_RULES: list[tuple[str, str]] = [
    ("measurement", _W + r"(?:measurement|measured|levels?|count|assay|titers?|titres?|concentration|"
                    r"determination|estimation|quantitation|quantitative|qualitative|culture|serology|serologic|"
                    r"analysis|electrophoresis|dipstick|urinalysis|panel|profile|test(?:ing)?|screen|clearance|"
                    r"microscopy|study)" + _E),
    ("regime", _W + r"(?:diet|regimen|programme?|precautions|care plan|protocol)" + _E),
    ("procedure", r"(?:[a-z](?:ectomy|ectomies|otomy|otomies|ostomy|oscopy|oscopies|oplasty|plasty|pexy|rrhaphy|"
                  r"ography|ographies|graphy|centesis|desis|tripsy)" + _E + "|"
                  + _W + r"(?:biops(?:y|ies)|repair|insertion|removal|excision|resection|incision|drainage|"
                  r"injection|infusion|transfusion|implantation|replacement|reconstruction|transplant(?:ation)?|"
                  r"amputation|disarticulation|anastomosis|ligation|closure|revision|operation|procedure|"
                  r"surgery|surgical|section|transposition|division|coagulation|stain method|technique|"
                  r"therapy|counsel+ing|education|screening|examination|imaging|ultrasound|ultrasonography|"
                  r"echography|scan|scanning|x-ray|radiography|mri|ct|tomography|tomosynthesis|catheteri[sz]ation|"
                  r"dialysis|irrigation|debridement|suture|fixation|manipulation|administration|vaccination|"
                  r"immuni[sz]ation|an(?:a)?esthesia|monitoring|assessment|evaluation|consultation|referral|"
                  r"management|care|training|rehabilitation|stimulation|ablation|dilat(?:at)?ion|intubation|"
                  r"cannulation|puncture|aspiration|lavage|cauteri[sz]ation|destruction|application|"
                  r"fitting|doppler|mapping|treatment|extraction|graft(?:ing)?|bypass|"
                  r"decompression|termination|induction|circumcision|fertili[sz]ation)" + _E + ")"),
    ("disorder", r"(?:[a-z](?:itis|itides|oma|omas|emia|aemia|pathy|plegia|algia|trophy|plasia|rrhage|rrhea|"
                 r"rrhoea|megaly|osis|oses)" + _E + r"(?<!diagnosis)(?<!prognosis)|"
                 + _W + r"(?:disease|disorder|syndrome|infection|infestation|fracture|injury|poisoning|tumou?r|"
                 r"carcinoma|cancer|neoplasm|malignan(?:t|cy)|deficiency|dislocation|sprain|burn|wound|"
                 r"laceration|ulcer|abscess|hernia|stenosis|anomaly|deformity|allergy|palsy|failure|"
                 r"insufficiency|thrombosis|embolism|infarction|obstruction|atresia|agenesis|cyst|congenital|"
                 r"dependence|abuse|overdose|rupture|perforation|prolapse|occlusion|aneurysm|lesion|arrest|"
                 r"block|apnoea|apnea|caries|defect|intolerance|exacerbation|contusion|cleft|complication|fistula)" + _E + ")"),
    ("finding", _W + r"(?:on examination|o/e|complaining of|c/o|pain|ache|abnormal|normal|finding|sign|symptom|"
                r"increased|decreased|raised|reduced|high|low|elevated|positive|negative|present|absent|"
                r"difficulty|unable|impaired|poor|able|feeling|fever|cough|nausea|vomiting|bleeding|swelling|"
                r"itching|rash|behaviou?r|state|drinker|smoker|user|lives)" + _E),
    ("observable", _W + r"(?:rate|volume|pressure|temperature|weight|height|score|index|circumference|"
                   r"interval|duration|capacity|output|intake|scale|questionnaire|checklist|battery)" + _END),
    ("organism", _W + r"(?:virus|viruses|bacteri(?:um|a)|species|genus|spp|fungus|fungi|phage|parasite|"
                 r"[a-z]+coccus|[a-z]+bacter|[a-z]*bacillus|[a-z]+myces|[a-z]+monas|[a-z]+ella)" + _E),
    ("specimen", _W + r"(?:specimen|sample|swab)" + _E),
    ("device", r"(?:[a-z]oscope" + _E + "|" + _W + r"(?:catheter|saw|bag|prosthesis|implant|device|tube|stent|pump|"
               r"needle|syringe|dressing|bandage|splint|instrument|forceps|scalpel|retractor|clamp|electrode|"
               r"monitor|appliance|equipment|unit|kit|wheelchair|crutch(?:es)?|bed|mattress|lens)" + _E + ")"),
    ("body_structure", _W + r"(?:structure|entire|part of|region|bone|artery|arteries|vein|veins|nerve|muscle|"
                       r"ligament|tendon|joint|lobe|extremit(?:y|ies)|limb|limbs|cavity|canal|gland|duct|"
                       r"vessel|membrane|cartilage|tissue|wall|surface|fossa)" + _E),
    # chemistry suffixes are unreliable ("migraine", "skin", "state"): only enzymes and named classes
    ("substance", r"(?:[a-z]ase|" + _W + r"(?:acid|hormone|protein|enzyme|antibody|antibodies|antigen|toxin|"
                  r"vitamin|compound|salt|agent|medicament|chemical))" + _END),
]
_QUALIFIER = re.compile(r"(?:,| - ).*$")  # what follows the core of a head: a qualifier
_RELATION = re.compile(r" (?:of|following|due to|with|without|in|after|during|complicating|affecting|caused by|"
                       r"secondary to|on|for|by|from|to|as|at|involving|using|via|through|and|or) .*$")
_WRAPPER_COMPILED = [(kind, re.compile(p)) for kind, p in _WRAPPER_RULES]
_HEAD_COMPILED = [(kind, re.compile(p)) for kind, p in _HEAD_RULES]

# Entity type -> kind prior. A prior, not a filter: a strong match of another kind can still win.
KIND_PREFERENCE: dict[str, dict[str, float]] = {
    "Lab": {"measurement": 1.0, "observable": 0.85, "procedure": 0.7, "regime": 0.5, "finding": 0.25,
            "specimen": 0.2, "substance": 0.15, "organism": 0.1, "situation": 0.1, "disorder": 0.1,
            "qualifier": 0.1, "body_structure": 0.05, "morphology": 0.05, "device": 0.05, "event": 0.05,
            "product": 0.05},
    "Procedure": {"procedure": 1.0, "regime": 0.9, "measurement": 0.75, "observable": 0.3, "situation": 0.2,
                  "finding": 0.2, "device": 0.15, "disorder": 0.1, "qualifier": 0.1, "body_structure": 0.1,
                  "morphology": 0.05, "substance": 0.05, "organism": 0.05, "specimen": 0.1, "event": 0.1,
                  "product": 0.05},
    "Diagnosis": {"disorder": 1.0, "finding": 1.0, "morphology": 0.45, "situation": 0.35, "event": 0.4,
                  "observable": 0.3, "organism": 0.2, "measurement": 0.1, "procedure": 0.1, "regime": 0.1,
                  "qualifier": 0.15, "body_structure": 0.1, "substance": 0.05, "specimen": 0.05,
                  "device": 0.05, "product": 0.05},
    "Medicine": {"product": 1.0, "substance": 0.9},
}
NEUTRAL_KIND = 0.4


def kind_preference(entity_type: str | None, kind: str | None) -> float:
    """The prior for one (entity type, kind) pair; NEUTRAL_KIND when either is unknown."""
    return KIND_PREFERENCE.get(entity_type or "", {}).get(kind or "", NEUTRAL_KIND)


def kind_from_sty(sty: str | None) -> str | None:
    return _STY_KIND.get((sty or "").strip())


def kind_from_tag(text: str) -> str | None:
    m = _TAG.search(text or "")
    return _TAG_KIND.get(m.group(1).lower()) if m else None


def _strip(text: str) -> tuple[str, str]:
    """(whole, head) of one string: lower case, semantic tag dropped, head cut at the first relation word."""
    t = _TAG.sub("", text or "").strip().lower()
    return t, _RELATION.sub("", t)


def _first(rules, text: str) -> str | None:
    return next((kind for kind, rx in rules if rx.search(text)), None)


def _head_final(heads: str) -> str | None:
    """The kind of the last rule word in each " | "-joined head's core; across heads, the first rule's."""
    best = None
    for head in heads.split(" | "):
        core, last = _QUALIFIER.sub("", head), None  # last: (end of the match, rule number)
        for i, (_, rx) in enumerate(_HEAD_COMPILED):
            ends = [m.end() for m in rx.finditer(core)]
            if ends and (last is None or ends[-1] > last[0]):
                last = (ends[-1], i)
        if last is not None and (best is None or last[1] < best):
            best = last[1]
    return None if best is None else _HEAD_COMPILED[best][0]


def _wording(whole: str, head: str) -> str | None:
    return (_first(_WRAPPER_COMPILED, whole) or _head_final(head) or _first(_HEAD_COMPILED, head)
            or (_first(_HEAD_COMPILED, whole) if whole != head else None))


def stated_kind(text: str) -> str | None:
    """The kind a text states by its wrapper wording alone ("fh: asthma", "H/O stroke" -> situation,
    "fall from bed" -> event): an input that says it wants a situation is not asking for the disorder."""
    return _first(_WRAPPER_COMPILED, (text or "").lower())


def kind_from_wording(text: str | list[str]) -> str | None:
    """Kind from words alone, over one string or all strings of a code (joined with " | ")."""
    pairs = [_strip(t) for t in ([text] if isinstance(text, str) else text) if t]
    return _wording(" | ".join(w for w, _ in pairs), " | ".join(h for _, h in pairs)) if pairs else None


def _combine(tag: str | None, sty: str | None, sty_kind: str | None, word: str | None) -> str | None:
    """Tag over STY over wording; wording refines a coarse tag/STY only where _STY_REFINE allows."""
    if tag:
        return "measurement" if tag in ("procedure", "regime") and "measurement" in (sty_kind, word) else tag
    if sty_kind:
        return word if word in _STY_REFINE.get(sty or "", ()) else sty_kind
    return word


def kind_from_strings(strings: list[str], sty: str | None = None) -> str | None:
    """One code's kind from its strings (FSN, PT, synonyms) and optional STY; None when nothing tells."""
    strings = [s for s in strings if s]
    tag = next((k for k in map(kind_from_tag, strings) if k), None)
    return _combine(tag, sty, kind_from_sty(sty), kind_from_wording(strings))


def code_kinds(table: pd.DataFrame) -> np.ndarray:
    """One kind per row of a catalog frame (columns CODE, STR, STY), consistent over a code's rows;
    "other" where nothing tells.

    Vectorised: tags by one regex over all rows, wording rules once per distinct code over its joined
    strings (the same rules, read the same way, as kind_from_strings).
    """
    codes = table["CODE"].astype(str).to_numpy()
    strs = table["STR"].fillna("").astype(str)
    sty = table["STY"].fillna("").astype(str).str.strip() if "STY" in table else pd.Series("", index=table.index)
    whole = strs.str.replace(_TAG.pattern, "", regex=True, flags=re.IGNORECASE).str.strip().str.lower()
    frame = pd.DataFrame({
        "code": codes, "sty": sty.where(sty != "").to_numpy(), "whole": whole.to_numpy(),
        "head": whole.str.replace(_RELATION, "", regex=True).to_numpy(),
        "tag": strs.str.extract(_TAG.pattern, flags=re.IGNORECASE)[0].str.lower().map(_TAG_KIND).to_numpy()})
    own = table["TTY"].to_numpy() != LLM_TTY if "TTY" in table else True  # an LLM's wording does not say the kind
    frame = frame[(frame["whole"] != "").to_numpy() & own].sort_values("code", kind="stable")
    per = frame.groupby("code", sort=True)[["tag", "sty"]].first()  # cython: first non-null per code
    per["whole"], per["head"] = _join_groups(frame["code"].to_numpy(), frame["whole"].to_numpy(),
                                             frame["head"].to_numpy())
    word = _first_many(_WRAPPER_COMPILED, per["whole"])
    todo = np.flatnonzero(pd.isna(word))
    word[todo] = [_head_final(h) for h in per["head"].to_numpy(dtype=object)[todo]]
    word = _first_many(_HEAD_COMPILED, per["head"], word)
    rest = per["whole"].where(per["whole"] != per["head"], "")  # a head that is the whole string was read
    word = _first_many(_HEAD_COMPILED, rest, word)
    sty_kind = per["sty"].map(_STY_KIND)
    none = lambda v: v if isinstance(v, str) else None  # noqa: E731 - pandas NaN -> None
    out = [_combine(none(t), none(s), none(k), w) for t, s, k, w in zip(per["tag"], per["sty"], sty_kind, word)]
    kinds = pd.Series([k or "other" for k in out], index=per.index)
    return kinds.reindex(codes).fillna("other").to_numpy(dtype=object)


def _join_groups(codes: np.ndarray, *columns: np.ndarray) -> list[list[str]]:
    """Per run of equal (sorted) codes, each column's strings joined with " | " (pandas' groupby-join is
    a Python call per group and ten times slower)."""
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    bounds = list(zip(starts, np.r_[starts[1:], len(codes)]))
    return [[" | ".join(col[lo:hi]) for lo, hi in bounds] for col in columns]


def _first_many(rules, texts: pd.Series, result: np.ndarray | None = None) -> np.ndarray:
    """_first over many texts, filling only where result is still None: each rule runs once over the
    texts that no earlier rule claimed."""
    result = np.full(len(texts), None, dtype=object) if result is None else result
    values = texts.to_numpy(dtype=object)
    for kind, rx in rules:
        idx = np.flatnonzero(pd.isna(result))
        if not len(idx):
            break
        hit = np.fromiter((rx.search(v) is not None for v in values[idx]), dtype=bool, count=len(idx))
        result[idx[hit]] = kind
    return result
