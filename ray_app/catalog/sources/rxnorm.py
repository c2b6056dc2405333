"""RxNorm full release: RXNCONSO.RRF (+ RXNSTY.RRF when present) -> canonical RXNORM rows.

Only SAB=RXNORM rows are RxNorm's own names (the file also carries the source vocabularies it
integrates: MTHSPL, VANDF, ...). CODE is the RXCUI. There is no UMLS CUI in this release, so CUI is
empty. Without RXNSTY (or for an RXCUI it lacks) STY follows the term type, as in the demo catalog.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ray_app.catalog.sources._sink import Report, Sink, SourceError
from ray_app.catalog.sources.rrf import StyTable, conso_frames

# Ingredients are substances; every other RxNorm concept (drug, component, form group, pack) is a drug.
_SUBSTANCE_TTYS = {"IN", "PIN", "MIN"}
_DRUG_TTYS = {"SCD", "SBD", "SCDC", "SBDC", "SCDF", "SBDF", "SCDG", "SBDG", "GPCK", "BPCK", "BN", "PSN", "SY", "TMSY"}
_RELEASE = re.compile(r"RxNorm_[A-Za-z]+_([0-9]{2})([0-9]{2})([0-9]{4})")


def sty_from_tty(tty: np.ndarray) -> np.ndarray:
    """Pharmacologic Substance for ingredients, Clinical Drug for drug-level TTYs, '' otherwise (dose forms)."""
    out = np.full(len(tty), "", dtype=object)
    out[np.isin(tty, list(_SUBSTANCE_TTYS))] = "Pharmacologic Substance"
    out[np.isin(tty, list(_DRUG_TTYS))] = "Clinical Drug"
    return out


def release_of(path: Path) -> str | None:
    """Release date from the unzipped folder name RxNorm_full_MMDDYYYY (as YYYY-MM-DD)."""
    m = _RELEASE.search(str(path.resolve()))
    return f"{m.group(3)}-{m.group(1)}-{m.group(2)}" if m else None


def convert(files: dict[str, list[Path]], sink: Sink, report: Report, *, language: str | None = "ENG",
            chunk_rows: int = 200_000) -> None:
    """``files``: {'conso': [RXNCONSO.RRF], 'sty': [RXNSTY.RRF] (optional; looked for next to RXNCONSO)}."""
    conso, stys = files.get("conso", []), files.get("sty", [])
    if not conso:
        raise SourceError(f"RxNorm: no RXNCONSO.RRF among {files}")
    if not stys:  # the full release has it next to RXNCONSO even when only RXNCONSO was named
        stys = [p for p in (conso[0].with_name("RXNSTY.RRF"),) if p.is_file()]
    sty = StyTable.from_rrf(stys[0], report, chunk_rows) if stys else None
    for path in conso:
        release = release_of(path)
        if release:
            report.release["rxnorm"] = release
        for frame in conso_frames(path, sabs=("RXNORM",), language=language, report=report, chunk_rows=chunk_rows,
                                  sty=sty, umls_cui=False, code_from_cui=True, sty_fallback=sty_from_tty):
            sink.write(frame)
