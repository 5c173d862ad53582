"""Find place names in a sentence and normalise them to a region.

The gazetteer is passed in (``Aliases.places``: region -> names news uses),
so this module stays pure. Lookup is a dict probe on capitalised phrases plus
one compiled regex for lower-case aliases ("the enclave", "the strip"), so
the cost is linear in the sentence length whatever the gazetteer size.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from worker.core.numbers import trie
from worker.core.types import Aliases

_CAP_PHRASE_RE = re.compile(
    # letters only: a name glued to a figure ("Punjab260", text joined without a space) is still the name
    r"[A-ZÀ-ÖØ-Ý\u0130](?:[^\W\d_]|['’\-])*(?:[ \-](?:(?:al|el|ad|as|ar|an|of|de|du|la|le|the)[ \-])?"
    r"[A-ZÀ-ÖØ-Ý\u0130](?:[^\W\d_]|['’\-])*)*"
)
_DIRECTION = (r"(?:(?:the\s+)?(?:north|south|east|west|central|northern|southern|eastern|western|"
              r"north[- ]?(?:east|west)(?:ern)?|south[- ]?(?:east|west)(?:ern)?)\s+)")
_DIRECTION_BEFORE_RE = re.compile(_DIRECTION + r"$", re.IGNORECASE)
_JOIN_RE = re.compile(r"\s*(?:,|(?:,\s*)?(?:and|&))\s+(?:the\s+)?(?:occupied\s+)?" + _DIRECTION + "?$", re.IGNORECASE)
_MAX_WORDS = 5


@dataclass(frozen=True)
class Place:
    """A place named in text: ``written`` as in the text, ``region`` normalised."""

    start: int
    end: int
    written: str
    region: str


@dataclass(frozen=True)
class PlaceIndex:
    """Lookup tables built once per :class:`Aliases` value."""

    by_name: dict[str, str]
    lower_re: re.Pattern[str] | None
    # the first word of every key: a phrase starting with another word names no place
    first_words: frozenset[str] = frozenset()
    # capitalised phrase -> its places as (start, end, written, region) relative
    # to the phrase: the same phrases ("The", "Gaza", "Health Ministry") recur
    memo: dict[str, tuple[tuple[int, int, str, str], ...]] = field(default_factory=dict, compare=False, repr=False)
    # region -> the regions that contain it, innermost first (``Aliases.within``)
    within: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)
    # region -> "country", "subdivision" or "city" (``Aliases.kinds``)
    kinds: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


def build_place_index(aliases: Aliases) -> PlaceIndex:
    """Index every region name and alias, case-folded.

    Aliases that start lower-case ("the enclave") can only be found by a
    regex; capitalised ones are probed from capitalised phrases.
    """
    by_name: dict[str, str] = {}
    lower: list[str] = []
    for region, names in aliases.places.items():
        for name in (region, *names):
            key = _key(name)
            if not key:
                continue
            # first writer wins: curated entries come before the bulk gazetteer
            by_name.setdefault(key, region)
            if name[:1].islower():
                lower.append(name)
    lower_re = None
    if lower:
        # a prefix tree of the names: the same matches as their alternation longest first
        # (of two names that match at one place, one is a prefix of the other and the tree
        # tries the longer first), a word start tries a few first letters, not every name
        lower_re = re.compile(rf"\b(?:{trie(lower)})\b")
    return PlaceIndex(by_name, lower_re, frozenset(k.split()[0] for k in by_name), within=aliases.within,
                      kinds=aliases.kinds)


def regions_of(region: str | None, index: PlaceIndex,
               extra: dict[str, tuple[str, ...]] | None = None) -> tuple[str, ...]:
    """The regions containing ``region``, innermost first; for a place of several
    regions ("Syria+Turkey") those containing all of them. ``extra`` holds what an
    article says contains what (:func:`worker.core.placing.article_within`).

    >>> idx = build_place_index(Aliases(places={"Herat": ()}, within={"Herat": ("Afghanistan",)}))
    >>> regions_of("Herat", idx)
    ('Afghanistan',)
    """
    if not region:
        return ()
    parts = region.split("+")
    extra = extra or {}
    chains = [extra.get(p) or index.within.get(p, ()) for p in parts]
    if len(chains) == 1:
        return chains[0]
    common = set(chains[0]).intersection(*chains[1:])
    return tuple(r for r in chains[0] if r in common)


def country_of(region: str | None, index: PlaceIndex) -> str | None:
    """The country of a region inside one ("Khartoum" -> "Sudan"); None for a country
    or a region the gazetteer cannot place."""
    chain = regions_of(region, index)
    return chain[-1] if chain else None


def _key(name: str) -> str:
    name = name.replace("’", "'").lower().strip()
    if name.startswith("the "):
        name = name[4:]
    return " ".join(name.split())


def find_places(text: str, start: int, end: int, index: PlaceIndex) -> list[Place]:
    """Places named in ``text[start:end]``, in order, joined ("Turkey and Syria").

    >>> idx = build_place_index(Aliases(places={"Gaza Strip": ("Gaza",)}))
    >>> [p.region for p in find_places("Strikes on Gaza.", 0, 16, idx)]
    ['Gaza Strip']
    """
    recent = _RECENT
    if recent[0] is text and recent[1] is index:
        hit = recent[2].get((start, end))
        if hit is not None:
            return list(hit)
    else:
        recent = (text, index, {})
        _set_recent(recent)
    found = _find_places(text, start, end, index)
    recent[2][(start, end)] = tuple(found)
    return found


# the places of the spans of the text read last: the opening sentences are read for the
# article's main place and again when they hold a figure
_RECENT: tuple[str | None, PlaceIndex | None, dict[tuple[int, int], tuple[Place, ...]]] = (None, None, {})


def _set_recent(recent: tuple) -> None:
    global _RECENT
    _RECENT = recent


def _find_places(text: str, start: int, end: int, index: PlaceIndex) -> list[Place]:
    found: list[Place] = []
    memo = index.memo
    for m in _CAP_PHRASE_RE.finditer(text, start, end):
        phrase = m.group(0)
        hits = memo.get(phrase)
        if hits is None:
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            # a phrase's places depend on the phrase alone
            hits = memo[phrase] = tuple((p.start, p.end, p.written, p.region)
                                        for p in _probe_phrase(phrase, 0, len(phrase), index))
        at = m.start()
        found.extend(Place(at + a, at + b, w, r) for a, b, w, r in hits)
    if index.lower_re is not None:
        for m in index.lower_re.finditer(text, start, end):
            region = index.by_name.get(_key(m.group(0)))
            if region:
                # "the Strip", "the enclave": a reference, not a name; report the name
                generic = m.group(0).lower().startswith("the ")
                written = region if generic else m.group(0)
                found.append(Place(m.start(), m.end(), written, region))
    found = _with_suffixes(text, start, end, found)
    if not found:
        return found
    found.sort(key=lambda p: p.start)
    return _join(text, found, index.within, index.kinds)


# "Herat province", "Nabatieh governorate", "Buncombe County": a name followed by
# the kind of region it is; also finds subdivisions no table lists
_SUFFIX_WORDS = (r"(?:[Pp]rovinces?|[Dd]istricts?|[Gg]overnorates?|[Rr]egions?|[Cc]ounty|[Pp]refecture|[Oo]blast|states?|"
                 r"[Vv]illages?|town|city)")
# every match of _SUFFIX_PLACE_RE holds one of these (a span without any holds no match)
_SUFFIX_STEMS = ("rovince", "istrict", "overnorate", "egion", "ounty", "refecture", "blast", "state", "illage",
                 "town", "city")
# a name of a people, not a place: "Turkish state", "Valencian region"
_DEMONYM_RE = re.compile(r"(?:ish|ian|ese|ean)$")
_SUFFIX_PLACE_RE = re.compile(
    r"(?<![\w'’\-])(?P<name>[A-ZÀ-ÖØ-Ý][\w'’\-]*(?:\s[A-ZÀ-ÖØ-Ý][\w'’\-]*){0,2})\s(?P<suf>" + _SUFFIX_WORDS + r")\b")
# capitalised words that start a sentence or name a kind of thing, not a place
_NOT_A_NAME = frozenset("""
the this that these those each every another which its their our his her one a an some any all no
new old local national federal provincial regional central state southern northern eastern western
last next first second third affected hardest worst in at on from for to of by with across into
greater upper lower north south east west downtown metro inner outer rural urban suburban
police army military health school security election electoral administrative industrial
""".split())


def _with_suffixes(text: str, start: int, end: int, found: list[Place]) -> list[Place]:
    """Widen places written with their kind ("Herat province") and add the
    unknown ones ("Zindajan district") to ``found``."""
    if not any(map(text[start:end].__contains__, _SUFFIX_STEMS)) or (
            not found and not _SUFFIX_PLACE_RE.search(text, start, end)):
        return found
    by_end = {p.end: i for i, p in enumerate(found)}
    out = list(found)
    for m in _SUFFIX_PLACE_RE.finditer(text, start, end):
        name_end = m.end("name")
        if name_end in by_end:
            if m.group("suf").lower().startswith(("village", "town", "city")):
                continue  # "Bangkok city authorities": the name alone
            p = out[by_end[name_end]]
            out[by_end[name_end]] = Place(p.start, m.end(), text[p.start:m.end()], p.region)
            continue
        a = m.start()
        words = m.group("name").split()
        while words and words[0].lower() in _NOT_A_NAME:
            a = text.index(words[1], a + len(words[0])) if len(words) > 1 else name_end
            words = words[1:]
        name = " ".join(words)
        if len(name) < 3 or name != _strip_poss(name) or any(p.start < m.end() and a < p.end for p in out):
            continue
        if m.group("suf").startswith("state") or _DEMONYM_RE.search(name):
            continue
        out.append(Place(a, m.end(), text[a:m.end()], name))
    return out


_MEMO_SIZE = 50_000
_TOKEN_RE = re.compile(r"[^ \-]+(?:-[^ \-]+)*")
_POSS_END_RE = re.compile(r"['’]s?$")


def _strip_poss(surface: str) -> str:
    """ "Gaza's" -> "Gaza", "Gazans'" -> "Gazans"."""
    surface = surface.rstrip("'’")
    return surface[:-2] if surface.endswith(("'s", "’s")) else surface


def _probe_phrase(text: str, s: int, e: int, index: PlaceIndex) -> list[Place]:
    """Longest known sub-phrases of one capitalised phrase, left to right."""
    words = [m.span() for m in _TOKEN_RE.finditer(text, s, e)]
    out: list[Place] = []
    i = 0
    while i < len(words):
        hit = None
        first = text[words[i][0]:words[i][1]]
        # most capitalised words ("The", "Residents") start no key: skip the probes
        lw = first.replace("’", "'").lower()
        known = lw == "the" or lw in index.first_words or _key(_strip_poss(first)) in index.first_words
        for j in range(min(len(words), i + _MAX_WORDS), i, -1) if known else ():
            a, b = words[i][0], words[j - 1][1]
            surface = _strip_poss(text[a:b])
            region = index.by_name.get(_key(surface))
            if region:
                hit = Place(a, a + len(surface), surface, region)
                i = j
                break
        if hit is None:
            # "Hamas-run Gaza": also probe the part after a hyphenated prefix
            a, b = words[i]
            token = text[a:b]
            parts = [_POSS_END_RE.sub("", t) for t in token.split("-")]
            both = [index.by_name.get(_key(t)) for t in parts if t[:1].isupper()]
            both = [r for r in both if r]
            if len(both) > 1 and len(both) == len(parts):
                # "Turkiye-Syria earthquake": one place of two regions
                regions = "+".join(sorted({x for r in both for x in r.split("+")}))
                out.append(Place(a, a + len(token), token, regions))
            elif "-" in token:
                tail = _POSS_END_RE.sub("", token.rsplit("-", 1)[1])
                region = index.by_name.get(_key(tail))
                if region and tail[:1].isupper():
                    t0 = b - len(token.rsplit("-", 1)[1])
                    out.append(Place(t0, t0 + len(tail), tail, region))
            i += 1
        elif not _surname(text, hit, s, out, index):
            out.append(hit)
    return out


_GIVEN_NAME_RE = re.compile(r"([A-Z][a-z]+)[ ]$")


def _surname(text: str, hit: Place, s: int, found: list[Place], index: PlaceIndex) -> bool:
    """ "Lewis Jackson", "Pradeep Jena": a city name right after a capitalised
    word of the same phrase that is no place is a person's surname."""
    if index.kinds.get(hit.region) != "city" or hit.start == s:
        return False
    m = _GIVEN_NAME_RE.search(text, max(s, hit.start - 20), hit.start)
    if not m or m.group(1).lower() in _NOT_A_NAME:
        return False
    return not any(p.end == m.end(1) for p in found) and _key(m.group(1)) not in index.by_name


def _widen(text: str, places: list[Place]) -> list[Place]:
    """Keep a compass word written before the place: "southern Israel"."""
    out = []
    for p in places:
        m = _DIRECTION_BEFORE_RE.search(text, max(0, p.start - 24), p.start)
        if m:
            out.append(Place(m.start(), p.end, text[m.start():p.end], p.region))
        else:
            out.append(p)
    return out


def _inner(a: str, b: str, within: dict[str, tuple[str, ...]], kinds: dict[str, str] | None = None) -> str | None:
    """The one of ``a`` and ``b`` inside the other, if either is: by the gazetteer, or
    ("Balasore, Odisha") a city written with a province of its own country."""
    if b in within.get(a, ()):
        return a
    if a in within.get(b, ()):
        return b
    kinds = kinds or {}
    ca, cb = within.get(a, ()), within.get(b, ())
    if kinds.get(a) == "city" and kinds.get(b) == "subdivision" and ca and cb and ca[-1] == cb[-1]:
        return a
    return None


def _join(text: str, places: list[Place], within: dict[str, tuple[str, ...]] | None = None,
          kinds: dict[str, str] | None = None) -> list[Place]:
    """Merge "Turkey and Syria" / "Turkey, Syria" into one place of two regions."""
    within = within or {}
    out: list[Place] = [places[0]]
    for p in places[1:]:
        prev = out[-1]
        gap = text[prev.end:p.start]
        if prev.end <= p.start and len(gap) <= 26 and _JOIN_RE.match(gap + " ") and prev.region != p.region:
            if gap.strip() == "," and (inner := _inner(prev.region, p.region, within, kinds)):
                # "Mandalay, Myanmar": one place, written with the region around it
                out[-1] = Place(prev.start, p.end, text[prev.start:p.end], inner)
                continue
            both = set(prev.region.split("+")) | set(p.region.split("+"))
            # "Bangkok, Thailand and Mandalay": the places inside, not the country around one
            both = {r for r in both if not any(r in within.get(o, ()) for o in both)}
            out[-1] = Place(prev.start, p.end, text[prev.start:p.end], "+".join(sorted(both)))
        elif p.start >= prev.end:
            out.append(p)
    return out


# the country a national authority speaks for: "Turkish government (AFAD)" -> Turkey
_SOURCE_COUNTRY = {
    "turkish": "Turkey", "syrian": "Syria", "sudan": "Sudan", "sudanese": "Sudan", "israeli": "Israel",
    "gaza": "Gaza Strip", "ukrainian": "Ukraine", "russian": "Russia", "libyan": "Libya",
    "moroccan": "Morocco", "lebanese": "Lebanon", "afghan": "Afghanistan", "pakistani": "Pakistan",
    "iranian": "Iran", "iraqi": "Iraq", "yemeni": "Yemen", "egyptian": "Egypt", "ethiopian": "Ethiopia",
    "somali": "Somalia", "haitian": "Haiti", "chad": "Chad", "congolese": "Democratic Republic of the Congo",
    "nepalese": "Nepal", "nepal": "Nepal", "indian": "India", "bangladeshi": "Bangladesh",
    "spanish": "Spain", "spain": "Spain", "french": "France", "italian": "Italy", "greek": "Greece",
    "german": "Germany", "british": "United Kingdom", "american": "United States", "us": "United States",
    "u.s.": "United States", "mexican": "Mexico", "brazilian": "Brazil", "chinese": "China",
    "japanese": "Japan", "indonesian": "Indonesia", "philippine": "Philippines", "thai": "Thailand",
    "myanmar": "Myanmar", "nigerian": "Nigeria", "kenyan": "Kenya", "malawian": "Malawi",
    "mozambican": "Mozambique", "libya": "Libya", "pakistan": "Pakistan", "afghanistan": "Afghanistan",
    "lebanon": "Lebanon", "israel": "Israel", "ukraine": "Ukraine", "turkey": "Turkey", "syria": "Syria",
}


def source_region(canonical: str | None) -> str | None:
    """The region a national source's figures are about when the text names none.

    >>> source_region("Turkish government (AFAD)")
    'Turkey'
    >>> source_region("WHO") is None
    True
    """
    if not canonical:
        return None
    first = canonical.split()[0].lower()
    return _SOURCE_COUNTRY.get(first)
