"""Query expansion without an LLM: clinical abbreviations become extra anchors.

The list is generic clinical shorthand (imaging, labs, common conditions, dose forms), the kind every
clinical coder knows; it is deliberately not tuned to any evaluation file.
"""
from __future__ import annotations

from .drugs import lexicon, parse_query
from .spell import Speller
from .text import match_text

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


def expand_abbreviations(text: str, table: dict[str, str] = ABBREVIATIONS) -> str | None:
    """Replace every known abbreviation token; None when nothing changed."""
    tokens = text.split()
    out = [table.get(tok, tok) for tok in tokens]
    return " ".join(out) if out != tokens else None


def anchors_for(text: str, entity_type: str | None, max_anchors: int = 4, speller=None) -> list[str]:
    """Match-text anchors for one query: the query itself first, then its expansions."""
    base = match_text(text)
    anchors = [base]
    as_written = base
    corrected = speller.correct(base) if speller is not None else None
    if corrected:
        anchors.append(corrected)
        base = corrected  # later expansions read the corrected words
    expanded = expand_abbreviations(base)
    if expanded:
        anchors.append(match_text(expanded))
    if entity_type == "Medicine":
        base = as_written  # the drug parser resolves names (and their typos) against the catalog itself
        parsed = parse_query(text)  # the raw text: "a 5 mg / b 10 mg" separators matter here
        if parsed.names and parsed.names != parsed.raw_names:  # brand/UK name -> US generic wording
            generic = base
            for raw, name in zip(parsed.raw_names, parsed.names):
                generic = generic.replace(raw, name)
            anchors.append(match_text(generic if generic != base else " / ".join(parsed.names)))
    elif entity_type == "Lab" and not _MEASURE_WORDS & set(base.split()):
        # SNOMED names lab tests "<analyte> measurement"; the bare analyte is a substance concept
        anchors.append(f"{(expanded and match_text(expanded)) or base} measurement")
    seen: set[str] = set()
    return [a for a in anchors if a and not (a in seen or seen.add(a))][:max_anchors]


def make_speller(texts, model_path: str | None = None) -> Speller:
    """A Speller over catalog texts that leaves real words alone: known abbreviations, drug names, and
    whole words of the embedding model's WordPiece vocabulary ("attack" is English, "thraot" is not)."""
    from pathlib import Path

    from .embed import resolve_model_path

    speller = Speller.from_texts(texts)
    to_generic, _ = lexicon()
    keep = set(ABBREVIATIONS) | {w for w in to_generic if w.isalpha()}
    vocab = Path(resolve_model_path(model_path)) / "vocab.txt"
    if vocab.exists():
        keep |= {w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha()}
    speller.keep = frozenset(keep)
    return speller
