"""Put work on the Celery queue: what `claimtrack ingest --queue` and `failed --retry` call.

Inputs are read and validated here, so bad input is reported at once (and recorded in
the store) instead of failing later in a worker; valid articles travel as their SPEC §1
JSON in small batches (one message per batch, stored in one transaction by the worker).
Each batch is recorded in the store's outbox ledger (``sent_batches``) before it is
published, so a message the broker loses is found and sent again (worker/redelivery.py).
"""
from __future__ import annotations

import json
import uuid
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

import click
import kombu.exceptions
import redis.exceptions
from kombu import Exchange, Queue

from worker import settings
from worker.celery_app import app
from worker.settings import queue_name

BATCH_BYTES = 1_000_000  # keep one Redis message well under a megabyte or two


class QueueError(click.ClickException):
    """The queue cannot be used: no broker configured, or the broker is unreachable."""


def broker_or_fail(url: str | None = None) -> str:
    """The broker url to use, or a clear error saying how to set one."""
    url = url or settings.broker_url()
    if not url:
        raise QueueError("no broker configured: set CLAIMTRACK_BROKER_URL (e.g. redis://localhost:6379/0), "
                         "or run `claimtrack ingest` without --queue to process in-process")
    return url


@contextmanager
def connection(url: str | None = None) -> Iterator:
    """A broker connection with claimtrack's queue declared on it.

    Declaring the queue here matters on Redis: a message published before any worker
    ever declared (bound) the queue would otherwise be dropped.
    """
    url = broker_or_fail(url)
    try:
        with app.connection_for_write(url) as conn:
            conn.ensure_connection(max_retries=3, interval_start=0.2, interval_step=0.5)
            name = queue_name()
            Queue(name, Exchange(name, type="direct"), routing_key=name)(conn.default_channel).declare()
            yield conn
    except (kombu.exceptions.OperationalError, redis.exceptions.ConnectionError, OSError) as e:
        host = url.rsplit("@", 1)[-1]
        raise QueueError(f"cannot reach the broker at {host}: {e}. Is Redis running? "
                         "Check CLAIMTRACK_BROKER_URL.") from e


def batches(items: Iterable[tuple[dict, str]], size: int | None = None,
            max_bytes: int = BATCH_BYTES) -> Iterator[tuple[list[dict], list[str]]]:
    """Group (payload, origin) pairs into batches of at most ``size`` articles (default
    CLAIMTRACK_BATCH_SIZE) and about ``max_bytes`` of JSON (a larger article travels alone)."""
    size = size or settings.batch_size()
    payloads: list[dict] = []
    origins: list[str] = []
    weight = 0
    for payload, origin in items:
        n = len(json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        if payloads and (len(payloads) >= size or weight + n > max_bytes):
            yield payloads, origins
            payloads, origins, weight = [], [], 0
        payloads.append(payload)
        origins.append(origin)
        weight += n
    if payloads:
        yield payloads, origins


# ledger rows written in one transaction before their messages are published
LEDGER_GROUP = 20
LEDGER_GROUP_BYTES = 4_000_000


@dataclass(frozen=True)
class Batch:
    """One ``claimtrack.ingest_batch`` message: its task id and arguments, and the
    arguments as the ledger keeps them (JSON)."""

    task_id: str
    payloads: list
    origins: list
    body: str

    @classmethod
    def of(cls, payloads: list, origins: list | None = None, task_id: str | None = None) -> Batch:
        origins = list(origins or [])
        args = [payloads, origins]
        body = json.dumps(args, ensure_ascii=False, separators=(",", ":"))
        try:
            body.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: kept as its \u escape
            body = json.dumps(args, separators=(",", ":"))
        return cls(task_id or str(uuid.uuid4()), payloads, origins, body)

    @classmethod
    def from_ledger(cls, task_id: str, body: str) -> Batch:
        payloads, origins = json.loads(body)
        return cls(task_id, payloads, origins, body)


def _ledger_engine(engine=None):
    from store.db import engine_for

    return engine or engine_for(settings.database_url())


def publish(conn, batch: Batch) -> str:
    """Publish ``batch`` with its own task id (``conn`` None: the app's default connection)."""
    kw = {"connection": conn} if conn is not None else {}
    app.send_task("claimtrack.ingest_batch", args=[batch.payloads, batch.origins], task_id=batch.task_id,
                  queue=queue_name(), **kw)
    return batch.task_id


def record_and_publish(conn, group: list[Batch], engine=None) -> None:
    """Record ``group`` in the ledger (one transaction), then publish each message.

    A crash between the two leaves rows whose messages were never sent: they are sent
    by `claimtrack.resend_lost` after the grace period, and storing twice is harmless.
    """
    from store import ledger
    from store.db import session_scope

    if not group:
        return
    engine = _ledger_engine(engine)
    with session_scope(engine) as session:
        ledger.record_sent(session, [(b.task_id, b.body, len(b.payloads)) for b in group])
    for i, batch in enumerate(group):
        try:
            publish(conn, batch)
        except BaseException:
            # the batches not tried are not on the queue: forget them (the one that failed
            # may have been sent all the same; its row stays and it is sent again if lost)
            with suppress(Exception), session_scope(engine) as session:
                for later in group[i + 1:]:
                    ledger.mark_done(session, later.task_id)
            raise


def send_batch(conn, payloads: list[dict], origins: list[str] | None = None, engine=None) -> str:
    """Record one ``claimtrack.ingest_batch`` message in the ledger and publish it; returns
    its task id. ``engine``: the store (default CLAIMTRACK_DATABASE_URL's)."""
    batch = Batch.of(payloads, origins)
    record_and_publish(conn, [batch], engine)
    return batch.task_id


def send_batches(conn, pairs: Iterable[tuple[list[dict], list[str]]], engine=None) -> Iterator[Batch]:
    """Send batches as they come, recording up to ``LEDGER_GROUP`` of them (or about
    ``LEDGER_GROUP_BYTES`` of JSON) per ledger transaction; yields each batch once published."""
    group: list[Batch] = []
    weight = 0
    for payloads, origins in pairs:
        batch = Batch.of(payloads, origins)
        group.append(batch)
        weight += len(batch.body)
        if len(group) >= LEDGER_GROUP or weight >= LEDGER_GROUP_BYTES:
            record_and_publish(conn, group, engine)
            yield from group
            group, weight = [], 0
    record_and_publish(conn, group, engine)
    yield from group


def enqueue_payloads(items: Iterable[tuple[dict, str]], url: str | None = None,
                     size: int | None = None, engine=None) -> int:
    """Enqueue (payload, origin) pairs in batches, each recorded in the ledger of the store
    at ``engine`` (default CLAIMTRACK_DATABASE_URL's) first; returns how many articles were sent."""
    if engine is None:
        from store.db import ensure_schema

        engine = _ledger_engine()
        ensure_schema(engine)
    sent = 0
    with connection(url) as conn:
        for batch in send_batches(conn, batches(items, size), engine):
            sent += len(batch.payloads)
    return sent


def enqueue_paths(paths: Iterable[str], url: str | None = None, size: int | None = None,
                  on_reject: Callable[[str, str | None, str], None] | None = None) -> dict:
    """Read the articles under ``paths`` one at a time and enqueue them in batches; record
    each rejected input (and tell ``on_reject(origin, reason)`` as it is met).

    Returns ``{"enqueued": int, "rejected": int}``.

    Example::

        CLAIMTRACK_BROKER_URL=redis://localhost:6379/0 claimtrack ingest --queue seeds/
    """
    from store.db import engine_for, ensure_schema
    from worker.inputs import Parsed, read_inputs
    from worker.pipeline import article_payload, record_rejection

    url = broker_or_fail(url)
    engine = engine_for(settings.database_url())
    ensure_schema(engine)
    rejected = 0

    def valid():
        nonlocal rejected
        for item in read_inputs(paths, settings.max_article_bytes()):
            if isinstance(item, Parsed):
                yield article_payload(item.article), item.origin
            else:
                record_rejection(engine, item.origin, item.article, item.reason, payload=item.payload)
                rejected += 1
                if on_reject is not None:
                    on_reject(item.origin, item.article, item.reason)

    enqueued = enqueue_payloads(valid(), url, size, engine)
    return {"enqueued": enqueued, "rejected": rejected}
