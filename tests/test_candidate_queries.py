"""Candidate lookups use the named indexes, never a scan of every stored claim (SPEC §3)."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import event

from store.db import session_scope
from store import repository as repo
from store.models import Article, Claim
from tests.test_cli import run
from tests.conftest import SEEDS


def _claim(article_id: int, start: int) -> Claim:
    return Claim(article_id=article_id, kind="killed", value=10, qualifier="exact", low=10, high=10,
                 scope="cumulative", region="Gaza Strip", originator="WHO", as_of=date(2024, 1, 1),
                 quote="10 killed", start=start, end=start + 9, metric="killed|Gaza Strip|people|cumulative",
                 order_key=f"2024-01-01|{start:010d}")


def plans(engine, fn) -> list[str]:
    """The query plans of every SELECT ``fn`` runs (EXPLAIN on either database)."""
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with session_scope(engine) as s:
            fn(s)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    out = []
    with engine.connect() as conn:
        sqlite = engine.dialect.name == "sqlite"
        if not sqlite:
            conn.exec_driver_sql("SET enable_seqscan = off")  # tiny tables: ask what it *can* use
        for stmt, params in statements:
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = conn.exec_driver_sql(prefix + stmt, params).all()
            out.append("\n".join(str(r[-1]) for r in rows))
    return out


def test_window_and_chain_lookups_use_indexes(engine):
    with session_scope(engine) as s:
        a = Article(ext_id="x", content_hash="h", text="t")
        s.add(a)
        s.flush()
        s.add_all([_claim(a.id, i) for i in range(3)])
    with session_scope(engine) as s:
        probe = s.get(Claim, 2)
        probe_values = (probe.metric, probe.originator, probe.order_key, probe.id)

    def lookups(s):
        metric, who, key, claim_id = probe_values
        repo.metric_spans(s, [(metric, date(2023, 12, 30), date(2024, 1, 3)), ("injured|X", date(2024, 1, 1),
                                                                                date(2024, 1, 2))])
        repo.chain_spans(s, [(metric, who, key, key), (metric, "UN", key, key)], 25)
        repo.chain_spans(s, [(metric, who, key, key), (metric, "UN", key, key)], 25, repo.CHAIN_KEYS)
        repo.figures_by_id(s, [claim_id])
        repo.chain_window(s, metric, who, key, 25)
        repo.chain_links_from(s, [claim_id])
        repo.articles_sharing_figures(s, {0: {("killed", 10, date(2024, 1, 1), True),
                                              ("killed", 12, date(2024, 1, 1), False)}})
        repo.observation_heads(s, {"obs": 2, "other": 1})
        repo.cross_links_of(s, [claim_id])

    found = [p for p in plans(engine, lookups) if "claims" in p]
    assert found
    for plan in found:
        assert "SCAN claims" not in plan.replace("SCAN claims USING", "")  # SQLite: no full scan
        assert "Seq Scan on claims" not in plan  # PostgreSQL
        assert "ix_claims_" in plan or "pk_claims" in plan or "PRIMARY KEY" in plan


def test_asking_whether_people_reviewed_a_metric_reads_only_their_reviews(engine):
    from store import review_queries as rq

    found = [p for p in plans(engine, lambda s: rq.metrics_reviewed_by_people(s, [1])) if "reviews" in p]
    assert found and all("ix_reviews_by_people" in p for p in found), found


def test_metrics_show_each_originators_latest_figure_and_history(cli_env):
    run("ingest", str(SEEDS))
    rows = [json.loads(line) for line in run("metrics", "--kind", "killed", "--format", "jsonl").output.splitlines()]
    gaza = next(r for r in rows if r["metric"] == "killed|Palestinian territories|people|cumulative")
    ministry = next(o for o in gaza["originators"] if o["originator"] == "Gaza Health Ministry — Gaza Strip")
    values = [p["value"] for p in ministry["history"]]
    assert values == sorted(values) and values[-1] == ministry["latest"]["value"] == 20424
    assert gaza["independent_originators"] >= 2
