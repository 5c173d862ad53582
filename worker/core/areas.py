"""Places a count is about that are not names (part of the "place" pass).

Two shapes of text the gazetteer cannot answer:

- areas described rather than named: "killed in six states", "died in
  neighbouring regions", "evacuated from disaster areas", "across the
  Southeast". The location is the phrase as written; its region is the one
  the sentence would otherwise get (the article's place), so the figure still
  belongs to the same metric.
- figures given in the order of the places before them: "Balochistan and
  Khyber Pakhtunkhwa reported 336 and 307 deaths, respectively".
"""
from __future__ import annotations

import re

from worker.core.casefold import folded_text
from worker.core.numbers import Number
from worker.core.places import Place

_AREA_NOUNS = (r"(?:states|regions|provinces|districts|areas|countries|counties|towns|townships|villages|"
               r"municipalities|communities|governorates|cities|parts\s+of\s+(?:the\s+)?[A-Z][\w-]*"
               r"(?:\s+[A-Z][\w-]*)*)")
# "in six states", "across several southeast states", "in the country's southern region",
# "from disaster areas", "in areas under government control"
_AREA_RE = re.compile(
    r"(?:\b(?:in|across|throughout)|\b(?:evacuated|fled|displaced|rescued)\s+from)\s+"
    r"(?P<area>(?!(?:other|both|all|some|many|most|their|his|her|its|our|my|your|these|those)\b)(?:(?:the|a|an)\s+)?(?:[\w'’-]+\s+){0,3}?" + _AREA_NOUNS
    + r"(?:\s+under\s+[\w-]+\s+control|\s+in\s+the\s+(?:north|south|east|west)\w*)?"
    + r"|the\s+(?:country|nation|state|region|province)['’]s\s+(?:[\w-]+\s+)?(?:region|half|part|areas?))\b"
    + r"|\b(?:in|across|throughout)\s+(?P<compass>the\s+(?:(?:US|U\.S\.)\s+)?(?:Southeast|Northeast|Southwest|"
    r"Northwest|Midwest|South|North|East|West)\b(?!\s+[A-Z]))")
# a quantity or a kind word inside the phrase: "in 12 areas" is fine, "in the areas
# where ... hit" is a relative clause the label would not copy
_AREA_STOP_RE = re.compile(r"[,;:()]|\b(?:said|says|where|which|that|who|after|when|while)\b", re.IGNORECASE)


def area_after(text: str, n: Number, hi_bound: int) -> tuple[int, str] | None:
    """The described area right after ``n`` ("... were killed in six states"),
    as (start, written), if its clause holds one within 70 characters."""
    stop = min(hi_bound, n.end + 90)
    for m in _AREA_RE.finditer(text, n.end, stop):
        if m.start() - n.end > 70 or _AREA_STOP_RE.search(text, n.end, m.start()):
            return None
        start, end = (m.start("area"), m.end("area")) if m.group("area") else (m.start("compass"), m.end("compass"))
        written = text[start:end]
        if written.split()[0].lower() in ("the", "a", "an") and len(written.split()) == 2 \
                and not m.group("compass") and written.split()[1].lower() in ("areas", "states", "regions"):
            # "in the areas", "in the states": a reference back, not a description
            continue
        return start, written
    return None


# "A and B reported 336 and 307 deaths, respectively"
_RESPECTIVELY_RE = re.compile(r"\brespectively\b", re.IGNORECASE)
_FIGURE_RE = re.compile(r"\d[\d,.]*")


def respective_place(text: str, s: int, e: int, n: Number, places: list[Place]) -> tuple[str, str] | None:
    """The place of ``n`` in a "respectively" sentence: the k-th figure of the
    list goes with the k-th place of the list of places before it."""
    if folded_text(text).find("respectively", n.end, e) < 0:
        return None  # (the folded text holds it wherever the case-blind pattern matches)
    r = _RESPECTIVELY_RE.search(text, n.end, e)
    if not r or r.start() - n.end > 80 or ". " in text[n.end:r.start()]:
        return None
    joined = [p for p in places if p.end <= n.start and "+" in p.region]
    if not joined:
        return None
    group = joined[-1]
    names = [x.strip() for x in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", group.written) if x.strip()]
    figures = [m for m in _FIGURE_RE.finditer(text, group.end, r.start()) if m.group(0)[0].isdigit()]
    starts = [m.start() for m in figures]
    if n.start not in starts or len(figures) != len(names):
        return None
    name = names[starts.index(n.start)]
    regions = group.region.split("+")
    region = next((r_ for r_ in regions if r_.lower() in name.lower() or name.lower() in r_.lower()), None)
    return (name, region) if region else None
