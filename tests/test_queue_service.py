"""A real Celery worker process on real Redis and PostgreSQL stores what the in-process
pipeline stores.

Needs CLAIMTRACK_TEST_REDIS_URL (its database is flushed) and CLAIMTRACK_TEST_POSTGRES_URL;
skipped without them. The helpers here (worker processes, synthetic articles, store
snapshots) are shared with tests/test_queue_faults.py and bench/bench_queue.py.
"""
from __future__ import annotations

import json
import math
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, SEEDS, fresh_postgres
from worker.settings import batch_size

REDIS_URL = os.environ.get("CLAIMTRACK_TEST_REDIS_URL")

pytestmark = pytest.mark.service


# ---- synthetic articles -------------------------------------------------------------------------

PLACES = ["Sudan", "Myanmar", "Haiti", "Ukraine", "Yemen", "Libya", "Somalia", "Syria", "Mali", "Ethiopia"]
SOURCES = ["the United Nations", "the Red Cross", "the health ministry", "local officials",
           "the World Health Organization"]
OUTLETS = ["example-news.org", "daily-wire.example", "globe.example", "courier.example"]
KINDS = [("were killed", 1), ("were injured", 2), ("have been displaced", 40), ("are missing", 1)]
QUALIFIERS = ["", "at least ", "more than ", "about ", "nearly "]
FILLER = ["Rescue teams worked through the night.", "Aid convoys were delayed at the border.",
          "Residents described scenes of chaos.", "The situation remained tense on the ground.",
          "Officials appealed for international help.", "Roads into the area were blocked."]
START = date(2024, 1, 1)


def synthetic_articles(n: int, seed: int = 7) -> list[dict]:
    """``n`` small distinct articles (SPEC §1 JSON) stating attributed head counts.

    Each source's running totals grow with the date, so the same articles give the same
    links in any arrival order without depending on downward revisions; different
    sources disagree, so agreements and contradictions appear too.
    """
    rng = random.Random(seed)
    out = []
    for i in range(n):
        place = PLACES[i % len(PLACES)]
        day = rng.randrange(90)
        published = START + timedelta(days=day)
        sentences = []
        for verb, scale in rng.sample(KINDS, rng.randint(1, 3)):
            s = rng.randrange(len(SOURCES))
            value = (40 + 13 * s + 7 * day + PLACES.index(place)) * scale
            qualifier = rng.choice(QUALIFIERS)
            sentences.append(f"{qualifier.capitalize()}{value:,} people {verb} in {place}, {SOURCES[s]} said.")
        sentences.append(rng.choice(FILLER))
        sentences.append(f"This is dispatch {i} from the {place} desk.")
        out.append({"id": f"syn-{i:05d}", "url": f"https://{OUTLETS[i % len(OUTLETS)]}/story/{i}",
                    "outlet": OUTLETS[i % len(OUTLETS)], "published": published.isoformat(),
                    "title": f"Dispatch {i} on {place}", "text": " ".join(sentences)})
    return out


def write_jsonl(path: Path, payloads: list[dict]) -> Path:
    path.write_text("".join(json.dumps(p) + "\n" for p in payloads), encoding="utf-8")
    return path


# ---- processes ----------------------------------------------------------------------------------

class Worker:
    """A real ``celery worker`` (or ``claimtrack worker``) process group, logging to a file."""

    def __init__(self, env: dict, log: Path, concurrency: int = 2, via_cli: bool = False, extra=()):
        self.log_path = log
        name = f"t{uuid.uuid4().hex[:8]}@%h"
        if via_cli:
            cmd = [str(Path(sys.executable).with_name("claimtrack")), "worker", "-c", str(concurrency), "-l", "INFO",
                   "-n", name]
        else:
            cmd = [sys.executable, "-m", "celery", "-A", "worker.celery_app", "worker", "-c", str(concurrency),
                   "-l", "INFO", "-n", name, "--without-gossip", "--without-mingle", "--without-heartbeat", *extra]
        self.log = open(log, "ab")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, timeout: float = 30) -> Worker:
        wait_for(lambda: " ready." in self.text() or self.proc.poll() is not None, timeout, "worker ready")
        assert self.proc.poll() is None, f"worker exited:\n{self.text()[-3000:]}"
        return self

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def kill9(self) -> None:
        """SIGKILL the whole process group: the parent and its pool processes, no cleanup."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # warm shutdown
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        if not self.log.closed:
            self.log.close()


def wait_for(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


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


def store_counts(db_url: str) -> dict:
    """Articles, distinct articles, claims, links and failures stored at ``db_url``."""
    from sqlalchemy import func, select

    from store.db import make_engine
    from store.models import Article, Claim, ClaimLink, Rejection

    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return {
                "articles": conn.scalar(select(func.count()).select_from(Article)),
                "distinct_ext_ids": conn.scalar(select(func.count(func.distinct(Article.ext_id)))),
                "claims": conn.scalar(select(func.count()).select_from(Claim)),
                "links": conn.scalar(select(func.count()).select_from(ClaimLink)),
                "failed": conn.scalar(select(func.count()).select_from(Rejection).where(Rejection.status == "failed")),
            }
    finally:
        engine.dispose()


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


def enqueue(queue: dict, db_url: str, *paths: str) -> str:
    """``claimtrack ingest --queue`` in this process; returns what the CLI printed."""
    return run_cli({**queue, "CLAIMTRACK_DATABASE_URL": db_url}, "ingest", "--queue", *paths)


def queue_drained(queue: dict) -> bool:
    """No message of ``queue`` waiting, and none delivered but not yet acknowledged."""
    import redis

    name = queue["CLAIMTRACK_QUEUE"]
    client = redis.Redis.from_url(queue["CLAIMTRACK_BROKER_URL"])
    try:
        if client.llen(name):
            return False
        # kombu keeps delivered messages in one hash as JSON [message, exchange, routing key]
        return not any(json.loads(v)[2] == name for v in client.hvals("unacked"))
    finally:
        client.close()


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
    assert queue_drained(queue_env)
    assert snapshot(queue_db) == expected
    assert store_counts(queue_db)["failed"] == 0
