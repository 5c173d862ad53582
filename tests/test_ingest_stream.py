"""`claimtrack ingest` over bad input of every kind and over corpora larger than memory
should need: bad files named with their reasons beside stored good ones, JSON Lines files
of any size streamed, memory flat, Ctrl-C stopping after a batch and a re-run continuing.

The full-size runs (1,000 bad files; 20,000 and 100,000 articles) are in bench/.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from claimtrack_testdata.articles import iter_synthetic, write_jsonl
from claimtrack_testdata.bad_inputs import BAD_FILES, write_corpus
from claimtrack_testdata.processes import ROOT, run_measured, store_counts, wait_for
from worker.cli import cli


def run(*args, ok=(0,)):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code in ok, result.output
    return result


def claim_lines(*article_ids: str) -> list[str]:
    ids = set(article_ids)
    lines = run("claims", "--format", "jsonl").output.splitlines()
    return sorted(line for line in lines if not ids or json.loads(line)["article"] in ids)


def test_bad_files_of_every_kind_are_named_with_their_reasons_and_the_good_ones_stored(cli_env, tmp_path):
    before_ids = [p["id"] for p in iter_synthetic(15, seed=5)]
    run("ingest", "-q", str(write_jsonl(tmp_path / "earlier.jsonl", iter_synthetic(15, seed=5))))
    earlier = claim_lines(*before_ids)
    assert earlier

    corpus = tmp_path / "corpus"
    expected = write_corpus(corpus, bad=2 * len(BAD_FILES) + 1, good=25, seed=5, start=15, gigantic=1)
    result = run("ingest", str(corpus), ok=(1,))
    rejected = [line for line in result.output.splitlines() if line.startswith("rejected ")]
    for name, reason in expected.items():
        lines = [line for line in rejected if f"/{name}" in line]
        assert lines, f"{name} is not named"
        assert all(reason in line for line in lines), (name, reason, lines)
    assert "Traceback" not in result.output
    counts = store_counts(cli_env)
    assert counts["articles"] == 15 + 25 and counts["failed"] == 0
    assert counts["rejected"] >= len(expected)
    assert claim_lines(*before_ids) == earlier  # the claims stored before are untouched
    assert "articles stored 25, already known 0" in result.output


def test_a_json_lines_file_is_streamed_whatever_its_size_and_only_bad_lines_are_rejected(cli_env, tmp_path,
                                                                                          monkeypatch):
    monkeypatch.setenv("CLAIMTRACK_MAX_ARTICLE_BYTES", "3000")  # one article, never the file (~100x this)
    path = tmp_path / "archive.jsonl"
    lines = [json.dumps(p) for p in iter_synthetic(240, seed=3, size=1000)]
    lines[50] = json.dumps({"id": "too-big", "text": "Two people died. " * 400})  # one gigantic line
    lines[120] = '{"id": "broken", "text": '
    lines[180] = json.dumps({"id": "nested", "text": "x", "title": [[[["deep"]]]]})
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 60 * 3000

    out = run("ingest", str(path), ok=(1,)).output
    assert "articles stored 237, already known 0, rejected 3" in out
    assert f"rejected {path}:51: line 51 is gigantic" in out
    assert f"rejected {path}:121: line 121: malformed JSON" in out
    assert f"rejected {path}:181 (nested): 'title' must be a string" in out


def test_extract_streams_claims_of_a_json_lines_file_larger_than_the_article_limit(cli_env, tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMTRACK_MAX_ARTICLE_BYTES", "3000")
    path = write_jsonl(tmp_path / "a.jsonl", iter_synthetic(60, seed=4, size=1000))
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"text": "\\ud800 Five people died."}\n')
    result = run("extract", "--format", "jsonl", str(path), ok=(1,))
    claims = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert len({c["article"] for c in claims}) == 60
    assert f"rejected {path}:61: 'text' holds a lone surrogate" in result.output


def test_the_progress_bar_shows_articles_megabytes_and_the_rate(cli_env, tmp_path, monkeypatch):
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich draws its live display as on a terminal
    path = write_jsonl(tmp_path / "a.jsonl", iter_synthetic(30, seed=4))
    out = run("ingest", str(path)).output
    assert "articles/s" in out and "ingesting" in out and "kB" in out


def _stored(db: str) -> int:
    try:
        with sqlite3.connect(db, timeout=0.2) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet, or locked by the writer this instant
        return 0


def test_ctrl_c_stops_after_the_current_batch_and_the_same_command_continues(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", iter_synthetic(1200, seed=8))
    db = tmp_path / "c.db"
    env = {**os.environ, "CLAIMTRACK_DATABASE_URL": f"sqlite:///{db}", "CLAIMTRACK_BATCH_SIZE": "20"}
    cmd = [sys.executable, "-m", "worker.cli", "ingest", str(path)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    at_signal = wait_for(lambda: (n := _stored(str(db))) >= 60 and n, 60, "60 articles stored")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    out, err = out.decode(), err.decode()
    assert proc.returncode == 130, (out, err)
    assert "Run the same command again to continue" in err and "Traceback" not in err
    stored = _stored(str(db))
    assert 60 <= stored < 1200, "the run ended before Ctrl-C: the test proved nothing"
    # it stores the batch it was filling (whole or, when Ctrl-C came while reading, partial)
    # and no more: at most the batch being stored when the count was read and the next one
    assert at_signal <= stored <= at_signal + 2 * 20
    assert f"articles stored {stored}," in out

    again = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert f"articles stored {1200 - stored}, already known {stored}" in again.stdout
    assert _stored(str(db)) == 1200


@pytest.mark.timeout(240)
def test_peak_memory_is_the_same_for_ten_times_the_articles(tmp_path):
    peaks = {}
    for n in (150, 1500):
        path = write_jsonl(tmp_path / f"{n}.jsonl", iter_synthetic(n, seed=2, size=4500))
        started = time.monotonic()
        r = run_measured([sys.executable, "-m", "worker.cli", "ingest", "-q", str(path)],
                         {"CLAIMTRACK_DATABASE_URL": f"sqlite:///{tmp_path / f'{n}.db'}"})
        assert r["status"] == 0, r["stderr"]
        assert f"articles stored {n}," in r["stdout"], time.monotonic() - started
        peaks[n] = r["peak_rss_mb"]
    assert peaks[1500] - peaks[150] < 30, peaks
