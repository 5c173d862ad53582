"""Real processes for service tests and benchmarks: Celery workers, a command's peak
memory, and what the store and the queue hold."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


def run_measured(cmd: list[str], env: dict, cwd: Path = ROOT) -> dict:
    """Run ``cmd`` to the end: its exit status, output, wall and CPU time, and peak RSS in
    MB (the kernel's counts for that one process, from ``wait4``)."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **env}, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"status": proc.returncode, "stdout": out.read().decode("utf-8", "replace"),
                "stderr": err.read().decode("utf-8", "replace"), "seconds": time.monotonic() - started,
                "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024}


def store_counts(db_url: str) -> dict:
    """Articles, distinct articles, claims, links, failures and rejections stored at ``db_url``."""
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
                "rejected": conn.scalar(select(func.count()).select_from(Rejection)
                                        .where(Rejection.status == "rejected")),
            }
    finally:
        engine.dispose()


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
