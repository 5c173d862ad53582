"""The date a figure refers to (the "date" pass)."""
from __future__ import annotations

import re

from worker.core.dates import DATE_CUE_RE, names_future, resolve_date
from worker.core.numbers import Number
from worker.core.types import ArticleIn


def as_of_date(text: str, s: int, e: int, article: ArticleIn, n: Number, scope: str):
    """The date the figure ``n`` refers to: a date the text gives the count, else publication.

    A date that starts the count or dates the event ("since the war began on
    October 7", "the quake struck on Monday", "the attack on October 7") is not
    the figure's date. An incident's toll is the toll known at publication unless
    the count itself is dated ("as of Friday", "by Tuesday").
    """
    published = article.published
    best: tuple[int, object] | None = None
    for m in DATE_CUE_RE.finditer(text, s, e):
        if _event_date(text, s, e, m):
            continue
        if scope == "incident" and not _COUNT_DATE_RE.match(m.group(0)) and not _said_when(text, s, e, m):
            continue
        if m.start() >= n.end and DIGIT_RE.search(text, n.end, m.start()) and not _COUNT_DATE_RE.match(m.group(0)):
            continue  # "15,200, up from 13,300 on November 20": the date is the other figure's
        if names_future(m, published):
            continue  # "by February 7 ... would be": a projection, not a count
        d = resolve_date(m, published)
        if d is None:
            continue
        dist = m.start() - n.end if m.start() >= n.end else n.start - m.end()
        if best is None or dist < best[0]:
            best = (dist, d)
    return best[1] if best else published


# cues that date a count rather than an event
_COUNT_DATE_RE = re.compile(r"(?:as\s+of|by|until|through)\b", re.IGNORECASE)
# words that make the date after them the start of the count or the date of the event
_EVENT_LEAD_RE = re.compile(
    r"\b(?:since|from|after|following|before|began|begun|begin|started|start|erupted|broke\s+out|outbreak|"
    r"struck|hit|jolted|rocked|shook|devastated|attacks?|attacked|assault|offensive|invasion|invaded|infiltrated|stormed|"
    r"raid|strikes?|airstrikes?|bombing|blast|explosion|war|conflict|fighting|earthquakes?|quakes?|"
    r"tremors?|floods?|storm|cyclone|hurricane|disaster|massacre|incursion|coup|truce|ceasefire)\b",
    re.IGNORECASE)
# an event noun right after the date: "the October 7 attack", "Monday's earthquake"
_EVENT_TAIL_RE = re.compile(
    r"\s*(?:['’]s\s+)?(?:\w+\s+){0,2}?(?:attacks?|assault|offensive|invasion|raid|strikes?|bombing|blast|"
    r"earthquakes?|quakes?|tremors?|floods?|massacre|incursion|start|outbreak|war)\b",
    re.IGNORECASE)
DIGIT_RE = re.compile(r"\d")
# a relative clause that tells when the event happened, places and "and" inside it
_EVENT_CLAUSE_RE = re.compile(
    r"\b(?:that|which)\s+(?:struck|hit|jolted|rocked|shook|devastated|began|erupted|broke\s+out)\b[^,;.\d]{0,50}$",
    re.IGNORECASE)
_CLAUSE_CUT_RE = re.compile(r"[,;:()\u2014\u2013]|\b(?:said|says|told|reported|announced|and|while|but)\b",
                            re.IGNORECASE)


_SAID_NEAR_RE = re.compile(r"\b(?:said|says|announced|reported|confirmed|stated|told|revealed|added)\b",
                           re.IGNORECASE)


def _said_when(text: str, s: int, e: int, m: re.Match[str]) -> bool:
    """ "X said on Friday", "X on Friday announced": the date of the statement."""
    return bool(_SAID_NEAR_RE.search(text, max(s, m.start() - 12), m.start())
                or _SAID_NEAR_RE.match(text, m.end() + 1, min(e, m.end() + 14)))


def _event_date(text: str, s: int, e: int, m: re.Match[str]) -> bool:
    """Does the date cue ``m`` date an event or the start of a count, not a figure?"""
    lead_start = max(s, m.start() - 70)
    lead = text[lead_start:m.start()]
    # only the words since the last number or clause break lead up to the date
    cut = 0
    for rx in (DIGIT_RE, _CLAUSE_CUT_RE):
        for x in rx.finditer(lead):
            cut = max(cut, x.end())
    if _EVENT_LEAD_RE.search(lead, cut):
        return True
    if _EVENT_CLAUSE_RE.search(lead):
        return True  # "the earthquake that shook Turkey and Syria on Monday"
    return bool(_EVENT_TAIL_RE.match(text, m.end(), min(e, m.end() + 30)))
