"""Case-blind patterns without re.IGNORECASE: the same matches, several times cheaper.

re.IGNORECASE lower-cases every character it compares. A pattern whose letters are all
lower-case ASCII matches ``text`` case-blind exactly where the same pattern, case-sensitive,
matches ``case_folded(ascii_lower(text))`` (same offsets): lower-casing keeps every
character's class (word, space, digit), and the only characters IGNORECASE takes for an
ASCII letter that lower-casing leaves alone ("ı", "ſ", the Kelvin sign; "İ" when
``ascii_lower`` keeps it) are written as that letter. A match read from the folded text
gives offsets; its words are read back from ``text``.

Every word a pattern cannot match without is then also in the folded text wherever the
pattern matches: a substring test on it tells where a pattern need not be tried.
"""
from __future__ import annotations

import re
from re import _constants as _sre
from re import _parser

from worker.core.numbers import ascii_lower

# the characters re.IGNORECASE takes for an ASCII letter that ascii_lower leaves as they are
_FOLD_ODD = {0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}


def _has_odd(s: str) -> bool:
    # four substring searches: far cheaper than a translate of the whole text
    return "\u0131" in s or "\u0130" in s or "\u017f" in s or "\u212a" in s


def case_folded(lowered: str) -> str:
    """``lowered`` (``numbers.ascii_lower(text)``) with "İ", "ı", "ſ" and the Kelvin sign
    written as the ASCII letters re.IGNORECASE matches them with (same offsets).

    >>> case_folded("dıed")
    'died'
    """
    return lowered if lowered.isascii() or not _has_odd(lowered) else lowered.translate(_FOLD_ODD)


# the patterns made by folded_re: tests check each with check_foldable
FOLDED_PATTERNS: list[str] = []


def folded_re(pattern: str) -> re.Pattern[str]:
    """A case-blind pattern compiled to run case-sensitive on folded text (see above):
    its letters are lower-case ASCII (:func:`check_foldable`, asserted by the tests).

    >>> folded_re(r"killed").search(fold("were KıLLED"))
    <re.Match object; span=(5, 11), match='killed'>
    """
    FOLDED_PATTERNS.append(pattern)
    return re.compile(pattern)


def check_foldable(pattern: str) -> None:
    """Raise ValueError unless ``pattern``, case-blind on a text, matches as it does
    case-sensitive on the folded text: no upper-case letter (a class holds the lower case
    of each letter it holds), no case-blindness switched inside, no back-reference."""
    _check(_parser.parse(pattern, re.IGNORECASE), pattern)


def _check(sub: _parser.SubPattern | list, pattern: str) -> None:
    for op, av in sub:
        if op is _sre.LITERAL or op is _sre.NOT_LITERAL:
            _lower(av, pattern)
        elif op is _sre.IN:
            _check_class(av, pattern)
        elif op is _sre.SUBPATTERN:
            if (av[1] | av[2]) & re.IGNORECASE:
                raise ValueError(f"case-blindness switched inside {pattern!r}")
            _check(av[3], pattern)
        elif op is _sre.BRANCH:
            for alt in av[1]:
                _check(alt, pattern)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            _check(av[2], pattern)
        elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
            _check(av[1], pattern)
        elif op is _sre.ATOMIC_GROUP:
            _check(av, pattern)
        elif op is _sre.GROUPREF:
            raise ValueError(f"a back-reference in {pattern!r}")
        elif op is _sre.GROUPREF_EXISTS:
            _check(av[1], pattern)
            if av[2] is not None:
                _check(av[2], pattern)


def _check_class(items: list, pattern: str) -> None:
    """A class is matched alike when it holds the lower case of every letter it holds
    ("[A-Za-z]", not "[A-Z]"): case-blind, its letters match in either case."""
    codes: set[int] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            codes.add(av)
        elif op is _sre.RANGE:
            if av[1] - av[0] > 0x3000:
                raise ValueError(f"a range too wide to check in {pattern!r}")
            codes.update(range(av[0], av[1] + 1))
    for c in codes:
        low = chr(c).lower()
        if low != chr(c) and (len(low) != 1 or ord(low) not in codes):
            raise ValueError(f"a class with {chr(c)!r} but not its lower case in {pattern!r}")


def _upper(code: int) -> bool:
    c = chr(code)
    return c != c.lower()


def _lower(code: int, pattern: str) -> None:
    if _upper(code) or (code > 127 and chr(code).upper() != chr(code)):
        raise ValueError(f"a cased letter {chr(code)!r} beyond ASCII lower case in {pattern!r}")


def fold(s: str) -> str:
    """``case_folded(ascii_lower(s))``: a piece of text for a :func:`folded_re` pattern."""
    low = s.lower()
    if len(low) != len(s):
        low = ascii_lower(s)
    return low if low.isascii() or not _has_odd(low) else low.translate(_FOLD_ODD)


# the text folded last, with its folding: an article's passes ask for it many times
_LAST: tuple[str | None, str] = (None, "")


def folded_text(text: str) -> str:
    """``fold(text)``, remembered for the text asked last (by identity)."""
    global _LAST
    last = _LAST
    if last[0] is text:
        return last[1]
    out = fold(text)
    _LAST = (text, out)
    return out
