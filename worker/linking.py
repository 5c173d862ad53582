"""Linking stored claims into their metrics (SPEC §3): chains, observations and flags.

The shell around :mod:`worker.core.relate`: reads the windows a batch of claims can
change, asks the pure core for the links, and makes the stored links (and flags) what
they should be, as if every claim had arrived in order.
"""
from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Callable, Iterable, Sequence

from sqlalchemy.orm import Session

from store import repository as repo
from store.models import Claim, utcnow
from worker import review, settings
from worker.core.relate import OTHER_EVENT, Decision, Figure, chain_links, relate


@dataclass(frozen=True)
class Config:
    """Thresholds the pipeline passes to the core."""

    window_days: int = 2
    review_relations: tuple[str, ...] = ("contradicts", "revises_down")

    @classmethod
    def from_env(cls) -> Config:
        return cls(window_days=settings.window_days(), review_relations=settings.review_relations())


def figure(c: Claim) -> Figure:
    return figure_of((c.id, c.kind, c.value, c.qualifier, c.low, c.high, c.scope, c.metric, c.originator, c.as_of,
                      c.order_key, c.region, c.regions, c.role, c.article_id, c.observation))


UNDATED = "0000-00-00"
# the columns of a claim row after its id, as ``repo.FIGURE_COLUMNS``
FIGURE_FIELDS = ("kind", "value", "qualifier", "low", "high", "scope", "metric", "originator", "as_of", "order_key",
                 "region", "regions", "role", "article_id", "observation")


def figure_of(row) -> Figure:
    """A figure from a row of ``repo.FIGURE_COLUMNS``. An earlier figure quoted without
    a date of its own sits in its chain at its article's date (its order key's date)."""
    f = Figure(*row)
    if f.as_of is None and not f.order_key.startswith(UNDATED):
        f = replace(f, as_of=date.fromisoformat(f.order_key[:10]))
    return f


def dated(rows) -> list[Figure]:
    """The figures of ``rows`` that have a place in time. An undated figure sits in no
    chain and no window: it is stored and exported, never linked, whatever arrives when
    (so links never depend on the order undated articles arrive in)."""
    return [figure_of(r) for r in rows if not r.order_key.startswith(UNDATED)]


def order_key(as_of: date | None, published: date | None, value: int, chash: str, start: int,
              role: str = "total") -> str:
    """A total order of claims that does not depend on when they were ingested.

    Within one day, an earlier figure quoted for comparison ("down from 1,400") comes
    first, then figures sort by value, so mentions of one observation sit side by side
    (repeats) and a same-day rise reads as one update. An earlier figure without a date
    of its own takes its article's date.
    """
    when = as_of or (published if role == "earlier" else None)
    d = when.isoformat() if when else UNDATED
    p = published.isoformat() if published else UNDATED
    rank = 0 if role == "earlier" else 1
    return f"{d}|{rank}|{min(value, 10**15 - 1):015d}|{p}|{chash[:24]}|{start:010d}"


# ---- linking ---------------------------------------------------------------------------

# where a link change is counted: (key, a_id, b_id) with key a relation, "-relation" for a
# link removed or "~old>new" for one changed
Tally = Callable[[str, int, int], None]


def counting(counter: Counter) -> Tally:
    """A tally that counts every change in ``counter``."""
    return lambda key, _a, _b: counter.update((key,))


def _add_links(session: Session, decided: Iterable[Decision], cfg: Config, tally: Tally) -> int:
    """Insert links (pairs already linked are left as they are); flags the inserted ones
    that need review. Returns how many were inserted."""
    by_pair = {(d.a, d.b): d for d in decided}
    inserted = repo.insert_links(session, [{"a_id": d.a, "b_id": d.b, "relation": d.relation, "score": d.score,
                                            "reason": d.reason, "created_at": utcnow()} for d in by_pair.values()])
    for pair in inserted:
        tally(by_pair[pair].relation, *pair)
    review.flag_links(session, [by_pair[p] for p in inserted if by_pair[p].relation in cfg.review_relations])
    return len(inserted)


def _reconcile(session: Session, have: Sequence, want: dict[tuple[int, int], Decision], cfg: Config,
               tally: Tally, add: Iterable[Decision] = ()) -> int:
    """Make the links ``have`` (rows of ``repo.LINK_COLUMNS``) equal to ``want``, and add
    the links ``add`` (inserted with the new ones, in the same statement); returns how
    many changed."""
    want = dict(want)
    gone, changed = [], []
    for link in {lk.id: lk for lk in have}.values():
        d = want.pop((link.a_id, link.b_id), None)
        if d is None:
            tally(f"-{link.relation}", link.a_id, link.b_id)
            gone.append(link)
        elif (d.relation, d.reason) != (link.relation, link.reason):
            tally(f"~{link.relation}>{d.relation}", link.a_id, link.b_id)
            repo.update_link(session, link.id, d.relation, d.score, d.reason)
            changed.append(d)
    repo.delete_links(session, gone)
    review.flag_links(session, [d for d in changed if d.relation in cfg.review_relations])
    return len(gone) + len(changed) + _add_links(session, [*want.values(), *add], cfg, tally)


# how far along an originator's chain a figure may look for its predecessor, stepping over
# figures that cannot be the same count; bounds the work per claim
CHAIN_REACH = 12


def _date_windows(days: Iterable[date], reach: timedelta) -> list[tuple[date, date]]:
    """The days ± ``reach``, overlapping windows merged: what to read around them."""
    out: list[tuple[date, date]] = []
    for d in sorted(set(days)):
        if out and d - reach <= out[-1][1]:
            out[-1] = (out[-1][0], d + reach)
        else:
            out.append((d - reach, d + reach))
    return out


def _cross_decisions(session: Session, figures: Sequence[Figure], cfg: Config,
                     every: bool = False) -> tuple[dict, list]:
    """The links between the observations of ``figures`` and other originators'
    observations of their metric in the time window (SPEC §3: agrees, contradicts), and
    the cross links those observations have now (to be replaced).

    An observation is joined through its first mention, so a story carried by 300
    outlets is linked once: links grow with observations and originators, never with
    copies. Only observations that one of ``figures`` opens or now leads (an earlier
    mention than the first one) change; another copy changes nothing here (``every``:
    recompute the observations of all ``figures``, as a re-check does). The window is
    read in one statement (each metric's observations within ``window_days`` of one of
    ``figures``), never more.
    """
    reach = timedelta(days=cfg.window_days)
    linked = [f for f in figures if f.as_of is not None and f.role != OTHER_EVENT]
    if not every:
        # an observation changes only where one of ``figures`` is now its first mention
        firsts = repo.observation_heads(session, {f.observation: 1 for f in linked})
        linked = [f for f in linked if firsts.get(f.observation) == [f.id]]
    if not linked:
        return {}, []
    by_metric: dict[str, list[Figure]] = defaultdict(list)
    for f in linked:
        by_metric[f.metric].append(f)
    spans = [(m, lo, hi) for m in sorted(by_metric) for lo, hi in _date_windows((f.as_of for f in by_metric[m]), reach)]
    want: dict[tuple[int, int], Decision] = {}
    mine: dict[str, Figure] = {}
    for (metric, lo, hi), rows in zip(spans, repo.metric_spans(session, spans)):
        reps = [figure_of(r) for r in rows if r.role != OTHER_EVENT]
        first = {r.observation: r for r in reps}
        here = {first[f.observation] for f in by_metric[metric] if lo <= f.as_of <= hi and f.observation in first}
        for me in sorted(here, key=lambda f: f.order_key):
            mine[me.observation] = me
            for other in reps:
                if other.originator == me.originator or abs((other.as_of - me.as_of).days) > cfg.window_days:
                    continue
                newer, older = (me, other) if me.order_key > other.order_key else (other, me)
                d = relate(newer, older, cfg.window_days)
                if d is not None:
                    want[(d.a, d.b)] = d
    # the mentions that may hold the observations' cross links: the new ones and the
    # first mention before them (which a new, earlier mention replaces)
    new = Counter(f.observation for f in figures if f.observation in mine)
    heads = repo.observation_heads(session, {o: n + 1 for o, n in new.items()})
    ids = {f.id for f in figures if f.observation in mine} | {i for hs in heads.values() for i in hs}
    return want, repo.cross_links_of(session, sorted(ids))


def _chain_segments(keys: Sequence[str], windows: Sequence[list]) -> list[tuple[list, str]]:
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


def link_claims(session: Session, figures: Sequence[Figure], cfg: Config, tally: Tally) -> int:
    """Link stored claims into their metrics as if every claim had arrived in order (SPEC §3).

    Around each of ``figures`` its originator's chain is read ``CHAIN_REACH`` figures
    back and forth (every window of a batch in one statement), and the chain link of the
    figure and of those just after it is recomputed: a figure placed late replaces the
    link that jumped over it. Cross-originator links come from each metric's figures in
    the time window. A batch of articles is linked in one pass, reading only what its
    figures can change. Returns how many links changed.
    """
    figures = [f for f in figures if f.as_of is not None]
    if not figures:
        return 0
    session.flush()
    chains: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in figures:
        chains[(f.metric, f.originator)].add(f.order_key)
    order = sorted(chains)
    spans = [(metric, who, key, key) for metric, who in order for key in sorted(chains[(metric, who)])]
    windows = iter(repo.chain_spans(session, spans, CHAIN_REACH))
    want: dict[tuple[int, int], Decision] = {}
    targets: set[int] = set()
    for chain in order:
        keys = sorted(chains[chain])
        for rows, first in _chain_segments(keys, [next(windows) for _ in keys]):
            chain = dated(rows)
            moved = {f.id for f in chain if f.order_key >= first}
            decided = chain_links(chain, moved, cfg.window_days, CHAIN_REACH)
            want.update({(d.a, d.b): d for d in decided.values() if d is not None})
            targets |= moved
    cross, have = _cross_decisions(session, figures, cfg)  # other originators: never a pair of the chain's
    want.update(cross)
    return _reconcile(session, [*repo.chain_links_from(session, sorted(targets)), *have], want, cfg, tally)


def link_claim(session: Session, claim: Claim, cfg: Config, counter: Counter) -> None:
    """Link one stored claim into its metric (see :func:`link_claims`)."""
    link_claims(session, [figure(claim)], cfg, counting(counter))


def sync_chain(session: Session, metric: str, originator: str, order_key: str, cfg: Config,
               tally: Tally) -> int:
    """Recompute the chain links after ``order_key`` in one originator's chain, which a
    figure just left: its successors may now have another predecessor. Returns how many
    links changed."""
    # strict < and > around order_key: the figure leaving is not in its own window
    before, after = repo.chain_window(session, metric, originator, order_key, CHAIN_REACH)
    targets = {r.id for r in after}
    decided = chain_links(dated((*before, *after)), targets, cfg.window_days, CHAIN_REACH)
    want = {(d.a, d.b): d for d in decided.values() if d is not None}
    return _reconcile(session, repo.chain_links_from(session, sorted(targets)), want, cfg, tally)


def unlink_claim(session: Session, claim: Claim, cfg: Config, counter: Counter) -> None:
    """Take ``claim`` out of the link graph; its originator's chain closes over the gap."""
    tally = counting(counter)
    links = repo.links_of(session, claim.id)
    for link in links:
        tally(f"-{link.relation}", link.a_id, link.b_id)
    repo.delete_links(session, links)
    if claim.as_of is not None:
        # still stored until the caller moves or deletes it: its successors look past it
        sync_chain(session, claim.metric, claim.originator, claim.order_key, cfg, tally)


def set_originator(session: Session, claim: Claim, new: str, cfg: Config, counter: Counter) -> bool:
    """Move a claim to another originator, relinking what that changes."""
    if claim.originator == new:
        return False
    unlink_claim(session, claim, cfg, counter)
    claim.originator = new
    claim.observation = claim_observation(claim)
    session.flush()
    link_claim(session, claim, cfg, counter)
    return True


def observation_key(metric: str, region: str, who: str, order_key: str, qualifier: str, low, high,
                    value: int) -> str:
    """The observation a claim is a mention of: one originator's figure for one metric
    (at one place) at one date, as a digest (the date is the order key's)."""
    raw = "\x1f".join(map(str, (metric, region, who, order_key[:10], qualifier, low, high, value)))
    return hashlib.blake2b(raw.encode("utf-8"), digest_size=16).hexdigest()


def claim_observation(c: Claim) -> str:
    return observation_key(c.metric, c.region, c.originator, c.order_key, c.qualifier, c.low, c.high, c.value)



# ---- re-checks ------------------------------------------------------------------------

def relink(session: Session, claim: Claim, cfg: Config, counter: Counter) -> int:
    """Make the links ``claim`` starts (its chain link, its cross links) what they should be.

    Links that end at ``claim`` are the business of the claims that start them, so
    re-linking every claim of a window fixes the window. Idempotent: a second run
    changes nothing. Returns how many links changed.
    """
    tally = counting(counter)
    me = figure(claim)
    if me.as_of is None:
        return _reconcile(session, repo.links_of(session, claim.id), {}, cfg, tally)
    before, _ = repo.chain_window(session, claim.metric, claim.originator, claim.order_key, CHAIN_REACH)
    decided = chain_links([*dated(before), me], {claim.id}, cfg.window_days, CHAIN_REACH)
    want = {(d.a, d.b): d for d in decided.values() if d is not None}
    cross, cross_have = _cross_decisions(session, [me], cfg, every=True)
    want.update(cross)
    have = repo.chain_links_from(session, [claim.id])
    return _reconcile(session, [*have, *cross_have], want, cfg, tally)


def recheck(session: Session, since: date, cfg: Config) -> tuple[int, int, Counter]:
    """Re-link every claim as of ``since`` or later; returns (examined, changed, counter).

    Catches what arrived out of order while another writer held the metric, and
    re-evaluates flags whose evidence moved.
    """
    counter: Counter = Counter()
    examined = changed = 0
    for claim in repo.claims_since(session, since):
        examined += 1
        changed += relink(session, claim, cfg, counter)
    return examined, changed, counter
