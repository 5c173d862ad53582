"""With a broker, articles posted to the API go through the queue: a real Celery worker
stores exactly what `claimtrack ingest seeds/` stores in-process.

Needs CLAIMTRACK_TEST_REDIS_URL and CLAIMTRACK_TEST_POSTGRES_URL (skipped without them).
"""
from __future__ import annotations

import json

import httpx
import pytest

from tests.conftest import SEEDS
from tests.test_queue_service import (  # noqa: F401 - fixtures
    in_process, queue_db, queue_env, redis_url, snapshot, store_counts, wait_for, workers,
)
from tests.web_server import Server, make_tokens

pytestmark = pytest.mark.service


def test_seeds_posted_to_the_api_are_stored_by_a_worker_as_ingest_stores_them(
        queue_env, queue_db, workers, tmp_path):
    expected = snapshot(in_process(tmp_path, str(SEEDS)))
    env = {**queue_env, "CLAIMTRACK_DATABASE_URL": queue_db}
    worker = workers(env)
    token = make_tokens(queue_db, newsroom="ingest")["newsroom"]
    server = Server(queue_db, tmp_path / "serve.log", env=queue_env).start()
    try:
        assert httpx.get(server.url + "/healthz").json() == {"status": "ok", "database": "ok", "broker": "ok"}
        payloads = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.json"))]
        with server.client(token) as c:
            r = c.post("/api/articles", json=[*payloads, {"id": "empty-one", "text": ""}])
        assert r.status_code == 202, r.text
        body = r.json()
        assert body["enqueued"] == len(payloads) == 18
        assert [x["article"] for x in body["rejected"]] == ["empty-one"]
        assert sorted(a for t in body["tasks"] for a in t["articles"]) == sorted(p["id"] for p in payloads)
        wait_for(lambda: store_counts(queue_db)["articles"] == 18, 90, "18 articles stored")
        for task in body["tasks"]:
            wait_for(lambda: f"[{task['id']}] succeeded" in worker.text(), 60, f"task {task['id']}")
        assert snapshot(queue_db) == expected
        assert store_counts(queue_db)["failed"] == 0
    finally:
        server.stop()
