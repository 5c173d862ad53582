"""A real Celery worker process on real Redis and PostgreSQL stores what the in-process
pipeline stores.

Needs CLAIMTRACK_TEST_REDIS_URL (its database is flushed) and CLAIMTRACK_TEST_POSTGRES_URL;
skipped without them. The fixtures here are shared with tests/test_queue_faults.py and
tests/test_poison_queue.py; worker processes and synthetic articles come from
claimtrack_testdata (shared with bench/).
"""
from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimtrack_testdata.articles import synthetic_articles, write_jsonl  # noqa: F401 - shared with the fault tests
from claimtrack_testdata.processes import Worker, store_counts, wait_for
from claimtrack_testdata.processes import queue_drained as broker_drained
from tests.conftest import SEEDS, fresh_postgres
from worker.settings import batch_size

REDIS_URL = os.environ.get("CLAIMTRACK_TEST_REDIS_URL")

pytestmark = pytest.mark.service


# ---- the store ----------------------------------------------------------------------------------

def run_cli(env: dict, *args: str) -> str:
    """Run a claimtrack command in this process with ``env`` set, closing its engines after."""
    from store.db import dispose_engines
    from worker.cli import cli

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        dispose_engines()
    assert result.exit_code == 0, result.output
    return result.output


def snapshot(db_url: str) -> tuple[list[str], list[str]]:
    """Sorted ``export claims`` and ``export links`` JSON Lines of the store at ``db_url``."""
    env = {"CLAIMTRACK_DATABASE_URL": db_url}
    claims = sorted(run_cli(env, "export", "claims", "--format", "jsonl").splitlines())
    links = sorted(run_cli(env, "export", "links", "--format", "jsonl").splitlines())
    return claims, links


def in_process(tmp_path: Path, *paths: str) -> str:
    """Ingest ``paths`` with the embedded pipeline on a fresh SQLite file; returns its url."""
    url = f"sqlite:///{tmp_path / f'inprocess-{uuid.uuid4().hex[:6]}.db'}"
    run_cli({"CLAIMTRACK_DATABASE_URL": url}, "ingest", "-q", *paths)
    return url


# ---- fixtures -----------------------------------------------------------------------------------

@pytest.fixture
def redis_url() -> str:
    """The test Redis database (CLAIMTRACK_TEST_REDIS_URL).

    Not flushed: every test sends to a queue of its own (:func:`queue_env`), so test runs
    sharing the database — two engineers, or CI beside a developer — never take each
    other's messages, and a flush would break the other run.
    """
    if not REDIS_URL:
        pytest.skip("CLAIMTRACK_TEST_REDIS_URL is not set")
    return REDIS_URL


@pytest.fixture
def queue_env(redis_url) -> dict:
    """Broker url and a queue name of this test's own; the queue is deleted afterwards."""
    import redis

    name = f"claimtrack-test-{uuid.uuid4().hex[:10]}"
    yield {"CLAIMTRACK_BROKER_URL": redis_url, "CLAIMTRACK_QUEUE": name}
    client = redis.Redis.from_url(redis_url)
    try:
        client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")
    finally:
        client.close()


@pytest.fixture
def queue_db() -> str:
    """An empty, migrated PostgreSQL database of this run's own."""
    from store.db import dispose_engines

    yield fresh_postgres()
    dispose_engines()


@pytest.fixture
def workers(tmp_path):
    """Start workers with ``workers(env)``; every one is stopped at the end of the test."""
    started: list[Worker] = []

    def start(env: dict, **kw) -> Worker:
        w = Worker(env, tmp_path / f"worker-{len(started)}.log", **kw)
        started.append(w)
        return w.wait_ready()

    yield start
    for w in started:
        w.stop()


class Beat:
    """A real ``claimtrack beat`` process (its own group), logging to a file."""

    def __init__(self, env: dict, directory: Path):
        self.log_path = directory / f"beat-{uuid.uuid4().hex[:6]}.log"
        self.log = open(self.log_path, "ab")
        cmd = [str(Path(sys.executable).with_name("claimtrack")), "beat", "-l", "INFO",
               "--schedule-file", str(directory / f"beat-schedule-{uuid.uuid4().hex[:6]}")]
        self.proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, timeout: float = 30) -> Beat:
        wait_for(lambda: "Starting..." in self.text() or self.proc.poll() is not None, timeout, "beat started")
        assert self.proc.poll() is None, f"beat exited:\n{self.text()[-3000:]}"
        return self

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        if not self.log.closed:
            self.log.close()


# how often beat looks for lost messages in the tests, and how old an unfinished batch must be
FAST_RESEND = {"CLAIMTRACK_RESEND_INTERVAL": "1", "CLAIMTRACK_RESEND_GRACE": "4"}


@pytest.fixture
def beat(tmp_path):
    """Start ``claimtrack beat`` with ``beat(env)``; stopped at the end of the test."""
    started: list[Beat] = []

    def start(env: dict) -> Beat:
        b = Beat(env, tmp_path)
        started.append(b)
        return b.wait_ready()

    yield start
    for b in started:
        b.stop()


def ledger_pending(db_url: str) -> int:
    """Batches in the store's ledger: sent and not yet finished."""
    from store import ledger
    from store.db import make_engine, session_scope

    engine = make_engine(db_url)
    try:
        with session_scope(engine) as session:
            return ledger.pending_count(session)["batches"]
    finally:
        engine.dispose()


def queue_drained(queue: dict, db_url: str | None = None) -> bool:
    """No message of ``queue`` waiting or in flight and, given the store, no batch in its
    ledger: every batch sent reached a final state."""
    return broker_drained(queue) and (db_url is None or ledger_pending(db_url) == 0)


def enqueue(queue: dict, db_url: str, *paths: str) -> str:
    """``claimtrack ingest --queue`` in this process; returns what the CLI printed."""
    return run_cli({**queue, "CLAIMTRACK_DATABASE_URL": db_url}, "ingest", "--queue", *paths)


# ---- tests --------------------------------------------------------------------------------------

def test_the_seeds_through_the_queue_give_the_same_claims_and_links_as_in_process(
        queue_env, queue_db, workers, tmp_path, monkeypatch):
    expected = snapshot(in_process(tmp_path, str(SEEDS)))
    assert expected[0] and expected[1]
    worker = workers({**queue_env, "CLAIMTRACK_DATABASE_URL": queue_db}, via_cli=True)  # `claimtrack worker`
    assert "enqueued 18 articles" in enqueue(queue_env, queue_db, str(SEEDS))
    wait_for(lambda: store_counts(queue_db)["articles"] == 18, 60, "18 articles stored")
    assert snapshot(queue_db) == expected

    # the same files enqueued again, and one message delivered twice: nothing doubles
    enqueue(queue_env, queue_db, str(SEEDS))
    from worker.celery_app import app
    from worker.queueing import connection

    payloads = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.json"))[:5]]
    monkeypatch.setenv("CLAIMTRACK_QUEUE", queue_env["CLAIMTRACK_QUEUE"])
    with connection(queue_env["CLAIMTRACK_BROKER_URL"]) as conn:
        for _ in range(2):
            app.send_task("claimtrack.ingest_batch", args=[payloads, []], task_id="same-message",
                          connection=conn, queue=queue_env["CLAIMTRACK_QUEUE"])
    # the seeds' batches, twice, and the message twice
    tasks = 2 * math.ceil(18 / batch_size()) + 2
    wait_for(lambda: worker.text().count("succeeded in") == tasks, 60, f"{tasks} tasks to finish")
    assert worker.text().count("{'known': 5}") == 2
    assert queue_drained(queue_env, queue_db)
    assert snapshot(queue_db) == expected
    assert store_counts(queue_db)["failed"] == 0
