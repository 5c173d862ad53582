"""The review desk in a real browser: Playwright for Python driving the system's Chromium.

Never a downloaded browser: /usr/bin/chromium (Debian's package, which `.ci/run`
installs). The tests skip only when that file is absent.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tests.web_server import Server, make_tokens

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    from store.db import dispose_engines
    from tests.test_queue_service import run_cli

    tmp = tmp_path_factory.mktemp("desk")
    url = f"sqlite:///{tmp / 'claimtrack.db'}"
    run_cli({"CLAIMTRACK_DATABASE_URL": url}, "ingest", "-q", str(SEEDS))
    server = Server(url, tmp / "serve.log").start()
    server.tokens = make_tokens(url, ana="review", rita="read")
    yield server
    server.stop()
    dispose_engines()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, desk):
    context = browser.new_context(base_url=desk.url, viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.csp_errors = []
    page.on("console", lambda m: page.csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()


def sign_in(page, token: str) -> None:
    page.goto("/desk")
    assert page.url.endswith("/desk/login")
    page.fill("#token", token)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/desk$"))


def test_a_reviewer_signs_in_opens_a_flag_confirms_it_with_a_note_and_finds_it_in_claimreview(page, desk, tmp_path):
    sign_in(page, desk.tokens["ana"])
    # the queue: counts by status and one row per flag
    assert page.locator(".counts").inner_text().startswith("all")
    rows = page.locator("tr.flag-row")
    assert rows.count() >= 4
    row = page.locator("tr.flag-row", has_text="contradicts").filter(has_text="WHO").first
    flag_id = int(row.get_attribute("data-flag-id"))
    row.locator("a.open").click()
    page.wait_for_url(f"**/desk/flags/{flag_id}")

    # two figures side by side, each quote highlighted in its article, the metric's chart
    sides = page.locator(".evidence .side")
    assert sides.count() == 2
    box_a, box_b = sides.nth(0).bounding_box(), sides.nth(1).bounding_box()
    assert box_a["x"] < box_b["x"] and abs(box_a["y"] - box_b["y"]) < 2
    quotes = page.locator("mark.quote").all_inner_texts()
    assert "3,958" in quotes[0] and "11,300" in quotes[1]
    assert page.locator("svg.timeline circle.fig").count() >= 2
    assert page.locator("svg.timeline .mark.contradicts").count() >= 1

    # c picks "confirmed" and moves to the note (the desk's script); then a note and a verdict
    page.keyboard.press("c")
    assert page.locator("input[name=status][value=confirmed]").is_checked()
    assert page.evaluate("document.activeElement.id") == "note"
    page.keyboard.type("Both agencies counted on different days; checked the WHO statement.")
    page.fill("#verdict", "Conflicting figures")
    page.click("#status-form button[type=submit]")
    page.wait_for_url(f"**/desk/flags/{flag_id}")
    assert page.locator("#flag-status").inner_text() == "confirmed"
    last = page.locator("#history li").last.inner_text()
    assert "ana" in last and "confirmed" in last and "checked the WHO statement" in last
    shot = tmp_path / "flag-confirmed.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")

    # the confirmed flag is published as a ClaimReview (read with the desk's session)
    reviews = page.request.get("/api/exports/claimreview.json")
    assert reviews.status == 200
    mine = [r for r in json.loads(reviews.text()) if r["url"].endswith(f"{flag_id}")]
    assert len(mine) == 1
    assert mine[0]["reviewRating"]["alternateName"] == "Conflicting figures"
    assert page.csp_errors == []


def test_the_queue_moves_with_j_and_k_and_acts_with_s(page, desk):
    sign_in(page, desk.tokens["ana"])
    rows = page.locator("tr.flag-row")
    assert "current" in rows.nth(0).get_attribute("class")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    current = page.locator("tr.flag-row.current")
    assert current.count() == 1
    flag_id = current.get_attribute("data-flag-id")
    assert flag_id == rows.nth(1).get_attribute("data-flag-id")
    page.keyboard.press("s")
    page.wait_for_load_state("load")
    assert page.locator(f"#row-{flag_id}").get_attribute("data-status") == "needs_source"
    # the same row stays current after the reload
    assert page.locator("tr.flag-row.current").get_attribute("data-flag-id") == flag_id
    # the counts link filters the queue
    page.click(".counts a[data-status=needs_source]")
    assert {r.get_attribute("data-status") for r in page.locator("tr.flag-row").all()} == {"needs_source"}
    assert page.csp_errors == []


def test_the_desk_works_without_javascript(browser, desk):
    context = browser.new_context(base_url=desk.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, desk.tokens["ana"])
        row = page.locator("tr.flag-row").last
        flag_id = row.get_attribute("data-flag-id")
        row.locator("button[data-key=d]").click()
        page.wait_for_url(re.compile(r"/desk"))
        assert page.locator(f"#row-{flag_id}").get_attribute("data-status") == "dismissed"
        page.goto(f"/desk/flags/{flag_id}")
        page.check("input[name=status][value=in_review]")
        page.fill("#note", "reopened to look again")
        page.click("#status-form button[type=submit]")
        assert page.locator("#flag-status").inner_text() == "in review"
        assert "reopened to look again" in page.locator("#history").inner_text()
    finally:
        context.close()


def test_a_read_token_sees_the_queue_without_forms(page, desk):
    sign_in(page, desk.tokens["rita"])
    assert page.locator("tr.flag-row").count() >= 4
    assert page.locator("td.actions form").count() == 0
    page.locator("tr.flag-row a.open").first.click()
    assert page.locator("#status-form").count() == 0
    assert "review role" in page.locator("section.review").inner_text()


def test_docs_render_every_operation_from_this_server_alone(page, desk):
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/docs")
    page.wait_for_selector(".opblock")
    paths = set(page.locator(".opblock-summary-path").all_inner_texts())
    spec = json.loads(page.request.get("/openapi.json").text())
    assert {p.replace("\u200b", "") for p in paths} == set(spec["paths"])
    assert requests and all(u.startswith(desk.url + "/") for u in requests), requests
    assert errors == [] and page.csp_errors == []
