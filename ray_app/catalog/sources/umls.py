"""UMLS Metathesaurus: MRCONSO.RRF (+ MRSTY.RRF) -> canonical rows for the selected sources (SAB).

The UMLS CUI is kept (it is the one place a concept's cross-vocabulary identity is known) and the STY
comes from MRSTY by CUI, one per CUI by StyTable's rule. Each SAB's CODE is its own code (the SNOMED CT
concept id, the RXCUI), which is what the engine returns.
"""
from __future__ import annotations

import re
from pathlib import Path

from ray_app.catalog.load import SYSTEMS
from ray_app.catalog.sources._sink import Report, Sink, SourceError
from ray_app.catalog.sources.rrf import StyTable, conso_frames

DEFAULT_SABS = ("SNOMEDCT_US", "RXNORM")
_RELEASE_IN_PATH = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2}A[AB])(?![A-Za-z0-9])")


def release_of(mrconso: Path) -> str | None:
    """UMLS release name (e.g. 2024AA): release.dat next to META/ or above it, else the path ('2024AA/META')."""
    for d in (mrconso.parent, mrconso.parent.parent):
        dat = d / "release.dat"
        if dat.is_file():
            for line in dat.read_text(errors="replace").splitlines():
                if line.strip().startswith("umls.release.name="):
                    return line.split("=", 1)[1].strip()
    m = _RELEASE_IN_PATH.search(str(mrconso.resolve()))
    return m.group(1) if m else None


def convert(files: dict[str, list[Path]], sink: Sink, report: Report, *, sabs=DEFAULT_SABS,
            language: str | None = "ENG", chunk_rows: int = 200_000) -> None:
    """Write the MRCONSO rows of ``sabs`` (SUPPRESS O/E/Y dropped, LAT = ``language``) with their MRSTY type.
    ``files``: {'conso': [MRCONSO.RRF], 'sty': [MRSTY.RRF]} (MRSTY is looked for next to MRCONSO if absent)."""
    bad = set(sabs) - set(SYSTEMS)
    if bad:
        raise SourceError(f"sabs {sorted(bad)}: the canonical catalog holds only {list(SYSTEMS)}")
    conso, stys = files.get("conso", []), files.get("sty", [])
    if not conso:
        raise SourceError(f"UMLS: no MRCONSO.RRF among {files}")
    if not stys:  # a release has it next to MRCONSO even when only MRCONSO was named
        stys = [p for p in (conso[0].with_name("MRSTY.RRF"),) if p.is_file()]
    if not stys:
        raise SourceError(f"UMLS: no MRSTY.RRF next to {conso[0]} (needed for STY); pass it too")
    sty = StyTable.from_rrf(stys[0], report, chunk_rows)
    for path in conso:
        release = release_of(path)
        if release:
            report.release["umls"] = release
        for frame in conso_frames(path, sabs=tuple(sabs), language=language, report=report, chunk_rows=chunk_rows,
                                  sty=sty, umls_cui=True, code_from_cui=False):
            sink.write(frame)
