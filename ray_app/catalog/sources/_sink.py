"""What every format converter shares: the canonical schema, the conversion report and the parquet sink.

The sink validates each chunk (ray_app.catalog.sources.validate), counts what it rejects and appends the
rest to one parquet file per system, so memory stays bounded by the chunk size. Files are written under a
temporary name and renamed only when the whole conversion succeeded: a failed run never leaves a partial
catalog that load_catalog would happily read.
"""
from __future__ import annotations

import json
import os
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ray_app.catalog.load import RELEASE_KEY, REQUIRED_COLUMNS, SYSTEMS, CatalogError
from ray_app.catalog.sources.validate import row_reasons

CANON = REQUIRED_COLUMNS
SCHEMA = pa.schema([(c, pa.string()) for c in CANON])
ISA_SCHEMA = pa.schema([("child", pa.string()), ("parent", pa.string())])
FILE_STEM = {"SNOMEDCT_US": "snomed", "RXNORM": "rxnorm"}
MAX_EXAMPLES = 3
# UMLS LAT codes -> the ISO 639-1 codes RF2 (languageCode) and FHIR (designation.language) use.
LANG2 = {"ENG": "en", "SPA": "es", "FRE": "fr", "GER": "de", "DUT": "nl", "SWE": "sv", "DAN": "da", "NOR": "no"}


def lang2(language: str | None) -> str | None:
    return LANG2.get(language.upper(), language.lower()[:2]) if language else None


class SourceError(CatalogError):
    """A terminology release that cannot be converted, with the file named."""


class Report:
    """Counts for the conversion report: nothing is filtered or rejected without a counter saying so."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.rows_read: Counter = Counter()  # per source file
        self.filtered: Counter = Counter()   # dropped by design (other SAB, language, suppressed, inactive)
        self.rejected: Counter = Counter()   # dropped as invalid (bad identifier, malformed line)
        self.examples: dict[str, list] = {}
        self.written: Counter = Counter()
        self.notes: Counter = Counter()      # informational (unmapped semantic tags, skipped FHIR systems)
        self.release: dict[str, str] = {}
        self.formats: list[str] = []

    def read(self, source, n: int) -> None:
        self.rows_read[str(source)] += int(n)

    def filter(self, reason: str, n) -> None:
        if int(n):
            self.filtered[reason] += int(n)

    def reject(self, reason: str, n: int, examples: list) -> None:
        self.rejected[reason] += int(n)
        ex = self.examples.setdefault(reason, [])
        ex.extend(examples[: MAX_EXAMPLES - len(ex)])

    def as_dict(self, files: dict[str, str]) -> dict:
        elapsed = time.perf_counter() - self.t0
        total = sum(self.rows_read.values())
        return {
            "formats": self.formats, "release": dict(self.release), "rows_read": total,
            "rows_read_by_file": dict(self.rows_read), "rows_written": dict(self.written),
            "filtered": dict(self.filtered), "rejected": dict(self.rejected), "rejected_examples": self.examples,
            "notes": dict(self.notes), "files": files, "elapsed_s": round(elapsed, 3),
            "rows_per_s": round(total / elapsed, 1) if elapsed > 0 else None,
        }


def out_paths(out: str | Path) -> dict[str, Path]:
    """``out`` is a directory (existing, or written with a trailing slash): files are named catalog_*.parquet
    in it; otherwise it is a prefix: ``<out>_snomed.parquet`` etc. (so a directory means prefix ``dir/catalog``)."""
    s = str(out)
    prefix = Path(s) / "catalog" if (s.endswith(("/", os.sep)) or Path(s).is_dir()) else Path(s)
    paths = {sys: prefix.with_name(f"{prefix.name}_{stem}.parquet") for sys, stem in FILE_STEM.items()}
    paths["isa"] = prefix.with_name(f"{prefix.name}_isa.parquet")
    return paths


class Sink:
    """Validating, appending writer of canonical rows (one parquet per system) and IS-A edges."""

    def __init__(self, out: str | Path, report: Report, systems=SYSTEMS) -> None:
        self.paths, self.report, self.systems = out_paths(out), report, set(systems)
        self.writers: dict[str, pq.ParquetWriter] = {}

    def _writer(self, key: str, schema: pa.Schema) -> pq.ParquetWriter:
        if key not in self.writers:
            final = self.paths[key]
            final.parent.mkdir(parents=True, exist_ok=True)
            self.writers[key] = pq.ParquetWriter(final.with_name(final.name + ".tmp"), schema)
        return self.writers[key]

    def write(self, frame: pd.DataFrame) -> None:
        """Append canonical rows (all six columns, strings); invalid rows are counted as rejected."""
        if frame.empty:
            return
        frame = frame.assign(STR=frame["STR"].str.strip(), CODE=frame["CODE"].str.strip())
        for system, part in frame.groupby("System", sort=True):
            if system not in SYSTEMS:
                raise SourceError(f"internal: converter produced System {system!r}")
            if system not in self.systems:
                self.report.filter(f"System {system} not selected", len(part))
                continue
            reasons = row_reasons(system, part["CODE"].to_numpy(object), part["STR"].to_numpy(object))
            bad = reasons != ""
            for reason in pd.unique(reasons[bad]):
                sel = part[reasons == reason]
                self.report.reject(reason, len(sel), sel[["CODE", "STR"]].head(MAX_EXAMPLES).to_dict("records"))
            good = part[~bad]
            if len(good):
                table = pa.Table.from_pandas(good[list(CANON)], schema=SCHEMA, preserve_index=False)
                self._writer(system, SCHEMA).write_table(table)
                self.report.written[system] += len(good)

    def write_isa(self, child: np.ndarray, parent: np.ndarray) -> None:
        if len(child):
            table = pa.table({"child": pa.array(child.astype(str)), "parent": pa.array(parent.astype(str))},
                             schema=ISA_SCHEMA)
            self._writer("isa", ISA_SCHEMA).write_table(table)
            self.report.written["isa_edges"] += len(child)

    def close(self) -> dict[str, str]:
        """Finish every file and move it to its final name; returns {system or 'isa': path}."""
        files = {}
        for key, w in self.writers.items():
            if self.report.release:  # the release name travels with the file into the index (its version)
                w.add_key_value_metadata({RELEASE_KEY: json.dumps(self.report.release, sort_keys=True)})
            w.close()
            final = self.paths[key]
            os.replace(final.with_name(final.name + ".tmp"), final)
            files[key] = str(final)
        self.writers = {}
        return files

    def abort(self) -> None:
        for key, w in self.writers.items():
            w.close()
            self.paths[key].with_name(self.paths[key].name + ".tmp").unlink(missing_ok=True)
        self.writers = {}
