"""Schemathesis against the served /openapi.json: no generated request gets a 500.

Requests go to a real `claimtrack serve` (SQLite and PostgreSQL, the seeds stored) with a token of the
review role (reads and flag changes) — POST /api/articles is tried with an ingest token.
Examples per operation are bounded to keep the suite quick.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.conftest import SEEDS, fresh_postgres
from tests.web_server import Server, make_tokens


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def served(request, tmp_path_factory):
    from store.db import dispose_engines
    from tests.test_queue_service import run_cli

    tmp = tmp_path_factory.mktemp(f"schema-{request.param}")
    url = f"sqlite:///{tmp / 'claimtrack.db'}" if request.param == "sqlite" else fresh_postgres()
    run_cli({"CLAIMTRACK_DATABASE_URL": url}, "ingest", "-q", str(SEEDS))
    server = Server(url, tmp / "serve.log", env={"CLAIMTRACK_MAX_ARTICLE_BYTES": "100000"}).start()
    server.tokens = make_tokens(url, reviewer="review", cms="ingest")
    yield server
    server.stop()
    dispose_engines()


OPERATIONS = [("GET", "/healthz"), ("POST", "/api/articles"), ("GET", "/api/claims"), ("GET", "/api/metrics"),
              ("GET", "/api/metrics/{metric_id}"), ("GET", "/api/flags"), ("GET", "/api/flags/{flag_id}"),
              ("PATCH", "/api/flags/{flag_id}"), ("POST", "/api/flags/bulk"),
              ("GET", "/api/exports/claims.csv"), ("GET", "/api/exports/links.csv"),
              ("GET", "/api/exports/claims.jsonl"), ("GET", "/api/exports/links.jsonl"),
              ("GET", "/api/exports/claimreview.json"), ("GET", "/api/exports/report.html")]


@pytest.fixture(scope="module")
def api_schema(served):
    return schemathesis.openapi.from_url(f"{served.url}/openapi.json")


# schemathesis' own pytest plumbing (from_fixture) does not run on pytest 9, so each
# operation's strategy is driven by hypothesis here
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_generated_request_gets_a_server_error(api_schema, served, method, path):
    operation = api_schema[path][method]
    token = served.tokens["cms" if path == "/api/articles" else "reviewer"]

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def check(case):
        case.call_and_validate(base_url=served.url, headers={"Authorization": f"Bearer {token}"},
                               checks=[not_a_server_error])

    check()


def test_the_schema_names_every_api_operation(served):
    import httpx

    doc = httpx.get(f"{served.url}/openapi.json").json()
    ops = {(m.upper(), p) for p, item in doc["paths"].items() for m in item}
    # every operation is fuzzed above
    assert ops == set(OPERATIONS)
    assert not any(p.startswith("/desk") for _, p in ops)
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
