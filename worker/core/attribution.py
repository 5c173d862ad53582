"""Who says so: find attributions in a sentence and name the authority.

Patterns news uses: "according to X", "X said", "said X", "X reported",
"citing X", "X said in a statement", "X's latest figures", "figures from X",
headlines ending ": Ministry" or ", UN says", and references back to a
source named earlier ("the ministry said", "it added", "Al-Qudra added").

Names are normalised with the alias table (exact, then contained alias, then
rapidfuzz), generic authorities ("the health ministry") are completed with
the place the article is about. The :class:`SourceMemory` that resolves
back-references is updated in O(1) per source, so attribution stays linear.
"""
from __future__ import annotations

import re
import sys
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils

from worker.core.types import Aliases

SAY_VERBS = (r"said|says|say|told|tells|reported|reports|announced|announces|stated"
             r"|added|adds|confirmed|confirms|estimated|estimates|noted|wrote|writes"
             r"|indicated|indicates|recorded|counted|tallied|put|puts|showed"
             r"|alleged|alleges|revised|revises|forecast|urged|urges|believes|believed|calculated|found"
             r"|warned|warns|revealed|reveals|claimed|claims|declared|updated|published|documented"
             r"|registered|verified|acknowledged|explained|mentioned|highlighted|tweeted|posted")
_ABBR_DOT = r"(?<=[A-Z])\.|(?<=\bDr)\.|(?<=\bMr)\.|(?<=\bMs)\.|(?<=\bGen)\.|(?<=\bSt)\.|(?<=\bSgt)\."
# a source phrase written after a cue: up to punctuation, dots of "U.N." allowed
_TAIL = rf"(?P<src>(?:[^,;:!?\n.\"“”()]|{_ABBR_DOT}|\([^()\n]{{1,60}}\))+)"
_APPOSITIVE = r"(?P<app>,\s+(?:Dr\.\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}(?=\s*[.;]?\s*$))?"

ACCORDING_RE = re.compile(rf"\b(?:according\s+to|citing|cited\s+by|per)\s+{_TAIL}{_APPOSITIVE}", re.IGNORECASE)
BY_RE = re.compile(
    rf"\b(?:announced|reported|confirmed|said|stated|released|published|issued|given|provided|compiled|recorded"
    rf"|claimed|cited|estimated|put\s+forward|shared|passed|leaked)"
    rf"\b(?P<via>[^.;\n]{{0,40}}?)\bby\s+{_TAIL}", re.IGNORECASE)
# "provided to AFP by a source", "leaked to reporters by an official": who handed the
# figure over, not whose figure it is
_CONDUIT_RE = re.compile(r"^\s*(?:to|with)\s", re.IGNORECASE)
FIGURES_FROM_RE = re.compile(
    rf"\b(?:figures|data|statistics|estimates|numbers|tally|count|report|reports|assessment|analysis|study"
    rf"|information|information\s+from|records)\s+"
    rf"(?:released\s+|published\s+|issued\s+|compiled\s+)?(?:from|by|of)\s+{_TAIL}", re.IGNORECASE)
POSSESSIVE_RE = re.compile(
    r"(?P<src>(?:the\s+)?(?:[A-Z][\w.&-]*\s+){0,5}[A-Z][\w.&-]*)['’]s?\s+(?:latest\s+|new\s+|own\s+|official\s+|daily\s+)?"
    r"(?:figures|data|tally|count|statistics|report|estimate|toll|update|numbers)\b")
# auxiliaries and adverbs between subject and verb: "UNRWA has sadly confirmed"
SAY_RE = re.compile(rf"\b(?:(?:has|have|had|also|further|later|then|sadly|officially|previously|initially|"
                    rf"separately|recently|earlier|now|again|publicly|formally|just)\s+)*(?:{SAY_VERBS})\b")
SAID_X_RE = re.compile(
    r"(?:[,”\"’]\s*|^)(?:said|says|added|told|reported|wrote)\s+(?P<src>(?:the\s+)?[A-Za-z][^,.;:!?\n\"“”]{1,80})")
HEADLINE_RE = re.compile(
    r"(?:(?::|\s[-–—|])\s*(?P<a>[A-Z][\w .’'&()-]{1,50}?)\s*$)"
    r"|(?:,\s*(?P<b>[A-Z][\w .’'&()-]{1,50}?)\s+(?:says?|reports?|confirms?)\s*$)")
_DIGIT_RE = re.compile(r"\d")
_NOT_SAID_X_RE = re.compile(r"(?:on|in|at|that|this|last|it|he|she|they|to|of|as|by|with|from)\b", re.IGNORECASE)
_CLAUSE_CUT_RE = re.compile(r"[,;:“”\"()—–]|\s-\s|\bthat\b|\bwhile\b|\band\s+(?=[a-z]+\s+(?:said|says))|\bbut\b",
                            re.IGNORECASE)
_TRIM_TAIL_RE = re.compile(
    r"\s+(?:on|last|this|early|late|in\s+(?:a|its|his|her|their)|at\s+a|as\s+of|which|(?-i:who)|when|to|after|"
    r"earlier|yesterday|today|tonight|citing|via|through|over|from\s+\w+day)\b.*$", re.IGNORECASE)
_LEAD_TRIM_RE = re.compile(
    r"^(?:(?:in|on)\s+(?:a|its|the)\s+[\w\s]{0,30}?,\s*)?(?:(?:and|but|as|while|also|however|meanwhile)\s+)+", re.IGNORECASE)
_PRONOUNS = frozenset({"it", "they", "he", "she", "the ministry", "ministry", "the office", "the agency",
                       "the organisation", "the organization", "the report", "the ngo", "the group",
                       "the statement", "the spokesman", "the spokesperson", "the army", "the military",
                       "the department", "the authority", "the government", "the body", "the monitor",
                       "the observatory", "the un agency", "the agency's"})
_NOT_SOURCE_RE = re.compile(
    r"\d|\b(?:killed|wounded|injured|died|dead|people|were|was|is|are|been|have|has|had|this|there|which|"
    r"what|when|where|we|i|you|witnesses|residents|survivors|families|one|some|many|others)\b"
    r"|(?-i:\bwho\b)", re.IGNORECASE)  # "WHO" is a source, "who" is not
_SOURCE_HEAD_RE = re.compile(
    r"\b(?:ministry|officials?|authorities|spokes(?:man|woman|person)|agency|office|police|army|military|"
    r"government|media|sources|rescuers|medics|doctors|monitors?|observatory|report|agencies|organi[sz]ation)\b",
    re.IGNORECASE)
_GENERIC_HEALTH_RE = re.compile(r"\b(?:health|medical)\s+(?:ministry|authorit|officials|services|department)"
                                r"|\bministry\s+of\s+(?:public\s+)?health\b", re.IGNORECASE)
_DEMONYMS = {
    "palestinian": "Palestinian", "israeli": "Israeli", "israel": "Israeli", "sudanese": "Sudan",
    "sudan": "Sudan", "syrian": "Syrian", "syria": "Syrian", "turkish": "Turkish", "turkey": "Turkish",
    "lebanese": "Lebanese", "lebanon": "Lebanese", "ukrainian": "Ukrainian", "ukraine": "Ukrainian",
    "russian": "Russian", "russia": "Russian", "libyan": "Libyan", "libya": "Libyan",
    "moroccan": "Moroccan", "morocco": "Moroccan", "afghan": "Afghan", "pakistani": "Pakistani",
    "iranian": "Iranian", "iraqi": "Iraqi", "yemeni": "Yemeni", "egyptian": "Egyptian",
    "ethiopian": "Ethiopian", "somali": "Somali", "haitian": "Haitian", "american": "US",
    "u.s.": "US", "us": "US", "british": "British", "chadian": "Chad", "congolese": "Congolese",
}
_GOV_ROLE_RE = re.compile(r"\b(?:president|prime\s+minister|vice\s+president|minister|government|govt|cabinet|"
                          r"foreign\s+ministry|interior\s+ministry|presidency|officials|authorities|state\s+media|"
                          r"state\s+news|spokes(?:man|woman|person)\s+for\s+the\s+government)\b", re.IGNORECASE)
_MILITARY_RE = re.compile(r"\b(?:army|military|armed\s+forces|defen[cs]e\s+forces|defen[cs]e\s+ministry)\b", re.IGNORECASE)
# region -> the prefix news uses for its health ministry
_MINISTRY_PREFIX = {"Gaza Strip": "Gaza", "West Bank": "Palestinian", "Palestinian territories": "Palestinian"}


@dataclass(frozen=True)
class Attribution:
    """A source phrase in the text: ``raw`` as written, ``canonical`` normalised."""

    start: int
    end: int
    raw: str
    canonical: str | None


_HEAD_WORD_RE = re.compile(r"[a-z]{3,}")
_NAME_RE = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b|\bal-[A-Z][a-z]+\b")


# "as of the end of the article"
END = sys.maxsize
_LAST = ""  # the key of "the source named last"


@dataclass
class SourceMemory:
    """What earlier sentences named, to resolve "the ministry said", "it added".

    Mutable on purpose and private to one ``extract`` call: it is the state
    of a left-to-right reading of one article.

    Every entry keeps the text offset of the source phrase that wrote it and
    is read "as of" an offset, so the order in which sentences are attributed
    does not matter. ``extract`` uses that to attribute sentences that hold no
    figure lazily: it queues them in ``pending`` and they are attributed
    (by ``attribute_pending``) only when a read needs what they might have
    named. Most articles never need most of them. Writes made eagerly and
    writes made while attributing the queue go to two separate streams, each
    in text order, so both stay sorted and a read is two bisections.
    """

    pending: list[tuple[int, int, bool, bool]] = field(default_factory=list)
    attribute_pending: Callable[[list[tuple[int, int, bool, bool]]], None] | None = None
    _streams: tuple[dict[str, tuple[list[int], list[str]]], ...] = field(default_factory=lambda: ({}, {}))
    _late: bool = False

    def remember(self, raw: str, canonical: str, at: int) -> None:
        """Record that the phrase ``raw`` at offset ``at`` names ``canonical``."""
        stream = self._streams[self._late]
        keys = [_LAST] + ["h:" + w for w in _HEAD_WORD_RE.findall(canonical.lower() + " " + raw.lower())]
        keys += ["n:" + name.lower() for name in _NAME_RE.findall(raw) if len(name) > 3]
        for key in dict.fromkeys(keys):
            offsets, values = stream.setdefault(key, ([], []))
            offsets.append(at)
            values.append(canonical)

    def last(self, before: int = END) -> str | None:
        """The source named last before offset ``before``."""
        return self._get(_LAST, before)

    def head(self, word: str, before: int = END) -> str | None:
        """The source last named with ``word`` in it ("ministry") before ``before``."""
        return self._get("h:" + word, before)

    def name(self, word: str, before: int = END) -> str | None:
        """The source a person's name (lower-cased) last spoke for before ``before``."""
        return self._get("n:" + word, before)

    def _get(self, key: str, before: int) -> str | None:
        if self.pending and self.attribute_pending is not None:
            todo, self.pending = self.pending, []
            self._late = True
            try:
                self.attribute_pending(todo)
            finally:
                self._late = False
        best_at, best = -1, None
        for stream in self._streams:
            hit = stream.get(key)
            if hit is not None:
                i = bisect_left(hit[0], before)
                if i and hit[0][i - 1] > best_at:
                    best_at, best = hit[0][i - 1], hit[1][i - 1]
        return best


@dataclass(frozen=True)
class SourceIndex:
    """Alias lookups built once per :class:`Aliases` value."""

    exact: dict[str, str]
    contained: re.Pattern[str] | None
    choices: list[str]
    # phrase -> what the alias table makes of it (see _authority): the same
    # source phrases recur in every article, and the contained-alias scan and
    # the fuzzy match cost tens of microseconds each
    memo: dict[tuple[str, str, str | None], str | None] = field(default_factory=dict, compare=False, repr=False)


def build_source_index(aliases: Aliases) -> SourceIndex:
    """Index the source alias table for exact, contained and fuzzy lookup."""
    exact: dict[str, str] = {}
    for canonical, names in aliases.sources.items():
        for n in (canonical, *names):
            exact.setdefault(_norm(n), canonical)
    keys = sorted((k for k in exact if len(k) >= 2), key=len, reverse=True)
    contained = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keys) + r")\b") if keys else None
    return SourceIndex(exact, contained, list(exact))


def _norm(s: str) -> str:
    s = s.lower().replace("’", "'").replace("u.n.", "un").replace("u.s.", "us")
    s = _POSS_S_RE.sub("", s)
    s = _ARTICLE_RE.sub("", s.strip())
    return " ".join(_NON_NAME_RE.sub(" ", s).split())


_POSS_S_RE = re.compile(r"'s\b")
_ARTICLE_RE = re.compile(r"^(?:the|a|an)\s+")
_NON_NAME_RE = re.compile(r"[^\w&'()-]+")


# Words each pattern cannot match without. Most sentences lack them, and a
# substring test on the lowered sentence is far cheaper than an IGNORECASE
# scan. re.IGNORECASE also lets "İ", "ı" match "i" and "ſ" match "s", which
# str.lower() does not: a sentence holding one of these skips the gates.
_FIGURES_GATE_RE = re.compile(
    r"figures|data|statistics|estimates|numbers|tally|count|report|assessment|analysis|study|information|records")
_SAID_X_GATE_RE = re.compile(r"said|says|added|told|reported|wrote")
_CASE_FOLD_ODD = ("\u0130", "\u0131", "\u017f")


def _gated(sent: str) -> tuple[re.Pattern[str], ...]:
    """The IGNORECASE cue patterns that can match in ``sent``."""
    if not sent.isascii() and any(c in sent for c in _CASE_FOLD_ODD):
        return ACCORDING_RE, FIGURES_FROM_RE, BY_RE
    low = sent.lower()
    out = []
    if "accord" in low or "cit" in low or "per" in low:
        out.append(ACCORDING_RE)
    if _FIGURES_GATE_RE.search(low):
        out.append(FIGURES_FROM_RE)
    if "by" in low:
        out.append(BY_RE)
    return tuple(out)


def find_attributions(text: str, start: int, end: int, headline: bool = False) -> list[tuple[int, int, str]]:
    """Source phrases ``(start, end, raw)`` in ``text[start:end]``."""
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
    for m in POSSESSIVE_RE.finditer(sent) if "'" in sent or "’" in sent else ():
        raw = m.group("src").strip()
        if raw and not _NOT_SOURCE_RE.search(raw):
            found.append((start + m.start("src"), start + m.start("src") + len(raw), raw))
    for m in SAY_RE.finditer(sent):
        np = _np_before(sent, m.start())
        if np is not None:
            a, raw = np
            found.append((start + a, start + a + len(raw), raw))
    for m in SAID_X_RE.finditer(sent) if _SAID_X_GATE_RE.search(sent) else ():
        raw = _clean_tail(m.group("src"))
        if _NOT_SAID_X_RE.match(raw):
            continue
        if raw and not _NOT_SOURCE_RE.search(raw) and len(raw.split()) <= 12:
            found.append((start + m.start("src"), start + m.start("src") + len(raw), raw))
    if headline:
        m = HEADLINE_RE.search(sent)
        if m:
            g = "a" if m.group("a") else "b"
            raw = m.group(g).strip()
            if raw and not _NOT_SOURCE_RE.search(raw) and len(raw.split()) <= 6:
                found.append((start + m.start(g), start + m.start(g) + len(raw), raw))
    found = [f for f in found if not _is_generic(f[2])]
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


def _is_generic(raw: str) -> bool:
    """Does ``raw`` name no one ("the latest data", "the")?"""
    words = _LOWER_WORD_RE.findall(raw.lower())
    return all(w in _GENERIC_WORDS for w in words)


def resolve_late(raw: str, memory: SourceMemory) -> str | None:
    """Resolve a back-reference ("the ministry") by a source named later in the article.

    News often writes "the ministry announced ..." before "according to the Health
    Ministry in Gaza"; a reader resolves it from the whole article.
    """
    low = _norm(raw)
    if low in ("it", "they", "he", "she"):
        return None
    words = low.split()
    return memory.head(words[-1]) if words else None


def _clean_tail(raw: str) -> str:
    raw = _TRIM_TAIL_RE.sub("", raw.strip())
    return raw.strip(" '\"‘’“”")


_ACRONYM_RE = re.compile(r"\([A-Z]{2,}\)")
_ACRONYM_OPEN_RE = re.compile(r"\([A-Z]{2,}$")


def _last_cut(seg: str, lo: int, hi: int) -> int:
    """End of the last clause break in ``seg[lo:hi]``; "(WHO)", "(ACLED)" do not break."""
    cut = 0
    for c in _CLAUSE_CUT_RE.finditer(seg, lo, hi):
        if c.group(0) == "(" and _ACRONYM_RE.match(seg, c.start(), c.start() + 12):
            continue
        if c.group(0) == ")" and _ACRONYM_OPEN_RE.search(seg, 0, c.start()):
            continue
        cut = c.end()
    return cut


_NAME_START_RE = re.compile(r"\s*(?:Dr\.?\s+)?[A-Z]")
_ROLE_START_RE = re.compile(r"\s*(?:the|a|an)\s", re.IGNORECASE)
_DIGIT_TOKEN_RE = re.compile(r"\S*\d\S*\s*")
_WHEN_TAIL_RE = re.compile(
    r"\s+(?:on|last|this|early|late|earlier|also)(?:\s+(?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|week|month|night|morning|evening|today|yesterday))?\s*$", re.IGNORECASE)
_CAPITAL_RE = re.compile(r"\b[A-Z]")


_KNOWN_AS_RE = re.compile(r"\s*(?:also\s+)?(?:known|referred\s+to)\s+as\s+(?P<n>(?:the\s+)?[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,4})\s*$")


def _np_before(sent: str, verb_at: int) -> tuple[int, str] | None:
    """The noun phrase just before a say-verb, within its clause."""
    window_start = max(0, verb_at - 160)
    seg = sent[window_start:verb_at]
    cut = _last_cut(seg, 0, len(seg))
    raw = seg[cut:]
    if not raw.strip() and cut > 0:
        # "X, the WHO representative, Dr. Nima, said": step back over the appositive
        prev_cut = _last_cut(seg, 0, max(0, cut - 1))
        name = seg[prev_cut:cut].rstrip(", ")
        known = _KNOWN_AS_RE.match(name)
        if known:
            # "the classification, known as the IPC, forecast": the short name speaks
            cut = prev_cut + known.start("n")
            raw = known.group("n")
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
    digit = None
    for digit in _DIGIT_TOKEN_RE.finditer(raw):
        pass
    if digit is not None:
        # page debris before the name: "date 2023-10-22 UNRWA confirms"
        cut += digit.end()
        raw = raw[digit.end():]
    raw = _WHEN_TAIL_RE.sub("", raw)
    lead = _LEAD_TRIM_RE.match(raw)
    if lead:
        cut += lead.end()
        raw = raw[lead.end():]
    raw_stripped = raw.strip()
    if not raw_stripped:
        return None
    offset = window_start + cut + (len(raw) - len(raw.lstrip()))
    if len(raw_stripped.split()) > 14 or _NOT_SOURCE_RE.search(raw_stripped):
        return None
    low = raw_stripped.lower()
    if low in _PRONOUNS or raw_stripped[0].isupper() or low.startswith(("the ", "a ", "an ", "its ", "his ", "her ")):
        return offset, raw_stripped
    # "ministry spokesman Ashraf al-Qudra", "health officials"
    if _SOURCE_HEAD_RE.search(raw_stripped) or _CAPITAL_RE.search(raw_stripped):
        return offset, raw_stripped
    return None


_GAZA_WORD_RE = re.compile(r"\b(?:gaza|hamas|enclave|strip)\b")
_BACK_REF_RE = re.compile(r"\bthe\s+(ministry|office|agency|organi[sz]ation|group|army|military|government|ngo)\b")


def canonical_source(raw: str, index: SourceIndex, memory: SourceMemory, region: str | None,
                     at: int = END) -> str | None:
    """The normalised authority for ``raw``, or a clean short name.

    Back-references ("the ministry", "it", a surname) resolve through
    ``memory`` as it stood before offset ``at`` (where ``raw`` is written);
    generic health authorities take the article's ``region``.
    """
    low = _norm(raw)
    if "citing " in low:  # "OCHA, citing IOM": the figure originates with IOM
        low = low.split("citing ", 1)[1]
        raw = raw[raw.lower().index("citing ") + 7:]
    if low in ("it", "they", "he", "she") or raw.lower() in _PRONOUNS:
        head = low.split()[-1] if low else ""
        if head in ("it", "they", "he", "she"):
            return memory.last(at)
        return memory.head(head, at) or memory.last(at)
    if low in index.exact:
        return index.exact[low]
    words = low.split()
    if (len(words) <= 3 and raw[:1].isupper() and all(w[:1].isalpha() for w in words)
            and not _GENERIC_HEALTH_RE.search(raw)):
        for w in words:
            hit = memory.name(w, at) or memory.name(w.replace("al-", ""), at)
            if hit:
                return hit
    key = (low, raw, region)
    found = index.memo.get(key, _UNSEEN)  # one lookup: another thread may clear the memo
    if found is _UNSEEN:
        if len(index.memo) >= _MEMO_SIZE:
            index.memo.clear()
        found = index.memo[key] = _authority(raw, low, words, index, region)
    if found:
        return found
    back = _BACK_REF_RE.search(low)
    if back and memory.head(back.group(1), at):
        return memory.head(back.group(1), at)
    if low.split()[0:1] in (["ministry"], ["office"], ["agency"]) and memory.last(at):
        return memory.head(low.split()[0], at) or memory.last(at)
    return _short_name(raw)


_MEMO_SIZE = 50_000
_UNSEEN = object()


def _authority(raw: str, low: str, words: list[str], index: SourceIndex, region: str | None) -> str | None:
    """The authority the alias table, the article's region and the government
    and demonym rules give ``raw``; None when only the memory or a short name can."""
    health = _GENERIC_HEALTH_RE.search(raw)
    if health:
        place = _place_word(low)
        if place in ("Gaza",) or _GAZA_WORD_RE.search(low):
            return _lookup(index, "Gaza Health Ministry") or "Gaza Health Ministry"
        if place:
            name = f"{place} Health Ministry"
            return _lookup(index, name) or _lookup(index, f"{place} government") or name
        if region:
            prefix = _MINISTRY_PREFIX.get(region, region.split("+")[0])
            return _lookup(index, f"{prefix} Health Ministry") or f"{prefix} Health Ministry"
    if index.contained is not None:
        best = None
        for m in index.contained.finditer(low):
            if best is None or len(m.group(0)) > len(best):
                best = m.group(0)
        if best and (len(best) > 3 or best.isalpha()):
            canon = index.exact[best]
            if canon not in ("local officials",) or len(words) <= 3:
                return _refine_government(low, canon, index)
    fuzzy = process.extractOne(low, index.choices, scorer=fuzz.token_sort_ratio,
                               processor=utils.default_process, score_cutoff=88)
    if fuzzy:
        return index.exact[fuzzy[0]]
    gov = _refine_government(low, None, index)
    if gov:
        return gov
    if low in _DEMONYMS and not low.endswith(("ian", "ese", "ish", "i")):
        # "Israel said": the state speaking is its government
        name = f"{_DEMONYMS[low]} government"
        return _lookup(index, name) or name
    return None


def _lookup(index: SourceIndex, name: str) -> str | None:
    return index.exact.get(_norm(name))


_LOWER_DOT_WORD_RE = re.compile(r"[a-z.]+")


def _place_word(low: str) -> str | None:
    for w in _LOWER_DOT_WORD_RE.findall(low):
        if w in _DEMONYMS:
            return _DEMONYMS[w]
    return None


def _refine_government(low: str, canon: str | None, index: SourceIndex) -> str | None:
    """"Turkey's President X" -> "Turkish government" (via the alias table)."""
    if canon not in (None, "local officials"):
        return canon
    place = _place_word(low)
    if place and _MILITARY_RE.search(low):
        name = f"{place} military"
        return _lookup(index, name) or name
    if place and _GOV_ROLE_RE.search(low):
        name = f"{place} government"
        return _lookup(index, name) or name
    return canon


_ARTICLE_I_RE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_FIGURES_OF_RE = re.compile(r"^(?:estimates|figures|data|reports?|statistics)\s+(?:from|by|of)\s+(?:the\s+)?", re.IGNORECASE)


def _short_name(raw: str) -> str:
    """A clean short name for an unknown source: no article, no job title tail."""
    s = _ARTICLE_I_RE.sub("", raw.strip())
    s = _FIGURES_OF_RE.sub("", s)
    return s.strip(" ,.'\"") or raw
