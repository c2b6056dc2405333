"""SNOMED CT RF2 snapshot -> canonical SNOMEDCT_US rows (+ IS-A edges).

Files: sct2_Concept_Snapshot (which concepts are active), sct2_Description_Snapshot-en (the names),
der2_cRefset_LanguageSnapshot-en (which name is preferred/acceptable in a dialect; optional) and
sct2_Relationship_Snapshot (optional, IS-A edges only). Snapshot only: a Full or Delta file holds
several versions of a row and would need effectiveTime resolution.

Descriptions are read twice, streaming: pass 1 takes each concept's FSN (its semantic tag gives the STY
of all the concept's names, and names can precede their FSN in the file) and, without a language refset,
each concept's lowest synonym id (its PT, so the choice does not depend on file order); pass 2 writes.
Memory holds int64 arrays per concept, never the names.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ray_app.catalog.sources._sink import Report, Sink, SourceError, lang2
from ray_app.catalog.sources._stream import int_keys, member, stream_table
from ray_app.catalog.sources.semantic_tags import sty_for_fsn
from ray_app.catalog.sources.validate import snomed_reasons

FSN, SYNONYM = "900000000000003001", "900000000000013009"
PREFERRED, ACCEPTABLE = "900000000000548007", "900000000000549004"
US_ENGLISH = "900000000000509007"  # the dialect SNOMEDCT_US names are chosen by, when the refset has it
IS_A = "116680003"
ROLES = {"concept": "sct2_Concept_", "description": "sct2_Description_", "language": "der2_cRefset_Language",
         "relationship": "sct2_Relationship_"}
_RELEASE = re.compile(r"_([A-Za-z0-9]+)_([0-9]{8})\.txt$")


def check_roles(files: dict[str, list[Path]]) -> None:
    """Refuses Full/Delta files (see module doc) and a release without concepts or descriptions."""
    for f in (f for paths in files.values() for f in paths):
        if f.name.startswith(("sct2_", "der2_")) and ("Full" in f.name or "Delta" in f.name):
            raise SourceError(f"{f}: RF2 Full/Delta files are not supported; use the Snapshot file")
    if not files.get("concept") or not files.get("description"):
        raise SourceError(f"RF2: need sct2_Concept_Snapshot and sct2_Description_Snapshot; got {files}")


def _ids(batch: pa.RecordBatch, col: str) -> np.ndarray:
    return int_keys(batch[col])


def active_concepts(paths: list[Path], report: Report, chunk_rows: int) -> np.ndarray:
    """Sorted ids of active concepts with a valid SCTID (invalid ones counted as rejected)."""
    keep = []
    for path in paths:
        for b in stream_table(path, delimiter="\t", columns=["id", "active"], report=report, chunk_rows=chunk_rows):
            ids = b["id"].filter(pc.equal(b["active"], "1"))
            report.filter("inactive concept", b.num_rows - len(ids))
            reasons = snomed_reasons(ids, "concept")
            bad = reasons != ""
            for reason in pd.unique(reasons[bad]):
                sel = np.flatnonzero(reasons == reason)
                report.reject(reason, len(sel), [{"CODE": ids[int(i)].as_py(), "file": path.name} for i in sel[:3]])
            keep.append(int_keys(ids)[~bad])
    return np.unique(np.concatenate(keep)) if keep else np.zeros(0, np.int64)


def acceptability(paths: list[Path], report: Report, chunk_rows: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(sorted description ids, 1 = preferred / 2 = acceptable) from the US English refset when present,
    else from the lowest refset id present (deterministic); None without a language refset file."""
    if not paths:
        return None
    cols = ["active", "refsetId", "referencedComponentId", "acceptabilityId"]
    parts = []
    for path in paths:
        for b in stream_table(path, delimiter="\t", columns=cols, report=report, chunk_rows=chunk_rows):
            b = b.filter(pc.equal(b["active"], "1"))
            acc = np.where(pc.equal(b["acceptabilityId"], PREFERRED).to_numpy(zero_copy_only=False), 1,
                           np.where(pc.equal(b["acceptabilityId"], ACCEPTABLE).to_numpy(zero_copy_only=False), 2, 0))
            parts.append((int_keys(b["refsetId"]), _ids(b, "referencedComponentId"), acc.astype(np.int8)))
    refset, desc, acc = (np.concatenate(x) for x in zip(*parts))
    chosen = int(US_ENGLISH) if (refset == int(US_ENGLISH)).any() else (int(refset.min()) if len(refset) else -1)
    report.release["rf2_language_refset"] = str(chosen)
    sel = (refset == chosen) & (acc > 0)
    desc, acc = desc[sel], acc[sel]
    order = np.lexsort((acc, desc))  # per description, preferred (1) first
    desc, acc = desc[order], acc[order]
    first = np.r_[True, desc[1:] != desc[:-1]] if len(desc) else np.zeros(0, bool)
    return desc[first], acc[first]


def _first_per_concept(concept: np.ndarray, desc: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((desc, concept))  # per concept, lowest description id first
    concept, value = concept[order], value[order]
    first = np.r_[True, concept[1:] != concept[:-1]] if len(concept) else np.zeros(0, bool)
    return concept[first], value[first]


def concept_info(paths: list[Path], concepts: np.ndarray, lang: str | None, report: Report, chunk_rows: int,
                 need_pt: bool) -> tuple[np.ndarray, np.ndarray]:
    """Pass 1 over descriptions: (STY per concept, PT description id per concept or -1), aligned with
    ``concepts``. The FSN with the lowest description id names the concept's semantic tag."""
    f_con, f_desc, f_sty, s_con, s_desc = [], [], [], [], []
    for path in paths:
        for b in stream_table(path, delimiter="\t", columns=["id", "active", "conceptId", "languageCode", "typeId",
                                                             "term"], report=report, chunk_rows=chunk_rows, count=False):
            keep = pc.equal(b["active"], "1")
            if lang:
                keep = pc.and_(keep, pc.equal(b["languageCode"], lang))
            b = b.filter(keep)
            fsn = b.filter(pc.equal(b["typeId"], FSN))
            f_con.append(_ids(fsn, "conceptId"))
            f_desc.append(_ids(fsn, "id"))
            f_sty.append(np.array([sty_for_fsn(t) for t in fsn["term"].to_pylist()], dtype=object).reshape(-1, 2))
            if need_pt:
                syn = b.filter(pc.equal(b["typeId"], SYNONYM))
                s_con.append(_ids(syn, "conceptId"))
                s_desc.append(_ids(syn, "id"))
    sty = np.full(len(concepts), "", dtype=object)
    if not f_con:
        return sty, np.full(len(concepts), -1, dtype=np.int64)
    con, val = _first_per_concept(np.concatenate(f_con), np.concatenate(f_desc), np.concatenate(f_sty))
    found, pos = member(concepts, con)
    sty[pos[found]] = val[found, 0]
    report.notes["active concept without an FSN"] += int(len(concepts) - found.sum())
    unmapped = pd.Series(val[found, 1][val[found, 0] == ""]).fillna("(no semantic tag)").value_counts()
    for tag, n in unmapped.items():
        report.notes[f"semantic tag without STY: {tag}"] += int(n)
    pt = np.full(len(concepts), -1, dtype=np.int64)
    if need_pt and s_con:
        con, first = _first_per_concept(np.concatenate(s_con), np.concatenate(s_desc), np.concatenate(s_desc))
        found, pos = member(concepts, con)
        pt[pos[found]] = first[found]
    return sty, pt


def write_descriptions(paths: list[Path], concepts: np.ndarray, sty: np.ndarray, pt: np.ndarray,
                       accept: tuple[np.ndarray, np.ndarray] | None, lang: str | None, report: Report, sink: Sink,
                       chunk_rows: int) -> None:
    """Pass 2: FSN -> FN; synonym -> PT/SY by the language refset (not a member: not used in that dialect,
    filtered), or without one PT = the concept's lowest synonym id and SY the others."""
    cols = ["id", "active", "conceptId", "languageCode", "typeId", "term"]
    for path in paths:
        for b in stream_table(path, delimiter="\t", columns=cols, report=report, chunk_rows=chunk_rows):
            t = pa.Table.from_batches([b])
            for reason, mask in (("inactive description", lambda t: pc.equal(t["active"], "1")),
                                 (f"languageCode is not {lang}", lambda t: pc.equal(t["languageCode"], lang)),
                                 ("description type is not FSN or synonym",
                                  lambda t: pc.is_in(t["typeId"], value_set=pa.array([FSN, SYNONYM])))):
                if reason.startswith("languageCode") and not lang:
                    continue
                n = t.num_rows
                t = t.filter(mask(t))
                report.filter(reason, n - t.num_rows)
            found, pos = member(concepts, int_keys(t["conceptId"].combine_chunks()))
            report.filter("concept inactive, unknown or rejected", int((~found).sum()))
            t, pos = t.filter(pa.array(found)), pos[found]
            did = int_keys(t["id"].combine_chunks())
            is_fsn = pc.equal(t["typeId"], FSN).to_numpy(zero_copy_only=False)
            tty = np.where(is_fsn, "FN", "SY").astype(object)
            keep = np.ones(len(tty), bool)
            if accept is not None:
                hit, apos = member(accept[0], did)
                acc = np.where(hit, accept[1][apos], 0)
                tty[~is_fsn & (acc == 1)] = "PT"
                keep = is_fsn | (acc > 0)
                report.filter("synonym not in the language refset", int((~keep).sum()))
            else:
                tty[~is_fsn & (did == pt[pos])] = "PT"
            frame = pd.DataFrame({"CUI": "", "System": "SNOMEDCT_US", "TTY": tty, "CODE": t["conceptId"].to_numpy(),
                                  "STR": t["term"].to_numpy(), "STY": sty[pos]})
            sink.write(frame[keep])


def write_isa(paths: list[Path], concepts: np.ndarray, report: Report, sink: Sink, chunk_rows: int) -> None:
    """Active IS-A edges (child = sourceId, parent = destinationId) between active concepts."""
    for path in paths:
        for b in stream_table(path, delimiter="\t", columns=["active", "sourceId", "destinationId", "typeId"],
                              report=report, chunk_rows=chunk_rows):
            n = b.num_rows
            b = b.filter(pc.and_(pc.equal(b["active"], "1"), pc.equal(b["typeId"], IS_A)))
            report.filter("relationship inactive or not IS-A", n - b.num_rows)
            child, parent = _ids(b, "sourceId"), _ids(b, "destinationId")
            ok = member(concepts, child)[0] & member(concepts, parent)[0]
            report.filter("IS-A edge with an inactive, unknown or rejected concept", int((~ok).sum()))
            sink.write_isa(child[ok], parent[ok])


def release_of(concept_file: Path) -> tuple[str, str] | None:
    """('20240301', 'US1000124') from sct2_Concept_Snapshot_US1000124_20240301.txt."""
    m = _RELEASE.search(concept_file.name)
    return (m.group(2), m.group(1)) if m else None


def convert(files: dict[str, list[Path]], sink: Sink, report: Report, *, language: str | None = "ENG",
            chunk_rows: int = 200_000) -> None:
    """``files``: {'concept', 'description', 'language' (optional), 'relationship' (optional): [paths]}."""
    check_roles(files)
    r = {role: files.get(role, []) for role in ROLES}
    lang = lang2(language)
    rel = release_of(r["concept"][0])
    if rel:
        report.release["rf2"], report.release["rf2_edition"] = rel
    concepts = active_concepts(r["concept"], report, chunk_rows)
    accept = acceptability(r["language"], report, chunk_rows)
    sty, pt = concept_info(r["description"], concepts, lang, report, chunk_rows, need_pt=accept is None)
    write_descriptions(r["description"], concepts, sty, pt, accept, lang, report, sink, chunk_rows)
    if r["relationship"]:
        write_isa(r["relationship"], concepts, report, sink, chunk_rows)
