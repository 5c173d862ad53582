"""The imperative shell: load → core → persist, one transaction per batch of articles.

Linking (chains, observations, flags, re-checks) lives in :mod:`worker.linking`.

The CLI and the Celery tasks both call these functions; neither holds logic of its own.
"""
from __future__ import annotations

import traceback as tb
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Sequence

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from store import repository as repo
from store.db import session_scope
from store.models import Article, utcnow
from worker.articles import recordable_payload, storable
from worker.core.fingerprint import content_hash, copy_similarity
from worker.core.identity import (
    SourceNames, article_country, containing, outermost, parts_beside_totals, regions_text, unknown_place,
)
from worker.core.relate import Figure, interval_of, metric_key, originator
from worker.core.types import Aliases, ArticleIn
from worker.linking import (  # noqa: F401 - the pipeline's API, re-exported for its callers
    CHAIN_REACH, FIGURE_FIELDS, Config, counting, figure, figure_of, link_claim, link_claims, observation_key,
    order_key, recheck, relink, set_originator, unlink_claim,
)


@dataclass
class Outcome:
    """What happened to one article."""

    article: str
    status: str  # stored · known · rejected · failed
    reason: str | None = None
    claims: int = 0
    links: Counter = field(default_factory=Counter)
    article_pk: int | None = None


# ---- copies ----------------------------------------------------------------------------

def _copy_rank(article: Article) -> tuple:
    return (article.published or date.max, article.content_hash)


def resolve_copies(session: Session, placed: Sequence[Placed], cfg: Config) -> bool:
    """Find stored copies of the ``placed`` articles (syndication, light rewrites).

    Candidates are the stored articles stating one of an article's figures, one of them
    as its own (two queries for the batch), kept when their text is a near-duplicate. A group of copies is
    known by its original, so an article is compared with the originals of its
    candidates' groups, never with every copy: a story carried by 300 outlets costs one
    comparison per article, not 300. In a group the original is the earliest
    (published, then content hash), whatever order they arrived in, and unattributed
    figures in every copy originate with its outlet. Returns whether any claim moved to
    another originator.
    """
    figures = {p.pk: set(sorted({(c.kind, c.value, c.as_of, c.source_canonical is None)
                                 for c in p.claims if c.as_of is not None})[:50])
               for p in placed}
    candidates = repo.articles_sharing_figures(session, figures)
    if not candidates:
        return False
    root = repo.copy_roots(session, {*candidates, *(o for os in candidates.values() for o in os)})
    texts: dict[int, str] = {}
    moved = False
    for p in placed:
        heads = sorted({root.get(o, o) for o in candidates.get(p.pk, ())} - {p.pk, root.get(p.pk, p.pk)})
        texts.update(repo.copy_texts(session, [h for h in (p.pk, *heads) if h not in texts]))
        similar = [h for h in heads if copy_similarity(texts[h], texts[p.pk]) > 0]
        if not similar:
            continue
        members = repo.articles_by_id(session, [p.pk, *similar])
        original = min(members, key=_copy_rank)
        # the copies of a group whose original is no longer the earliest follow the new one
        losers = [m.id for m in members if m is not original and m.id != p.pk]
        if losers:
            members += repo.copies_of(session, losers)
        owner = originator(None, original.outlet.name if original.outlet else None)
        changed = []
        for member in members:
            want = None if member is original else original.id
            root[member.id] = original.id
            if member.copy_of_id != want or member.id == p.pk:
                # not yet in the group under this original: its own figures follow it
                member.copy_of_id = want
                changed.append(member.id)
        if changed != [p.pk] or any(c.source_canonical is None for c in p.claims):
            for claim in repo.unattributed_claims(session, changed):
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


_NAMES: list[tuple[Aliases, SourceNames]] = []


def source_names(aliases: Aliases) -> SourceNames:
    """The source-name resolver of these alias tables (built once per tables)."""
    for have, names in _NAMES:
        if have is aliases:
            return names
    _NAMES[:] = [(aliases, SourceNames(aliases))]
    return _NAMES[0][1]


def claim_metric(c) -> str:
    """The metric of an extracted claim: keyed by the widest region of its place."""
    return metric_key(c.kind, outermost(c.region, tuple(c.regions)), c.subject_class, c.scope, c.period)


def _lock_keys(claims) -> set[str]:
    """Metrics the claims touch, and their figures (copies of one story share figures)."""
    keys = set()
    for c in claims:
        keys.add(getattr(c, "metric", None) or claim_metric(c))
        keys.add(f"copy:{c.kind}:{c.value}")
    return keys


def _claim_row(c, p: Placed, sources: dict[str, int], names: SourceNames, country: str | None = None) -> dict:
    region = c.region or ""
    regions = tuple(c.regions) or containing(region)
    if country and country != region and unknown_place(region, regions):
        # a place the gazetteers do not know lies in the country of the article's other
        # figures: its figures meet theirs in one metric (related, never a conflict)
        regions = (country,)
    metric = metric_key(c.kind, outermost(region, regions), c.subject_class, c.scope, c.period)
    who = names.originator(c.source_canonical, p.art.outlet)
    key = order_key(c.as_of, p.art.published, c.value, p.chash, c.start, c.role)
    return dict(
        article_id=p.pk, kind=c.kind, value=c.value, qualifier=c.qualifier, low=c.low, high=c.high,
        scope=c.scope, period=c.period, subject=c.subject, subject_class=c.subject_class or "people",
        location=c.location, region=region, source=c.source, source_id=sources.get(c.source_canonical),
        originator=who, as_of=c.as_of, quote=c.quote, start=c.start, end=c.end, metric=metric, order_key=key,
        role=c.role, regions=regions_text(regions),
        observation=observation_key(metric, region, who, key, c.qualifier, c.low, c.high, c.value))


def place_claims(session: Session, placed: Sequence[Placed], cfg: Config, aliases: Aliases) -> None:
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
    names = source_names(aliases)
    rows = []
    for p in placed:
        country = article_country([(c.region or "", tuple(c.regions) or containing(c.region or "")) for c in p.claims])
        mine = [_claim_row(c, p, sources, names, country) for c in p.claims]
        parts = parts_beside_totals([(i, r["originator"], r["metric"], r["region"], r["order_key"][:10], r["role"],
                                      r["value"], *interval_of(r["value"], r["qualifier"], r["low"], r["high"]))
                                     for i, r in enumerate(mine)])
        rows += [(p, dict(r, role="part") if i in parts else r) for i, r in enumerate(mine)]
    ids = repo.insert_claims(session, [r for _, r in rows])
    # claims inserted but not committed are seen by no other writer; from here on this
    # transaction reads and links its metrics' neighbours, so it holds their locks
    repo.lock_keys(session, {k for p in placed for k in _lock_keys(p.claims)})
    owner: dict[int, Placed] = {}
    for claim_id, (p, r) in zip(ids, rows):
        p.figures.append(figure_of((claim_id, *(r[k] for k in FIGURE_FIELDS))))
        owner[claim_id] = p
    if resolve_copies(session, placed, cfg):
        now = repo.originators(session, owner)
        for p in placed:
            p.figures = [replace(f, originator=now[f.id][0], observation=now[f.id][1]) for f in p.figures]
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
    place_claims(session, placed, cfg, aliases)
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
    # what comes from bad input is made storable here, the one door into `rejections`:
    # lone surrogates and NUL cannot be stored as text, a 50 MB payload should not be
    origin, reason, traceback = storable(origin) or "", storable(reason) or "", storable(traceback)
    article = storable(article)[:255] if article else article  # the column's width; an over-long id is itself the error
    payload = recordable_payload(payload)
    with session_scope(engine) as session:
        if not repo.rejection_recorded(session, origin, article, reason, status):
            repo.record_rejection(session, origin, article, reason, payload=payload, traceback=traceback,
                                  status=status)


# ---- re-processing and re-checks ---------------------------------------------------------

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
    place_claims(session, [Placed(row.id, art, row.content_hash, claims, outcome)], cfg, aliases)
    return outcome
