"""POST /api/articles throughput with 10 concurrent clients, beside `claimtrack ingest`.

The same synthetic articles (tests/test_queue_service.synthetic_articles) are stored
three ways, each into a fresh store:

* `claimtrack ingest FILE.jsonl` (the embedded pipeline, one process, batches of
  CLAIMTRACK_BATCH_SIZE), wall time of the whole command (start-up and the extractor's
  cold start included, as a user sees it);
* the same pipeline called in this process once warm (`pipeline.ingest_many` in batches
  of CLAIMTRACK_BATCH_SIZE): the work the server does, without HTTP;
* `claimtrack serve` (one uvicorn process, embedded) with 10 clients on loopback, each
  posting one article per request;
* the same with 25 articles per request (how a newsroom system pushes a backlog).

For the API: articles/s from the first request sent to the last answered, and the p50 and
p99 latency of one request. Every run must store the same number of articles and claims.

    python bench/bench_api.py                          # SQLite
    python bench/bench_api.py --articles 1000 --postgres postgresql://postgres@127.0.0.1/claimtrack_test
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from bench.bench_queue import drop_database, fresh_database  # noqa: E402
from tests.test_queue_service import store_counts, synthetic_articles, write_jsonl  # noqa: E402
from tests.web_server import Server, make_tokens  # noqa: E402

CLIENTS = 10
CLAIMTRACK = str(Path(sys.executable).with_name("claimtrack"))


def ingest_cli(url: str, jsonl: Path) -> float:
    start = time.perf_counter()
    subprocess.run([CLAIMTRACK, "ingest", "-q", str(jsonl)], check=True, env={**os.environ, "CLAIMTRACK_DATABASE_URL": url},
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def ingest_warm(url: str, articles: list[dict]) -> float:
    from store.db import dispose_engines, engine_for, ensure_schema
    from worker.inputs import article_from_payload
    from worker.pipeline import Config, ingest_many
    from worker.settings import batch_size
    from worker.web.app import warm_up

    aliases = warm_up()
    engine = engine_for(url)
    ensure_schema(engine)
    arts = [article_from_payload(a) for a in articles]
    size = batch_size()
    start = time.perf_counter()
    for i in range(0, len(arts), size):
        ingest_many(engine, arts[i:i + size], aliases, Config.from_env())
    seconds = time.perf_counter() - start
    dispose_engines()
    return seconds


def post_all(server: Server, token: str, articles: list[dict], per_request: int) -> tuple[float, list[float]]:
    """Post ``articles`` from CLIENTS threads, ``per_request`` at a time; (seconds, latencies)."""
    bodies = [articles[i:i + per_request] for i in range(0, len(articles), per_request)]
    bodies = [b[0] if per_request == 1 else b for b in bodies]
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list[str] = []

    def client(mine: list) -> None:
        with server.client(token) as c:
            for body in mine:
                t0 = time.perf_counter()
                r = c.post("/api/articles", json=body)
                dt = time.perf_counter() - t0
                with lock:
                    latencies.append(dt)
                    if r.status_code != 201:
                        failures.append(f"{r.status_code} {r.text[:200]}")

    threads = [threading.Thread(target=client, args=(bodies[k::CLIENTS],)) for k in range(CLIENTS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, e.g. {failures[0]}")
    return elapsed, latencies


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def run(backend: str, make_url, articles: list[dict], tmp: Path) -> None:
    n = len(articles)
    jsonl = write_jsonl(tmp / "articles.jsonl", articles)
    url = make_url("cli")
    seconds = ingest_cli(url, jsonl)
    expected = store_counts(url)
    print(f"{backend:10} claimtrack ingest          {n / seconds:8.1f} articles/s  ({seconds:.1f} s for {n}, "
          f"{expected['claims']} claims)")
    url = make_url("warm")
    seconds = ingest_warm(url, articles)
    assert store_counts(url)["claims"] == expected["claims"]
    print(f"{backend:10} ingest_many, warm           {n / seconds:8.1f} articles/s  (in this process, no HTTP)")
    base = n / seconds
    for per in (1, 25):
        url = make_url(f"api{per}")
        token = make_tokens(url, bench="ingest")["bench"]
        server = Server(url, tmp / f"serve-{per}.log").start()
        try:
            seconds, lat = post_all(server, token, articles, per)
        finally:
            server.stop()
        got = store_counts(url)
        assert (got["articles"], got["claims"]) == (expected["articles"], expected["claims"]), (got, expected)
        print(f"{backend:10} POST /api/articles ×{per:<3}   {n / seconds:8.1f} articles/s  "
              f"({n / seconds / base:4.2f}× warm in-process; {CLIENTS} clients; per request p50 {pct(lat, 50) * 1000:6.1f} ms, "
              f"p99 {pct(lat, 99) * 1000:6.1f} ms)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=600)
    ap.add_argument("--postgres", help="an admin url; a database of this run's own is made and dropped")
    args = ap.parse_args()
    articles = synthetic_articles(args.articles, seed=11)
    print(f"{args.articles} synthetic articles, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        run("sqlite", lambda tag: f"sqlite:///{tmp / (tag + '.db')}", articles, tmp)
        if args.postgres:
            made = []

            def pg(tag: str) -> str:
                name = f"claimtrack_bench_api_{tag}_{uuid.uuid4().hex[:6]}"
                made.append(name)
                return fresh_database(args.postgres, name)

            try:
                run("postgresql", pg, articles, tmp)
            finally:
                for name in made:
                    drop_database(args.postgres, name)


if __name__ == "__main__":
    main()
