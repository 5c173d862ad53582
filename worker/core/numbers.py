"""Find and parse the numbers news uses for head counts.

One compiled regex scans the whole text once; each match is turned into a
:class:`Number` by a small parser. Ranges ("20 to 30", "between 20 and 30")
and vague quantities ("dozens", "tens of thousands") are recognised here so
that the extractor only has to decide *what* a number counts.

Pure: no I/O, no state between calls.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

def top_alternatives(pattern: str) -> list[str]:
    """The alternatives of ``pattern`` at its top level (not inside brackets)."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    return out + [pattern[start:]]


def trie(words: list[str]) -> str:
    """An alternation matching exactly ``words``, factored by common prefixes (a chain of
    single letters is written out, not nested).

    >>> trie(["ten", "tens", "two"])
    't(?:en(?:s)?|wo)'
    """
    return "|".join(_trie_alternatives(words))


def _trie_alternatives(words: list[str]) -> list[str]:
    by_first: dict[str, list[str]] = {}
    for w in sorted(set(words)):
        by_first.setdefault(w[:1], []).append(w[1:])
    alts = []
    for first, rests in by_first.items():
        if not first:
            continue
        tails = [r for r in rests if r]
        if not tails:
            alts.append(re.escape(first))
            continue
        sub = _trie_alternatives(tails)
        body = sub[0] if len(sub) == 1 else "(?:" + "|".join(sub) + ")"
        if "" in rests:
            body = (f"(?:{body})" if len(sub) == 1 else body) + "?"
        alts.append(re.escape(first) + body)
    return alts


UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1_000, "lakh": 100_000, "lakhs": 100_000,
          "million": 1_000_000, "crore": 10_000_000, "crores": 10_000_000,
          "billion": 1_000_000_000, "trillion": 1_000_000_000_000}
# short scale suffixes glued to digits or following them: "1.7m", "2.5 mn", "30k"
SHORT_SCALES = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "mln": 1_000_000,
                "bn": 1_000_000_000, "b": 1_000_000_000}

# vague plurals: value is the smallest count the phrase can mean (SPEC §2:
# "dozens" -> 24); they are open lower bounds
VAGUE = {
    "dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2_000,
    "tens of thousands": 20_000, "hundreds of thousands": 200_000,
    "millions": 2_000_000, "tens of millions": 20_000_000,
}

_WORD = "|".join(sorted(list(UNITS) + list(TENS) + list(SCALES), key=len, reverse=True))
# the same words as a prefix tree: every use is followed by \b, and of two words that match at
# one place one is a prefix of the other, which the tree tries longest first as the
# alternation does (the same matches; the pattern compiles and runs faster)
_WORD_TREE = trie(_WORD.split("|"))
_DIGITS = (
    r"\d{1,3}(?:,\d{3})+(?!,?\d)"            # 31,800  1,200,000
    r"|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d|[,.]\d)"  # 31 800 (thin/nb space too)
    r"|\d+,\d{1,2}(?=\s*(?:million|billion|thousand)\b)"  # 1,4 million (decimal comma)
    r"|\d+(?:\.\d+)?"
)
_SCALE_WORD = r"(?:hundred|thousand|lakhs?|million|crores?|billion|trillion)"
_NUMERAL = (
    rf"(?:(?:{_DIGITS})(?:[ \u00a0]?(?:{_SCALE_WORD})\b|(?:mn|mln|bn|m|k|b)\b(?![.’']\w))?"
    rf"|(?:\b(?:{_WORD_TREE})\b(?:[ \u00a0-]+(?:{_WORD_TREE})\b"
    rf"|(?<=hundred)\s+and\s+(?:{_WORD_TREE})\b|(?<=thousand)\s+and\s+(?:{_WORD_TREE})\b"
    rf"|(?<=million)\s+and\s+(?:{_WORD_TREE})\b)*)"
    rf"|(?:(?:half\s+an?|an?)\s+(?:{_SCALE_WORD}|dozen)\b)"
    rf"|(?:half\s+an?\s+(?:{_SCALE_WORD}|dozen)\b)|(?:half\s+{_SCALE_WORD}\b)"
    rf"|(?:\bdozen\b)"
    r")"
)
_VAGUE = r"(?:tens\s+of\s+millions|tens\s+of\s+thousands|hundreds\s+of\s+thousands|dozens|scores|hundreds|thousands|millions)(?=\s+of\b)"
_RANGE_SEP = r"(?:\s*[-–—~]\s*|\s+to\s+|\s+through\s+|\s+and\s+)"

# one pass over the text: ranges first (longest), then single numerals
# "between"/"from" before a range is checked by a look back from the match
# (_BETWEEN_RE), not matched here: an optional leading group would be tried
# at every position of the text and halve the scan speed
NUMBER_RE = re.compile(
    rf"(?P<a>{_NUMERAL})"
    rf"(?:(?P<sep>{_RANGE_SEP})(?P<b>{_NUMERAL}))?"
    rf"|(?P<vague>\b{_VAGUE})",
)
# NUMBER_RE is case-sensitive on purpose: it runs on ascii_lower(text), which
# is several times faster than re.IGNORECASE on the original text
_ASCII_LOWER = {c: c + 32 for c in range(65, 91)}


def ascii_lower(text: str) -> str:
    """``text`` with A-Z lowered and every other character (and offset) kept.

    ``str.lower`` is used when it keeps the length (the common case, fast);
    "İ" lowers to two characters, so then only ASCII is translated.
    """
    low = text.lower()
    return low if len(low) == len(text) else text.translate(_ASCII_LOWER)



# every position where a NUMBER_RE match can begin (a superset): a digit, a
# number word, "half", "a/an <scale>". Searching these and trying NUMBER_RE
# only there yields exactly the matches of NUMBER_RE.finditer, about three
# times faster: the big alternation is no longer tried at every character.
# The words are a prefix tree: a word boundary tries a dozen first letters,
# not fifty words.
_START_RE = re.compile(
    r"\d|\b(?:" + trie(_WORD.split("|") + ["dozen", "dozens", "tens", "hundreds", "thousands", "millions", "scores"])
    + rf")|half|an?\s+(?:{_SCALE_WORD}|dozen)")
_BETWEEN_RE = re.compile(r"\b(between|from)\s+$")
_TOKEN_RE = re.compile(r"[a-z]+|\d+(?:[.,]\d+)?", re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    """A number found in text: ``text[start:end]`` is its surface.

    ``high`` is set for ranges ("20 to 30" -> value 20, high 30); ``vague``
    marks plurals like "dozens" whose value is only a lower bound.
    """

    start: int
    end: int
    value: int
    high: int | None = None
    vague: bool = False
    is_word: bool = False
    decimal: bool = False


_DIGITS_SCALE_RE = re.compile(
    r"(\d[\d, .]*?)\s*(hundred|thousand|lakhs?|million|crores?|billion|trillion|mn|mln|bn|m|k|b)?")
_DECIMAL_COMMA_RE = re.compile(r"\d+,\d{1,2}")
_WORD_SPLIT_RE = re.compile(r"[\s-]+")


# pure, and news repeats its numerals ("12", "2024", "two"): cached
@functools.lru_cache(maxsize=8192)
def parse_number(surface: str) -> int | None:
    """Parse one numeral to an integer head count, or None if it is not one.

    >>> parse_number("31,800"), parse_number("2.2 million"), parse_number("twenty-one")
    (31800, 2200000, 21)
    """
    s = surface.strip().lower().replace("\u00a0", " ").replace("\u202f", " ")
    if not s:
        return None
    if s in VAGUE:
        return VAGUE[s]
    m = _DIGITS_SCALE_RE.fullmatch(s)
    if m:
        digits, scale = m.group(1), m.group(2)
        mult = SCALES.get(scale or "", SHORT_SCALES.get(scale or "", 1))
        if _DECIMAL_COMMA_RE.fullmatch(digits) and mult > 1:
            digits = digits.replace(",", ".")  # "1,4 million": decimal comma
        else:
            digits = digits.replace(",", "").replace(" ", "")
        try:
            value = float(digits) if "." in digits else int(digits)
        except ValueError:
            return None
        return int(round(value * mult))
    return _parse_words(s)


def _parse_words(s: str) -> int | None:
    """Parse "three hundred and twenty", "half a million", "a dozen"."""
    words = [w for w in _WORD_SPLIT_RE.split(s) if w and w != "and"]
    if not words:
        return None
    if words[0] == "half":
        rest = [w for w in words[1:] if w not in ("a", "an")]
        if len(rest) == 1 and rest[0] in SCALES:
            return SCALES[rest[0]] // 2
        if rest == ["dozen"]:
            return 6
        return None
    if words in (["dozen"], ["a", "dozen"], ["one", "dozen"], ["an", "dozen"]):
        return 12
    total = current = 0
    seen = False
    for w in words:
        if w in ("a", "an"):
            current = max(current, 1)
            seen = True
        elif w in UNITS:
            current += UNITS[w]
            seen = True
        elif w in TENS:
            current += TENS[w]
            seen = True
        elif w == "hundred":
            current = max(current, 1) * 100
            seen = True
        elif w in SCALES:
            total += max(current, 1) * SCALES[w]
            current = 0
            seen = True
        elif w == "dozen":
            current = max(current, 1) * 12
            seen = True
        else:
            return None
    return total + current if seen else None


_SCALE_AT_END = re.compile(r"(hundred|thousand|lakhs?|million|crores?|billion|trillion|mn|mln|bn|m|k|b)\s*$", re.I)
_DECIMAL = re.compile(r"\d+(?:\.\d|,\d{1,2}(?!\d))")


def _scale_of(surface: str) -> int:
    """The multiplier a numeral's trailing scale word applies (1 if none)."""
    if not surface[:1].isdigit():
        return 1
    m = _SCALE_AT_END.search(surface)
    if not m:
        return 1
    w = m.group(1).lower()
    return SCALES.get(w) or SHORT_SCALES.get(w, 1)


def _is_decimal(surface: str) -> bool:
    return bool(_DECIMAL.match(surface))


def _scan(low: str):
    """The matches of ``NUMBER_RE.finditer(low)``, tried only where one can start."""
    pos = 0
    search, match = _START_RE.search, NUMBER_RE.match
    while True:
        c = search(low, pos)
        if c is None:
            return
        m = match(low, c.start())
        if m is None:
            pos = c.start() + 1
            continue
        yield m
        pos = m.end()


def find_numbers(text: str, lowered: str | None = None) -> list[Number]:
    """All numbers and number ranges in ``text``, in order.

    A range yields one :class:`Number` with ``high`` set. Parts that do not
    parse (e.g. a stray "and") are dropped, never raised. ``lowered`` is
    ``ascii_lower(text)`` when the caller already has it.
    """
    out: list[Number] = []
    low = lowered if lowered is not None else ascii_lower(text)
    for m in _scan(low):
        if m.group("vague"):
            phrase = " ".join(m.group("vague").lower().split())
            out.append(Number(m.start(), m.end(), VAGUE[phrase], vague=True, is_word=True))
            continue
        a_s, b_s = m.group("a"), m.group("b")
        a = parse_number(a_s)
        if a is None:
            continue
        a_word = not a_s[0].isdigit()
        a_dec = _is_decimal(a_s)
        sep = (m.group("sep") or "").strip().lower()
        bm = _BETWEEN_RE.search(low, max(0, m.start() - 9), m.start()) if m.group("b") is not None else None
        between = bm.group(1) if bm else None
        if b_s is not None:
            b = parse_number(b_s)
            b_word = not b_s[0].isdigit()
            # "and" only makes a range after "between"; "-" between digits only
            ok = b is not None and b > a and (
                (sep == "and" and between and between.strip().lower() == "between")
                or (sep in ("to", "through"))
                or (sep in "-–—~" and not a_word and not b_word)
            )
            if ok:
                # "1 to 1.5 million": the scale of the upper end applies to both
                mult = _scale_of(b_s)
                if not a_word and mult > 1 and _scale_of(a_s) == 1 and a * mult <= b:
                    a = a * mult
                start = bm.start(1) if bm else m.start("a")
                out.append(Number(start, m.end(), a, high=b, is_word=a_word))
                continue
            # not a range: keep a, and re-scan b as its own number
            out.append(Number(m.start("a"), m.end("a"), a, is_word=a_word, decimal=a_dec))
            bn = parse_number(b_s)
            if bn is not None:
                out.append(Number(m.start("b"), m.end("b"), bn, is_word=b_word,
                                  decimal=_is_decimal(b_s)))
            continue
        out.append(Number(m.start("a"), m.end("a"), a, is_word=a_word, decimal=a_dec))
    return out
