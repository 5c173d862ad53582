"""The outbox ledger of batch messages (``sent_batches``). Functions take a session and
never commit.

A row is written before its message is published and deleted when the task reaches a
final state, so a row older than a grace period whose message the broker no longer
holds names a lost message (worker/redelivery.py sends it again).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from store.models import SentBatch, utcnow


@dataclass(frozen=True)
class Pending:
    """A ledger row without its body: what the search for lost messages looks at."""

    task_id: str
    articles: int
    sent_at: datetime
    resent: int


def record_sent(session: Session, rows: Iterable[tuple[str, str, int]], at: datetime | None = None) -> int:
    """Record batches about to be published: ``(task_id, body JSON, articles)`` each, in one
    statement; returns how many."""
    at = at or utcnow()
    values = [{"task_id": t, "body": body, "articles": n, "sent_at": at, "resent": 0} for t, body, n in rows]
    if values:
        session.execute(insert(SentBatch), values)
    return len(values)


def mark_done(session: Session, task_id: str) -> bool:
    """Delete the row of a finished task; False when there was none (a duplicate, or a
    message that was never recorded)."""
    return session.execute(delete(SentBatch).where(SentBatch.task_id == task_id)).rowcount > 0


def stale(session: Session, older_than: datetime) -> list[Pending]:
    """Rows last sent before ``older_than``, oldest first (no bodies)."""
    stmt = (select(SentBatch.task_id, SentBatch.articles, SentBatch.sent_at, SentBatch.resent)
            .where(SentBatch.sent_at < older_than).order_by(SentBatch.sent_at, SentBatch.task_id))
    return [Pending(*row) for row in session.execute(stmt)]


def claim_for_resend(session: Session, task_ids: list[str], older_than: datetime) -> list[SentBatch]:
    """The rows among ``task_ids`` still last sent before ``older_than``, with their bodies,
    locked until the transaction ends on PostgreSQL (rows another resender holds are
    skipped, so two concurrent resenders never send one batch twice)."""
    stmt = (select(SentBatch).where(SentBatch.task_id.in_(task_ids), SentBatch.sent_at < older_than)
            .order_by(SentBatch.sent_at, SentBatch.task_id))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return list(session.scalars(stmt))


def note_resent(session: Session, task_id: str, at: datetime | None = None) -> None:
    """A row's message was sent again: its grace period starts over."""
    session.execute(update(SentBatch).where(SentBatch.task_id == task_id)
                    .values(sent_at=at or utcnow(), resent=SentBatch.resent + 1))


def pending_count(session: Session) -> dict:
    """``{"batches", "articles", "oldest", "resent"}`` of the rows in the ledger: batches sent
    and not yet finished (``oldest`` is None when there are none; ``resent`` counts the rows
    sent more than once)."""
    batches, articles, oldest, resent = session.execute(
        select(func.count(), func.coalesce(func.sum(SentBatch.articles), 0), func.min(SentBatch.sent_at),
               func.count().filter(SentBatch.resent > 0))).one()
    return {"batches": batches, "articles": int(articles), "oldest": oldest, "resent": resent}
