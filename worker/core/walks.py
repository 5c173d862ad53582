"""Which earlier figures of a metric a figure is linked to (SPEC §3): its originator's
chain, and each other originator's latest observation in the window.

Pure, like :mod:`worker.core.relate`, whose pairwise relation it walks.
"""
from __future__ import annotations

from bisect import bisect_left

from worker.core.identity import APART, SAME
from worker.core.relate import (
    OTHER_EVENT,
    Decision,
    Figure,
    place_of,
    relate,
    related,
    standing,
)

__all__ = ["Observations", "chain_links", "cross_links"]


def chain_links(chain: list[Figure], targets: set[int], window_days: int = 2,
                reach: int | None = None) -> dict[int, Decision | None]:
    """Each target's link to its originator's latest earlier figure of the metric.

    ``chain`` is one originator's figures of one metric in order. A target looks back
    along the figures of its own place (those of a place containing it or inside it
    when there are none). A figure that cannot be the same count as the one before it
    (see :func:`plausibly_one_count`: a running total that "falls" to a fraction of
    itself is a different count read into the metric) is an outlier: it gets no link
    and the next figure looks past it. A target's link is decided by the ``reach``
    figures just before it (all of them when None), so it depends only on the set of
    figures — never on the order they arrived in, nor on which other figures are
    targets or where the list handed in starts.
    """
    out: dict[int, Decision | None] = {}
    for i, x in enumerate(chain):
        if x.id not in targets:
            continue
        if x.role == OTHER_EVENT:
            out[x.id] = None
            continue
        # sub-counts chain with sub-counts, totals (and earlier totals) with totals
        window = [y for y in chain[max(0, i - reach) if reach is not None else 0:i]
                  if y.role != OTHER_EVENT and (standing(y) == "part") == (standing(x) == "part")]
        places = [place_of(x, y) for y in window]
        before = [y for y, p in zip(window, places) if p == SAME] or \
            [y for y, p in zip(window, places) if p != APART]
        if before and before[-1].observation and before[-1].observation == x.observation:
            # another mention of the observation just before it: a copy repeats it
            out[x.id] = relate(x, before[-1], window_days)
            continue
        last: Figure | None = None
        for y in before:
            if last is None or related(y, last, window_days):
                last = y
        out[x.id] = relate(x, last, window_days) if last is not None else None
    return out



class Observations:
    """One metric's observations (each by its first mention) around some figures, by
    originator, in order: what cross-originator links are decided from."""

    def __init__(self, window: list[Figure]):
        self.by_who: dict[str, list[Figure]] = {}
        for f in window:
            if f.role != OTHER_EVENT and f.as_of is not None:
                self.by_who.setdefault(f.originator, []).append(f)
        self.keys = {who: [f.order_key for f in fs] for who, fs in self.by_who.items()}

    def latest(self, me: Figure, who: str, window_days: int = 2) -> Decision | None:
        """``me``'s link to ``who``'s latest observation before it in the time window
        that it relates to at all (stepping over those of another place, another event
        or another count), or None."""
        theirs = self.by_who.get(who, ())
        for other in reversed(theirs[:bisect_left(self.keys.get(who, ()), me.order_key)]):
            if (me.as_of - other.as_of).days > window_days:
                break
            if related(me, other, window_days):
                return relate(me, other, window_days)
        return None

    def links(self, me: Figure, window_days: int = 2) -> list[Decision]:
        """``me``'s links to each other originator (see :func:`cross_links`)."""
        if me.role == OTHER_EVENT or me.as_of is None:
            return []
        found = (self.latest(me, who, window_days) for who in self.by_who if who != me.originator)
        return [d for d in found if d is not None]


def cross_links(window: list[Figure], targets: set[int], window_days: int = 2) -> dict[tuple[int, int], Decision]:
    """Each target's links to the other originators (SPEC §3: agrees, contradicts, an
    outlet restating an authority).

    ``window`` is the observations of one metric (each by its first mention) around the
    targets, in order. A target is linked to each other originator's latest observation
    before it in the time window that it relates to at all (see
    :meth:`Observations.latest`), so links grow with observations and originators, never
    with copies or with everything else said in the window. Like :func:`chain_links`, a
    link depends only on the set of observations before the target, never on the order
    they arrived in.
    """
    obs = Observations(window)
    return {(d.a, d.b): d for me in window if me.id in targets for d in obs.links(me, window_days)}
