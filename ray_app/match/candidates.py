"""Candidate generation: which codes of a system are worth scoring for one query.

Five sources, each a function that proposes code ids: ``exact`` (a catalog string equals an anchor),
``drug`` (RxNorm rows of the parsed ingredients, best structure fit first), ``dense`` (FAISS neighbours,
best per code), ``lexical`` (BM25 over the IDF-weighted inverted index) and, for a lab input, ``specimen``
(the general examination of a specimen it names: "Urinalysis" for "ph urine"). ``pool`` merges them in
that order and remembers which sources proposed each code (``via``); ``match.sources`` switches any of
them off. With an LLM expansion the matcher adds a sixth, ``llm``: the FAISS hits of the LLM's anchors.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ray_app.arrays import concat_ranges

SOURCES = ("exact", "drug", "dense", "lexical", "specimen")


@dataclass
class Pool:
    codes: np.ndarray  # code ids in pool order
    via: list[list[str]]  # per pool code: the sources that proposed it
    rows: np.ndarray  # catalog rows of every pool code (at most max_strings_per_code each)
    owner: np.ndarray  # pool position of each row


def exact(si, anchors: list[str], skip: np.ndarray | None = None) -> list[int]:
    """Codes with a string whose match text equals an anchor (``skip``: rows not to use, per row)."""
    table = si.exact_rows
    return [int(si.row_code[r]) for a in anchors if a in table for r in table[a] if skip is None or not skip[r]]


def specimen(si, anchors: list[str]) -> list[int]:
    """The general examinations of the specimens the anchors name ("Urinalysis" for "ph urine"): the broader
    concept of an analyte in a specimen when the catalog has no test of that analyte."""
    from ray_app.text.normalize import match_text
    from ray_app.text.wordform import specimen_tests

    tests = dict.fromkeys(t for a in anchors for t in specimen_tests(a.split()))
    return exact(si, [match_text(t) for t in tests])


def drug(si, drug_q, rows: np.ndarray | None, fit: np.ndarray | None, limit: int) -> list[int]:
    """Codes of the parsed ingredients' rows, the best structure fit first."""
    if drug_q is None or rows is None or not len(rows):
        return []
    ranked = si.row_code[rows[np.argsort(-fit, kind="stable")]].tolist()
    return list(dict.fromkeys(ranked))[:limit]


def dense(si, dist: np.ndarray, ids: np.ndarray, limit: int) -> list[int]:
    """FAISS hits of every anchor, best score per code, best codes first."""
    hit = ids.ravel()
    ok = hit >= 0
    hit, score = hit[ok], dist.ravel()[ok]
    if not len(hit):
        return []
    # per-code max in numpy (pandas' groupby was a third of the time here), then the order pandas'
    # sort_values(ascending=False) gave on the same (ascending code, max) series: the engine's order, ties included
    codes, inv = np.unique(si.row_code[hit], return_inverse=True)
    best = np.full(len(codes), -np.inf, dtype=score.dtype)
    np.maximum.at(best, inv, score)
    return codes[descending(best)][:limit].tolist()


def descending(values: np.ndarray) -> np.ndarray:
    """The order ``pd.Series(values).sort_values(ascending=False)`` gives (pandas' nargsort: reverse, quicksort,
    reverse), without building two Series per query (half of this stage's time); NaN last, as there."""
    nan = np.isnan(values)
    if nan.any():
        return np.r_[np.flatnonzero(~nan)[descending(values[~nan])], np.flatnonzero(nan)]
    idx = np.arange(len(values))[::-1]
    return idx[values[::-1].argsort(kind="quicksort")][::-1]


def lexical(si, lex_q: list[tuple[np.ndarray, float]], k: int, skip: np.ndarray | None = None) -> list[int]:
    """BM25's best rows per anchor, as codes."""
    if k <= 0 or not lex_q:
        return []
    rows = np.concatenate([si.lexical.retrieve(ids, k) for ids, _ in lex_q])
    if skip is not None:
        rows = rows[~skip[rows]]
    return list(dict.fromkeys(si.row_code[rows].tolist()))


def pool(si, proposed: dict[str, list[int]], max_strings: int, code_end: np.ndarray | None = None) -> Pool:
    """``code_end``: per code, where its rows to score end (default: all its rows)."""
    via: dict[int, list[str]] = {}
    for name, found in proposed.items():
        for c in dict.fromkeys(int(c) for c in found):
            via.setdefault(c, []).append(name)
    codes = np.asarray(list(via), dtype=np.int64)
    starts = si.code_start[codes]
    ends = np.minimum((si.code_start[1:] if code_end is None else code_end)[codes], starts + max_strings)
    return Pool(codes=codes, via=[via[int(c)] for c in codes], rows=concat_ranges(starts, ends),
                owner=np.repeat(np.arange(len(codes)), ends - starts))
