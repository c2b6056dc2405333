"""FHIR R4 terminology resources -> canonical rows: ValueSet expansions (expansion.contains[], nested) or
enumerated compose.include[].concept[], CodeSystem concept[] (nested, with designation[]), Bundles of
those, a directory of JSON files or a FHIR npm package (.tgz with package/*.json).

Only SNOMED CT and RxNorm system URIs map to catalog systems; concepts of other systems are skipped and
counted per URI. SNOMED names: display -> PT, FSN designation -> FN (its semantic tag gives the STY),
other designations -> SY. RxNorm has no TTY in FHIR unless a concept property says so ('TTY').
Each JSON file is parsed whole (stdlib json); rows are written in chunks.
"""
from __future__ import annotations

import json
import tarfile
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from ray_app.catalog.sources._sink import CANON, Report, Sink, SourceError, lang2
from ray_app.catalog.sources.rxnorm import sty_from_tty
from ray_app.catalog.sources.semantic_tags import sty_for_fsn

SYSTEM_URIS = {"http://snomed.info/sct": "SNOMEDCT_US", "http://www.nlm.nih.gov/research/umls/rxnorm": "RXNORM"}
FSN_USE = "900000000000003001"
RESOURCE_TYPES = ("ValueSet", "CodeSystem", "Bundle")


def _json_files(path: Path) -> Iterator[tuple[str, dict]]:
    """(name, parsed JSON) for a .json file, a directory of them, or an npm package tarball."""
    if path.is_dir():
        for f in sorted(path.rglob("*.json")):
            yield from _json_files(f)
    elif path.name.endswith((".tgz", ".tar.gz")):
        with tarfile.open(path, "r:gz") as tar:
            for m in tar:  # streamed member by member; package.json is the npm manifest
                if m.isfile() and m.name.startswith("package/") and m.name.endswith(".json"):
                    yield f"{path.name}:{m.name}", json.load(tar.extractfile(m))
    else:
        try:
            yield path.name, json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SourceError(f"{path}: not a FHIR JSON file ({exc})") from exc


def resources(path: Path, report: Report) -> Iterator[tuple[str, dict]]:
    for name, doc in _json_files(path):
        if name.endswith("package/package.json") and "name" in doc:
            report.release["fhir_package"] = f"{doc['name']}@{doc.get('version', '?')}"
            continue
        kind = doc.get("resourceType") if isinstance(doc, dict) else None
        if kind == "Bundle":
            for entry in doc.get("entry", []):
                res = entry.get("resource") or {}
                if res.get("resourceType") in ("ValueSet", "CodeSystem"):
                    yield name, res
        elif kind in ("ValueSet", "CodeSystem"):
            yield name, doc
        else:
            report.notes[f"JSON skipped (not a ValueSet/CodeSystem/Bundle): {kind or 'no resourceType'}"] += 1


def _walk(items: list, system: str | None) -> Iterator[tuple[str | None, dict]]:
    """Depth-first over nested contains[]/concept[] without recursion (deep hierarchies); children inherit
    the CodeSystem's system, expansion items carry their own."""
    stack = [(system, it) for it in reversed(items or [])]
    while stack:
        sys_uri, it = stack.pop()
        sys_uri = it.get("system", sys_uri)
        yield sys_uri, it
        kids = it.get("contains") or it.get("concept") or []
        stack.extend((sys_uri, k) for k in reversed(kids))


def _items(res: dict) -> Iterator[tuple[str | None, dict]]:
    if res["resourceType"] == "CodeSystem":
        yield from _walk(res.get("concept", []), res.get("url"))
    elif "expansion" in res:
        yield from _walk(res["expansion"].get("contains", []), None)
    else:  # an enumerated ValueSet: compose.include[].concept[]
        for inc in res.get("compose", {}).get("include", []):
            yield from _walk(inc.get("concept", []), inc.get("system"))


def _prop(it: dict, code: str):
    for p in it.get("property", []) or []:
        if str(p.get("code", "")).lower() == code:
            return next((v for k, v in p.items() if k.startswith("value")), None)
    return None


def _inactive(it: dict) -> bool:
    return it.get("inactive") is True or _prop(it, "inactive") is True or _prop(it, "status") in ("retired", "inactive")


def concept_rows(system: str, it: dict, lang: str | None, report: Report) -> list[tuple]:
    """(System, TTY, CODE, STR, STY) rows for one concept: its display and its designations in ``lang``."""
    code, display = str(it["code"]).strip(), (it.get("display") or "").strip()
    names, fsn = [], None
    for d in it.get("designation", []) or []:
        dl, value = d.get("language"), (d.get("value") or "").strip()
        if lang and dl and not dl.lower().startswith(lang):
            report.filter("designation in another language", 1)
            continue
        is_fsn = (d.get("use") or {}).get("code") == FSN_USE
        fsn = value if is_fsn and fsn is None else fsn
        names.append(("FN" if is_fsn else "SY", value))
    if system == "SNOMEDCT_US":
        tty, sty = "PT", (sty_for_fsn(fsn)[0] if fsn else "")
    else:
        tty = str(_prop(it, "tty") or "")
        sty = sty_from_tty(np.array([tty], dtype=object))[0] if tty else ""
    rows = [(tty, display)] if display else []
    rows += [(t, v) for t, v in names if v and v != display]
    if not rows:  # a code with no name at all: let the sink reject and count it
        rows = [(tty, "")]
    return [(system, t, code, v, sty) for t, v in rows]


def _flush(rows: list, sink: Sink) -> None:
    if rows:
        frame = pd.DataFrame(rows, columns=["System", "TTY", "CODE", "STR", "STY"]).assign(CUI="")
        sink.write(frame[list(CANON)])
        rows.clear()


def convert(files: dict[str, list[Path]], sink: Sink, report: Report, *, language: str | None = "ENG",
            chunk_rows: int = 200_000) -> None:
    """``files``: {'json': [JSON files, directories, npm .tgz packages]}."""
    lang, rows, versions = lang2(language), [], set()
    for path in files.get("json", []):
        for name, res in resources(path, report):
            if res.get("version"):
                versions.add(str(res["version"]))
            n = 0
            for uri, it in _items(res):
                if "code" not in it:  # a grouping node of an expansion: only its children are codes
                    continue
                n += 1
                system = SYSTEM_URIS.get((uri or "").rstrip("/"))
                if system is None:
                    report.filter(f"system not SNOMED CT/RxNorm: {uri}", 1)
                elif _inactive(it):
                    report.filter("inactive concept (FHIR)", 1)
                else:
                    rows.extend(concept_rows(system, it, lang, report))
                    if it.get("version"):
                        versions.add(str(it["version"]))
                if len(rows) >= chunk_rows:
                    _flush(rows, sink)
            report.read(name, n)
    _flush(rows, sink)
    if versions:
        report.release["fhir"] = "; ".join(sorted(versions))
