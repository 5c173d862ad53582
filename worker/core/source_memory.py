"""What an article named so far: the memory that resolves "the ministry said", "it added".

Read "as of" a text offset, so the order in which sentences are attributed does
not matter; updated in O(1) per source, so attribution stays linear.
"""
from __future__ import annotations

import functools
import re
import sys
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field

from worker.core.casefold import folded_text
from worker.core.speakers import ROLE_RE, person_reference

_HEAD_WORD_RE = re.compile(r"[a-z]{3,}")
_NAME_RE = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b|\bal-[A-Z][a-z]+\b")


@functools.lru_cache(maxsize=20_000)
def _keys(raw: str, canonical: str) -> tuple[str, ...]:
    """What a source phrase is remembered by: "the source named last", the words of its
    name (``h:``) and the persons' names in it (``n:``). Pure; sources recur: cached."""
    keys = [_LAST] + ["h:" + w for w in _HEAD_WORD_RE.findall(canonical.lower() + " " + raw.lower())]
    keys += ["n:" + name.lower() for name in _NAME_RE.findall(raw) if len(name) > 3]
    if ROLE_RE.search(raw) or person_reference(raw):
        keys.append(_PERSON)
    return tuple(dict.fromkeys(keys))


# "as of the end of the article"
END = sys.maxsize
_LAST = ""  # the key of "the source named last"
_PERSON = "p"  # the key of "the person named last" (a name or a role: "he", "she")


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
    # the article's text, as the source pass last saw it
    text: str = ""
    # the story's country and province (placing.story_home): whose "the government", "the
    # country's ministry" and "the governor" the article means
    country: str | None = None
    province: str | None = None
    # person name -> where the article introduced them (speakers.introduction's memo)
    people: dict = field(default_factory=dict)
    attribute_pending: Callable[[list[tuple[int, int, bool, bool]]], None] | None = None
    # eager writes, writes while attributing the whole queue, writes while attributing the
    # few queued sentences that may frame a report (see settle): each in text order
    _streams: tuple[dict[str, tuple[list[int], list[str]]], ...] = field(default_factory=lambda: ({}, {}, {}))
    _late: int = 0
    _settled: bool = False
    # the first queued sentences a read skipped attributing (see name): attributed first
    # by the next read that needs the whole queue
    _owed: int = 0
    # offset of a source phrase -> the phrase as written
    _raws: dict[int, str] = field(default_factory=dict)
    # canonical -> offset where it framed a report ("X presented a report", "as per X's report")
    _framed: dict[str, int] = field(default_factory=dict)
    # (sentence start, offset, raw, canonical) of sources named in a sentence that opens by
    # pointing back at the figures before it ("The figures were released by X")
    _back: list[tuple[int, int, str, str]] = field(default_factory=list)

    def remember(self, raw: str, canonical: str, at: int, framing: bool = False,
                 back_to: int | None = None) -> None:
        """Record that the phrase ``raw`` at offset ``at`` names ``canonical``; ``framing``
        when it introduces a report whose figures follow, ``back_to`` (its sentence start)
        when its sentence points back at the figures before it."""
        stream = self._streams[self._late]
        self._raws[at] = raw
        if framing and at < self._framed.get(canonical, END):
            self._framed[canonical] = at
        if back_to is not None:
            self._back.append((back_to, at, raw, canonical))
        for key in _keys(raw, canonical):
            offsets, values = stream.setdefault(key, ([], []))
            offsets.append(at)
            values.append(canonical)

    def last(self, before: int = END) -> str | None:
        """The source named last before offset ``before``."""
        return self._get(_LAST, before)

    def last_person(self, before: int = END) -> str | None:
        """The person (a name, a role) named last before ``before``, else the source
        named last: what "he said" points back at."""
        return self._get(_PERSON, before) or self._get(_LAST, before)

    def last_named(self, before: int = END) -> tuple[int, str, str] | None:
        """``(offset, raw, canonical)`` of the source named last before ``before``."""
        at, canonical = self._find(_LAST, before)
        return None if canonical is None else (at, self._raws.get(at, canonical), canonical)

    def framing(self, before: int = END) -> tuple[int, str, str] | None:
        """The source named last before ``before`` (among sentences attributed so far)
        when it framed a report before that: the figures that follow with no attribution
        of their own are its."""
        named = self.last_settled(before)
        if named is not None and self._framed.get(named[2], END) < before:
            return named
        return None

    def pointed_back(self, after: int, within: int) -> tuple[int, str, str] | None:
        """A source whose sentence, starting within ``within`` characters after ``after``,
        points back at the figures before it (among sentences attributed so far)."""
        self._pay()
        hits = [b for b in self._back if after <= b[0] <= after + within]
        if not hits:
            return None
        _, at, raw, canonical = min(hits)
        return at, raw, canonical

    def head(self, word: str, before: int = END) -> str | None:
        """The source last named with ``word`` in it ("ministry") before ``before``."""
        return self._get("h:" + word, before)

    def name(self, word: str, before: int = END) -> str | None:
        """The source a person's name (lower-cased) last spoke for before ``before``.

        A queued sentence can only remember a name it holds: when none holds ``word``, the
        queue is left as it is (attributing it would change no answer to this read) and
        owed to the next read that needs it, which attributes it as this one would have."""
        if self.pending and self.attribute_pending is not None:
            folded = folded_text(self.text)
            if not any(folded.find(word, s, e) >= 0 for s, e, _, _ in self.pending):
                self._owed = len(self.pending)
                return self._find("n:" + word, before, settle=False)[1]
        return self._get("n:" + word, before)

    def _get(self, key: str, before: int) -> str | None:
        return self._find(key, before)[1]

    def settle(self, wanted: Callable[[int, int], bool]) -> None:
        """Attribute, once, the queued sentences ``wanted(start, end)`` picks, and no others."""
        self._pay()
        if self._settled or not self.pending or self.attribute_pending is None:
            return
        self._settled = True
        todo = [p for p in self.pending if wanted(p[0], p[1])]
        if not todo:
            return
        self.pending = [p for p in self.pending if not wanted(p[0], p[1])]
        self._late = 2
        try:
            self.attribute_pending(todo)
        finally:
            self._late = 0

    def pending_between(self, lo: int, hi: int, wanted: Callable[[int, int], bool]) -> bool:
        """Is a queued sentence between offsets ``lo`` and ``hi`` one ``wanted`` picks?"""
        self._pay()
        return any(lo <= s < hi and wanted(s, e) for s, e, _, _ in self.pending)

    def last_settled(self, before: int = END) -> tuple[int, str, str] | None:
        """Like :meth:`last_named`, among the sentences attributed so far (no queue)."""
        self._pay()
        at, canonical = self._find(_LAST, before, settle=False)
        return None if canonical is None else (at, self._raws.get(at, canonical), canonical)

    def _pay(self) -> None:
        """Attribute the queued sentences a skipped read owes (see name), as that read would
        have: the sentences queued after it stay queued."""
        if not self._owed or self.attribute_pending is None:
            return
        todo, rest = self.pending[:self._owed], self.pending[self._owed:]
        self._owed = 0
        self.pending = []
        self._late = 1
        try:
            self.attribute_pending(todo)
        finally:
            self._late = 0
            self.pending = rest + self.pending

    def _find(self, key: str, before: int, settle: bool = True) -> tuple[int, str | None]:
        if settle and self.pending and self.attribute_pending is not None:
            todo, self.pending = self.pending, []
            self._owed = 0
            self._late = 1
            try:
                self.attribute_pending(todo)
            finally:
                self._late = 0
        best_at, best = -1, None
        for stream in self._streams:
            hit = stream.get(key)
            if hit is not None:
                i = bisect_left(hit[0], before)
                if i and hit[0][i - 1] > best_at:
                    best_at, best = hit[0][i - 1], hit[1][i - 1]
        return best_at, best
