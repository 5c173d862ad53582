"""The place a figure is about, and the article's main place (the "place" pass)."""
from __future__ import annotations

import re

from worker.core.areas import area_after, respective_place
from worker.core.attribution import (
    Attribution,
)
from worker.core.casefold import folded_text
from worker.core.numbers import Number
from worker.core.places import (
    Place,
    PlaceIndex,
    country_of,
    find_places,
    regions_of,
    source_region,
)

__all__ = ["country_of", "location_of", "main_place"]

# "ISLAMABAD (AP) —", "Islamabad, Oct. 8, (dpa/GNA) –", "KABUL (Pajhwok):", "Bangkok, Mar 28 (AP)":
# where the story was filed, not where people were counted
_DATELINE_RE = re.compile(
    r"(?:date \d{4}-\d{2}-\d{2}\s+)?(?:\([^()\n]{1,40}\)\s*)?"
    r"(?P<line>[A-Z][\w'’\-]*(?:(?:\s|,\s*)[A-Z][\w'’\-]*){0,4}?)"
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?)(?:,\s*\d{4})?\s*[,.]?)?"
    r"\s*(?:\([A-Za-z][^()\d\n]{0,29}\)|/[A-Z][\w-]{1,15}/)?\s*(?:[:\u2014\u2013]|--|-(?=\s)|(?<=[)/])\.?)")


def dateline_end(text: str, s: int, places: list[Place]) -> int:
    """Where a dateline that opens the sentence at ``s`` ends (``s`` if none)."""
    m = _DATELINE_RE.match(text, s)
    if not m or not any(p.start == m.start("line") for p in places):
        return s
    return m.end()


def not_dateline(text: str, s: int, places: list[Place]) -> list[Place]:
    end = dateline_end(text, s, places)
    return places if end == s else [p for p in places if p.start >= end]


OPENING_SENTENCES = 6


def opening_places(text: str, sentences: list[tuple[int, int]], index: PlaceIndex) -> list[list[Place]]:
    """The places of the article's first sentences, one list per sentence (found once,
    read by :func:`main_place` and :func:`article_within`)."""
    return [find_places(text, s, e, index) for s, e in sentences[:OPENING_SENTENCES]]


def main_place(text: str, sentences: list[tuple[int, int]], index: PlaceIndex,
               opening: list[list[Place]] | None = None) -> tuple[str | None, str | None]:
    """The place the article is about: most named in its first sentences (the
    headline counts twice), as ``(region, written)``.

    A city yields to its country (a story filed about a capital counts the
    nation's dead); a province or county yields to its country when the
    article names the country, or other places of that country, as often (a
    national story told region by region).
    """
    counts: dict[str, int] = {}
    first_written: dict[str, str] = {}
    opening = opening_places(text, sentences, index) if opening is None else opening
    for i, ((s, _e), found) in enumerate(zip(sentences, opening)):
        for p in not_dateline(text, s, found):
            if _speaker_or_side(text, p):
                continue
            w = 2 if _LOCATIVE_RE.search(text, max(0, p.start - 12), p.start) else 1
            counts[p.region] = counts.get(p.region, 0) + w * (2 if i == 0 else 1)
            first_written.setdefault(p.region, p.written)
    if not counts:
        return None, None
    region = max(counts, key=lambda r: (counts[r], -list(counts).index(r)))
    chain = regions_of(region, index)
    # a region the curated table places (the Gaza Strip in the Palestinian territories)
    # is a story's place of its own
    if chain and index.kinds.get(region) in ("city", "subdivision"):
        country = chain[-1]
        siblings = sum(c for r, c in counts.items() if r != region and country in regions_of(r, index))
        if index.kinds.get(region) == "city" or counts[region] <= max(counts.get(country, 0), siblings):
            return country, DIRECTION_STRIP_RE.sub("", first_written.get(country, country))
    written = first_written[region]
    # "PNG", "NORTH CAROLINA": a later sentence's place is written out in full; and it is
    # the region, not the corner of it the opening named ("northwestern Syria")
    return region, (region if written.isupper() and "+" not in region else DIRECTION_STRIP_RE.sub("", written))


_DIRECTION_WORDS = (r"(?:north|south|east|west|central|northern|southern|eastern|western|"
                    r"north-?(?:east|west)(?:ern)?|south-?(?:east|west)(?:ern)?)")
# what an article says contains what: "Odisha's Balasore", "Herat province in Afghanistan",
# "Balasore (Odisha)", "Zenda Jan district of Herat"
_OUTER_FIRST_RE = re.compile(r"['’]s\s+(?:" + _DIRECTION_WORDS + r"\s+)?", re.IGNORECASE)
_OUTER_SECOND_RE = re.compile(r"\s+(?:in|of)\s+(?:the\s+)?(?:" + _DIRECTION_WORDS + r"\s+)?|\s*\(\s*",
                              re.IGNORECASE)
_RANK = {"city": 0, "subdivision": 1, "country": 2}


def article_within(text: str, sentences: list[tuple[int, int]], index: PlaceIndex,
                   opening: list[list[Place]] | None = None) -> dict[str, tuple[str, ...]]:
    """Containment the article's opening states that the gazetteer lacks, as
    region -> containing regions (innermost first): "Odisha's Balasore" puts
    Balasore (a city the gazetteer knows only as Indian) inside Odisha."""
    out: dict[str, tuple[str, ...]] = {}
    for places in opening_places(text, sentences, index) if opening is None else opening:
        for p in places:
            # "Balasore, Odisha" was joined into one place: its second name holds the first
            if "," in p.written and "+" not in p.region:
                outer = index.by_name.get(p.written.rsplit(",", 1)[1].strip().lower())
                chain = _nested(p.region, outer, index) if outer and outer != p.region else None
                if chain:
                    out.setdefault(p.region, chain)
        for a, b in zip(places, places[1:]):
            if "+" in a.region or "+" in b.region or a.region == b.region:
                continue
            if _OUTER_FIRST_RE.fullmatch(text, a.end, b.start):
                inner, outer = b.region, a.region
            elif _OUTER_SECOND_RE.fullmatch(text, a.end, b.start):
                inner, outer = a.region, b.region
            else:
                continue
            chain = _nested(inner, outer, index)
            if chain:
                out.setdefault(inner, chain)
    return out


def _inside_of(text: str, inner: Place, outer: Place, index: PlaceIndex) -> bool:
    """Whether the text writes ``inner`` as a place in ``outer`` ("Herat province in
    Afghanistan", "Odisha's Balasore", "Balasore (Odisha)") and the gazetteer agrees."""
    if inner.end <= outer.start:
        written = _OUTER_SECOND_RE.fullmatch(text, inner.end, outer.start) or \
            _IN_OR_COMMA_RE.fullmatch(text, inner.end, outer.start)
    else:
        written = _OUTER_FIRST_RE.fullmatch(text, outer.end, inner.start)
    if not written or "+" in inner.region or "+" in outer.region or inner.region == outer.region:
        return False
    return outer.region in index.within.get(inner.region, ()) or _nested(inner.region, outer.region, index) is not None


def _nested(inner: str, outer: str, index: PlaceIndex) -> tuple[str, ...] | None:
    """The chain of ``inner`` if it lies in ``outer``: ``outer`` and what holds it,
    when that agrees with what the gazetteer knows of ``inner``."""
    known, outer_chain = index.within.get(inner, ()), index.within.get(outer, ())
    if outer in known or inner in outer_chain:
        return None  # the gazetteer says so already, or the other way round
    if _RANK.get(index.kinds.get(inner, ""), 0) > _RANK.get(index.kinds.get(outer, ""), 0):
        return None  # a province is not inside a city
    chain = (outer, *outer_chain)
    if known and not set(known) <= set(chain):
        return None  # another country
    return chain


def carry_location(location: str | None, region: str | None,
                   main: tuple[str | None, str | None]) -> tuple[str | None, str | None]:
    """The place a later sentence that names none is about, given the place of the
    figure before (``location``, ``region``) and the article's place ``main``.

    It is the article's place, unless the figure before was about several places
    including it ("Mozambique and Malawi"): a breakdown by
    province does not make the next national figure provincial.
    """
    if not region or not main[1]:
        return main
    if set(main[1].split("+")) < set(region.split("+")):
        # the same places, not the same corners of them: "southeastern Turkey and
        # northwestern Syria" -> "Turkey and Syria"
        return (DIRECTION_STRIP_RE.sub("", location) if location else location), region
    return main


def location_of(text: str, s: int, n: Number, places: list[Place], hi_bound: int, atts: list[Attribution],
              last: tuple[str | None, str | None], canonical: str | None = None,
              index: PlaceIndex | None = None) -> tuple[str | None, str | None]:
    """The place a count is about: "killed in X" after it, else the nearest before.

    Places that name a speaker ("US intelligence", "Gaza officials") or the sides
    of a war ("the conflict between Hamas and Israel") are not where the count is.
    A total after per-place figures ("12 in A and 3 in B, bringing the total to
    15") is about all of them. A sentence that names no place takes the country
    of a national source, else the place of the figure before.
    """
    places = [p for p in not_dateline(text, s, places) if not _speaker_or_side(text, p)]
    respective = respective_place(text, s, min(len(text), n.end + 120), n, places)
    if respective:
        return respective
    area = area_after(text, n, hi_bound)
    for i, p in enumerate(places):
        if p.start >= n.end and p.start < hi_bound and p.start - n.end <= 70 and not _inside(p, atts):
            if _AGENT_RE.search(text, max(n.end, p.start - 8), p.start):
                continue  # "abducted by Hamas in Gaza", "killed by Israel": who did it
            if area and area[0] < p.start:
                break
            if not _AFTER_GAP_STOP_RE.search(text, n.end, p.start):
                across = _destination(text, p, places[i + 1:], index)
                return (across.written, across.region) if across else (p.written, p.region)
            both = _event_places(text, n, places[i:], atts)
            if both:
                return both
            break
    back = _referred_place(text, s, n, hi_bound, index)
    if back is not None:
        return back.written, back.region
    if area:
        # "killed in six states": the area as written, in the region the sentence is about
        return area[1], last[1]
    event = next((p for p in places if _EVENT_NOUN_RE.match(text, p.end) and not _inside(p, atts)), None)
    if event is not None:
        # "... 278 deaths, 1,100 injured in the June 2 Balasore train crash": where it happened
        return event.written, event.region
    before = [p for p in places if p.end <= n.start and not _inside(p, atts)]
    if before and _TOTAL_RE.search(text, max(s, n.start - 50), n.start):
        regions = sorted({r for p in before for r in p.region.split("+")})
        if len(regions) > 1:
            return " and ".join(dict.fromkeys(p.written for p in before)), "+".join(regions)
    if before and n.start - before[-1].end <= 60 and _INVADED_RE.search(text, max(0, before[-1].start - 20),
                                                                         before[-1].start):
        # "Hamas infiltrated Israel on October 7 and killed 1,140": where the attack went
        return before[-1].written, before[-1].region
    if before:
        loc = [p for p in before if _LOCATIVE_RE.search(text, max(0, p.start - 12), p.start)]
        best = loc[-1] if loc else before[-1]
        k = before.index(best)
        if index is not None:
            # "Herat province in Afghanistan", "Odisha's Balasore": the place, not the one around it
            if k and _inside_of(text, before[k - 1], best, index):
                best = before[k - 1]
            elif k + 1 < len(before) and _inside_of(text, before[k + 1], best, index):
                best = before[k + 1]
        return best.written, best.region
    inside = [p for p in places if _inside(p, atts)]
    if inside:
        return inside[0].written, inside[0].region
    home = None if _ABROAD_BODY_RE.search(canonical or "") else source_region(canonical) or _jurisdiction(canonical, index)
    if home and (last[1] is None or home in last[1].split("+")
                 or (index is not None and home in regions_of(last[1], index))):
        # "AFAD said 35,418 died" in a story of Turkey and Syria, or of a Turkish province: the
        # speaker's own country; never a country the story is not about ("the Israeli
        # military said 250 ... died" in a story of Lebanon)
        return last if last[1] == home else (home, home)
    return last


# "rose to 724 in the province", "found dead in the one county", "those who died there":
# a place the text named before, referred to by its kind
_REFERRED_RE = re.compile(
    r"\b(?:in|from|across|throughout)\s+the\s+(?:same\s+|one\s+)?(?P<level>province|state|region|county|district|"
    r"city|town|village|municipality|country)\b(?!['’]s|\s+of\b)|\b(?:died|killed|dead|missing|injured|displaced)\s+"
    r"(?P<there>there)\b", re.IGNORECASE)
_LEVEL_KINDS = {"province": ("subdivision",), "state": ("subdivision",), "region": ("subdivision",),
                "county": ("subdivision",), "district": ("subdivision",), "municipality": ("subdivision", "city"),
                "city": ("city",), "town": ("city",), "village": ("city",), "country": ("country",)}
_REFER_BACK = 250


def _referred_place(text: str, s: int, n: Number, hi_bound: int, index: PlaceIndex | None) -> Place | None:
    """The place a figure's "in the province" or "died there" refers to: the last place of
    that kind named before it (a speaker's province included: "Sindh's minister said the
    toll rose to 724 in the province")."""
    if index is None:
        return None
    m = _REFERRED_RE.search(text, n.end, min(hi_bound, n.end + 60))
    if m is None or _AFTER_GAP_STOP_RE.search(text, n.end, m.start()):
        return None
    level = (m.group("level") or "").lower()
    for p in reversed(find_places(text, max(0, s - _REFER_BACK), m.start(), index)):
        kind = index.kinds.get(p.region)
        if not level:
            return p if kind != "country" else None
        if kind in _LEVEL_KINDS[level] or (kind is None and p.written.lower().endswith(level)):
            return p
    return None


# "crossed from Lebanon into Syria", "fled from Sudan to Chad", "from Lebanon entered Syria"
_FROM_RE = re.compile(r"\bfrom\s+(?:the\s+)?$", re.IGNORECASE)
_INTO_RE = re.compile(r"^\s+(?:(?:in)?to|entered|enter|entering|reached|arrived\s+in)\s+(?:the\s+)?$", re.IGNORECASE)


def _destination(text: str, origin: Place, rest: list[Place], index: PlaceIndex | None) -> Place | None:
    """The country people crossed into, when ``origin`` is the country they left: they are
    counted where they are now (refugees in Syria are not the displaced inside Lebanon)."""
    if not rest or index is None or not _FROM_RE.search(text, max(0, origin.start - 10), origin.start):
        return None
    dest = rest[0]
    if not _INTO_RE.match(text[origin.end:dest.start]):
        return None
    home = country_of(origin.region, index) or origin.region
    there = country_of(dest.region, index) or dest.region
    return dest if home != there and home not in regions_of(dest.region, index) else None


# bodies that count beyond their own country: their figures are not situated at home
_ABROAD_BODY_RE = re.compile(r"\b(?:intelligence|embassy|consulate)\b", re.IGNORECASE)


def _jurisdiction(canonical: str | None, index: PlaceIndex | None) -> str | None:
    """The province a provincial government speaks for ("Ohio government" -> Ohio): a
    figure of its sentence that names no place is the province's, not the county's
    named before."""
    if not canonical or index is None or not canonical.endswith(" government"):
        return None
    region = index.by_name.get(canonical[:-len(" government")].lower())
    return region if region and index.kinds.get(region) == "subdivision" else None


def _event_places(text: str, n: Number, after: list[Place], atts: list[Attribution]) -> tuple[str, str] | None:
    """ "7,200 dead after two quakes hit Turkey and Syria": the dead of an event that
    struck several places are counted in all of them."""
    gap = text[n.end:after[0].start]
    if not _EVENT_GAP_RE.search(gap) or _STOP_PUNCT_RE.search(gap):
        return None
    group = [after[0]]
    for p in after[1:]:
        if _inside(p, atts) or not _PLACE_AND_RE.fullmatch(text, group[-1].end, p.start):
            break
        group.append(p)
    regions = sorted({r for p in group for r in p.region.split("+")})
    if len(regions) < 2:
        return None
    first = group[0].start
    lead = _DIRECTION_LEAD_RE.search(text, max(0, first - 20), first)
    return text[lead.start() if lead else first:group[-1].end], "+".join(regions)


_DIRECTION_LEAD_RE = re.compile(r"\b" + _DIRECTION_WORDS + r"\s+$", re.IGNORECASE)
# "southeastern Turkey" -> "Turkey"; never a name's own word ("North Carolina")
DIRECTION_STRIP_RE = re.compile(r"\b(?:north|south|east|west|central|northern|southern|eastern|western|"
                                r"north-?(?:east|west)(?:ern)?|south-?(?:east|west)(?:ern)?)\s+")
_EVENT_GAP_RE = re.compile(r"\b(?:after|when|as)\b[^,;]*\b(?:hit|struck|shook|jolted|rocked|devastated|ravaged)\b",
                           re.IGNORECASE)
_STOP_PUNCT_RE = re.compile(r"[;:()]")
_PLACE_AND_RE = re.compile(r"\s*(?:,\s*)?(?:and|&|,)\s+" + r"(?:(?:the\s+)?(?:north|south|east|west|central|"
                           r"northern|southern|eastern|western|north-?(?:east|west)(?:ern)?|"
                           r"south-?(?:east|west)(?:ern)?)\s+)?", re.IGNORECASE)
_INVADED_RE = re.compile(r"\b(?:infiltrated|invaded|stormed|raided|attacked|overran)\s+(?:southern\s+|northern\s+)?$",
                         re.IGNORECASE)
_TOTAL_RE = re.compile(r"\b(?:total|combined|overall|altogether|together)\b[^.;]{0,30}$", re.IGNORECASE)
# a place written right before one of these names who speaks, not where people died
_SPEAKER_AFTER_RE = re.compile(
    r"['’]?s?\s+(?:intelligence|officials?|government|president|prime\s+minister|army|military|forces|"
    r"ministry|authorities|state\s+media|media|agency|embassy|police|sources|spokes(?:man|woman|person)|"
    r"broadcaster|newspaper|daily|television|channel|envoy|ambassador|diplomats?|researchers|"
    r"collector|administrator|governor|mayor|sheriff|commissioner|superintendent|"
    r"said|says|told|added|estimates|claims|defen[cs]e\s+(?:forces|ministry)|"
    r"foreign\s+minister|defen[cs]e\s+minister|health\s+(?:ministry|officials|authorities))\b",
    re.IGNORECASE)
_SIDE_BEFORE_RE = re.compile(
    r"\b(?:war|conflict|fighting|hostilities|clashes|tensions|talks|truce|ceasefire|deal)\s+"
    r"(?:between|with|against|on)\s+(?:[A-Z][\w-]*\s+(?:and|&)\s+)?$"
    r"|\b(?:between)\s+(?:[A-Z][\w-]*\s+)?(?:and\s+)?$")
# the seat of who speaks: "the Chinese embassy in Madrid", "told reporters in Kabul"
_SEAT_BEFORE_RE = re.compile(
    r"\b(?:embassy|consulate|headquarters|bureau|office|based|reporters|journalists|news\s+conference|"
    r"press\s+conference|briefing)\s+in\s+$", re.IGNORECASE)


# "the South Pacific nation north of Australia", "600 km from Port Moresby": a place
# named to situate another
_SITUATING_RE = re.compile(r"\b(?:(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?"
                           r"\s+of|near|off\s+the\s+coast\s+of|(?:km|kilometres|kilometers|miles)\s+(?:from|of))"
                           r"\s+(?:the\s+)?(?:capital\s+|city\s+of\s+)?$", re.IGNORECASE)


# "Israel's war in Gaza", "Russia's invasion of Ukraine": the side that attacks, not where
_AGGRESSOR_AFTER_RE = re.compile(
    r"['’]s?\s+(?:[\w-]+\s+)?(?:war|operations?|offensive|strikes|air\s*strikes|attacks|campaign|invasion|"
    r"bombardment|assault|shelling)\s+(?:in|on|against|of|into)\b", re.IGNORECASE)


def _speaker_or_side(text: str, p: Place) -> bool:
    if _SPEAKER_AFTER_RE.match(text, p.end, p.end + 40) or _AGGRESSOR_AFTER_RE.match(text, p.end, p.end + 40):
        return True
    # each pattern is tried only where one of its words occurs (the folded text for the
    # case-blind ones, casefold.py)
    folded = folded_text(text)
    if (any(map(folded[max(0, p.start - 40):p.start].__contains__, _SITUATING_WORDS))
            and _SITUATING_RE.search(text, max(0, p.start - 40), p.start)) or (
            any(map(folded[max(0, p.start - 30):p.start].__contains__, _SEAT_WORDS))
            and _SEAT_BEFORE_RE.search(text, max(0, p.start - 30), p.start)):
        return True
    return bool(any(map(text[max(0, p.start - 45):p.start].__contains__, _SIDE_WORDS))
                and _SIDE_BEFORE_RE.search(text, max(0, p.start - 45), p.start))


_SITUATING_WORDS = ("north", "south", "east", "west", "near", "coast", "km", "kilomet", "miles")
_SEAT_WORDS = ("embassy", "consulate", "headquarters", "bureau", "office", "based", "reporters", "journalists",
               "conference", "briefing")
_SIDE_WORDS = ("between", "war", "conflict", "fighting", "hostilities", "clashes", "tensions", "talks", "truce",
               "ceasefire", "deal")


# a place written as the name of the event: "the Balasore train crash", "the Herat earthquake"
_EVENT_NOUN_RE = re.compile(
    r"(?:['’]s)?\s+(?:(?:train|rail|bus|boat|ferry|plane|air|mine|factory|building|bridge|dam|flash|monsoon|"
    r"gas|fire|bomb|terror|missile)\s+)?(?:crash|accident|derailment|collision|tragedy|disaster|earthquakes?|"
    r"quakes?|tremors?|floods?|flooding|landslides?|mudslides?|cyclone|hurricane|typhoon|storm|explosion|blast|"
    r"fire|stampede|massacre|attack|bombing|shooting|collapse|sinking|shipwreck|eruption|tsunami|wildfires?|"
    r"heatwave|outbreak|epidemic)\b", re.IGNORECASE)
_IN_OR_COMMA_RE = re.compile(r"\s*(?:,|\bin\b|\bof\b)\s*", re.IGNORECASE)
_LOCATIVE_RE = re.compile(r"\b(?:in|inside|within|across|throughout|of)\s+(?:the\s+)?$", re.IGNORECASE)
_AGENT_RE = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)
_AFTER_GAP_STOP_RE = re.compile(r"[,;:()\u2014\u2013]|\s-\s|\b(?:said|says|after|as|when|while|since"
                                r"|according|which|who|including|but)\b", re.IGNORECASE)


def _inside(p: Place, atts: list[Attribution]) -> bool:
    return any(a.start <= p.start and p.end <= a.end for a in atts)
