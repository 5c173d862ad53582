"""The HTML report: hand-built charts (pure), escaping of hostile articles, and a real browser render."""
from __future__ import annotations

import csv
import html as html_lib
import io
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import SEEDS
from worker.cli import cli
from worker.exports.chart import choose_scale, timeline_svg
from worker.exports.markup import safe_url, tag
from worker.exports.report import report_html

SVG = "{http://www.w3.org/2000/svg}"
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def point(i, originator, as_of, value, **kw):
    return {"id": i, "originator": originator, "as_of": as_of, "value": value, "qualifier": "exact",
            "article": f"art{i}", "quote": f"{value} people were killed", **kw}


POINTS = [point(1, "Gaza Health Ministry", "2023-10-26", 7028), point(2, "Gaza Health Ministry", "2023-11-10", 11078),
          point(3, "UN OCHA", "2023-11-09", 10800), point(4, "US intelligence", "2023-11-10", 100, qualifier="range",
                                                           low=100, high=300),
          point(5, "UN OCHA", None, 9000)]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


# ---- charts and report shaping (pure) --------------------------------------------------------------

def test_a_chart_draws_one_circle_per_dated_figure_and_a_line_per_originator_with_several():
    root = parse(timeline_svg(POINTS, [], label="killed · Gaza Strip"))
    circles = root.findall(f".//{SVG}circle")
    assert sorted(int(c.get("data-claim-id")) for c in circles) == [1, 2, 3, 4]
    assert all(c.get("class") == "fig" for c in circles)
    lines = root.findall(f".//{SVG}polyline")
    assert [pl.get("data-originator") for pl in lines] == ["Gaza Health Ministry"]
    ticks = [t.text for t in root.iter(f"{SVG}text") if "x" in (t.get("class") or "").split()]
    assert ticks[0] == "2023-10-26" and ticks[-1] == "2023-11-10"
    # later figures sit further right; larger figures higher up (smaller y)
    pos = {int(c.get("data-claim-id")): (float(c.get("cx")), float(c.get("cy"))) for c in circles}
    assert pos[1][0] < pos[3][0] < pos[2][0]
    assert pos[2][1] < pos[1][1] < pos[4][1]


@pytest.mark.parametrize("values, scale", [
    ([7028, 11078, 10800], "linear"),
    ([100, 11078], "log"),
    ([0, 5, 90], "linear"),
    ([1, 1], "linear"),
])
def test_the_value_axis_is_log_when_figures_span_more_than_twenty_times(values, scale):
    assert choose_scale(values) == scale


def test_contradictions_and_downward_revisions_are_marked_between_their_figures_and_link_to_the_flag():
    marks = [{"flag_id": 9, "relation": "contradicts", "a": 4, "b": 3, "status": "new", "reason": "no overlap"},
             {"flag_id": None, "relation": "revises_down", "a": 2, "b": 1, "status": None, "reason": "fell"},
             {"flag_id": 10, "relation": "contradicts", "a": 5, "b": 3, "status": "new", "reason": "undated"}]
    root = parse(timeline_svg(POINTS, marks, label="m"))
    drawn = root.findall(f".//{SVG}g[@class='marks']/{SVG}a")
    assert [a.get("class") for a in drawn] == ["mark contradicts", "mark revises_down"]
    assert drawn[0].get("href") == "#flag-9" and drawn[1].get("href") is None


def report_data(title='<script>alert(1)</script>" onmouseover="alert(2)', url="javascript:alert(1)"):
    side = {"id": 1, "article": "a<b>", "title": title, "url": url, "outlet": "evil.example", "kind": "killed",
            "originator": 'O" onmouseover="x', "as_of": "2024-01-02", "value": 31, "qualifier": "exact",
            "quote": "<img src=x onerror=alert(3)> 31 killed"}
    other = {**side, "id": 2, "as_of": "2024-01-01", "value": 300, "originator": "Police",
             "url": "https://news.example/a?x=1&y=<2>"}
    flag = {"id": 4, "relation": "contradicts", "status": "new", "reason": "<b>no overlap</b>",
            "verdict": "<i>v</i>", "a": side, "b": other,
            "history": [{"at": "2024-01-02T00:00:00Z", "reviewer": "<script>", "status": "new",
                         "note": "</li><script>alert(4)</script>", "verdict": None}]}
    return {"filters": {"source": "<x>"},
            "metrics": [{"key": "killed|<script>|people|cumulative", "claims": [side, other],
                         "links": [{"relation": "contradicts", "a": 1, "b": 2, "reason": "r"}], "flags": [flag]}]}


def test_report_escapes_every_article_text_and_drops_non_http_links():
    html = report_html(report_data(), NOW)
    for raw in ("<script>", "<img", "<b>no", "<i>v", '" onmouseover="', "javascript:", "</li><script>"):
        assert raw not in html, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;alert(2)" in html
    assert 'href="https://news.example/a?x=1&amp;y=&lt;2&gt;"' in html


def test_report_is_self_contained_and_forbids_loading_anything():
    html = report_html(report_data(url="https://news.example/a"), NOW)
    assert "default-src 'none'" in html_lib.unescape(html)
    assert not re.search(r"<(script|link|iframe|object|embed|img)\b", html)
    assert not re.search(r"<[a-zA-Z][^>]*\ssrc\s*=", html)  # no element loads a source
    assert "@import" not in html and "url(" not in html
    assert html.startswith("<!doctype html>") and "generated 2024-05-01T12:00:00+00:00" in html


@pytest.mark.parametrize("url, kept", [
    ("https://a.example/x", True), ("http://a.example", True), ("javascript:alert(1)", False),
    ("JaVaScRiPt:alert(1)", False), ("data:text/html,<script>", False), ("//a.example/x", False),
    ("/relative", False), (None, False),
])
def test_only_absolute_http_urls_become_links(url, kept):
    assert (safe_url(url) is not None) == kept


def test_markup_builder_escapes_attribute_values_and_text():
    assert tag("p", {"title": '"><script>'}, "<b>") == '<p title="&quot;&gt;&lt;script&gt;">&lt;b&gt;</p>'


# ---- through the command line ----------------------------------------------------------------------

def run(*args, ok=(0,)):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code in ok, result.output
    return result


HOSTILE = {"id": "hostile", "url": "https://evil.example/story", "outlet": "evil.example", "published": "2024-02-01",
           "title": '<script>alert(1)</script>" onmouseover="alert(2)',
           "text": 'At least 31 people were killed in the floods, the police said on Thursday. '
                   '<script>alert(1)</script>" onmouseover="alert(2)'}


def test_an_article_with_script_and_attribute_injection_is_escaped_in_the_report_and_the_csv(cli_env, tmp_path):
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(HOSTILE))
    run("ingest", str(path))
    report = tmp_path / "report.html"
    run("export", "report", "-o", str(report))
    html = report.read_text(encoding="utf-8")
    assert "31" in html and "evil.example" in html
    assert "<script>" not in html and '" onmouseover="' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;alert(2)" in html

    out = tmp_path / "claims.csv"
    run("export", "claims", "--format", "csv", "-o", str(out))
    text = out.read_text(encoding="utf-8")
    assert '"<script>alert(1)</script>"" onmouseover=""alert(2)"' in text  # quoted, quotes doubled
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len({len(r) for r in rows}) == 1  # no cell spilled into another column
    header, *body = rows
    titles = {r[header.index("title")] for r in body}
    assert titles == {HOSTILE["title"]}


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def headless(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           "--disable-component-update", "--disable-sync", "--no-first-run",
                           f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_seed_report_renders_in_headless_chromium_with_a_point_per_figure(cli_env, tmp_path):
    binary = chromium()
    if binary is None:
        pytest.skip("no chromium binary (apt-get install -y chromium) to render the report in")
    run("ingest", str(SEEDS))
    claims = [json.loads(x) for x in run("export", "claims", "--format", "jsonl").stdout.splitlines()]
    dated = [c for c in claims if c["as_of"]]
    assert len(dated) > 20
    report = tmp_path / "report.html"
    run("export", "report", "-o", str(report))

    dom = headless(binary, tmp_path / "profile", "--dump-dom", report.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    circles = re.findall(r"<circle\b[^>]*\bclass=\"fig\"[^>]*>", dom.stdout)
    assert len(circles) == len(dated)
    svgs = re.findall(r"<svg\b[^>]*class=\"timeline\"", dom.stdout)
    metrics = {(c["kind"]) for c in dated}
    assert len(svgs) >= len(metrics)
    assert len(re.findall(r'<a\b[^>]*class="mark contradicts"', dom.stdout)) >= 2
    assert "<script" not in dom.stdout

    png = tmp_path / "report.png"
    shot = headless(binary, tmp_path / "profile", f"--screenshot={png}", "--window-size=1280,2000", report.as_uri())
    assert shot.returncode == 0, shot.stderr[-2000:]
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 2000)
    assert len(data) > 40_000  # a blank page of that size compresses to a few kilobytes


def test_report_filters_choose_metrics_and_status_keeps_only_flagged_ones(cli_env, tmp_path):
    run("ingest", str(SEEDS))
    hostages = run("export", "report", "--kind", "hostages").stdout
    # metrics are keyed by the widest region the place belongs to (SPEC §3, issue 11)
    assert re.findall(r'data-metric="([^"]+)"', hostages) == ["hostages|Palestinian territories|hostages|cumulative"]
    flagged = run("export", "report", "--status", "new").stdout
    metrics = re.findall(r'data-metric="([^"]+)"', flagged)
    assert metrics and len(metrics) == len(set(metrics)) <= len(re.findall(r'<article class="flag', flagged))
    assert run("export", "report", "--status", "dismissed").stdout.count("No figures match these filters.") == 1
