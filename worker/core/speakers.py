"""Who a person speaks for: a person introduced with a role speaks for that role's body.

News introduces a speaker once ("Chile's Health Minister, Ana Soto, said", "Omar Jan,
spokesman for the national disaster authority, said", "the head of the military
government, Gen. Ruiz Lopez, said") and then names them alone ("Soto said", "Minister
Soto", "Jan added"). A reader takes every later mention to speak for the same body; so
does claimtrack: the figure's originator is the body, not the person.

Pure text work, no alias tables: :func:`split_role_name` splits a source phrase into the
office and the name, :func:`person_reference` tells a bare name ("Soto", "Mr. Soto",
"Gov. Ana Soto") and :func:`introduction` finds, anywhere in the article, where that
person was introduced with a role. What the office names is for
:mod:`worker.core.authorities` to decide.
"""
from __future__ import annotations

import functools
import re

from worker.core.offices import AUTHORITY_NOUN_RE

# role nouns: a phrase holding one names a person by what they do for a body
ROLE = (r"(?:spokes(?:man|woman|person|people)|minister|head|chief|director(?:[- ]general)?|"
        r"secretary(?:[- ]general)?|governor|gov\.?|commander|coordinator|representative|president|"
        r"administrator|mayor|superintendent|official|officer|advis[eo]r|manager|chair(?:man|woman|person)?|"
        r"commissioner|sheriff|collector|envoy|ambassador|premier|chancellor|leader|ceo|mp|lawmaker|"
        r"senator|deputy|principal|dean|registrar|coroner|examiner|inspector|controller|magistrate)")
ROLE_RE = re.compile(rf"\b{ROLE}(?![\w-])", re.IGNORECASE)
# honorifics and ranks written before a name; a rank or a title alone names no body
_HONORIFIC = (r"(?:dr|prof|professor|mr|mrs|ms|mx|sir|dame|lord|mullah|maulvi|maulana|sheikh|shaikh|imam|"
              r"rev|father|gen|general|senior\s+gen(?:eral)?|lt|lieutenant|col|colonel|maj|major|capt|captain|"
              r"brig|brigadier|adm|admiral|sgt|sergeant|cmdr|insp|supt|eng|engr|hon|justice|judge|"
              r"king|queen|prince|princess|pope|president|minister|governor|gov|senator|sen|rep|mayor|"
              r"premier|chancellor|secretary|commissioner|chief|sheriff)")
_HONORIFIC_RE = re.compile(rf"(?:{_HONORIFIC})\.?\s+", re.IGNORECASE)
# one word of a person's name: capitalised ("Abiad", "al-Qudra", "O'Neill", "Sherwood-Randall"),
# initials ("P", "PK", "P.K.") or a particle of a name
# capitalised words that are never part of a person's name
_NOT_NAME_WORDS = """
the a an of for and in at on to by from with said says told according ministry minister government office
agency authority authorities department council committee commission force forces army military police
service services organisation organization institute bureau directorate centre center court hospital
national regional provincial state federal district county city municipal interior health foreign home
public information disaster disasters management emergency defence defense security affairs relief red
cross crescent un u.n. united nations news press media television radio report reports data figures
january february march april may june july august september october november december monday tuesday
wednesday thursday friday saturday sunday north south east west northern southern eastern western
central acting caretaker interim deputy senior chief head spokesman spokeswoman spokesperson director
secretary governor president prime premier mayor official officials superintendent commissioner
representative coordinator administrator adviser advisor envoy ambassador leader chairman sheriff
collector manager general staff mission railway railways university college medical sciences
"""
_NOT_NAME = frozenset(_NOT_NAME_WORDS.split())
# where an introduction's clause starts: punctuation, a say-verb, a cue
_CLAUSE_STOP_RE = re.compile(
    r"[;:!?\n\"“”—–]|\.(?=\s)|\b(?:said|says|told|tells|added|according\s+to|citing|quoting|by|from|that|while|"
    r"but|after|when|where|(?-i:who|which)|announced|stated|informed|noted|confirmed|reported)\b",
    re.IGNORECASE)
# abbreviations whose dot ends no clause ("Gov. Ana Soto", "U.S. envoy")
_ABBREVIATION_RE = re.compile(r"(?:\b[A-Z]|\b(?:Dr|Mr|Mrs|Ms|St|Lt|Jr|Sr|Gov|Gen|Sen|Rep|Col|Capt|Prof|Sgt|Maj|"
                              r"Brig|Adm|Insp|Supt|Hon|Rev|Cmdr|Engr|Eng))$")
_VERB_RE = re.compile(r"\b(?:is|are|was|were|has|have|had|been|will|would|did|does|do)\b", re.IGNORECASE)
_PLACE_ONLY_RE = re.compile(r"^\s*[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2}\s*$")
# the appositive after a name: ", a spokesman for the ministry," up to its clause end
_APPOSITIVE_RE = re.compile(
    r"\s*,\s*(?P<office>(?:(?:[A-Z]\.)+|[^,;:.!?\n\"“”()]|\([^()\n]{1,60}\))+?)"
    r"(?=\s*(?:[,;:!?\n\"“”]|\.(?:\s|$)|$|\s(?:said|says|told|added|announced|informed|noted|stated|"
    r"confirmed|reported|wrote|tweeted)\b))")


@functools.lru_cache(maxsize=20_000)
def person_reference(raw: str) -> str | None:
    """The person's name when ``raw`` names only a person, with or without a title
    ("Soto", "Minister Soto", "Mr. Ana Soto", "Gov. Ana Soto"), else None.

    >>> person_reference("Minister Abiad"), person_reference("the Health Ministry")
    ('Abiad', None)
    """
    s = re.sub(r"^(?:the|a|an)\s+", "", raw.strip(" ,.'\"‘’“”"), flags=re.IGNORECASE)
    while True:
        m = _HONORIFIC_RE.match(s)
        if not m or m.end() >= len(s):
            break
        s = s[m.end():]
    return s if _is_name(s) and not AUTHORITY_NOUN_RE.search(s.lower()) else None


def _is_name(s: str) -> bool:
    words = s.split()
    if not words or len(words) > 5 or not all(map(_name_word, words)):
        return False
    # an acronym ("NDMA", "PNG") is a body; initials ("PK Jena") start a name
    return not (len(words) == 1 and w_upper(words[0]))


def w_upper(word: str) -> bool:
    return word.isupper() and len(word.strip(".")) >= 2


@functools.lru_cache(maxsize=20_000)
def split_role_name(raw: str) -> tuple[str, str] | None:
    """``(office, name)`` when ``raw`` is a person with the role they hold, else None.

    >>> split_role_name("Chile's Acting Health Minister Ana Soto")
    ("Chile's Acting Health Minister", 'Ana Soto')
    >>> split_role_name("Omar Jan, spokesman for the national disaster authority")
    ('spokesman for the national disaster authority', 'Omar Jan')
    >>> split_role_name("the head of the military government, Gen. Ruiz Lopez")
    ('the head of the military government', 'Ruiz Lopez')
    """
    s = raw.strip(" ,.;:'\"‘’“”")
    # "Omar Jan, spokesman for X" / "Omar Jan, the agency's director"
    head, sep, tail = s.partition(",")
    if sep and ROLE_RE.search(tail):
        name = person_reference(head)
        if name and _office_phrase(tail):
            return tail.strip(), name
    # "the head of X, Gen. Ruiz Lopez" / "superintendent of X (AIIMS), Cuttack, Ana Soto"
    parts = [p.strip() for p in s.split(",")]
    if len(parts) >= 2:
        name = person_reference(parts[-1])
        if name:
            office = _office_before(parts[:-1])
            if office:
                return office, name
    # "Chile's Acting Health Minister Ana Soto", "North Carolina Gov. Ana Soto"
    split = _trailing_name(s)
    if split and _office_phrase(split[0]) and _ends_in_role(split[0]):
        return split
    return None


def _ends_in_role(office: str) -> bool:
    """Does the office phrase end with its role ("Chile's Health Minister", "Ohio Gov.") or
    name the role's body after it ("Superintendent of X Cuttack")? "The minister visited"
    does neither: the name after it is what was visited."""
    last = office.split()[-1].rstrip(".,") if office.split() else ""
    return bool(ROLE_RE.fullmatch(last) or _HONORIFIC_RE.fullmatch(last + " ") or last.startswith("(")
                or _ROLE_OF_RE.match(office))


def title_only(office: str) -> bool:
    """A bare title ("Minister", "Gov.", "the President"): the person's, naming no body;
    the article's introduction of the person says which."""
    words = re.sub(r"^(?:the|a|an)\s+", "", office, flags=re.IGNORECASE).split()
    return all(_HONORIFIC_RE.fullmatch(w + " ") or w.lower() in ("prime", "vice", "senior") for w in words)


_WORD_SHAPE_RE = re.compile(r"[^\W\d_](?:[^\W\d_]|[.'’-])*")


def _name_word(w: str) -> bool:
    """Can ``w`` be a word of a person's name (not a role, a place word, an acronym)?"""
    bare = w.strip(".,")
    if not _WORD_SHAPE_RE.fullmatch(bare) or not (bare[0].isupper() or bare.startswith(("al-", "el-", "bin", "ibn",
                                                                                          "abu"))):
        return False
    return bare.lower() not in _NOT_NAME and not _HONORIFIC_RE.fullmatch(bare + " ") \
        and not (bare.isupper() and (len(bare) > 2 or ROLE_RE.fullmatch(bare)))


def _trailing_name(s: str) -> tuple[str, str] | None:
    """``(what is written before, name)`` for a phrase ending in a person's name after a
    role or a title ("North Carolina Gov. Ana Soto" -> ("North Carolina Gov.", "Ana Soto"))."""
    words = s.split()
    keep = 0
    for w in reversed(words):
        if not _name_word(w) or keep == 4:
            break
        keep += 1
    if not keep or keep == len(words):
        return None
    name = " ".join(words[-keep:])
    before = words[:-keep]
    # honorifics between the role and the name ("Superintendent of X Prof Ana Soto")
    while before and _HONORIFIC_RE.fullmatch(before[-1] + " ") and not ROLE_RE.fullmatch(before[-1]):
        before = before[:-1]
    return (" ".join(before), name) if before and _is_name(name) else None


def _office_before(parts: list[str]) -> str | None:
    """The office among comma-separated ``parts`` that end just before a name, stepping
    back over a place that situates it ("superintendent of X, Cuttack, Ana Soto")."""
    while parts and _PLACE_ONLY_RE.match(parts[-1]) and not ROLE_RE.search(parts[-1]) and len(parts) > 1:
        parts = parts[:-1]
    if not parts:
        return None
    office = parts[-1]
    return office if ROLE_RE.search(office) and _office_phrase(office) else None


def _office_phrase(office: str) -> bool:
    """A noun phrase naming a role: no verb, no figure."""
    return bool(office.strip()) and not _VERB_RE.search(office) and not re.search(r"\d", office) \
        and len(office.split()) <= 14


_POSSESSIVE_OWNER_RE = re.compile(r"^(?:the\s+)?(?P<owner>.+?)['’]s?\s+(?P<role>.*)$", re.IGNORECASE)
_ROLE_OF_RE = re.compile(
    rf"^(?:(?:a|an|the|its|their)\s+)?(?:[\w'’-]+\s+){{0,3}}?{ROLE}(?:\s+of\s+(?:mission|staff))?"
    r"\s+(?:for|of|at|with|to|in)\s+(?P<owner>.+)$", re.IGNORECASE)


def office_owner(office: str) -> tuple[str, bool]:
    """The body an office phrase belongs to, and whether it is the owner written apart
    from the role ("spokesman for the national disaster authority" -> the authority,
    "IOM's chief of mission" -> IOM) or the office phrase itself ("Sindh Information
    Minister", "Chile's Health Minister": the place and the kind of office name it)."""
    m = _ROLE_OF_RE.match(office)
    if m and not ROLE_RE.fullmatch(m.group("owner").strip()):
        return m.group("owner").strip(), True
    m = _POSSESSIVE_OWNER_RE.match(office)
    if m and ROLE_RE.search(m.group("role")) and not ROLE_RE.search(m.group("owner")):
        return m.group("owner").strip(), True
    return office, False


def introduction(text: str, name: str, at: int, memo: dict | None = None) -> tuple[str, str] | None:
    """Where the article introduced the person ``name`` with a role: ``(office, full
    name)`` of the introduction nearest before ``at`` (else the first after it). ``memo``,
    one per article, keeps what was found for each name: an article names its speakers
    again and again.

    >>> introduction("Chile's Health Minister, Ana Soto, spoke. Soto said 12 died.", "Soto", 45)
    ("Chile's Health Minister", 'Ana Soto')
    """
    found = memo.get(name) if memo is not None else None
    if found is None:
        found = _introductions(text, name)
        if memo is not None:
            memo[name] = found
    intros, unnamed = found
    before = [found for a, found in intros if a <= at]
    if before:
        return before[-1]
    return intros[0][1] if intros else unnamed


def _introductions(text: str, name: str) -> tuple[tuple[tuple[int, tuple[str, str]], ...], tuple[str, str] | None]:
    """Every introduction of ``name`` in ``text`` with its offset; when there is none, the
    role named without a name just before the person's first mention by full name."""
    surname = name.split()[-1]
    intros = []
    first = None
    for start in _word_at(text, surname):
        full = _full_name(text, start, start + len(surname))
        if full is None or not _compatible(name, full[2]):
            continue
        a, b, written = full
        if first is None and " " in written:
            first = (a, written)
        found = _introduced(text, a, b, written)
        if found is not None:
            intros.append((a, found))
    unnamed = _unnamed_role_before(text, first[0], first[1]) if first is not None and not intros else None
    return tuple(intros), unnamed


# "according to the head of the UN refugee agency." ... "Ana Soto said": a role named
# without a name, then a person named without a role
_UNNAMED_ROLE_RE = re.compile(
    rf"\b(?:the|its|a|an)\s+(?:[\w'’-]+\s+){{0,2}}?(?P<role>{ROLE})\s+(?:of|for|at)\s+"
    r"(?:[^,.;:\n“”\"()]|\([^()\n]{1,20}\))+?(?=\s*[,.;:\n“”\"]\s*(?![A-Z][a-z]+\s+[A-Z])"
    r"|\s+(?:(?:has|have|had)\s+)?(?:said|says|told))",
    re.IGNORECASE)
# ranks: a soldier speaks for the military
MILITARY_RANK_RE = re.compile(r"^(?:senior\s+)?(?:gen|general|lt|lieutenant|col|colonel|maj|major|capt|captain|brig|"
                              r"brigadier|adm|admiral|sgt|sergeant|cmdr)\.?(?:\s+(?:gen|general|col|colonel)\.?)?$",
                              re.IGNORECASE)
# how far before a person's first mention an unnamed role may be theirs
UNNAMED_ROLE_CHARS = 400


def _unnamed_role_before(text: str, at: int, name: str, role: str | None = None) -> tuple[str, str] | None:
    """The role named without a name just before a person the article never introduces
    (or introduces by that ``role`` alone): most likely theirs ("the head of X said ...
    Ana Soto added", "a spokesperson for X said ... spokesperson Ana Soto said")."""
    found = None
    lo = max(0, at - UNNAMED_ROLE_CHARS)
    if not _has_role_word(text, lo, at):
        return None
    for m in _UNNAMED_ROLE_RE.finditer(text, lo, at):
        if role is None or _role_key(m.group("role")) == _role_key(role):
            found = m
    return (found.group(0), name) if found else None


# the stems of the role nouns (ROLE): a window holding none of them holds no role, and a
# substring test is far cheaper than the case-blind pattern
_ROLE_STEMS = ("spokes", "minister", "head", "chief", "director", "secretar", "gov", "command", "coordinat",
               "representative", "president", "administrat", "mayor", "superintend", "official", "officer",
               "advis", "manager", "chair", "commission", "sheriff", "collector", "envoy", "ambassador", "premier",
               "chancellor", "leader", "ceo", "mp", "lawmaker", "senator", "deputy", "principal", "dean",
               "registrar", "coroner", "examiner", "inspector", "controller", "magistrate")


def _has_role_word(text: str, lo: int, hi: int) -> bool:
    window = text[lo:hi].lower()
    return any(map(window.__contains__, _ROLE_STEMS))


def unnamed_role(text: str, at: int, office: str) -> str | None:
    """The office of the role ``office`` names alone ("spokesperson"), as written without a
    name just before ``at`` ("a spokesperson for the foreign ministry"), if any."""
    m = ROLE_RE.search(office)
    if m is None or not text:
        return None
    found = _unnamed_role_before(text, at, "", m.group(0))
    return found[0] if found else None


def _role_key(role: str) -> str:
    low = role.lower()
    return "spokes" if low.startswith("spokes") else low


def _compatible(name: str, full: str) -> bool:
    """Can ``name`` ("Dilip Kumar Parida", "Parida") be the person ``full`` ("Dillip Parida")?"""
    a, b = name.split(), full.split()
    return a[-1] == b[-1] and (len(a) == 1 or len(b) == 1 or a[0][:1] == b[0][:1])


def _word_at(text: str, word: str):
    """The offsets where ``word`` stands as a whole word (not "Jenas", not "Soto's")."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        before = text[at - 1] if at else " "
        after = text[end:end + 1]
        if not (before.isalnum() or before in "_-") and not (after[:1].isalnum() or after[:1] in "_-'’"):
            yield at
        at = text.find(word, end)


def _full_name(text: str, a: int, b: int) -> tuple[int, int, str] | None:
    """The whole name around a surname at ``text[a:b]``, as ``(start, end, name)``: the
    name words just before it, not the role or place words in front of them."""
    start = a
    seg = text[max(0, a - 60):a]
    if seg and not seg[-1].isspace():
        return None
    for w in reversed(seg.split()):
        if not _name_word(w) or w[-1] in ",;:" or len(text[start:b].split()) >= 5:
            break
        start = text.rfind(w, 0, start)
    written = text[start:b]
    return (start, b, written) if _is_name(written) else None


def _clause_start(text: str, lo: int, hi: int) -> int:
    """Where the clause holding ``text[hi]`` starts, no earlier than ``lo``."""
    start = lo
    for m in _CLAUSE_STOP_RE.finditer(text, lo, hi):
        if m.group(0) == "." and _ABBREVIATION_RE.search(text, max(lo, m.start() - 5), m.start()):
            continue
        start = m.end()
    return start


def _introduced(text: str, a: int, b: int, name: str) -> tuple[str, str] | None:
    """The office written beside the name at ``text[a:b]``, before or after it."""
    found = _written_beside(text, a, b, name)
    if found is not None and bare_role(found[0]):
        # "spokesperson Ana Soto" after "a spokesperson for the foreign ministry said"
        return _unnamed_role_before(text, a, name, found[0]) or found
    return found


def bare_role(office: str) -> bool:
    """Does ``office`` name a role and no body ("spokesperson", "the official")?"""
    words = [w for w in office.lower().split() if w not in _ROLE_ADJECTIVES]
    return bool(words) and all(ROLE_RE.fullmatch(w) for w in words)


_ROLE_ADJECTIVES = frozenset({"the", "a", "an", "deputy", "acting", "senior", "chief", "press", "official", "top"})


def _written_beside(text: str, a: int, b: int, name: str) -> tuple[str, str] | None:
    after = _APPOSITIVE_RE.match(text, b, min(len(text), b + 160))
    if after and ROLE_RE.search(after.group("office")):
        split = split_role_name(f"{name}, {after.group('office')}")
        if split:
            return split[0], name
    if _has_role_word(text, max(0, a - 160), a):
        clause = text[_clause_start(text, max(0, a - 160), a):a]
        # the clause's last part ("..., WHO spokesman Ana Soto"), else the whole clause when
        # the name is an appositive ("the head of X, Gen. Ana Soto")
        for part in (clause.rpartition(",")[2], clause):
            if part.strip() and ROLE_RE.search(part):
                split = split_role_name(f"{part.strip()} {name}")
                if split and split[1].split()[-1] == name.split()[-1]:
                    return split[0], name
    rank = _RANK_BEFORE_RE.search(text, max(0, a - 30), a)
    if rank and MILITARY_RANK_RE.match(rank.group(1).strip()):
        return "the military", name  # "Major Ana Soto said": a soldier speaks for the military
    return None


_RANK_BEFORE_RE = re.compile(r"((?:\b[A-Za-z]+\.?\s+){1,2})$")
