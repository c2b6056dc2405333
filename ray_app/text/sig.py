"""Prescription instructions ("sig") removed from a medicine mention.

Why: EHR medication lists append the directions to the product ("ibuprofen 800 mg tablet:: sig: take
800 mg by mouth every 6 hours as needed"). The product is what gets coded; the directions add words that
pull the match elsewhere, and their numbers read as strengths ("take 2 tablets (650 mg total)", "inject
10 units at bedtime"). A dose form stated in the product part ("tablet", "pen-injector") is kept.

Public API: ``strip_sig(text) -> str`` - the product part, original case, whitespace collapsed; the text
unchanged when it holds no directions. Pure regular expressions, no catalog needed.
"""
from __future__ import annotations

import re

# An explicit marker ends the product part wherever it stands: "sig:", "instructions:", "::".
_MARKER = re.compile(r"\s*(?:::|\b(?:sig|instructions?|directions?|dispense|disp|qty|refills?)\s*:).*$",
                     re.IGNORECASE | re.DOTALL)
# A dosing verb starts the directions once the product has been named ("... 10 mg tablet take 1 tablet").
_VERB = re.compile(r"\s+\b(?:take|takes|taking|inject|injects|apply|applies|use|uses|inhale|instill|give|chew|"
                   r"dissolve|place|insert|spray|swallow)\b.*$", re.IGNORECASE | re.DOTALL)
_LEADING_VERB = re.compile(r"^\s*(?:take|inject|apply|use|inhale|instill|give|chew)\s+", re.IGNORECASE)
_N = r"(?:\d+(?:\.\d+)?|one|two|three|four|five|six)"
_FREQ = "|".join([
    rf"every\s+(?:other\s+)?{_N}?\s*(?:-\s*{_N}\s*)?(?:\(\w+\)\s*)?(?:hours?|hrs?|h|days?|weeks?|minutes?|mins?)",
    r"every\s+(?:other\s+)?(?:day|morning|night|evening|week|bedtime)",
    rf"(?:once|twice|thrice|{_N}\s*(?:x|times?))\s*(?:a|an|per|each|every|/)?\s*(?:day|daily|week|weekly|night)",
    r"(?:once|twice)\s+daily", r"one\s+time\s+(?:a|per)\s+day",
    r"q\s?\d+(?:\s?-\s?\d+)?\s?(?:h|hr|hrs|hours?)", r"q\.?(?:am|pm|hs|d|od|4h|6h|8h|12h|day|week|wk)",
    r"b\.?i\.?d\.?|t\.?i\.?d\.?|q\.?i\.?d\.?|q\.?d\.?|qhs|qod|prn|stat|hs",
    r"daily|nightly|weekly|at\s+bedtime|in\s+the\s+(?:morning|evening)|before\s+meals|after\s+meals|with\s+meals|"
    r"with\s+food",
    r"as\s+needed(?:\s+for\s+[a-z]+)?|as\s+directed|if\s+needed",
    rf"(?:for|x)\s+{_N}\s*(?:days?|weeks?|months?)",
    r"by\s+(?:mouth|oral(?:\s+\w)?\s+route|[a-z]+\s+route)|orally|po|p\.o\.|sub-?cutaneous(?:ly)?|subcut|sq",
    rf"{_N}\s*(?:puffs?|sprays?|drops?)(?:\s+(?:in|into)\s+(?:each|both)\s+\w+)?",
    # a dose in units followed by a time word ("45 units am", "10 units nightly") is not a product strength
    rf"{_N}\s*(?:units?|iu)(?=\s+(?:am|pm|nightly|daily|at|in|as|every|twice|once|before|after|with|sc|subq|sub-?cutaneous(?:ly)?)\b)",
    r"(?:am|pm)(?=\s|$)",
])
_FREQ_RX = re.compile(rf"(?<![\w/])(?:{_FREQ})(?![\w/])", re.IGNORECASE)
_FORM_WORD = r"(?:caps?|capsules?|tabs?|tablets?|pills?)(?:\(s\))?"
_COUNT = re.compile(rf"(?<![\w./])[1-9]\s*({_FORM_WORD})(?![\w/])", re.IGNORECASE)
_DANGLING = re.compile(r"(?:\s+\b(?:and|or|then|with|for|to|at)\b)+\s*$|^\s*\b(?:and|or|then)\b\s+", re.IGNORECASE)


def _drop_counts(text: str) -> str:
    """"1 cap" is a count of units taken: dropped where a form word came before it, else the form word
    stays ("amoxicillin 500 mg, 1 cap" still says capsule)."""
    def repl(m: re.Match) -> str:
        said = re.search(rf"(?<![\w/]){_FORM_WORD}(?![\w/])", text[: m.start()], flags=re.IGNORECASE)
        return " " if said else m.group(1)

    return _COUNT.sub(repl, text)


def strip_sig(text: str) -> str:
    """The product part of a medicine mention, directions removed (see the module docstring)."""
    if not text:
        return text
    out = _MARKER.sub("", text)
    head = _LEADING_VERB.match(out)
    if head:  # "take metformin 500 mg twice daily": the verb leads, the product follows
        out = out[head.end():]
    else:
        out = _VERB.sub("", out)
    out = _FREQ_RX.sub(" ", out)
    out = _drop_counts(out)
    out = re.sub(r"\(\s*\)", " ", out)
    out = re.sub(r"\s+", " ", out).strip(" ,;:-")
    while True:
        trimmed = _DANGLING.sub("", out).strip(" ,;:-")
        if trimmed == out:
            break
        out = trimmed
    return out or text.strip()
