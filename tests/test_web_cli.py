"""`claimtrack token …` and `claimtrack serve` as commands; the compose `web` service;
public reads (CLAIMTRACK_PUBLIC_READ=1) on a real server."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.conftest import ROOT
from tests.test_compose import argv, check_claimtrack_command, compose
from tests.web_server import Server, make_tokens
from worker.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_a_token_is_printed_once_and_only_its_hash_is_stored(cli_env):
    from store.db import make_engine, session_scope
    from store.models import ApiToken

    r = run("token", "create", "--name", "ana", "--role", "review")
    assert r.exit_code == 0, r.output
    secret = next(line for line in r.output.splitlines() if line.startswith("ct_"))
    assert len(secret) > 40
    engine = make_engine(cli_env)
    with session_scope(engine) as s:
        row = s.scalar(select(ApiToken).where(ApiToken.name == "ana"))
        stored = [getattr(row, c.name) for c in ApiToken.__table__.c]
    engine.dispose()
    assert row.role == "review" and row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in [str(v) for v in stored]
    listed = run("token", "list", "--format", "jsonl")
    assert secret not in listed.output
    assert [json.loads(x)["name"] for x in listed.output.splitlines()] == ["ana"]


def test_token_names_are_unique_roles_known_and_claimtrack_reserved(cli_env):
    assert run("token", "create", "--name", "ana", "--role", "read").exit_code == 0
    dup = run("token", "create", "--name", "ana", "--role", "review")
    assert dup.exit_code == 1 and "exists" in dup.output
    assert run("token", "create", "--name", "bo", "--role", "admin").exit_code == 2
    reserved = run("token", "create", "--name", "claimtrack", "--role", "review")
    assert reserved.exit_code == 1 and "reserved" in reserved.output


def test_a_revoked_token_no_longer_opens_anything(cli_env):
    from store.db import make_engine, session_scope
    from store.tokens import open_session, session_for, token_for

    r = run("token", "create", "--name", "cms", "--role", "ingest")
    secret = next(line for line in r.output.splitlines() if line.startswith("ct_"))
    engine = make_engine(cli_env)
    with session_scope(engine) as s:
        cookie = open_session(s, token_for(s, secret), 1)[1]
    assert run("token", "revoke", "cms").exit_code == 0
    with session_scope(engine) as s:
        assert token_for(s, secret) is None and session_for(s, cookie) is None
    engine.dispose()
    assert "cms" not in run("token", "list").output
    assert "cms" in run("token", "list", "--all").output
    missing = run("token", "revoke", "nobody")
    assert missing.exit_code == 1 and "no token named 'nobody'" in missing.output


def test_compose_runs_the_web_service_after_the_migration():
    web = compose()["services"]["web"]
    args = argv(web["command"])
    check_claimtrack_command(args)
    assert args[:2] == ["claimtrack", "serve"] and args[args.index("--host") + 1] == "0.0.0.0"
    port = args[args.index("--port") + 1]
    assert web["ports"] == [f"{port}:{port}"]
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "/healthz" in " ".join(web["healthcheck"]["test"])


def test_public_reads_need_no_token_but_writes_still_do(tmp_path):
    url = f"sqlite:///{tmp_path / 'claimtrack.db'}"
    make_tokens(url, ana="review")
    server = Server(url, tmp_path / "serve.log", env={"CLAIMTRACK_PUBLIC_READ": "1"}).start()
    try:
        assert httpx.get(server.url + "/api/claims").json() == {"items": [], "next_cursor": None}
        assert httpx.get(server.url + "/api/exports/claims.csv").status_code == 200
        assert httpx.post(server.url + "/api/articles", json={"text": "Five people were killed."}).status_code == 401
        assert httpx.patch(server.url + "/api/flags/1", json={"status": "confirmed"}).status_code == 401
        assert httpx.get(server.url + "/api/claims", headers={"Authorization": "Bearer ct_forged"}).status_code == 401
    finally:
        server.stop()


@pytest.mark.parametrize("args", [["serve", "--port", "70000"], ["serve", "--workers", "0"]])
def test_serve_refuses_bad_options(args):
    assert run(*args).exit_code == 2


def readme_curl_block() -> str:
    """The shell block of the README's HTTP API section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The HTTP API and the review desk"):]
    return section[section.index("```sh\n") + 6:section.index("\n```", section.index("```sh\n"))]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_readme_curl_examples_work_against_a_served_store_of_the_seeds(tmp_path):
    from tests.conftest import SEEDS
    from tests.test_queue_service import run_cli

    url = f"sqlite:///{tmp_path / 'claimtrack.db'}"
    run_cli({"CLAIMTRACK_DATABASE_URL": url}, "ingest", "-q", str(SEEDS))
    tokens = make_tokens(url, **{"newsroom-cms": "ingest", "ana": "review"})
    server = Server(url, tmp_path / "serve.log").start()
    block = readme_curl_block()
    # the tokens and the server are made above: run every other line as written
    script = "\n".join(line for line in block.splitlines()
                       if not line.startswith(("claimtrack token", "claimtrack serve", "TOKEN=", "REVIEW_TOKEN=")))
    assert script.count("curl ") >= 7
    script = script.replace("localhost:8000", f"127.0.0.1:{server.port}")
    # each call must answer 2xx (--fail-with-body); the bodies are read back below
    prelude = "set -euo pipefail\ncurl() { command curl --fail-with-body \"$@\"; echo; }\n"
    try:
        done = subprocess.run(["bash", "-c", prelude + script], check=False, cwd=tmp_path, capture_output=True,
                              text=True, env={**os.environ, "TOKEN": tokens["newsroom-cms"], "REVIEW_TOKEN": tokens["ana"]},
                              timeout=120)
    finally:
        server.stop()
    assert done.returncode == 0, done.stdout + done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert out[0] == {"status": "ok", "database": "ok", "broker": "embedded"}
    assert out[1]["articles"][0]["status"] == "stored"
    flags, claims, reviewed, bulk = out[2]["items"], out[3]["items"], out[4], out[5]
    assert flags and {f["relation"] for f in flags} == {"contradicts"}
    assert claims and {c["kind"] for c in claims} == {"killed"}
    assert (reviewed["id"], reviewed["status"], reviewed["history"][-1]["reviewer"]) == (3, "confirmed", "ana")
    assert [u["id"] for u in bulk["updated"]] == [4] and bulk["missing"] == [5, 6]
    exported = json.loads((tmp_path / "claimreviews.json").read_text(encoding="utf-8"))
    assert {r["url"] for r in exported} == {"urn:claimtrack:flag:3", "urn:claimtrack:flag:4"}
