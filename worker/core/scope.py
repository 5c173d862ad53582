"""Scope and period of a figure: cumulative, period (with its window) or incident (the "scope" pass)."""
from __future__ import annotations

import re

from worker.core.kindpick import KindWord
from worker.core.numbers import Number

# PERIOD_RE, CUMULATIVE_RE, INCIDENT_RE and _EVENT_RE are case-sensitive: they
# run on ascii_lower(text) (same offsets), several times faster than IGNORECASE
PERIOD_RE = re.compile(
    r"\b(?:in|over|during|within)\s+(?:the\s+(?:past|last|previous|preceding)\s+)?(?P<h>24|48|72|twenty-four|forty-eight)"
    r"\s+hours\b"
    r"|\b(?:in|over|during|within)\s+the\s+(?:past|last|previous)\s+(?P<unit>day|week|month|year|hours?|days|weeks)\b"
    r"|\b(?P<overnight>overnight)\b"
    r"|\bsince\s+(?P<since>(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+"
    r"(?:morning|night|evening|afternoon)|(?:this|yesterday|last)\s+(?:morning|night|evening))\b"
    r"|\b(?:this|last)\s+(?P<this>week|month|weekend)\b"
    r"|\b(?:in|during)\s+(?P<month>january|february|march|april|may|june|july|august|september|october|november|december)\b"
    r"(?!\s+\d)"
    r"|\b(?P<fromto>from\s+\w+\s+\d{1,2}\s+to\s+\w+\s+\d{1,2}(?:,\s*\d{4})?)"
    r"|\b(?P<ontheday>on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:\s+alone)?)\b"
    r"|\b(?P<today>today|yesterday)\s+alone\b"
    r"|\b(?P<daily>a\s+day|per\s+day|each\s+day|every\s+day|daily)\b"
    r"|\b(?P<lastyear>(?:same\s+month\s+)?last\s+year)\b")
CUMULATIVE_RE = re.compile(
    r"\bsince\b|\bso\s+far\b|\bin\s+total\b|\boverall\b|\bto\s+date\b|\bwar\b|\bconflict\b"
    r"|\bcumulative\b|\bthe\s+start\b|\bbegan\b|\bongoing\b|\bthus\s+far\b")
INCIDENT_RE = re.compile(
    r"\b(?:strike|airstrike|air\s+strike|attack|raid|bombing|explosion|blast|shelling|massacre|ambush|"
    r"shooting|stampede|crash|collision|collapse|fire|landslide|sinking|shipwreck|assault|incursion|rampage|"
    r"stabbing|bombardment|batch|hijacking|siege\s+of|operation|incident)\b")
_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
           r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
# "infiltrated the south on October 7 and killed 1,140": an attack of one date is one incident
DATED_ATTACK_RE = re.compile(
    r"\b(?:attack\w*|infiltrat\w*|storm(?:ed|ing)|raid(?:ed|ing)|invad\w*|massacre\w*|overran)\b[^.;]{0,40}?"
    rf"\bon\s+(?:{_MONTHS}\.?\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTHS})\b")
# "another earthquake struck on Wednesday ... one person died": a second event is an incident
ANOTHER_EVENT_RE = re.compile(
    r"\b(?:another|a\s+(?:new|second|fresh|separate)|the\s+(?:latest|second|new|separate))\s+(?:[\w.-]+\s+){0,3}?"
    r"(?:earthquake|quake|tremor|aftershock|landslide|storm|cyclone|explosion|blast)\b")
# "the death toll ... climbed to 288": a running count, whatever event it is the toll of
TOLL_RISE_RE = re.compile(r"\btoll\b[^.;\d]{0,80}\b(?:risen|rose|rises|climbed|climbs|jumped|reached|increased|"
                          r"stands|stood|surged|mounted|soared)\b[^.;\d]{0,15}$")


# "57 more deaths", "22 more die", "11 additional deaths": the count since the last report
NEW_SINCE_RE = re.compile(
    r"\s+(?:more|additional|new|further)\s+(?:(?:people|persons|lives|bodies)\s+)?(?:(?:were|was|have|had|"
    r"been|reported|confirmed)\s+){0,2}(?:deaths?|dead|died|die|fatalities|killed|injur\w*|wounded|"
    r"casualties|lost)\b")


# "2,053 dead and 1,240 more wounded": "more" after another figure means "others", not "new"
_COORDINATED_RE = re.compile(r"\d[\d,.]*\s+(?:[a-z]+\s+){0,3}?(?:and|,)\s+(?:[a-z]+\s+)?$")


def inherits_scope(scope: str, role: str, listed: bool, prev: tuple[str, str | None] | None) -> bool:
    """Does a figure take the scope of the figure before it? A breakdown or a list item that
    names no scope of its own counts in the window of the figure it breaks down
    ("12 deaths in the past 24 hours: seven in Sindh, five in Punjab")."""
    return prev is not None and prev[0] == "period" and scope == "cumulative" and (role == "part" or listed)


# one event that can be a whole story: when the article is about it, its toll is the story's
# running total (cumulative), not one incident inside a larger one
DISASTER_RE = re.compile(
    r"\b(?:stampede|crash|collision|collapse|fire|landslide|mudslide|sinking|shipwreck|accident|derailment|"
    r"mishap|tragedy|disaster|explosion|blast)\b")


def main_events(lowered: str) -> frozenset[str]:
    """The disaster words of an article's head (its title, its first sentences): what the story is about."""
    return frozenset(m.group(0) for m in DISASTER_RE.finditer(lowered))


def scope_of(text: str, lowered: str, n: Number, s: int, e: int, kw: KindWord | None,
             story: frozenset[str] = frozenset()) -> tuple[str, str | None]:
    """cumulative / period (with its window) / incident, from cues near the number.

    Cues are searched in ``lowered`` (``ascii_lower(text)``); what is quoted
    back ("since Monday night") is taken from ``text``.
    """
    lo = max(s, min(n.start, kw.start if kw else n.start) - 60)
    core_end = max(n.end, kw.end if kw else n.end)
    if NEW_SINCE_RE.match(lowered, n.end, min(e, n.end + 40)) and not _COORDINATED_RE.search(
            lowered, max(s, n.start - 60), n.start):
        return "period", "since the last report"
    hi = min(e, core_end + 70)
    # each pattern below is tried only where a word it cannot match without occurs
    day = _DAY_EVENT_RE.search(lowered, lo, hi) if lowered.find("day", lo, hi) >= 0 and _ATTACKS_GATE_RE.search(
        lowered, lo, hi) else None
    if day is not None:
        # "Israeli strikes on Monday killed 558", "the toll of Monday's raids": the count of one day
        g = "wd" if day.group("wd") else "wd2"
        return "period", text[day.start(g):day.end(g)].capitalize()
    fronted = PERIOD_RE.match(lowered, s + len(lowered[s:lo]) - len(lowered[s:lo].lstrip())) if lo > s else None
    matches = list(PERIOD_RE.finditer(lowered, lo, hi)) if any(map(lowered[lo:hi].__contains__, _PERIOD_WORDS)) else []
    if fronted is not None and FRONTED_END_RE.match(lowered, fronted.end()):
        # "In the last 24 hours, 119 people died and 71 were injured": the sentence's window
        matches.insert(0, fronted)
    for m in matches:
        g = m.lastgroup
        written = text[m.start(g):m.end(g)] if g else ""
        if g in ("this", "month", "lastyear", "daily", "unit"):
            # "the earthquakes this month", "the war, which erupted in April":
            # the time phrase dates an event, not the count
            between = lowered[core_end:m.start()] if m.start() >= core_end else lowered[m.end():n.start]
            if _EVENT_RE.search(between) or _EVENT_RE.search(lowered[max(s, m.start() - 50):m.start()]) \
                    or _DATES_NEXT_RE.match(lowered, m.end()) or _RELATIVE_EVENT_RE.search(lowered, s, n.start):
                continue  # "after last week's floods", "the crash, which killed 294 in June"
        if m.end() <= n.start and _CLAUSE_GAP_RE.search(lowered, m.end(), n.start):
            continue  # "... killed in the city last year, with estimates of up to 150,000": another clause
        if g == "ontheday" and not m.group(0).endswith("alone"):
            continue
        if g == "h":
            return "period", {"twenty-four": "24", "forty-eight": "48"}.get(m.group("h"), written) + "h"
        if g == "unit":
            unit = m.group("unit")
            return "period", "24h" if unit.startswith("hour") else unit.rstrip("s")
        if g == "overnight":
            return "period", "overnight"
        if g == "since":
            return "period", "since " + written
        if g == "this":
            return "period", m.group("this")
        if g == "month":
            return "period", written
        if g == "fromto":
            return "period", written[5:]
        if g in ("ontheday", "today", "daily"):
            return "period", "day"
        if g == "lastyear":
            return "period", written
    window = lowered[max(s, n.start - 100):min(e, n.end + 100)]
    dated = DATED_ATTACK_RE.search(window) if any(map(window.__contains__, _DATED_ATTACK_WORDS)) else None
    if dated and "since" not in window[max(0, dated.start() - 30):dated.start()]:
        return "incident", None
    toll = TOLL_RISE_RE.search(lowered, max(s, n.start - 110), n.start) if lowered.find(
        "toll", max(s, n.start - 110), n.start) >= 0 else None
    if toll:
        # the toll of one strike inside a war is that incident's; of a crash or a flood, the story's
        attack = [m for m in INCIDENT_RE.finditer(toll.group(0)) if not DISASTER_RE.fullmatch(m.group(0))]
        return ("incident", None) if attack else ("cumulative", None)
    a, b = max(0, s - 200), min(e, n.end + 60)
    span = lowered[a:b]
    # (map over a slice's __contains__: the substring tests without a Python frame each)
    if any(map(span.__contains__, _ANOTHER_EVENT_WORDS)) and any(map(span.__contains__, _ANOTHER_WORDS)) \
            and ANOTHER_EVENT_RE.search(lowered, a, b):
        return "incident", None
    if not (any(map(window.__contains__, _CUMULATIVE_WORDS)) and CUMULATIVE_RE.search(window)):
        for m in INCIDENT_RE.finditer(window):
            if m.group(0) not in story:
                return "incident", None  # the story's own disaster: its toll is the running total
    return "cumulative", None


# the words a pattern cannot match without (each of its alternatives holds one): where none
# occurs, the pattern is not tried (a necessary condition, the same answers)
_ATTACKS_GATE_RE = re.compile(r"strikes|attacks|raids|bomb|shelling|fighting|clashes")
_PERIOD_WORDS = ("hours", "past", "last", "previous", "overnight", "since", "week", "month", "from", "day", "alone",
                 "daily", "january", "february", "march", "april", "may", "june", "july", "august", "september",
                 "october", "november", "december")
_DATED_ATTACK_WORDS = ("attack", "infiltrat", "storm", "raid", "invad", "massacre", "overran")
_ANOTHER_EVENT_WORDS = ("quake", "tremor", "aftershock", "landslide", "storm", "cyclone", "explosion", "blast")
_ANOTHER_WORDS = ("another", "new", "second", "fresh", "separate", "latest")
_CUMULATIVE_WORDS = ("since", "far", "total", "overall", "date", "war", "conflict", "cumulative", "start", "began",
                     "ongoing")
_WEEKDAY = r"(?P<{}>monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today)"
_ATTACKS = r"(?:air\s*strikes|strikes|attacks|raids|bombardments?|bombings|shelling|fighting|clashes)"
_DAY_EVENT_RE = re.compile(rf"\b{_WEEKDAY.format('wd')}['’]s\s+(?:[a-z-]+\s+){{0,2}}{_ATTACKS}\b"
                           rf"|\b{_ATTACKS}\s+(?:[a-z-]+\s+){{0,6}}?on\s+{_WEEKDAY.format('wd2')}\b(?!\s+(?:said|says|that))")
# a time phrase that opens the sentence: "During the last 24 hours, ..."
FRONTED_END_RE = re.compile(r"[^.;:\d]{0,60}?,|\s+between\b[^.;]{0,60}?,")
# "last week's floods", "last month's quake": the time phrase names the event's date
_DATES_NEXT_RE = re.compile(r"['’]s\s+(?:[a-z-]+\s+){0,2}?(?:earthquakes?|quakes?|floods?|flooding|storms?|rains?|"
                            r"landslides?|mudslides?|cyclones?|hurricanes?|typhoons?|disaster|tragedy|crash|collapse|"
                            r"attacks?|strikes?|fighting|war)\b")
# "the collision, which killed 294 passengers in June": the clause describes the event
_RELATIVE_EVENT_RE = re.compile(r",\s*which\s+(?:killed|left|claimed|injured|displaced)\b[^,;.]*$")
_CLAUSE_GAP_RE = re.compile(r",\s*(?:with|while|whereas|but|and\s+(?:that|the))\b|;")
_EVENT_RE = re.compile(
    r"\b(?:earthquakes?|quakes?|floods?|flooding|storms?|rains?|rainfall|downpours?|landslides?|mudslides?|"
    r"typhoons?|cyclones?|hurricanes?|war|conflict|fighting|clashes|"
    r"began|begun|erupted|broke\s+out|started|start|outbreak|hit|struck|since|until|report|released|"
    r"published|issued)\b")


# "For the period between October 8 and September 15, the figures are as follows:"
_HEADING_PERIOD_RE = re.compile(
    rf"\b(?:between|from)\s+(?P<a>{_MONTHS}\.?\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTHS})(?:,?\s+\d{{4}})?,?\s+"
    rf"(?:and|to|until|till)\s+(?P<b>{_MONTHS}\.?\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTHS})(?:,?\s+\d{{4}})?")


def heading_scope(text: str, lowered: str, s: int, e: int) -> tuple[str, str | None] | None:
    """The window a list heading ("... are as follows:") gives the figures listed under it:
    a period between two dates, one incident ("the toll of Friday's strike"), a running total
    ("since the start"), or None when it names none."""
    if CUMULATIVE_RE.search(lowered, s, e) and "since" in lowered[s:e]:
        return "cumulative", None
    m = _HEADING_PERIOD_RE.search(lowered, s, e)
    if m:
        return "period", f"{text[m.start('a'):m.end('a')]} to {text[m.start('b'):m.end('b')]}"
    attack = [x for x in INCIDENT_RE.finditer(lowered, s, e) if not DISASTER_RE.fullmatch(x.group(0))]
    if attack:
        return "incident", None
    return None
