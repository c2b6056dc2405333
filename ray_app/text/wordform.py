"""Medical word formation: "removal of ovary" <-> "oophorectomy", "inflammation of appendix" <-> "appendicitis".

Why: people write procedures and conditions in plain words ("gallbladder removal surgery") while SNOMED CT
names many of them with one Greek/Latin word ("Cholecystectomy"), and the other way round ("Excision of
appendix" beside "Appendectomy"). Neither spelling shares a character with the other, so neither the
embedding (weakly) nor the lexical signal (not at all) bridges them. A small table of roots and procedure
suffixes does, in both directions.

Public API (pure functions, match-text in and out, lower case):

* ``variants(text) -> list[str]`` - every rewrite of the whole text, both directions; [] when none.
* ``to_medical(text) -> str | None`` - plain words -> the one-word form ("appendix removal surgery" ->
  "appendectomy"); filler words ("surgery", "procedure", "operation") go with the action word.
* ``to_lay(text) -> list[str]`` - each one-word form -> its plain wording ("cholecystectomy" ->
  "excision of gallbladder", "removal of gallbladder").
* ``to_one_word(text, known) -> str | None`` - a plain manner + function -> the one-word sign ("fast breathing"
  -> "tachypnea", "painful urination" -> "dysuria"), and what infects + "infection" -> the one-word condition
  ("fungal infection" -> "mycosis"), only where ``known`` (a vocabulary) has the word.
* ``ROOTS`` (organ -> combining form), ``SUFFIXES`` (suffix -> plain action words), ``SPELLED`` (irregular
  words), ``MANNERS`` and ``FUNCTIONS`` (the sign's prefix and root), ``INFECTING`` and ``CONDITIONS`` (the
  condition's root and suffix) are the tables.
"""
from __future__ import annotations

import re

# organ (and its plain synonyms) -> combining form; the suffix is appended as root + suffix
ROOTS: dict[str, tuple[str, ...]] = {
    "append": ("appendix", "vermiform appendix"), "oophor": ("ovary", "ovaries"), "hyster": ("uterus", "womb"),
    "cholecyst": ("gallbladder", "gall bladder"), "nephr": ("kidney", "kidneys"), "gastr": ("stomach",),
    "col": ("colon", "large bowel", "large intestine"), "tonsill": ("tonsil", "tonsils"),
    "mast": ("breast", "breasts"), "prostat": ("prostate", "prostate gland"),
    "thyroid": ("thyroid", "thyroid gland"), "splen": ("spleen",), "pneumon": ("lung", "lungs"),
    "hepat": ("liver",), "cyst": ("bladder", "urinary bladder"), "phleb": ("vein", "veins"),
    "arthr": ("joint", "joints"), "rhin": ("nose",), "ot": ("ear", "ears"), "oste": ("bone",),
    "enter": ("intestine", "small intestine", "bowel", "small bowel"), "esophag": ("esophagus", "oesophagus"),
    "trache": ("trachea", "windpipe"), "laryng": ("larynx", "voice box"), "bronch": ("bronchus", "bronchi"),
    "lapar": ("abdomen", "abdominal wall", "belly"), "thorac": ("chest", "thorax", "chest wall"),
    "crani": ("skull", "cranium"), "colp": ("vagina",), "salping": ("fallopian tube", "fallopian tubes"),
    "orchi": ("testis", "testicle", "testicles", "testes"), "vas": ("vas deferens",),
    "lymphaden": ("lymph node", "lymph nodes"), "gingiv": ("gum", "gums"), "lamin": ("lamina",),
    "disc": ("disc", "disk", "intervertebral disc"), "menisc": ("meniscus",),
    "myring": ("eardrum", "tympanic membrane"), "blephar": ("eyelid", "eyelids"), "proct": ("rectum",),
    "sigmoid": ("sigmoid colon",), "pancreat": ("pancreas",), "adrenal": ("adrenal gland", "adrenal glands"),
    "sinus": ("sinus", "sinuses"), "ureter": ("ureter",), "urethr": ("urethra",), "herni": ("hernia",),
    "angi": ("blood vessel",), "encephal": ("brain",), "dermat": ("skin",), "duoden": ("duodenum",),
}
# suffix -> plain action words, the first one SNOMED CT's usual wording ("Excision of appendix")
SUFFIXES: dict[str, tuple[str, ...]] = {
    "ectomy": ("excision", "removal", "resection", "remove", "removed", "take out", "taken out", "excise",
               "excised", "resect", "resected"),
    "otomy": ("incision", "opening", "cut into", "incise"),
    "ostomy": ("stoma", "creation of stoma"),
    "oscopy": ("endoscopy", "looking into", "look into", "look inside", "visualization", "visualisation",
               "scope", "endoscopic examination", "camera examination"),
    "oplasty": ("repair", "reconstruction", "plastic repair", "reconstruct"),
    "orrhaphy": ("suture", "suturing"),
    "opexy": ("fixation",),
    "itis": ("inflammation", "inflamed"),
}
# irregular spellings (root + suffix is not the word in use)
SPELLED: dict[tuple[str, str], str] = {
    ("append", "itis"): "appendicitis", ("col", "oscopy"): "colonoscopy", ("mast", "oplasty"): "mammoplasty",
}
# suffix -> how SNOMED CT spells the one-word form out ("Excision of appendix" beside "Appendectomy")
LAY_WORDING: dict[str, tuple[str, ...]] = {
    "ectomy": ("excision of {}", "removal of {}"), "otomy": ("incision of {}",), "ostomy": ("stoma of {}",),
    "oscopy": ("endoscopy of {}",), "oplasty": ("repair of {}", "reconstruction of {}"),
    "orrhaphy": ("suture of {}",), "opexy": ("fixation of {}",), "itis": ("inflammation of {}",),
}
# imaging modality -> how people write it; SNOMED CT names the study "<modality> of <site>"
# ("hip ultrasound" -> "ultrasonography of hip", "chest x-ray" -> "radiography of chest")
MODALITIES: dict[str, tuple[str, ...]] = {
    "ultrasonography": ("ultrasound scan", "ultrasound", "sonography", "sonogram", "echography", "us scan"),
    "radiography": ("x-ray", "x ray", "xray", "radiograph", "plain film"),
    "computed tomography": ("computed tomography scan", "ct scan", "cat scan", "ct"),
    "magnetic resonance imaging": ("magnetic resonance imaging scan", "mri scan", "mri"),
}
# specimen -> the general examination of it: a lab input naming an analyte in a specimen that no test of its
# own covers is read off that examination ("urine ketones" is on the urinalysis, "sputum eosinophils" on
# the sputum examination); the specimen's own spellings come first
SPECIMEN_TESTS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("urine", "urinary"): ("urinalysis", "urine dipstick test", "urine examination"),
    ("sputum",): ("sputum examination",),
    ("semen",): ("semen analysis",),
    ("stool", "feces", "faeces", "fecal"): ("stool examination", "examination of feces"),
    ("csf", "cerebrospinal"): ("cerebrospinal fluid examination",),
}
# signs and symptoms are named as a manner prefix + a function root: tachy|pnea is fast breathing, dys|uria
# painful urination, poly|uria excessive urination; a word is formed only where the catalog has it. Not the
# manners SNOMED CT keeps as concepts of their own: "Difficulty swallowing" is not *Dysphagia*, "Loss of
# voice" not *Aphasia*
MANNERS: dict[str, tuple[str, ...]] = {
    "tachy": ("fast", "rapid", "quick", "racing"), "brady": ("slow",),
    "odyno": ("painful",), "dys": ("painful",), "poly": ("excessive", "excess"),
}
FUNCTIONS: dict[str, tuple[str, ...]] = {
    "pnea": ("breathing", "breath", "respiration", "respirations"),
    "cardia": ("heart rate", "heartbeat", "heart beat", "heartbeats", "pulse"),
    "phagia": ("swallowing", "swallow"), "uria": ("urination", "urinating", "passing urine"),
    "dipsia": ("thirst",), "phasia": ("speech", "speaking"), "osmia": ("smell", "sense of smell"),
    "menorrhea": ("menstruation", "periods", "menstrual periods"),
}
# an infection is named as what infects + a condition suffix: myc|osis is a fungal infection, helminth|iasis a
# worm infection; formed, like a sign, only where the catalog has the word ("fungal infection" -> mycosis, the
# whole concept, where the catalog's other "fungal infection" strings name one site each)
INFECTING: dict[str, tuple[str, ...]] = {
    "myc": ("fungal", "fungus", "fungi", "mycotic"), "helminth": ("worm", "worms", "helminthic"),
    "ameb": ("amoebic", "amebic", "amoeba", "ameba"),
}
CONDITIONS: dict[str, tuple[str, ...]] = {
    "osis": ("infection", "infections", "disease", "infestation"), "iasis": ("infection", "infections", "infestation"),
}


def _by_length(table: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """(phrase, key) for every phrase of a key -> phrases table, longest phrase first (``_find`` takes the first)."""
    return sorted(((w, part) for part, ws in table.items() for w in ws), key=lambda p: -len(p[0]))


# (first part, second part) of a one-word sign or condition, as phrases -> combining forms, longest first
_PAIRS = ((_by_length(MANNERS), _by_length(FUNCTIONS)), (_by_length(INFECTING), _by_length(CONDITIONS)))
_MODALITY_FILLER = frozenset({"scan", "study", "imaging", "exam", "examination", "of", "the", "a", "an", "test"})
_MODALITY_WORDS = _by_length(MODALITIES)
# words that may stand between an action and its organ and stay in the rewrite ("removal of right ovary")
MODIFIERS = frozenset({"left", "right", "both", "bilateral", "total", "partial", "entire", "whole",
                       "subtotal", "radical", "simple", "complete"})
_SIDES = frozenset({"left", "right", "bilateral"})
FILLER = frozenset({"surgery", "surgical", "procedure", "operation", "op", "the", "a", "an", "of", "my", "his",
                    "her", "to", "done", "performed"})
_SUFFIX_ORDER = sorted(SUFFIXES, key=len, reverse=True)  # longest first, so the split is deterministic
_ORGANS = _by_length(ROOTS)
_ACTIONS = _by_length(SUFFIXES)
_SPELLED_BACK = {word: key for key, word in SPELLED.items()}
# established words that do not mean what their parts say: phlebotomy is drawing blood, not an incision into a vein
NOT_LITERAL = frozenset({"phlebotomy"})


def form(root: str, suffix: str) -> str:
    """The one-word form: hyster + ectomy -> hysterectomy; orchi + itis -> orchitis."""
    if (root, suffix) in SPELLED:
        return SPELLED[(root, suffix)]
    return root[:-1] + suffix if root[-1] == suffix[0] else root + suffix


def _find(words: list[str], table: list[tuple[str, str]]) -> tuple[int, int, str] | None:
    """First (start, end, value) where a phrase of ``table`` occurs in the words, longest phrase first."""
    for phrase, value in table:
        n = len(phrase.split())
        for i in range(len(words) - n + 1):
            if " ".join(words[i:i + n]) == phrase:
                return i, i + n, value
    return None


def to_medical(text: str) -> str | None:
    """Plain action + organ -> one word in place of the organ; None when the text has no such pair."""
    words = text.lower().split()
    action, organ = _find(words, _ACTIONS), _find(words, _ORGANS)
    if not action or not organ or not (action[1] <= organ[0] or organ[1] <= action[0]):
        return None
    between = words[min(action[1], organ[1]):max(action[0], organ[0])]
    if any(w not in FILLER and w not in MODIFIERS for w in between):
        return None  # "excision of lesion of breast": the action is on something else
    word = form(organ[2], action[2])
    out = []
    for i, w in enumerate(words):
        if i == organ[0]:
            out.append(word)
        elif organ[0] < i < organ[1] or action[0] <= i < action[1] or w in FILLER:
            continue
        else:
            out.append("bilateral" if w == "both" else w)
    return " ".join(out)


def to_modality(text: str) -> str | None:
    """"<site> <modality>" in SNOMED CT's order and wording ("hip ultrasound" -> "ultrasonography of hip");
    the bare modality when no site is named; None when the text names no imaging modality."""
    words = text.lower().split()
    hit = _find(words, _MODALITY_WORDS)
    if hit is None or " ".join(words) == hit[2]:
        return None
    site = [w for i, w in enumerate(words) if not hit[0] <= i < hit[1] and w not in _MODALITY_FILLER]
    return f"{hit[2]} of {' '.join(site)}" if site else hit[2]


def modality_equivalents(word: str) -> tuple[str, ...]:
    """The modality's other spellings, for coverage ("ultrasound" states what "ultrasonography" does)."""
    for modality, spellings in MODALITIES.items():
        if word == modality or word in spellings:
            return (modality, *spellings)
    return ()


def specimen_tests(words) -> list[str]:
    """The general examinations of the specimens a text's words name, in table order."""
    words = set(words)
    return [t for spellings, tests in SPECIMEN_TESTS.items() if words.intersection(spellings) for t in tests]


def _split_word(word: str) -> tuple[str, str] | None:
    """'cholecystectomy' -> ('cholecyst', 'ectomy'); ('hysterectomies' reads as the singular); None for a word
    that does not mean what its parts say (``NOT_LITERAL``)."""
    word = re.sub(r"ies$", "y", word) if re.search(r"(?:tom|scop|plast|phy|pex)ies$", word) else word
    if word in NOT_LITERAL:
        return None
    if word in _SPELLED_BACK:
        return _SPELLED_BACK[word]
    for suffix in _SUFFIX_ORDER:
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            stem = word[: -len(suffix)]
            for root in (stem, stem + suffix[0]):  # hyster|ectomy; orch|itis was orchi + itis
                if root in ROOTS and form(root, suffix) == word:
                    return root, suffix
    return None


def to_lay(text: str) -> list[str]:
    """Every one-word form spelt out as SNOMED CT writes it ("excision of X", then "removal of X";
    "inflammation of X"); [] when the text has none."""
    words = text.lower().split()
    found = [(i, hit) for i, hit in ((i, _split_word(w)) for i, w in enumerate(words)) if hit]
    if not found:
        return []
    out = []
    for k in range(max(len(LAY_WORDING[suffix]) for _, (_, suffix) in found)):
        new = list(words)
        for i, (root, suffix) in found:
            wordings = LAY_WORDING[suffix]
            organ = ROOTS[root][0]
            if i > 0 and new[i - 1] in _SIDES:  # "right oophorectomy" -> "excision of right ovary"
                organ, new[i - 1] = f"{new[i - 1]} {organ}", ""
            new[i] = wordings[min(k, len(wordings) - 1)].format(organ)
        out.append(" ".join(w for w in new if w))
    return list(dict.fromkeys(out))


def to_one_word(text: str, known) -> str | None:
    """A manner and a function next to each other, or with only "with", "in" or "of" between ("fast breathing",
    "breathing fast", "slow heart rate"; "fungal infection", "infection with worms") -> the one word, in place
    of both; None when the text has no such pair or ``known`` (a word -> count mapping or set: the catalog's
    vocabulary) lacks the word."""
    words = text.lower().split()
    for firsts, seconds in _PAIRS:
        formed = _pair_word(words, firsts, seconds, known)
        if formed:
            return formed
    return None


def _pair_word(words: list[str], firsts, seconds, known) -> str | None:
    """``to_one_word`` for one pair of tables (first part, second part: phrase -> combining form)."""
    first, second = _find(words, firsts), _find(words, seconds)
    if not first or not second:
        return None
    between = words[min(first[1], second[1]):max(first[0], second[0])]
    if first[1] > second[0] and second[1] > first[0] or any(w not in ("with", "in", "of") for w in between):
        return None
    phrase1, phrase2 = " ".join(words[first[0]:first[1]]), " ".join(words[second[0]:second[1]])
    # one phrase may have two combining forms ("painful": odyno|phagia, else dys|uria), and a combining form two
    # suffixes ("infection": myc|osis, helminth|iasis): the word the catalog has
    formed = (prefix + suffix for w, prefix in firsts if w == phrase1 for p, suffix in seconds if p == phrase2)
    word = next((w for w in formed if w in known), None)
    if word is None:
        return None
    lo, hi = min(first[0], second[0]), max(first[1], second[1])
    return " ".join([*words[:lo], word, *words[hi:]])


def variants(text: str) -> list[str]:
    """All rewrites of the whole text in both directions, the one-word form first; [] when none."""
    base = " ".join(text.lower().split())
    medical = to_medical(base)
    out = [medical] if medical else []
    modality = to_modality(base) if not medical else None
    if modality:
        out.append(modality)
    out += to_lay(medical or base) if medical else to_lay(base)
    return [v for v in dict.fromkeys(out) if v and v != base]
