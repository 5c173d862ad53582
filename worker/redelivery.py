"""Find the batch messages the broker lost and send them again (docs/queue.md).

kombu's Redis transport takes a message off the queue (BRPOP) and only afterwards
records it as delivered-but-unacknowledged (the ``unacked`` hash): if Redis dies between
the two, the message is gone, even with an fsynced append-only file. Every batch
message is recorded in the store's ledger (``sent_batches``) before it is published and
deleted when its task reaches a final state, so a lost message leaves a row behind.

A row counts as lost, and its message is sent again with the same task id, when all
of these hold:

- it was last sent more than the grace period ago (``CLAIMTRACK_RESEND_GRACE``),
  doubled for every earlier resend up to 64 times, so a batch that keeps coming back is
  sent ever more rarely but never given up;
- nothing waits on claimtrack's queue (any priority): while messages wait, a row's
  message may be among them;
- on Redis, its task id is not among the delivered, unacknowledged messages (running,
  reserved by a worker, or held for a retry's ETA). Other brokers cannot say which
  messages are in flight: there the grace period is at least doubled, and at least
  an hour.

A message taken in the instant between the two Redis commands may be sent twice;
storing is idempotent, so a duplicate costs one known-article lookup per article.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine

from store import ledger
from store.db import session_scope
from store.models import utcnow
from worker import settings
from worker.queueing import Batch, connection, publish

log = logging.getLogger(__name__)

# without a view of in-flight messages, a row must be at least this old (seconds)
NON_REDIS_GRACE = 3600.0
MAX_BACKOFF = 64
CHUNK = 100  # rows locked and resent per transaction


@dataclass(frozen=True)
class BrokerView:
    """What the broker holds: messages waiting on the queue, and the task ids delivered and
    not yet acknowledged (None when the broker cannot tell)."""

    waiting: int
    in_flight: frozenset[str] | None


@dataclass
class Report:
    """What one search for lost messages saw and did."""

    waiting: int
    in_flight: int | None
    grace: float
    pending: int = 0  # ledger rows older than the grace period
    resent: list[dict] = field(default_factory=list)
    reason: str | None = None  # why nothing was examined

    def summary(self) -> dict:
        return {"waiting": self.waiting, "in_flight": self.in_flight, "grace": self.grace,
                "pending": self.pending, "resent": self.resent, "reason": self.reason}


def unacked_task_ids(channel) -> frozenset[str]:
    """Task ids in kombu's ``unacked`` hash (values: JSON ``[message, exchange, routing_key]``,
    the task id in the message's headers), read in pages."""
    ids: set[str] = set()
    for _tag, raw in channel.client.hscan_iter(channel.unacked_key, count=100):
        try:
            message = json.loads(raw)[0]
            task_id = (message.get("headers") or {}).get("id") or \
                (message.get("properties") or {}).get("correlation_id")
        except (ValueError, TypeError, IndexError, KeyError, AttributeError):
            continue
        if task_id:
            ids.add(str(task_id))
    return frozenset(ids)


def inspect_broker(conn, queue: str) -> BrokerView:
    """Messages waiting on ``queue`` (kombu's passive declare: on Redis, every priority's
    list) and, on Redis, the task ids in flight."""
    channel = conn.default_channel
    try:
        waiting = channel.queue_declare(queue=queue, passive=True).message_count
    except conn.channel_errors:  # Redis: no list at all, hence nothing waiting
        waiting = 0
    in_flight = unacked_task_ids(channel) if conn.transport.driver_type == "redis" else None
    return BrokerView(int(waiting or 0), in_flight)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)  # SQLite keeps UTC, naive


def due(row: ledger.Pending, grace: float, now: datetime) -> bool:
    """Whether ``row`` is past its grace period (doubled per earlier resend, up to 64×)."""
    return _aware(row.sent_at) + timedelta(seconds=grace * min(MAX_BACKOFF, 2 ** row.resent)) < now


def resend_lost(engine: Engine, broker_url: str | None = None, grace_seconds: float | None = None,
                now: datetime | None = None) -> Report:
    """Send again, with the same task id, every ledger row whose message the broker lost.

    ``grace_seconds`` defaults to CLAIMTRACK_RESEND_GRACE. Each resend is logged with
    its task id and article count and moves the row's ``sent_at`` to now.

    Example: ``resend_lost(engine_for(url), "redis://localhost:6379/0", 120).resent``
    is ``[{"task": "5d0c…", "articles": 50, "resent": 1}]`` after one batch was lost.
    """
    grace = settings.resend_grace() if grace_seconds is None else float(grace_seconds)
    queue = settings.queue_name()
    now = now or utcnow()
    with connection(broker_url) as conn:
        view = inspect_broker(conn, queue)
        report = Report(view.waiting, None if view.in_flight is None else len(view.in_flight), grace)
        if view.waiting:
            report.reason = (f"{view.waiting} messages wait on {queue}: a message counts as lost only "
                             "once the queue is drained")
            return report
        if view.in_flight is None:
            grace = report.grace = max(2 * grace, NON_REDIS_GRACE)
        cutoff = now - timedelta(seconds=grace)
        with session_scope(engine) as session:
            old = ledger.stale(session, cutoff)
        report.pending = len(old)
        lost = [r.task_id for r in old if due(r, grace, now) and r.task_id not in (view.in_flight or ())]
        for start in range(0, len(lost), CHUNK):
            with session_scope(engine) as session:
                for row in ledger.claim_for_resend(session, lost[start:start + CHUNK], cutoff):
                    task_id, articles, times = row.task_id, row.articles, row.resent + 1
                    publish(conn, Batch.from_ledger(task_id, row.body))
                    ledger.note_resent(session, task_id, now)
                    log.warning("resent batch %s (%d articles): the broker lost its message "
                                "(resend %d)", task_id, articles, times)
                    report.resent.append({"task": task_id, "articles": articles, "resent": times})
    return report
