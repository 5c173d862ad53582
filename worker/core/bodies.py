"""Name a body from a source phrase alone (the lookup half of the source pass).

Names are normalised with the alias table (exact, then contained alias, then
rapidfuzz); generic authorities ("the health ministry") are completed with the
story's country or province (:func:`worker.core.offices.compose_office`); a
county's, a city's or a district's offices are its officials; an unknown body
gets a clean short name. What the article's context adds (back-references,
persons) is :mod:`worker.core.authorities`.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils

from worker.core.offices import (
    DEMONYMS,
    compose_office,
    demonym,
    is_authority,
    place_in,
)
from worker.core.speakers import split_role_name
from worker.core.types import Aliases

# back-references: resolved through the memory, never a name of their own
PRONOUNS = frozenset({"it", "they", "he", "she", "the ministry", "ministry", "the office", "the agency",
                       "the organisation", "the organization", "the report", "the ngo", "the group",
                       "the statement", "the spokesman", "the spokesperson", "the army", "the military",
                       "the department", "the authority", "the government", "the body", "the monitor",
                       "the observatory", "the un agency", "the agency's", "the press service",
                       "the press office", "its press service", "its press office", "the spokesperson's office"})
# "the report", "its latest update", "the figures": the document of the source named before
DOC_BACK_REF_RE = re.compile(
    r"^(?i:the|its|their|this|that|these|those)\s+(?:[a-z-]+\s+){0,2}(?i:report|reports|update|statement|"
    r"figures|data|bulletin|tally|count|statistics|estimates?|numbers|sitrep|records|assessment|analysis)$")


# "the minister", "the provincial spokesman": a role named before
ROLE_BACK_REF_RE = re.compile(
    r"^(?:(?:acting|caretaker|provincial|regional|deputy|chief|senior|ministry's|agency's|department's)\s+)?"
    r"(minister|spokesman|spokeswoman|spokesperson|official|secretary|governor|director|superintendent|"
    r"administrator|commissioner|chief|head|collector|sheriff|mayor|coordinator|representative)$")


def is_role_reference(raw: str) -> str | None:
    """The role noun of a definite reference to a role ("the minister", "the provincial
    spokesman"), which points back at the one the article names in that role."""
    m = ROLE_BACK_REF_RE.match(normalise(raw))
    return m.group(1) if m else None


@functools.lru_cache(maxsize=20_000)
def is_back_reference(raw: str) -> bool:
    """Does ``raw`` point back at a source named elsewhere ("it", "the ministry", "the report")?"""
    bare = raw.strip(" .,").replace("’", "'")
    # "the latest report" points back; "the NDMA report" names its author
    return bare.lower() in PRONOUNS or bool(DOC_BACK_REF_RE.match(bare))


STATE_ADJECTIVES = frozenset(DEMONYMS.values())
_GENERIC_HEALTH_RE = re.compile(r"\b(?:health|medical)\s+(?:ministry|authorit|officials|services|department)"
                                r"|\bministry\s+of\s+(?:public\s+)?health\b", re.IGNORECASE)
_GAZA_WORD_RE = re.compile(r"\b(?:gaza|hamas|enclave|strip)\b")
# region -> the prefix news uses for its health ministry
_MINISTRY_PREFIX = {"Gaza Strip": "Gaza", "West Bank": "Palestinian", "Palestinian territories": "Palestinian"}


@dataclass(frozen=True)
class SourceIndex:
    """Alias lookups built once per :class:`Aliases` value."""

    exact: dict[str, str]
    contained: re.Pattern[str] | None
    choices: list[str]
    # lower-cased place names: a place is never an authority, and names the office's country
    places: frozenset[str] = frozenset()
    # lower-cased place name -> its region, and region -> country / subdivision / city
    place_regions: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    kinds: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    within: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)
    # (a canonical's first word, one of its other words singular) -> the canonicals:
    # ("Indian", "railway") -> {"Indian Railways"}
    kinds_of_body: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict, compare=False, repr=False)
    # phrase -> what the alias table makes of it (see _authority): the same
    # source phrases recur in every article, and the contained-alias scan and
    # the fuzzy match cost tens of microseconds each
    memo: dict[tuple[str, str, str | None], str | None] = field(default_factory=dict, compare=False, repr=False)


def build_source_index(aliases: Aliases) -> SourceIndex:
    """Index the source alias table for exact, contained and fuzzy lookup."""
    exact: dict[str, str] = {}
    for canonical, names in aliases.sources.items():
        for n in (canonical, *names):
            exact.setdefault(normalise(n), canonical)
    keys = sorted((k for k in exact if len(k) >= 2), key=len, reverse=True)
    contained = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keys) + r")\b") if keys else None
    place_regions: dict[str, str] = {}
    for region, names in aliases.places.items():
        for n in (region, *names):
            place_regions.setdefault(n.lower(), region)
    kinds_of_body: dict[tuple[str, str], set[str]] = {}
    for canonical in set(exact.values()):
        first, *rest = canonical.split()
        for w in rest:
            kinds_of_body.setdefault((first, w.lower().rstrip("s")), set()).add(canonical)
    return SourceIndex(exact, contained, list(exact), frozenset(place_regions), place_regions, aliases.kinds,
                       aliases.within, {k: frozenset(v) for k, v in kinds_of_body.items()})


# pure functions of a source phrase, and news repeats its sources: cached
@functools.lru_cache(maxsize=50_000)
def normalise(s: str) -> str:
    s = s.lower().replace("’", "'").replace("u.n.", "un").replace("u.s.", "us").replace("united nations", "un")
    s = _POSS_S_RE.sub("", s)
    s = _ARTICLE_RE.sub("", s.strip())
    return " ".join(_NON_NAME_RE.sub(" ", s).split())


_POSS_S_RE = re.compile(r"'s\b")
_ARTICLE_RE = re.compile(r"^(?:the|a|an)\s+")
_NON_NAME_RE = re.compile(r"[^\w&'()-]+")



_MEMO_SIZE = 50_000
_UNSEEN = object()


def body_of(raw: str, low: str, index: SourceIndex, region: str | None, province: str | None) -> str | None:
    """:func:`_authority`, memoised on the index: news repeats its source phrases."""
    key = (low, raw, region, province)
    found = index.memo.get(key, _UNSEEN)  # one lookup: another thread may clear the memo
    if found is _UNSEEN:
        if len(index.memo) >= _MEMO_SIZE:
            index.memo.clear()
        found = index.memo[key] = _authority(raw, low, low.split(), index, region, province)
    return found


def _authority(raw: str, low: str, words: list[str], index: SourceIndex, region: str | None,
               province: str | None = None) -> str | None:
    """The authority the alias table, the article's region and the office rules give
    ``raw``; None when only the memory or a short name can."""
    local = _local_body(raw, low, index)
    if local:
        return local
    health = _GENERIC_HEALTH_RE.search(raw)
    if health:
        if _GAZA_WORD_RE.search(low):
            return lookup(index, "Gaza Health Ministry") or "Gaza Health Ministry"
        office = compose_office(low, index.places, _MINISTRY_PREFIX.get(region or "", region), province)
        if office:
            return lookup(index, office) or office
    if index.contained is not None:
        best = None
        for m in index.contained.finditer(low):
            if best is None or len(m.group(0)) > len(best[0]):
                best = (m.group(0), m.start())
        if best and _owned_by_another_place(low, best[0], best[1], index):
            best = None  # "the Kenya Red Cross" is Kenya's, not the ICRC
        if best:
            best = best[0]
        if best and (len(best) > 3 or best.isalpha()):
            canon = index.exact[best]
            if canon not in GENERIC_CANONICAL:
                return canon
            if len(words) <= 3 or place_in(low, index.places):
                return office_name(low, index, None, province) or canon
    fuzzy = process.extractOne(low, index.choices, scorer=fuzz.token_sort_ratio,
                               processor=utils.default_process, score_cutoff=88)
    agency = _DISASTER_AGENCY_RE.search(low)
    if agency and not _NAMED_AGENCY_RE.search(raw):
        # "the country's disaster agency", "the provincial disaster authority": a state's
        # agency described, not named, speaks for the state's government
        where = province if agency.group(1) in ("provincial", "state", "regional") else \
            place_in(low, index.places) or demonym(region)
        if where:
            return lookup(index, f"{where} government") or f"{where} government"
    acronym = _named_acronym(raw, index)
    if acronym and not fuzzy:
        # "the exiled NUG government of Myanmar": the body its initials name, not the
        # country's office its words describe
        return acronym
    media = _MEDIA_IN_RE.match(low)
    if media and region:
        return f"{demonym(region)} media"  # "media in the Pacific nation north of Australia"
    if fuzzy:
        return index.exact[fuzzy[0]]
    office = office_name(low, index, region, province)
    if office:
        return office
    if low in DEMONYMS and not low.endswith(("ian", "ese", "ish", "i")):
        # "Israel said": the state speaking is its government
        name = f"{DEMONYMS[low]} government"
        return lookup(index, name) or name
    national = _national_body(low, index, region)
    if national:
        return national
    place = index.place_regions.get(low)
    if place and index.kinds.get(place) in ("country", "subdivision"):
        # "Odisha revises toll", "PNG tells UN": a state or a province speaking is its government
        name = f"{demonym(place)} government"
        return lookup(index, name) or name
    return None


def _local_body(raw: str, low: str, index: SourceIndex) -> str | None:
    """A county's, a city's or a district's own officials, however they are named ("the
    Maui County sheriff", "Maui County officials", "Lahaina city authorities", "the Maui
    district collector"): "<place> officials". A province's or a country's are its
    government (:func:`compose_office`)."""
    if not (_LOCAL_OFFICE_RE.search(low) or _LOCAL_BODY_RE.fullmatch(low)):
        return None
    words = low.split()
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            region = index.place_regions.get(" ".join(words[i:i + n]))
            if region is None or " ".join(words[i:i + n]) in DEMONYMS:
                continue
            kind = index.kinds.get(region)
            if kind == "city" or (kind != "country" and len(index.within.get(region, ())) >= 2):
                return f"{region} officials"
            return None
    # a town the gazetteers do not know, named with its level ("Kanda town officials")
    named = _UNKNOWN_LOCAL_RE.search(raw)
    return f"{named.group(1).strip()} officials" if named else None


_UNKNOWN_LOCAL_RE = re.compile(r"((?:[A-Z][\w'’-]+\s+)+)(?:city|town|village|municipal|district)\s+"
                               r"(?:officials|authorities|administration)$")
_DISASTER_AGENCY_RE = re.compile(r"\b(?:(national|provincial|state|regional|federal)\s+)?(?:disaster|emergency)\s+"
                                 r"(?:management\s+|relief\s+|response\s+)?(?:authority|agency|ministry|department|"
                                 r"centre|center|office)\b")
_NAMED_AGENCY_RE = re.compile(r"\b(?:Disaster|Emergency)\s+(?:Management\s+|Relief\s+|Response\s+)?(?:Authority|Agency|"
                              r"Ministry|Department|Centre|Center|Office)\b")


def _named_acronym(raw: str, index: SourceIndex) -> str | None:
    """The initials a phrase names a body by ("NUG", "PDMA"), not a place's ("US",
    "PNG") nor a role's ("PM", "MP")."""
    for m in _ACRONYM_WORD_RE.finditer(raw):
        word = m.group(0)
        if word.lower() not in index.place_regions and word.lower() not in DEMONYMS and not _ROLE_ACRONYM_RE.fullmatch(word):
            return word
    return None


_ACRONYM_WORD_RE = re.compile(r"(?<![\w.])[A-Z]{2,8}(?![\w.])")
_ROLE_ACRONYM_RE = re.compile(r"PM|MP|CEO|DRM|SP|DC|DM|IG|DG|MLA|MEP")
# "media in the South Pacific nation", "local media": the story country's media
_MEDIA_IN_RE = re.compile(r"^(?:local\s+)?media(?:\s+(?:in|of|from)\s+.*)?$")


def _national_body(low: str, index: SourceIndex, region: str | None) -> str | None:
    """"a railway official", "the railway", "X Divisional Railway" in a story about India:
    the Indian body of that kind the alias table knows ("Indian Railways"), if it knows
    exactly one."""
    m = _BODY_HEAD_RE.search(low)
    if m is None or not region:
        return None
    noun, adjective = m.group(1), demonym(region)
    if noun in _NOT_BODY_NOUNS:
        return None
    hits = index.kinds_of_body.get((adjective, noun.rstrip("s")), ())
    return next(iter(hits)) if len(hits) == 1 else None


# the kind of body a phrase ends with, before the role of its speaker
_BODY_HEAD_RE = re.compile(r"([a-z]{4,})(?:\s+\([a-z]+\))?(?:\s+(?:officials?|officers?|spokes(?:man|woman|person)|"
                           r"sources?|manager|chief|head|director))?(?:\s+\([a-z]+\))?$")
# words that name no kind of body of their own
_NOT_BODY_NOUNS = frozenset({"government", "ministry", "health", "officials", "official", "authorities", "authority",
                             "sources", "source", "spokesman", "spokesperson", "local", "state", "national"})
# offices of a county, a city, a district
_LOCAL_OFFICE_RE = re.compile(r"\b(?:sheriff|mayor|collector|district\s+magistrate|county\s+(?:commissioners?|manager|"
                              r"executive|judge)|municipal\w*|city\s+(?:council|hall))\b")
_LOCAL_BODY_RE = re.compile(r"(?:[\w'-]+\s+){1,4}(?:officials|authorities|administration)")


def _owned_by_another_place(low: str, alias: str, at: int, index: SourceIndex) -> bool:
    """Is the alias found in ``low`` preceded by a place its canonical does not name?"""
    before = low[:at].split()
    if not before:
        return False
    place = place_in(" ".join(before[-3:]), index.places)
    return place is not None and place.lower() not in index.exact[alias].lower()


# alias-table entries that name a kind of authority, not one: "officials" in
# "Sindh officials" are Sindh's
GENERIC_CANONICAL = frozenset({"local officials", "authorities"})


def office_name(low: str, index: SourceIndex, region: str | None, province: str | None = None) -> str | None:
    """"<country> <office>" ("Peruvian government"), through the alias table."""
    name = compose_office(low, index.places, region, province)
    if name is None:
        return None
    return lookup(index, name) or name


def lookup(index: SourceIndex, name: str) -> str | None:
    return index.exact.get(normalise(name))


_ARTICLE_I_RE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
# "the NDMA's situation report", "a report released by the NDMA": the document names its author
_DOC = (r"(?:(?:latest|new|own|official|daily|weekly|updated|preliminary|final|situation|flash|"
        r"humanitarian|casualty|damage)\s+)*(?:report|reports|data|figures|tally|count|statistics|update|"
        r"bulletin|statement|estimates?|sitrep|numbers|toll|analysis|assessment|records)")
_DOC_OF_RE = re.compile(rf"^(?:{_DOC})\s+(?:(?:released|published|issued|compiled|provided|shared|"
                        rf"collected)\s+)?(?:from|by|of)\s+(?:the\s+)?"
                        # "a study published in The Lancet": the journal
                        rf"|^(?:study|survey|paper|article|analysis|research)\s+(?:published\s+)?in\s+", re.IGNORECASE)
# a cue caught inside the phrase: "according to a Reuters" is the cue and a piece of a name
_CUE_START_RE = re.compile(r"\s*(?:according\s+to|citing|as\s+per|per|quoting|of\s+whom|whom)\b", re.IGNORECASE)
_DESCRIBED_NAME_RE = re.compile(
    r"^(?:[A-Z][a-z]+\s+)?(?:(?!(?:and|or|of|in|to|by|for|with|from|at|on|even|parts?|that|which|who|according)\b)"
    r"[a-z][\w'’-]*\s+){1,4}(?P<name>[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,3})$")
# "fire service spokesman Yiannis Artopios": the body the person speaks for
_ROLE_NAME_TAIL_RE = re.compile(
    r"\s+(?:(?:deputy|acting|senior|regional|provincial|district|chief|assistant|executive|press)\s+)*"
    r"(?:spokes(?:man|woman|person)|official|chief|head|director|secretary|commissioner|administrator|"
    r"coordinator|representative)(?:\s+(?:Dr\.?\s+)?(?-i:[A-Z])[\w.'’-]*){1,4}$", re.IGNORECASE)
_NAME_DOC_RE = re.compile(rf"(?<=[A-Z])\s+{_DOC}$")
_DOC_POSS_RE = re.compile(rf"['’]s?\s+{_DOC}$", re.IGNORECASE)
_ACRONYM_IN_RE = re.compile(r"\(([A-Z][A-Za-z]{1,9})\)")
_ORG_NAME_RE = re.compile(
    r"(?:[A-Z][a-z]+\s+(?:(?:of|for|and|on)\s+(?:the\s+)?)?){2,7}(?:Authority|Agency|Organi[sz]ation|Commission|"
    r"Centre|Center|Council|Committee|Force|Directorate|Institute|Bureau|Service|Fund|Programme|Program)\b")


@functools.lru_cache(maxsize=20_000)
def strip_document(raw: str) -> str:
    """``raw`` without an article or a document naming its author ("the data from X",
    "X's statement": X)."""
    return _DOC_POSS_RE.sub("", _DOC_OF_RE.sub("", _ARTICLE_I_RE.sub("", raw.strip())))


@functools.lru_cache(maxsize=20_000)
def short_name(raw: str) -> str:
    """A clean short name for an unknown source: no article, no document, no job title tail.

    >>> short_name("the NDMA's situation report")
    'NDMA'
    >>> short_name("Pakistan's National Disaster Management Authority")
    'National Disaster Management Authority (NDMA)'
    """
    s = _ARTICLE_I_RE.sub("", raw.strip())
    s = _DOC_OF_RE.sub("", s)
    s = _DOC_POSS_RE.sub("", s)
    s = _NAME_DOC_RE.sub("", s)  # "NDMA report": the NDMA's
    s = _ARTICLE_I_RE.sub("", s).strip(" ,.'\"")
    body = _ROLE_NAME_TAIL_RE.sub("", s)
    if body != s and len(body.split()) >= 2:
        s = body
    named = _DESCRIBED_NAME_RE.match(s)
    if named:
        # "the national disaster agency BNPB", "Spanish broadcaster RTVE": the name, not its description
        return named.group("name")
    if _ACRONYM_IN_RE.search(s):
        return s or raw
    m = _ORG_NAME_RE.search(s)
    if m:
        # an agency's name: news and reviewers know it by its initials too
        name = m.group(0)
        initials = "".join(w[0] for w in name.split() if w[0].isupper())
        return f"{name} ({initials})" if len(initials) >= 3 else name
    return s or raw


def resolves_nothing(raw: str, index: SourceIndex) -> bool:
    """Is ``raw`` a fragment rather than an authority or a back-reference?"""
    key = ("fragment?", raw, None)
    hit = index.memo.get(key, _UNSEEN)
    if hit is _UNSEEN:
        if len(index.memo) >= _MEMO_SIZE:
            index.memo.clear()
        hit = index.memo[key] = "" if (is_back_reference(raw) or raw.lower().strip(" .,") in ("it", "they", "he", "she")
                                       or (not _CUE_START_RE.match(raw)
                                           and (is_authority(short_name(raw), index.places)
                                                # "Ana Rai, a lawmaker for Enga province": a person with a role
                                                or split_role_name(raw) is not None))) else None
    return hit is None
