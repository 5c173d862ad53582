"""The HTTP API and the desk against a real `claimtrack serve` process, on SQLite and PostgreSQL.

The seeds are stored first (the embedded pipeline); each backend gets one server with a
token of each role.
"""
from __future__ import annotations

import hashlib
import json
import threading

import httpx
import pytest
from sqlalchemy import select

from tests.conftest import SEEDS, fresh_postgres
from tests.web_server import Server, csrf_of, desk_login, make_tokens

MAX_BYTES = 200_000

HOSTILE = [
    {"id": "hostile-a", "title": "<script>alert('title')</script> toll", "url": "https://evil.example/a?q=<script>alert(1)</script>",
     "outlet": "evil.example", "published": "2024-03-01",
     "text": "<script>alert('text')</script> A total of 500 people were killed in Sudan, the health ministry said. "
             "<img src=x onerror=alert(document.cookie)>"},
    {"id": "hostile-b", "outlet": "other.example", "published": "2024-03-01",
     "text": "A total of 350 people were killed in Sudan, the Red Cross said on Friday. <b onmouseover=steal()>bold</b>"},
]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def site(request, tmp_path_factory):
    """A served store holding the seeds, and tokens ``reader``, ``cms`` (ingest), ``ana`` and ``ben`` (review)."""
    from store.db import dispose_engines
    from tests.test_queue_service import run_cli

    tmp = tmp_path_factory.mktemp(f"web-{request.param}")
    url = f"sqlite:///{tmp / 'claimtrack.db'}" if request.param == "sqlite" else fresh_postgres()
    run_cli({"CLAIMTRACK_DATABASE_URL": url}, "ingest", "-q", str(SEEDS))
    tokens = make_tokens(url, reader="read", cms="ingest", ana="review", ben="review")
    server = Server(url, tmp / "serve.log", env={"CLAIMTRACK_MAX_ARTICLE_BYTES": str(MAX_BYTES)}).start()
    server.tokens = tokens
    yield server
    server.stop()
    dispose_engines()


def flag_ids(site, **params) -> list[int]:
    with site.client(site.tokens["reader"]) as c:
        r = c.get("/api/flags", params={"limit": 500, **params})
        assert r.status_code == 200, r.text
        return [f["id"] for f in r.json()["items"]]


def test_health_says_the_store_is_reachable_and_the_mode_is_embedded(site):
    r = httpx.get(site.url + "/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "broker": "embedded"}


@pytest.mark.parametrize("path", ["/api/claims", "/api/metrics", "/api/flags", "/api/flags/1",
                                  "/api/exports/claims.csv", "/api/exports/report.html"])
def test_reads_without_a_token_get_401(site, path):
    r = httpx.get(site.url + path)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert "token" in r.json()["detail"]


def test_an_unknown_token_or_a_malformed_header_gets_401(site):
    with site.client("ct_not-a-real-token") as c:
        assert c.get("/api/claims").status_code == 401
    r = httpx.get(site.url + "/api/claims", headers={"Authorization": f"Token {site.tokens['ana']}"})
    assert r.status_code == 401 and "Bearer" in r.json()["detail"]


def test_writes_need_the_matching_role_403(site):
    article = {"id": "role-test", "text": "At least 7 people were killed in Haiti, police said."}
    for name in ("reader", "ana"):
        with site.client(site.tokens[name]) as c:
            r = c.post("/api/articles", json=article)
            assert r.status_code == 403, r.text
            assert "ingest role" in r.json()["detail"]
    for name in ("reader", "cms"):
        with site.client(site.tokens[name]) as c:
            r = c.patch("/api/flags/1", json={"status": "confirmed", "version": 1})
            assert r.status_code == 403 and "review role" in r.json()["detail"]
            assert c.post("/api/flags/bulk", json={"ids": [1], "status": "dismissed"}).status_code == 403
    with httpx.Client(base_url=site.url) as anonymous:
        assert anonymous.post("/api/articles", json=article).status_code == 401


def test_a_review_with_a_stale_version_gets_409_and_the_reviewer_is_the_tokens_name(site):
    target = flag_ids(site, relation="revises_down")[0]
    with site.client(site.tokens["ana"]) as ana, site.client(site.tokens["ben"]) as ben:
        seen = ana.get(f"/api/flags/{target}")
        version = seen.json()["version"]
        assert seen.headers["etag"] == f'"{version}"'
        # the body names someone else: ignored, the token decides
        r = ana.patch(f"/api/flags/{target}", headers={"If-Match": f'"{version}"'},
                      json={"status": "in_review", "note": "looking", "reviewer": "mallory"})
        assert r.status_code == 200, r.text
        assert r.json()["version"] == version + 1 and r.headers["etag"] == f'"{version + 1}"'
        assert r.json()["history"][-1] | {"at": None} == {"at": None, "reviewer": "ana", "status": "in_review",
                                                          "note": "looking", "verdict": None}
        stale = ben.patch(f"/api/flags/{target}", json={"status": "dismissed", "version": version})
        assert stale.status_code == 409
        assert f"version {version + 1}" in stale.json()["detail"]
        assert ben.patch(f"/api/flags/{target}", json={"status": "dismissed"}).status_code == 428
        ok = ben.patch(f"/api/flags/{target}", json={"status": "dismissed", "note": "scope differs",
                                                     "version": version + 1})
        assert ok.status_code == 200 and ok.json()["status"] == "dismissed"
        assert [h["reviewer"] for h in ok.json()["history"] if h["reviewer"] != "claimtrack"][-2:] == ["ana", "ben"]


def test_two_reviewers_sending_the_same_version_at_once_one_wins_the_other_gets_409(site):
    target = flag_ids(site, relation="contradicts")[-1]
    with site.client(site.tokens["ana"]) as c:
        version = c.get(f"/api/flags/{target}").json()["version"]
    codes = []

    def send(name, status):
        with site.client(site.tokens[name]) as c:
            codes.append(c.patch(f"/api/flags/{target}", headers={"If-Match": str(version)},
                                 json={"status": status, "note": f"by {name}"}).status_code)

    threads = [threading.Thread(target=send, args=a) for a in (("ana", "confirmed"), ("ben", "needs_source"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409]
    with site.client(site.tokens["ana"]) as c:
        assert c.get(f"/api/flags/{target}").json()["version"] == version + 1


def test_bulk_sets_many_flags_and_names_the_missing_ones(site):
    ids = flag_ids(site)[:2]
    with site.client(site.tokens["ana"]) as c:
        r = c.post("/api/flags/bulk", json={"ids": [*ids, 999999], "status": "needs_source", "note": "bulk"})
        assert r.status_code == 200, r.text
        assert [u["id"] for u in r.json()["updated"]] == sorted(ids)
        assert r.json()["missing"] == [999999]
        for i in ids:
            assert c.get(f"/api/flags/{i}").json()["history"][-1]["reviewer"] == "ana"
        assert c.post("/api/flags/bulk", json={"ids": [], "status": "dismissed"}).status_code == 422


def test_a_body_over_the_limit_gets_413_declared_or_streamed(site):
    big = json.dumps({"id": "big", "text": "x" * (MAX_BYTES + 10)}).encode()
    with site.client(site.tokens["cms"]) as c:
        r = c.post("/api/articles", content=big, headers={"content-type": "application/json"})
        assert r.status_code == 413 and "CLAIMTRACK_MAX_ARTICLE_BYTES" in r.json()["detail"]
        # chunked, no Content-Length: refused once the limit is passed
        r = c.post("/api/articles", content=iter([big[i:i + 65536] for i in range(0, len(big), 65536)]),
                   headers={"content-type": "application/json"})
        assert r.status_code == 413


def test_posted_articles_are_stored_and_bad_ones_come_back_with_reasons(site):
    good = {"id": "api-good-1", "outlet": "example-news.org", "published": "2024-02-02",
            "text": "At least 31 people were killed in Haiti, the United Nations said."}
    with site.client(site.tokens["cms"]) as c:
        r = c.post("/api/articles", json=[good, {"id": "api-bad-1", "text": "  "}, {"title": "no text"}, 7])
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["articles"] == [{"index": 0, "article": "api-good-1", "status": "stored", "claims": 1,
                                     "links": {}}]
        assert [(x["index"], x["article"]) for x in body["rejected"]] == [(1, "api-bad-1"), (2, None), (3, None)]
        assert "'text' is empty" in body["rejected"][0]["reason"]
        assert c.post("/api/articles", json=good).json()["articles"][0]["status"] == "known"
        nothing = c.post("/api/articles", json={"id": "api-bad-2", "text": ""})
        assert nothing.status_code == 422 and nothing.json()["detail"][0]["article"] == "api-bad-2"
        assert c.post("/api/articles", content=b"{not json", headers={"content-type": "application/json"}
                      ).status_code == 400
        assert c.post("/api/articles", json=[good] * 501).status_code == 422
    with site.client(site.tokens["reader"]) as c:
        claims = c.get("/api/claims", params={"source": "united nations", "since": "2024-02-01"}).json()["items"]
        assert [(x["article"], x["value"]) for x in claims] == [("api-good-1", 31)]
    from store.db import make_engine, session_scope
    from store.models import Rejection

    engine = make_engine(site.db_url)
    with session_scope(engine) as s:
        origins = set(s.scalars(select(Rejection.origin).where(Rejection.article == "api-bad-1")))
    engine.dispose()
    assert origins == {"api:cms[1]"}


def test_claims_page_through_with_cursors_and_a_forged_cursor_is_400(site):
    with site.client(site.tokens["reader"]) as c:
        seen, cursor, pages = [], None, 0
        while True:
            r = c.get("/api/claims", params={"limit": 7, **({"cursor": cursor} if cursor else {})})
            assert r.status_code == 200
            seen += [x["id"] for x in r.json()["items"]]
            pages += 1
            cursor = r.json()["next_cursor"]
            if not cursor:
                break
        everything = c.get("/api/claims", params={"limit": 500}).json()["items"]
        assert seen == [x["id"] for x in everything] and len(set(seen)) == len(seen) and pages > 2
        assert c.get("/api/claims", params={"cursor": "bm9wZQ"}).status_code == 400
        flags_cursor = c.get("/api/flags", params={"limit": 1}).json()["next_cursor"]
        assert c.get("/api/claims", params={"cursor": flags_cursor}).status_code == 400
        assert c.get("/api/claims", params={"limit": 0}).status_code == 422


def test_flags_and_metrics_take_the_cli_filters(site):
    with site.client(site.tokens["reader"]) as c:
        contradicts = c.get("/api/flags", params={"relation": "contradicts"}).json()["items"]
        assert contradicts and {f["relation"] for f in contradicts} == {"contradicts"}
        killed = c.get("/api/metrics", params={"kind": "killed", "limit": 500}).json()["items"]
        assert killed and {m["kind"] for m in killed} == {"killed"}
        one = c.get(f"/api/metrics/{httpx.URL(path=killed[0]['id']).raw_path.decode()}")
        assert one.status_code == 200 and one.json()["id"] == killed[0]["id"] and one.json()["claims"]
        assert c.get("/api/metrics/no%7Csuch%7Cmetric").status_code == 404
        assert c.get("/api/flags/999999").status_code == 404
        assert c.get("/api/flags", params={"status": "bogus"}).status_code == 422


def test_exports_come_in_every_format_and_the_report_keeps_its_own_policy(site):
    with site.client(site.tokens["reader"]) as c:
        assert c.get("/api/exports/claims.csv").text.startswith("article,kind,value")
        lines = c.get("/api/exports/links.jsonl").text.splitlines()
        assert lines and all("relation" in json.loads(x) for x in lines)
        assert c.get("/api/exports/claims.jsonl", params={"kind": "killed"}).status_code == 200
        assert c.get("/api/exports/links.csv").headers["content-type"].startswith("text/csv")
        assert isinstance(c.get("/api/exports/claimreview.json").json(), list)
        report = c.get("/api/exports/report.html")
        assert "<svg" in report.text and "script-src" not in report.headers["content-security-policy"]


def test_every_response_sets_a_content_security_policy(site):
    with site.client(site.tokens["reader"]) as c:
        for path in ("/healthz", "/api/claims", "/api/flags/999999", "/desk/login", "/static/desk.css",
                     "/docs", "/openapi.json", "/nowhere"):
            r = c.get(path)
            assert "default-src 'none'" in r.headers["content-security-policy"], path
            assert r.headers["x-content-type-options"] == "nosniff"


def test_the_desk_signs_in_with_a_token_and_keeps_a_strict_session_cookie(site):
    with site.client() as c:
        assert c.get("/desk").headers["location"] == "/desk/login"
        page = c.get("/desk/login")
        forged = c.post("/desk/login", data={"token": site.tokens["ana"], "csrf": "forged"})
        assert forged.status_code == 403
        wrong = c.post("/desk/login", data={"token": "ct_wrong", "csrf": csrf_of(page.text)})
        assert wrong.status_code == 401 and "Unknown or revoked token" in wrong.text
        r = desk_login(c, site.tokens["ana"])
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert "ct_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert "Secure" not in cookie  # plain http on loopback; https makes it Secure
        queue = c.get("/desk")
        assert queue.status_code == 200 and "Flags to review" in queue.text
        target = flag_ids(site, relation="contradicts")[0]
        version = c.get(f"/api/flags/{target}").json()["version"]  # the session reads the API too
        no_csrf = c.post(f"/desk/flags/{target}", data={"status": "confirmed", "version": version, "csrf": "x"})
        assert no_csrf.status_code == 403
        # the session cookie never writes through the API (Bearer only)
        assert c.patch(f"/api/flags/{target}", json={"status": "confirmed", "version": version}).status_code == 401


def test_a_hostile_article_is_rendered_as_text_in_the_desk(site):
    with site.client(site.tokens["cms"]) as c:
        assert c.post("/api/articles", json=HOSTILE).status_code == 201
    flag = next(f for f in flag_ids(site, kind="killed", region="sudan"))
    with site.client() as c:
        desk_login(c, site.tokens["ana"])
        pages = [c.get(f"/desk/flags/{flag}").text, c.get("/desk", params={"region": "sudan"}).text]
        metric = c.get(f"/api/flags/{flag}").json()["metric"]
        pages.append(c.get(f"/desk/metrics/{httpx.URL(path=metric).raw_path.decode()}").text)
        pages.append(c.get("/api/exports/report.html", params={"region": "sudan"}).text)
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html and "<b onmouseover" not in html
        assert "javascript:alert" not in html
    flag_page = pages[0]
    assert "&lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt;" in flag_page
    assert "&lt;img src=x onerror=alert(document.cookie)&gt;" in flag_page
    assert '<mark class="quote">' in flag_page
    # the only scripts are the desk's own file
    assert flag_page.count("<script") == 1 and '<script src="/static/desk.js" defer></script>' in flag_page


def test_tokens_are_stored_as_hashes_only(site):
    from store.db import make_engine, session_scope
    from store.models import ApiToken

    engine = make_engine(site.db_url)
    with session_scope(engine) as s:
        rows = {t.name: t for t in s.scalars(select(ApiToken))}
    engine.dispose()
    for name, secret in site.tokens.items():
        assert rows[name].secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in {rows[name].prefix, rows[name].name, rows[name].secret_hash}
    assert rows["reader"].last_used_at is not None  # noted (at most once a minute)


def test_nul_characters_are_refused_before_they_reach_the_store(site):
    with site.client(site.tokens["ana"]) as c:
        assert c.get("/api/claims", params={"source": "a\x00b"}).status_code == 422
        target = flag_ids(site)[0]
        version = c.get(f"/api/flags/{target}").json()["version"]
        r = c.patch(f"/api/flags/{target}", json={"status": "in_review", "note": "x\x00y", "version": version})
        assert r.status_code == 422
    with site.client(site.tokens["cms"]) as c:
        r = c.post("/api/articles", json=[{"id": "nul\x00id", "text": "Ten people were killed.\x00"}])
        assert r.status_code == 422 and "NUL" in r.json()["detail"][0]["reason"]


def test_claims_and_metrics_take_the_status_and_relation_filters_too(site):
    with site.client(site.tokens["reader"]) as c:
        def ids(path, **params):
            r = c.get(path, params={"limit": 500, **params})
            assert r.status_code == 200, r.text
            return {x["id"] for x in r.json()["items"]}

        flags = c.get("/api/flags", params={"limit": 500}).json()["items"]
        links = [json.loads(x) for x in c.get("/api/exports/links.jsonl").text.splitlines()]
        claims = {x["id"]: x for x in c.get("/api/claims", params={"limit": 500}).json()["items"]}
        by_place = {(x["article"], x["start"], x["end"]): i for i, x in claims.items()}

        def link_sides(rel):
            return {by_place[(lk[s]["article"], lk[s]["start"], lk[s]["end"])]
                    for lk in links if lk["relation"] == rel for s in "ab"}

        # relation alone: the claims on a link of it (agrees and repeats carry no flag)
        for rel in ("agrees", "contradicts"):
            assert link_sides(rel) and ids("/api/claims", relation=rel) == link_sides(rel)
            assert ids("/api/metrics", relation=rel) == {claims[i]["metric"] for i in link_sides(rel)}
        # status (with relation): the claims on such flags
        for status, rel in [(f["status"], None) for f in flags] + [("new", "contradicts"), ("new", "updates")]:
            on = [f for f in flags if f["status"] == status and rel in (None, f["relation"])]
            got = ids("/api/claims", status=status, **({"relation": rel} if rel else {}))
            assert got == {f[s]["id"] for f in on for s in "ab"}, (status, rel)
            assert ids("/api/metrics", status=status, **({"relation": rel} if rel else {})) == {f["metric"] for f in on}
        assert ids("/api/claims", status="new", kind="injured") <= ids("/api/claims", kind="injured")
        assert c.get("/api/claims", params={"relation": "bogus"}).status_code == 422


def test_one_metric_takes_since_and_its_flags_a_status(site):
    with site.client(site.tokens["reader"]) as c:
        for flag in c.get("/api/flags", params={"limit": 500}).json()["items"]:
            path = f"/api/metrics/{httpx.URL(path=flag['metric']).raw_path.decode()}"
            whole = c.get(path).json()
            dates = sorted({x["as_of"] for x in whole["claims"]})
            if len(dates) > 1:
                break
        assert len(dates) > 1
        later = c.get(path, params={"since": dates[-1]}).json()
        assert {x["as_of"] for x in later["claims"]} == {dates[-1]} and len(later["claims"]) < len(whole["claims"])
        assert c.get(path, params={"since": "2999-01-01"}).status_code == 404
        mine = c.get(path, params={"status": flag["status"]}).json()["flags"]
        assert flag["id"] in {f["id"] for f in mine} and {f["status"] for f in mine} == {flag["status"]}
        others = [s for s in ("new", "in_review", "confirmed", "dismissed", "needs_source") if s != flag["status"]]
        assert flag["id"] not in {f["id"] for f in c.get(path, params={"status": others}).json()["flags"]}


def test_over_https_the_session_cookie_is_secure_and_signing_out_clears_it_with_the_same_flags(site):
    def cookie(response, name):
        return next(c for c in response.headers.get_list("set-cookie") if c.startswith(name + "="))

    def value(set_cookie):
        return set_cookie.split(";")[0].split("=", 1)[1]

    # a TLS proxy on loopback says https (uvicorn trusts 127.0.0.1); the cookies come back
    # Secure, so they are sent by hand here, as a browser would over https
    https = {"X-Forwarded-Proto": "https"}
    with site.client(headers=https) as c:
        form = c.get("/desk/login")
        login_csrf = cookie(form, "ct_login_csrf")
        assert "Secure" in login_csrf and "HttpOnly" in login_csrf and "SameSite=strict" in login_csrf
        r = c.post("/desk/login", data={"token": site.tokens["reader"], "csrf": csrf_of(form.text)},
                   headers={"Cookie": f"ct_login_csrf={value(login_csrf)}"})
        assert r.status_code == 303, r.text
        session = cookie(r, "ct_session")
        assert "Secure" in session and "HttpOnly" in session and "SameSite=strict" in session
        dropped = cookie(r, "ct_login_csrf")
        assert "Max-Age=0" in dropped and "Secure" in dropped and "SameSite=strict" in dropped
        signed_in = {"Cookie": f"ct_session={value(session)}"}
        queue = c.get("/desk", headers=signed_in)
        assert queue.status_code == 200
        out = c.post("/desk/logout", data={"csrf": csrf_of(queue.text)}, headers=signed_in)
        assert out.status_code == 303
        cleared = cookie(out, "ct_session")
        assert "Max-Age=0" in cleared and "Secure" in cleared and "HttpOnly" in cleared and "SameSite=strict" in cleared
        assert c.get("/desk", headers=signed_in).headers["location"] == "/desk/login"


def test_the_flag_page_shows_the_confidence_and_its_reasons(site):
    target = flag_ids(site, relation="contradicts")[0]
    with site.client() as c:
        desk_login(c, site.tokens["reader"])
        flag = c.get(f"/api/flags/{target}").json()
        page = c.get(f"/desk/flags/{target}").text
        assert flag["reasons"] and all(r in page for r in flag["reasons"])
        assert f"Confidence <b>{flag['confidence']:.2f}</b>" in page
