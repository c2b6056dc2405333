"""Catalog ingest from real terminology release formats into the canonical parquet (CUI, System, TTY,
CODE, STR, STY) that ray_app.catalog.load reads.

    detect(paths) -> 'umls' | 'rxnorm' | 'rf2' | 'fhir'
    convert(sources, out, *, sabs=..., language='ENG', chunk_rows=200_000) -> report dict

Formats: UMLS MRCONSO/MRSTY (umls), RxNorm RXNCONSO/RXNSTY (rxnorm), SNOMED CT RF2 snapshot (rf2), FHIR R4
ValueSet/CodeSystem JSON, directories of them and npm package tarballs (fhir). A directory source is
searched for the files a format needs (other files are ignored); a named file must be recognisable by
its name or its first line. Sources of several formats may be converted together (e.g. RF2 for SNOMED CT
plus RXNCONSO for RxNorm): rows of one system from every source go to one file.
"""
from __future__ import annotations

import re
from pathlib import Path

from ray_app.catalog.load import SYSTEMS
from ray_app.catalog.sources import fhir, rf2, rxnorm, umls
from ray_app.catalog.sources._sink import Report, Sink, SourceError

__all__ = ["detect", "classify", "convert", "SourceError", "FORMATS"]

FORMATS = ("umls", "rxnorm", "rf2", "fhir")
CONVERTERS = {"umls": umls.convert, "rxnorm": rxnorm.convert, "rf2": rf2.convert, "fhir": fhir.convert}
_RRF_NAMES = (("MRCONSO", "umls", "conso"), ("MRSTY", "umls", "sty"),
              ("RXNCONSO", "rxnorm", "conso"), ("RXNSTY", "rxnorm", "sty"))
_RF2_HEADERS = {  # first line of each RF2 file we read -> its role
    "id effectiveTime active moduleId definitionStatusId": "concept",
    "id effectiveTime active moduleId conceptId languageCode typeId term caseSignificanceId": "description",
    "id effectiveTime active moduleId refsetId referencedComponentId acceptabilityId": "language",
    "id effectiveTime active moduleId sourceId destinationId relationshipGroup typeId characteristicTypeId "
    "modifierId": "relationship",
}


def _sniff(path: Path) -> tuple[str, str] | None:
    """Format and role from the first bytes, for files renamed away from their release names."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if head[:2] == b"\x1f\x8b":
        return "fhir", "json"  # gzip: an npm package
    if head.lstrip()[:1] in (b"{", b"["):
        return "fhir", "json"
    line = head.split(b"\n", 1)[0].decode("utf-8", errors="replace").rstrip("\r")
    fields = line.split("|")
    if len(fields) in (19, 7):  # MRCONSO/RXNCONSO (18 fields + trailing '|') or MRSTY/RXNSTY (6 + '|')
        role = "conso" if len(fields) == 19 else "sty"
        if role == "conso" or re.fullmatch(r"T[0-9]{3}", fields[1]):
            return ("umls" if re.fullmatch(r"C[0-9]{7}", fields[0]) else "rxnorm"), role
    role = _RF2_HEADERS.get(" ".join(line.split("\t")))
    return ("rf2", role) if role else None


def classify(path: str | Path) -> tuple[str, str] | None:
    """(format, role) of one file, by its release name first, else by content; None when not recognised."""
    path = Path(path)
    up = path.name.upper()
    for prefix, fmt, role in _RRF_NAMES:
        if up.startswith(prefix):
            return fmt, role
    for role, prefix in rf2.ROLES.items():
        if path.name.startswith(prefix):
            return "rf2", role
    if path.name.endswith((".json", ".tgz", ".tar.gz")):
        return "fhir", "json"
    return _sniff(path) if path.is_file() else None


def _group(sources: list[str | Path]) -> dict[str, dict[str, list[Path]]]:
    groups: dict[str, dict[str, list[Path]]] = {}
    for src in map(Path, sources):
        if not src.exists():
            raise SourceError(f"source not found: {src}")
        if src.is_dir() and any(classify(f) == ("fhir", "json") for f in src.glob("*.json")):
            found = [(src, ("fhir", "json"))]  # a directory of FHIR JSON: fhir walks it itself
        elif src.is_dir():  # a release folder: the files we use, Snapshot only for RF2 (it ships Full/Delta too)
            found = [(f, c) for f in sorted(src.rglob("*")) if f.is_file() and (c := classify(f))
                     and not (c[0] == "rf2" and "Snapshot" not in f.name and f.name.startswith(("sct2_", "der2_")))]
        else:
            c = classify(src)
            if c is None:
                raise SourceError(f"{src}: not a recognised terminology file (expected MRCONSO/MRSTY, "
                                  "RXNCONSO/RXNSTY, RF2 sct2_/der2_ snapshot files or FHIR JSON/.tgz)")
            found = [(src, c)]
        for f, (fmt, role) in found:
            groups.setdefault(fmt, {}).setdefault(role, []).append(f)
    if not groups:
        raise SourceError(f"no terminology files found in {[str(s) for s in sources]}")
    return groups


def detect(paths: list[str | Path]) -> str:
    """The one release format of ``paths`` (files or folders); SourceError when none or several."""
    groups = _group(list(paths))
    if len(groups) > 1:
        raise SourceError(f"several formats in {[str(p) for p in paths]}: {sorted(groups)}")
    return next(iter(groups))


def convert(sources: list[str | Path], out_dir_or_prefix: str | Path, *, sabs=umls.DEFAULT_SABS,
            language: str | None = "ENG", chunk_rows: int = 200_000) -> dict:
    """Convert terminology releases to catalog_snomed.parquet / catalog_rxnorm.parquet (+ catalog_isa.parquet
    from RF2 relationships) in ``out_dir_or_prefix`` (a directory; otherwise a prefix: <prefix>_snomed.parquet).

    ``sabs``: the systems to keep (SNOMEDCT_US, RXNORM); ``language``: UMLS LAT code (ENG), mapped to the
    RF2/FHIR language code, None for all; ``chunk_rows``: rows per streamed chunk (bounds memory).
    Returns the report (rows read/written, filtered and rejected per reason with examples, release, speed).
    Nothing is written unless the whole conversion succeeds and produced rows.
    """
    bad = set(sabs) - set(SYSTEMS)
    if bad:
        raise SourceError(f"sabs {sorted(bad)}: the canonical catalog holds only {list(SYSTEMS)}")
    groups = _group(list(sources))
    report = Report()
    report.formats = [f for f in FORMATS if f in groups]
    sink = Sink(out_dir_or_prefix, report, systems=sabs)
    try:
        for fmt in report.formats:
            kw = {"sabs": tuple(sabs)} if fmt == "umls" else {}
            CONVERTERS[fmt](groups[fmt], sink, report, language=language, chunk_rows=chunk_rows, **kw)
        if not any(report.written[s] for s in SYSTEMS):
            raise SourceError(f"{[str(s) for s in sources]}: no catalog rows written "
                              f"(filtered {dict(report.filtered)}, rejected {dict(report.rejected)})")
        files = sink.close()
    except BaseException:
        sink.abort()
        raise
    return report.as_dict(files)
