"""The review queue: statuses set by reviewers, an append-only history, and the new-evidence rule."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from store.db import make_engine, session_scope
from store.models import ClaimLink, Flag, Review
from tests.conftest import SEEDS
from worker.cli import cli
from worker.pipeline import Config, recheck
from worker.views import LINK_SIDE_FIELDS


def run(*args, ok=(0,), env=None):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)
    assert result.exit_code in ok, result.output
    return result


def flags(*args) -> list[dict]:
    return [json.loads(x) for x in run("review", "list", "--format", "jsonl", *args).stdout.splitlines()]


def derna_flag() -> dict:
    (flag,) = [f for f in flags() if f["a"]["article"] == "derna-who-2023-09-17"]
    return flag


def history(flag_id: int) -> list[dict]:
    return json.loads(run("review", "show", str(flag_id), "--format", "json").stdout)["history"]


@pytest.fixture
def seeded(cli_env):
    run("ingest", str(SEEDS))
    return cli_env


def test_contradictions_and_downward_revisions_are_listed_as_new_flags_with_both_sides(seeded):
    rows = flags()
    assert {r["relation"] for r in rows} == {"contradicts", "revises_down"}
    for r in rows:
        assert {"id", "relation", "status", "reason", "a", "b"} <= r.keys()
        assert r["status"] == "new"
        assert list(r["a"]) == list(LINK_SIDE_FIELDS) and list(r["b"]) == list(LINK_SIDE_FIELDS)
    revisions = flags("--relation", "revises_down")
    assert {r["relation"] for r in revisions} == {"revises_down"}
    assert {r["a"]["article"] for r in revisions} == {"israel-toll-revised-2023-11-10",
                                                      "maui-toll-revised-2023-09-15"}
    assert flags("--status", "confirmed") == []
    table = run("review", "list").output
    assert "contradicts" in table and f"{len(rows)} flags" in table


def test_review_set_then_claimreview_export_carries_the_verdict_and_show_lists_the_history_in_order(seeded):
    flag = derna_flag()
    run("review", "set", str(flag["id"]), "in_review", "--note", "asking both agencies", "--reviewer", "ana")
    out = run("review", "set", str(flag["id"]), "confirmed", "--verdict", "Figures conflict",
              "--note", "OCHA used an unverified figure", "--reviewer", "ben").output
    assert "in_review → confirmed" in out

    docs = json.loads(run("export", "claimreview", env={"CLAIMTRACK_ORG_NAME": "Example Desk",
                                                        "CLAIMTRACK_ORG_URL": "https://desk.example"}).stdout)
    assert len(docs) == 1
    doc = docs[0]
    assert doc["reviewRating"]["alternateName"] == "Figures conflict"
    assert doc["author"]["name"] == "Example Desk"
    assert doc["url"] == f"https://desk.example/#claimtrack-flag-{flag['id']}"
    assert "3,958" in doc["claimReviewed"] and len(doc["claimReviewed"]) < 75
    assert doc["itemReviewed"]["author"]["name"] == "WHO"

    steps = [(h["reviewer"], h["status"], h["note"], h["verdict"]) for h in history(flag["id"])]
    assert steps[0][:2] == ("claimtrack", "new")
    assert steps[1:] == [("ana", "in_review", "asking both agencies", None),
                         ("ben", "confirmed", "OCHA used an unverified figure", "Figures conflict")]
    shown = run("review", "show", str(flag["id"])).output
    assert shown.index("asking both agencies") < shown.index("OCHA used an")
    assert "3,958 people had died" in shown and "11,300 people had died" in shown


def test_history_is_append_only_and_a_status_change_without_verdict_clears_the_old_verdict(seeded):
    fid = derna_flag()["id"]
    run("review", "set", str(fid), "confirmed", "--verdict", "Figures conflict", "--reviewer", "ana")
    run("review", "set", str(fid), "confirmed", "--note", "still true", "--reviewer", "ana")
    assert derna_flag()["verdict"] == "Figures conflict"
    run("review", "set", str(fid), "dismissed", "--note", "same day, different counting", "--reviewer", "ben")
    assert derna_flag()["verdict"] is None and derna_flag()["status"] == "dismissed"
    assert [h["status"] for h in history(fid)] == ["new", "confirmed", "confirmed", "dismissed"]
    docs = json.loads(run("export", "claimreview").stdout)
    assert docs[0]["reviewRating"]["alternateName"] == "No real contradiction"


def test_review_commands_say_what_was_wrong(seeded):
    assert "there is no flag 999" in run("review", "set", "999", "confirmed", "--reviewer", "ana", ok=(1,)).output
    assert "there is no flag 999" in run("review", "show", "999", ok=(1,)).output
    fid = str(derna_flag()["id"])
    assert "reserved" in run("review", "set", fid, "confirmed", "--reviewer", "claimtrack", ok=(1,)).output
    assert "'maybe' is not one of" in run("review", "set", fid, "maybe", ok=(2,)).output
    # the default reviewer comes from the environment
    run("review", "set", fid, "needs_source", env={"CLAIMTRACK_REVIEWER": "desk-night"})
    assert history(int(fid))[-1]["reviewer"] == "desk-night"


def test_a_recheck_records_changed_evidence_but_never_reopens_a_dismissed_flag(seeded):
    fid = derna_flag()["id"]
    run("review", "set", str(fid), "dismissed", "--note", "known methodology gap", "--reviewer", "ana")
    engine = make_engine(seeded)
    try:
        with session_scope(engine) as s:
            flag = s.get(Flag, fid)
            flag.reason = "stale reason"
            link = s.scalars(select(ClaimLink).where(ClaimLink.a_id == flag.a_id,
                                                     ClaimLink.b_id == flag.b_id)).one()
            link.reason = "stale reason"
        with session_scope(engine) as s:
            examined, changed, _ = recheck(s, date_min(), Config())
            assert examined > 0 and changed >= 1
        with session_scope(engine) as s:
            flag = s.get(Flag, fid)
            assert flag.status == "dismissed" and flag.reason != "stale reason"
            notes = [r.note for r in s.scalars(select(Review).where(Review.flag_id == fid).order_by(Review.id))]
            assert notes[-1].startswith("evidence changed:")
        with session_scope(engine) as s:  # a second re-check changes nothing
            assert recheck(s, date_min(), Config())[1] == 0
    finally:
        engine.dispose()
    assert derna_flag()["status"] == "dismissed"


def date_min():
    from datetime import date

    return date(2000, 1, 1)


NEW_WHO = {"id": "derna-who-2023-09-18", "url": "https://aljazeera.com/claimtrack-sample/derna-who-2023-09-18",
           "outlet": "aljazeera.com", "published": "2023-09-18", "title": "WHO raises Derna toll",
           "text": "The World Health Organization said on Monday that 4,100 people had died in Derna. "
                   "Rescue teams are still searching the coast."}


def test_new_evidence_reopens_a_dismissed_flag_and_says_so_on_both_flags(seeded, tmp_path):
    old = derna_flag()
    run("review", "set", str(old["id"]), "dismissed", "--note", "OCHA figure unverified", "--reviewer", "ana")
    run("ingest", str(SEEDS))  # nothing new: nothing reopens
    assert derna_flag()["status"] == "dismissed"

    path = tmp_path / "derna-who-2023-09-18.json"
    path.write_text(json.dumps(NEW_WHO))
    run("ingest", str(path))
    (new,) = [f for f in flags() if f["a"]["article"] == "derna-who-2023-09-18"]
    assert new["relation"] == "contradicts" and new["b"]["article"] == "derna-ocha-2023-09-16"

    reopened = derna_flag()
    assert reopened["status"] == "new"
    last = history(old["id"])[-1]
    assert last["reviewer"] == "claimtrack" and last["note"].startswith("reopened: new evidence claim #")
    assert "derna-who-2023-09-18" in last["note"] and f"flag #{new['id']}" in last["note"]
    assert [h["status"] for h in history(old["id"])] == ["new", "dismissed", "new"]

    told = history(new["id"])[-1]
    assert told["reviewer"] == "claimtrack"
    assert f"earlier flag #{old['id']}" in told["note"] and "dismissed by ana" in told["note"]
    assert "OCHA figure unverified" in told["note"]


def test_an_untouched_earlier_flag_is_not_told_about_new_evidence(seeded, tmp_path):
    old = derna_flag()
    path = tmp_path / "derna-who-2023-09-18.json"
    path.write_text(json.dumps(NEW_WHO))
    run("ingest", str(path))
    assert [h["reviewer"] for h in history(old["id"])] == ["claimtrack"]
    (new,) = [f for f in flags() if f["a"]["article"] == "derna-who-2023-09-18"]
    assert len(history(new["id"])) == 1
