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

from .text import match_text

_UNIT = {"mg": "mg", "milligram": "mg", "milligrams": "mg", "mcg": "mcg", "µg": "mcg", "ug": "mcg",
         "microgram": "mcg", "micrograms": "mcg", "g": "g", "gm": "g", "gram": "g", "grams": "g", "ml": "ml",
         "%": "%", "unt": "unt", "unit": "unt", "units": "unt", "iu": "unt", "meq": "meq", "mmol": "mmol"}
_TO_MG = {"mg": 1.0, "mcg": 0.001, "g": 1000.0}
_STRENGTH = re.compile(
    r"(?<![\w.])(\d+(?:[.,]\d+)?)\s*(mg|milligrams?|mcg|µg|ug|micrograms?|gm|grams?|g|ml|%|unt|units?|iu|meq|mmol)"
    r"(?:\s*/\s*(\d+(?:\.\d+)?)?\s*(ml|l|actuat|hr|h|g|mg))?(?![a-z])")

# query wording -> RxNorm dose form; families give partial credit (a tablet is closer to an ER tablet)
FORM_SYNONYMS = {
    "extended release oral tablet": ("er tab", "er tablet", "xr tab", "xr tablet", "xl tab", "xl tablet",
                                     "sr tab", "sr tablet", "extended release tablet", "er", "xr", "xl", "sr",
                                     "extended release oral tablet", "sustained release tablet"),
    "extended release oral capsule": ("er cap", "er capsule", "xr cap", "xr capsule", "xl cap", "sr cap",
                                      "extended release capsule", "extended release oral capsule"),
    "delayed release oral tablet": ("dr tab", "dr tablet", "ec tab", "ec tablet", "enteric coated tablet",
                                    "delayed release tablet", "delayed release oral tablet"),
    "delayed release oral capsule": ("dr cap", "dr capsule", "delayed release capsule", "delayed release oral capsule"),
    "disintegrating oral tablet": ("odt", "orally disintegrating tablet", "disintegrating oral tablet"),
    "chewable tablet": ("chewable", "chewable tablet", "chew tab"),
    "sublingual tablet": ("sublingual", "sl tab", "sublingual tablet"),
    "oral tablet": ("tab", "tabs", "tablet", "tablets", "oral tablet", "pill", "pills"),
    "oral capsule": ("cap", "caps", "capsule", "capsules", "oral capsule"),
    "oral solution": ("syrup", "syr", "liquid", "elixir", "oral solution", "solution oral", "oral liquid", "soln"),
    "oral suspension": ("susp", "suspension", "oral suspension"),
    "injectable solution": ("inj", "injection", "injectable", "injectable solution", "iv", "im", "vial", "ampoule"),
    "prefilled syringe": ("prefilled syringe", "syringe"),
    "pen injector": ("pen", "pen injector"),
    "topical cream": ("cream", "crm", "topical cream"),
    "topical ointment": ("ointment", "oint", "topical ointment"),
    "topical gel": ("gel", "topical gel"),
    "topical lotion": ("lotion", "topical lotion"),
    "transdermal system": ("patch", "transdermal", "transdermal patch", "transdermal system"),
    "metered dose inhaler": ("inhaler", "mdi", "puffer", "metered dose inhaler", "inhalation aerosol"),
    "inhalation solution": ("nebulizer", "neb", "nebule", "inhalation solution"),
    "ophthalmic solution": ("eye drops", "eye drop", "ophthalmic", "ophthalmic solution"),
    "otic solution": ("ear drops", "otic", "otic solution"),
    "nasal spray": ("nasal spray", "nasal"),
    "rectal suppository": ("suppository", "supp", "rectal suppository"),
    "oral lozenge": ("lozenge", "troche", "oral lozenge"),
    "oral product": ("oral product",),
    "injectable product": ("injectable product",),
    "topical product": ("topical product",),
}
_FORM_FAMILY = {"tablet": "tablet", "capsule": "capsule", "solution": "liquid", "suspension": "liquid",
                "syrup": "liquid", "inject": "injection", "syringe": "injection", "pen": "injection",
                "cream": "topical", "ointment": "topical", "gel": "topical", "lotion": "topical"}
_FORM_LOOKUP = sorted(((syn, form) for form, syns in FORM_SYNONYMS.items() for syn in syns),
                      key=lambda p: -len(p[0]))
# RxNorm form names found after the strength in SCD/SBD names, longest first
_SIG_WORDS = {"take", "takes", "daily", "once", "twice", "bid", "tid", "qid", "qd", "qhs", "prn", "po", "by",
              "mouth", "every", "hours", "hour", "hrs", "at", "bedtime", "as", "needed", "for", "days", "day",
              "a", "an", "the", "of", "one", "two", "x", "q", "per", "dose", "doses", "oral", "orally", "stat",
              "morning", "night", "nightly", "weekly", "with", "food", "meals", "and", "or", "generic", "brand",
              "strength", "mg", "mcg", "ml", "puff", "puffs", "dispense", "refill", "refills", "sig", "use", "apply", "up", "to"}
_SALTS = {"hydrochloride", "hcl", "hydrobromide", "sulfate", "sulphate", "sodium", "potassium", "maleate",
          "mesylate", "besylate", "tartrate", "succinate", "citrate", "phosphate", "acetate", "fumarate",
          "bitartrate", "napsylate", "dihydrate", "monohydrate", "anhydrous", "hyclate", "magnesium",
          "disodium", "dipropionate", "propionate", "valerate", "bromide", "chloride", "trihydrate",
          "hemihydrate", "furoate", "xinafoate", "monosodium", "calcium", "tromethamine", "pamoate"}


@dataclass
class ParsedDrug:
    names: list[str] = field(default_factory=list)  # ingredient names, salt-stripped, lexicon-resolved
    raw_names: list[str] = field(default_factory=list)  # as written (brand detection)
    strengths: frozenset = frozenset()  # {(value_in_base_unit, unit)}
    form: str | None = None
    brand: str | None = None

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.names)))


def normalize_ingredient(name: str) -> str:
    tokens = [t for t in re.split(r"[\s,]+", name.lower().strip()) if t]
    kept = [t for i, t in enumerate(tokens) if i == 0 or t not in _SALTS]
    return " ".join(kept)


def _strengths(text: str) -> tuple[frozenset, str]:
    found = set()
    for m in _STRENGTH.finditer(text):
        value = float(m.group(1).replace(",", "."))
        unit = _UNIT.get(m.group(2), m.group(2))
        if unit in _TO_MG:
            value, unit = value * _TO_MG[unit], "mg"
        per_n, per_u = m.group(3), m.group(4)
        if per_u:
            if per_n:
                value = value / float(per_n)
            unit = f"{unit}/{per_u}"
        found.add((round(value, 6), unit))
    return frozenset(found), _STRENGTH.sub(" ", text)


def _form(text: str) -> tuple[str | None, str]:
    padded = f" {text} "
    for syn, form in _FORM_LOOKUP:
        if f" {syn} " in padded:
            return form, padded.replace(f" {syn} ", " ", 1).strip()
    return None, text


def form_family(form: str | None) -> str | None:
    if not form:
        return None
    for key, fam in _FORM_FAMILY.items():
        if key in form:
            return fam
    return form


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


def parse_query(text: str) -> ParsedDrug:
    """Parse a free-text medicine mention."""
    # split combinations on the raw text: match_text drops a free-standing "/"
    pieces = [match_text(p) for p in re.split(r"\s+/\s+|\s*\+\s*|\s+&\s+|,\s*|\s+and\s+|\s+with\s+",
                                                 text, flags=re.IGNORECASE)]
    strengths, rest = _strengths(" ; ".join(p for p in pieces if p))
    form, rest = _form(re.sub(r"[ \t]+", " ", rest).strip())
    to_generic, brands = lexicon()
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
    return ParsedDrug(names=names, raw_names=raw, strengths=strengths, form=form, brand=brand)


def _resolve(phrase: str, to_generic: dict[str, str]) -> str | None:
    generic = to_generic.get(phrase)
    if generic is None:
        return None
    # the dictionary writes combinations as "a, b, and c"; RxNorm joins with " / "
    return " / ".join(p for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", generic) if p)


def parse_catalog_name(name: str) -> ParsedDrug:
    """Parse an RxNorm name: 'A 5 MG / B 10 MG Oral Tablet [Brand]', 'Aspirin', '{..} Pack'."""
    t = name.strip()
    brand = None
    m = re.search(r"\[([^\]]+)\]\s*$", t)
    if m:
        brand, t = m.group(1).strip().lower(), t[: m.start()].strip()
    comps = [re.sub(r"\s+", " ", match_text(c)) for c in re.split(r"\s+/\s+", t)]
    strengths, _ = _strengths(" ".join(comps))
    names, form = [], None
    for c in comps:
        sm = _STRENGTH.search(c)
        if sm:
            names.append(c[: sm.start()].strip())
            tail = c[sm.end():].strip()
            if tail:
                form = tail
        else:
            names.append(c)
    if form is None and len(names) == 1:  # SCDF-like "ibuprofen oral tablet" / SCDG "x oral product"
        f, rest = _form(names[0])
        if f:
            form, names = f, [rest]
    names = [normalize_ingredient(n) for n in names if n]
    return ParsedDrug(names=names, raw_names=names, strengths=strengths, form=form, brand=brand)


# Mappings target prescribable concepts: clinical drugs and ingredients, not components or groups.
TTY_FIT = {"SCD": 1.0, "SBD": 0.9, "IN": 1.0, "PIN": 0.8, "MIN": 1.0, "BN": 0.7, "SCDF": 0.6, "SBDF": 0.5,
           "SCDC": 0.3, "SBDC": 0.25, "SCDG": 0.4, "SBDG": 0.35, "GPCK": 0.4, "BPCK": 0.4}
DEFAULT_FORMS = ("oral tablet", "oral capsule")


def drug_fit(q: ParsedDrug, r: ParsedDrug, tty: str) -> float:
    """How well catalog drug r fits query q, in [0, 1]. Strength/form that the query states must match;
    when they exist nowhere the ingredient (IN) scores best, which is the documented fallback."""
    qs, rs = set(q.key), set(r.key)
    if not qs or not rs:
        return 0.0
    ing = len(qs & rs) / len(qs | rs)
    if ing == 0:
        return 0.0
    if q.strengths:
        strength = 1.0 if r.strengths == q.strengths else (0.5 if not r.strengths else
                                                           0.15 if q.strengths & r.strengths else 0.0)
    else:
        strength = 1.0 if not r.strengths else 0.55
    if q.form:
        form = 1.0 if r.form == q.form else (0.45 if r.form is None else
                                             0.6 if form_family(r.form) == form_family(q.form) else 0.0)
    else:
        # no form stated: an oral tablet/capsule is what "metformin 500 mg" means in practice
        form = 0.9 if r.form in DEFAULT_FORMS else (0.5 if r.form is None else 0.4)
    tty_fit = TTY_FIT.get(tty, 0.5)
    if q.brand and r.brand:
        tty_fit = 1.0 if r.brand == q.brand else 0.3
    elif q.brand and tty == "SCD":
        tty_fit = 0.85
    return ing * (0.5 * strength + 0.3 * form + 0.2 * tty_fit)


class DrugCatalog:
    """Parsed RxNorm rows of one index, with an ingredient -> rows lookup (built once per replica)."""

    def __init__(self, names: list[str], ttys: list[str]):
        import numpy as np

        self.parsed = [parse_catalog_name(n) for n in names]
        self.tty = list(ttys)
        by_ing: dict[str, list[int]] = {}
        for i, p in enumerate(self.parsed):
            for name in set(p.names):
                by_ing.setdefault(name, []).append(i)
        self.by_ingredient = {k: np.asarray(v, dtype=np.int64) for k, v in by_ing.items()}
        self.vocab = sorted(self.by_ingredient)
        self.brands = {p.brand for p in self.parsed if p.brand}

    def resolve(self, q: ParsedDrug) -> ParsedDrug:
        """Map each query name onto the catalog's ingredient vocabulary (typos via RapidFuzz)."""
        from rapidfuzz import fuzz, process

        names = []
        raws = [normalize_ingredient(r) for r in q.raw_names] if len(q.raw_names) == len(q.names) else []
        for i, n in enumerate(q.names):
            options = [n] + ([raws[i]] if raws and raws[i] != n else [])  # generic first, then as written
            known = next((o for o in options if o in self.by_ingredient), None)
            if known is None:
                hits = [process.extractOne(o, self.vocab, scorer=fuzz.ratio, score_cutoff=85)
                        for o in options if len(o) >= 4]
                hits = [h for h in hits if h]
                known = max(hits, key=lambda h: h[1])[0] if hits else None
            if known:
                names.append(known)
        brand = q.brand if q.brand in self.brands else next((r for r in q.raw_names if r in self.brands), None)
        return ParsedDrug(names=names, raw_names=q.raw_names, strengths=q.strengths, form=q.form, brand=brand)

    def rows_for(self, q: ParsedDrug):
        import numpy as np

        parts = [self.by_ingredient[n] for n in set(q.names) if n in self.by_ingredient]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    def fit(self, q: ParsedDrug, rows) -> "np.ndarray":
        import numpy as np

        return np.array([drug_fit(q, self.parsed[r], self.tty[r]) for r in rows], dtype=np.float32)
