"""Find place names in a sentence and normalise them to a region.

The gazetteer is passed in (``Aliases.places``: region -> names news uses),
so this module stays pure. Lookup is a dict probe on capitalised phrases plus
one compiled regex for lower-case aliases ("the enclave", "the strip"), so
the cost is linear in the sentence length whatever the gazetteer size.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from worker.core.types import Aliases

_CAP_PHRASE_RE = re.compile(
    r"[A-ZÀ-ÖØ-Ý\u0130][\w'’\-]*(?:[ \-](?:(?:al|el|ad|as|ar|an|of|de|du|la|le|the)[ \-])?[A-ZÀ-ÖØ-Ý\u0130][\w'’\-]*)*"
)
_DIRECTION = (r"(?:(?:the\s+)?(?:north|south|east|west|central|northern|southern|eastern|western|"
              r"north[- ]?(?:east|west)(?:ern)?|south[- ]?(?:east|west)(?:ern)?)\s+)")
_DIRECTION_BEFORE_RE = re.compile(_DIRECTION + r"$", re.IGNORECASE)
_JOIN_RE = re.compile(r"\s*(?:,|and|&)\s+(?:the\s+)?(?:occupied\s+)?$", re.IGNORECASE)
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
        alt = "|".join(re.escape(n) for n in sorted(set(lower), key=len, reverse=True))
        lower_re = re.compile(rf"\b(?:{alt})\b")
    return PlaceIndex(by_name, lower_re, frozenset(k.split()[0] for k in by_name))


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
    if not found:
        return found
    found.sort(key=lambda p: p.start)
    return _join(text, found)


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
        else:
            out.append(hit)
    return out


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


def _join(text: str, places: list[Place]) -> list[Place]:
    """Merge "Turkey and Syria" / "Turkey, Syria" into one place of two regions."""
    out: list[Place] = [places[0]]
    for p in places[1:]:
        prev = out[-1]
        gap = text[prev.end:p.start]
        if prev.end <= p.start and len(gap) <= 12 and _JOIN_RE.search(gap + " ") and prev.region != p.region:
            regions = "+".join(sorted(set(prev.region.split("+")) | set(p.region.split("+"))))
            out[-1] = Place(prev.start, p.end, text[prev.start:p.end], regions)
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
