"""British and American spellings of one word read as one: "diarrhoea" = "diarrhea", "tumour" = "tumor".

Why: catalogs mix both (SNOMED CT's US edition beside HPO's British synonyms: "Chronic diarrhoea"), and so do
inputs. Without one reading, a candidate's "diarrhea" counts as meaning added to the query "diarrhoea" and the
query's word as not covered, so the broader-concept re-scoring prefers a narrower code that happens to share
the British spelling. breame's word list (general English, Apache-2.0) gives the American spelling; the
classical-digraph rules of medical words it lacks ("oedema", "haematuria", "coeliac") follow, as American usage
writes them: ae, oe -> e; -our -> -or; -yse -> -yze; sulph -> sulf; -tre -> -ter.

``american(word)`` is only a matching key: both sides of a comparison go through it, so a rule that yields no
real word ("aerobic" -> "erobic") still compares equal with itself and nothing else.
"""
from __future__ import annotations

import re
from functools import lru_cache

from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS

_RULES = (
    (re.compile(r"ae"), "e"),
    (re.compile(r"oe(?=[a-z])"), "e"),  # not a final -oe: "toe", "shoe"
    (re.compile(r"our(?=s?$)"), "or"),
    (re.compile(r"ys(?=e[sd]?$|ing$)"), "yz"),
    (re.compile(r"^sulph"), "sulf"),
    (re.compile(r"(?<=[bcdfgklmnpstv])tre(?=s?$)"), "ter"),
)


@lru_cache(maxsize=65_536)
def american(word: str) -> str:
    """The American spelling of one lower-case word (itself when it has none)."""
    spelled = BRITISH_ENGLISH_SPELLINGS.get(word)
    if spelled is not None:
        return spelled
    for pattern, repl in _RULES:
        word = pattern.sub(repl, word)
    return word
