"""Faults with real processes: a worker killed with SIGKILL, Redis killed and restarted,
PostgreSQL refusing connections for a few seconds. Each time, every one of 500 queued
articles ends up stored exactly once, with the claims and links the in-process pipeline
stores for the same articles, and the ledger of sent batches ends empty.

Needs CLAIMTRACK_TEST_REDIS_URL and CLAIMTRACK_TEST_POSTGRES_URL (skipped without) and
``redis-server`` on the PATH for the Redis restart. About a minute and a half in all.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL
from tests.test_queue_service import (  # noqa: F401 - fixtures shared with the service test
    FAST_RESEND, REDIS_URL, beat, enqueue, in_process, ledger_pending, queue_db, queue_drained, queue_env, redis_url,
    snapshot, store_counts, synthetic_articles, wait_for, workers, write_jsonl,
)

pytestmark = pytest.mark.service

N = 500
# an unacknowledged message of a killed worker comes back after this long (production: an hour)
VISIBILITY = "8"
# small messages: a run of N articles is many deliveries long, so a fault lands mid-run
SMALL_BATCHES = {"CLAIMTRACK_BATCH_SIZE": "5"}


@pytest.fixture(scope="module")
def articles(tmp_path_factory) -> tuple[Path, tuple[list[str], list[str]]]:
    """500 articles in a JSON Lines file, and what the in-process pipeline stores for them."""
    if not (REDIS_URL and POSTGRES_URL):
        pytest.skip("CLAIMTRACK_TEST_REDIS_URL and CLAIMTRACK_TEST_POSTGRES_URL are needed")
    tmp = tmp_path_factory.mktemp("faults")
    path = write_jsonl(tmp / "articles.jsonl", synthetic_articles(N))
    expected_db = in_process(tmp, str(path))
    counts = store_counts(expected_db)
    assert counts["articles"] == N and counts["failed"] == 0, counts
    return path, snapshot(expected_db)


def assert_stored_exactly_once(db_url: str, expected) -> None:
    counts = store_counts(db_url)
    assert counts["articles"] == counts["distinct_ext_ids"] == N, counts
    assert counts["failed"] == 0, counts
    claims, links = snapshot(db_url)
    assert len(claims) == len(expected[0]) and len(links) == len(expected[1])
    assert (claims, links) == expected


def test_a_worker_killed_with_sigkill_mid_run_loses_and_doubles_nothing(articles, queue_env, queue_db, workers):
    path, expected = articles
    env = {**queue_env, "CLAIMTRACK_DATABASE_URL": queue_db, "CLAIMTRACK_VISIBILITY_TIMEOUT": VISIBILITY}
    assert f"enqueued {N} articles" in enqueue({**queue_env, **SMALL_BATCHES}, queue_db, str(path))
    first = workers(env)
    wait_for(lambda: store_counts(queue_db)["articles"] >= 60, 90, "60 articles stored")
    # a pool process dies mid-task: task_reject_on_worker_lost puts its message back at once
    os.kill(first.children()[0], signal.SIGKILL)
    wait_for(lambda: store_counts(queue_db)["articles"] >= 150, 90, "150 articles stored")
    first.kill9()  # the whole worker: its unacknowledged messages return after the visibility timeout
    stored_at_kill = store_counts(queue_db)["articles"]
    assert stored_at_kill < N, "the worker finished before it was killed: the test proved nothing"
    assert "WorkerLostError" in first.text() or "Process" in first.text()

    workers(env)
    wait_for(lambda: store_counts(queue_db)["articles"] == N and queue_drained(queue_env, queue_db), 180,
             f"all {N} articles after the restart, and the ledger empty")
    assert_stored_exactly_once(queue_db, expected)


# ---- Redis killed and restarted ----------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, persistent the way docs/queue.md says production must be."""

    def __init__(self, directory: Path, port: int):
        self.port, self.dir = port, directory
        self.proc: subprocess.Popen | None = None
        self.log = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.log = open(self.dir / "redis.log", "ab")
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
             "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(self.ping, 20, "redis-server to answer")
        return self

    def ping(self) -> bool:
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        try:
            return bool(client.ping())
        except redis.exceptions.ConnectionError:
            return False
        finally:
            client.close()

    def kill9(self) -> None:
        self.proc.kill()
        self.proc.wait(10)
        self.log.close()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        if self.log is not None:
            self.log.close()


@pytest.fixture
def own_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not on the PATH")
    server = RedisServer(tmp_path, free_port()).start()
    yield server
    server.stop()


def test_redis_killed_and_restarted_mid_run_loses_nothing(articles, own_redis, queue_db, workers, beat):
    """Redis can lose a message it popped but had not yet recorded as unacknowledged (a
    crash between the two commands): the batch's ledger row outlives it, and beat's search
    for lost messages sends it again once the queue is drained."""
    path, expected = articles
    queue = {"CLAIMTRACK_BROKER_URL": own_redis.url, "CLAIMTRACK_QUEUE": "claimtrack"}
    env = {**queue, "CLAIMTRACK_DATABASE_URL": queue_db, "CLAIMTRACK_VISIBILITY_TIMEOUT": VISIBILITY, **FAST_RESEND}
    assert f"enqueued {N} articles" in enqueue({**queue, **SMALL_BATCHES}, queue_db, str(path))
    assert ledger_pending(queue_db) == N // 5
    worker = workers(env)
    beat(env)
    wait_for(lambda: store_counts(queue_db)["articles"] >= 100, 90, "100 articles stored")
    own_redis.kill9()
    stored_at_kill = store_counts(queue_db)["articles"]
    time.sleep(3)
    own_redis.start()  # replays its append-only file: the queue and the unacknowledged messages
    assert stored_at_kill < N, "the run finished before Redis was killed: the test proved nothing"
    wait_for(lambda: store_counts(queue_db)["articles"] == N and queue_drained(queue, queue_db), 180,
             f"all {N} articles after the Redis restart, and the ledger empty")
    assert "Connection to broker lost" in worker.text() or "Cannot connect" in worker.text()
    assert_stored_exactly_once(queue_db, expected)


# ---- PostgreSQL refusing connections --------------------------------------------------------------

class Proxy:
    """A TCP proxy in front of PostgreSQL that can refuse connections and cut open ones."""

    def __init__(self, target: tuple[str, int]):
        self.target, self.port = target, free_port()
        self.listener: socket.socket | None = None
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []

    def open(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(64)
        t = threading.Thread(target=self._accept, args=(self.listener,), daemon=True)
        t.start()
        self.threads.append(t)

    def close(self) -> None:
        """Refuse new connections and cut every open one (as a database restart would)."""
        if self.listener is not None:
            # shutdown, not just close: it wakes the thread blocked in accept(), which
            # would otherwise keep the port listening
            try:
                self.listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.listener.close()
            self.listener = None
        with self.lock:
            for c in self.conns:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                c.close()
            self.conns.clear()
        for t in self.threads:
            t.join(5)
        self.threads = [t for t in self.threads if t.is_alive()]

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                t = threading.Thread(target=self._pipe, args=(a, b), daemon=True)
                t.start()
                self.threads.append(t)

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.fixture
def proxy(queue_db):
    from sqlalchemy.engine import make_url

    url = make_url(queue_db)
    p = Proxy((url.host or "127.0.0.1", url.port or 5432))
    p.open()
    yield p, url.set(host="127.0.0.1", port=p.port).render_as_string(hide_password=False)
    p.close()


def test_a_database_that_refuses_connections_for_a_while_is_retried_until_it_is_back(
        articles, queue_env, queue_db, proxy, workers):
    path, expected = articles
    gate, via_proxy = proxy
    worker = workers({**queue_env, "CLAIMTRACK_DATABASE_URL": via_proxy})
    assert f"enqueued {N} articles" in enqueue({**queue_env, **SMALL_BATCHES}, queue_db, str(path))
    wait_for(lambda: store_counts(queue_db)["articles"] >= 60, 90, "60 articles stored")
    gate.close()  # open transactions are cut; new connections are refused
    stored = store_counts(queue_db)["articles"]
    time.sleep(5)
    assert store_counts(queue_db)["articles"] == stored, "something was stored through a closed database"
    gate.open()
    wait_for(lambda: store_counts(queue_db)["articles"] == N and queue_drained(queue_env, queue_db), 180,
             f"all {N} articles after the database came back, and the ledger empty")
    log = worker.text()
    assert "Retry in" in log and "OperationalError" in log, log[-3000:]
    assert_stored_exactly_once(queue_db, expected)
