"""Queries behind the HTTP API and the review desk: filtered pages with keyset cursors.

A page is ``limit`` rows after the cursor in a fixed order; the cursor is the sort key of
the last row (opaque to clients), so a page costs an index range read however deep it is,
and rows inserted meanwhile never shift a page. Functions take a session and never commit.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Sequence

from sqlalchemy import Select, and_, func, or_, select, union
from sqlalchemy.orm import Session, aliased, joinedload

from store import review_queries as rq
from store.models import Article, Claim, ClaimLink, Flag
from store.repository import claims_query, pair_filters

MAX_LIMIT = 500

# The queue's order: by confidence where flags carry one, else newest first. Switching
# the default is this one line.
DEFAULT_FLAG_SORT = "confidence" if hasattr(Flag, "confidence") else "date"


class CursorError(ValueError):
    """A cursor that this server did not hand out (or one of another listing)."""


def encode_cursor(kind: str, values: Sequence) -> str:
    raw = json.dumps([kind, *values], separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(kind: str, cursor: str | None, types: Sequence[type]) -> list | None:
    """The values of ``cursor`` (made by :func:`encode_cursor` for listing ``kind``), or None."""
    if not cursor:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or raw[0] != kind or len(raw) != len(types) + 1:
            raise ValueError
        out = []
        for value, typ in zip(raw[1:], types):
            if typ is datetime:
                out.append(datetime.fromisoformat(value))
            elif value is None or isinstance(value, typ) or (typ is float and isinstance(value, int)):
                out.append(value)
            else:
                raise ValueError
        return out
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, IndexError):
        raise CursorError(f"not a cursor of the {kind} listing: pass the next_cursor a page returned") from None


@dataclass(frozen=True)
class Page:
    rows: list
    next_cursor: str | None


def _clamp(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


# ---- claims ---------------------------------------------------------------------------

def on_links(stmt: Select, status: Sequence[str] | None = None, relation: Sequence[str] | None = None) -> Select:
    """Keep the claims of ``stmt`` that take part (either side) in a flag with one of
    ``status`` (and, given both, one of ``relation``), or, given ``relation`` alone, in a
    link with one of those relations (agrees and repeats carry no flag)."""
    if status:
        table, cond = Flag, [Flag.status.in_(list(status))]
        if relation:
            cond.append(Flag.relation.in_(list(relation)))
    elif relation:
        table, cond = ClaimLink, [ClaimLink.relation.in_(list(relation))]
    else:
        return stmt
    return stmt.where(Claim.id.in_(union(select(table.a_id).where(*cond), select(table.b_id).where(*cond))))


def claims_page(session: Session, *, kind: str | None = None, source: str | None = None, since: date | None = None,
                region: str | None = None, status: Sequence[str] | None = None,
                relation: Sequence[str] | None = None, limit: int = 100, cursor: str | None = None) -> Page:
    """Claims in the order they were stored (by id)."""
    limit = _clamp(limit)
    after = decode_cursor("claims", cursor, (int,))
    stmt = on_links(claims_query(kind, source, since, region), status, relation).order_by(None).order_by(Claim.id)
    if after:
        stmt = stmt.where(Claim.id > after[0])
    rows = list(session.scalars(stmt.limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor("claims", [rows[-1].id]) if more else None)


# ---- metrics --------------------------------------------------------------------------

def metrics_page(session: Session, *, kind: str | None = None, source: str | None = None, since: date | None = None,
                 region: str | None = None, status: Sequence[str] | None = None,
                 relation: Sequence[str] | None = None, limit: int = 50, cursor: str | None = None) -> Page:
    """Metric keys with a dated claim matching the filters (``status``/``relation``: as
    :func:`on_links`), in key order, and their claims (every claim of those metrics from
    ``since``, by metric then time: what a timeline shows)."""
    limit = _clamp(limit)
    after = decode_cursor("metrics", cursor, (str,))
    keys = (on_links(claims_query(kind, source, since, region), status, relation).where(Claim.as_of.is_not(None))
            .with_only_columns(Claim.metric).distinct().order_by(None).order_by(Claim.metric))
    if after:
        keys = keys.where(Claim.metric > after[0])
    metrics = list(session.scalars(keys.limit(limit + 1)))
    more = len(metrics) > limit
    metrics = metrics[:limit]
    return Page(metric_claims(session, metrics, since), encode_cursor("metrics", [metrics[-1]]) if more else None)


def metric_claims(session: Session, metrics: Sequence[str], since: date | None = None) -> list[Claim]:
    """Dated claims of ``metrics`` ordered by metric and time, with article and source."""
    if not metrics:
        return []
    out: list[Claim] = []
    for i in range(0, len(metrics), rq.CHUNK):
        stmt = (select(Claim).where(Claim.metric.in_(list(metrics[i:i + rq.CHUNK])), Claim.as_of.is_not(None))
                .options(joinedload(Claim.article).joinedload(Article.outlet), joinedload(Claim.source_ref))
                .order_by(Claim.metric, Claim.order_key))
        if since:
            stmt = stmt.where(Claim.as_of >= since)
        out.extend(session.scalars(stmt).unique())
    return out


# ---- flags ----------------------------------------------------------------------------

def flag_sorts() -> dict:
    """The orders the queue offers: name → (column, cursor type), highest first."""
    sorts = {"date": (Flag.created_at, datetime)}
    if hasattr(Flag, "confidence"):
        sorts["confidence"] = (func.coalesce(Flag.confidence, -1.0), float)
    return sorts


def flags_page(session: Session, *, status: Sequence[str] | None = None, relation: Sequence[str] | None = None,
               kind: str | None = None, region: str | None = None, source: str | None = None,
               since: date | None = None, sort: str | None = None, limit: int = 50,
               cursor: str | None = None) -> Page:
    """Flags with their claims and history, highest ``sort`` first (then newest id first)."""
    limit = _clamp(limit)
    sort = sort or DEFAULT_FLAG_SORT
    column, typ = flag_sorts()[sort]
    after = decode_cursor(f"flags-{sort}", cursor, (typ, int))
    stmt = rq.flags_query(status=status, relation=relation, kind=kind, since=since, source=source, region=region)
    stmt = stmt.order_by(None).order_by(column.desc(), Flag.id.desc())
    if after:
        stmt = stmt.where(or_(column < after[0], and_(column == after[0], Flag.id < after[1])))
    rows = list(session.scalars(stmt.limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    if not more:
        return Page(rows, None)
    last = rows[-1]
    key = last.created_at.isoformat() if sort == "date" else (getattr(last, "confidence", None) or -1.0)
    return Page(rows, encode_cursor(f"flags-{sort}", [key, last.id]))


def flag_status_counts(session: Session, *, relation: Sequence[str] | None = None, kind: str | None = None,
                       region: str | None = None, source: str | None = None, since: date | None = None) -> dict[str, int]:
    """How many flags have each status, under the queue's other filters."""
    a, b = aliased(Claim), aliased(Claim)
    stmt = (select(Flag.status, func.count()).join(a, Flag.a_id == a.id).join(b, Flag.b_id == b.id)
            .group_by(Flag.status))
    if relation:
        stmt = stmt.where(Flag.relation.in_(list(relation)))
    stmt = pair_filters(stmt, a, b, kind=kind, since=since, source=source, region=region)
    return dict(session.execute(stmt).all())


def flags_by_ids(session: Session, ids: Sequence[int]) -> list[Flag]:
    """The flags ``ids`` (those that exist), locked for update on PostgreSQL, by id."""
    out: list[Flag] = []
    for i in range(0, len(ids), rq.CHUNK):
        part = sorted(set(ids[i:i + rq.CHUNK]))
        out.extend(session.scalars(select(Flag).where(Flag.id.in_(part)).order_by(Flag.id).with_for_update()))
    return out


def flags_of_metric(session: Session, metric: str, status: Sequence[str] | None = None) -> list[Flag]:
    return rq.flags_of_metrics(session, [metric], status)


def marked_links_of_metric(session: Session, metric: str, relations: Sequence[str]) -> list:
    return rq.links_of_metrics(session, [metric], relations)
