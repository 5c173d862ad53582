"""Metric identity and the relation between two figures (SPEC §3).

Pure: claims come in as :class:`Figure` values, decisions go out as
:class:`Decision` values. Numbers are compared as intervals, never as strings.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

# running totals can only grow: a fall is a downward revision
RUNNING_TOTALS = frozenset({"killed", "injured"})
# a toll "so far" and the toll of one incident both only grow as bodies are found;
# a count for a window (a day, a week) is a new count each time
GROWING_SCOPES = frozenset({"cumulative", "incident"})
# how far a figure stated with "about" may be from its value and still be the same
APPROX_TOLERANCE = 0.10
# exact tallies of the same thing compiled hours apart differ a little
EXACT_TOLERANCE = 0.02
# figures of "one metric" this far apart are not two estimates of one count but two
# different counts (a sub-group, a single incident, a scale) that share the metric's
# words; linking them would only put noise in front of a reviewer
IMPLAUSIBLE_RATIO = 20.0
# a running total revised to less than a fifth of itself is a different count too
# (real revisions — 1,400 → 1,200, 115 → 97, 9,500 → 4,959 — stay well above this)
IMPLAUSIBLE_FALL = 0.2


@dataclass(frozen=True)
class Figure:
    """What the matcher needs to know about one stored claim."""

    id: int
    kind: str
    value: int
    qualifier: str
    low: int | None
    high: int | None
    scope: str
    metric: str
    originator: str
    as_of: date | None
    order_key: str


@dataclass(frozen=True)
class Decision:
    """A link from the newer figure ``a`` to the earlier figure ``b``."""

    a: int
    b: int
    relation: str
    score: float
    reason: str


def metric_key(kind: str, region: str | None, subject_class: str | None, scope: str,
               period: str | None = None) -> str:
    """The metric a figure measures: kind + region + subject class + scope (+ window).

    >>> metric_key("killed", "Gaza Strip", "children", "cumulative")
    'killed|Gaza Strip|children|cumulative'
    """
    scope_part = f"{scope}:{period}" if scope == "period" and period else scope
    return f"{kind}|{region or ''}|{subject_class or 'people'}|{scope_part}"


def originator(source_canonical: str | None, outlet: str | None) -> str:
    """Who a figure originates with: the canonical source, else the outlet itself."""
    if source_canonical:
        return source_canonical
    return f"outlet:{outlet or 'unknown'}"


def interval(f: Figure) -> tuple[float, float]:
    """The interval of head counts a stated figure allows."""
    v = float(f.value)
    if f.qualifier == "at_least":
        return (float(f.low if f.low is not None else v), math.inf)
    if f.qualifier == "at_most":
        return (0.0, float(f.high if f.high is not None else v))
    if f.qualifier == "range":
        lo = f.low if f.low is not None else v
        hi = f.high if f.high is not None else v
        return (float(lo), float(hi))
    if f.qualifier == "approx":
        return (v * (1 - APPROX_TOLERANCE), v * (1 + APPROX_TOLERANCE))
    return (v * (1 - EXACT_TOLERANCE), v * (1 + EXACT_TOLERANCE))


def compatible(newer: Figure, older: Figure) -> bool:
    """Whether two figures can both be true.

    A running total measured later may have grown since the earlier figure, so for
    cumulative counts at different dates the later figure only has to be no smaller.
    """
    lo_n, hi_n = interval(newer)
    lo_o, hi_o = interval(older)
    later = (newer.as_of and older.as_of and newer.as_of > older.as_of)
    if newer.scope in GROWING_SCOPES and newer.kind in RUNNING_TOTALS and later:
        return hi_n >= lo_o
    return lo_n <= hi_o and lo_o <= hi_n


def overlap_score(newer: Figure, older: Figure) -> float:
    """How close two figures are, from 0 (far apart) to 1 (the same)."""
    a, b = max(newer.value, 0), max(older.value, 0)
    if a == b:
        return 1.0
    return round(min(a, b) / max(a, b), 4)


def plausibly_one_count(newer: Figure, older: Figure) -> bool:
    """Whether two figures can be measurements of one count at all.

    >>> from datetime import date
    >>> f = lambda v, who: Figure(v, "killed", v, "exact", v, v, "cumulative", "m", who, date(2024, 1, 1), str(v))
    >>> plausibly_one_count(f(40, "WHO"), f(400, "UN"))
    True
    >>> plausibly_one_count(f(8, "WHO"), f(459, "WHO"))
    False
    """
    a, b = max(newer.value, 1), max(older.value, 1)
    if max(a, b) / min(a, b) > IMPLAUSIBLE_RATIO and newer.originator != older.originator:
        return False
    if newer.originator == older.originator and newer.kind in RUNNING_TOTALS and a < b * IMPLAUSIBLE_FALL:
        return False
    return True


def _fmt_figure(f: Figure) -> str:
    if f.qualifier == "range" and f.low is not None and f.high is not None:
        num = f"{f.low:,}–{f.high:,}"
    else:
        prefix = {"at_least": "≥", "at_most": "≤", "approx": "~"}.get(f.qualifier, "")
        num = f"{prefix}{f.value:,}"
    day = f.as_of.strftime("%-d %b %Y") if f.as_of else "undated"
    who = f.originator[len("outlet:"):] + " (own figure)" if f.originator.startswith("outlet:") else f.originator
    return f"{who} {num} ({day})"


def _days(a: Figure, b: Figure) -> int | None:
    if a.as_of is None or b.as_of is None:
        return None
    return abs((a.as_of - b.as_of).days)


def related(newer: Figure, older: Figure, window_days: int = 2) -> bool:
    """Whether :func:`relate` links the two figures at all (``relate(...) is not None``),
    without building the link: same metric, two figures, plausibly one count, and the
    same originator or dates within ``window_days``."""
    if newer.metric != older.metric or newer.id == older.id or not plausibly_one_count(newer, older):
        return False
    if newer.originator == older.originator:
        return True
    days = _days(newer, older)
    return days is not None and days <= window_days


def relate(newer: Figure, older: Figure, window_days: int = 2) -> Decision | None:
    """The relation of ``newer`` to ``older`` (same metric), or None when unrelated.

    >>> from datetime import date
    >>> a = Figure(1, "killed", 400, "exact", 400, 400, "cumulative", "m", "WHO", date(2024, 1, 2), "2")
    >>> b = Figure(2, "killed", 40, "exact", 40, 40, "cumulative", "m", "UN OCHA", date(2024, 1, 2), "1")
    >>> relate(a, b).relation
    'contradicts'
    """
    if newer.metric != older.metric or newer.id == older.id:
        return None
    score = overlap_score(newer, older)
    if not plausibly_one_count(newer, older):
        return None
    pair = f"{_fmt_figure(newer)} vs {_fmt_figure(older)}"
    if newer.originator == older.originator:
        if newer.value == older.value:
            return Decision(newer.id, older.id, "repeats", 1.0, f"{pair}: same figure again")
        if newer.value < older.value and newer.kind in RUNNING_TOTALS and newer.scope in GROWING_SCOPES:
            return Decision(newer.id, older.id, "revises_down", score,
                            f"{pair}: running total fell by {older.value - newer.value:,}")
        moved = "rose" if newer.value > older.value else "fell"
        return Decision(newer.id, older.id, "updates", score,
                        f"{pair}: figure {moved} by {abs(newer.value - older.value):,}")
    days = _days(newer, older)
    if days is None or days > window_days:
        return None
    if compatible(newer, older):
        return Decision(newer.id, older.id, "agrees", score, f"{pair}: compatible")
    return Decision(newer.id, older.id, "contradicts", round(1 - score, 4), f"{pair}: no overlap")


def chain_links(chain: list[Figure], targets: set[int], window_days: int = 2,
                reach: int | None = None) -> dict[int, Decision | None]:
    """Each target's link to its originator's latest earlier figure of the metric.

    ``chain`` is one originator's figures of one metric in order. A figure that cannot
    be the same count as the one before it (see :func:`plausibly_one_count`: a running
    total that "falls" to a fraction of itself is a different count read into the
    metric) is an outlier: it gets no link and the next figure looks past it. A target's
    link is decided by the ``reach`` figures just before it (all of them when None), so
    it depends only on the set of figures — never on the order they arrived in, nor on
    which other figures are targets or where the list handed in starts.
    """
    out: dict[int, Decision | None] = {}
    for i, x in enumerate(chain):
        if x.id not in targets:
            continue
        last: Figure | None = None
        for y in chain[max(0, i - reach) if reach is not None else 0:i]:
            if last is None or related(y, last, window_days):
                last = y
        out[x.id] = relate(x, last, window_days) if last is not None else None
    return out
