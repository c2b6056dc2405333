"""Medicine parsing and RxNorm structure: ingredient(s), strength + unit, dose form, brand.

The same parser reads a query ("paracetamol 500mg tab bid") and an RxNorm name ("Acetaminophen 500 MG
Oral Tablet [Tylenol]"), so matching compares like with like. Brand / UK / lay names resolve to US
generics through the drug-named-entity-recognition dictionary (MIT, Fast Data Science; see NOTICE).
"""
from __future__ import annotations

import bz2
import pickle
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ray_app.text.normalize import match_text
from ray_app.text.sig import strip_sig

_UNIT = {"mg": "mg", "milligram": "mg", "milligrams": "mg", "mcg": "mcg", "µg": "mcg", "ug": "mcg",
         "microgram": "mcg", "micrograms": "mcg", "g": "g", "gm": "g", "gram": "g", "grams": "g", "ml": "ml",
         "%": "%", "unt": "unt", "unit": "unt", "units": "unt", "iu": "unt", "meq": "meq", "mmol": "mmol"}
_TO_MG = {"mg": 1.0, "mcg": 0.001, "g": 1000.0}
_STRENGTH = re.compile(
    r"(?<![\w.])(\d+(?:[.,]\d+)?)\s*(mg|milligrams?|mcg|µg|ug|micrograms?|gm|grams?|g|ml|%|unt|units?|iu|meq|mmol)"
    r"(?:\s*/\s*(\d+(?:\.\d+)?)?\s*(ml|l|actuat(?:ions?)?|actuations?|act|puffs?|sprays?|inhalations?|inh|doses?|"
    r"hr|h|g|mg))?(?![a-z])")
# per-actuation wording: "100 mcg/actuation" = "90 mcg/puff"-style = "90 mcg/inh" (per inhalation) = RxNorm's
# "MG/ACTUAT"
_PER_UNIT = {**{u: "actuat" for u in ("actuat", "actuation", "actuations", "act", "puff", "puffs", "spray",
                                         "sprays", "inhalation", "inhalations", "inh", "dose", "doses")}}

# query wording -> RxNorm dose form; families give partial credit (a tablet is closer to an ER tablet).
# Release modifiers (ER, DR, ODT, chewable) are read separately and combined with the base form.
FORM_SYNONYMS = {
    "extended release oral tablet": ("extended release oral tablet",),
    "extended release oral capsule": ("extended release oral capsule",),
    "extended release suspension": ("extended release suspension", "extended release oral suspension"),
    "delayed release oral tablet": ("delayed release oral tablet",),
    "delayed release oral capsule": ("delayed release oral capsule",),
    "disintegrating oral tablet": ("disintegrating oral tablet",),
    "chewable tablet": ("chewable tablet",),
    "sublingual tablet": ("sublingual", "sl tab", "sublingual tablet"),
    "oral tablet": ("tab", "tabs", "tablet", "tablets", "oral tablet", "pill", "pills"),
    "oral capsule": ("cap", "caps", "capsule", "capsules", "oral capsule"),
    "oral solution": ("syrup", "syr", "liquid", "elixir", "oral solution", "solution oral", "oral liquid", "soln"),
    "oral suspension": ("susp", "suspension", "oral suspension"),
    # RxNorm has both the older "Injectable Solution" and the newer "Injection"; "inj" reads as written
    "injection": ("inj", "injection", "injections"),
    "injectable solution": ("injectable", "injectable solution", "iv", "im", "vial", "ampoule", "ampule",
                            "solution for injection"),
    "injectable suspension": ("injectable suspension", "suspension for injection"),
    "prefilled syringe": ("prefilled syringe", "pre-filled syringe", "pre filled syringe", "prefilled", "pfs",
                          "syringe", "prefilled syringes", "pre-filled syringes"),
    "auto-injector": ("auto-injector", "autoinjector", "auto injector", "auto-inj"),
    # device names of insulin / GLP-1 pens are pens, whatever the brand before them
    "pen injector": ("pen", "pen injector", "pen-injector", "prefilled pen", "injector pen", "injection pen",
                     "insulin pen", "pens", "kwikpen", "solostar", "flexpen", "flextouch", "solution pen-injector",
                     "solution pen injector"),
    "cartridge": ("cartridge",),
    "topical cream": ("cream", "crm", "topical cream"),
    "topical ointment": ("ointment", "oint", "topical ointment"),
    "topical gel": ("gel", "topical gel"),
    "topical lotion": ("lotion", "topical lotion"),
    "transdermal system": ("patch", "transdermal", "transdermal patch", "transdermal system", "td patch"),
    # HFA is the propellant of a metered-dose inhaler; breath-actuated ones are RxNorm MDIs with a qualifier
    "metered dose inhaler": ("inhaler", "mdi", "puffer", "metered dose inhaler", "metered-dose inhaler",
                             "inhalation aerosol", "aerosol", "hfa", "hfa inhaler", "aerosol inhaler",
                             "breath-actuated inhaler", "breath actuated inhaler", "metered dose"),
    "dry powder inhaler": ("dry powder inhaler", "dpi", "diskus", "ellipta", "respiclick", "handihaler",
                           "inhalation powder", "powder for inhalation"),
    "inhalation solution": ("nebulizer", "neb", "nebule", "nebules", "inhalation solution", "nebulizer solution",
                            "nebuliser solution", "neb solution", "neb soln", "solution for nebulization",
                            "inhalation soln", "nebulised", "nebulized", "nebuliser"),
    "inhalation suspension": ("inhalation suspension", "nebulizer suspension", "nebuliser suspension",
                              "neb suspension", "neb susp", "nebulizer susp", "suspension for nebulization",
                              "respules", "inhalation susp"),
    "ophthalmic solution": ("eye drops", "eye drop", "ophthalmic", "ophthalmic solution"),
    "otic solution": ("ear drops", "otic", "otic solution"),
    "nasal spray": ("nasal spray", "nasal"),
    "rectal suppository": ("suppository", "supp", "rectal suppository"),
    "oral lozenge": ("lozenge", "troche", "oral lozenge"),
    "oral product": ("oral product",),
    "injectable product": ("injectable product",),
    "topical product": ("topical product",),
}
_RELEASE = {
    "extended release": ("extended release", "extended-release", "ext release", "ext rel", "er", "xr", "xl", "sr",
                         "cr", "sustained release", "controlled release", "modified release", "long acting"),
    "delayed release": ("delayed release", "delayed-release", "dr", "ec", "enteric coated", "enteric-coated"),
    "disintegrating": ("odt", "orally disintegrating", "disintegrating", "orally dissolving", "dissolving",
                       "dissolvable"),
    "chewable": ("chewable", "chew"),
}
_COMBINED = {("extended release", "oral tablet"): "extended release oral tablet",
             ("extended release", "oral capsule"): "extended release oral capsule",
             ("extended release", "oral suspension"): "extended release suspension",
             ("delayed release", "oral tablet"): "delayed release oral tablet",
             ("delayed release", "oral capsule"): "delayed release oral capsule",
             ("disintegrating", "oral tablet"): "disintegrating oral tablet",
             ("chewable", "oral tablet"): "chewable tablet"}
# families are read from a form's words (a substring would make "suspension" a "pen"); inhaled forms first so
# "inhalation solution" is not an oral liquid
_FORM_FAMILY = {"inhal": "inhalation", "nebul": "inhalation", "inject": "injection", "syringe": "injection",
                "pen": "injection", "cartridge": "injection", "tablet": "tablet", "capsule": "capsule",
                "solution": "liquid", "suspension": "liquid", "syrup": "liquid", "cream": "topical",
                "ointment": "topical", "gel": "topical", "lotion": "topical"}
_FORM_LOOKUP = sorted(((syn, form) for form, syns in FORM_SYNONYMS.items() for syn in syns),
                      key=lambda p: -len(p[0]))
_FORM_WORDS = sorted({s for s, _ in _FORM_LOOKUP if " " not in s and len(s) >= 4})
_RELEASE_LOOKUP = sorted(((syn, mod) for mod, syns in _RELEASE.items() for syn in syns), key=lambda p: -len(p[0]))
_SIG_WORDS = {"take", "takes", "daily", "once", "twice", "bid", "tid", "qid", "qd", "qhs", "prn", "po", "by",
              "mouth", "every", "hours", "hour", "hrs", "at", "bedtime", "as", "needed", "for", "days", "day",
              "a", "an", "the", "of", "one", "two", "x", "q", "per", "dose", "doses", "oral", "orally", "stat",
              "morning", "night", "nightly", "weekly", "with", "food", "meals", "and", "or", "generic", "brand",
              "strength", "mg", "mcg", "ml", "puff", "puffs", "dispense", "refill", "refills", "sig", "use", "apply", "up", "to",
              "solution", "powder", "external", "unit", "units"}  # the last: form words too vague to be a form
_SALTS = {"hydrochloride", "hcl", "hydrobromide", "sulfate", "sulphate", "sodium", "potassium", "maleate",
          "mesylate", "besylate", "tartrate", "succinate", "citrate", "phosphate", "acetate", "fumarate",
          "bitartrate", "napsylate", "dihydrate", "monohydrate", "anhydrous", "hyclate", "magnesium",
          "disodium", "dipropionate", "propionate", "valerate", "bromide", "chloride", "trihydrate",
          "hemihydrate", "furoate", "xinafoate", "monosodium", "calcium", "tromethamine", "pamoate",
          "tannate", "dimesylate", "tosylate", "bisulfate", "palmitate", "zinc"}
_SALT_SPELLING = {"hcl": "hydrochloride", "sulphate": "sulfate"}
# RxNorm puts a duration before the ingredient ("24 HR Paroxetine ... Extended Release Oral Tablet"); in a
# query "12 hr" is the same, but "every 12 hours" / "q12h" is a dosing interval
_DURATION = re.compile(r"(?<![\w./])(?<!every )(?<!q )(\d+)\s*(?:hrs?|hours?|h)\b(?!\s*/)")
# ... and a quantity before everything: "2 ML Naloxone 0.4 MG/ML Prefilled Syringe", "120 ACTUAT Albuterol ..."
_QUANTITY = re.compile(r"^(\d+(?:\.\d+)?)\s*(ml|actuat)\s+")
_APPLICATION = re.compile(r"^(?:a?nda|bla)\d{4,}\s+")
_LEAD_QUALIFIER = re.compile(r"^([a-z][a-z-]*(?: [a-z][a-z-]*)?) (?=\d+(?:\.\d+)? ?(?:ml|actuat) )")
# qualitative distinctions are words ("abuse-deterrent", "sensor", "50/50 release"), never bare numbers
_QUALIFIER = re.compile(r"(?:[a-z][a-z-]*|\d+/\d+)(?: (?:[a-z][a-z-]*|\d+/\d+))*")


@dataclass
class ParsedDrug:
    names: list[str] = field(default_factory=list)  # ingredient names, salt-stripped, lexicon-resolved
    raw_names: list[str] = field(default_factory=list)  # as written (brand detection)
    strengths: frozenset = frozenset()  # {(value_in_base_unit, unit)}
    form: str | None = None
    brand: str | None = None
    salts: frozenset = frozenset()  # salt words named ("hydrochloride"): the PIN vs IN distinction
    duration: int | None = None  # "24 HR" (hours) of an extended-release product
    volume: tuple | None = None  # quantity of a package: (2.0, "ml") for "2 ML ... 0.4 MG/ML Prefilled Syringe"
    qualifier: str | None = None  # RxNorm's qualitative distinction: "abuse-deterrent", "sensor", ...
    gloss: str | None = None  # a brand written in parentheses after the generic: display text, not a choice

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.names)))


def normalize_ingredient(name: str) -> str:
    tokens = [t for t in re.split(r"[\s,]+", name.lower().strip()) if t]
    kept = [t for i, t in enumerate(tokens) if i == 0 or t not in _SALTS]
    return " ".join(kept)


def _salts_of(names: list[str], fuzzy: bool = False) -> frozenset:
    """Salt words after each name's first word; a query's misspellings ("sdoium") count when fuzzy."""
    from rapidfuzz import fuzz, process

    found = set()
    for n in names:
        for w in n.lower().replace(",", " ").split()[1:]:
            if w not in _SALTS and fuzzy and len(w) >= 5:
                hit = process.extractOne(w, _SALTS, scorer=fuzz.ratio, score_cutoff=80)
                w = hit[0] if hit else w
            if w in _SALTS:
                found.add(_SALT_SPELLING.get(w, w))
    return frozenset(found)


def _strengths(text: str) -> tuple[frozenset, tuple | None, str]:
    """Strengths, and a bare volume ("2 ml"): that is a package quantity, never a strength."""
    found, volume = set(), None
    for m in _STRENGTH.finditer(text):
        value = float(m.group(1).replace(",", "."))
        unit = _UNIT.get(m.group(2), m.group(2))
        if unit in _TO_MG:
            value, unit = value * _TO_MG[unit], "mg"
        per_n, per_u = m.group(3), m.group(4)
        per_u = _PER_UNIT.get(per_u, per_u)
        if per_u:
            if per_n:
                value = value / float(per_n)
            unit = f"{unit}/{per_u}"
        if unit == "ml":
            volume = volume or (round(value, 6), "ml")
        else:
            found.add((round(value, 6), unit))
    return frozenset(found), volume, _STRENGTH.sub(" ", text)


def _form(text: str, duration: int | None = None) -> tuple[str | None, str]:
    """The RxNorm dose form a text names: a base form ("tab") combined with a release modifier ("xr")."""
    padded, form, mod = f" {text} ", None, None
    for syn, f in _FORM_LOOKUP:
        if f" {syn} " in padded:
            form, padded = f, padded.replace(f" {syn} ", " ", 1)
            break
    if form:  # "basaglar kwikpen ... pen-injector": every other word for the same form goes too
        for syn in FORM_SYNONYMS[form]:
            padded = padded.replace(f" {syn} ", " ")
    for syn, m in _RELEASE_LOOKUP:
        if f" {syn} " in padded:
            mod, padded = m, padded.replace(f" {syn} ", " ", 1)
            break
    if mod is None and duration and form in ("oral tablet", "oral capsule"):
        mod = "extended release"  # "12 hr ... tab" is an extended-release tablet
    if mod and (form is None or (mod, form) in _COMBINED):
        form = _COMBINED[(mod, form or "oral tablet")]  # a bare "ER" / "ODT" is a tablet
    return form, padded.strip()


def _form_typo(text: str, duration: int | None) -> tuple[str | None, str]:
    from rapidfuzz.distance import OSA

    words = text.split()
    if len(words) < 2 or len(words[-1]) < 4 or words[-1] in lexicon()[0]:  # a drug's name is no typo
        return None, text
    syn = next((s for s in _FORM_WORDS if OSA.distance(words[-1], s) <= 1), None)
    return _form(" ".join([*words[:-1], syn]), duration) if syn else (None, text)


@lru_cache(maxsize=4096)  # pure, and called per catalog row of every medicine query's ingredients
def form_family(form: str | None) -> str | None:
    if not form:
        return None
    words = re.split(r"[\s-]+", form)
    for key, fam in _FORM_FAMILY.items():
        if any(w.startswith(key) for w in words):
            return fam
    return form


SAME_FORM = 0.85  # form_fit of one form under RxNorm's older and newer names: the same product


def form_fit(qf: str | None, rf: str | None) -> float:
    if rf == qf:
        return 1.0
    if rf is None:
        return 0.45
    if {qf, rf} == {"injection", "injectable solution"}:
        return SAME_FORM
    return 0.6 if form_family(rf) == form_family(qf) else 0.0


@lru_cache(maxsize=1)
def lexicon() -> tuple[dict[str, str], set[str]]:
    """variant -> US generic (lower case), and the set of variants that are brands."""
    try:
        from importlib import resources

        path = resources.files("drug_named_entity_recognition") / "drug_ner_dictionary.pkl.bz2"
        with bz2.open(path.open("rb")) as fh:
            data = pickle.load(fh)  # the package's own shipped dictionary (trusted, installed from PyPI)
    except Exception:  # pragma: no cover - optional dependency missing: names are used as written
        return {}, set()
    to_generic = {k: v[0] for k, v in data["drug_variant_to_canonical"].items() if v}
    brands = {k for k, v in data["drug_variant_to_variant_data"].items() if v and v.get("is_brand")}
    return to_generic, brands


def named_drugs(words) -> dict[str, str]:
    """The words that are drug names (in order), each with its US generic ("tacrolimus level" ->
    {"tacrolimus": "tacrolimus"}); short words are left out (too many 3-letter variants are English)."""
    to_generic = lexicon()[0]
    return {w: to_generic[w] for w in words if len(w) > 3 and w in to_generic}


def _gloss(text: str, to_generic: dict[str, str]) -> tuple[str, str | None]:
    """'ezetimibe (zetia) 10 mg' -> ('ezetimibe 10 mg', 'zetia'): a name in parentheses after a generic is the
    record's display gloss, so the prescriber chose the generic, not the brand. Kept when the words before it
    are no generic ("semglee (yfgn)") or it says more than a name ("(... oral powder")."""
    m = re.search(r"\(([^()]*)(?:\)|$)", text)
    if not m or not text[: m.start()].strip():
        return text, None
    inside, before = match_text(m.group(1)), match_text(text[: m.start()])
    words = [w for w in before.split() if not re.fullmatch(r"[\d.]+", w)]
    generic_before = any(to_generic.get(w) == w or to_generic.get(" ".join(words)) == " ".join(words)
                         for w in words)
    named = bool(inside) and (inside in to_generic or inside.split()[0] in to_generic)  # "zetia", "tessalon perles"
    if not named or not generic_before or re.search(r"\d", inside) or _form(inside)[0]:
        return text, None
    return f"{text[: m.start()].rstrip()} {text[m.end():].lstrip()}".strip(), inside


def parse_query(text: str) -> ParsedDrug:
    """Parse a free-text medicine mention; prescription directions ("take 1 tablet twice a day") are ignored."""
    to_generic, brands = lexicon()
    text, gloss = _gloss(strip_sig(text), to_generic)
    # "250 mg / 5 ml" is one strength, not a combination
    text = re.sub(r"(\d\s*[a-zµ%]+)\s+/\s+(\d+(?:\.\d+)?\s*ml\b)", r"\1/\2", text, flags=re.IGNORECASE)
    # split combinations on the raw text: match_text drops a free-standing "/"
    pieces = [match_text(p) for p in re.split(r"\s+/\s+|\s*\+\s*|\s+&\s+|,\s*|\s+and\s+|\s+with\s+",
                                                 text, flags=re.IGNORECASE)]
    strengths, volume, rest = _strengths(" ; ".join(p for p in pieces if p))
    dm = _DURATION.search(rest)
    duration = int(dm.group(1)) if dm else None
    rest = _DURATION.sub(" ", rest) if dm else rest
    form, rest = _form(re.sub(r"[ \t]+", " ", rest).strip(), duration)
    if form is None:  # a misspelt trailing form word ("cpas"): one edit from a form synonym
        form, rest = _form_typo(rest, duration)
    parts = [p.strip() for p in re.split(r"\s*(?:;|/(?!\d)|\+)\s*", rest) if p.strip()]
    names, raw, brand = [], [], None
    for part in parts:
        words = [w for w in part.split() if w not in _SIG_WORDS and not re.fullmatch(r"[\d.]+", w)]
        if not words:
            continue
        phrase = " ".join(words)
        resolved = _resolve(phrase, to_generic)
        if resolved is None:  # try the longest known sub-phrase ("tylenol extra strength" -> tylenol)
            for n in range(len(words) - 1, 0, -1):
                hits = [_resolve(" ".join(words[i:i + n]), to_generic) for i in range(len(words) - n + 1)]
                hits = [h for h in hits if h]
                if hits:
                    resolved = hits[0]
                    break
        if brand is None and (phrase in brands or any(w in brands for w in words)):
            brand = next(w for w in [phrase, *words] if w in brands)
        raw.append(phrase)
        for generic in (resolved or phrase).split(" / "):
            names.append(normalize_ingredient(generic))
    return ParsedDrug(names=names, raw_names=raw, strengths=strengths, form=form, brand=brand,
                      salts=_salts_of(raw, fuzzy=True), duration=duration, volume=volume, gloss=gloss)


def _resolve(phrase: str, to_generic: dict[str, str]) -> str | None:
    generic = to_generic.get(phrase)
    if generic is None:
        return None
    generic = re.sub(r"\s*\([^)]*\)", "", generic)  # "insulin glargine (rdna origin)": an annotation
    # the dictionary writes combinations as "a, b, and c"; RxNorm joins with " / "
    return " / ".join(p for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", generic) if p)


def parse_catalog_name(name: str) -> ParsedDrug:
    """Parse an RxNorm name: '[2 ML] [Qualifier] [24 HR] A 5 MG / B 10 MG Oral Tablet [Brand]', 'Aspirin'."""
    t = name.strip()
    brand = None
    m = re.search(r"\[([^\]]+)\]\s*$", t)
    if m:
        brand, t = m.group(1).strip().lower(), t[: m.start()].strip()
    comps = [re.sub(r"\s+", " ", match_text(c)) for c in re.split(r"\s+/\s+", t)]
    volume, qualifier, duration = None, None, None
    # "NDA020503 200 ACTUAT Albuterol ...": an FDA application number identifies the product; no
    # prescription states it, so it is not part of the comparison
    comps[0] = _APPLICATION.sub("", comps[0])
    m = _LEAD_QUALIFIER.match(comps[0])
    if m:  # "Breath-Actuated 120 ACTUAT beclomethasone ...": a qualifier before the quantity
        qualifier, comps[0] = m.group(1), comps[0][m.end(1):].lstrip()
    m = _QUANTITY.match(comps[0])
    if m:  # the package quantity leads the name
        volume, comps[0] = (round(float(m.group(1)), 6), m.group(2)), comps[0][m.end():]
    m = re.match(r"(.*?)(?<!\S)(\d+) hr ", comps[0]) if not t.startswith("{") else None  # not in packs
    if m and (not m.group(1) or _QUALIFIER.fullmatch(m.group(1).strip())):
        # "[abuse-deterrent] 12 hr oxycodone ..."; words before the duration qualify the product
        qualifier = m.group(1).strip() or qualifier
        duration, comps[0] = int(m.group(2)), comps[0][m.end():]
    strengths, _, _ = _strengths(" ".join(comps))
    names, form = [], None
    for c in comps:
        sm = _STRENGTH.search(c)
        if sm:
            names.append(c[: sm.start()].strip())
            tail = re.sub(r"^\d+ hr ", "", c[sm.end():].strip())  # a duration misplaced after the strength
            if tail:
                form = tail
        else:
            names.append(c)
    if form is None and names:  # SCDF-like "ibuprofen oral tablet", "a / b oral tablet", SCDG "x oral product"
        f, rest = _form(names[-1])
        if f and rest:
            form, names[-1] = f, rest
    salts = _salts_of(names)
    names = [normalize_ingredient(n) for n in names if n]
    return ParsedDrug(names=names, raw_names=names, strengths=strengths, form=form, brand=brand, salts=salts,
                      duration=duration, volume=volume, qualifier=qualifier)


# Mappings target prescribable concepts: clinical drugs and ingredients, not components or groups.
TTY_FIT = {"SCD": 1.0, "SBD": 0.9, "IN": 1.0, "PIN": 0.8, "MIN": 1.0, "BN": 0.7, "SCDF": 0.6, "SBDF": 0.5,
           "SCDC": 0.3, "SBDC": 0.25, "SCDG": 0.4, "SBDG": 0.35, "GPCK": 0.4, "BPCK": 0.4}
DEFAULT_FORMS = ("oral tablet", "oral capsule")
# A stated strength the catalog drug contradicts makes it another product: it must rank below the ingredient
# (the documented fallback), however well its form and name fit ("ibuprofen 600 mg" is not the 200 mg tablet).
STRENGTH_MISMATCH = 0.5
BRAND_UNBRANDED = 0.3  # term-type fit of an unbranded ingredient/group row when the query names a brand


def _equivalents(v: float, u: str) -> list[tuple[float, str]]:
    """One stated strength in the units RxNorm may write it in: a percentage is w/w for semisolids
    ("5 %" ointment = 0.05 MG/MG) and w/v for liquids ("2 %" solution = 20 MG/ML)."""
    return [(v, u), (v / 100.0, "mg/mg"), (v * 10.0, "mg/ml")] if u == "%" else [(v, u)]


def _shared(qs: frozenset, rs: frozenset, rel: float = 0.02) -> int:
    """How many stated strengths the catalog drug has, equal within 2% in the same unit: RxNorm rounds
    ("2.5 mg / 3 ml" is 0.833 mg/ml, written "0.83 MG/ML")."""
    return sum(any(u == ru and abs(v - rv) <= rel * max(abs(v), abs(rv)) for rv, ru in rs for v, u in _equivalents(*q))
               for q in qs)


def package_amounts(r: ParsedDrug) -> frozenset:
    """What one package of a liquid holds, by mass: "1 ML Ketorolac 15 MG/ML Injection" holds 15 mg, so a dose
    written as an amount ("ketorolac injection 15 mg") names that package; empty for a drug without a package
    volume. Not units: "insulin glargine 10 units" is a dose drawn from a pen, never what the pen holds."""
    if not r.volume or r.volume[1] != "ml":
        return frozenset()
    return frozenset((round(v * r.volume[0], 6), "mg") for v, u in r.strengths if u == "mg/ml")


def same_drug(a: ParsedDrug, b: ParsedDrug) -> bool:
    """Whether two catalog names are one drug: the same ingredients and, where both state them, the same
    strengths (within RxNorm's rounding). Forms may differ: "Oral Strip" and "Sublingual Film" name one SCD."""
    if a.key and b.key and a.key != b.key:
        return False
    return not (a.strengths and b.strengths) or _shared(a.strengths, b.strengths) == len(a.strengths) == len(b.strengths)


def drug_fit(q: ParsedDrug, r: ParsedDrug, tty: str) -> float:
    """How well catalog drug r fits query q, in [0, 1]. Strength/form that the query states must match;
    when they exist nowhere the ingredient (IN) scores best, which is the documented fallback: a drug whose
    strengths share none with the stated ones scores at most STRENGTH_MISMATCH x 0.5, below any ingredient
    row of the same name. A brand the query states selects its SBD; a brand only glossed in parentheses
    after the generic (``q.gloss``) does not."""
    qs, rs = set(q.key), set(r.key)
    if not qs or not rs:
        return 0.0
    ing = len(qs & rs) / len(qs | rs)
    if ing == 0:
        return 0.0
    shared = _shared(q.strengths, r.strengths)
    if r.volume and shared < len(q.strengths):  # a stated amount may be what a package holds (fit runs per row)
        shared = max(shared, _shared(q.strengths, package_amounts(r)))
    if q.strengths:
        same = shared == len(q.strengths) == len(r.strengths)
        strength = 1.0 if same else (0.5 if not r.strengths else 0.15 if shared else 0.0)
    else:
        strength = 1.0 if not r.strengths else 0.55
    if q.form:
        form = form_fit(q.form, r.form)
    else:
        # no form stated: an oral tablet/capsule is what "metformin 500 mg" means in practice
        form = 0.9 if r.form in DEFAULT_FORMS else (0.5 if r.form is None else 0.4)
    tty_fit = TTY_FIT.get(tty, 0.5)
    if q.brand and r.brand:
        tty_fit = 1.0 if r.brand == q.brand else 0.3
    elif q.brand:  # a stated brand asks for the branded product; the bare ingredient is a fallback
        tty_fit = min(tty_fit, BRAND_UNBRANDED)
    fit = ing * (0.5 * strength + 0.3 * form + 0.2 * tty_fit) * detail_fit(q, r, tty)
    contradicted = bool(q.strengths and r.strengths and not shared)
    return fit * STRENGTH_MISMATCH if contradicted else fit


def detail_fit(q: ParsedDrug, r: ParsedDrug, tty: str = "SCD") -> float:
    """RxNorm's finer distinctions (qualifier, duration, package volume, salt) as a factor in (0, 1]:
    one the query states and the catalog drug lacks or contradicts costs more than one it does not state.
    A salt is the identity of an ingredient row ("Tazobactam Sodium" vs "Tazobactam") but only wording
    on a clinical drug, which RxNorm names once with its precise ingredient."""
    f = 1.0
    if q.qualifier != r.qualifier:
        f *= 0.75 if q.qualifier else 0.9
    if q.duration and r.duration != q.duration:
        f *= 0.85 if r.duration is None else 0.7
    if q.volume != r.volume:
        f *= (0.85 if r.volume is None else 0.7) if q.volume else 0.9
    if q.salts and not q.salts <= r.salts:
        f *= 0.7 if tty in ("IN", "PIN", "MIN") else 0.9
    return f


_BIOSIMILAR = re.compile(r"(.+)-([a-z]{4})")


class DrugCatalog:
    """Parsed RxNorm rows of one index, with an ingredient -> rows lookup (built once per replica)."""

    VERSION = 3  # of the parse; an index's pickled table of another version is parsed again on load

    def __init__(self, names: list[str], ttys: list[str]):
        import numpy as np

        self.version = self.VERSION

        self.parsed = [parse_catalog_name(n) for n in names]
        self.tty = list(ttys)
        # a qualifier without a duration ("Sensor aripiprazole 20 MG ...") shows only against the
        # ingredient names: leading words whose removal leaves a known ingredient qualify the product
        known = {n for p, t in zip(self.parsed, self.tty) if t in ("IN", "PIN", "MIN") for n in p.names}
        for p, name in zip(self.parsed, names):
            if p.names and p.names[0] not in known and p.qualifier is None and not name.startswith("{"):
                words = p.names[0].split()
                cut = next((k for k in range(1, min(len(words), 4)) if " ".join(words[k:]) in known
                            and _QUALIFIER.fullmatch(" ".join(words[:k]))), None)
                if cut:
                    p.qualifier, p.names[0] = " ".join(words[:cut]), " ".join(words[cut:])
        # a biosimilar is its reference ingredient with a four-letter FDA suffix ("insulin glargine-yfgn"): the
        # same ingredient to a query ("semglee", "insulin glargine"), the suffix a qualifier one may state
        for p in self.parsed:
            m = _BIOSIMILAR.fullmatch(p.names[0]) if len(p.names) == 1 else None
            if m and m[1] in known and p.qualifier is None:
                p.names[0], p.qualifier = m[1], m[2]
        self.qualifiers = sorted({p.qualifier for p in self.parsed if p.qualifier}, key=lambda s: -len(s))
        # brand -> its ingredients, read from the branded names ("empagliflozin 10 MG ... [Jardiance]"); a row
        # named by its brand alone ("Jardiance Pill") is that brand's product, not an ingredient called "jardiance"
        self.brand_ingredients: dict[str, list[str]] = {}
        for p in self.parsed:
            if p.brand and p.names and p.brand not in self.brand_ingredients:
                self.brand_ingredients[p.brand] = list(p.names)
        for p in self.parsed:
            own = p.names[0] if len(p.names) == 1 else None
            if own in self.brand_ingredients and own not in known:
                p.names, p.brand = list(self.brand_ingredients[own]), p.brand or own
        by_ing: dict[str, list[int]] = {}
        for i, p in enumerate(self.parsed):
            for name in set(p.names):
                by_ing.setdefault(name, []).append(i)
        self.by_ingredient = {k: np.asarray(v, dtype=np.int64) for k, v in by_ing.items()}
        self.vocab = sorted(self.by_ingredient)
        self.brands = {p.brand for p in self.parsed if p.brand}

    def _lookup(self, name: str) -> tuple[str | None, float]:
        if name in self.by_ingredient:
            return name, 100.0
        if len(name) < 4:
            return None, 0.0
        from rapidfuzz import fuzz, process

        hit = process.extractOne(name, self.vocab, scorer=fuzz.ratio, score_cutoff=85)
        return (hit[0], hit[1]) if hit else (None, 0.0)

    def resolve(self, q: ParsedDrug) -> ParsedDrug:
        """Map each query name onto the catalog's ingredient vocabulary (typos via RapidFuzz)."""
        names, brand = [], None
        raws = [normalize_ingredient(r) for r in q.raw_names] if len(q.raw_names) == len(q.names) else []
        i = 0
        while i < len(q.names):
            # a comma may sit inside one ingredient ("insulin isophane, human"): join pieces that are no
            # ingredient alone into one the catalog knows
            alone = next((j for j in range(i + 1, len(raws)) if self._lookup(raws[j])[1] >= 90), len(raws))
            joined = next(((j, hit) for j in range(alone, i + 1, -1)
                           for hit in [self._lookup(" ".join(raws[i:j]))] if hit[1] >= 90), None)
            if joined:
                names.append(joined[1][0])
                i = joined[0]
                continue
            written = raws[i] if raws else q.names[i]
            if written in self.brand_ingredients and written not in self.by_ingredient:  # a brand as the name
                names.extend(self.brand_ingredients[written])
                brand = brand or written
                i += 1
                continue
            # as written first when the catalog knows it ("divalproex", "isosorbide dinitrate" misspelt):
            # the dictionary's generic may be a broader parent or only a sub-phrase of what was written
            raw = self._lookup(raws[i]) if raws else (None, 0.0)
            generic = self._lookup(q.names[i])
            known = raw[0] if raw[1] >= 90 or raw[1] > generic[1] else generic[0]
            if known:
                names.append(known)
            i += 1
        brand = brand or (q.brand if q.brand in self.brands else next((r for r in q.raw_names if r in self.brands), None))
        if brand is None:  # a brand written with other words ("lantus solostar"): its words, longest first
            words = " ".join(q.raw_names).split()
            spans = (" ".join(words[i:i + n]) for n in (3, 2, 1) for i in range(len(words) - n + 1))
            brand = next((b for b in spans if b in self.brands and b not in self.by_ingredient), None)
        written = f" {' '.join(q.raw_names)} "
        written += written.replace("-", " ")  # "glargine-yfgn" states the biosimilar suffix "yfgn"
        qualifier = next((x for x in self.qualifiers if f" {x} " in written), None)
        return ParsedDrug(names=names, raw_names=q.raw_names, strengths=q.strengths, form=q.form, brand=brand,
                          salts=q.salts, duration=q.duration, volume=q.volume, qualifier=qualifier)

    def rows_for(self, q: ParsedDrug):
        import numpy as np

        parts = [self.by_ingredient[n] for n in set(q.names) if n in self.by_ingredient]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    def fit(self, q: ParsedDrug, rows) -> "np.ndarray":
        import numpy as np

        return np.array([drug_fit(q, self.parsed[r], self.tty[r]) for r in rows], dtype=np.float32)
