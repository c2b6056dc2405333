"""Decisions in from a spreadsheet: a mapped file (``harmonize map`` output) whose code column was edited.

A row becomes a decision when
  * its code cell was edited: the code is not the one its ``Output Target Description`` names (the engine
    wrote them as a pair; an edited code no longer matches the description), or
  * a ``Review Status`` column says ``approved`` (or yes / x / ok): the row's code is approved as it is, or
  * the code cell says ``not in catalog`` (or ``none``, ``-``): the item is marked not in the catalog.
Every code is checked against the index's catalog; a code it does not know is reported, not imported.
Rows that normalize to one item give one decision (the last such row); a conflict between them is reported.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ray_app.batch.source import read_table
from ray_app.batch.tables import TEXT_COLUMN, TYPE_COLUMN, InputError, _norm_header, resolve_columns
from ray_app.config import Config
from ray_app.review.db import Decision, ReviewDB, now_iso
from ray_app.review.memory import CatalogCodes, item_key

CODE_COLUMN, DESCRIPTION_COLUMN, STATUS_COLUMN = "Output Target Code", "Output Target Description", "Review Status"
COMMENT_COLUMN = "Review Comment"
APPROVE = {"approved", "approve", "accept", "accepted", "yes", "y", "x", "ok", "true", "1"}
NOT_IN_CATALOG = {"not in catalog", "not_in_catalog", "none", "-", "n/a", "na"}


@dataclass
class ImportReport:
    rows: int = 0
    decisions: int = 0
    approved: int = 0
    not_in_catalog: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, float) and v.is_integer():  # a code typed into a number cell: 22298006.0 -> "22298006"
        v = int(v)
    return str(v).strip()


def _optional(df: pd.DataFrame, name: str) -> str | None:
    return next((c for c in df.columns if _norm_header(c) == _norm_header(name)), None)


def import_reviewed(path: str, db: ReviewDB, codes: CatalogCodes, config: Config, reviewer: str,
                    catalog_fingerprint: str = "", text_col: str | None = None, type_col: str | None = None,
                    code_col: str | None = None, sheet=None, dry_run: bool = False) -> ImportReport:
    df = read_table(path, sheet)
    tcol, ycol = resolve_columns(df, text_col or TEXT_COLUMN, type_col or TYPE_COLUMN, source=str(path))
    ccol = _optional(df, code_col or CODE_COLUMN)
    if ccol is None:
        raise InputError(f"{path}: no {code_col or CODE_COLUMN!r} column; found {[str(c) for c in df.columns]}")
    dcol, scol, mcol = (_optional(df, n) for n in (DESCRIPTION_COLUMN, STATUS_COLUMN, COMMENT_COLUMN))
    rep = ImportReport(rows=len(df))
    wanted: dict[str, tuple[int, Decision]] = {}
    rows = []
    for i, rec in enumerate(df.to_dict("records")):
        item = item_key(rec[tcol], rec[ycol], config)
        if item is None:
            continue
        code = _cell(rec[ccol])
        rows.append((i + 2, item, code, _cell(rec[dcol]) if dcol else "", _cell(rec[scol]).lower() if scol else "",
                     _cell(rec[mcol]) if mcol else "", _cell(rec[tcol])))
    known = codes.get_many([(item[2], code) for _, item, code, *_ in rows if code and code.lower() not in NOT_IN_CATALOG])
    for line, (key, etype, system), code, desc, status, comment, text in rows:
        concept = known.get((system, code))
        if code.lower() in NOT_IN_CATALOG or (not code and status in NOT_IN_CATALOG):
            d = Decision(key, text, etype, "not_in_catalog", system=system, comment=comment)
        elif not code:
            rep.unchanged += 1
            continue
        elif concept is None:
            rep.problems.append(f"row {line}: code {code!r} is not in the index's {system} catalog; not imported")
            continue
        elif status in APPROVE or not _names(concept, desc):
            d = Decision(key, text, etype, "approved", system=system, code=code, description=concept.description,
                         comment=comment)
        else:
            rep.unchanged += 1
            continue
        prev = wanted.get(key)
        if prev is not None and (prev[1].status, prev[1].code) != (d.status, d.code):
            rep.problems.append(f"row {line}: {text!r} ({etype}) was given {d.code or d.status} here and "
                                f"{prev[1].code or prev[1].status} in row {prev[0]}; row {line} is kept")
        wanted[key] = (line, d)
    stamp = now_iso()
    for _, d in wanted.values():
        d.reviewer, d.decided_at, d.origin, d.catalog_fingerprint = reviewer, stamp, "import", catalog_fingerprint
        if not dry_run:
            db.decide(d)
        rep.decisions += 1
        rep.approved += d.status == "approved"
        rep.not_in_catalog += d.status == "not_in_catalog"
    return rep


def _names(concept, description: str) -> bool:
    """Does the row's description name this code (its display, case and spacing forgiven)? The engine writes
    the display, so a code edited by hand no longer matches it."""
    def norm(s: str) -> str:
        return " ".join(s.lower().split())
    return bool(description) and norm(description) == norm(concept.description)
