"""The command line through click's CliRunner, on a temporary database."""
from __future__ import annotations

import json
from collections import Counter

import click
import pytest
from click.testing import CliRunner

from tests.conftest import SEEDS
from worker.cli import RELATIONS, cli


def run(*args, ok=(0,)):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code in ok, result.output
    return result


def walk(group: click.Group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from walk(cmd, (*prefix, name))


def test_every_command_has_help_with_an_example():
    commands = list(walk(cli))
    assert len(commands) >= 8
    for path, _cmd in commands:
        out = CliRunner().invoke(cli, [*path, "--help"]).output
        assert "Example" in out, f"`claimtrack {' '.join(path)} --help` shows no example"


def links(*extra):
    out = run("export", "links", "--format", "jsonl", *extra).output
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_ingesting_the_seeds_shows_agreement_update_and_contradiction(cli_env):
    out = run("ingest", str(SEEDS)).output
    assert "articles stored 18" in out
    stored = Counter(link["relation"] for link in links())
    # the summary counts the links that stand, not those a later article replaced
    assert out.strip().endswith("links " + ", ".join(f"{r} {stored[r]}" for r in RELATIONS if stored[r]))
    relations = {link["relation"] for link in links()}
    assert {"agrees", "updates", "contradicts", "revises_down", "repeats"} <= relations
    flags = run("flags").output
    for word in ("agrees", "updates", "contradicts"):
        assert word in flags


def test_a_second_ingest_adds_nothing(cli_env):
    run("ingest", str(SEEDS))
    before = (run("claims", "--format", "jsonl").output, links())
    out = run("ingest", str(SEEDS)).output
    assert "articles stored 0, already known 18" in out
    assert (run("claims", "--format", "jsonl").output, links()) == before


def test_claims_jsonl_carries_every_spec_field(cli_env):
    run("ingest", str(SEEDS))
    rows = [json.loads(line) for line in run("claims", "--format", "jsonl").output.splitlines()]
    assert rows
    spec = {"article", "kind", "value", "qualifier", "low", "high", "scope", "period", "subject",
            "location", "region", "source", "source_canonical", "as_of", "quote", "start", "end"}
    for row in rows:
        assert spec <= row.keys()
        text = json.loads((SEEDS / f"{row['article']}.json").read_text())["text"]
        assert text[row["start"]:row["end"]] == row["quote"]


def test_extract_prints_claims_and_stores_nothing(cli_env, tmp_path):
    out = run("extract", "--format", "jsonl", str(SEEDS / "gaza-toll-2023-12-24.json")).output
    claims = [json.loads(line) for line in out.splitlines()]
    assert {(c["kind"], c["value"], c["scope"]) for c in claims} >= {("killed", 166, "period"),
                                                                      ("killed", 20424, "cumulative")}
    assert run("claims", "--format", "jsonl").output == ""


@pytest.fixture
def bad_inputs(tmp_path):
    d = tmp_path / "inbox"
    d.mkdir()
    (d / "empty.json").write_text("")
    (d / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    (d / "latin1.txt").write_bytes("Au moins 12 personnes ont été tuées, selon la police. "
                                   "At least 12 people were killed, police said.".encode("cp1252"))
    (d / "notext.json").write_text(json.dumps({"id": "notext", "title": "No body"}))
    good = {"id": "good1", "outlet": "example.org", "published": "2024-02-01",
            "text": "At least 31 people were killed in the floods, the police said on Thursday."}
    (d / "good.json").write_text(json.dumps(good))
    lines = [json.dumps({"id": "line1", "published": "2024-02-02", "outlet": "example.net",
                         "text": "The death toll from the floods rose to 45, officials said."}),
             "{not json at all",
             json.dumps({"id": "line3", "published": "2024-02-02", "outlet": "example.com",
                         "text": "More than 2,000 people were displaced by the floods, the Red Cross said."})]
    (d / "mixed.jsonl").write_text("\n".join(lines) + "\n")
    return d


def test_bad_inputs_are_named_with_their_reasons_and_the_good_ones_stored(cli_env, bad_inputs):
    result = run("ingest", str(bad_inputs), ok=(1,))
    out = result.output
    assert "empty.json" in out and "empty file" in out
    assert "binary.txt" in out and "binary" in out
    assert "mixed.jsonl:2" in out and "malformed JSON" in out
    assert "notext.json" in out and "no 'text' field" in out
    assert "latin1.txt: not UTF-8" in out
    stored = {json.loads(line)["article"] for line in run("claims", "--format", "jsonl").output.splitlines()}
    assert {"good1", "line1", "line3", "latin1"} <= stored


def test_rejections_are_recorded_in_the_store(cli_env, bad_inputs):
    from sqlalchemy import select

    from store.db import make_engine, session_scope
    from store.models import Rejection

    run("ingest", str(bad_inputs), ok=(1,))
    engine = make_engine(cli_env)
    with session_scope(engine) as s:
        reasons = {r.origin.rsplit("/", 1)[-1]: r.reason for r in s.scalars(select(Rejection))}
    engine.dispose()
    assert reasons["empty.json"] == "empty file"
    assert "no 'text' field" in reasons["notext.json"]


def test_db_upgrade_reports_the_revision(cli_env):
    assert "head" in run("db", "upgrade").output
