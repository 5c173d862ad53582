"""Put work on the Celery queue: what `claimtrack ingest --queue` and `failed --retry` call.

Inputs are read and validated here, so bad input is reported at once (and recorded in
the store) instead of failing later in a worker; valid articles travel as their SPEC §1
JSON in small batches (one message per batch, stored in one transaction by the worker).
"""
from __future__ import annotations

import json
from contextlib import contextmanager
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


def send_batch(conn, payloads: list[dict], origins: list[str] | None = None) -> str:
    """Publish one ``claimtrack.ingest_batch`` message; returns its task id."""
    result = app.send_task("claimtrack.ingest_batch", args=[payloads, origins or []], connection=conn,
                           queue=queue_name())
    return result.id


def enqueue_payloads(items: Iterable[tuple[dict, str]], url: str | None = None,
                     size: int | None = None) -> int:
    """Enqueue (payload, origin) pairs in batches; returns how many articles were sent."""
    sent = 0
    with connection(url) as conn:
        for payloads, origins in batches(items, size):
            send_batch(conn, payloads, origins)
            sent += len(payloads)
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

    enqueued = enqueue_payloads(valid(), url, size)
    return {"enqueued": enqueued, "rejected": rejected}
