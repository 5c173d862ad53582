"""Articles per second through the Celery queue, beside the in-process rate and a no-op task.

Measured in one run on one machine:

* embedded: the in-process pipeline (`claimtrack ingest`, CLAIMTRACK_BATCH_SIZE articles per
  transaction) on SQLite, and on PostgreSQL;
* no-op: `claimtrack.ping` tasks through Redis to a 2-process worker, published as fast
  as one connection can, until the last is acknowledged — the ceiling the queue itself sets
  (the best of three runs, so the ratios below are not flattered by a slow one);
* queue: articles enqueued in batches (1, 10, 25 per message) to a 2-process worker on
  Redis + PostgreSQL, from the first publish until the last article is stored with its
  links; with the ratio to the no-op rate and the memory (RSS) of each worker process.

    python bench/bench_queue.py
    python bench/bench_queue.py --articles 2000 --postgres postgresql://postgres@127.0.0.1/claimtrack_test \\
        --redis redis://127.0.0.1:6379/15
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from store.db import dispose_engines, make_engine, upgrade  # noqa: E402
from claimtrack_testdata.articles import synthetic_articles  # noqa: E402
from claimtrack_testdata.processes import Worker, queue_drained, store_counts  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def fresh_database(admin_url: str, name: str) -> str:
    base = make_url(admin_url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = make_engine(base.render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = base.set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    return url


def drop_database(admin_url: str, name: str) -> None:
    base = make_url(admin_url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = make_engine(base.render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def in_process_rate(db_url: str, payloads: list[dict]) -> float:
    from worker.aliases import load_aliases
    from worker.inputs import article_from_payload
    from worker.pipeline import Config, ingest_many
    from worker.settings import batch_size

    upgrade(db_url)
    engine = make_engine(db_url)
    aliases, cfg, size = load_aliases(None), Config.from_env(), batch_size()
    arts = [article_from_payload(p) for p in payloads]
    t = time.perf_counter()
    for i in range(0, len(arts), size):  # as `claimtrack ingest` does: CLAIMTRACK_BATCH_SIZE per transaction
        for out in ingest_many(engine, arts[i:i + size], aliases, cfg):
            assert out.status == "stored", (out.status, out.reason)
    elapsed = time.perf_counter() - t
    engine.dispose()
    return len(arts) / elapsed


def worker_rss(w: Worker) -> str:
    pids = [w.proc.pid, *w.children()]
    return ", ".join(f"{'main' if i == 0 else f'pool{i}'} {rss_mb(p):.0f} MB" for i, p in enumerate(pids))


def noop_rate(queue: dict, db_url: str, n: int, tmp: Path) -> tuple[float, str]:
    from worker.celery_app import app
    from worker.queueing import connection

    w = Worker({**queue, "CLAIMTRACK_DATABASE_URL": db_url}, tmp / "noop.log").wait_ready()
    try:
        t = time.perf_counter()
        with connection(queue["CLAIMTRACK_BROKER_URL"]) as conn:
            for _ in range(n):
                app.send_task("claimtrack.ping", connection=conn, queue=queue["CLAIMTRACK_QUEUE"])
        while not queue_drained(queue):
            time.sleep(0.01)
        elapsed = time.perf_counter() - t
        return n / elapsed, worker_rss(w)
    finally:
        w.stop()


def queue_rate(queue: dict, db_url: str, payloads: list[dict], batch: int, tmp: Path) -> tuple[float, str]:
    from worker.queueing import enqueue_payloads

    w = Worker({**queue, "CLAIMTRACK_DATABASE_URL": db_url}, tmp / f"ingest-{batch}.log",
               ).wait_ready()
    # one connection and one cheap count to watch progress: the watcher shares the CPUs
    watch = make_engine(db_url)
    try:
        with watch.connect() as conn:
            t = time.perf_counter()
            # the ledger rows go to the bench's store, the one the worker deletes them from
            enqueue_payloads(((p, "bench") for p in payloads), queue["CLAIMTRACK_BROKER_URL"], size=batch,
                             engine=watch)
            while conn.execute(text("SELECT count(*) FROM articles")).scalar_one() < len(payloads) \
                    or not queue_drained(queue):
                conn.rollback()
                time.sleep(0.05)
            elapsed = time.perf_counter() - t
        counts = store_counts(db_url)
        assert counts["failed"] == 0 and counts["articles"] == len(payloads), counts
        return len(payloads) / elapsed, worker_rss(w)
    finally:
        watch.dispose()
        w.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--noop", type=int, default=3000, help="no-op tasks to time")
    ap.add_argument("--batches", type=int, nargs="+", default=[1, 10, 25, 50])
    ap.add_argument("--postgres", default=os.environ.get("CLAIMTRACK_TEST_POSTGRES_URL",
                                                         "postgresql://postgres@127.0.0.1:5432/test"))
    ap.add_argument("--redis", default=os.environ.get("CLAIMTRACK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
    args = ap.parse_args()

    payloads = synthetic_articles(args.articles, seed=11)
    queue = {"CLAIMTRACK_BROKER_URL": args.redis, "CLAIMTRACK_QUEUE": f"claimtrack-bench-{uuid.uuid4().hex[:8]}"}
    os.environ["CLAIMTRACK_QUEUE"] = queue["CLAIMTRACK_QUEUE"]
    name = f"claimtrack_bench_{os.getpid()}"
    print(f"{args.articles} synthetic articles, 2 worker processes, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        emb_sqlite = in_process_rate(f"sqlite:///{tmp / 'embedded.db'}", payloads)
        print(f"embedded in-process, SQLite      {emb_sqlite:8.1f} articles/s")
        emb_pg = in_process_rate(fresh_database(args.postgres, name), payloads)
        print(f"embedded in-process, PostgreSQL  {emb_pg:8.1f} articles/s")
        # the no-op rate is the ceiling the ratios are taken against: the best of three runs
        noops = [noop_rate(queue, fresh_database(args.postgres, name), args.noop, tmp) for _ in range(3)]
        noop, noop_mem = max(noops)
        print(f"celery no-op task (ping)         {noop:8.1f} tasks/s      (best of "
              f"{', '.join(f'{r:.0f}' for r, _ in noops)})   worker RSS: {noop_mem}")
        for batch in args.batches:
            url = fresh_database(args.postgres, name)
            rate, mem = queue_rate(queue, url, payloads, batch, tmp)
            print(f"queue, {batch:2d} article(s)/message      {rate:8.1f} articles/s   "
                  f"{rate / noop:6.1%} of no-op   {rate / emb_sqlite:5.2f}x embedded SQLite   "
                  f"{rate / emb_pg:5.2f}x embedded PostgreSQL   worker RSS: {mem}")
    dispose_engines()
    drop_database(args.postgres, name)


if __name__ == "__main__":
    main()
