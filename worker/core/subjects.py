"""The counted group of a figure and its class: "12 Palestinian children", IPC severity, held groups
(the "subject" pass)."""
from __future__ import annotations

import re

from worker.core.candidates import words_after
from worker.core.dating import DIGIT_RE
from worker.core.kinds import (
    AT_HOSPITALS,
    PEOPLE_NOUNS,
    SUBJECT_CLASS,
    SUBJECT_PHRASE_CLASS,
)
from worker.core.numbers import Number

SKIP_OF_RE = re.compile(r"\s+of\s+(?:(?:them|those|whom|these|the|its|their|his|her|our)\b)?\s*", re.IGNORECASE)
ADJ_SKIP = frozenset("""
palestinian israeli syrian turkish sudanese ukrainian russian lebanese iranian iraqi afghan yemeni
other more additional further new newly internally unarmed innocent civilian local foreign
young old elderly small little unaccompanied pregnant displaced missing injured wounded dead
confirmed registered reported recorded documented identified known total
health medical healthcare aid humanitarian relief un unrwa staff media civil defence defense rescue
military security police army idf hamas
""".split())
# IPC severity is part of what a food-insecurity figure counts (SPEC §3 metric identity)
_IPC_RE = re.compile(
    r"(?P<ipc5>\bcatastroph\w*|\bphase\s*5\b|\bipc\s*5\b|\b(?:face|faces|facing|in|into)\s+famine\b"
    r"|\bfamine(?:[- ]like)?\s+conditions\b)"
    r"|(?P<ipc4>\bemergency\b|\bphase\s*4\b|\bipc\s*4\b)"
    r"|(?P<ipc3>\bcrisis\b|\bphase\s*3\b|\bipc\s*3\b|\bacute\s+food\b)")
_IPC_CLASS = {"ipc5": "ipc5", "ipc4": "ipc4+", "ipc3": "ipc3+"}


# people displaced out of the country: "fled to neighbouring countries", "crossed into Chad"
ABROAD_RE = re.compile(
    r"\b(?:fled|flee|fleeing|crossed|escaped|sought\s+refuge)\s+(?:the\s+country\b|abroad\b|across\s+(?:the\s+)?borders?\b"
    r"|(?:in)?to\s+(?:the\s+)?neighbou?ring\b|into\s+(?=[A-Z]))")
# a sub-count of held people: released ones, or a group by sex or nationality
_RELEASED_RE = re.compile(r"\b(?:released|freed|set\s+free|handed\s+over|swapped|exchanged|returned\s+home)\b",
                          re.IGNORECASE)
_FOREIGN_WORDS = frozenset({"foreigners", "foreign", "nationals", "nationalities", "expatriates"})
_NATIONALITY_RE = re.compile(r"^[A-Z][a-z]+(?:is|ans|ns|ese|ish|s)$")


def held_group(text: str, n: Number, s: int, e: int, subject: str, cls: str) -> str:
    """ "24 were released", "86 Israelis", "8 foreigners", "116 men" among the hostages:
    each a group of its own, never the whole count of held people."""
    before = text[max(s, n.start - 50):n.start]
    rel = None
    for rel in _RELEASED_RE.finditer(before):
        pass
    if rel is not None and not DIGIT_RE.search(before, rel.end()):
        return "released"
    after = text[n.end:min(e, n.end + 45)]
    rel = _RELEASED_RE.search(after)
    if rel is not None and not DIGIT_RE.search(after, 0, rel.start()) and not _CLAUSE_END_RE.search(after, 0, rel.start()):
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


def ipc_class(lowered: str, n: Number, s: int, e: int) -> str | None:
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


def head_is_people(text: str, n: Number, e: int) -> bool:
    """Is ``n`` followed by a people noun that is not the subject of another verb?
    ("3,785 Palestinians" yes; "5,000 more soldiers deployed", "600 people who were found" no)."""
    words = words_after(text, n.end, e, 5)
    for i, w in enumerate(words[:3]):
        lw = w.group(0).lower()
        if lw in PEOPLE_NOUNS:
            rest = [x.group(0).lower() for x in words[i + 1:i + 3]]
            return not (rest and (_OTHER_VERB_RE.match(rest[0]) or rest[0] in ("who", "that")))
        if lw not in ADJ_SKIP:
            return False
    return False


def does_other(text: str, n: Number, e: int) -> bool:
    """ "5,000 more soldiers deployed": the group after ``n`` is the subject of another verb."""
    words = [w.group(0).lower() for w in words_after(text, n.end, e, 5)]
    for i, lw in enumerate(words[:3]):
        if lw in PEOPLE_NOUNS:
            return i + 1 < len(words) and bool(_OTHER_VERB_RE.match(words[i + 1]))
    return False


# a past participle or verb right after the counted group that says something else
# happened to them ("deployed", "rescued", "found", "evacuated" is a kind word and not here)
_OTHER_VERB_RE = re.compile(r"^(?:deployed|sent|rescued|found|freed|located|arrived|returned|saved|treated|"
                            r"discharged|vaccinated|registered|employed|hired|trained|mobilised|mobilized|"
                            r"involved|working|work|took|take|joined|gathered|attended|protested|marched)$")


BODY_NOUNS = frozenset({"bodies", "corpses", "remains"})
# "88 bodies have been identified", "81 bodies remain unidentified", "187 are yet to be identified"
_IDENTIFIED_RE = re.compile(
    r"\s+(?:\w+\s+){0,2}?(?:(?P<un>(?:are|were|remain|remained|have\s+not\s+been|could\s+not\s+be|"
    r"still)\s+(?:yet\s+to\s+be\s+|still\s+|not\s+(?:yet\s+)?(?:been\s+)?)?(?:un)?identified|awaiting\s+"
    r"identification|unidentified)|(?:have|had)\s+(?:now\s+)?been\s+identified|identified)\b", re.IGNORECASE)
# a word after the number that is a noun of its own ("88 bodies have been identified"), not a verb or "more"
_NOUN_FIRST_RE = re.compile(r"\s+(?!(?:more|others?|of\s+them|are|were|have|has|had|remain|remained|still|"
                            r"could|yet|identified|unidentified|awaiting)\b)[a-z]", re.IGNORECASE)
_NOT_MODIFIER = frozenset("""were are was is be been have has had in of and or to at on by from with for as who which
that more others other people than about""".split())


def _next_is_people(words: list, w) -> bool:
    i = words.index(w)
    return i + 1 < len(words) and words[i + 1].group(0).lower() in PEOPLE_NOUNS


# "200 dead had been brought to different hospitals": the dead one facility (or several)
# took in, a count of its own beside the toll
_AT_FACILITY_RE = re.compile(
    r"\s+(?P<noun>dead|bodies|corpses)\s+(?:(?:had|have|has)\s+(?:so\s+far\s+)?been\s+|were\s+|was\s+)?"
    r"(?:brought|taken|carried|delivered|received)\s+(?:in\s+)?(?:to|at|by|into)\s+(?:[\w'’-]+\s+){0,3}?"
    r"(?:hospitals?|morgues?|mortuar(?:y|ies)|clinics?)\b", re.IGNORECASE)


def subject_after(text: str, n: Number, e: int) -> str | None:
    """The counted group written after the number: "12 Palestinian children"."""
    pos = n.end
    m = _AT_FACILITY_RE.match(text, pos, min(e, pos + 90))
    if m:
        return f"{m.group('noun')} {AT_HOSPITALS}"
    m = _IDENTIFIED_RE.match(text, pos, min(e, pos + 50))
    if m and not _NOUN_FIRST_RE.match(text, pos):
        # "of the 278 bodies, 177 have been identified while 101 more are yet to be"
        return ("unidentified" if m.group("un") else "identified") + " bodies"
    m = SKIP_OF_RE.match(text, pos, min(e, pos + 30))
    if m:
        pos = m.end()
    words = words_after(text, pos, e, 5)
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
            written = text[first.start():w.end()]
            return "people" if written.lower() == "person" else written
        if lw in BODY_NOUNS:
            written = text[first.start():w.end()]
            if "identif" not in written.lower():
                m = _IDENTIFIED_RE.match(text, w.end(), min(e, w.end() + 50))
                if m:
                    written = ("unidentified " if m.group("un") else "identified ") + written
            return written
        if lw in ADJ_SKIP or (w.group(0)[:1].isupper() and w is not words[-1]):
            continue  # "12 Palestinian children", "250 Hezbollah fighters"
        if w is first and lw not in _NOT_MODIFIER and _next_is_people(words, w):
            continue  # "four ambulance staff", "22 rescue workers"
        if lw in ("were", "are", "was") and w is words[0]:
            # "1,524 were children"
            for r in words_after(text, w.end(), e, 2):
                if r.group(0).lower() in PEOPLE_NOUNS:
                    return r.group(0)
            return None
        return None
    return None


_NUMBER_OF_RE = re.compile(
    r"\b(?:number|toll|count|total|tally)\s+of\s+(?:(?:its|their|the|his|her|our)\s+)?"
    r"(?P<np>(?:[A-Za-z'’-]+\s+){0,3}?[A-Za-z'’-]+)\s+(?:killed|dead|who\s+died|injured|wounded|missing|"
    r"displaced|detained|held|arrested|abducted)\b[^.;]{0,40}$", re.IGNORECASE)


def subject_before(text: str, s: int, q_start: int) -> str | None:
    """ "the number of its staff members killed has risen to 29": the group named before."""
    m = _NUMBER_OF_RE.search(text, max(s, q_start - 120), q_start)
    if not m:
        return None
    words = m.group("np").split()
    for i in range(len(words) - 1, -1, -1):
        if words[i].lower() in PEOPLE_NOUNS:
            start = i
            while start > 0 and (words[start - 1].lower() in ADJ_SKIP or words[start - 1].lower() in PEOPLE_NOUNS):
                start -= 1
            return " ".join(words[start:i + 1])
    return None


def subject_class_of(subject: str) -> str:
    for rx, cls in SUBJECT_PHRASE_CLASS:
        if rx.search(subject):
            return cls
    lowered = subject.lower()
    last = lowered.split()[-1] if subject.split() else ""
    if last in BODY_NOUNS:
        # bodies counted (recovered, identified) are a count of their own, not the toll
        return "unidentified bodies" if "unidentified" in lowered else (
            "identified bodies" if "identified" in lowered else "bodies")
    return SUBJECT_CLASS.get(last, "people")
