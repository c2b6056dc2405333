"""Read-only concept look-ups over a loaded ``IndexBundle``: code -> its strings, display name, STY, TTY.

These answer ``GET /v1/concept/{system}/{code}`` and the FHIR ``CodeSystem/$lookup`` /
``$validate-code`` operations. They read the bundle's per-system catalog table (sorted by code, a code's
rows contiguous, its first row the preferred display name: ``ray_app.catalog.load``), so a look-up is a
binary search, with no extra index and no copy of the table.

Also here: the names of the coding systems (internal ``RXNORM`` / ``SNOMEDCT_US``, FHIR URIs, short
aliases) and the entity types the router accepts, so the API and the FHIR layer spell them one way.
"""
from __future__ import annotations


from ray_app.text.normalize import ENTITY_SYSTEM, canonical_entity_type

SNOMED_URI = "http://snomed.info/sct"
RXNORM_URI = "http://www.nlm.nih.gov/research/umls/rxnorm"
SYSTEM_URI = {"SNOMEDCT_US": SNOMED_URI, "RXNORM": RXNORM_URI}
SYSTEM_TITLE = {"SNOMEDCT_US": "SNOMED CT", "RXNORM": "RxNorm"}
_ALIASES = {"snomedct_us": "SNOMEDCT_US", "snomedct": "SNOMEDCT_US", "snomed": "SNOMEDCT_US", "sct": "SNOMEDCT_US",
            SNOMED_URI: "SNOMEDCT_US", "rxnorm": "RXNORM", "rxn": "RXNORM", RXNORM_URI: "RXNORM"}


def system_name(value: str | None) -> str | None:
    """``SNOMEDCT_US``/``snomed``/``http://snomed.info/sct`` -> ``SNOMEDCT_US``; None when unknown."""
    if not value:
        return None
    v = value.strip()
    return _ALIASES.get(v) or _ALIASES.get(v.rstrip("/")) or _ALIASES.get(v.lower())


def known_systems_text() -> str:
    return ", ".join(f"{n} ({u})" for n, u in SYSTEM_URI.items())


def entity_types() -> dict[str, str]:
    """Canonical entity type -> the coding system it routes to (variants such as ``dx`` are accepted too)."""
    return dict(ENTITY_SYSTEM)


def entity_type_or_none(value: str | None) -> str | None:
    return canonical_entity_type(value) if value else None


def unknown_type_message(value: str | None) -> str:
    return (f"unknown entity type {value!r}; use one of {', '.join(ENTITY_SYSTEM)} "
            "(variants such as 'Medication', 'dx', 'Lab Test' are accepted)")


def concept(bundle, system: str, code: str) -> dict | None:
    """Every catalog string of ``code`` in ``system`` (internal name), its display name, STY and TTY; None when
    absent."""
    si = bundle.systems.get(system)
    if si is None:
        return None
    c = si.code_position(str(code).strip())
    if c is None:
        return None
    # the catalog's own strings: LLM enrichment rows (the last of a code) are no designation of the code,
    # and a display $validate-code accepts must be the terminology's own
    lo, hi = int(si.code_start[c]), int(si.code_start[c + 1] if si.own_end is None else si.own_end[c])
    strings = [{"text": str(si.row_str[r]), "tty": str(si.row_tty[r]), "sty": str(si.row_sty_name[r])}
               for r in range(lo, hi)]
    sty = list(dict.fromkeys(s["sty"] for s in strings if s["sty"]))
    first = strings[0]
    return {"system": system, "system_uri": SYSTEM_URI.get(system), "code": str(si.codes[c]),
            "display": first["text"], "tty": first["tty"], "sty": sty, "strings": strings}


def validate(found: dict | None, system: str, code: str, display: str | None = None) -> dict:
    """``$validate-code`` over a ``concept()`` answer: is ``code`` in ``system``, and is ``display`` (when
    given) one of its strings (case and spacing forgiven)?"""
    if found is None:
        return {"result": False, "message": f"code {code!r} is not in {SYSTEM_TITLE.get(system, system)} "
                                            "(this server's catalog)"}
    out = {"result": True, "display": found["display"]}
    if display is not None:
        wanted = " ".join(display.lower().split())
        if wanted not in {" ".join(s["text"].lower().split()) for s in found["strings"]}:
            out.update(result=False, message=f"display {display!r} is not a string of code {found['code']}; "
                                             f"its display is {found['display']!r}")
    return out
