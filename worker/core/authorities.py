"""Name the authority behind a source phrase in its article (the canonicalising half of
the source pass).

What a phrase names by itself is :mod:`worker.core.bodies` (alias table, offices,
short names). Here the article's context: back-references ("the ministry", "it",
"he", "the minister") resolve through its :class:`SourceMemory`; a person speaks
for the body the article introduced them with (:mod:`worker.core.speakers`); "the
government" with none named is the story's country's.
"""
from __future__ import annotations

import re

from worker.core.bodies import (  # noqa: F401 - the source pass's API, re-exported
    DOC_BACK_REF_RE,
    GENERIC_CANONICAL,
    PRONOUNS,
    STATE_ADJECTIVES,
    SourceIndex,
    body_of,
    build_source_index,
    is_back_reference,
    is_role_reference,
    lookup,
    normalise,
    office_name,
    resolves_nothing,
    short_name,
    strip_document,
)
from worker.core.casefold import folded_text
from worker.core.offices import DEMONYMS, JUNTA_RE, demonym, is_authority
from worker.core.source_memory import END, SourceMemory
from worker.core.speakers import (
    MILITARY_RANK_RE,
    ROLE_RE,
    bare_role,
    introduction,
    office_owner,
    person_reference,
    split_role_name,
    title_only,
    unnamed_role,
)


def resolve_late(raw: str, memory: SourceMemory) -> str | None:
    """Resolve a back-reference ("the ministry") by a source named later in the article.

    News often writes "the ministry announced ..." before "according to the Health
    Ministry in Gaza"; a reader resolves it from the whole article.
    """
    low = normalise(raw)
    if low in ("it", "they", "he", "she"):
        return None
    words = low.split()
    return memory.head(words[-1]) if words else None



_ARTICLE_RE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
# a government with a name of its own ("the exiled NUG government", "the opposition
# government"): never the junta
_NAMES_ANOTHER_RE = re.compile(r"\b(?:[A-Z]{2,8}|exiled|opposition|shadow|parallel|rebel|unity)\b")
# "X indicated that Y": Y's figure, relayed by X
_RELAYS_RE = re.compile(r"\b(?:indicated|said|says|reported|reports|stated|claimed|noted|showed|added)\s+that\s+",
                        re.IGNORECASE)
# "in a statement they", "on Monday it": the pronoun speaks
_PRONOUN_AFTER_RE = re.compile(r"^(?:in|on|at|during|after|with)\s+(?:\S+\s+){0,4}?(it|they|he|she)$")
# "the court", "the commission": a body of a kind named before
_DEFINITE_BODY_RE = re.compile(r"^(?:the|this)\s+(court|tribunal|commission|council|committee|directorate|bureau|"
                               r"institute|centre|center|authority|department|agency|office|ministry)$",
                               re.IGNORECASE)
# a document phrase whose stripping would leave a fragment, not a source
_STRIP_KEEPS_RE = re.compile(r"^\s*(?:the|its|their)\s+(?:[\w-]+\s+){0,2}(?:report|statement|data|figures)\s*$",
                             re.IGNORECASE)
_BACK_REF_RE = re.compile(r"\bthe\s+(ministry|office|agency|organi[sz]ation|group|army|military|government|ngo)\b")


def canonical_source(raw: str, index: SourceIndex, memory: SourceMemory, region: str | None,
                     at: int = END, depth: int = 0) -> str | None:
    """The normalised authority for ``raw``, or a clean short name.

    Back-references ("the ministry", "it", a surname) resolve through
    ``memory`` as it stood before offset ``at`` (where ``raw`` is written);
    generic health authorities take the article's ``region``. A person speaks for
    the body the article introduced them with (:mod:`worker.core.speakers`).
    """
    found = _canonical(raw, index, memory, region, at, depth)
    if depth == 0 and found and found.endswith((" government", " military")) \
            and JUNTA_RE.search(folded_text(memory.text)) and not _NAMES_ANOTHER_RE.search(raw):
        # an article that names the state's junta means it by "the government" too
        junta = memory.head("junta", at) or memory.head("junta")
        if junta and junta.split()[0] == found.split()[0]:
            return junta
    return found


def _canonical(raw: str, index: SourceIndex, memory: SourceMemory, region: str | None,
               at: int, depth: int) -> str | None:
    low = normalise(raw)
    if "citing " in low:  # "OCHA, citing IOM": the figure originates with IOM
        low = low.split("citing ", 1)[1]
        raw = raw[raw.lower().index("citing ") + 7:]
    relayed = _RELAYS_RE.search(raw)
    if relayed and raw[relayed.end():].strip():
        # "a report from Sky News indicated that the exiled government ...": the one relayed
        raw = raw[relayed.end():]
        low = normalise(raw)
    if DOC_BACK_REF_RE.match(raw.strip(" .,").replace("’", "'")):
        return memory.last(at)
    bare = strip_document(raw)
    if bare and bare != _ARTICLE_RE.sub("", raw.strip()) and not _STRIP_KEEPS_RE.match(raw):
        # "the data from X", "the ministry's statement": X's, the ministry's
        raw, low = bare, normalise(bare)
    pronoun = _PRONOUN_AFTER_RE.match(low)
    if pronoun:  # "in a statement they"
        low = pronoun.group(1)
    if low in ("it", "they", "he", "she") or raw.lower() in PRONOUNS or low in PRONOUNS:
        return _back_reference(low, index, memory, region, at)
    if low in index.exact:
        return index.exact[low]
    kind = _DEFINITE_BODY_RE.match(raw)
    if kind and memory.head(kind.group(1).lower(), at):
        # "the court", "the commission": the one named before
        return memory.head(kind.group(1).lower(), at)
    if memory.country and _COUNTRY_POSS_RE.search(raw):
        # "the country's disaster agency": the story's country's; "the country's National
        # Disaster Centre": a body with a name of its own
        raw = _COUNTRY_POSS_RE.sub(lambda m: "" if raw[m.end():m.end() + 1].isupper()
                                   else f"{demonym(memory.country)} ", raw)
        low = normalise(raw)
    if depth < 3:
        spoken = _spoken_for(raw, index, memory, region, at, depth)
        if spoken:
            return spoken
    noun = is_role_reference(raw)
    if noun:
        # "the minister", "the provincial spokesman": the one named before in that role,
        # else the one named later (resolved when the whole article is read)
        found = memory.head(noun, at) or memory.head(_ROLE_BODY.get(noun, noun), at)
        if found:
            return found
        if memory.text.lower().find(noun, at + len(raw)) >= 0:
            return None
    found = body_of(raw, low, index, region, memory.province)
    if found:
        return found
    back = _BACK_REF_RE.search(low)
    if back and memory.head(back.group(1), at):
        return memory.head(back.group(1), at)
    if low.split()[0:1] in (["ministry"], ["office"], ["agency"]) and memory.last(at):
        return memory.head(low.split()[0], at) or memory.last(at)
    return short_name(raw)


def _back_reference(low: str, index: SourceIndex, memory: SourceMemory, region: str | None, at: int) -> str | None:
    """"it", "he", "the ministry", "the government": the source they point back at."""
    head = low.split()[-1] if low else ""
    if head in ("he", "she"):
        # '"... a report by the county," he said': the speaker of the quote, not a body
        # named inside it
        return memory.last_person(quote_start(memory.text, at))
    if head in ("it", "they"):
        return memory.last(at)
    found = memory.head(head, at)
    if found is None and head in ("army", "military"):
        # "the army" when no army was named: the army of the state named last
        last = memory.last(at)
        state = last.split()[0] if last else None
        if state in STATE_ADJECTIVES:
            return lookup(index, f"{state} military") or f"{state} military"
    if found is None and head in _STATE_BODIES and (memory.country or region):
        # "the government" when none was named: the story's country's, never the
        # agency named last
        return office_name(f"the {head}", index, memory.country or region, memory.province)
    return found or memory.last(at)


# bodies of a state: "the government" with none named is the story's country's
_STATE_BODIES = frozenset({"government", "army", "military"})
# "the country's disaster agency", "the nation's health ministry"
_COUNTRY_POSS_RE = re.compile(r"\b(?:the\s+)?(?:country|nation)['’]s\s+(?:the\s+)?", re.IGNORECASE)
# the body a role back-reference may be remembered by ("the minister" -> the ministry)
_ROLE_BODY = {"minister": "ministry", "spokesman": "spokesperson", "spokeswoman": "spokesperson",
              "spokesperson": "spokesman", "governor": "government", "secretary": "government"}


def quote_start(text: str, at: int) -> int:
    """Where the quotation that ends just before ``at`` ('"...," he said') opens; ``at``
    when no quotation ends there."""
    close = _QUOTE_END_RE.search(text, max(0, at - 6), at)
    if close is None:
        return at
    opening = max(text.rfind("“", 0, close.start()), text.rfind('"', 0, close.start()))
    return opening if opening >= 0 and close.start() - opening < 1500 else at


_QUOTE_END_RE = re.compile(r"[”\"]\s*,?\s*$")


def _spoken_for(raw: str, index: SourceIndex, memory: SourceMemory, region: str | None, at: int,
                depth: int) -> str | None:
    """The body a person speaks for: the role written with the name ("Chile's Health
    Minister Ana Soto"), else the role the article introduced them with; the person's
    full name when no body can be named. None when ``raw`` is no person."""
    raw = strip_document(raw)  # "data from Ana Soto": Ana Soto's
    split = split_role_name(raw)
    office, name = split if split else (None, person_reference(raw))
    if office and not title_only(office):
        found = _office_of(office, index, memory, region, at, depth)
        if found is None and bare_role(office):
            # "spokesperson Ana Soto" after "a spokesperson for the foreign ministry said"
            before = unnamed_role(memory.text, at, office)
            found = _office_of(before, index, memory, region, at, depth) if before else None
        return found or name
    if name is None or normalise(name) in index.exact:
        return None
    intro = introduction(memory.text, name, at, memory.people) if memory.text else None
    if name.lower() in index.place_regions and (intro is None or " " not in intro[1]):
        return None  # a place, unless the article names a person by it ("Chief Secretary Ana Jena")
    if intro is not None:
        office, full = intro
        return _office_of(office, index, memory, region, at, depth) or full
    for word in (name.split()[-1], name.split()[-1].replace("al-", "")):
        hit = memory.name(word.lower(), at)
        if hit:
            return hit
    title = office or raw[:len(raw) - len(name)].strip()
    if title and MILITARY_RANK_RE.match(title):
        # "Major Ana Soto" with no introduction: a soldier speaks for the military
        return _office_of("the military", index, memory, region, at, depth) or name
    if title and ROLE_RE.search(title):
        # "President Ana Soto", "Gov. Soto" with no introduction: the title's office
        return _office_of(title, index, memory, region, at, depth) or name
    return None


def _office_of(office: str, index: SourceIndex, memory: SourceMemory, region: str | None, at: int,
               depth: int) -> str | None:
    """The body an office phrase names ("spokesman for the disaster ministry", "IOM's
    chief of mission", "Sindh Information Minister"), or None when it names a role only
    ("MP", "a resident")."""
    low = normalise(office)
    kind = _KIND_ROLE_RE.match(low)
    if kind:
        # "ministry spokesman", "the agency's director": the body named before
        found = memory.head(kind.group(1), at)
        if found:
            return found
    found = body_of(office, low, index, region, memory.province)
    if found and found not in GENERIC_CANONICAL:
        return found
    owner, apart = office_owner(office)
    if not apart:
        # "the Disaster Management Authority head": the body written before the role
        owner = _ROLE_TAIL_RE.sub("", office).strip()
        if owner == office.strip() or not _BODY_WORD_RE.search(owner):
            return None
    if normalise(owner) not in index.place_regions and owner.lower() not in DEMONYMS \
            and is_authority(short_name(owner), index.places):
        return canonical_source(owner, index, memory, region, at, depth + 1)
    return None


# the role at the end of an office phrase ("... Authority head", "... Railway Manager (DRM)")
_ROLE_TAIL_RE = re.compile(
    r"(?:\s+(?:deputy|acting|senior|regional|divisional|district|chief|general|executive|press))*\s+"
    r"(?:head|chief|director|spokes(?:man|woman|person)|manager|officer|official|administrator|chairman|"
    r"secretary|coordinator|representative)(?:\s+\([A-Z]{2,8}\))?$", re.IGNORECASE)
# a word that makes what is left a body
_BODY_WORD_RE = re.compile(r"\b(?:authority|agency|ministry|department|directorate|commission|council|committee|"
                           r"centre|center|institute|office|service|force|railways?|corporation|company|bureau|"
                           r"organi[sz]ation|fund|programme)\b", re.IGNORECASE)


# "ministry spokesman", "the agency's director", "office chief"
_KIND_ROLE_RE = re.compile(r"^(ministry|agency|office|department|organi[sz]ation|authority|directorate)(?:'s)?\s+"
                           r"(?:[a-z]+\s+){0,2}(?:spokes\w+|director|head|chief|official|officer|minister)$")


