"""What a figure is in its article (the "role" pass).

- ``total``: the count itself ("the death toll rose to 3,145");
- ``part``: a breakdown of a count ("including 1,217 children", "88 of them have been
  identified", "12 in the north and 30 in the south", "another 40 in neighbouring provinces");
- ``earlier``: an earlier figure quoted for comparison ("up from 2,000", "an earlier toll of
  288", "had put the toll at 300", "the figure announced a day earlier");
- ``other_event``: a figure of another event named for comparison ("the 2015 quake killed
  9,000", "Katrina killed more than 1,800 people in 2005").

Each rule reads the words of the figure's own clause only: a cue of one figure never
spills onto the next one. Projections are dropped before this pass (candidates.py).

    >>> earlier_cue("The toll was revised to 275 from ", 0, 33)
    13
"""
from __future__ import annotations

import re
from datetime import date

from worker.core.casefold import folded_re, folded_text
from worker.core.numbers import Number

# a clause ends at these: a cue before it belongs to another figure
_CLAUSE_BREAK_RE = re.compile(r"[;:()\u2014]|,\s+(?:and|but|while|whereas|which)\b|\d")

# words right before a figure that make it an earlier one
_EARLIER_BEFORE_RE = folded_re(
    r"(?:\b(?:up|down|rising|risen|rose|increased|increasing|jumped|climbed|revised|raised|lowered|cut|"
    r"dropped|fell|falling|reduced|corrected|adjusted|updated)\b[^.;]{0,60}?\bfrom"
    r"|\bto\s+[\d,.]+(?:\s+[\w-]+)?\s+from"
    r"|\b(?:up|down)\s+from"
    r"|\b(?:an?|the|its|their)\s+(?:\w+\s+)?(?:earlier|previous|prior|initial|original|former|last|old)\s+"
    r"(?:\w+\s+){0,2}?(?:tolls?|tally|tallies|figures?|counts?|estimates?|totals?|numbers?|reports?)"
    r"(?:\s+(?:of|at|was|stood\s+at|had\s+been|given|put))?"
    # "an earlier report by the ministry late Monday cited 492": the document's own verb
    r"|\b(?:an?|the|its|their)\s+(?:earlier|previous|prior|initial|original)\s+(?:\w+\s+)?"
    r"(?:reports?|statements?|updates?|briefings?|tolls?|tally|count|estimates?|figures?)\b[^.;\d]{0,60}?"
    r"\b(?:cited|put|gave|showed|listed|recorded|counted|said|reported|mentioned)(?:\s+(?:it\s+)?(?:at|as))?"
    r"|\b(?:previously|initially|originally|earlier|first)\s+(?:been\s+)?(?:reported|announced|given|"
    r"put|estimated|stated|said|recorded|counted|confirmed|released|listed|cited)?(?:\s+(?:as|at|to\s+be))?"
    r"|\bhad\s+(?:earlier\s+|previously\s+|initially\s+|first\s+|already\s+)?(?:put|given|set|placed|"
    r"reported|estimated|announced|said)\b[^.;]{0,40}?\b(?:at|as|of)"
    r"|\bhad\s+(?:earlier|previously|initially)\s+(?:\w+\s+){0,3}?"
    r"|\bcompared\s+(?:with|to)"
    r")\s+(?:(?:about|around|some|nearly|almost|over|more\s+than|at\s+least|roughly|approximately|"
    r"an\s+estimated|a|the|just)\s+)*$")

# words right after a figure that make it an earlier one ("the 1,002 announced hours earlier")
_EARLIER_AFTER_RE = folded_re(
    r"^(?:\s+[\w'’-]+){0,4}?\s+(?:announced|reported|given|released|recorded|stated|put\s+out|published|"
    r"cited|confirmed|counted)\s+(?:\w+\s+){0,3}?(?:earlier|previously|before|the\s+day\s+before|"
    r"the\s+previous\s+day|yesterday)\b"
    r"|^(?:\s+[\w'’-]+){0,3}?\s+(?:previously|initially|originally)\s+(?:reported|announced|given|"
    r"stated|recorded|confirmed)\b"
    r"|^\s+(?:a\s+day|a\s+week|hours|days|two\s+days)\s+(?:earlier|before|ago)\b")

# words before a figure that make it a sub-count of a total
_PART_BEFORE_RE = folded_re(
    r"(?:\b(?:including|includes|included|include|among\s+(?:them|those|whom|the\s+(?:dead|victims|"
    r"killed|injured|wounded|deceased|missing))|of\s+(?:whom|them|these|those)|of\s+the\s+(?:\w+\s+){0,2}"
    r"(?:dead|victims|killed|injured|wounded|deceased|bodies|missing|total)|out\s+of\s+(?:these|those|"
    r"them|the\s+(?:total|dead|victims|bodies)))"
    r"|\bof\s+the\s+[\d,.]+(?:\s+[\w-]+){0,2}\s*,"
    r")\s+(?:(?:about|around|some|nearly|almost|over|more\s+than|at\s+least|roughly|approximately|"
    r"an\s+estimated|the)\s+)*$")
# words after a figure that make it a sub-count: "88 of them", "25 of the dead"
_PART_AFTER_RE = folded_re(
    r"^\s+(?:[a-z]+\s+){0,2}?(?:of|among)\s+(?:them|whom|these|those|the\s+(?:\w+\s+)?(?:dead|victims|killed|injured|"
    r"wounded|deceased|bodies|fatalities|casualties|missing|total|toll))\b"
    r"|^\s+(?:\w+\s+){0,2}?(?:bodies\s+)?(?:have\s+been|had\s+been|were|was|are|being)\s+(?:\w+\s+)?"
    r"(?:identified|unidentified|handed\s+over|released\s+to|returned\s+to|buried|cremated|claimed|"
    r"discharged|treated|admitted|still\s+(?:under|in|being|awaiting))\b"
    r"|^\s+(?:are|were|remain|remained)\s+(?:still\s+)?(?:yet\s+to\s+be|awaiting|not\s+yet)\b"
    r"|^\s+(?:\w+\s+){0,2}?(?:identified|unidentified)\b")
# "12 in Sindh and 4 in Punjab", "Florida: 20": a figure per place
_PER_PLACE_AFTER_RE = re.compile(r"^\s+(?:\w+\s+)?(?:in|from|at)\s+[A-Z]")
_PLACE_COLON_BEFORE_RE = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}\s*:\s*$")
# "another 40 in neighbouring provinces": one more share of the same count
_ANOTHER_RE = folded_re(r"\b(?:another|a\s+further|an\s+additional|additional)\s+(?:(?:about|around|some|nearly|"
                         r"almost|over|more\s+than|at\s+least)\s+)?$")
_EACH_RE = folded_re(r"^\s+(?:\w+\s+){0,2}?each\b")

# a year in the figure's clause names the event it belongs to, unless it starts a count
_YEAR_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_START_CUE_RE = folded_re(r"\b(?:since|began|begun|begin|start|started|starting|erupted|broke\s+out|from|after|"
                           r"outbreak|between|until|through|to\s+date)\b")
# how a year is written: "in 2005", "in October 2005", "the 2015 quake", "2015's floods"
_YEAR_LEAD_RE = folded_re(r"\b(?:in|of|during|since|early|late|mid|summer|winter|spring|autumn|fall|"
                           r"january|february|march|april|may|june|july|august|september|october|november|"
                           r"december)\s+$")
_YEAR_TAIL_RE = folded_re(r"['’]s\b|\s+(?:\w+\s+)?(?:quakes?|earthquakes?|floods?|flooding|storms?|hurricanes?|"
                           r"cyclones?|typhoons?|tsunamis?|wars?|attacks?|disasters?|crash|famines?|massacres?|"
                           r"eruptions?|landslides?|outbreaks?|pandemic|epidemic|invasion|conflict|fighting|"
                           r"bombings?|uprising|genocide|fires?|wildfires?|tremors?|heatwaves?|drought)\b")
_CLAUSE_END_RE = re.compile(r"[;:()]|\.\s|,\s+(?:and|but|while|whereas|which)\b")


def clause_start(text: str, s: int, at: int, reach: int = 90) -> int:
    """Where the clause that ends at ``at`` starts: after the last figure or clause break
    before it (or ``reach`` characters back)."""
    cut = max(s, at - reach)
    for m in _CLAUSE_BREAK_RE.finditer(text, cut, at):
        cut = m.end()
    return cut


def earlier_cue(text: str, s: int, at: int) -> int:
    """Where the words before offset ``at`` start to quote an earlier figure ("up from",
    "an earlier toll of"), or -1. Asked once per figure (extract.py passes it on)."""
    m = _earlier_before(text, max(s, at - 90), at)
    return m.start() if m else -1


# every match of _EARLIER_BEFORE_RE holds one of these words: a window without any
# holds no match (a necessary condition), tested on the folded text (casefold.py)
_EARLIER_WORDS = ("from", "earlier", "previous", "prior", "initial", "original", "former", "last", "old",
                  "first", "had", "compared")


def _earlier_before(text: str, lo: int = 0, at: int | None = None) -> re.Match[str] | None:
    """``_EARLIER_BEFORE_RE.search(text, lo, at)``, skipped where it cannot match."""
    at = len(text) if at is None else at
    folded = folded_text(text)
    window = folded[lo:at]
    if not any(map(window.__contains__, _EARLIER_WORDS)):
        return None
    return _EARLIER_BEFORE_RE.search(folded, lo, at)


def role_of(text: str, s: int, e: int, n: Number, q_start: int, subject_class: str,
            published: date | None, follows_total: bool, earlier: bool) -> str:
    """The role of the figure ``n`` (value-level reading of its clause).

    ``q_start`` is where its qualifier starts ("more than 300"); ``follows_total`` says a
    figure of the same kind came before it in the sentence (so a per-place split or a
    list of groups is a breakdown of it); ``earlier`` is what :func:`earlier_cue` found.
    """
    before_q = text[max(s, q_start - 90):q_start]
    after = text[n.end:min(e, n.end + 70)]
    if _other_event(text, s, e, n, published):
        return "other_event"
    folded = folded_text(text)
    f_before, f_after = folded[max(s, q_start - 90):q_start], folded[n.end:min(e, n.end + 70)]
    if earlier or _EARLIER_AFTER_RE.match(f_after):
        return "earlier"
    if _PART_BEFORE_RE.search(f_before) or _PART_AFTER_RE.match(f_after) or _EACH_RE.match(f_after):
        return "part"
    if _another_before(f_before) and (follows_total or _PER_PLACE_AFTER_RE.match(after)):
        return "part"
    # a place-colon cue ends in ":" (checked first: most windows have none)
    colon = ":" in before_q and _PLACE_COLON_BEFORE_RE.search(before_q)
    if follows_total and (_PER_PLACE_AFTER_RE.match(after) or colon):
        return "part"
    if colon and not before_q.strip().lower().startswith(("toll", "death")):
        return "part"
    return "total"


def _another_before(folded: str) -> re.Match[str] | None:
    """``_ANOTHER_RE`` in the folded window, skipped without its words."""
    if "another" not in folded and "further" not in folded and "additional" not in folded:
        return None
    return _ANOTHER_RE.search(folded)


def _other_event(text: str, s: int, e: int, n: Number, published: date | None) -> bool:
    """A year before the article's own in the figure's clause: "the 2015 quake killed 9,000",
    "killed more than 1,800 people in 2005" (not "since the war began in October 2023")."""
    if published is None:
        return False
    lo = max(s, n.start - 80)
    for m in _CLAUSE_END_RE.finditer(text, lo, n.start):
        lo = m.end()
    hi = min(e, n.end + 60)
    m = _CLAUSE_END_RE.search(text, n.end, hi)
    if m:
        hi = m.start()
    for y in _YEAR_RE.finditer(text, lo, hi):
        if y.start() <= n.start < y.end() or int(y.group(1)) >= published.year:
            continue
        folded = folded_text(text)
        if not (_YEAR_LEAD_RE.search(folded, max(s, y.start() - 25), y.start())
                or _YEAR_TAIL_RE.match(folded, y.end(), min(e, y.end() + 20))):
            continue  # "not the speculated 2000": a count, not a year
        if _START_CUE_RE.search(folded, lo, y.start()):
            continue  # "since the war began in October 2023": the count reaches now
        return True
    return False

