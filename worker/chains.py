"""Which stored figures a batch of new ones can change in their originators' chains.

A figure's chain link is decided by the ``CHAIN_REACH`` figures before it, so a new
figure can change its own link and those of the ``CHAIN_REACH`` after it; on a
syndication day most of those are copies of one observation, each linked by the
mention just before it alone. These helpers read the windows' rows (any objects with
``id``, ``order_key``, ``observation``, ``role`` and ``region``) and say which links
to decide again and from which figures; :mod:`worker.linking` reads and writes.
"""
from __future__ import annotations

from collections.abc import Sequence

# how far along an originator's chain a figure may look for its predecessor, stepping over
# figures that cannot be the same count; bounds the work per claim
CHAIN_REACH = 12


def chain_segments(keys: Sequence[str], windows: Sequence[list]) -> list[tuple[list, str]]:
    """Merge the windows read around each new figure of one chain (in key order) into
    contiguous segments: (the segment's rows in order, its first new figure's key).

    A window is ``CHAIN_REACH`` figures before a new figure, the figure, and
    ``CHAIN_REACH`` after; the next new figure's window joins it when that figure is
    among those after (then nothing lies between them unread).
    """
    segments: list[tuple[dict, str]] = []
    after: set[int] = set()
    for key, rows in zip(keys, windows):
        me = next((r.id for r in rows if r.order_key == key), None)
        if segments and me in after:
            segments[-1][0].update((r.id, r) for r in rows)
        else:
            segments.append(({r.id: r for r in rows}, key))
        after = {r.id for r in rows if r.order_key > key}
    return [(sorted(rows.values(), key=lambda r: r.order_key), first) for rows, first in segments]


def repeats_neighbour(f, before) -> bool:
    """Whether ``f``'s chain link is decided by the figure just ``before`` it alone:
    another mention of its own observation (same place) in the same role, which
    :func:`worker.core.walks.chain_links` takes as the figure it repeats whatever lies
    further back (or, for a figure of another event, no link at all)."""
    return (before is not None and bool(f.observation) and before.observation == f.observation
            and before.role == f.role and before.region == f.region)


def unsettled(chain: Sequence, first: str, new: set[int]) -> set[int]:
    """The ids of the figures of a dated chain segment (in order) from key ``first`` on
    whose chain link the ``new`` figures can change: the new figures, and those after
    them, except a stored figure whose stored neighbour just before it is another
    mention of its observation (:func:`repeats_neighbour`): that neighbour was there
    before the new figures came, and still decides its link. On a syndication day most
    of a chain is copies of a few observations, so a new copy changes its own link and
    the next one's, not the ``CHAIN_REACH`` after it."""
    out: set[int] = set()
    before = None
    for f in chain:
        if f.order_key >= first and (f.id in new or before is None or before.id in new
                                     or not repeats_neighbour(f, before)):
            out.add(f.id)
        before = f
    return out


def deciders(chain: Sequence, i: int) -> list[int]:
    """The ids of the figures the chain link of ``chain[i]`` (a dated chain segment in
    order) is decided by, its own last: the figure just before it when it repeats that
    one (:func:`repeats_neighbour`), else the ``CHAIN_REACH`` figures before it."""
    if i and repeats_neighbour(chain[i], chain[i - 1]):
        return [chain[i - 1].id, chain[i].id]
    return [r.id for r in chain[max(0, i - CHAIN_REACH):i + 1]]
