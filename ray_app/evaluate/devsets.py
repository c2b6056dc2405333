"""Reproducible development sets built from a catalog (seeded), plus loaders for the public gold sets.

``synthetic_heldout``: for SNOMED CT entity types, pick codes with at least two distinct strings, remove one
non-preferred string (an SY, or the FN without its tag where it differs from the PT) from the catalog and
query a noisy copy of it; the code keeps its other strings, so the engine must find the concept through a
different wording. RxNorm codes mostly have one string, so nothing is held out for Medicine: the queries are
noisy prescription-style variants of SCD / IN names (dose-form shorthand, lower-case units, dropped words).
Types with too few eligible codes are topped up with noisy copies of single-string codes' names (gold column
``Variant`` says which is which).

The noise is generic (typos, case, dropped / reordered words, common clinical abbreviations from
``ray_app.text.expand``) and every random choice comes from a ``random.Random`` seeded per item, so a set
rebuilds byte-identically from the same catalog and seed.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

import pandas as pd

from ray_app.catalog.load import load_catalog
from ray_app.evaluate.gold import GOLD_CODE, GOLD_TEXT, GOLD_TYPE, read_gold
from ray_app.text.typos import typo
from ray_app.text.expand import ABBREVIATIONS
from ray_app.text.normalize import match_text

SNOMED, RXNORM = "SNOMEDCT_US", "RXNORM"
# SNOMED CT entity types by UMLS semantic type of the code.
TYPE_STY: dict[str, set[str]] = {
    "Diagnosis": {"Disease or Syndrome", "Finding", "Sign or Symptom", "Injury or Poisoning",
                  "Mental or Behavioral Dysfunction", "Neoplastic Process", "Pathologic Function",
                  "Anatomical Abnormality", "Congenital Abnormality", "Acquired Abnormality"},
    "Procedure": {"Therapeutic or Preventive Procedure", "Diagnostic Procedure"},
    "Lab": {"Laboratory Procedure"},
}
HELDOUT, NOISY_NAME = "heldout-synonym", "noisy-name"

# ------------------------------------------------------------------------------------------ noise
# multi-word phrase -> its abbreviations (the reverse of ray_app.text.expand.ABBREVIATIONS)
REVERSE_ABBREVIATIONS: dict[str, list[str]] = {}
for _abbr, _phrase in sorted(ABBREVIATIONS.items()):
    if len(_phrase.split()) >= 2 and re.fullmatch(r"[a-z0-9]+", _abbr):
        REVERSE_ABBREVIATIONS.setdefault(_phrase, []).append(_abbr)
_PHRASES = sorted(REVERSE_ABBREVIATIONS, key=len, reverse=True)

# RxNorm dose forms -> prescription shorthand, longest first so "Extended Release Oral Tablet" wins.
DOSE_FORM_SHORTHAND: list[tuple[str, list[str]]] = [
    ("Extended Release Oral Tablet", ["ER tab", "XR tablet", "extended release tab"]),
    ("Extended Release Oral Capsule", ["ER cap", "ER capsule"]),
    ("Delayed Release Oral Tablet", ["DR tab", "EC tablet"]),
    ("Delayed Release Oral Capsule", ["DR cap", "DR capsule"]),
    ("Disintegrating Oral Tablet", ["ODT", "dissolving tablet"]),
    ("Chewable Tablet", ["chew tab", "chewable"]),
    ("Sublingual Tablet", ["SL tab", "sublingual"]),
    ("Oral Tablet", ["tab", "tablet", "tabs", "oral tab"]),
    ("Oral Capsule", ["cap", "capsule", "caps"]),
    ("Oral Solution", ["oral soln", "solution", "liquid"]),
    ("Oral Suspension", ["susp", "suspension"]),
    ("Injectable Solution", ["inj", "injection", "inj soln"]),
    ("Injectable Suspension", ["inj susp", "injection"]),
    ("Injection", ["inj"]),
    ("Prefilled Syringe", ["syringe", "PFS"]),
    ("Pen Injector", ["pen"]),
    ("Topical Cream", ["cream", "crm"]),
    ("Topical Ointment", ["oint", "ointment"]),
    ("Topical Solution", ["topical soln"]),
    ("Ophthalmic Solution", ["eye drops", "ophth soln"]),
    ("Transdermal System", ["patch"]),
    ("Metered Dose Inhaler", ["inhaler", "MDI"]),
    ("Inhalation Powder", ["inhaler"]),
    ("Rectal Suppository", ["supp", "suppository"]),
]
UNIT_SHORTHAND = [("MG/ML", "mg/ml"), ("MG", "mg"), ("MCG", "mcg"), ("UNT/ML", "units/ml"), ("UNT", "units"),
                  ("ML", "ml"), ("HR", "hr")]
SALT_SHORTHAND = [("hydrochloride", "HCl")]


FILLER_WORDS = {"of", "the", "a", "an", "procedure", "disorder", "disease", "finding", "structure",
                "measurement", "level", "oral", "using", "by", "on", "in"}


def drop_word(text: str, rng: random.Random) -> str:
    """Drop one word (never the first) from a text of 3+ words; a filler word ('of', 'procedure',
    'disorder'...) when there is one, as people do, else any."""
    words = text.split(" ")
    if len(words) < 3:
        return text
    filler = [i for i in range(1, len(words)) if words[i].lower() in FILLER_WORDS]
    del words[rng.choice(filler) if filler and rng.random() < 0.7 else rng.randrange(1, len(words))]
    return " ".join(words)


def reorder_words(text: str, rng: random.Random) -> str:
    """Reorder the way people write it: 'Excision of appendix' -> 'appendix excision', 'Glucose
    measurement, fasting' -> 'fasting Glucose measurement'. Unchanged when neither pattern applies."""
    m = re.fullmatch(r"([^,]+), ([^,]+)", text)
    if m:
        return f"{m.group(2)} {m.group(1)}"
    m = re.fullmatch(r"([\w -]+?) of (?:the )?([\w -]+)", text, flags=re.IGNORECASE)
    if m:
        return f"{m.group(2)} {m.group(1)}"
    return text


def abbreviate(text: str, rng: random.Random) -> str:
    """Replace one known multi-word clinical phrase by its abbreviation ('computed tomography' -> 'CT')."""
    low = text.lower()
    found = [p for p in _PHRASES if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", low)]
    if not found:
        return text
    phrase = rng.choice(found)
    abbr = rng.choice(REVERSE_ABBREVIATIONS[phrase])
    abbr = abbr.upper() if rng.random() < 0.6 else abbr
    m = re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", low)
    return text[:m.start()] + abbr + text[m.end():]


def has_abbreviation(text: str) -> bool:
    low = text.lower()
    return any(re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", low) for p in _PHRASES)


def noisy_variant(text: str, rng: random.Random) -> tuple[str, list[str]]:
    """A realistic messy copy of a clinical phrase and the list of noise operations applied."""
    ops: list[str] = []
    out = text
    if has_abbreviation(out) and rng.random() < 0.8:
        out, ops = abbreviate(out, rng), ops + ["abbreviation"]
    if len(out.split()) >= 2 and rng.random() < 0.3:
        new = reorder_words(out, rng)
        if new != out:
            out, ops = new, ops + ["reorder"]
    if len(out.split()) >= 4 and rng.random() < 0.3:
        out, ops = drop_word(out, rng), ops + ["drop_word"]
    if rng.random() < 0.5 or not ops:
        new = typo(out, rng)
        if new != out:
            out, ops = new, ops + ["typo"]
            if rng.random() < 0.15:
                out = typo(out, rng)
    if rng.random() < 0.6:
        out, ops = out.lower(), ops + ["lower"]
    return out, ops


def drug_variant(name: str, tty: str, rng: random.Random) -> tuple[str, list[str]]:
    """A prescription-style copy of an RxNorm SCD / IN name ('Acetaminophen 500 MG Oral Tablet' ->
    'acetaminophen 500mg tab')."""
    ops: list[str] = []
    out = name
    if tty != "IN":
        for form, shorts in DOSE_FORM_SHORTHAND:
            if form in out and rng.random() < 0.85:
                out, ops = out.replace(form, rng.choice(shorts)), ops + ["dose_form"]
                break
        if re.match(r"^\d+ HR ", out) and rng.random() < 0.5:
            out, ops = re.sub(r"^\d+ HR ", "", out), ops + ["drop_word"]
        if rng.random() < 0.7:
            for unit, short in UNIT_SHORTHAND:
                out = re.sub(rf"\b{re.escape(unit)}\b", short, out)
            ops.append("units")
            if rng.random() < 0.4:
                out = re.sub(r"(\d) (mg|mcg|ml|units)\b", r"\1\2", out)
        if " Oral " in f" {out} " and rng.random() < 0.5:
            out, ops = re.sub(r"\s*\bOral\b", "", out).strip(), ops + ["drop_word"]
        for salt, short in SALT_SHORTHAND:
            if re.search(salt, out, re.IGNORECASE) and rng.random() < 0.5:
                out = re.sub(salt, short if rng.random() < 0.5 else "", out, flags=re.IGNORECASE)
                out, ops = re.sub(r"\s+", " ", out).strip(), ops + ["salt"]
    if rng.random() < (0.6 if tty == "IN" else 0.25) or not ops:
        new = typo(out, rng)
        if new != out:
            out, ops = new, ops + ["typo"]
    if rng.random() < 0.6:
        out, ops = out.lower(), ops + ["lower"]
    return out, ops


def item_rng(seed: int, *parts: object) -> random.Random:
    """A Random seeded from the set seed and the item's identity (str seeds hash deterministically)."""
    return random.Random(":".join([str(seed), *map(str, parts)]))


# ------------------------------------------------------------------------------------ synthetic set
def _code_frame(t: pd.DataFrame) -> pd.DataFrame:
    """One row per code: first (preferred) row's STR/TTY/STY, distinct match texts, their TTYs and STRs."""
    g = t.groupby("CODE", sort=True)
    codes = g.agg(STR=("STR", "first"), TTY=("TTY", "first"), STY=("STY", "first"),
                  n=("match_text", "nunique"))
    return codes


def synthetic_heldout(catalog_paths: list[str | Path], n_per_type: int = 250, seed: int = 13,
                      out_dir: str | Path | None = None, fill: bool = True) -> tuple[list[str], pd.DataFrame]:
    """Build the held-out-synonym dev set.

    Returns (paths of the reduced catalog parquet files, written under ``out_dir``/synthetic_catalog when
    given, and the gold frame in the gold format plus provenance columns).
    """
    tables = load_catalog(list(catalog_paths))
    gold_rows: list[dict] = []
    heldout: dict[str, str] = {}  # SNOMED code -> held-out match text

    if SNOMED in tables:
        t = tables[SNOMED]
        mt_count = t.groupby("match_text")["CODE"].nunique()  # strings shared by several codes are ambiguous
        by_code = {code: part for code, part in t.groupby("CODE", sort=True)}
        info = _code_frame(t)
        existing = set(t["match_text"])
        for etype in ("Diagnosis", "Procedure", "Lab"):
            of_type = info[info["STY"].isin(TYPE_STY[etype])]
            eligible = [c for c in of_type.index[of_type["n"] >= 2] if len(_holdout_options(by_code[c], mt_count))]
            pick = sorted(random.Random(f"{seed}:{etype}").sample(eligible, min(n_per_type, len(eligible))))
            for code in pick:
                part = by_code[code]
                rng = item_rng(seed, SNOMED, code)
                options = _holdout_options(part, mt_count)
                row = options.iloc[rng.randrange(len(options))]
                heldout[code] = str(row["match_text"])
                source = _untagged(str(row["STR"]))
                query, ops = _noisy_not_trivial(source, rng, existing, noisy_variant)
                gold_rows.append(_gold(query, etype, code, part.iloc[0]["STR"], SNOMED, HELDOUT, source, ops))
            if fill and len(pick) < n_per_type:
                singles = sorted(of_type.index[of_type["n"] == 1])
                extra = random.Random(f"{seed}:{etype}:fill").sample(singles, min(n_per_type - len(pick), len(singles)))
                for code in sorted(extra):
                    part = by_code[code]
                    rng = item_rng(seed, SNOMED, code, "fill")
                    source = _untagged(str(part.iloc[0]["STR"]))
                    query, ops = _noisy_not_trivial(source, rng, existing, noisy_variant)
                    gold_rows.append(_gold(query, etype, code, part.iloc[0]["STR"], SNOMED, NOISY_NAME, source, ops))

    if RXNORM in tables:
        t = tables[RXNORM]
        names = t[t["TTY"].isin(["SCD", "IN"])].drop_duplicates("CODE")
        scd = sorted(names.loc[names["TTY"] == "SCD", "CODE"])
        ins = sorted(names.loc[names["TTY"] == "IN", "CODE"])
        n_in = min(len(ins), n_per_type // 3)
        n_scd = min(len(scd), n_per_type - n_in)
        rs = random.Random(f"{seed}:Medicine")
        pick = set(rs.sample(scd, n_scd)) | set(rs.sample(ins, n_in))
        existing = set(t["match_text"])
        for _, row in names[names["CODE"].isin(pick)].sort_values("CODE").iterrows():
            rng = item_rng(seed, RXNORM, row["CODE"])
            query, ops = _noisy_not_trivial(str(row["STR"]), rng, existing,
                                            lambda s, r, tty=str(row["TTY"]): drug_variant(s, tty, r))
            gold_rows.append(_gold(query, "Medicine", row["CODE"], row["STR"], RXNORM, NOISY_NAME, row["STR"], ops))

    gold = pd.DataFrame(gold_rows)
    paths = write_reduced_catalogs(catalog_paths, heldout, Path(out_dir) / "synthetic_catalog") if out_dir else []
    return paths, gold


def _holdout_options(part: pd.DataFrame, mt_count: pd.Series) -> pd.DataFrame:
    """Rows of one code that may be held out: not the preferred (first) name, not a string another code
    shares, not trivially short."""
    options = part.iloc[1:]
    return options[(options["match_text"] != part.iloc[0]["match_text"])
                   & options["match_text"].map(lambda m: mt_count[m] == 1)
                   & (options["match_text"].str.len() >= 4)]


def _untagged(s: str) -> str:
    return re.sub(r"\s*\([a-z /]+\)\s*$", "", s).strip()


def _noisy_not_trivial(source: str, rng: random.Random, avoid: set[str], fn) -> tuple[str, list[str]]:
    """A noisy variant whose match text is not one of ``avoid`` (a remaining string of the catalog)."""
    query, ops = source, []
    for _ in range(8):
        query, ops = fn(source, rng)
        if match_text(query) not in avoid:
            return query, ops
    return query, ops


def _gold(query, etype, code, desc, system, variant, source, ops) -> dict:
    return {GOLD_TEXT: query, GOLD_TYPE: etype, GOLD_CODE: str(code), "Standard System": system,
            "Standard Description": str(desc), "Variant": variant, "Source String": str(source),
            "Noise": "+".join(ops)}


def write_reduced_catalogs(catalog_paths: list[str | Path], heldout: dict[str, str], out_dir: Path) -> list[str]:
    """Copy each catalog file with the held-out rows removed: every row of a held-out code whose match
    text equals the held-out one (so an FN and an SY that read the same both go). Schema untouched."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for p in catalog_paths:
        df = pd.read_parquet(p)
        code = df["CODE"].astype("string").str.strip()
        hit = code.isin(list(heldout)) & (df["System"].astype("string").str.strip() == SNOMED)
        drop = pd.Series(False, index=df.index)
        if hit.any():
            sub = df.loc[hit]
            drop.loc[hit] = [match_text(str(s)) == heldout[str(c).strip()] for s, c in zip(sub["STR"], sub["CODE"])]
        out = out_dir / Path(p).name
        df.loc[~drop].to_parquet(out, index=False)
        paths.append(str(out))
    return paths


# ------------------------------------------------------------------------------------------ public sets
def cadec(path: str | Path) -> pd.DataFrame:
    """The CADEC gold (already in the gold format, Diagnosis): loaded and checked, returned in gold format."""
    gold = read_gold(path)
    bad_type = sorted(set(gold["entity_type"].astype(str)) - {"Diagnosis"})
    if bad_type:
        raise ValueError(f"{path}: expected Entity Type 'Diagnosis' only, found {bad_type}")
    bad = [c for codes in gold["codes"] for c in codes if not c.isdigit()]
    if bad:
        raise ValueError(f"{path}: {len(bad)} SNOMED code(s) are not digit strings, e.g. {bad[:3]}")
    if gold["text"].isna().any() or (gold["text"].astype(str).str.strip() == "").any():
        raise ValueError(f"{path}: rows with an empty {GOLD_TEXT!r}")
    return pd.DataFrame({GOLD_TEXT: gold["text"], GOLD_TYPE: gold["entity_type"],
                         GOLD_CODE: [";".join(c) for c in gold["codes"]]})


def main(argv: list[str] | None = None) -> int:
    repo = Path(__file__).resolve().parents[2]
    ap = argparse.ArgumentParser(prog="make_devsets", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--catalog", nargs="+", default=sorted(str(p) for p in (repo / "data" / "catalogs").glob("demo_*.parquet")),
                    help="catalog parquet files (default: data/catalogs/demo_*.parquet)")
    ap.add_argument("--out", required=True, help="directory for synthetic_gold.csv and synthetic_catalog/")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--n-per-type", type=int, default=250)
    ap.add_argument("--no-fill", action="store_true", help="do not top up short types with noisy names")
    ap.add_argument("--cadec", help="also check the CADEC gold at this path and copy it to OUT/cadec_gold.csv")
    args = ap.parse_args(argv)
    out = Path(args.out)
    paths, gold = synthetic_heldout(args.catalog, args.n_per_type, args.seed, out, fill=not args.no_fill)
    gold.to_csv(out / "synthetic_gold.csv", index=False)
    counts = gold.groupby([GOLD_TYPE, "Variant"]).size()
    manifest = {"seed": args.seed, "n_per_type": args.n_per_type, "catalog": [str(c) for c in args.catalog],
                "reduced_catalog": paths, "rows": len(gold),
                "counts": {f"{t}/{v}": int(n) for (t, v), n in counts.items()}}
    if args.cadec:
        c = cadec(args.cadec)
        c.to_csv(out / "cadec_gold.csv", index=False)
        manifest["cadec_rows"] = len(c)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    print(f"[devsets] {len(gold)} gold rows -> {out / 'synthetic_gold.csv'}; catalog -> {out / 'synthetic_catalog'}")
    print(counts.to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
