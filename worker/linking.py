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
from worker.chains import CHAIN_REACH, chain_segments, deciders, unsettled
from worker.core.relate import GROWING_SCOPES, OTHER_EVENT, Decision, Figure, relate
from worker.core.walks import Observations, chain_links, cross_links


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


def _date_windows(days: Iterable[date], reach: timedelta) -> list[tuple[date, date]]:
    """The days ± ``reach``, overlapping windows merged: what to read around them."""
    out: list[tuple[date, date]] = []
    for d in sorted(set(days)):
        if out and d - reach <= out[-1][1]:
            out[-1] = (out[-1][0], d + reach)
        else:
            out.append((d - reach, d + reach))
    return out


def _heads(session: Session, figures: Sequence[Figure]) -> tuple[list[Figure], set[int]]:
    """Keep each observation's ``head`` (its first mention) right after ``figures`` were
    stored: returns the figures that are now the first mention of their observation and
    had not been (they take its cross links), and the claims that stopped being one.

    The first ``n + 1`` mentions of an observation with ``n`` new ones (an index lookup)
    hold the new first mention and the one before it, whatever the number of copies.
    """
    mine = {f.id: f for f in figures}
    new = Counter(f.observation for f in mine.values())
    fresh: list[Figure] = []
    gone: set[int] = set()
    for observation, ids in repo.observation_heads(session, {o: n + 1 for o, n in new.items()}).items():
        if not ids or ids[0] not in mine:
            continue  # the first mention is an older one: the new ones are copies
        fresh.append(mine[ids[0]])
        gone.update(i for i in ids[1:] if i not in mine)
    repo.set_heads(session, [f.id for f in fresh], gone)
    return fresh, gone


def _cross_sync(session: Session, moved: Sequence[Figure], gone: Iterable[int], cfg: Config,
                every: bool = False) -> tuple[dict, list]:
    """The cross-originator links (SPEC §3: agrees, contradicts) that change where the
    observations ``moved`` (by their first mentions) appeared, and the links they
    replace; ``gone``: claims that stopped standing for an observation (their cross
    links go).

    A link goes from an observation to each other originator's latest observation before
    it in the time window (see :func:`worker.core.walks.cross_links`), so what changes
    is the outgoing links of the moved observations, and those of other originators'
    observations in the ``window_days`` after them that now link to one of them or
    linked to a claim in ``gone`` (``every``: all of those, as where an observation
    left). Of those other observations only the links to the originators whose
    observations changed (the moved ones' and the gone ones') are decided again: each
    link goes to one originator's latest observation, so the others stay as they are.
    Each metric's observations within ``window_days`` of the moved ones are read in one
    statement (heads only, never the copies).
    """
    reach = timedelta(days=cfg.window_days)
    moved = [f for f in moved if f.as_of is not None]
    gone = set(gone)
    if not moved and not gone:
        return {}, []
    old = repo.cross_links_of(session, sorted(gone)) if gone else []
    to_gone = {lk.a_id for lk in old if lk.b_id in gone}
    moved_ids = {f.id for f in moved}
    # the originators whose observations changed (a claim that stopped standing for an
    # observation is of the originator of the mention that took its place, or left)
    changed = {f.originator for f in moved} | {who for who, _ in repo.originators(session, gone).values()}
    by_metric: dict[str, list[Figure]] = defaultdict(list)
    for f in moved:
        by_metric[f.metric].append(f)
    spans = [(m, lo, hi) for m in sorted(by_metric) for lo, hi in _date_windows((f.as_of for f in by_metric[m]), reach)]
    want: dict[tuple[int, int], Decision] = {}
    targets: set[int] = set()
    # other observations' links: to which originator each link's earlier side belongs
    # (those to a claim out of the window are not links the rules make: they go)
    partly: dict[int, dict[int, str]] = {}
    for (metric, lo, hi), rows in zip(spans, repo.metric_spans(session, spans)):
        window = [figure_of(r) for r in rows]
        obs = Observations(window)
        theirs = Observations([f for f in window if f.originator in changed])
        who_of = {f.id: f.originator for f in window}
        here: dict[str, list[Figure]] = defaultdict(list)
        for f in by_metric[metric]:
            if lo <= f.as_of <= hi:
                here[f.originator].append(f)
        aims = set()
        for o in window:
            if o.id in moved_ids or o.id in to_gone:
                aims.add(o.id)
                continue
            for who, fs in here.items():
                if who == o.originator or not any(f.order_key < o.order_key and
                                                  (o.as_of - f.as_of).days <= cfg.window_days for f in fs):
                    continue
                d = None if every else obs.latest(o, who, cfg.window_days)
                if every or (d is not None and d.b in moved_ids):
                    aims.add(o.id)
                    break
        for o in window:
            if o.id in moved_ids:
                want.update({(d.a, d.b): d for d in obs.links(o, cfg.window_days)})
            elif o.id in aims:
                want.update({(d.a, d.b): d for d in theirs.links(o, cfg.window_days)})
                partly[o.id] = who_of
        targets |= aims

    def decided_again(lk) -> bool:
        who_of = partly.get(lk.a_id)
        return who_of is None or lk.b_id not in who_of or who_of[lk.b_id] in changed

    return want, [*filter(decided_again, repo.cross_links_from(session, sorted(targets))), *old]


def link_claims(session: Session, figures: Sequence[Figure], cfg: Config, tally: Tally) -> int:
    """Link stored claims into their metrics as if every claim had arrived in order (SPEC §3).

    Around each of ``figures`` its originator's chain is read ``CHAIN_REACH`` figures
    back and forth (every window of a batch in one statement), and the chain link of the
    figure and of those just after it is recomputed: a figure placed late replaces the
    link that jumped over it (those after it that repeat the stored mention of their
    observation just before them keep theirs, see :func:`worker.chains.unsettled`).
    Cross-originator links come from each metric's figures in the time window. A batch
    of articles is linked in one pass, reading only what its figures can change.
    Returns how many links changed.
    """
    touched = {(f.metric, f.originator) for f in figures}
    figures = [f for f in figures if f.as_of is not None]
    if not touched:
        return 0
    session.flush()
    chains: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in figures:
        chains[(f.metric, f.originator)].add(f.order_key)
    order = sorted(chains)
    spans = [(metric, who, key, key) for metric, who in order for key in sorted(chains[(metric, who)])]
    # where each figure sits is read first (its key, observation, role and place); then
    # only the figures the changed links are decided by, in full (a single figure's
    # window is read in full at once: a second round trip costs more than the columns)
    columns = repo.FIGURE_COLUMNS if len(spans) == 1 else repo.CHAIN_KEYS
    windows = iter(repo.chain_spans(session, spans, CHAIN_REACH, columns))
    targets: set[int] = set()
    new = {f.id for f in figures}
    reads: list[tuple[int, list[int]]] = []
    read_in_full: dict[int, Figure] = {}
    for chain in order:
        keys = sorted(chains[chain])
        for rows, first in chain_segments(keys, [next(windows) for _ in keys]):
            rows = [r for r in rows if not r.order_key.startswith(UNDATED)]  # as :func:`dated`
            moved = unsettled(rows, first, new)
            reads += [(r.id, deciders(rows, i)) for i, r in enumerate(rows) if r.id in moved]
            targets |= moved
            if columns is repo.FIGURE_COLUMNS:
                read_in_full.update((r.id, r) for r in rows)
    needed = {i for _, ids in reads for i in ids}
    full = {i: figure_of(read_in_full[i]) for i in needed if i in read_in_full}
    full.update((r.id, figure_of(r)) for r in repo.figures_by_id(session, needed - full.keys()))
    want: dict[tuple[int, int], Decision] = {}
    for target, ids in reads:
        d = chain_links([full[i] for i in ids], {target}, cfg.window_days, CHAIN_REACH)[target]
        if d is not None:
            want[(d.a, d.b)] = d
    fresh, gone = _heads(session, figures)
    cross, have = _cross_sync(session, fresh, gone, cfg)  # other originators: never a pair of the chain's
    want.update(cross)
    undated, undated_have = _undated_sync(session, touched, cfg)
    want.update(undated)
    have = [*repo.chain_links_from(session, sorted(targets), undated=False), *have, *undated_have]
    return _reconcile(session, have, want, cfg, tally)


# how many undated figures of one chain are placed (those first in order)
UNDATED_REACH = 50


def _undated_sync(session: Session, chains: Iterable[tuple[str, str]], cfg: Config) -> tuple[dict, list]:
    """The links of the undated figures of these chains (metric, originator), and the
    links they have now (to be replaced).

    A figure with no date (an article without one) has no place in time, but a running
    total or a toll of one incident only grows: it sits in its originator's chain by its
    value, between the dated figure just below it (or equal: a repeat) and the one just
    above. Both links depend only on the chain's dated figures, never on arrival order;
    they are ``repeats`` or ``updates``, never a flag. Counts of a window (period scope)
    and figures of another event stay unlinked.
    """
    want: dict[tuple[int, int], Decision] = {}
    ids: list[int] = []
    for metric, who in sorted(set(chains)):
        for row in repo.undated_of_chain(session, metric, who, UNDATED_REACH):
            u = figure_of(row)
            ids.append(u.id)
            if u.role == OTHER_EVENT or u.scope not in GROWING_SCOPES:
                continue
            roles = ("part",) if u.role == "part" else ("total", "earlier")
            for n in map(figure_of, repo.value_neighbours(session, metric, who, u.value, roles)):
                d = relate(u, n, cfg.window_days) if n.value <= u.value else relate(n, u, cfg.window_days)
                if d is not None and d.relation in ("repeats", "updates"):
                    want[(d.a, d.b)] = replace(d, reason=f"{d.reason} (undated: placed by its value)")
    return want, repo.undated_links(session, ids) if ids else []


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
    return _reconcile(session, repo.chain_links_from(session, sorted(targets), undated=False), want, cfg, tally)


def unlink_claim(session: Session, claim: Claim, cfg: Config, counter: Counter) -> None:
    """Take ``claim`` out of the link graph; its originator's chain closes over the gap,
    and when it stood for its observation the next mention takes its place."""
    tally = counting(counter)
    links = repo.links_of(session, claim.id)
    for link in links:
        tally(f"-{link.relation}", link.a_id, link.b_id)
    repo.delete_links(session, links)
    if claim.head:
        me = figure(claim)
        claim.head = False
        session.flush()
        after = [i for i in repo.observation_heads(session, {claim.observation: 2})[claim.observation]
                 if i != claim.id][:1]
        repo.set_heads(session, after, ())
        # the next mention's cross links, and those of the observations after it that
        # linked to this one
        want, have = _cross_sync(session, [*map(figure_of, repo.figures_by_id(session, after)), me], (), cfg,
                                 every=True)
        _reconcile(session, have, want, cfg, tally)
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
    if me.as_of is None:  # an undated figure: its chain's undated figures, placed by value
        want, have = _undated_sync(session, [(claim.metric, claim.originator)], cfg)
        return _reconcile(session, have, want, cfg, tally)
    before, _ = repo.chain_window(session, claim.metric, claim.originator, claim.order_key, CHAIN_REACH)
    decided = chain_links([*dated(before), me], {claim.id}, cfg.window_days, CHAIN_REACH)
    want = {(d.a, d.b): d for d in decided.values() if d is not None}
    # a re-check mends the head flag too (the first mention stands for the observation)
    head = repo.observation_heads(session, {claim.observation: 1})[claim.observation] == [claim.id]
    if claim.head != head:
        claim.head = head
        session.flush()
    if head:
        reach = timedelta(days=cfg.window_days)
        (window,) = repo.metric_spans(session, [(claim.metric, me.as_of - reach, me.as_of)])
        want.update(cross_links([figure_of(r) for r in window], {claim.id}, cfg.window_days))
    have = [*repo.chain_links_from(session, [claim.id], undated=False), *repo.cross_links_from(session, [claim.id])]
    return _reconcile(session, have, want, cfg, tally)


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
