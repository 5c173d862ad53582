"""The ledger of sent batches and the search for lost messages, on a real Redis and a
real store (SQLite, and PostgreSQL when configured): what `resend_lost` decides.

A message is "lost" here the way Redis loses one: taken off the queue and gone without
its task ever running (fetched and acknowledged by hand, no worker involved).
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import timedelta

import pytest
from click.testing import CliRunner

from store import ledger
from store.db import session_scope
from store.models import SentBatch, utcnow
from tests.test_queue_service import queue_env, redis_url  # noqa: F401 - fixtures
from worker.queueing import connection, enqueue_payloads, send_batch
from worker.redelivery import resend_lost

pytestmark = pytest.mark.service

LATER = timedelta(hours=1)  # "now" for resend_lost: every batch sent in the test is past its grace


def article(i: int) -> dict:
    return {"id": f"ledger-{i:03d}", "published": "2024-03-02",
            "text": f"At least {10 + i} people were killed in a flood in the north, the regional governor said."}


@pytest.fixture
def broker(queue_env, db_url, monkeypatch):  # noqa: F811 - fixture
    """The test's own queue on the test Redis, the store at ``db_url``, both in the environment."""
    monkeypatch.setenv("CLAIMTRACK_QUEUE", queue_env["CLAIMTRACK_QUEUE"])
    monkeypatch.setenv("CLAIMTRACK_BROKER_URL", queue_env["CLAIMTRACK_BROKER_URL"])
    monkeypatch.setenv("CLAIMTRACK_DATABASE_URL", db_url)
    from store.db import dispose_engines

    yield queue_env["CLAIMTRACK_BROKER_URL"]
    dispose_engines()


def take(broker_url: str, queue: str):
    """Take the next message off ``queue`` and drop it, which loses it: no task ran."""
    with held(broker_url, queue) as message:
        message.ack()
        return message


@contextmanager
def held(broker_url: str, queue: str):
    """Hold the next message of ``queue`` as a worker does while it runs the task: taken off
    the queue and recorded in kombu's ``unacked`` hash (put back if not acknowledged)."""
    with connection(broker_url) as conn:
        message = conn.default_channel.basic_get(queue, no_ack=False)
        assert message is not None, "the queue is empty"
        yield message


def send(broker_url: str, payloads: list, origins: list, engine) -> str:
    """``send_batch`` on a connection to the test broker; returns the task id."""
    with connection(broker_url) as conn:
        return send_batch(conn, payloads, origins, engine)


def rows(engine) -> dict[str, SentBatch]:
    with session_scope(engine) as session:
        return {r.task_id: r for r in session.query(SentBatch)}


def test_every_batch_is_in_the_ledger_before_its_message_and_matches_it(broker, engine, queue_env):
    queue = queue_env["CLAIMTRACK_QUEUE"]
    sent = enqueue_payloads(((article(i), f"o{i}") for i in range(23)), broker, size=5, engine=engine)
    assert sent == 23
    recorded = rows(engine)
    assert sorted(r.articles for r in recorded.values()) == [3, 5, 5, 5, 5]
    for _ in range(5):
        message = take(broker, queue)
        task_id = message.headers["id"]
        assert json.loads(recorded[task_id].body) == json.loads(message.body)[0]
    with session_scope(engine) as session:
        assert ledger.pending_count(session)["articles"] == 23


def test_nothing_is_resent_while_messages_wait_on_the_queue(broker, engine, queue_env):
    queue = queue_env["CLAIMTRACK_QUEUE"]
    lost = send(broker, [article(1)], ["a"], engine)
    send(broker, [article(2)], ["b"], engine)
    take(broker, queue)  # the first is lost; the second still waits
    report = resend_lost(engine, broker, 60, now=utcnow() + LATER)
    assert report.resent == [] and report.waiting == 1
    assert "wait" in report.reason
    assert rows(engine)[lost].resent == 0


def test_a_batch_whose_message_a_worker_holds_is_not_resent_and_is_once_it_is_lost(broker, engine, queue_env):
    queue = queue_env["CLAIMTRACK_QUEUE"]
    task_id = send(broker, [article(3), article(4)], ["x", "y"], engine)
    with held(broker, queue) as message:  # delivered, not acknowledged: in the unacked hash
        assert message.headers["id"] == task_id
        report = resend_lost(engine, broker, 60, now=utcnow() + LATER)
        assert report.waiting == 0 and report.in_flight >= 1 and report.pending == 1
        assert report.resent == []
        message.ack()  # and then gone without the task running: lost

    report = resend_lost(engine, broker, 60, now=utcnow() + LATER)
    assert report.resent == [{"task": task_id, "articles": 2, "resent": 1}]
    again = take(broker, queue)  # the same task id, the same arguments
    assert again.headers["id"] == task_id
    assert json.loads(again.body)[0] == [[article(3), article(4)], ["x", "y"]]
    assert rows(engine)[task_id].resent == 1


def test_an_old_lost_batch_is_resent_once_and_a_young_one_not_at_all(broker, engine, queue_env):
    queue = queue_env["CLAIMTRACK_QUEUE"]
    old = send(broker, [article(5)], ["old"], engine)
    with session_scope(engine) as session:
        session.query(SentBatch).filter_by(task_id=old).update({"sent_at": utcnow() - timedelta(seconds=300)})
    young = send(broker, [article(6)], ["young"], engine)
    take(broker, queue)
    take(broker, queue)  # both lost
    first = resend_lost(engine, broker, 120)
    assert [r["task"] for r in first.resent] == [old]
    take(broker, queue)  # lost once more: its grace period starts over, doubled
    assert resend_lost(engine, broker, 120).resent == []
    # the young one is past its grace in 200 s, the old one only after twice the grace
    t0 = utcnow()
    assert [r["task"] for r in resend_lost(engine, broker, 120, now=t0 + timedelta(seconds=200)).resent] == [young]
    take(broker, queue)
    assert [r["task"] for r in resend_lost(engine, broker, 120, now=t0 + timedelta(seconds=300)).resent] == [old]
    assert {t: r.resent for t, r in rows(engine).items()} == {old: 2, young: 1}


def test_a_finished_batch_leaves_the_ledger_and_a_retried_one_stays(broker, engine, queue_env):
    from worker.tasks import ingest_batch

    task_id = send(broker, [article(7), {"id": "empty", "text": ""}], ["a", "b"], engine)
    take(broker, queue_env["CLAIMTRACK_QUEUE"])
    result = ingest_batch.apply(args=[[article(7), {"id": "empty", "text": ""}], ["a", "b"]], task_id=task_id)
    assert result.get() == {"rejected": 1, "stored": 1}
    assert task_id not in rows(engine)
    # a duplicate of the same message finds the articles known and no row: nothing to do
    assert ingest_batch.apply(args=[[article(7)], ["a"]], task_id=task_id).get() == {"known": 1}
    assert resend_lost(engine, broker, 0, now=utcnow() + LATER).resent == []


def test_queue_status_and_resend_commands(broker, engine, queue_env):
    from worker.cli import cli

    queue = queue_env["CLAIMTRACK_QUEUE"]
    task_id = send(broker, [article(8), article(9), article(10)], ["c", "d", "e"], engine)
    out = CliRunner().invoke(cli, ["queue", "status"], catch_exceptions=False).output
    assert f"queue {queue}: 1 waiting" in out and "ledger: 1 batches (3 articles)" in out
    out = CliRunner().invoke(cli, ["queue", "resend", "--grace", "0"], catch_exceptions=False).output
    assert "nothing resent: 1 messages wait" in out
    take(broker, queue)
    out = CliRunner().invoke(cli, ["queue", "resend", "--grace", "0"], catch_exceptions=False).output
    assert f"resent {task_id} (3 articles, resend 1)" in out
    status = json.loads(CliRunner().invoke(cli, ["queue", "status", "--format", "jsonl"]).output)
    assert status["waiting"] == 1 and status["ledger_batches"] == 1 and status["ledger_resent"] == 1


def test_the_grace_defaults_to_twice_the_visibility_timeout_and_at_least_two_minutes(monkeypatch):
    from worker import settings

    monkeypatch.delenv("CLAIMTRACK_RESEND_GRACE", raising=False)
    monkeypatch.setenv("CLAIMTRACK_VISIBILITY_TIMEOUT", "3600")
    assert settings.resend_grace() == 7200
    monkeypatch.setenv("CLAIMTRACK_VISIBILITY_TIMEOUT", "8")
    assert settings.resend_grace() == 120
    monkeypatch.setenv("CLAIMTRACK_RESEND_GRACE", "30")
    assert settings.resend_grace() == 30


def test_an_error_raised_from_the_process_exit_stops_the_task_instead_of_failing_it():
    from worker.tasks import exit_behind

    def interrupted():
        try:
            raise SystemExit(-241)  # billiard stopping the pool process mid-query
        except SystemExit as e:
            raise RuntimeError("can't change 'autocommit' now") from e

    with pytest.raises(RuntimeError) as caught:
        interrupted()
    assert exit_behind(caught.value).code == -241
    assert exit_behind(ValueError("bad input")) is None
