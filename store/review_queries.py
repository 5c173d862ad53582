"""Queries behind review and exports. Functions take a session and never commit."""
from __future__ import annotations

from datetime import date
from typing import Iterable, Sequence

from sqlalchemy import Select, and_, or_, select, union
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from store.models import Article, Claim, ClaimLink, Flag, Review
from store.repository import claims_query, insert_rows, links_query, pair_filters

# IN lists are cut into chunks this long (SQLite caps bound parameters)
CHUNK = 500


def _claim_loads(rel):
    return (joinedload(rel).joinedload(Claim.article).joinedload(Article.outlet),
            joinedload(rel).joinedload(Claim.source_ref))


def flags_query(status: Sequence[str] | None = None, relation: Sequence[str] | None = None,
                kind: str | None = None, since: date | None = None, source: str | None = None,
                region: str | None = None) -> Select:
    """Flags with both claims and their history loaded, filtered, the most trusted first
    (confidence, then id)."""
    a, b = aliased(Claim), aliased(Claim)
    stmt = (select(Flag).join(a, Flag.a_id == a.id).join(b, Flag.b_id == b.id)
            .options(*_claim_loads(Flag.a), *_claim_loads(Flag.b), selectinload(Flag.reviews)))
    if status:
        stmt = stmt.where(Flag.status.in_(list(status)))
    if relation:
        stmt = stmt.where(Flag.relation.in_(list(relation)))
    stmt = pair_filters(stmt, a, b, kind=kind, since=since, source=source, region=region)
    return stmt.order_by(Flag.confidence.desc(), Flag.id)


def flags(session: Session, **filters) -> list[Flag]:
    """The flags :func:`flags_query` selects."""
    return list(session.scalars(flags_query(**filters)).unique())


def flag_by_id(session: Session, flag_id: int, for_update: bool = False) -> Flag | None:
    """One flag with its claims and history; ``for_update`` locks the row (PostgreSQL)."""
    stmt = select(Flag).where(Flag.id == flag_id)
    if for_update:
        # lock only the flag row: two reviewers setting one flag take turns
        stmt = stmt.with_for_update()
        flag = session.scalars(stmt).first()
        if flag is not None:
            session.refresh(flag)
        return flag
    stmt = stmt.options(*_claim_loads(Flag.a), *_claim_loads(Flag.b), selectinload(Flag.reviews))
    return session.scalars(stmt).unique().first()


def flags_on_pair(session: Session, metric: str, originators: Iterable[str]) -> list[Flag]:
    """Every flag between claims of ``metric`` whose two originators are ``originators``.

    Finds the earlier flags on "the same pair of metrics" when a new flag opens.
    """
    who = sorted(set(originators))
    o1, o2 = (who[0], who[0]) if len(who) == 1 else (who[0], who[1])
    a, b = aliased(Claim), aliased(Claim)
    stmt = (select(Flag).join(a, Flag.a_id == a.id).join(b, Flag.b_id == b.id)
            .where(a.metric == metric, b.metric == metric,
                   or_(and_(a.originator == o1, b.originator == o2),
                       and_(a.originator == o2, b.originator == o1)))
            .options(selectinload(Flag.reviews))
            .order_by(Flag.id)
            # the caller may have added review rows in this transaction: see them
            .execution_options(populate_existing=True))
    return list(session.scalars(stmt))


def flags_of_pairs(session: Session, pairs: Iterable[tuple[int, int]]) -> list[Flag]:
    """The flags of these (a_id, b_id) pairs. The pairs' newer claims' flags are looked up
    as plain rows (an observation's first mention has a flag per conflicting originator),
    and only the flags of the pairs are loaded as objects."""
    pairs = set(pairs)
    ids = sorted({a for a, _ in pairs})
    rows = (select(Flag.id, Flag.a_id, Flag.b_id).where(Flag.a_id.in_(ids[j:j + CHUNK]))
            for j in range(0, len(ids), CHUNK))
    found = [i for stmt in rows for i, a, b in session.execute(stmt) if (a, b) in pairs]
    return [f for j in range(0, len(found), CHUNK)
            for f in session.scalars(select(Flag).where(Flag.id.in_(found[j:j + CHUNK])))]


def insert_flags(session: Session, rows: list[dict]) -> dict[tuple[int, int], int]:
    """Insert new flags (insert-or-ignore on the pair); returns the id of each by (a_id, b_id)."""
    return {(a, b): i for a, b, i in insert_rows(session, Flag.__table__, rows, ["a_id", "b_id"],
                                                 ["a_id", "b_id", "id"])}


def insert_reviews(session: Session, rows: list[dict]) -> None:
    insert_rows(session, Review.__table__, rows)


def metrics_reviewed_by_people(session: Session, a_ids: Iterable[int]) -> set[int]:
    """Which of the claims ``a_ids`` are of a metric on which a person (not claimtrack)
    has reviewed some flag: only there can a new flag be new evidence."""
    # from the reviews people wrote (a partial index holds just those) to their metrics
    reviewed = (select(Claim.metric).select_from(Review).join(Flag, Review.flag_id == Flag.id)
                .join(Claim, Flag.a_id == Claim.id).where(Review.reviewer != "claimtrack").distinct())
    metrics = set(session.scalars(reviewed))
    if not metrics:
        return set()
    ids = sorted(set(a_ids))
    return {i for j in range(0, len(ids), CHUNK)
            for i, m in session.execute(select(Claim.id, Claim.metric).where(Claim.id.in_(ids[j:j + CHUNK])))
            if m in metrics}


def claim_with_article(session: Session, claim_id: int) -> Claim | None:
    stmt = select(Claim).where(Claim.id == claim_id).options(
        joinedload(Claim.article).joinedload(Article.outlet), joinedload(Claim.source_ref))
    return session.scalars(stmt).unique().first()


def _flagged_claim_ids(status: Sequence[str]):
    return union(select(Flag.a_id).where(Flag.status.in_(list(status))),
                 select(Flag.b_id).where(Flag.status.in_(list(status))))


def export_claims(session: Session, kind: str | None = None, source: str | None = None,
                  since: date | None = None, region: str | None = None,
                  status: Sequence[str] | None = None) -> list[Claim]:
    """Claims for export; with ``status``, only claims on a flag with one of those statuses."""
    stmt = claims_query(kind, source, since, region)
    if status:
        stmt = stmt.where(Claim.id.in_(_flagged_claim_ids(status)))
    return list(session.scalars(stmt).unique())


def export_links(session: Session, relation: Sequence[str] | None = None, kind: str | None = None,
                 since: date | None = None, source: str | None = None, region: str | None = None,
                 status: Sequence[str] | None = None) -> list[tuple[ClaimLink, Flag | None]]:
    """Links for export, each with its review flag (or None); ``status`` keeps flagged ones."""
    stmt = (links_query(relation, kind, since, source, region)
            .outerjoin(Flag, and_(Flag.a_id == ClaimLink.a_id, Flag.b_id == ClaimLink.b_id))
            .add_columns(Flag))
    if status:
        stmt = stmt.where(Flag.status.in_(list(status)))
    return [(link, flag) for link, flag in session.execute(stmt).unique()]


def metrics_of(session: Session, kind: str | None = None, source: str | None = None,
               since: date | None = None, region: str | None = None) -> list[str]:
    """The metrics with at least one claim matching the filters, sorted."""
    sub = claims_query(kind, source, since, region).with_only_columns(Claim.metric).distinct().order_by(None)
    return sorted(session.scalars(sub))


def _chunks(items: Sequence, n: int = CHUNK):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def claims_of_metrics(session: Session, metrics: Sequence[str], since: date | None = None) -> list[Claim]:
    """Every claim of ``metrics`` (as of ``since`` or later), with article and source."""
    out: list[Claim] = []
    for part in _chunks(list(metrics)):
        stmt = (select(Claim).where(Claim.metric.in_(part))
                .options(joinedload(Claim.article).joinedload(Article.outlet), joinedload(Claim.source_ref)))
        if since:
            stmt = stmt.where(Claim.as_of >= since)
        out.extend(session.scalars(stmt).unique())
    return out


def links_of_metrics(session: Session, metrics: Sequence[str], relations: Sequence[str]) -> list[ClaimLink]:
    """Links of ``relations`` whose newer claim belongs to one of ``metrics``."""
    out: list[ClaimLink] = []
    a = aliased(Claim)
    for part in _chunks(list(metrics)):
        stmt = (select(ClaimLink).join(a, ClaimLink.a_id == a.id)
                .where(a.metric.in_(part), ClaimLink.relation.in_(list(relations))).order_by(ClaimLink.id))
        out.extend(session.scalars(stmt))
    return out


def flags_of_metrics(session: Session, metrics: Sequence[str], status: Sequence[str] | None = None) -> list[Flag]:
    """Flags whose newer claim belongs to one of ``metrics``, with claims and history."""
    out: list[Flag] = []
    a = aliased(Claim)
    for part in _chunks(list(metrics)):
        stmt = (select(Flag).join(a, Flag.a_id == a.id).where(a.metric.in_(part))
                .options(*_claim_loads(Flag.a), *_claim_loads(Flag.b), selectinload(Flag.reviews))
                .order_by(Flag.id))
        if status:
            stmt = stmt.where(Flag.status.in_(list(status)))
        out.extend(session.scalars(stmt).unique())
    return out
