"""Split news text into sentences, linearly.

News typography breaks naive splitters: abbreviations ("U.N.", "Dr.",
"Gen.", "Oct. 7"), headlines and captions without a full stop, datelines
("GAZA CITY (AP) —"). Lines are hard boundaries (headlines, captions, page
debris); inside a line one compiled regex proposes candidate boundaries and
a constant-time check rejects those that follow an abbreviation. Work is
proportional to the text length.
"""
from __future__ import annotations

import re

# tokens that end with a dot without ending a sentence
ABBREVIATIONS = frozenset("""
mr mrs ms dr prof gen lt col maj capt sgt cpl adm gov sen rep rev st sr jr mt ft
no nos vol art sec dept est approx fig inc ltd co corp bros vs etc al
jan feb mar apr jun jul aug sep sept oct nov dec
u.n u.s u.k u.a.e e.u a.m p.m i.e e.g d.c u.s.a
""".split())

_LINE_RE = re.compile(r"[^\n]+")
# a sentence ends at . ! ? (plus closing quotes/brackets) followed by space and
# something that can start a sentence
_BOUNDARY_RE = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_WORD_BEFORE_RE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``, stripped of outer spaces.

    >>> t = "Dr. Ali said 5 died. U.N. staff fled."
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['Dr. Ali said 5 died.', 'U.N. staff fled.']
    """
    spans: list[tuple[int, int]] = []
    for line in _LINE_RE.finditer(text):
        ls, le = line.span()
        start = ls
        for b in _BOUNDARY_RE.finditer(text, ls, le):
            # look only at a short window before the dot: constant work per boundary
            w = _WORD_BEFORE_RE.search(text, max(start, b.start() - 12), b.start())
            if w and b.group(0)[0] == ".":
                word = w.group(1).lower().rstrip(".")
                if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                    continue
            end = b.start() + len(b.group(0).rstrip())
            _push(text, spans, start, end)
            start = b.end()
        _push(text, spans, start, le)
    return spans


def _push(text: str, spans: list[tuple[int, int]], start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
