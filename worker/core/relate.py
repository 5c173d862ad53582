"""Metric identity and the relation between two figures (SPEC §3).

Pure: claims come in as :class:`Figure` values, decisions go out as
:class:`Decision` values. Numbers are compared as intervals, never as strings.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from worker.core.identity import (
    APART,
    NAMED_PREFIX,
    OUTLET_PREFIX,
    SAME,
    identified,
    is_outlet,
    originator,
    place_relation,
    regions_of,
    same_family,
)

__all__ = ["Decision", "Figure", "interval_of", "metric_key", "originator", "relate", "related", "standing"]

# running totals can only grow: a fall is a downward revision
RUNNING_TOTALS = frozenset({"killed", "injured"})
# a toll "so far" and the toll of one incident both only grow as bodies are found;
# a count for a window (a day, a week) is a new count each time
GROWING_SCOPES = frozenset({"cumulative", "incident"})
# how far a figure stated with "about" may be from its value and still be the same
APPROX_TOLERANCE = 0.10
# two exact tallies that differ disagree, however little (115 and 116 killed are two
# counts a reviewer wants to see); a tally that grew since an earlier one is compatible
# with it (see :func:`compatible`), and "at least", "about" and ranges keep their room
EXACT_TOLERANCE = 0.0
# figures of "one metric" this far apart are not two estimates of one count but two
# different counts (a sub-group, a single incident, a scale) that share the metric's
# words; linking them would only put noise in front of a reviewer
IMPLAUSIBLE_RATIO = 20.0
# a running total revised to less than a fifth of itself is a different count too
# (real revisions — 1,400 → 1,200, 115 → 97, 9,500 → 4,959 — stay well above this)
IMPLAUSIBLE_FALL = 0.2
# an incident toll falling below half of an earlier one days apart is another incident's
INCIDENT_FALL = 0.5


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
    # the place as normalised (the metric is keyed by its widest region) and the regions
    # containing it, ``|``-separated; what the figure is in its article; the article
    region: str = ""
    regions: str = ""
    role: str = "total"
    article: int = 0
    # the observation the figure is a mention of (one originator's figure at one date)
    observation: str = ""


@dataclass(frozen=True)
class Decision:
    """A link from the newer figure ``a`` to the earlier figure ``b``; a conflict carries
    the confidence a reviewer can put in it and the reasons for that confidence."""

    a: int
    b: int
    relation: str
    score: float
    reason: str
    confidence: float = 1.0
    reasons: tuple[str, ...] = ()


def metric_key(kind: str, region: str | None, subject_class: str | None, scope: str,
               period: str | None = None) -> str:
    """The metric a figure measures: kind + region + subject class + scope (+ window).

    The region is the widest one the place belongs to (see
    :func:`worker.core.identity.outermost`): a city and its country meet in one metric,
    where :func:`relate` compares their places.

    >>> metric_key("killed", "Gaza Strip", "children", "cumulative")
    'killed|Gaza Strip|children|cumulative'
    """
    scope_part = f"{scope}:{period}" if scope == "period" and period else scope
    return f"{kind}|{region or ''}|{subject_class or 'people'}|{scope_part}"


def interval(f: Figure) -> tuple[float, float]:
    """The interval of head counts a stated figure allows."""
    return interval_of(f.value, f.qualifier, f.low, f.high)


def interval_of(value: int, qualifier: str, low: int | None, high: int | None) -> tuple[float, float]:
    """The interval of head counts ``value`` stated with ``qualifier`` allows.

    >>> interval_of(500, "at_least", 500, None)
    (500.0, inf)
    >>> interval_of(5000, "approx", None, None)
    (4500.0, 5500.0)
    """
    v = float(value)
    if qualifier == "at_least":
        return (float(low if low is not None else v), math.inf)
    if qualifier == "at_most":
        return (0.0, float(high if high is not None else v))
    if qualifier == "range":
        return (float(low if low is not None else v), float(high if high is not None else v))
    if qualifier == "approx":
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
    return f"{_who(f)} {num} ({day})"


def _days(a: Figure, b: Figure) -> int | None:
    if a.as_of is None or b.as_of is None:
        return None
    return abs((a.as_of - b.as_of).days)


# what a figure is in its article (SPEC §2 role): a figure of another event is never
# linked; only totals conflict; an earlier figure is a total of its own date
OTHER_EVENT = "other_event"
CONFLICT_ROLES = frozenset({"total"})
REVISION_ROLES = frozenset({"total", "earlier"})
# a flag below this confidence is still raised, but sorts last for the reviewer
SMALL_GAP = 0.05


def standing(f: Figure) -> str:
    """What a figure stands as in its metric: its role, except that a part counting a
    group of its own ("including 1,217 children") is that group's total — its metric
    counts that group alone, so it chains and conflicts like any total of it.

    >>> standing(Figure(1, "killed", 5, "exact", 5, 5, "cumulative", "killed|X|children|cumulative", "WHO", None, "1", role="part"))
    'total'
    >>> standing(Figure(1, "killed", 5, "exact", 5, 5, "cumulative", "killed|X|people|cumulative", "WHO", None, "1", role="part"))
    'part'
    """
    if f.role == "part" and f.metric.split("|", 3)[2:3] != ["people"]:
        return "total"
    return f.role


def place_of(a: Figure, b: Figure) -> str:
    """How the places of two figures of one metric relate (same, inside, apart)."""
    if a.region == b.region:
        return SAME
    return place_relation(a.region, regions_of(a.regions), b.region, regions_of(b.regions))


def conflict_confidence(newer: Figure, older: Figure, relation: str) -> tuple[float, tuple[str, ...]]:
    """How far a reviewer can trust a conflict between two figures, and why.

    Starts from 1 and is lowered by what makes a conflict less certain: an outlet's
    own figure rather than a named authority, approximate figures, figures within a few
    percent (two moments of one count), days apart, a fall of more than half (perhaps
    another count).
    """
    conf, why = 1.0, ["both are totals of one metric at one place"]
    if relation == "contradicts":
        why.append(f"two originators: {_who(newer)} and {_who(older)}")
        outlets = sum(not identified(f.originator) for f in (newer, older))
        if outlets:
            conf *= 0.7 ** outlets
            why.append("an outlet's own figure, no authority named" if outlets == 1 else
                       "both are outlets' own figures, no authority named")
        days = _days(newer, older) or 0
        if days:
            conf *= 0.85 ** days
            why.append(f"{days} day{'s' if days > 1 else ''} apart: the count may have moved")
        else:
            why.append("same day")
        if newer.article == older.article:
            why.append("both in one article")
    else:
        why.append(f"one originator's chain: {_who(newer)}")
        fall = 1 - newer.value / max(older.value, 1)
        if fall > 0.5:
            conf *= 0.6
            why.append(f"fell by {fall:.0%}: perhaps another count")
        if "earlier" in (newer.role, older.role):
            why.append("the earlier figure is quoted for comparison")
    approx = sum(f.qualifier == "approx" for f in (newer, older))
    if approx:
        conf *= 0.85 ** approx
        why.append("approximate figure" if approx == 1 else "both figures approximate")
    gap = abs(newer.value - older.value) / max(newer.value, older.value, 1)
    if gap < SMALL_GAP:
        conf *= 0.8
        why.append(f"figures {gap:.1%} apart")
    return round(conf, 3), tuple(why)


def _who(f: Figure) -> str:
    """The originator as a reader names it (``apnews.com (own figure)``, ``Firas Abiad``)."""
    if is_outlet(f.originator):
        return f.originator[len(OUTLET_PREFIX):] + " (own figure)"
    return f.originator[len(NAMED_PREFIX):] if f.originator.startswith(NAMED_PREFIX) else f.originator


def related(newer: Figure, older: Figure, window_days: int = 2) -> bool:
    """Whether :func:`relate` links the two figures at all (``relate(...) is not None``),
    without building the link (the chain walks ask this often)."""
    if newer.metric != older.metric or newer.id == older.id or OTHER_EVENT in (newer.role, older.role):
        return False
    place = place_of(newer, older)
    if place == APART or not plausibly_one_count(newer, older):
        return False
    if newer.originator == older.originator:
        return True
    days = _days(newer, older)
    if days is None or days > window_days:
        return False
    return compatible(newer, older) or _certain_conflict(newer, older, place)


def _restates(newer: Figure, older: Figure) -> bool:
    """An outlet's own figure equal to an identified authority's figure of the window is
    a repeat of that authority, not a new originator."""
    if is_outlet(newer.originator) == is_outlet(older.originator):
        return False
    authority = older if is_outlet(newer.originator) else newer
    return identified(authority.originator) and \
        (newer.value, newer.qualifier, newer.low, newer.high) == (older.value, older.qualifier, older.low, older.high)


def _certain_conflict(newer: Figure, older: Figure, place: str) -> bool:
    """Whether two incompatible figures of two originators are certainly one count:
    totals at one place from two named authorities that are not one authority named
    two ways. Otherwise the identity is uncertain and no flag is raised."""
    return (place == SAME and standing(newer) in CONFLICT_ROLES and standing(older) in CONFLICT_ROLES
            and identified(newer.originator) and identified(older.originator)
            and not same_family(newer.originator, older.originator))


def _one_incident(newer: Figure, older: Figure, window_days: int) -> bool:
    """Whether two incident tolls of one originator can be one incident's: a metric
    holds every strike and every collapse of its place, so a toll days later and far
    below the other is most likely another incident's (no revision); a modest fall
    (1,400 -> 1,200) or one within the window is a revision of the same toll."""
    if newer.scope != "incident" or newer.value >= older.value * INCIDENT_FALL:
        return True
    days = _days(newer, older)
    return days is not None and days <= window_days


def _why_no_revision(newer: Figure, older: Figure, place: str, window_days: int) -> str:
    if place != SAME:
        return "a place inside the other"
    if not identified(newer.originator):
        return "no authority identified"
    if not _one_incident(newer, older, window_days):
        return "perhaps another incident"
    return "not a total"


def relate(newer: Figure, older: Figure, window_days: int = 2) -> Decision | None:
    """The relation of ``newer`` to ``older`` (same metric), or None when unrelated.

    Figures of another event, of another place (two cities) or that cannot be one
    count are not linked. A conflict is raised only where the identity of both figures
    is certain: totals (an earlier figure counts for a revision), at the same place;
    a figure whose identity is uncertain (a part, a place inside the other, an earlier
    figure against another originator) is linked when compatible and never flagged.

    >>> from datetime import date
    >>> a = Figure(1, "killed", 400, "exact", 400, 400, "cumulative", "m", "WHO", date(2024, 1, 2), "2")
    >>> b = Figure(2, "killed", 40, "exact", 40, 40, "cumulative", "m", "UN OCHA", date(2024, 1, 2), "1")
    >>> relate(a, b).relation
    'contradicts'
    """
    if newer.metric != older.metric or newer.id == older.id or OTHER_EVENT in (newer.role, older.role):
        return None
    place = place_of(newer, older)
    if place == APART or not plausibly_one_count(newer, older):
        return None
    score = overlap_score(newer, older)
    pair = f"{_fmt_figure(newer)} vs {_fmt_figure(older)}"
    if newer.originator == older.originator:
        if newer.value == older.value:
            return Decision(newer.id, older.id, "repeats", 1.0, f"{pair}: same figure again")
        if newer.value < older.value and newer.kind in RUNNING_TOTALS and newer.scope in GROWING_SCOPES:
            if place == SAME and {standing(newer), standing(older)} <= REVISION_ROLES and identified(newer.originator) \
                    and _one_incident(newer, older, window_days):
                conf, why = conflict_confidence(newer, older, "revises_down")
                return Decision(newer.id, older.id, "revises_down", score,
                                f"{pair}: running total fell by {older.value - newer.value:,}", conf, why)
            return Decision(newer.id, older.id, "updates", score,
                            f"{pair}: figure fell by {older.value - newer.value:,} (not a revision: "
                            f"{_why_no_revision(newer, older, place, window_days)})")
        moved = "rose" if newer.value > older.value else "fell"
        return Decision(newer.id, older.id, "updates", score,
                        f"{pair}: figure {moved} by {abs(newer.value - older.value):,}")
    days = _days(newer, older)
    if days is None or days > window_days:
        return None
    if place == SAME and _restates(newer, older):
        outlet, authority = (newer, older) if is_outlet(newer.originator) else (older, newer)
        return Decision(newer.id, older.id, "repeats", 1.0,
                        f"{pair}: {_who(outlet)} restates {_who(authority)}'s figure")
    if compatible(newer, older):
        where = "" if place == SAME else " (a place inside the other)"
        return Decision(newer.id, older.id, "agrees", score, f"{pair}: compatible{where}")
    if not _certain_conflict(newer, older, place):
        return None  # uncertain identity (no authority named, a part, another place): never a flag
    conf, why = conflict_confidence(newer, older, "contradicts")
    return Decision(newer.id, older.id, "contradicts", round(1 - score, 4), f"{pair}: no overlap", conf, why)
