"""Breakdowns found by arithmetic (a pass after the per-sentence passes).

A run of figures of one kind that adds up to a figure stated just before it is that
figure's breakdown, whatever words join them: "In the last 24 hours 119 people died.
One death was reported in the north, four in the west, ... 76 in the south." The items
are counted in the window of their total (its scope and period); those of the total's own
place become its parts, so a split by group never stands in for the total, while a
province's figure stays that province's total.

    >>> from worker.core.types import Claim
    >>> def c(v, start, scope="cumulative", period=None):
    ...     return Claim(kind="killed", value=v, qualifier="exact", low=None, high=None, scope=scope, period=period,
    ...                  quote=str(v), start=start, end=start + len(str(v)))
    >>> out = parts_by_sum([c(12, 0, "period", "24h"), c(7, 20), c(5, 40)], [0])
    >>> [(x.value, x.role, x.scope, x.period) for x in out]
    [(12, 'total', 'period', '24h'), (7, 'part', 'period', '24h'), (5, 'part', 'period', '24h')]
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace

from worker.core.types import Claim

# how many sentences after its total a breakdown may run
REACH = 3
# how many sentences back a figure restated with "the" is looked for
RESTATE_REACH = 4
# items of a breakdown, at most (a longer run is a table, summed by chance)
MAX_ITEMS = 12
_SKIP_ROLES = ("earlier", "other_event")
_DEFINITE_RE = re.compile(r"\b(?:of|among|for)\s+(?:the|these|those)\s+$|^\s*the\s+$|[.,;]\s*the\s+$", re.IGNORECASE)
_DELTA_RE = re.compile(r"\S+\s+(?:more|additional|new|further|fresh)\b", re.IGNORECASE)


def _adds_up(total: Claim, running: int, items: int) -> bool:
    if items < 2:
        return False
    if running == total.value:
        return True
    if total.qualifier != "exact":
        # "close to 119" broken down into 118: within 2 %
        return abs(running - total.value) <= max(1, total.value * 0.02)
    return False


def restated(claims: list[Claim], sentence: list[int], text: str) -> list[Claim]:
    """"Of the 12 dead in Sindh, eight are children": a figure named with "the" that
    repeats a figure of the same kind just before is that figure again, in its window."""
    out = list(claims)
    for j, c in enumerate(out):
        if not _DEFINITE_RE.search(text, max(0, c.start - 14), c.start):
            continue
        for i in range(j - 1, -1, -1):
            b = out[i]
            if sentence[j] - sentence[i] > RESTATE_REACH:
                break
            if b.kind == c.kind and b.value == c.value and b.role not in _SKIP_ROLES:
                out[j] = replace(c, scope=b.scope, period=b.period)
                break
    return out


def parts_by_sum(claims: list[Claim], sentence_starts: list[int], text: str = "") -> list[Claim]:
    """``claims`` (in text order) with the items of every breakdown marked as parts of their total.

    ``sentence_starts`` are the start offsets of the article's sentences, sorted; ``text``
    the article's text (for figures restated with "the").
    """
    sentence = [bisect_right(sentence_starts, c.start) for c in claims]
    out = restated(claims, sentence, text) if text else list(claims)
    taken: set[int] = set()
    for t, total in enumerate(out):
        if total.role in _SKIP_ROLES or total.value < 2 or t in taken:
            continue
        running, items = 0, []
        for j in range(t + 1, len(out)):
            c = out[j]
            if sentence[j] - sentence[t] > REACH or len(items) >= MAX_ITEMS:
                break
            if c.kind != total.kind or c.role in _SKIP_ROLES:
                continue
            if c.value >= total.value and not items:
                continue  # the figures between a total and its breakdown ("... has risen to 492")
            if c.value >= total.value or j in taken:
                break  # a new total (or another breakdown's item): this run is over
            if c.scope == "period" and total.scope != "period" or _DELTA_RE.match(c.quote):
                break  # "stood at 225 on Friday; two more the next day": a count moving, not split
            running += c.value
            items.append(j)
            if _adds_up(total, running, len(items)):
                for k in items:
                    # a figure of a place inside the total's is that place's own total
                    # (linking tells the places apart); of the same place, a part
                    role = "part" if out[k].region in (None, total.region) else out[k].role
                    out[k] = replace(out[k], role=role, scope=total.scope, period=total.period)
                    taken.add(k)
                break
            if running > total.value:
                break
    return out
