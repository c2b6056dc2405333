"""Rich Release Format (RRF) pieces shared by the UMLS (MRCONSO/MRSTY) and RxNorm (RXNCONSO/RXNSTY) readers.

RXNCONSO and RXNSTY have the same field order as MRCONSO and MRSTY (RXCUI in the CUI slot, RXAUI in the
AUI slot), so one reader serves both. Every line ends with '|', hence the trailing empty field.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ray_app.catalog.sources._sink import Report
from ray_app.catalog.sources._stream import int_keys, stream_table

CONSO_FIELDS = ["CUI", "LAT", "TS", "LUI", "STT", "SUI", "ISPREF", "AUI", "SAUI", "SCUI", "SDUI", "SAB", "TTY",
                "CODE", "STR", "SRL", "SUPPRESS", "CVF", "_end"]
STY_FIELDS = ["CUI", "TUI", "STN", "STY", "ATUI", "CVF", "_end"]
# SUPPRESS: N = not suppressible (keep); O = obsolete, E = suppressed by an editor, Y = suppressed by the source.
SUPPRESSED = ("O", "E", "Y")


class StyTable:
    """One semantic type per concept, chosen by a documented rule when MRSTY/RXNSTY lists several:
    the most specific one (deepest STN, the semantic-network tree number: Neoplastic Process B2.2.1.2.1.2
    beats Disease or Syndrome B2.2.1.2.1, Sign or Symptom A2.2.2 beats Finding A2.2); ties go to the higher
    TUI number, which puts functional chemical types ahead of structural ones (Pharmacologic Substance
    T121 over Organic Chemical T109) -- the engine's priors are written for the functional ones."""

    def __init__(self, keys: np.ndarray, codes: np.ndarray, names: np.ndarray) -> None:
        self.keys, self.codes, self.names = keys, codes, names

    @classmethod
    def from_rrf(cls, path: Path, report: Report, chunk_rows: int) -> "StyTable":
        keys, tuis, depths, codes, names = [], [], [], [], {}
        for b in stream_table(path, delimiter="|", names=STY_FIELDS, columns=["CUI", "TUI", "STN", "STY"],
                              report=report, chunk_rows=chunk_rows):
            keys.append(int_keys(b["CUI"]))
            tui = pc.if_else(pc.match_substring_regex(b["TUI"], r"^T[0-9]{1,6}$"),
                             pc.utf8_slice_codeunits(b["TUI"], 1), "0")
            tuis.append(pc.cast(tui, pa.int32()).to_numpy())
            depths.append(pc.add(pc.count_substring(b["STN"], "."), 1).to_numpy())
            enc = pc.dictionary_encode(b["STY"])  # ~130 distinct names: no Python string per row
            local = np.array([names.setdefault(v, len(names)) for v in enc.dictionary.to_pylist()], np.int16)
            codes.append(local[enc.indices.to_numpy()])
        if not keys:
            return cls(np.zeros(0, np.int64), np.zeros(0, np.int16), np.array([""], dtype=object))
        key, tui, depth, code = (np.concatenate(x) for x in (keys, tuis, depths, codes))
        order = np.lexsort((-tui, -depth, key))  # by key, then deepest, then highest TUI
        key, code = key[order], code[order]
        first = np.r_[True, key[1:] != key[:-1]]
        return cls(key[first], code[first], np.array(list(names), dtype=object))

    def lookup(self, arr: pa.Array) -> np.ndarray:
        """STY name per concept id ('' when the table has none)."""
        k = int_keys(arr)
        i = np.clip(np.searchsorted(self.keys, k), 0, max(len(self.keys) - 1, 0))
        found = (self.keys[i] == k) if len(self.keys) else np.zeros(len(k), bool)
        out = np.full(len(k), "", dtype=object)
        out[found] = self.names[self.codes[i[found]]]
        return out


def conso_frames(path: Path, *, sabs: tuple[str, ...], language: str | None, report: Report, chunk_rows: int,
                 sty: StyTable | None, umls_cui: bool, code_from_cui: bool,
                 sty_fallback: Callable[[np.ndarray], np.ndarray] | None = None) -> Iterator[pd.DataFrame]:
    """Canonical frames from MRCONSO/RXNCONSO: SAB in ``sabs``, LAT == ``language`` (None: all), not suppressed.
    ``umls_cui``: keep the CUI column (UMLS); ``code_from_cui``: CODE is the RXCUI (RxNorm's own files)."""
    cols = ["CUI", "LAT", "SAB", "TTY", "CODE", "STR", "SUPPRESS"]
    for b in stream_table(path, delimiter="|", names=CONSO_FIELDS, columns=cols, report=report,
                          chunk_rows=chunk_rows):
        t = pa.Table.from_batches([b])
        n = t.num_rows
        t = t.filter(pc.is_in(t["SAB"], value_set=pa.array(sabs)))
        report.filter("SAB not selected", n - t.num_rows)
        if language:
            n = t.num_rows
            t = t.filter(pc.equal(t["LAT"], language))
            report.filter(f"LAT is not {language}", n - t.num_rows)
        sup = pc.is_in(t["SUPPRESS"], value_set=pa.array(SUPPRESSED))
        for v in pc.value_counts(t["SUPPRESS"].filter(sup)).to_pylist():
            report.filter(f"suppressed (SUPPRESS={v['values']})", v["counts"])
        t = t.filter(pc.invert(sup))
        if t.num_rows == 0:
            continue
        stys = sty.lookup(t["CUI"].combine_chunks()) if sty is not None else np.full(t.num_rows, "", object)
        tty = t["TTY"].to_numpy()
        if sty_fallback is not None and (stys == "").any():
            miss = stys == ""
            stys[miss] = sty_fallback(tty[miss])
            report.notes["STY inferred from TTY (no STY row)"] += int(miss.sum())
        elif sty is not None and (stys == "").any():
            report.notes["no STY for the concept"] += int((stys == "").sum())
        cui = t["CUI"].to_numpy()
        yield pd.DataFrame({
            "CUI": cui if umls_cui else np.full(t.num_rows, "", object), "System": t["SAB"].to_numpy(),
            "TTY": tty, "CODE": cui if code_from_cui else t["CODE"].to_numpy(), "STR": t["STR"].to_numpy(),
            "STY": stys})
