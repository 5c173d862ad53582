"""Poison messages on a real queue: a real Celery worker on Redis and PostgreSQL takes 20
payloads that cannot be articles, sent between 200 good ones, rejects each with its
reason, acknowledges it, never retries it, and goes on with the next message.

Needs CLAIMTRACK_TEST_REDIS_URL and CLAIMTRACK_TEST_POSTGRES_URL (skipped without).
"""
from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import select

from claimtrack_testdata.articles import iter_synthetic
from claimtrack_testdata.bad_inputs import poison_payloads
from claimtrack_testdata.processes import queue_drained, store_counts, wait_for
from tests.test_queue_service import queue_db, queue_env, redis_url, workers  # noqa: F401 - fixtures

pytestmark = pytest.mark.service

GOOD = 200
POISON = 20


def poison_messages() -> list[tuple[str, list | None, str]]:
    """(task name, args, what the recorded reason must say): 20 messages; ``None`` args
    stand for a body nested 100,000 levels deep, which no JSON encoder writes."""
    # 900 levels: decodes, but pickling it for the pool process once killed the worker
    payloads = [(n, p, r) for n, p, r in poison_payloads(big=50 * 1024 * 1024, depth=900)]
    messages = [("claimtrack.ingest_article", [p], r) for _, p, r in payloads[:16]]
    messages += [
        ("claimtrack.ingest_article", None, "payload nested deeper than 100 levels"),
        ("claimtrack.ingest_article", [payloads[19][1], ["an origin", "that is a list"]], payloads[19][2]),
        ("claimtrack.ingest_batch", ["a batch that is a string"], "a batch is a JSON list of articles"),
        ("claimtrack.ingest_batch", [[payloads[17][1]], {"origins": "not a list"}], payloads[17][2]),
    ]
    assert len(messages) == POISON
    return messages


def send_too_deep_to_decode(conn, task: str, queue: dict) -> None:
    """A real task message whose body is 100,000 ``[``: published to a scratch queue,
    its body swapped, pushed onto the test queue as kombu pushes (LPUSH, read by BRPOP)."""
    import redis

    from worker.celery_app import app

    scratch = f"{queue['CLAIMTRACK_QUEUE']}-scratch"
    app.send_task(task, args=[{}], connection=conn, queue=scratch)
    client = redis.Redis.from_url(queue["CLAIMTRACK_BROKER_URL"])
    try:
        envelope = json.loads(client.rpop(scratch))
        envelope["body"] = base64.b64encode(b"[" * 100_000).decode()
        client.lpush(queue["CLAIMTRACK_QUEUE"], json.dumps(envelope))
    finally:
        client.delete(scratch, f"_kombu.binding.{scratch}")
        client.close()


def test_poison_messages_are_rejected_once_and_never_block_the_good_ones(queue_env, queue_db, workers, monkeypatch):
    from store.db import make_engine
    from store.models import Rejection
    from worker.celery_app import app
    from worker.queueing import connection

    good = list(iter_synthetic(GOOD, seed=12))
    poison = poison_messages()
    monkeypatch.setenv("CLAIMTRACK_QUEUE", queue_env["CLAIMTRACK_QUEUE"])
    with connection(queue_env["CLAIMTRACK_BROKER_URL"]) as conn:
        for i, payload in enumerate(good):
            if i % (GOOD // POISON) == 5:
                name, args, _ = poison[i // (GOOD // POISON)]
                if args is None:
                    send_too_deep_to_decode(conn, name, queue_env)
                else:
                    app.send_task(name, args=args, connection=conn, queue=queue_env["CLAIMTRACK_QUEUE"])
            app.send_task("claimtrack.ingest_article", args=[payload, f"good:{i}"], connection=conn,
                          queue=queue_env["CLAIMTRACK_QUEUE"])
    worker = workers({**queue_env, "CLAIMTRACK_DATABASE_URL": queue_db})
    try:
        wait_for(lambda: store_counts(queue_db)["articles"] == GOOD and queue_drained(queue_env), 120,
                 f"{GOOD} articles stored and the queue empty")
    except AssertionError as e:
        raise AssertionError(f"{e}; {store_counts(queue_db)}; the worker's log ends:\n{worker.text()[-6000:]}") from None
    wait_for(lambda: worker.text().count(" succeeded in ") == GOOD + POISON, 30, "every task to finish")

    counts = store_counts(queue_db)
    assert counts["articles"] == counts["distinct_ext_ids"] == GOOD and counts["failed"] == 0, counts
    engine = make_engine(queue_db)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Rejection.status, Rejection.reason)).all()
    finally:
        engine.dispose()
    assert len(rows) == POISON, rows
    assert all(status == "rejected" and reason.strip() for status, reason in rows)
    for _, _, reason in poison:
        assert any(reason in r for _, r in rows), reason
    log = worker.text()
    assert "Retry in" not in log and "raised unexpected" not in log and "Traceback" not in log
    assert queue_drained(queue_env)
