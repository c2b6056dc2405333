"""The lexical signal beside the dense one: an IDF-weighted inverted index over a system's match texts.

Two uses, both cheap on a 1.4M-row catalog:

* **candidate source** (BM25, tf = 1): rows sharing rare words with the query join the pool even when the
  embedding put them far away ("gas" finds "... gastrointestinal gas" before "Oxygen gas" is all it sees);
* **signal**: IDF-weighted F1 of the query's words against a candidate's words. Unlike
  ``token_set_ratio`` it is not fooled by subsets: "skin rash" covers all of "Skin rash" but a third of
  "Skin rash associated with acquired immunodeficiency syndrome".

Stored in the index bundle as flat ``.npy`` arrays (memmapped, so replicas share the page cache).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import snowballstemmer

from ray_app.arrays import concat_ranges

_TOKEN = re.compile(r"[a-z0-9]+")
# Function words carry no concept; negations and qualifiers ("no", "without", "left") are kept on purpose.
STOPWORDS = frozenset({
    "a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "by", "with", "from", "as", "is",
    "are", "was", "were", "be", "been", "my", "i", "me", "it", "its", "that", "this", "these", "those",
    "very", "really", "so", "some", "any", "all", "s", "nos", "type",
})
_STEMMER = snowballstemmer.stemmer("english")
BM25_K1, BM25_B = 1.2, 0.75
FILES = ("lex_vocab.json", "lex_idf.npy", "lex_row_ptr.npy", "lex_row_terms.npy", "lex_row_mass.npy",
         "lex_row_bm25.npy", "lex_post_ptr.npy", "lex_post_rows.npy")


@lru_cache(maxsize=500_000)
def stem(word: str) -> str:
    """Snowball (Porter2) English: lay and clinical wording meet at the stem ("stiffness"/"stiff",
    "dehydrated"/"dehydration", "cramping"/"cramps"). Cached: catalogs repeat their words."""
    return _STEMMER.stemWord(word)


def tokens(text: str) -> list[str]:
    """Distinct content words of a match text, stemmed, in order."""
    return list(dict.fromkeys(stem(w) for w in _TOKEN.findall(text) if w not in STOPWORDS))


class LexicalIndex:
    def __init__(self, vocab: dict[str, int], idf: np.ndarray, row_ptr: np.ndarray, row_terms: np.ndarray,
                 row_mass: np.ndarray, row_bm25: np.ndarray, post_ptr: np.ndarray, post_rows: np.ndarray):
        self.vocab, self.idf = vocab, idf
        self.row_ptr, self.row_terms, self.row_mass, self.row_bm25 = row_ptr, row_terms, row_mass, row_bm25
        self.post_ptr, self.post_rows = post_ptr, post_rows
        self.unknown_idf = float(idf.max()) if len(idf) else 1.0  # an unseen word is as telling as the rarest
        self._stem_idf: dict[str, float] = {}

    # ------------------------------------------------------------------------------------------ build
    @classmethod
    def build(cls, texts: list[str]) -> "LexicalIndex":
        vocab: dict[str, int] = {}
        lengths = np.zeros(len(texts), dtype=np.int64)
        flat: list[int] = []
        for i, t in enumerate(texts):
            ids = [vocab.setdefault(w, len(vocab)) for w in tokens(t)]
            flat.extend(ids)
            lengths[i] = len(ids)
        row_ptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        row_terms = np.asarray(flat, dtype=np.int32)
        n, v = len(texts), len(vocab)
        df = np.bincount(row_terms, minlength=v).astype(np.float64)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)  # BM25's idf, always > 0
        owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
        row_mass = np.bincount(owner, weights=idf[row_terms], minlength=n).astype(np.float32)
        avg = max(float(lengths.mean()) if n else 1.0, 1e-9)
        row_bm25 = ((BM25_K1 + 1) / (1 + BM25_K1 * (1 - BM25_B + BM25_B * lengths / avg))).astype(np.float32)
        order = np.argsort(row_terms, kind="stable")  # postings: rows per term, ascending
        post_rows = owner[order].astype(np.int32)
        post_ptr = np.concatenate(([0], np.cumsum(np.bincount(row_terms, minlength=v)))).astype(np.int64)
        return cls(vocab, idf, row_ptr, row_terms, row_mass, row_bm25, post_ptr, post_rows)

    def save(self, directory: str | Path) -> None:
        d = Path(directory)
        words = sorted(self.vocab, key=self.vocab.get)
        (d / "lex_vocab.json").write_text(json.dumps(words))
        for name in FILES[1:]:
            np.save(d / name, getattr(self, name[4:-4]))

    @classmethod
    def load(cls, directory: str | Path) -> "LexicalIndex":
        d = Path(directory)
        words = json.loads((d / "lex_vocab.json").read_text())
        # plain ndarrays over the read-only mappings (np.memmap's __getitem__ is slow per query)
        arrays = {name[4:-4]: np.asarray(np.load(d / name, mmap_mode="r")) for name in FILES[1:]}
        idf = np.asarray(arrays.pop("idf"))
        if len(idf) != len(words) or len(arrays["post_ptr"]) != len(words) + 1:
            raise ValueError(f"{d}: lexical vocabulary and arrays disagree")
        return cls({w: i for i, w in enumerate(words)}, idf, **arrays)

    @property
    def n_rows(self) -> int:
        return len(self.row_mass)

    # ------------------------------------------------------------------------------------------ query
    def idf_of(self, stem_: str) -> float:
        """IDF of one stem (unknown: the rarest word's), memoized for known stems: broader re-scoring asks it
        per word of every candidate and anchor, and a numpy scalar read per word was a visible cost."""
        v = self._stem_idf.get(stem_)
        if v is None:
            i = self.vocab.get(stem_)
            if i is None:
                return float(self.unknown_idf)
            v = self._stem_idf[stem_] = float(self.idf[i])
        return v

    def query(self, text: str) -> tuple[np.ndarray, float]:
        """Known term ids of a match text and its IDF mass (unknown words count, at the rarest word's IDF)."""
        words = tokens(text)
        ids = [self.vocab[w] for w in words if w in self.vocab]
        mass = float(self.idf[ids].sum()) + self.unknown_idf * (len(words) - len(ids))
        return np.asarray(ids, dtype=np.int64), mass

    def retrieve(self, term_ids: np.ndarray, k: int, max_postings: int = 200_000) -> np.ndarray:
        """Top-k rows by BM25 for one query's terms (rarest terms first, common ones skipped past a
        postings budget: they cannot change which rows are best)."""
        if len(term_ids) == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64)
        order = term_ids[np.argsort(-self.idf[term_ids], kind="stable")]
        rows, weights, budget = [], [], max_postings
        for t in order:
            lo, hi = int(self.post_ptr[t]), int(self.post_ptr[t + 1])
            if rows and hi - lo > budget:
                break
            rows.append(np.asarray(self.post_rows[lo:hi]))
            weights.append(np.full(hi - lo, self.idf[t], dtype=np.float32))
            budget -= hi - lo
        rows_cat = np.concatenate(rows)
        uniq, inv = np.unique(rows_cat, return_inverse=True)
        score = np.bincount(inv, weights=np.concatenate(weights)).astype(np.float32) * self.row_bm25[uniq]
        if len(uniq) > k:
            top = np.argpartition(-score, k - 1)[:k]
            uniq, score = uniq[top], score[top]
        return uniq[np.argsort(-score, kind="stable")].astype(np.int64)

    def overlap(self, term_ids: np.ndarray, mass: float, rows: np.ndarray) -> np.ndarray:
        """IDF-weighted F1 between the query's words and each row's words, in [0, 1]."""
        if len(rows) == 0 or mass <= 0 or len(term_ids) == 0:
            return np.zeros(len(rows), dtype=np.float32)
        starts, ends = self.row_ptr[rows], self.row_ptr[rows + 1]
        lengths = ends - starts
        terms = np.asarray(self.row_terms[concat_ranges(starts, ends)])
        hit = np.isin(terms, term_ids)
        owner = np.repeat(np.arange(len(rows)), lengths)
        matched = np.bincount(owner[hit], weights=self.idf[terms[hit]], minlength=len(rows)).astype(np.float32)
        row_mass = np.asarray(self.row_mass[rows])
        denom = row_mass + mass
        return np.where(denom > 0, 2.0 * matched / np.maximum(denom, 1e-9), 0.0).astype(np.float32)
