"""A keyboard-slip model, one for the whole project (synthetic dev sets, tuning noise)."""
from __future__ import annotations

import random


def typo(text: str, rng: random.Random) -> str:
    """One keyboard slip in a word of 4+ letters: swap two neighbours, drop or duplicate a letter."""
    words = text.split(" ")
    cand = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha() and not w.isupper()]  # not acronyms
    if not cand:
        return text
    i = rng.choice(cand)
    w = words[i]
    p = rng.randrange(1, len(w) - 1)  # keep the first letter: people rarely get it wrong
    op = rng.choice(("swap", "drop", "dup"))
    if op == "swap":
        w = w[:p] + w[p + 1] + w[p] + w[p + 2:]
    elif op == "drop":
        w = w[:p] + w[p + 1:]
    else:
        w = w[:p] + w[p] + w[p:]
    words[i] = w
    return " ".join(words)
