"""The imperative shell: load → core → persist, one transaction per batch of articles.

The CLI and the Celery tasks both call these functions; neither holds logic of its own.
"""
from __future__ import annotations

import traceback as tb
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Callable, Iterable, Sequence

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from store import repository as repo
from store.db import session_scope
from store.models import Article, Claim, utcnow
from worker import review, settings
from worker.core.fingerprint import content_hash, copy_similarity
from worker.core.relate import Decision, Figure, chain_links, metric_key, originator, relate
from worker.core.types import Aliases, ArticleIn


@dataclass
class Outcome:
    """What happened to one article."""

    article: str
    status: str  # stored · known · rejected · failed
    reason: str | None = None
    claims: int = 0
    links: Counter = field(default_factory=Counter)
    article_pk: int | None = None


@dataclass(frozen=True)
class Config:
    """Thresholds the pipeline passes to the core."""

    window_days: int = 2
    review_relations: tuple[str, ...] = ("contradicts", "revises_down")

    @classmethod
    def from_env(cls) -> Config:
        return cls(window_days=settings.window_days(), review_relations=settings.review_relations())


def figure(c: Claim) -> Figure:
    return Figure(id=c.id, kind=c.kind, value=c.value, qualifier=c.qualifier, low=c.low, high=c.high,
                  scope=c.scope, metric=c.metric, originator=c.originator, as_of=c.as_of,
                  order_key=c.order_key)


def order_key(as_of: date | None, published: date | None, value: int, chash: str, start: int) -> str:
    """A total order of claims that does not depend on when they were ingested.

    Within one day and one publication date, figures sort by value, so copies of the
    same figure sit side by side (repeats) and a same-day rise reads as one update.
    """
    d = as_of.isoformat() if as_of else "0000-00-00"
    p = published.isoformat() if published else "0000-00-00"
    return f"{d}|{p}|{min(value, 10**15 - 1):015d}|{chash[:24]}|{start:010d}"


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
    for link in have:
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


def _cross_decisions(session: Session, figures: Sequence[Figure], cfg: Config) -> dict[tuple[int, int], Decision]:
    """The links of ``figures`` with other originators' figures of their metric in the
    time window (SPEC §3: agrees, contradicts), read in one statement: each metric's
    figures within ``window_days`` of one of ``figures``, never more."""
    reach = timedelta(days=cfg.window_days)
    by_metric: dict[str, list[Figure]] = defaultdict(list)
    for f in figures:
        if f.as_of is not None:
            by_metric[f.metric].append(f)
    spans = [(m, lo, hi) for m in sorted(by_metric) for lo, hi in _date_windows((f.as_of for f in by_metric[m]), reach)]
    want = {}
    for (metric, lo, hi), rows in zip(spans, repo.metric_spans(session, spans)):
        others = [Figure(*r) for r in rows]
        for me in by_metric[metric]:
            if not lo <= me.as_of <= hi:
                continue
            for other in others:
                if other.originator == me.originator or abs((other.as_of - me.as_of).days) > cfg.window_days:
                    continue
                newer, older = (me, other) if me.order_key > other.order_key else (other, me)
                d = relate(newer, older, cfg.window_days)
                if d is not None:
                    want[(d.a, d.b)] = d
    return want


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
    dated = [f for f in figures if f.as_of is not None]
    if not dated:
        return 0
    session.flush()
    chains: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in dated:
        chains[(f.metric, f.originator)].add(f.order_key)
    order = sorted(chains)
    spans = [(metric, who, key, key) for metric, who in order for key in sorted(chains[(metric, who)])]
    windows = iter(repo.chain_spans(session, spans, CHAIN_REACH))
    want: dict[tuple[int, int], Decision] = {}
    targets: set[int] = set()
    for chain in order:
        keys = sorted(chains[chain])
        for rows, first in _chain_segments(keys, [next(windows) for _ in keys]):
            moved = {r.id for r in rows if r.order_key >= first}
            decided = chain_links([Figure(*r) for r in rows], moved, cfg.window_days, CHAIN_REACH)
            want.update({(d.a, d.b): d for d in decided.values() if d is not None})
            targets |= moved
    cross = _cross_decisions(session, dated, cfg)  # other originators: never a pair of the chain's
    return _reconcile(session, repo.chain_links_from(session, sorted(targets)), want, cfg, tally, cross.values())


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
    decided = chain_links([Figure(*r) for r in (*before, *after)], targets, cfg.window_days, CHAIN_REACH)
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
    session.flush()
    link_claim(session, claim, cfg, counter)
    return True


# ---- copies ----------------------------------------------------------------------------

def _copy_rank(article: Article) -> tuple:
    return (article.published or date.max, article.content_hash)


def resolve_copies(session: Session, placed: Sequence[Placed], cfg: Config) -> bool:
    """Find stored copies of the ``placed`` articles (syndication, light rewrites).

    Candidates are the stored articles stating one of an article's figures (one query
    for the batch), kept when their text is a near-duplicate. In a group of copies the
    original is the earliest (published, then content hash), whatever order they
    arrived in, and unattributed figures in every copy originate with its outlet.
    Returns whether any claim moved to another originator.
    """
    figures = {p.pk: set(sorted({(c.kind, c.value, c.as_of) for c in p.claims if c.as_of is not None})[:50])
               for p in placed}
    candidates = repo.articles_sharing_figures(session, figures)
    if not candidates:
        return False
    texts = repo.copy_texts(session, {*candidates, *(o for os in candidates.values() for o in os)})
    moved = False
    for p in placed:
        copies = sorted(o for o in candidates.get(p.pk, ()) if copy_similarity(texts[o], texts[p.pk]) > 0)
        if not copies:
            continue
        group = repo.articles_by_id(session, [p.pk, *copies])
        original = min(group, key=_copy_rank)
        owner = originator(None, original.outlet.name if original.outlet else None)
        for member in group:
            want = None if member is original else original.id
            if member.copy_of_id != want:
                member.copy_of_id = want
            for claim in repo.unattributed_claims(session, member.id):
                moved |= set_originator(session, claim, owner, cfg, p.outcome.links)
        session.flush()
    return moved


# ---- articles --------------------------------------------------------------------------

@dataclass
class Placed:
    """An article row just stored (or re-extracted) in this transaction, with its claims."""

    pk: int
    art: ArticleIn
    chash: str
    claims: list
    outcome: Outcome
    figures: list[Figure] = field(default_factory=list)


def _lock_keys(claims) -> set[str]:
    """Metrics the claims touch, and their figures (copies of one story share figures)."""
    keys = set()
    for c in claims:
        keys.add(metric_key(c.kind, c.region, c.subject_class, c.scope, c.period))
        keys.add(f"copy:{c.kind}:{c.value}")
    return keys


def _claim_row(c, p: Placed, sources: dict[str, int]) -> dict:
    return dict(
        article_id=p.pk, kind=c.kind, value=c.value, qualifier=c.qualifier, low=c.low, high=c.high,
        scope=c.scope, period=c.period, subject=c.subject, subject_class=c.subject_class or "people",
        location=c.location, region=c.region or "", source=c.source, source_id=sources.get(c.source_canonical),
        originator=originator(c.source_canonical, p.art.outlet), as_of=c.as_of,
        quote=c.quote, start=c.start, end=c.end,
        metric=metric_key(c.kind, c.region, c.subject_class, c.scope, c.period),
        order_key=order_key(c.as_of, p.art.published, c.value, p.chash, c.start))


def place_claims(session: Session, placed: Sequence[Placed], cfg: Config) -> None:
    """Store the claims of articles just stored, resolve copies, and link them (one pass).

    Takes the advisory locks of the metrics and figures the claims touch (a caller that
    changes claims before, like :func:`reprocess_article`, takes them first).
    """
    seen: dict[str, set[str]] = defaultdict(set)
    for p in placed:
        for c in p.claims:
            if c.source_canonical:
                seen[c.source_canonical].add(c.source)
    sources = repo.source_ids(session, seen)
    rows = [(p, _claim_row(c, p, sources)) for p in placed for c in p.claims]
    ids = repo.insert_claims(session, [r for _, r in rows])
    # claims inserted but not committed are seen by no other writer; from here on this
    # transaction reads and links its metrics' neighbours, so it holds their locks
    repo.lock_keys(session, {k for p in placed for k in _lock_keys(p.claims)})
    owner: dict[int, Placed] = {}
    for claim_id, (p, r) in zip(ids, rows):
        p.figures.append(Figure(claim_id, r["kind"], r["value"], r["qualifier"], r["low"], r["high"], r["scope"],
                                r["metric"], r["originator"], r["as_of"], r["order_key"]))
        owner[claim_id] = p
    if resolve_copies(session, placed, cfg):
        now = repo.originators(session, owner)
        for p in placed:
            p.figures = [replace(f, originator=now[f.id]) for f in p.figures]
    first = placed[0].outcome.links if placed else Counter()

    def tally(key: str, a: int, b: int) -> None:
        # a change counts for the article whose new claim caused it
        p = owner.get(a) or owner.get(b)
        (p.outcome.links if p else first).update((key,))

    link_claims(session, [f for p in placed for f in p.figures], cfg, tally)


def store_articles(session: Session, arts: Sequence[ArticleIn], aliases: Aliases, cfg: Config) -> list[Outcome]:
    """Store articles with their claims and links, inside the caller's transaction.

    A batch costs a few statements whatever its size: known articles are found by
    content hash in one query, every advisory lock is taken in one sorted statement
    before any insert, and articles, claims and links are inserted in one statement each.
    Outcomes come back in the order of ``arts``; an article stated twice in the batch is
    stored once.
    """
    from worker.core.extract import extract

    hashes = [content_hash(a.text) for a in arts]
    outcomes: list[Outcome | None] = [None] * len(arts)
    known = repo.stored_hashes(session, hashes)
    todo, claims = [], {}
    for i, (art, chash) in enumerate(zip(arts, hashes)):
        if chash in known:
            outcomes[i] = Outcome(art.id, "known")
        else:
            todo.append(i)
            claims[i] = extract(art, aliases)
    # the article's own keys first (its text, id and url: a copy of this batch running at
    # the same time waits here), then rows in sorted order; the metrics it links into are
    # locked last, in place_claims, so the locks that serialise workers are held only
    # while linking and committing
    repo.lock_keys(session, {k for i in todo for k in (f"article:{hashes[i]}", f"id:{arts[i].id}",
                                                         f"url:{arts[i].outlet}|{arts[i].url}" if arts[i].url else "")
                             if k}, repo.ARTICLE_LOCKS)
    ids = repo.hashes_of_ext_ids(session, [arts[i].id for i in todo])
    outlets = repo.outlet_ids(session, [arts[i].outlet for i in todo])
    urls = repo.stored_urls(session, [(outlets.get(arts[i].outlet), arts[i].url) for i in todo])
    rows, pending = [], []
    accepted: set[str] = set()
    for i in todo:
        art, chash = arts[i], hashes[i]
        url = (outlets.get(art.outlet), art.url)
        if chash in accepted:  # stated twice in this batch: stored once, as in two transactions
            outcomes[i] = Outcome(art.id, "known")
            continue
        if art.id in ids:
            outcomes[i] = Outcome(art.id, "known") if ids[art.id] == chash else \
                Outcome(art.id, "rejected", f"article id {art.id!r} is already stored with a different text")
            continue
        if url in urls:
            outcomes[i] = Outcome(art.id, "rejected",
                                  f"url {art.url} of {art.outlet} is already stored with a different text")
            continue
        ids[art.id] = chash
        accepted.add(chash)
        if url[0] is not None and url[1] is not None:
            urls.add(url)
        rows.append({"ext_id": art.id, "content_hash": chash, "outlet_id": url[0], "url": art.url,
                     "published": art.published, "title": art.title, "text": art.text, "copy_of_id": None,
                     "ingested_at": utcnow()})
        pending.append(i)
    # insert-or-ignore on the content hash: a copy of this task running at the same time
    # stores an article once, the other finds it known
    stored = repo.insert_articles(session, sorted(rows, key=lambda r: r["content_hash"]))
    placed = []
    for i in pending:
        pk = stored.get(hashes[i])
        if pk is None:
            outcomes[i] = Outcome(arts[i].id, "known")
            continue
        outcomes[i] = Outcome(arts[i].id, "stored", claims=len(claims[i]), article_pk=pk)
        placed.append(Placed(pk, arts[i], hashes[i], claims[i], outcomes[i]))
    place_claims(session, placed, cfg)
    return outcomes


def ingest_many(engine: Engine, arts: Sequence[ArticleIn], aliases: Aliases, cfg: Config,
                origins: Sequence[str] | None = None, reraise: tuple[type[BaseException], ...] = ()) -> list[Outcome]:
    """Store articles in one transaction; failures are recorded, never raised past here.

    When the transaction fails, each article is tried again in a transaction of its own,
    so one bad article is recorded as failed (with its payload and a traceback summary)
    and the others are stored. Exceptions of the types in ``reraise`` (e.g. the transient
    errors a queue task retries) propagate instead, with nothing stored.
    """
    origins = list(origins or ())
    origins += [""] * (len(arts) - len(origins))
    try:
        with session_scope(engine) as session:
            outcomes = store_articles(session, arts, aliases, cfg)
        for out, origin in zip(outcomes, origins):
            if out.status == "rejected":
                record_rejection(engine, origin or out.article, out.article, out.reason)
        return outcomes
    except reraise:
        raise
    except Exception as e:  # noqa: BLE001 - recorded with its traceback, the run goes on
        if len(arts) > 1:
            return [ingest_many(engine, [a], aliases, cfg, [o], reraise)[0] for a, o in zip(arts, origins)]
        art = arts[0]
        reason = f"{type(e).__name__}: {e}".splitlines()[0][:500]
        record_rejection(engine, origins[0] or art.id, art.id, reason, payload=article_payload(art),
                         traceback=tb.format_exc()[-4000:], status="failed")
        return [Outcome(art.id, "failed", reason)]


def ingest_one(engine: Engine, art: ArticleIn, aliases: Aliases, cfg: Config, origin: str = "") -> Outcome:
    """One article, one transaction (see :func:`ingest_many`)."""
    return ingest_many(engine, [art], aliases, cfg, [origin])[0]


def article_payload(art: ArticleIn) -> dict:
    """The SPEC §1 JSON of an article (for retries and the queue)."""
    return {"id": art.id, "url": art.url, "outlet": art.outlet,
            "published": art.published.isoformat() if art.published else None,
            "title": art.title, "text": art.text}


def record_rejection(engine: Engine, origin: str, article: str | None, reason: str, *,
                     payload: dict | None = None, traceback: str | None = None, status: str = "rejected") -> None:
    """Record a rejection or failure, in its own transaction, unless the same one is
    recorded already (a message delivered twice, a file ingested twice)."""
    article = article[:255] if article else article  # the column's width; an over-long id is itself the error
    with session_scope(engine) as session:
        if not repo.rejection_recorded(session, origin, article, reason, status):
            repo.record_rejection(session, origin, article, reason, payload=payload, traceback=traceback,
                                  status=status)


# ---- re-processing and re-checks ---------------------------------------------------------

def relink(session: Session, claim: Claim, cfg: Config, counter: Counter) -> int:
    """Make the links ``claim`` starts (its chain link, its cross links) what they should be.

    Links that end at ``claim`` are the business of the claims that start them, so
    re-linking every claim of a window fixes the window. Idempotent: a second run
    changes nothing. Returns how many links changed.
    """
    tally = counting(counter)
    if claim.as_of is None:
        return _reconcile(session, repo.links_of(session, claim.id), {}, cfg, tally)
    me = figure(claim)
    before, _ = repo.chain_window(session, claim.metric, claim.originator, claim.order_key, CHAIN_REACH)
    decided = chain_links([*(Figure(*r) for r in before), me], {claim.id}, cfg.window_days, CHAIN_REACH)
    want = {(d.a, d.b): d for d in decided.values() if d is not None}
    want.update(_cross_decisions(session, [me], cfg))
    have = [lk for lk in repo.links_of(session, claim.id)
            if lk.a_id == claim.id or lk.relation not in repo.CHAIN_RELATIONS]
    return _reconcile(session, have, want, cfg, tally)


def reprocess_article(session: Session, article_pk: int, aliases: Aliases, cfg: Config) -> Outcome | None:
    """Extract a stored article again (e.g. after the alias tables changed) and relink it.

    Returns None when there is no such article (a task for a deleted row is a no-op).
    """
    from worker.core.extract import extract

    row = session.get(Article, article_pk)
    if row is None:
        return None
    art = ArticleIn(id=row.ext_id, text=row.text, title=row.title, url=row.url,
                    outlet=row.outlet.name if row.outlet else None, published=row.published)
    claims = extract(art, aliases)
    old = list(row.claims)
    repo.lock_keys(session, _lock_keys([*old, *claims]))
    outcome = Outcome(row.ext_id, "stored", claims=len(claims), article_pk=row.id)
    for claim in old:
        unlink_claim(session, claim, cfg, outcome.links)
        session.delete(claim)
    session.flush()
    session.expire(row, ["claims"])
    place_claims(session, [Placed(row.id, art, row.content_hash, claims, outcome)], cfg)
    return outcome


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
