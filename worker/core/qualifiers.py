"""Qualifier phrases around a number and the interval they imply (LABELING.md).

"at least 40" -> at_least [40, open); "up to 300" -> at_most (open, 300];
"about 2,000" -> approx (no bounds); "between 20 and 30" -> range [20, 30];
no qualifier -> exact [v, v]. Pure.
"""
from __future__ import annotations

import re

from worker.core.numbers import Number

AT_LEAST_RE = re.compile(
    r"(?:at\s+least|more\s+than|over|above|upwards?\s+of|in\s+excess\s+of|exceed(?:s|ed|ing)?|"
    r"surpass(?:es|ed|ing)?|top(?:s|ped|ping)?|cross(?:es|ed|ing)?|passed|past|beyond|north\s+of|"
    r"no\s+(?:less|fewer)\s+than|not\s+less\s+than|a\s+minimum\s+of|greater\s+than|higher\s+than|"
    r"larger\s+than|in\s+the\s+tens\s+of)\s*['\"‘“]?\s*$", re.IGNORECASE)
AT_MOST_RE = re.compile(
    r"(?:up\s+to|fewer\s+than|less\s+than|as\s+many\s+as|no\s+more\s+than|not\s+more\s+than|as\s+high\s+as|"
    r"under|below|at\s+most|a\s+maximum\s+of|smaller\s+than|lower\s+than)\s*['\"‘“]?\s*$", re.IGNORECASE)
APPROX_RE = re.compile(
    r"(?:about|around|nearly|almost|some|roughly|approximately|approx\.?|close\s+to|an\s+estimated|"
    r"estimated|approaching|circa|ca\.|~|more\s+or\s+less|in\s+the\s+region\s+of|an\s+approximate|"
    r"the\s+estimated|reportedly)\s*['\"‘“]?\s*$", re.IGNORECASE)
OR_MORE_RE = re.compile(r"^(?:\s*(?:or|and)\s+(?:more|above|over|greater)\b|\+|-plus\b)", re.IGNORECASE)
OR_LESS_RE = re.compile(r"^\s*or\s+(?:less|fewer|below|under)\b", re.IGNORECASE)
# the last word of every phrase above: text before a number that ends in none
# of these (after the optional quote) matches none of the three searches,
# which are tried at each of up to 40 positions; most numbers skip them
_PHRASE_ENDINGS = (
    "least", "than", "over", "above", "of", "exceed", "exceeds", "exceeded", "exceeding", "surpass",
    "surpasses", "surpassed", "surpassing", "top", "tops", "topped", "topping", "cross", "crosses", "crossed",
    "crossing", "passed", "past", "beyond", "to", "as", "under", "below", "most", "about", "around", "nearly",
    "almost", "some", "roughly", "approximately", "approximate", "approx", "approx.", "ca.", "estimated",
    "approaching", "circa", "~", "less", "reportedly")
_QUOTES = "'\"‘“"


def qualify(text: str, n: Number, s: int = 0) -> tuple[str, int, int | None, int | None, int]:
    """(qualifier, value, low, high, start of the qualifier phrase) for ``n``.

    ``s`` is where the sentence starts: a qualifier never reaches across it.

    >>> from worker.core.numbers import find_numbers
    >>> t = "up to 700 workers"
    >>> qualify(t, find_numbers(t)[0])
    ('at_most', 700, None, 700, 0)
    """
    if n.high is not None:
        return "range", n.value, n.value, n.high, n.start
    before = text[max(s, n.start - 40):n.start]
    after = text[n.end:n.end + 12]
    if n.vague:
        return "at_least", n.value, n.value, None, n.start
    # an explicit bound after the number beats a vague "about" before it
    if OR_MORE_RE.match(after):
        return "at_least", n.value, n.value, None, n.start
    if OR_LESS_RE.match(after):
        return "at_most", n.value, None, n.value, n.start
    tail = before.rstrip()
    if tail[-1:] in _QUOTES and tail:
        tail = tail[:-1].rstrip()
    if not tail.casefold().endswith(_PHRASE_ENDINGS):
        return "exact", n.value, n.value, n.value, n.start
    for rx, q in ((AT_LEAST_RE, "at_least"), (AT_MOST_RE, "at_most"), (APPROX_RE, "approx")):
        m = rx.search(before)
        if m:
            q_start = n.start - (len(before) - m.start())
            # "just over", "well over" stay at_least
            if q == "at_least":
                return q, n.value, n.value, None, q_start
            if q == "at_most":
                return q, n.value, None, n.value, q_start
            return q, n.value, None, None, q_start
    return "exact", n.value, n.value, n.value, n.start
