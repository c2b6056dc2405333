"""The first stage of every batch: normalize, route and dedupe input rows into distinct ``Query`` s.

One query per distinct (match text, canonical entity type); each carries its dedupe ``key``, its
anchors (the query plus its expansions: spelling, abbreviations, mined acronyms, lay terms) and, for
medicines, the drug parse, so nothing downstream normalizes or parses the text again.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ray_app.config import Config
from ray_app.text.drugs import parse_query
from ray_app.text.expand import QueryExpander, configured_anchors
from ray_app.text.normalize import ENTITY_SYSTEM, canonical_entity_type, coerce_input, match_text


@dataclass
class Query:
    qid: int
    key: str  # match text + entity type: the dedupe key across rows, blocks and runs
    text: str  # as written (coerced to a clean string)
    entity_type: str  # canonical: Medicine, Diagnosis, Procedure, Lab
    system: str
    anchors: list[str] = field(default_factory=list)
    drug: object = None  # drugs.ParsedDrug for medicines
    # the LLM stage (ray_app.llm.stage): anchors[n_direct:] came from an LLM expansion, one kind each
    # ("desc" | "kw"); -1 = every anchor is the query's own
    n_direct: int = -1
    llm_kinds: list[str] = field(default_factory=list)
    llm_stys: list[str] = field(default_factory=list)
    llm_expansion: str = ""  # the expansion as the output column shows it
    llm_flags: list[str] = field(default_factory=list)  # llm_failed / llm_timeout of the expansion

    @property
    def direct_anchors(self) -> list[str]:
        return self.anchors if self.n_direct < 0 else self.anchors[:self.n_direct]


@dataclass
class Prepared:
    queries: list[Query]  # distinct queries, qid = position
    row_qid: np.ndarray  # per input row: qid, or -1 when the row is not sent to matching
    row_system: list[str]  # routed system per row ('' when the type is unknown)
    row_flags: list[list[str]]  # input-check flags per row (empty_input, truncated, ...)


def query_key(match: str, entity_type: str) -> str:
    return f"{match}\x1f{entity_type}"


def prepare(texts: list, types: list, config: Config, expander: QueryExpander | None = None,
            anchors: bool = True) -> Prepared:
    """Normalize, flag and dedupe input rows; build each distinct query's anchors with ``expander``
    (the index's speller and acronyms: ``text.expand.load_expander``). ``anchors=False`` leaves them (and
    the drug parse) to ``expand``: the file job builds them only for the queries its cache does not know."""
    max_chars = config.match.max_chars
    qids: dict[str, int] = {}
    queries: list[Query] = []
    row_qid = np.full(len(texts), -1, dtype=np.int64)
    row_system, row_flags = [], []
    seen: dict = {}  # a repeated cell (feeds repeat: Zipf) is normalized once; the type is part of the key
    for i, (raw, raw_type) in enumerate(zip(texts, types)):
        memo = (type(raw), raw, type(raw_type), raw_type)  # 1 == 1.0 == True as dict keys; their texts differ
        try:
            done = seen.get(memo)
        except TypeError:  # an unhashable cell: normalized on its own
            memo, done = None, None
        if done is None:
            text, flags = coerce_input(raw, max_chars)
            etype = canonical_entity_type(raw_type)
            if etype is None:
                flags.append("unknown_entity_type")
            key = query_key(match_text(text), etype) if etype is not None and text else None
            done = (text, flags, etype, key)
            if memo is not None:
                seen[memo] = done
        text, flags, etype, key = done
        row_system.append(ENTITY_SYSTEM.get(etype, ""))
        row_flags.append(list(flags))  # each row owns its flag list
        if key is None:
            continue
        qid = qids.get(key)
        if qid is None:
            qid = qids[key] = len(queries)
            queries.append(Query(qid, key, text, etype, ENTITY_SYSTEM[etype]))
            if anchors:
                expand([queries[-1]], config, expander)
        row_qid[i] = qid
    return Prepared(queries, row_qid, row_system, row_flags)


def expand(queries: list[Query], config: Config, expander: QueryExpander | None = None) -> list[Query]:
    """Each query's drug parse (medicines) and anchors (the query plus its expansions), in place."""
    for q in queries:
        q.drug = parse_query(q.text) if q.entity_type == "Medicine" else None
        q.anchors = configured_anchors(q.text, q.entity_type, config.match, expander, q.drug)
    return queries
