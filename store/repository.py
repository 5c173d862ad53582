"""Queries. Functions take a session and never commit: the caller owns the transaction."""
from __future__ import annotations

import zlib
from datetime import date, timedelta
from typing import Iterable, Sequence

from sqlalchemy import Select, bindparam, delete, func, or_, select, text, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased, joinedload

from store.models import Article, Claim, ClaimLink, Flag, Outlet, Rejection, Source


_INSERT_IGNORE: dict[tuple, object] = {}


def insert_ignore(session: Session, model, values: dict, conflict: Sequence[str]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when a row was inserted.

    Idempotent by construction: a task delivered twice inserts once. The statement is
    built once per table, columns and dialect, then run with bound values.
    """
    dialect = session.get_bind().dialect.name
    key = (dialect, model, tuple(sorted(values)), tuple(conflict))
    stmt = _INSERT_IGNORE.get(key)
    if stmt is None:
        ins = postgresql.insert if dialect == "postgresql" else sqlite.insert
        # RETURNING, not rowcount: drivers report -1 for rowcount on some inserts
        stmt = _INSERT_IGNORE[key] = (
            ins(model).values({k: bindparam(k) for k in key[2]})
            .on_conflict_do_nothing(index_elements=list(conflict)).returning(model.id))
    return session.execute(stmt, values).first() is not None


def lock_keys(session: Session, keys: Iterable[str]) -> None:
    """Serialise writers that touch the same metrics (PostgreSQL advisory locks).

    Locks are taken in sorted order (no deadlock) and released at commit. SQLite has
    a single writer already, so nothing is needed there.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    ids = sorted({zlib.crc32(key.encode("utf-8")) for key in keys})
    if ids:
        # one round trip; unnest yields the array in order, so every writer takes its
        # locks in the same ascending order
        session.execute(text("SELECT count(pg_advisory_xact_lock(k)) FROM unnest(CAST(:ids AS bigint[])) AS k"),
                        {"ids": ids})


_OUTLET_ID = select(Outlet.id).where(Outlet.name == bindparam("name"))
_SOURCE = select(Source).where(Source.canonical == bindparam("canonical"))


def outlet_id(session: Session, name: str | None) -> int | None:
    """The id of outlet ``name``, created if new."""
    if not name:
        return None
    found = session.scalar(_OUTLET_ID, {"name": name})
    if found is None:
        insert_ignore(session, Outlet, {"name": name}, ["name"])
        found = session.scalar(_OUTLET_ID, {"name": name})
    return found


def source_id(session: Session, canonical: str | None, alias: str | None) -> int | None:
    """The id of canonical source ``canonical``; remembers ``alias`` as a name it was seen under."""
    if not canonical:
        return None
    src = session.scalars(_SOURCE, {"canonical": canonical}).first()
    if src is None:
        insert_ignore(session, Source, {"canonical": canonical, "aliases": []}, ["canonical"])
        src = session.scalars(_SOURCE, {"canonical": canonical}).one()
    if alias and alias not in src.aliases and len(src.aliases) < 200:
        src.aliases = [*src.aliases, alias]
    return src.id


def article_by_hash(session: Session, content_hash: str) -> Article | None:
    return session.scalars(select(Article).where(Article.content_hash == content_hash)).first()


def article_by_ext_id(session: Session, ext_id: str) -> Article | None:
    return session.scalars(select(Article).where(Article.ext_id == ext_id)).first()


def article_by_outlet_url(session: Session, outlet: int | None, url: str | None) -> Article | None:
    if outlet is None or url is None:
        return None
    return session.scalars(select(Article).where(Article.outlet_id == outlet, Article.url == url)).first()


FIGURE_COLUMNS = (Claim.id, Claim.kind, Claim.value, Claim.qualifier, Claim.low, Claim.high, Claim.scope,
                  Claim.metric, Claim.originator, Claim.as_of, Claim.order_key)


# the linking hot path's statements are built once, with bound parameters: building
# SQL expressions per call costs more than running them
_CHAIN = select(*FIGURE_COLUMNS).where(Claim.metric == bindparam("metric"),
                                       Claim.originator == bindparam("originator"))
_CHAIN_BEFORE = (_CHAIN.where(Claim.order_key < bindparam("order_key"))
                 .order_by(Claim.order_key.desc()).limit(bindparam("reach")))
_CHAIN_AFTER = (_CHAIN.where(Claim.order_key > bindparam("order_key"))
                .order_by(Claim.order_key.asc()).limit(bindparam("reach")))
# both directions in one round trip, each an index range scan
_CHAIN_BOTH = union_all(select(_CHAIN_BEFORE.subquery()), select(_CHAIN_AFTER.subquery()))


def chain_window(session: Session, metric: str, originator: str, order_key: str,
                 reach: int) -> tuple[list, list]:
    """Up to ``reach`` claims of one originator's metric before and after ``order_key``, in
    order, as rows of :data:`FIGURE_COLUMNS` (plain tuples: this is the linking hot path)."""
    params = {"metric": metric, "originator": originator, "order_key": order_key, "reach": reach}
    rows = sorted(session.execute(_CHAIN_BOTH, params).all(), key=lambda r: r.order_key)
    return [r for r in rows if r.order_key < order_key], [r for r in rows if r.order_key > order_key]


CHAIN_RELATIONS = ("repeats", "updates", "revises_down")


_CHAIN_LINKS_FROM = select(ClaimLink).where(ClaimLink.a_id.in_(bindparam("ids", expanding=True)),
                                            ClaimLink.relation.in_(CHAIN_RELATIONS))


def chain_links_from(session: Session, a_ids: Sequence[int]) -> list[ClaimLink]:
    """The same-originator links whose newer side is one of ``a_ids``."""
    if not a_ids:
        return []
    return list(session.scalars(_CHAIN_LINKS_FROM, {"ids": list(a_ids)}))


_WINDOW = (select(*FIGURE_COLUMNS)
           .where(Claim.kind == bindparam("kind"), Claim.region == bindparam("region"),
                  Claim.as_of >= bindparam("lo"), Claim.as_of <= bindparam("hi"),
                  Claim.metric == bindparam("metric"), Claim.originator != bindparam("originator"),
                  Claim.id != bindparam("id"))
           .order_by(Claim.order_key))


def window_claims(session: Session, claim: Claim, days: int) -> list:
    """Other originators' claims of the same metric within ``days`` of ``claim.as_of``,
    as rows of :data:`FIGURE_COLUMNS`.

    Uses the (kind, region, as_of) or (metric, as_of) index; never a scan of the store.
    """
    if claim.as_of is None:
        return []
    lo, hi = claim.as_of - timedelta(days=days), claim.as_of + timedelta(days=days)
    return session.execute(_WINDOW, {"kind": claim.kind, "region": claim.region, "lo": lo, "hi": hi,
                                     "metric": claim.metric, "originator": claim.originator,
                                     "id": claim.id}).all()


def links_of(session: Session, claim_id: int) -> list[ClaimLink]:
    return list(session.scalars(select(ClaimLink).where(or_(ClaimLink.a_id == claim_id, ClaimLink.b_id == claim_id))))


_COPY_FIGURE = (select(Claim.article_id)
                .where(Claim.kind == bindparam("kind"), Claim.value == bindparam("value"),
                       Claim.as_of >= bindparam("lo"), Claim.as_of <= bindparam("hi"),
                       Claim.article_id != bindparam("article_id")))


def copy_candidates(session: Session, article_id: int, figures: Iterable[tuple[str, int, date | None]],
                    days: int = 3) -> list[Article]:
    """Stored articles that carry one of ``figures`` (kind, value, as_of) within ``days``.

    Syndicated copies state the same figures, so they are found through the claim
    index rather than by comparing every stored text.
    """
    ids: set[int] = set()
    for kind, value, as_of in sorted({f for f in figures if f[2] is not None})[:50]:
        ids.update(session.scalars(_COPY_FIGURE, {
            "kind": kind, "value": value, "lo": as_of - timedelta(days=days),
            "hi": as_of + timedelta(days=days), "article_id": article_id}))
    if not ids:
        return []
    return list(session.scalars(select(Article).where(Article.id.in_(sorted(ids)))
                                .options(joinedload(Article.outlet))))


def unattributed_claims(session: Session, article_id: int) -> list[Claim]:
    return list(session.scalars(select(Claim).where(Claim.article_id == article_id, Claim.source_id.is_(None))))


def record_rejection(session: Session, origin: str, article: str | None, reason: str,
                     payload: dict | None = None, traceback: str | None = None,
                     status: str = "rejected") -> Rejection:
    rej = Rejection(origin=origin[:2048], article=article, reason=reason, payload=payload,
                    traceback=traceback, status=status)
    session.add(rej)
    session.flush()
    return rej


# ---- queries for the CLI and exports -------------------------------------------------

def claims_query(kind: str | None = None, source: str | None = None, since: date | None = None,
                 region: str | None = None, article: str | None = None) -> Select:
    """Claims with their article, outlet and source, filtered, in a stable order."""
    stmt = (select(Claim).join(Article, Claim.article_id == Article.id)
            .options(joinedload(Claim.article).joinedload(Article.outlet), joinedload(Claim.source_ref)))
    if kind:
        stmt = stmt.where(Claim.kind == kind)
    if source:
        stmt = stmt.outerjoin(Source, Claim.source_id == Source.id).where(
            or_(func.lower(Source.canonical).contains(source.lower()),
                func.lower(Claim.source).contains(source.lower()),
                func.lower(Claim.originator).contains(source.lower())))
    if since:
        stmt = stmt.where(Claim.as_of >= since)
    if region:
        stmt = stmt.where(func.lower(Claim.region).contains(region.lower()))
    if article:
        stmt = stmt.where(Article.ext_id == article)
    return stmt.order_by(Claim.as_of, Article.ext_id, Claim.start, Claim.id)


def links_query(relation: Sequence[str] | None = None, kind: str | None = None, since: date | None = None,
                source: str | None = None, region: str | None = None) -> Select:
    """Links with both claims loaded, filtered, newest first then stable."""
    a, b = aliased(Claim), aliased(Claim)
    stmt = (select(ClaimLink).join(a, ClaimLink.a_id == a.id).join(b, ClaimLink.b_id == b.id)
            .options(joinedload(ClaimLink.a).joinedload(Claim.article).joinedload(Article.outlet),
                     joinedload(ClaimLink.a).joinedload(Claim.source_ref),
                     joinedload(ClaimLink.b).joinedload(Claim.article).joinedload(Article.outlet),
                     joinedload(ClaimLink.b).joinedload(Claim.source_ref)))
    if relation:
        stmt = stmt.where(ClaimLink.relation.in_(list(relation)))
    stmt = pair_filters(stmt, a, b, kind=kind, since=since, source=source, region=region)
    return stmt.order_by(a.as_of, a.order_key, b.order_key, ClaimLink.id)


def pair_filters(stmt: Select, a, b, kind: str | None = None, since: date | None = None,
                 source: str | None = None, region: str | None = None) -> Select:
    """Filters on a pair of claims (newer ``a``, earlier ``b``), shared by links and flags."""
    if kind:
        stmt = stmt.where(a.kind == kind)
    if since:
        stmt = stmt.where(a.as_of >= since)
    if source:
        s = source.lower()
        stmt = stmt.where(or_(func.lower(a.originator).contains(s), func.lower(b.originator).contains(s)))
    if region:
        stmt = stmt.where(func.lower(a.region).contains(region.lower()))
    return stmt


def flag_for(session: Session, a_id: int, b_id: int) -> Flag | None:
    return session.scalars(select(Flag).where(Flag.a_id == a_id, Flag.b_id == b_id)).first()


def delete_link(session: Session, link: ClaimLink) -> None:
    """Remove a link that newer evidence made wrong; an untouched flag on it goes too."""
    flag = flag_for(session, link.a_id, link.b_id)
    if flag is not None and flag.status == "new" and all(r.reviewer == "claimtrack" for r in flag.reviews):
        session.delete(flag)
    session.execute(delete(ClaimLink).where(ClaimLink.id == link.id))


def rejections(session: Session, status: str | None = None) -> list[Rejection]:
    stmt = select(Rejection).order_by(Rejection.id)
    if status:
        stmt = stmt.where(Rejection.status == status)
    return list(session.scalars(stmt))



def claims_since(session: Session, since: date) -> list[Claim]:
    """Claims as of ``since`` or later, in their ingestion-independent order."""
    return list(session.scalars(select(Claim).where(Claim.as_of >= since).order_by(Claim.order_key)))


def metric_claims(kind: str | None = None, region: str | None = None, since: date | None = None) -> Select:
    """Claims ordered by metric and time, for per-metric summaries."""
    stmt = select(Claim).options(joinedload(Claim.article))
    if kind:
        stmt = stmt.where(Claim.kind == kind)
    if region:
        stmt = stmt.where(func.lower(Claim.region).contains(region.lower()))
    if since:
        stmt = stmt.where(Claim.as_of >= since)
    return stmt.where(Claim.as_of.is_not(None)).order_by(Claim.metric, Claim.order_key)
