"""Who said a figure: attributions of a sentence, the nearest one to a figure, sources carried
and resolved within the article (the "source" pass)."""
from __future__ import annotations

import re
from dataclasses import replace

from worker.core.attribution import (
    Attribution,
    SourceIndex,
    SourceMemory,
    canonical_source,
    find_attributions,
    resolve_late,
)
from worker.core.casefold import folded_re, folded_text
from worker.core.authorities import is_back_reference, is_role_reference, resolves_nothing
from worker.core.numbers import Number, trie
from worker.core.offices import DEMONYMS, MEDIA_RE
from worker.core.places import source_region
from worker.core.types import Claim


def resolve_claim_source(c: Claim, memory: SourceMemory) -> Claim:
    """Resolve what the sentence pass left open: a back-reference to a source named
    later ("the ministry announced ..." before "the Health Ministry in Gaza"), and a
    figure with no attribution just after a source was named."""
    if c.source and c.source_canonical is None and (is_back_reference(c.source) or is_role_reference(c.source)):
        canon = resolve_late(c.source, memory)
        # "the report said" with no report named anywhere: no authority, no source
        return replace(c, source_canonical=canon) if canon else replace(c, source=None)
    text = memory.text
    if c.source is not None and not _speaks_for(c, text):
        return replace(c, source=None, source_canonical=None)
    if c.source is None and text:
        # only the queued sentences that may frame a report or point back are attributed
        # for this: most articles have none, and attributing the whole queue is dear
        memory.settle(lambda s, e: bool(FRAMING_RE.search(text, s, e) or POINTS_BACK_RE.match(text, s, e)))
        named = memory.framing(c.start)
        if named is not None and memory.pending_between(named[0], c.start,
                                                        lambda s, e: bool(SAY_HINT_RE.search(folded_text(text), s, e))):
            named = memory.framing(c.start) if memory.last_named(c.start) else None  # settle the rest
        named = named or memory.pointed_back(c.end, BACK_CHARS)
        if named is not None:
            return replace(c, source=named[1], source_canonical=named[2])
    return c


def _speaks_for(c: Claim, text: str) -> bool:
    """Can the claim's source speak for it? A country's civil authority does not count
    another country's dead ("Turkey's agency said 44,200 died, whereas 6,000 died in
    Syria"); a source named sentences away does not speak for another event's figure."""
    home = source_region(c.source_canonical)
    if (home and c.region and c.region != home and c.region in _COUNTRIES
            and not _MILITARY_RE.search(c.source_canonical or "")):
        before = text.rfind(c.source, max(0, c.start - 200), c.start)
        after = text.find(c.source, c.end, c.end + 200)
        if not ((before >= 0 and not _CONTRAST_RE.search(text, before, c.start))
                or (after >= 0 and not _CONTRAST_RE.search(text, c.end, after))):
            return False
    if c.role == "other_event" and c.source and text.find(c.source, max(0, c.start - 200), c.end + 200) < 0:
        return False
    return True


# the countries a national source can be of
_COUNTRIES = frozenset(r for r in map(source_region, DEMONYMS) if r)
_CONTRAST_RE = re.compile(r"\b(?:whereas|while|but)\b|[.;]\s", re.IGNORECASE)
_MILITARY_RE = re.compile(r"\b(?:military|army|forces|defen[cs]e)\b", re.IGNORECASE)


# how far after a figure the sentence saying "the figures were released by X" may start
BACK_CHARS = 200
# a sentence that introduces a report: its source speaks for the figures that follow
FRAMING_RE = re.compile(
    r"\b(?:presented|released|issued|published|detailed|shared|gave|unveiled)\s+(?:(?:a|an|the|its|his|her|their)\s+)?"
    r"(?:[\w-]+\s+){0,2}(?:report|figures|data|statistics|breakdown|bulletin|update|sitrep)\b"
    r"|\bas\s+follows\b|\b(?:as\s+per|according\s+to)\s+(?:the\s+)?[\w’'-]+(?:\s+[\w’'-]+){0,6}?['’]s\s+"
    r"(?:[\w-]+\s+)?(?:report|sitrep|bulletin|data|figures)\b", re.IGNORECASE)
# a sentence that opens by pointing at the figures just given
POINTS_BACK_RE = re.compile(
    r"\s*(?:(?:the|these|those|this|that)\s+(?:[\w-]+\s+)?(?:figures?|numbers?|data|tolls?|statistics|estimates?|"
    r"count|tally)\s+(?:were|was|are|is|come|came|have\s+been|had\s+been)\b"
    # "This was stated by X", "This came in a report released by X"
    r"|(?:this|that|it)\s+(?:was|is|has\s+been|came|comes)\s+(?:\w+\s+){0,4}?(?:stated|said|reported|announced|"
    r"confirmed|according|released|issued|published|by)\b)", re.IGNORECASE)


# how many sentences a source carries over to figures that name none
CARRY_SENTENCES = 2
_SAY_HINT_WORDS = ("said says according reported citing told announced stated confirmed added presented released "
                   "issued published detailed informed noted revealed").split()
# the words as a prefix tree: the same matches as their plain alternation, found faster
SAY_HINT_RE = folded_re(r"\b(?:" + trie(_SAY_HINT_WORDS) + r"|as per)\b")


def remember_sources(text: str, s: int, e: int, headline: bool, index: SourceIndex,
                      memory: SourceMemory, region: str | None) -> list[Attribution]:
    out = []
    memory.text = text
    framing = back_to = None  # known when a first source is remembered
    for a, b, raw in find_attributions(text, s, e, headline=headline,
                                       keep=lambda raw: not resolves_nothing(raw, index)):
        canon = canonical_source(raw, index, memory, region, at=a)
        if canon:
            if framing is None:
                framing = _frames(text, s, e)
                back_to = s if POINTS_BACK_RE.match(text, s, e) else None
            memory.remember(raw, canon, at=a, framing=framing, back_to=back_to)
        out.append(Attribution(a, b, raw, canon))
    return out


# words FRAMING_RE cannot match without; IGNORECASE also folds these to ASCII letters
_FRAMING_GATE_RE = re.compile(r"presented|released|issued|published|detailed|shared|gave|unveiled|follows|per\s"
                              r"|according")
_CASE_FOLD_ODD = ("\u0130", "\u0131", "\u017f", "\u212a")
_FRAMING_WORDS = ("presented", "released", "issued", "published", "detailed", "shared", "gave", "unveiled", "follows",
                  "according")


def _framing_words(low: str) -> bool:
    """``_FRAMING_GATE_RE.search(low)``, by substring tests first."""
    return any(map(low.__contains__, _FRAMING_WORDS)) or ("per" in low and _FRAMING_GATE_RE.search(low) is not None)


def _frames(text: str, s: int, e: int) -> bool:
    """Does ``text[s:e]`` introduce a report (FRAMING_RE)? The case-blind scan runs only
    where one of its words occurs."""
    sent = text[s:e]
    if (sent.isascii() or not any(c in sent for c in _CASE_FOLD_ODD)) and not _framing_words(sent.lower()):
        return False
    return bool(FRAMING_RE.search(text, s, e))


def nearest_attribution(text: str, atts: list[Attribution], n: Number) -> Attribution | None:
    """The source nearest to ``n``; one behind a relative clause ("which is fewer than
    the 500 claimed by X") speaks for that clause's figure, not for ``n``."""
    # "144 dead, confirms the junta; 8 killed in Thailand": a source that closes its
    # clause speaks for that clause only
    atts = [a for a in atts if not (a.end <= n.start and _CLAUSE_END_RE.match(text, a.end)
                                    and ";" in text[a.end:n.start])]
    rel = _BACKGROUND_RE.search(text, max(0, n.start - 40), n.start)
    if rel is not None:
        # "..., which killed at least 275 people, officials said that rescue ended": the figure
        # of a relative clause that recalls the event is the outlet's, not the speaker's
        atts = [a for a in atts if a.start >= rel.start()]
    if len(atts) > 1:
        # "the minister said ..., according to state television": the medium relays the speaker
        speakers = [a for a in atts if not (MEDIA_RE.search(a.raw) and _RELAYED_RE.search(text, max(0, a.start - 40),
                                                                                          a.start))]
        if speakers and len(speakers) < len(atts):
            atts = speakers
    if not atts:
        return None

    def cost(a: Attribution) -> int:
        d = min(abs(a.start - n.end), abs(n.start - a.end))
        if a.start >= n.end and _RELATIVE_CUT_RE.search(text, n.end, a.start):
            d += 1000
        return d
    return min(atts, key=cost)


_RELAYED_RE = re.compile(r"\b(?:according\s+to|citing|quoted\s+by|reported\s+by|aired\s+by|broadcast\s+by)\s*$",
                         re.IGNORECASE)
_BACKGROUND_RE = re.compile(r",\s*(?:which|that)\s+(?:has\s+|had\s+)?(?:killed|left|claimed)\b[^,;.]*$"
                            r"|,\s*where\s+[^,;.]*$", re.IGNORECASE)
_CLAUSE_END_RE = re.compile(r"\s*;")
_RELATIVE_CUT_RE = re.compile(r",\s*(?:which|while|whereas|but|compared)\b|;", re.IGNORECASE)
