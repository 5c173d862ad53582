"""A message the broker loses is found and sent again: real Redis, PostgreSQL, a worker
process, and `claimtrack beat` (or `claimtrack queue resend`).

The loss is made the way Redis makes it: one batch message is taken off the queue list
and never recorded as delivered, so no worker ever sees it. Needs
CLAIMTRACK_TEST_REDIS_URL and CLAIMTRACK_TEST_POSTGRES_URL (skipped without).
"""
from __future__ import annotations

import base64
import json

import pytest

from tests.test_queue_service import (  # noqa: F401 - fixtures
    FAST_RESEND, beat, enqueue, in_process, ledger_pending, queue_db, queue_drained, queue_env, redis_url, run_cli,
    snapshot, store_counts, synthetic_articles, wait_for, workers, write_jsonl,
)

pytestmark = pytest.mark.service

N = 60
BATCHES = {"CLAIMTRACK_BATCH_SIZE": "5"}


@pytest.fixture
def enqueued_with_one_lost(queue_env, queue_db, tmp_path):
    """N articles enqueued in batches of 5, one batch's message removed from Redis; returns
    its task id, its articles, and what the in-process pipeline stores for all N."""
    import redis

    path = write_jsonl(tmp_path / "articles.jsonl", synthetic_articles(N))
    expected = snapshot(in_process(tmp_path, str(path)))
    assert f"enqueued {N} articles" in enqueue({**queue_env, **BATCHES}, queue_db, str(path))
    assert ledger_pending(queue_db) == N // 5
    client = redis.Redis.from_url(queue_env["CLAIMTRACK_BROKER_URL"])
    try:
        raw = client.rpop(queue_env["CLAIMTRACK_QUEUE"])  # the next one a worker would take
    finally:
        client.close()
    message = json.loads(raw)
    payloads = json.loads(base64.b64decode(message["body"]))[0][0]
    return message["headers"]["id"], [p["id"] for p in payloads], expected


def assert_all_stored_once(db_url: str, expected) -> None:
    counts = store_counts(db_url)
    assert counts["articles"] == counts["distinct_ext_ids"] == N and counts["failed"] == 0, counts
    assert snapshot(db_url) == expected
    assert ledger_pending(db_url) == 0


def test_beat_finds_a_lost_message_and_every_article_is_stored_once(
        enqueued_with_one_lost, queue_env, queue_db, workers, beat):
    task_id, lost_ids, expected = enqueued_with_one_lost
    env = {**queue_env, "CLAIMTRACK_DATABASE_URL": queue_db, **FAST_RESEND}
    worker = workers(env)
    wait_for(lambda: store_counts(queue_db)["articles"] == N - len(lost_ids), 90, "every article but the lost ones")
    assert ledger_pending(queue_db) == 1
    scheduler = beat(env)
    wait_for(lambda: store_counts(queue_db)["articles"] == N and queue_drained(queue_env, queue_db), 90,
             "the lost batch sent again and stored")
    assert f"resent batch {task_id} ({len(lost_ids)} articles)" in worker.text()
    assert worker.text().count(f"[{task_id}] succeeded") == 1
    assert "claimtrack.resend_lost" in scheduler.text()
    assert_all_stored_once(queue_db, expected)


def test_queue_resend_sends_a_lost_batch_again_once(enqueued_with_one_lost, queue_env, queue_db, workers):
    task_id, lost_ids, expected = enqueued_with_one_lost
    env = {**queue_env, "CLAIMTRACK_DATABASE_URL": queue_db}
    worker = workers(env)
    wait_for(lambda: store_counts(queue_db)["articles"] == N - len(lost_ids) and queue_drained(queue_env), 90,
             "every article but the lost ones")
    status = run_cli(env, "queue", "status")
    assert "0 waiting" in status and f"ledger: 1 batches ({len(lost_ids)} articles)" in status
    out = run_cli(env, "queue", "resend", "--grace", "0")
    assert f"resent {task_id} ({len(lost_ids)} articles, resend 1)" in out
    wait_for(lambda: store_counts(queue_db)["articles"] == N and queue_drained(queue_env, queue_db), 60,
             "the lost batch stored")
    assert "nothing lost: 0 batches" in run_cli(env, "queue", "resend", "--grace", "0")
    assert worker.text().count(f"[{task_id}] succeeded") == 1
    assert_all_stored_once(queue_db, expected)
