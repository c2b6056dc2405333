"""Spelling correction of query words against the catalog's own vocabulary.

A misspelled word ("thraot", "arrythmia") embeds far from its concept and never reaches the candidate
pool; the corrected query becomes one more anchor (the original stays, so nothing is lost when a rare
word is right as written).
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from ray_app.index.lexical import stem


_INFLECTIONS = frozenset({"s", "es", "ed", "ing", "ic", "al", "ly"})


class Speller:
    def __init__(self, counts: Counter, keep: frozenset[str] = frozenset(), min_len: int = 4, cutoff: float = 80.0,
                 bigrams: Counter | None = None, min_bigram: int = 2):
        self.counts = counts
        # adjacent word pairs of the catalog: a real word in the wrong place ("lee edema", "weight lss") is only
        # seen as a typo beside its neighbour
        self.bigrams = bigrams if bigrams is not None else Counter()
        self.min_bigram = min_bigram
        self.after: dict[str, list[str]] = {}  # word -> the catalog words seen after it (and before it)
        self.before: dict[str, list[str]] = {}
        for (a, b), n in self.bigrams.items():
            if n >= min_bigram:  # only a word can be what a slip meant
                if b.isalpha():
                    self.after.setdefault(a, []).append(b)
                if a.isalpha():
                    self.before.setdefault(b, []).append(a)
        self.keep = keep  # words that are right as written although the catalog lacks them (abbreviations, brands)
        # the abbreviation dictionary's words: never "corrected" into a catalog word ("picc" is no typo of "pic"),
        # so the dictionary reads them as written
        self.abbreviations: frozenset[str] = frozenset()
        self.min_len, self.cutoff = min_len, cutoff
        self.by_len: dict[int, list[str]] = {}
        for w in counts:
            self.by_len.setdefault(len(w), []).append(w)
        # another inflection of a catalog word is no typo ("transfused" beside "transfusion"): it becomes
        # the catalog's most frequent word of that stem, not the nearest spelling ("transposed"). Only an
        # inflectional ending counts: a misspelling can share a stem with another word ("palpat-ations",
        # "migran-e" / "migrans")
        self.by_stem: dict[str, str] = {}
        for w, n in counts.most_common():
            self.by_stem.setdefault(stem(w), w)
        self.correct_word = lru_cache(maxsize=200_000)(self._correct_word)

    @classmethod
    def from_texts(cls, texts, **kw) -> "Speller":
        counts: Counter = Counter()
        bigrams: Counter = Counter()
        for t in texts:
            words = t.split()
            counts.update(w for w in words if w.isalpha() and len(w) >= 3)
            bigrams.update(zip(words, words[1:]))
        return cls(counts, bigrams=bigrams, **kw)


    def _correct_word(self, word: str) -> str:
        if (len(word) < self.min_len or not word.isalpha() or word in self.counts or word in self.keep
                or word in self.abbreviations):
            return word
        root = stem(word)
        if root in self.by_stem and word[len(root):] in _INFLECTIONS:
            return self.by_stem[root]
        split = self._split(word)
        if split:
            return split
        pool = [w for n in range(len(word) - 2, len(word) + 3) for w in self.by_len.get(n, ())]
        hits = process.extract(word, pool, scorer=fuzz.ratio, score_cutoff=self.cutoff, limit=5)
        if not hits:
            return word
        best = max(hits, key=lambda h: (h[1], self.counts[h[0]]))  # closest, then most frequent
        return best[0]

    def _split(self, word: str) -> str | None:
        """Two catalog words run together ("urineculture", "bloodwork"): the split whose rarer half is
        the most frequent; each half has 4+ letters (a prefix such as "pre" or "non" is no word of its own)."""
        if len(word) < 2 * 4:
            return None
        best = max(((min(self.counts[word[:i]], self.counts[word[i:]]), i) for i in range(4, len(word) - 3)),
                   default=(0, 0))
        return f"{word[:best[1]]} {word[best[1]:]}" if best[0] > 0 else None

    def correct(self, text: str) -> str | None:
        """The corrected text, or None when every word is already known."""
        words = text.split()
        fixed = self._in_context([self.correct_word(w) for w in words])
        return " ".join(fixed) if fixed != words else None

    def _in_context(self, words: list[str]) -> list[str]:
        """A word (3+ letters) that never stands beside its neighbour in the catalog becomes the one-edit
        spelling that does, at least ``min_bigram`` times ("lee edema" -> "leg edema"); the speller leaves
        short words and real words alone, and this is where their slips are seen."""
        out = list(words)
        for i, w in enumerate(words):
            left = words[i - 1] if i else None
            right = words[i + 1] if i + 1 < len(words) else None
            if len(w) < 3 or not w.isalpha() or (left is None and right is None):
                continue
            seen = lambda v: self.bigrams[(left, v)] + self.bigrams[(v, right)]  # noqa: E731
            if seen(w):
                continue
            # one slip away from a word seen beside a neighbour: a scan (in C) of the neighbours' catalog
            # company, cheaper than spelling out every one-slip variant
            pool = self.after.get(left, []) + self.before.get(right, [])
            near = process.extract(w, pool, scorer=OSA.distance, score_cutoff=1, limit=None)
            n, best = max(((seen(v), v) for v, _, _ in near), default=(0, w))
            if n >= self.min_bigram:
                out[i] = best
        return out
