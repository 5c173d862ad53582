"""Who says so: find the attribution phrases of a sentence (the finding half of the source pass).

Patterns news uses: "according to X", "X said", "said X", "X reported",
"citing X", "X said in a statement", "X's latest figures", "figures from X",
headlines ending ": Ministry" or ", UN says", and references back to a
source named earlier ("the ministry said", "it added", "Al-Qudra added").
What a phrase names is decided by :mod:`worker.core.authorities`.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from itertools import chain as _chain
from dataclasses import dataclass

from worker.core.authorities import PRONOUNS as _PRONOUNS
from worker.core.authorities import (
    SourceIndex,
    build_source_index,
    canonical_source,
    is_back_reference,
    resolve_late,
)
from worker.core.numbers import trie
from worker.core.offices import AUTHORITY_NOUN_RE
from worker.core.source_memory import SourceMemory
from worker.core.speakers import ROLE

__all__ = ["Attribution", "SourceIndex", "SourceMemory", "build_source_index", "canonical_source",
           "find_attributions", "resolve_late"]

SAY_VERBS = (r"said|says|say|told|tells|reported|reports|report|confirm|announced|announces|stated"
             r"|added|adds|confirmed|confirms|estimated|estimates|noted|wrote|writes"
             r"|indicated|indicates|recorded|counted|tallied|put|puts|showed"
             r"|alleged|alleges|revised|revises|forecast|urged|urges|believes|believed|calculated|found"
             r"|warned|warns|revealed|reveals|claimed|claims|declared|updated|published|documented"
             r"|registered|verified|acknowledged|explained|mentioned|highlighted|tweeted|posted"
             r"|informed|informs|quoted|presented|presents|detailed|details|listed|gave|gives|lowered|lowers"
             r"|raised|raises|clarified|clarifies|reveal|show|indicate|specified|specifies")
_ABBR_DOT = r"(?<=(?-i:[A-Z]))\.|" + "|".join(
    rf"(?<=\b{t})\." for t in ("Dr", "Mr", "Ms", "Mrs", "Gen", "St", "Sgt", "Gov", "Sen", "Rep", "Lt", "Col", "Maj",
                                "Capt", "Prof", "Supt", "Insp", "Brig", "Adm", "Cmdr", "Jr", "Sr"))
# a source phrase written after a cue: up to punctuation, dots of "U.N." allowed
_TAIL = rf"(?P<src>(?:[^,;:!?\n.\"“”()]|{_ABBR_DOT}|\([^()\n]{{1,60}}\))+)"
_APPOSITIVE = r"(?P<app>,\s+(?:Dr\.\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}(?=\s*[.;]?\s*$))?"

ACCORDING_RE = re.compile(rf"\b(?:according\s+to|citing|cited\s+by|per)\s+{_TAIL}{_APPOSITIVE}", re.IGNORECASE)
BY_RE = re.compile(
    rf"\b(?:announced|reported|confirmed|said|stated|released|published|issued|given|provided|compiled|recorded"
    rf"|claimed|cited|estimated|put\s+forward|shared|passed|leaked|revised|updated|fixed|lowered|raised"
    rf"|tallied|counted|verified|documented|stated)"
    rf"\b(?P<via>[^.;\n]{{0,40}}?)\bby\s+{_TAIL}", re.IGNORECASE)
# "provided to AFP by a source", "leaked to reporters by an official": who handed the
# figure over, not whose figure it is
_CONDUIT_RE = re.compile(r"^\s*(?:to|with)\s+(?![\d,.]+\s)", re.IGNORECASE)
FIGURES_FROM_RE = re.compile(
    rf"\b(?:figures|data|statistics|estimates|numbers|tally|count|report|reports|assessment|analysis|study"
    rf"|information|information\s+from|records)\s+"
    rf"(?:released\s+|published\s+|issued\s+|compiled\s+)?(?:from|by|of)\s+{_TAIL}", re.IGNORECASE)
POSSESSIVE_RE = re.compile(
    r"(?P<src>(?:the\s+)?(?:[A-Z][\w.&-]*\s+){0,5}[A-Z][\w.&-]*)['’]s?\s+(?:latest\s+|new\s+|own\s+|official\s+|daily\s+)?"
    r"(?:figures|data|tally|count|statistics|report|estimate|toll|update|numbers)\b")
# "an Associated Press tally", "the United Nations estimate": a document named after its author
ADJUNCT_DOC_RE = re.compile(r"(?P<src>(?:[A-Z][\w.&-]*\s+){0,4}[A-Z][\w.&-]*)\s+(?:tally|estimate|count)\b")
# auxiliaries and adverbs between subject and verb: "UNRWA has sadly confirmed"
_AUX_WORDS = ("has have had also further later then sadly officially previously initially separately recently "
              "earlier now again publicly formally just").split()
# the words as prefix trees: a word start tries a few first letters, not eighty words (same matches)
SAY_RE = re.compile(rf"\b(?:(?:{trie(_AUX_WORDS)})\s+)*(?:{trie(SAY_VERBS.split('|'))})\b")
_SAY_WORD_RE = re.compile(rf"\b(?:{trie(SAY_VERBS.split('|'))})\s+(?:a|an|the|its|his|her|their|that|on|to)\b")
SAID_X_RE = re.compile(
    r"(?:[,”\"’]\s*|^)(?:said|says|added|told|reported|wrote)\s+(?P<src>(?:the\s+)?[A-Za-z][^,.;:!?\n\"“”]{1,80})")
HEADLINE_RE = re.compile(r"(?::|\s[-–—|])\s*(?P<a>[A-Z][\w .’'&()-]{1,50}?)\s*$")
# "..., UN says", "144 dead, 730 injured, confirms military government; 8 killed in ..."
TRAILING_SAYS_RE = re.compile(
    r"(?:,\s*(?P<b>[A-Z][\w .’'&()-]{1,50}?)\s+(?:says?|reports?|confirms?)\.?\s*(?:[;|]|$))"
    r"|(?:,\s*(?:says?|reports?|confirms?|according\s+to)\s+(?P<c>[A-Za-z][\w .’'&()-]{1,50}?)\.?\s*(?:[;|]|$))")
_DIGIT_RE = re.compile(r"\d")
_NOT_SAID_X_RE = re.compile(r"(?:on|in|at|that|this|last|it|he|she|they|to|of|as|by|with|from)\b", re.IGNORECASE)
_CLAUSE_CUT_RE = re.compile(r"[,;:“”\"()—–]|\s-\s|\bthat\b|\bwhile\b|\band\s+(?=[a-z]+\s+(?:said|says))|\bbut\b",
                            re.IGNORECASE)
_TRIM_TAIL_RE = re.compile(
    r"\s+(?:on|last|this|early|late|in\s+(?:a|its|his|her|their)|at\s+a|as\s+of|which|(?-i:who)|when|to|after|"
    r"earlier|yesterday|today|tonight|citing|via|through|over|from\s+\w+day)\b.*$", re.IGNORECASE)
_LEAD_TRIM_RE = re.compile(
    r"^\s*(?:(?:in|on)\s+(?:a|its|the)\s+[\w\s]{0,30}?,\s*)?(?:(?:and|but|as|while|also|however|meanwhile|although|"
    r"though|because|since|whereas|if|when|where|which)\s+)+", re.IGNORECASE)
_NOT_SOURCE_RE = re.compile(
    r"\d|\b(?:killed|wounded|injured|died|dead|people|were|was|is|are|been|have|has|had|this|there|which|"
    r"what|when|where|we|i|you|witnesses|residents|survivors|families|one|some|many|others)\b"
    r"|(?-i:\bwho\b)", re.IGNORECASE)  # "WHO" is a source, "who" is not


@dataclass(frozen=True)
class Attribution:
    """A source phrase in the text: ``raw`` as written, ``canonical`` normalised."""

    start: int
    end: int
    raw: str
    canonical: str | None



# Words each pattern cannot match without. Most sentences lack them, and a
# substring test on the lowered sentence is far cheaper than an IGNORECASE
# scan. re.IGNORECASE also lets "İ", "ı" match "i" and "ſ" match "s", which
# str.lower() does not: a sentence holding one of these skips the gates.
_FIGURES_GATE_RE = re.compile(
    r"(?:figures|data|statistics|estimates|numbers|tally|count|report|reports|assessment|analysis|study"
    r"|information|records)\s+(?:(?:released|published|issued|compiled)\s+)?(?:from|by|of)\s")
_ACCORDING_GATE_RE = re.compile(r"accord|cit|per\s")
_BY_GATE_RE = re.compile(r"by\s")
_SAID_X_WORDS = ("said", "says", "added", "told", "reported", "wrote")
_CASE_FOLD_ODD = ("\u0130", "\u0131", "\u017f", "\u212a")


def _gated(sent: str) -> tuple[re.Pattern[str], ...]:
    """The IGNORECASE cue patterns that can match in ``sent``."""
    if not sent.isascii() and any(c in sent for c in _CASE_FOLD_ODD):
        return ACCORDING_RE, FIGURES_FROM_RE, BY_RE
    low = sent.lower()
    out = []
    # a gate pattern is tried only where its words occur (substring tests are cheaper)
    if "accord" in low or "cit" in low or ("per" in low and _ACCORDING_GATE_RE.search(low)):
        out.append(ACCORDING_RE)
    if any(map(low.__contains__, _FIGURES_WORDS)) and _FIGURES_GATE_RE.search(low):
        out.append(FIGURES_FROM_RE)
    if "by" in low and _BY_GATE_RE.search(low):
        out.append(BY_RE)
    return tuple(out)


_FIGURES_WORDS = ("figures", "data", "statistics", "estimates", "numbers", "tally", "count", "report", "assessment",
                  "analysis", "study", "information", "records")




def find_attributions(text: str, start: int, end: int, headline: bool = False,
                      keep: Callable[[str], bool] | None = None) -> list[tuple[int, int, str]]:
    """Source phrases ``(start, end, raw)`` in ``text[start:end]``; only those ``keep``
    accepts (an authority, not a fragment) when given."""
    found: list[tuple[int, int, str]] = []
    sent = text[start:end]
    for rx in _gated(sent):
        for m in rx.finditer(sent):
            raw = _clean_tail(m.group("src"))
            if _DIGIT_RE.search(raw) or not raw:
                continue
            if rx is BY_RE and _CONDUIT_RE.match(m.group("via")):
                continue
            app = m.groupdict().get("app")
            if raw and app and rx is ACCORDING_RE:
                raw = raw + app
            if raw:
                s0 = start + m.start("src")
                found.append((s0, s0 + len(raw), raw))
    low = sent.lower()
    for m in _chain(POSSESSIVE_RE.finditer(sent) if "'" in sent or "’" in sent else (),
                    ADJUNCT_DOC_RE.finditer(sent) if "tally" in low or "estimate" in low or "count" in low else ()):
        raw = m.group("src").strip()
        if raw and not _NOT_SOURCE_RE.search(raw):
            found.append((start + m.start("src"), start + m.start("src") + len(raw), raw))
    for m in SAY_RE.finditer(sent):
        np = _np_before(sent, m.start())
        if np is not None:
            a, raw = np
            found.append((start + a, start + a + len(raw), raw))
    for m in SAID_X_RE.finditer(sent) if any(map(sent.__contains__, _SAID_X_WORDS)) else ():
        raw = _clean_tail(m.group("src"))
        if _NOT_SAID_X_RE.match(raw):
            continue
        if raw and not _NOT_SOURCE_RE.search(raw) and len(raw.split()) <= 12:
            found.append((start + m.start("src"), start + m.start("src") + len(raw), raw))
    m = (HEADLINE_RE.search(sent) if headline else None) or (
        TRAILING_SAYS_RE.search(sent) if "," in sent else None)
    if m:
        g = next(k for k, v in m.groupdict().items() if v)
        raw = m.group(g).strip()
        if raw and not _NOT_SOURCE_RE.search(raw) and len(raw.split()) <= 6:
            found.append((start + m.start(g), start + m.start(g) + len(raw), raw))
    found = [f for f in found if (not _is_generic(f[2]) or is_back_reference(f[2]))
             and (keep is None or keep(f[2]))]
    found.sort()
    # drop phrases nested in a longer one
    out: list[tuple[int, int, str]] = []
    for f in found:
        if out and f[0] < out[-1][1]:
            if f[1] - f[0] > out[-1][1] - out[-1][0]:
                out[-1] = f
            continue
        out.append(f)
    return out


# a source phrase made only of these names no one: "the latest data", "the", "new figures"
_GENERIC_WORDS = frozenset(["the", "a", "an", "its", "their", "his", "her", "our", "this", "that", "these", "those", "latest", "new", "recent", "official", "officially", "preliminary", "updated", "final", "initial", "available", "current", "previous", "first", "last", "data", "figures", "figure", "information", "numbers", "statistics", "estimates", "estimate", "count", "counts", "tally", "tallies", "report", "reports", "records", "toll", "tolls"])


_LOWER_WORD_RE = re.compile(r"[a-z]+")


@functools.lru_cache(maxsize=20_000)
def _is_generic(raw: str) -> bool:
    """Does ``raw`` name no one ("the latest data", "the")? "an official" does."""
    words = _LOWER_WORD_RE.findall(raw.lower())
    return all(w in _GENERIC_WORDS for w in words) and (not words or words[-1] != "official")



def _clean_tail(raw: str) -> str:
    raw = _TRIM_TAIL_RE.sub("", raw.strip())
    raw = _DAY_TAIL_RE.sub("", raw)
    return raw.strip(" '\"‘’“”")


# "Gov. Cooper's updated numbers Tuesday."
_DAY_TAIL_RE = re.compile(r"\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\W*$", re.IGNORECASE)


_ACRONYM_RE = re.compile(r"\([A-Z]{2,}\)")
_ACRONYM_OPEN_RE = re.compile(r"\([A-Z]{2,}$")
# the last clause break of a span in one anchored match: the greedy ".*" backs off
# from the end, so no match object is made for the breaks before it
_LAST_CUT_RE = re.compile(r"(?s:.*)(?P<c>" + _CLAUSE_CUT_RE.pattern + ")", re.IGNORECASE)


def _last_cut(seg: str, lo: int, hi: int) -> int:
    """End of the last clause break in ``seg[lo:hi]``; "(WHO)", "(ACLED)" do not break."""
    while True:
        m = _LAST_CUT_RE.match(seg, lo, hi)
        if m is None:
            return 0
        c, at = m.group("c"), m.start("c")
        if (c == "(" and _ACRONYM_RE.match(seg, at, at + 12)) or (c == ")" and _ACRONYM_OPEN_RE.search(seg, 0, at)):
            hi = at  # an acronym's bracket: the break before it
            continue
        return m.end()


_NAME_START_RE = re.compile(r"\s*(?:Dr\.?\s+)?[A-Z]")
_ROLE_START_RE = re.compile(r"\s*(?:the|a|an)\s", re.IGNORECASE)
_DIGIT_TOKEN_RE = re.compile(r"\S*\d\S*\s*")
_WHEN_TAIL_RE = re.compile(
    r"\s+(?:on|last|this|early|late|earlier|also)(?:\s+(?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|week|month|night|morning|evening|today|yesterday))?\s*$"
    r"|\s+(?:over|during)\s+the\s+(?:weekend|week|night|past\s+\w+|last\s+\w+)\s*$", re.IGNORECASE)
_CAPITAL_RE = re.compile(r"\b[A-Z]")
# "authorities on Wednesday significantly lowered": the adverb before the verb
_ADVERB_TAIL_RE = re.compile(r"(?:\s+(?:has|have|had|also|(?!family\b|only\b|early\b|daily\b|weekly\b|assembly\b)"
                             r"[a-z]{2,}ly))+\s*$")


_ROLE_APPOSITIVE_RE = re.compile(rf"\s*(?:(?:the|a|an|its|their)\s+)?(?:[\w’'-]+\s+){{0,3}}{ROLE}\b", re.IGNORECASE)
_WHO_RE = re.compile(r"\s*who\s+(?:\w+\s+)?$")
_TIME_APPOSITIVE_RE = re.compile(
    r"\s*(?:on|late|early|last|this|in\s+a\s+(?:statement|post|briefing|press\s+conference))(?:\s+[\w.]+){0,3}\s*",
    re.IGNORECASE)
_KNOWN_AS_RE = re.compile(r"\s*(?:also\s+)?(?:known|referred\s+to)\s+as\s+(?P<n>(?:the\s+)?[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,4})\s*$")


def _np_before(sent: str, verb_at: int) -> tuple[int, str] | None:
    """The noun phrase just before a say-verb, within its clause."""
    window_start = max(0, verb_at - 160)
    seg = sent[window_start:verb_at]
    cut = _last_cut(seg, 0, len(seg))
    raw = seg[cut:]
    if cut > 0 and _WHO_RE.match(raw):
        # "county officials, who previously reported 72 deaths, ...": the relative clause's antecedent
        return _np_before(sent, window_start + cut - 1)
    if not raw.strip() and cut > 0:
        # "X, the WHO representative, Dr. Nima, said": step back over the appositive
        prev_cut = _last_cut(seg, 0, max(0, cut - 1))
        name = seg[prev_cut:cut].rstrip(", ")
        if prev_cut > 0 and _TIME_APPOSITIVE_RE.fullmatch(name):
            # "Sindh's minister, on Thursday, said": the speaker is before the time
            return _np_before(sent, window_start + prev_cut - 1)
        known = _KNOWN_AS_RE.match(name)
        if known:
            # "the classification, known as the IPC, forecast": the short name speaks
            cut = prev_cut + known.start("n")
            raw = known.group("n")
        elif name.strip() and _ROLE_APPOSITIVE_RE.match(name) and _NAME_START_RE.match(
                seg, _last_cut(seg, 0, max(0, prev_cut - 1))):
            # "Janan Saiq, a spokesman for the disaster ministry, said": the name and its role
            cut = _last_cut(seg, 0, max(0, prev_cut - 1))
            raw = seg[cut:].rstrip().rstrip(",")
        elif name.strip() and _NAME_START_RE.match(name):
            before = seg[:prev_cut].rstrip()
            # include the role phrase in front of the name when there is one
            role_cut = _last_cut(seg, 0, max(0, prev_cut - 1))
            role = seg[role_cut:prev_cut]
            if before.endswith(",") and _ROLE_START_RE.match(role) and not _DIGIT_RE.search(role):
                cut = role_cut
            else:
                cut = prev_cut
            raw = seg[cut:]
            raw = raw.rstrip().rstrip(",")
    named = _phrase_before(raw)
    return None if named is None else (window_start + cut + named[0], named[1])


@functools.lru_cache(maxsize=20_000)
def _phrase_before(raw: str) -> tuple[int, str] | None:
    """The speaker in ``raw``, the clause just before a say-verb, as ``(offset in raw,
    phrase)``; None when it names no one. Pure, and news repeats its clauses ("the
    ministry", "Li Wen"): cached."""
    cut = 0
    if _DIGIT_RE.search(raw):
        digit = None
        for digit in _DIGIT_TOKEN_RE.finditer(raw):
            pass
        if digit is not None:
            # page debris before the name: "date 2023-10-22 UNRWA confirms"
            cut += digit.end()
            raw = raw[digit.end():]
    raw = _WHEN_TAIL_RE.sub("", _ADVERB_TAIL_RE.sub("", raw))
    lead = _LEAD_TRIM_RE.match(raw)
    if lead:
        cut += lead.end()
        raw = raw[lead.end():]
    raw_stripped = raw.strip()
    if not raw_stripped:
        return None
    offset = cut + (len(raw) - len(raw.lstrip()))
    if len(raw_stripped.split()) > 14 or _NOT_SOURCE_RE.search(raw_stripped) or _SAY_WORD_RE.search(raw_stripped):
        return None
    low = raw_stripped.lower()
    if low in _PRONOUNS or raw_stripped[0].isupper() or low.startswith(("the ", "a ", "an ", "its ", "his ", "her ")):
        return offset, raw_stripped
    # "ministry spokesman Ashraf al-Qudra", "health officials"
    if AUTHORITY_NOUN_RE.search(low) or _CAPITAL_RE.search(raw_stripped):
        return offset, raw_stripped
    return None
