"""The task entry points (worker/tasks.py) fuzzed with payloads that may not be articles:
no exception escapes, every rejection is recorded with a reason, and what is stored does
not change. The poison payloads of claimtrack_testdata are regression cases, on SQLite
and PostgreSQL; a real worker runs them in tests/test_poison_queue.py.
"""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from claimtrack_testdata.articles import iter_synthetic
from claimtrack_testdata.bad_inputs import poison_payloads
from store.db import make_engine, session_scope, upgrade
from store.models import Article, Rejection
from tests.test_fuzz_inputs import JSON_VALUES, PAYLOADS, TEXTS
from tests.test_tasks import snapshot
from worker import tasks
from worker.aliases import load_aliases
from worker.pipeline import Config

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ORIGINS = st.none() | TEXTS | JSON_VALUES


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A SQLite store holding a few articles, shared by the examples of a test."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    upgrade(url)
    engine = make_engine(url)
    aliases, cfg = load_aliases(None), Config()
    for p in iter_synthetic(6, seed=9):
        assert tasks.ingest_payload(engine, p, aliases, cfg)["status"] == "stored"
    yield engine, aliases, cfg
    engine.dispose()


def rejections(engine) -> list[tuple[str, str | None]]:
    with session_scope(engine) as s:
        return [(r.reason, r.article) for r in s.scalars(select(Rejection).order_by(Rejection.id))]


@FUZZ
@given(payload=PAYLOADS | JSON_VALUES, origin=ORIGINS)
def test_any_payload_is_stored_or_rejected_with_a_reason_and_nothing_escapes(store, payload, origin):
    engine, aliases, cfg = store
    before, recorded = snapshot(engine), len(rejections(engine))
    out = tasks.ingest_payload(engine, payload, aliases, cfg, origin)
    json.dumps(out).encode("utf-8")  # a task's result travels as JSON
    assert out["status"] in ("stored", "known", "rejected"), out
    if out["status"] == "rejected":
        assert out["reason"].strip()
        assert snapshot(engine) == before
        after = rejections(engine)
        assert len(after) in (recorded, recorded + 1)  # the same rejection twice is recorded once
        assert all(reason.strip() for reason, _ in after)


@FUZZ
@given(payloads=st.lists(PAYLOADS | JSON_VALUES, max_size=4) | JSON_VALUES, origins=ORIGINS)
def test_any_batch_gives_counts_by_status_and_nothing_escapes(store, payloads, origins):
    engine, aliases, cfg = store
    before = snapshot(engine)
    counts = tasks.ingest_payloads(engine, payloads, aliases, cfg, origins)
    assert set(counts) <= {"stored", "known", "rejected"}, counts
    if not counts.get("stored"):
        assert snapshot(engine) == before
    if isinstance(payloads, list):
        assert sum(counts.values()) == len(payloads)


def count(engine, *where) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(Rejection).where(*where))


POISON_NAMES = [p[0] for p in poison_payloads(big=1, depth=2)]


@pytest.mark.parametrize("index", range(len(POISON_NAMES)), ids=POISON_NAMES)
def test_a_poison_payload_is_rejected_with_its_reason_and_recorded_small(engine, index):
    _, payload, reason = poison_payloads(big=50 * 1024 * 1024)[index]  # made here: 50 MB is not kept
    aliases, cfg = load_aliases(None), Config()
    good = next(iter_synthetic(1, seed=4))
    assert tasks.ingest_payload(engine, good, aliases, cfg)["status"] == "stored"
    before = snapshot(engine)
    out = tasks.ingest_payload(engine, payload, aliases, cfg, origin=["not", "a", "label"])
    assert out["status"] == "rejected" and reason in out["reason"], out
    assert len(out["reason"]) < 500
    assert snapshot(engine) == before
    with session_scope(engine) as s:
        [rej] = s.scalars(select(Rejection))
        assert rej.status == "rejected" and reason in rej.reason and rej.origin == "queue"
        assert len(json.dumps(rej.payload)) < 100_000
        assert s.scalar(select(func.count()).select_from(Article)) == 1


def test_a_batch_of_poison_beside_good_articles_stores_the_good_ones(engine):
    aliases, cfg = load_aliases(None), Config()
    poison = [p for _, p, _ in poison_payloads(big=21 * 1024 * 1024)]
    good = list(iter_synthetic(3, seed=4))
    counts = tasks.ingest_payloads(engine, [good[0], *poison, good[1], good[2]], aliases, cfg, "not a list")
    assert counts == {"rejected": len(poison), "stored": 3}
    assert count(engine, Rejection.status == "rejected") == len(poison)


def test_a_message_nested_too_deep_for_the_worker_is_cut_to_a_marker_the_task_rejects(engine):
    from worker.message_json import MAX_DEPTH, loads

    body = json.dumps([[{"id": "deep", "text": "Two people died.", "title": [[[[[["x"]]]]]] }], {}, {}])
    args, _, _ = loads(body.replace('[[[[[["x"]]]]]]', "[" * 900 + "]" * 900))
    assert args[0]["text"] == "Two people died."  # what is not too deep is left as it was
    [args, kwargs, options] = loads(b"[" * 100_000)  # too deep to decode at all
    out = tasks.ingest_payload(engine, args[0], load_aliases(None), Config())
    assert out == {"article": None, "status": "rejected",
                   "reason": f"payload nested deeper than {MAX_DEPTH} levels: not an article"}
