"""The imperative shell: one transaction per article — load → core → persist.

The CLI and the Celery tasks both call these functions; neither holds logic of its own.
"""
from __future__ import annotations

import traceback as tb
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from store import repository as repo
from store.db import session_scope
from store.models import Article, Claim, ClaimLink, utcnow
from worker import settings
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


def _copy_rank(article: Article) -> tuple:
    return (article.published or date.max, article.content_hash)


def _outlet_name(article: Article) -> str | None:
    return article.outlet.name if article.outlet else None


# ---- linking ---------------------------------------------------------------------------

def _apply(session: Session, d: Decision | None, cfg: Config, counter: Counter) -> None:
    if d is None:
        return
    if repo.insert_ignore(session, ClaimLink, {"a_id": d.a, "b_id": d.b, "relation": d.relation,
                                                "score": d.score, "reason": d.reason}, ["a_id", "b_id"]):
        counter[d.relation] += 1
        if d.relation in cfg.review_relations:
            open_flag(session, d)


def open_flag(session: Session, d: Decision) -> None:
    """Open a review flag for a link, or note new evidence on an existing one."""
    from worker import review  # noqa: PLC0415 - review imports pipeline helpers

    review.flag_link(session, d)


# how far along an originator's chain a figure may look for its predecessor, stepping over
# figures that cannot be the same count; bounds the work per claim
CHAIN_REACH = 12


def _reconcile(session: Session, have: list[ClaimLink], want: dict[tuple[int, int], Decision],
               cfg: Config, counter: Counter) -> int:
    """Make the links ``have`` equal to ``want``; returns how many changed."""
    changed = 0
    for link in have:
        d = want.pop((link.a_id, link.b_id), None)
        if d is None:
            counter[f"-{link.relation}"] += 1
            repo.delete_link(session, link)
            changed += 1
        elif (d.relation, d.reason) != (link.relation, link.reason):
            counter[f"~{link.relation}>{d.relation}"] += 1
            link.relation, link.score, link.reason = d.relation, d.score, d.reason
            if d.relation in cfg.review_relations:
                open_flag(session, d)
            changed += 1
    for d in want.values():
        before = counter[d.relation]
        _apply(session, d, cfg, counter)
        changed += counter[d.relation] != before
    session.flush()
    return changed


def sync_chain(session: Session, metric: str, originator: str, order_key: str, cfg: Config,
               counter: Counter, claim: Claim | None = None) -> int:
    """Recompute one originator's chain links around ``order_key`` (SPEC §3: repeats,
    updates, revises_down to the latest earlier figure).

    ``claim`` is a figure just placed there; without it, a figure just left. Either way
    the figures after it may now have another predecessor, so their links are
    recomputed too. Returns how many links changed.
    """
    # strict < and > around order_key: a claim leaving the chain is not in its own window
    before, after = repo.chain_window(session, metric, originator, order_key, CHAIN_REACH)
    chain = [Figure(*r) for r in before] + ([figure(claim)] if claim is not None else []) \
        + [Figure(*r) for r in after]
    targets = {r.id for r in after} | ({claim.id} if claim is not None else set())
    decided = chain_links(chain, targets, cfg.window_days)
    want = {(d.a, d.b): d for d in decided.values() if d is not None}
    return _reconcile(session, repo.chain_links_from(session, sorted(targets)), want, cfg, counter)


def cross_links(session: Session, claim: Claim, cfg: Config) -> dict[tuple[int, int], Decision]:
    """``claim``'s links with other originators' figures of its metric in the time window."""
    want = {}
    me = figure(claim)
    for row in repo.window_claims(session, claim, cfg.window_days):
        other = Figure(*row)
        newer, older = (me, other) if me.order_key > other.order_key else (other, me)
        d = relate(newer, older, cfg.window_days)
        if d is not None:
            want[(d.a, d.b)] = d
    return want


def link_claim(session: Session, claim: Claim, cfg: Config, counter: Counter) -> None:
    """Link ``claim`` into its metric as if every claim had arrived in order (SPEC §3)."""
    if claim.as_of is None:
        return
    sync_chain(session, claim.metric, claim.originator, claim.order_key, cfg, counter, claim)
    for d in cross_links(session, claim, cfg).values():
        _apply(session, d, cfg, counter)


def unlink_claim(session: Session, claim: Claim, cfg: Config, counter: Counter) -> None:
    """Take ``claim`` out of the link graph; its originator's chain closes over the gap."""
    for link in repo.links_of(session, claim.id):
        counter[f"-{link.relation}"] += 1
        repo.delete_link(session, link)
    session.flush()
    if claim.as_of is not None:
        # still stored until the caller moves or deletes it: its successors look past it
        sync_chain(session, claim.metric, claim.originator, claim.order_key, cfg, counter)


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

def resolve_copies(session: Session, article: Article, claims: list[Claim], cfg: Config,
                   counter: Counter) -> Article:
    """Find stored copies of ``article`` (syndication, light rewrites); return the original.

    The original is the earliest copy (published, then content hash), whatever order
    they arrived in; unattributed figures in every copy originate with its outlet.
    """
    figures = [(c.kind, c.value, c.as_of) for c in claims]
    copies = [a for a in repo.copy_candidates(session, article.id, figures)
              if copy_similarity(a.text, article.text) > 0]
    if not copies:
        return article
    group = [article, *copies]
    original = min(group, key=_copy_rank)
    owner = originator(None, _outlet_name(original))
    for member in group:
        want = None if member is original else original.id
        if member.copy_of_id != want:
            member.copy_of_id = want
        for claim in repo.unattributed_claims(session, member.id):
            if member is article:
                claim.originator = owner  # not linked yet: the caller links it
            else:
                set_originator(session, claim, owner, cfg, counter)
    session.flush()
    return original


# ---- one article -----------------------------------------------------------------------

def _lock_keys(claims) -> set[str]:
    """Metrics the claims touch, and their figures (copies of one story share figures)."""
    keys = set()
    for c in claims:
        keys.add(metric_key(c.kind, c.region, c.subject_class, c.scope, c.period))
        keys.add(f"copy:{c.kind}:{c.value}")
        if c.source_canonical:
            keys.add(f"source:{c.source_canonical}")
    return keys


def _claim_rows(session: Session, row: Article, art: ArticleIn, claims) -> list[Claim]:
    return [Claim(
        article_id=row.id, kind=c.kind, value=c.value, qualifier=c.qualifier, low=c.low, high=c.high,
        scope=c.scope, period=c.period, subject=c.subject, subject_class=c.subject_class or "people",
        location=c.location, region=c.region or "", source=c.source,
        source_id=repo.source_id(session, c.source_canonical, c.source),
        originator=originator(c.source_canonical, art.outlet), as_of=c.as_of,
        quote=c.quote, start=c.start, end=c.end,
        metric=metric_key(c.kind, c.region, c.subject_class, c.scope, c.period),
        order_key=order_key(c.as_of, art.published, c.value, row.content_hash, c.start)) for c in claims]


def store_article(session: Session, art: ArticleIn, aliases: Aliases, cfg: Config,
                  origin: str = "") -> Outcome:
    """Store one article with its claims and links, inside the caller's transaction."""
    from worker.core.extract import extract

    chash = content_hash(art.text)
    if repo.article_by_hash(session, chash) is not None:
        return Outcome(art.id, "known")
    claims = extract(art, aliases)
    # every row this transaction may wait on is behind an advisory lock taken here, in
    # sorted order, before any insert: concurrent workers queue up instead of deadlocking
    repo.lock_keys(session, _lock_keys(claims) | {f"article:{chash}", f"id:{art.id}", f"outlet:{art.outlet}"})
    if repo.article_by_ext_id(session, art.id) is not None:
        if repo.article_by_hash(session, chash) is not None:
            return Outcome(art.id, "known")
        return Outcome(art.id, "rejected", f"article id {art.id!r} is already stored with a different text")
    out_id = repo.outlet_id(session, art.outlet)
    if repo.article_by_outlet_url(session, out_id, art.url) is not None:
        return Outcome(art.id, "rejected", f"url {art.url} of {art.outlet} is already stored with a different text")
    # insert-or-ignore on the content hash: a copy of this task running at the same
    # time stores the article once, the other finds it known
    if not repo.insert_ignore(session, Article, {
            "ext_id": art.id, "content_hash": chash, "outlet_id": out_id, "url": art.url,
            "published": art.published, "title": art.title, "text": art.text,
            "ingested_at": utcnow()}, ["content_hash"]):
        return Outcome(art.id, "known")
    row = repo.article_by_hash(session, chash)
    outcome = Outcome(art.id, "stored", claims=len(claims), article_pk=row.id)
    rows = _claim_rows(session, row, art, claims)
    session.add_all(rows)
    session.flush()
    resolve_copies(session, row, rows, cfg, outcome.links)
    for claim in sorted(rows, key=lambda r: r.order_key):
        link_claim(session, claim, cfg, outcome.links)
    return outcome


def ingest_one(engine: Engine, art: ArticleIn, aliases: Aliases, cfg: Config, origin: str = "") -> Outcome:
    """One article, one transaction. Failures are recorded, never raised past here."""
    try:
        with session_scope(engine) as session:
            outcome = store_article(session, art, aliases, cfg, origin)
            if outcome.status == "rejected":
                repo.record_rejection(session, origin or art.id, art.id, outcome.reason)
            return outcome
    except Exception as e:  # noqa: BLE001 - recorded with its traceback, the run goes on
        reason = f"{type(e).__name__}: {e}".splitlines()[0][:500]
        with session_scope(engine) as session:
            repo.record_rejection(session, origin or art.id, art.id, reason,
                                  payload=article_payload(art), traceback=tb.format_exc()[-4000:],
                                  status="failed")
        return Outcome(art.id, "failed", reason)


def article_payload(art: ArticleIn) -> dict:
    """The SPEC §1 JSON of an article (for retries and the queue)."""
    return {"id": art.id, "url": art.url, "outlet": art.outlet,
            "published": art.published.isoformat() if art.published else None,
            "title": art.title, "text": art.text}


def record_rejection(engine: Engine, origin: str, article: str | None, reason: str,
                     payload: dict | None = None) -> None:
    with session_scope(engine) as session:
        repo.record_rejection(session, origin, article, reason, payload=payload)


# ---- re-processing and re-checks ---------------------------------------------------------

def relink(session: Session, claim: Claim, cfg: Config, counter: Counter) -> int:
    """Make the links ``claim`` starts (its chain link, its cross links) what they should be.

    Links that end at ``claim`` are the business of the claims that start them, so
    re-linking every claim of a window fixes the window. Idempotent: a second run
    changes nothing. Returns how many links changed.
    """
    if claim.as_of is None:
        return _reconcile(session, repo.links_of(session, claim.id), {}, cfg, counter)
    before, _ = repo.chain_window(session, claim.metric, claim.originator, claim.order_key, CHAIN_REACH)
    decided = chain_links([*(Figure(*r) for r in before), figure(claim)], {claim.id}, cfg.window_days)
    want = {(d.a, d.b): d for d in decided.values() if d is not None}
    want.update(cross_links(session, claim, cfg))
    have = [lk for lk in repo.links_of(session, claim.id)
            if lk.a_id == claim.id or lk.relation not in repo.CHAIN_RELATIONS]
    return _reconcile(session, have, want, cfg, counter)


def reprocess_article(session: Session, article_pk: int, aliases: Aliases, cfg: Config) -> Outcome | None:
    """Extract a stored article again (e.g. after the alias tables changed) and relink it.

    Returns None when there is no such article (a task for a deleted row is a no-op).
    """
    from worker.core.extract import extract

    row = session.get(Article, article_pk)
    if row is None:
        return None
    counter: Counter = Counter()
    for claim in list(row.claims):
        unlink_claim(session, claim, cfg, counter)
        session.delete(claim)
    session.flush()
    session.expire(row, ["claims"])
    art = ArticleIn(id=row.ext_id, text=row.text, title=row.title, url=row.url,
                    outlet=row.outlet.name if row.outlet else None, published=row.published)
    claims = extract(art, aliases)
    repo.lock_keys(session, _lock_keys(claims))
    rows = _claim_rows(session, row, art, claims)
    session.add_all(rows)
    session.flush()
    resolve_copies(session, row, rows, cfg, counter)
    for claim in sorted(rows, key=lambda r: r.order_key):
        link_claim(session, claim, cfg, counter)
    return Outcome(row.ext_id, "stored", claims=len(rows), links=counter, article_pk=row.id)


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
