"""The date a figure refers to (the "date" pass)."""
from __future__ import annotations

import re

from worker.core.casefold import folded_re, folded_text
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
    for start, end, count_date, said_when, d in _sentence_dates(text, s, e, published):
        if scope == "incident" and not count_date and not said_when:
            continue
        if start >= n.end and not count_date and DIGIT_RE.search(text, n.end, start):
            continue  # "15,200, up from 13,300 on November 20": the date is the other figure's
        dist = start - n.end if start >= n.end else n.start - end
        if best is None or dist < best[0]:
            best = (dist, d)
    return best[1] if best else published


# the dates of the sentence read last: its figures share them
_LAST: tuple = (None, -1, -1, None, [])


def _sentence_dates(text: str, s: int, e: int, published) -> list[tuple[int, int, bool, bool, object]]:
    """The date cues of ``text[s:e]`` that may date one of its figures, whatever the figure:
    ``(start, end, dates a count, dates a statement, date)``; not those that date an event
    or the start of a count, name a day after publication, or name no date."""
    global _LAST
    last = _LAST
    if last[0] is text and last[1] == s and last[2] == e and last[3] == published:
        return last[4]
    out = []
    for m in DATE_CUE_RE.finditer(text, s, e):
        if _event_date(text, s, e, m):
            continue
        if names_future(m, published):
            continue  # "by February 7 ... would be": a projection, not a count
        d = resolve_date(m, published)
        if d is None:
            continue
        count_date = bool(_COUNT_DATE_RE.match(folded_text(text), m.start(), m.end()))
        out.append((m.start(), m.end(), count_date, count_date or _said_when(text, s, e, m), d))
    _LAST = (text, s, e, published, out)
    return out


# verbs of an event striking a place ("the quake struck", "a storm that hit")
_STRIKE = r"struck|hit|jolted|rocked|shook|devastated"
# cues that date a count rather than an event
_COUNT_DATE_RE = folded_re(r"(?:as\s+of|by|until|through)\b")
# words that make the date after them the start of the count or the date of the event
_EVENT_LEAD_RE = folded_re(
    r"\b(?:since|from|after|following|before|began|begun|begin|started|start|erupted|broke\s+out|outbreak|"
    rf"{_STRIKE}|attacks?|attacked|assault|offensive|invasion|invaded|infiltrated|stormed|"
    r"raid|strikes?|airstrikes?|bombing|blast|explosion|war|conflict|fighting|earthquakes?|quakes?|"
    r"tremors?|floods?|storm|cyclone|hurricane|disaster|massacre|incursion|coup|truce|ceasefire)\b")
# an event noun right after the date: "the October 7 attack", "Monday's earthquake"
_EVENT_TAIL_RE = folded_re(
    r"\s*(?:['’]s\s+)?(?:\w+\s+){0,2}?(?:attacks?|assault|offensive|invasion|raid|strikes?|bombing|blast|"
    r"earthquakes?|quakes?|tremors?|floods?|massacre|incursion|start|outbreak|war)\b")
# a fronted date whose clause is the event striking: "On October 7, a strong 6.3-magnitude
# earthquake rocked western Afghanistan, killing some 2,400": the toll is not of that day
_EVENT_FRONTED_RE = folded_re(
    r",?\s*(?:(?:a|an|the)\s+)?(?:[\w.\-]+\s+){0,3}?(?:earthquakes?|quakes?|tremors?|floods?|storms?|cyclone|"
    rf"hurricane|typhoon|landslides?|explosions?|blasts?|attacks?|strikes?)\s+(?:{_STRIKE}|"
    r"slammed|battered|swept|tore|buried|made\s+landfall)\b")
DIGIT_RE = re.compile(r"\d")
# a relative clause that tells when the event happened, places and "and" inside it
_EVENT_CLAUSE_RE = folded_re(
    rf"\b(?:that|which)\s+(?:{_STRIKE}|began|erupted|broke\s+out)\b[^,;.\d]{{0,50}}$")
_CLAUSE_CUT_RE = folded_re(r"[,;:()\u2014\u2013]|\b(?:said|says|told|reported|announced|and|while|but)\b")


_SAID_NEAR_RE = folded_re(r"\b(?:said|says|announced|reported|confirmed|stated|told|revealed|added)\b")


def _said_when(text: str, s: int, e: int, m: re.Match[str]) -> bool:
    """ "X said on Friday", "X on Friday announced": the date of the statement."""
    folded = folded_text(text)
    return bool(_SAID_NEAR_RE.search(folded, max(s, m.start() - 12), m.start())
                or _SAID_NEAR_RE.match(folded, m.end() + 1, min(e, m.end() + 14)))


def _event_date(text: str, s: int, e: int, m: re.Match[str]) -> bool:
    """Does the date cue ``m`` date an event or the start of a count, not a figure?"""
    lead_start = max(s, m.start() - 70)
    folded = folded_text(text)
    lead = folded[lead_start:m.start()]
    # only the words since the last number or clause break lead up to the date
    cut = 0
    for rx in (DIGIT_RE, _CLAUSE_CUT_RE):
        for x in rx.finditer(lead):
            cut = max(cut, x.end())
    if _EVENT_LEAD_RE.search(lead, cut):
        return True
    if _EVENT_CLAUSE_RE.search(lead):
        return True  # "the earthquake that shook Turkey and Syria on Monday"
    return bool(_EVENT_TAIL_RE.match(folded, m.end(), min(e, m.end() + 30))
                or _EVENT_FRONTED_RE.match(folded, m.end(), min(e, m.end() + 80)))

