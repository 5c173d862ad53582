"""The task functions, called directly on real SQLite and PostgreSQL (no eager mode).

The Celery wrappers only gather the engine, aliases and config and call these; what
they add — names, JSON, acks_late, time limits, the retry policy — is checked on the
declared tasks, and a real worker runs them in tests/test_queue_service.py.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select

from store.db import session_scope
from store.models import Article, Claim, ClaimLink, Recheck, Rejection, Source
from store.repository import claims_query, links_query
from tests.conftest import SEEDS
from worker import tasks
from worker.aliases import load_aliases
from worker.cli import cli
from worker.inputs import BadArticle
from worker.pipeline import Config
from worker.queueing import QueueError, batches, enqueue_paths
from worker.views import claim_json, link_json

TEXT = "At least 12 people were killed in Libya on Monday, the Red Cross said. Roads were blocked."


@pytest.fixture
def env():
    return load_aliases(None), Config()


def seed_payloads() -> list[dict]:
    out = []
    for path in sorted(SEEDS.glob("*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        payload.setdefault("id", path.stem)
        out.append(payload)
    return out


def snapshot(engine) -> tuple[list, list]:
    with session_scope(engine) as s:
        claims = sorted(json.dumps(claim_json(c), sort_keys=True) for c in s.scalars(claims_query()).unique())
        links = sorted(json.dumps(link_json(x), sort_keys=True) for x in s.scalars(links_query()).unique())
    return claims, links


def count(engine, model, *where) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_a_payload_is_stored_once_however_often_it_is_delivered(engine, env):
    aliases, cfg = env
    payload = {"id": "t1", "published": "2024-02-05", "outlet": "example.org", "text": TEXT}
    first = tasks.ingest_payload(engine, payload, aliases, cfg)
    assert first["status"] == "stored" and first["claims"] >= 1
    before = snapshot(engine)
    again = tasks.ingest_payload(engine, payload, aliases, cfg)
    assert again == {"article": "t1", "status": "known"}
    assert snapshot(engine) == before
    assert count(engine, Article) == 1


def test_bad_input_is_rejected_recorded_once_and_not_raised(engine, env):
    aliases, cfg = env
    payload = {"id": "empty", "text": "   "}
    for _ in range(2):  # the same message delivered twice
        out = tasks.ingest_payload(engine, payload, aliases, cfg, origin="feed-7")
        assert out == {"article": "empty", "status": "rejected", "reason": "'text' is empty"}
    assert count(engine, Rejection, Rejection.status == "rejected") == 1
    assert tasks.ingest_payload(engine, ["not", "an", "object"], aliases, cfg)["status"] == "rejected"


def test_a_batch_stores_each_article_in_its_own_transaction(engine, env):
    aliases, cfg = env
    batch = [{"id": "good", "published": "2024-02-05", "text": TEXT}, {"id": "bad"},
             {"id": "good-copy", "published": "2024-02-05", "text": TEXT}]
    assert tasks.ingest_payloads(engine, batch, aliases, cfg, ["a.jsonl:1", "a.jsonl:2"]) == \
        {"known": 1, "rejected": 1, "stored": 1}
    with session_scope(engine) as s:
        rej = s.scalars(select(Rejection)).one()
        assert (rej.origin, rej.article, rej.reason) == ("a.jsonl:2", "bad", "no 'text' field (the only required field)")
    assert tasks.ingest_payloads(engine, {"text": TEXT}, aliases, cfg) == {"rejected": 1}


def test_clashes_inside_one_batch_are_rejected_like_clashes_with_the_store(engine, env):
    aliases, cfg = env
    other = "Nearly 40 people were injured in Libya on Monday, the Red Cross said."
    batch = [{"id": "x1", "url": "https://example.org/a", "outlet": "example.org", "text": TEXT},
             {"id": "x1", "text": other},  # the same id, another text
             {"id": "x2", "url": "https://example.org/a", "outlet": "example.org", "text": other},  # same url
             {"id": "x3", "text": TEXT}]  # the same text under another id: the article is known
    assert tasks.ingest_payloads(engine, batch, aliases, cfg, ["b:1", "b:2", "b:3", "b:4"]) == \
        {"known": 1, "rejected": 2, "stored": 1}
    with session_scope(engine) as s:
        assert [a.ext_id for a in s.scalars(select(Article))] == ["x1"]
        reasons = sorted((r.origin, r.reason) for r in s.scalars(select(Rejection)))
    assert reasons == [("b:2", "article id 'x1' is already stored with a different text"),
                       ("b:3", "url https://example.org/a of example.org is already stored with a different text")]


def test_a_batch_cut_by_the_soft_time_limit_is_handed_back_one_article_per_message(engine, env, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    import worker.core.extract as extract_module

    aliases, cfg = env
    real = extract_module.extract

    def slow_on_one(article, aliases):  # the time limit fires while this article is extracted
        if article.id == "slow":
            raise SoftTimeLimitExceeded()
        return real(article, aliases)

    monkeypatch.setattr(extract_module, "extract", slow_on_one)
    handed_back = []
    batch = [{"id": "ok", "published": "2024-02-05", "text": TEXT}, {"id": "slow", "text": TEXT + " More."}]
    assert tasks.ingest_payloads(engine, batch, aliases, cfg, defer=lambda p, o: handed_back.append((p, o))) == \
        {"deferred": 2}
    assert [p[0]["id"] for p, _ in handed_back] == ["ok", "slow"] and count(engine, Article) == 0
    # alone in its message, the slow article is recorded as failed and the limit raised
    with pytest.raises(SoftTimeLimitExceeded):
        tasks.ingest_payloads(engine, handed_back[1][0], aliases, cfg, handed_back[1][1])
    assert tasks.ingest_payloads(engine, handed_back[0][0], aliases, cfg, handed_back[0][1]) == {"stored": 1}
    with session_scope(engine) as s:
        rej = s.scalars(select(Rejection)).one()
        assert (rej.article, rej.status) == ("slow", "failed") and "soft time limit" in rej.reason


def test_two_writers_adding_aliases_to_one_source_keep_both(db_url, engine):
    import threading

    from sqlalchemy.orm import Session

    from store import repository as repo

    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time")
    with session_scope(engine) as s:
        repo.source_ids(s, {"Test Ministry": {"Test Ministry"}})
    first, second = Session(engine), Session(engine)
    try:
        repo.source_ids(first, {"Test Ministry": {"the test ministry"}})  # holds the row until commit
        other = threading.Thread(target=lambda: (repo.source_ids(second, {"Test Ministry": {"Test's Ministry"}}),
                                                 second.commit()))
        other.start()
        other.join(0.5)
        assert other.is_alive()  # waiting for the first writer's row lock, not overwriting it
        first.commit()
        other.join(10)
    finally:
        first.close()
        second.close()
    with session_scope(engine) as s:
        aliases = s.scalar(select(Source.aliases).where(Source.canonical == "Test Ministry"))
    assert aliases == ["Test Ministry", "the test ministry", "Test's Ministry"]


def test_an_unreachable_database_raises_an_error_the_task_retries(env):
    from store.db import make_engine

    aliases, cfg = env
    down = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=2")
    try:
        with pytest.raises(tasks.TRANSIENT):
            tasks.ingest_payload(down, {"text": TEXT}, aliases, cfg)
    finally:
        down.dispose()


def refuse_articles(engine, prefix: str) -> None:
    """A trigger that makes the store refuse articles whose id starts with ``prefix``: a
    real, non-transient database error while storing valid input."""
    from sqlalchemy import text

    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(
                "CREATE OR REPLACE FUNCTION refuse_test_article() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.ext_id LIKE '{prefix}%' THEN RAISE EXCEPTION 'refused by a test trigger'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"))
            conn.exec_driver_sql("CREATE TRIGGER refuse_test BEFORE INSERT ON articles FOR EACH ROW "
                                 "EXECUTE FUNCTION refuse_test_article()")
        else:
            conn.execute(text(f"CREATE TRIGGER refuse_test BEFORE INSERT ON articles WHEN NEW.ext_id LIKE "
                              f"'{prefix}%' BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END"))


def test_an_error_while_storing_is_recorded_as_failed_with_payload_and_traceback(db_url, engine, env):
    aliases, cfg = env
    refuse_articles(engine, "refused")
    payload = {"id": "refused-1", "text": TEXT}
    out = tasks.ingest_payload(engine, payload, aliases, cfg, origin="refused.json")
    assert out["status"] == "failed" and "refused by a test trigger" in out["reason"]
    with session_scope(engine) as s:
        rej = s.scalars(select(Rejection)).one()
        assert rej.status == "failed" and rej.payload["text"] == TEXT and rej.article == "refused-1"
        assert "Traceback" in rej.traceback and rej.origin == "refused.json"


def test_a_nul_character_in_a_payload_is_bad_input_on_every_store(db_url, engine, env):
    # PostgreSQL text cannot hold NUL, SQLite can: rejected before either is asked
    aliases, cfg = env
    out = tasks.ingest_payload(engine, {"id": "nul-text", "text": TEXT + "\x00"}, aliases, cfg, origin="nul.json")
    assert out["status"] == "rejected" and "NUL" in out["reason"]
    assert count(engine, Article) == 0
    assert count(engine, Rejection, Rejection.status == "rejected", Rejection.article == "nul-text") == 1


def test_an_article_failing_inside_a_batch_does_not_hold_back_the_others(db_url, engine, env):
    aliases, cfg = env
    refuse_articles(engine, "refused")
    batch = [{"id": "b1", "published": "2024-02-05", "text": TEXT},
             {"id": "refused-b2", "text": "At least 40 people were injured, police said."},
             {"id": "b3", "published": "2024-02-06", "text": TEXT.replace("12", "15")}]
    # the batch's one transaction fails; each article is then tried in its own
    assert tasks.ingest_payloads(engine, batch, aliases, cfg, ["f:1", "f:2", "f:3"]) == {"failed": 1, "stored": 2}
    with session_scope(engine) as s:
        assert sorted(s.scalars(select(Article.ext_id))) == ["b1", "b3"]
        rej = s.scalars(select(Rejection)).one()
        assert (rej.origin, rej.article, rej.status) == ("f:2", "refused-b2", "failed")
        assert "refused by a test trigger" in rej.reason and "Traceback" in rej.traceback
        assert s.scalar(select(func.count()).select_from(ClaimLink)) == 1  # 15 updates 12 (Red Cross)


def test_failed_articles_are_listed_and_retried_once(cli_env, engine):
    with session_scope(engine) as s:
        s.add(Rejection(origin="wire.jsonl:3", article="w3", reason="OperationalError: server closed the connection",
                        payload={"id": "w3", "published": "2024-02-05", "text": TEXT}, status="failed",
                        traceback='Traceback (most recent call last):\n  File "pipeline.py", line 9, in store\nE'))
        s.add(Rejection(origin="empty.json", article="empty", reason="empty file", status="rejected"))
    runner = CliRunner()
    listed = runner.invoke(cli, ["failed", "--format", "jsonl"], catch_exceptions=False)
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert [(r["article"], r["retryable"], r["traceback"]) for r in rows] == \
        [("w3", True, 'File "pipeline.py", line 9, in store')]
    out = runner.invoke(cli, ["failed", "--retry"], catch_exceptions=False).output
    assert "ran in-process 1 failed articles again" in out
    assert count(engine, Article, Article.ext_id == "w3") == 1
    assert count(engine, Rejection, Rejection.status == "retried") == 1
    before = snapshot(engine)
    assert "nothing to retry" in runner.invoke(cli, ["failed", "--retry"], catch_exceptions=False).output
    assert snapshot(engine) == before
    assert "nothing failed" in runner.invoke(cli, ["failed"], catch_exceptions=False).output
    assert "empty file" in runner.invoke(cli, ["failed", "--rejected"], catch_exceptions=False).output


def test_reprocessing_stored_articles_gives_the_same_claims_and_links(engine, env):
    aliases, cfg = env
    for p in seed_payloads():
        assert tasks.ingest_payload(engine, p, aliases, cfg)["status"] == "stored"
    before = snapshot(engine)
    assert before[1], "the seeds should produce links"
    with session_scope(engine) as s:
        first_pk = s.scalar(select(Article.id).order_by(Article.id).limit(1))
    assert tasks.process_stored(engine, first_pk, aliases, cfg)["status"] == "stored"
    for p in seed_payloads():
        assert tasks.process_stored(engine, p["id"], aliases, cfg)["status"] == "stored"
    assert snapshot(engine) == before
    assert tasks.process_stored(engine, "no-such-article", aliases, cfg) == \
        {"article": "no-such-article", "status": "missing"}
    assert tasks.reprocess_target(tasks.reprocess_origin(first_pk)) == first_pk
    assert tasks.reprocess_target(tasks.reprocess_origin("g007")) == "g007"


def test_a_recheck_restores_a_lost_link_records_each_run_and_runs_once_per_message(engine, env):
    aliases, cfg = env
    for p in seed_payloads():
        tasks.ingest_payload(engine, p, aliases, cfg)
    before = snapshot(engine)
    with session_scope(engine) as s:
        link_id = s.scalar(select(ClaimLink.id).where(ClaimLink.relation == "updates").limit(1))
        s.execute(delete(ClaimLink).where(ClaimLink.id == link_id))
    since = tasks.recheck_since(None, "2023-01-01")
    first = tasks.run_recheck(engine, cfg, since, run="beat-1")
    assert first["status"] == "done" and first["examined"] == count(engine, Claim) and first["changed"] >= 1
    assert snapshot(engine) == before
    second = tasks.run_recheck(engine, cfg, since, run="beat-2")
    assert second["changed"] == 0
    assert tasks.run_recheck(engine, cfg, since, run="beat-2")["status"] == "already done"
    with session_scope(engine) as s:
        runs = list(s.scalars(select(Recheck).order_by(Recheck.id)))
        assert [(r.details["run"], r.changed > 0) for r in runs] == [("beat-1", True), ("beat-2", False)]
        assert all(r.finished_at >= r.started_at and r.since == since for r in runs)


def test_rechecks_command_runs_one_and_lists_it(cli_env):
    runner = CliRunner()
    runner.invoke(cli, ["ingest", "-q", str(SEEDS)], catch_exceptions=False)
    out = runner.invoke(cli, ["rechecks", "--run", "--days", "100000"], catch_exceptions=False).output
    assert "changed 0 links" in out
    rows = [json.loads(x) for x in runner.invoke(cli, ["rechecks", "--format", "jsonl"]).output.splitlines()]
    assert len(rows) == 1 and rows[0]["examined"] > 0 and rows[0]["changed"] == 0


def test_recheck_window_defaults_to_the_configured_days(monkeypatch):
    from datetime import date

    monkeypatch.setenv("CLAIMTRACK_RECHECK_DAYS", "3")
    assert tasks.recheck_since(None, None, today=date(2024, 3, 10)) == date(2024, 3, 7)
    assert tasks.recheck_since(10, None, today=date(2024, 3, 10)) == date(2024, 2, 29)
    assert tasks.recheck_since(None, "2024-01-02") == date(2024, 1, 2)


def test_a_task_that_gives_up_records_its_articles_as_failed(cli_env, engine):
    payload = {"id": "late", "text": TEXT}
    tasks.ingest_batch.on_failure(ConnectionError("database gone"), "task-1", ([payload],), {}, "Traceback ...")
    with session_scope(engine) as s:
        rej = s.scalars(select(Rejection)).one()
        assert (rej.status, rej.article, rej.origin, rej.payload) == ("failed", "late", "task:task-1", payload)
        assert "gave up after 0 retries: ConnectionError: database gone" == rej.reason


def test_a_message_whose_arguments_do_not_fit_is_rejected_not_failed(cli_env, engine):
    payload = {"id": "odd", "text": TEXT}
    out = tasks.ingest_article.apply(args=[payload, "origin", "a third argument"], task_id="odd-1").get()
    assert out["status"] == "rejected" and "do not fit claimtrack.ingest_article" in out["reason"]
    out = tasks.ingest_batch.apply(args=[], task_id="odd-2").get()
    assert out["status"] == "rejected" and "payloads" in out["reason"]
    with session_scope(engine) as s:
        rows = s.execute(select(Rejection.status, Rejection.article, Rejection.origin)).all()
        assert set(rows) == {("rejected", None, "task:odd-2"), ("rejected", "odd", "task:odd-1")}
        assert s.scalar(select(func.count()).select_from(Article)) == 0


def test_tasks_are_json_only_acked_late_time_limited_and_retry_only_transient_errors():
    from worker.celery_app import app

    expected = {"claimtrack.ingest_article", "claimtrack.ingest_batch", "claimtrack.process_article",
                "claimtrack.recheck", "claimtrack.ping"}
    assert expected <= set(app.tasks)
    for name in expected - {"claimtrack.ping"}:
        task = app.tasks[name]
        assert task.acks_late and task.reject_on_worker_lost, name
        assert task.time_limit and task.soft_time_limit and task.soft_time_limit < task.time_limit, name
        assert tuple(task.autoretry_for) == tasks.TRANSIENT and task.retry_backoff, name
        assert not issubclass(BadArticle, tuple(task.autoretry_for)), name
    assert app.conf.accept_content == ["json"] and app.conf.task_serializer == "json"


def test_configuration_is_read_from_the_environment_when_the_app_is_configured(monkeypatch):
    from worker.celery_app import RECHECK_SCHEDULE, create_app

    fresh = create_app()  # reads nothing yet
    monkeypatch.setenv("CLAIMTRACK_BROKER_URL", "redis://broker.example:6379/3")
    monkeypatch.setenv("CLAIMTRACK_VISIBILITY_TIMEOUT", "17")
    monkeypatch.setenv("CLAIMTRACK_CONCURRENCY", "5")
    monkeypatch.setenv("CLAIMTRACK_RECHECK_INTERVAL", "90")
    assert fresh.conf.broker_url == "redis://broker.example:6379/3"
    assert fresh.conf.broker_transport_options["visibility_timeout"] == 17
    assert fresh.conf.worker_concurrency == 5
    assert fresh.conf.beat_schedule[RECHECK_SCHEDULE]["schedule"] == 90.0
    assert fresh.conf.task_acks_late and fresh.conf.task_reject_on_worker_lost


def test_batches_respect_the_count_and_the_size_limit():
    items = [({"id": f"{i:02d}", "text": "x" * 100}, f"o{i}") for i in range(25)]
    assert [len(p) for p, _ in batches(items, size=10)] == [10, 10, 5]
    one = len(json.dumps(items[0][0]))
    assert [len(p) for p, _ in batches(items, size=10, max_bytes=3 * one)] == [3] * 8 + [1]
    big = [({"text": "y" * 1000}, "big"), ({"text": "z"}, "small")]
    assert [len(p) for p, _ in batches(big, size=10, max_bytes=500)] == [1, 1]


def test_enqueueing_without_a_broker_says_what_to_set(cli_env, tmp_path):
    result = CliRunner().invoke(cli, ["ingest", "--queue", str(SEEDS)])
    assert result.exit_code != 0 and "set CLAIMTRACK_BROKER_URL" in result.output


def test_enqueueing_to_an_unreachable_broker_says_so(cli_env, monkeypatch):
    monkeypatch.setenv("CLAIMTRACK_BROKER_URL", "redis://127.0.0.1:1/0")
    with pytest.raises(QueueError, match="cannot reach the broker at redis://127.0.0.1:1/0"):
        enqueue_paths([str(SEEDS)])
