"""Catalog inputs of ``harmonize build`` and ``harmonize enrich``: canonical parquet files (or folders of
them) as they are, and terminology releases (anything ``harmonize catalog convert`` reads: UMLS / RxNorm
RRF, SNOMED CT RF2 snapshots, FHIR JSON / npm tarballs) converted on the fly into ``work_dir``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ray_app.catalog.load import SYSTEMS, CatalogError


def _parquets(p: Path) -> list[Path] | None:
    """The canonical parquet file(s) ``p`` stands for, or None when it is a release source."""
    if p.is_file():
        return [p] if p.suffix == ".parquet" else None
    if p.is_dir():
        from ray_app.catalog.sources import classify

        files = [f for f in sorted(p.rglob("*")) if f.is_file()]
        if any(f.suffix != ".parquet" and classify(f) for f in files):
            return None  # a release folder (which may also hold parquet files of its own)
        found = [f for f in files if f.suffix == ".parquet" and f.parent == p]
        if not found:
            raise CatalogError(f"{p}: neither catalog parquet files nor terminology release files")
        return found
    raise CatalogError(f"catalog source not found: {p}")


def resolve_catalogs(paths: list[str], work_dir: str | Path,
                     log: Callable[[str], None] = print) -> tuple[list[str], dict | None]:
    """(catalog parquet paths, the conversion report or None). Release sources are converted together
    (one file per system, SNOMEDCT_US and RXNORM, English) into ``work_dir``; the IS-A edges RF2 gives are
    not part of an index."""
    parquet, releases = [], []
    for p in map(Path, paths):
        found = _parquets(p)
        if found is None:
            releases.append(p)
        else:
            parquet.extend(str(f) for f in found)
    if not releases:
        return parquet, None
    from ray_app.catalog.sources import convert

    log(f"[catalog] converting release source(s) {', '.join(map(str, releases))}")
    report = convert(releases, str(Path(work_dir)) + "/")
    rejected = sum(report["rejected"].values())
    log(f"[catalog] converted {report['rows_read']:,} release rows at {report['rows_per_s'] or 0:,.0f}/s: written "
        f"{report['rows_written']}, filtered {sum(report['filtered'].values()):,}, rejected {rejected:,}"
        + (f" {report['rejected']}" if rejected else ""))
    return parquet + [v for k, v in report["files"].items() if k in SYSTEMS], report


def convert_summary(report: dict | None) -> dict | None:
    """What an index's meta.json keeps of a conversion report."""
    if report is None:
        return None
    keep = ("formats", "release", "rows_read", "rows_written", "filtered", "rejected", "rows_per_s")
    return {k: report[k] for k in keep}
