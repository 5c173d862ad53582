"""Which kind word governs a number (the "kind" pass)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from worker.core.numbers import Number


@dataclass(frozen=True)
class KindWord:
    start: int
    end: int
    kind: str
    weak: bool


# "the number was 35,418", "the figure stood at": the figure of the sentence before, continued
SAME_FIGURE_RE = re.compile(r"\bthe\s+(?:(?:new|latest|updated|revised|official|final|previous|earlier|"
                            r"overall)\s+)?(?:number|figure|tally|count|total)\s+(?:of|was|is|stood\s+at|stands\s+at|"
                            r"had\s+reached|has\s+reached|reached|rose\s+to|has\s+risen\s+to)\s+(?:\w+\s+){0,2}$",
                            re.IGNORECASE)
# "the 1,002 total announced hours earlier": the figure named as a tally of the kind before
TALLY_AFTER_RE = re.compile(r"\s+(?:\w+\s+)?(?:total|tally|figure|count)\b", re.IGNORECASE)
COORD_RE = re.compile(r"^\s*(?:(?!(?:of|them|whom|who|were|are|was|have|had)\b)[A-Za-z'’-]+\s*){0,3}?"
                      r"(?:,?\s*(?:and|as\s+well\s+as|plus)|,)\s*$", re.IGNORECASE)
# "climbed from 558 to 569": the second figure counts what the first counts
FROM_TO_RE = re.compile(r"^\s*(?:to|and\s+then(?:\s+to)?|,\s*then(?:\s+to)?|-|–)\s*$", re.IGNORECASE)
# "1,162 people, including 384 children and 231 women, had died": the figure before an
# appositive sub-count list shares the verb after the list
APPOSITIVE_RE = re.compile(r"[^,;.\d]{0,30},\s*(?:including|among\s+(?:them|whom)|of\s+whom|mostly|mainly)\b",
                           re.IGNORECASE)
# "They include 2,923 men, ...", "Of them, 12 ...": a breakdown of the figure of the sentence before
CARRY_PART_RE = re.compile(r"\b(?:they|these|those|the\s+(?:dead|deceased|victims|injured|wounded|toll|figure|"
                           r"total))\s+(?:include|included|includes|comprise|comprised|are|were)\s+"
                           r"(?:\w+\s+){0,2}$|^\W*(?:of|among)\s+(?:them|these|those|whom)\W*(?:\w+\s+){0,2}$",
                           re.IGNORECASE)
# "• North Carolina: 117 people": a list item under a heading that named the kind
LIST_ITEM_RE = re.compile(r"(?:^|[\n•·*–-])\s*[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}\s*:\s*(?:\w+\s+){0,2}$")


# a kind word across one of these belongs to another clause: "rose to 3,408, while the
# missing ...", "mounted to 291 after a passenger succumbed to his injuries"
_FORWARD_BREAK_RE = re.compile(r"[;:()]|,\s*(?:while|whereas|but|and|as|with|after|when)\b|"
                               r"\b(?:after|while|because|whereas|when|since|following)\b", re.IGNORECASE)
_BACKWARD_BREAK_RE = re.compile(r"[;:()]|,\s*(?:while|whereas|but|and)\b", re.IGNORECASE)
_BREAK_COST = 100
_ASIDE_RE = re.compile(r"—|\s[–-]\s")


def pick_kind(text: str, n: Number, q_start: int, kws: list[KindWord], lo_bound: int, hi_bound: int,
              owned: set[int]) -> tuple[KindWord | None, bool]:
    """The kind word that governs ``n``: nearest in its clause, strong before weak.

    Distance backwards is measured from the qualifier ("killed at least
    459") so that the qualifier does not push the verb away.
    """
    best: tuple[float, int, KindWord, bool] | None = None
    for i, kw in enumerate(kws):
        if kw.start >= n.end and kw.start < hi_bound and kw.start - n.end <= 90:
            dist = kw.start - n.end
            cost = dist * 0.8 + (200 if kw.weak else 0)
            if _ASIDE_RE.search(text, n.end, kw.start) and not _ASIDE_RE.search(text, n.end, n.end + 3):
                continue  # "three in La Mancha—where a woman had been missing—": an aside's word
            if _FORWARD_BREAK_RE.search(text, n.end, kw.start):
                cost += _BREAK_COST
            cand = (cost, i, kw, True)
        elif kw.end <= q_start and kw.end >= lo_bound and q_start - kw.end <= 130 and i not in owned:
            if _ASIDE_RE.search(text, kw.end, q_start) and _ASIDE_RE.search(text, lo_bound, kw.start):
                continue  # the word of a closed aside: "three in X—where one was missing—and one in Y"
            dist = q_start - kw.end
            cost = dist + (200 if kw.weak else 0)
            if _BACKWARD_BREAK_RE.search(text, kw.end, q_start):
                cost += _BREAK_COST
            cand = (cost, i, kw, False)
        else:
            continue
        if best is None or cand[0] < best[0]:
            best = cand
    if best is None:
        return None, False
    return best[2], best[3]
# "lives" counts the dead only after a verb of loss: "claimed 1,160 lives", "a loss of 2,400
# lives" (not "endangering lives", "saved 40 lives")
LIVES_TAKEN_RE = re.compile(r"\b(?:claim\w*|cost\w*|loss|lost|took|taken|taking|ended|toll)\b")
