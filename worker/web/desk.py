"""The review desk: server-rendered pages that work without JavaScript.

Sign-in takes a token and opens a session (an HttpOnly, SameSite=Strict cookie; Secure
over https). Every form carries the session's CSRF token (the sign-in form a
double-submit one); a change is refused when the flag moved on since the page showed it.
"""
from __future__ import annotations

import secrets
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse

from store import review_queries as rq
from store import tokens as tk
from store import web_queries as wq
from store.db import session_scope
from worker import settings
from worker.core.types import KINDS, RELATIONS
from worker.review import STATUSES, ReviewError
from worker.web import actions
from worker.web.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, Caller, desk_caller, engine, writes
from worker.web.pages import chart, observations, render, side
from worker.web.shape import flag_full

router = APIRouter(include_in_schema=False)

FlagId = Annotated[int, Path(ge=1, le=2**31 - 1)]

QUEUE_PAGE = 50


def user(request: Request) -> Caller:
    who = desk_caller(request)
    if who is None:
        raise HTTPException(401, "sign in")
    return who


def _check_csrf(who: Caller, sent: str | None) -> None:
    if not tk.same(who.csrf, sent):
        raise HTTPException(403, "the form's CSRF token does not match your session: reload the page and try again")


def _cookie(request: Request, response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https")


def _drop_cookie(request: Request, response, name: str) -> None:
    # with the flags it was set with: no Set-Cookie of ours is ever looser than that
    response.delete_cookie(name, httponly=True, samesite="strict", path="/", secure=request.url.scheme == "https")


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/desk", status_code=303)


@router.get("/desk/login")
def login_form(request: Request):
    csrf = secrets.token_urlsafe(24)
    resp = render(request, "login.html", csrf=csrf, user=None, error=None)
    _cookie(request, resp, LOGIN_CSRF_COOKIE, csrf, 3600)
    return resp


@router.post("/desk/login")
def login(request: Request, token: Annotated[str, Form(max_length=300)], csrf: Annotated[str, Form(max_length=100)]):
    if not tk.same(request.cookies.get(LOGIN_CSRF_COOKIE), csrf):
        raise HTTPException(403, "the sign-in form expired: reload it and sign in again")
    with writes(request), session_scope(engine(request)) as s:
        row = tk.token_for(s, token.strip())
        secret = tk.open_session(s, row, settings.session_hours())[1] if row else None
    if secret is None:
        fresh = secrets.token_urlsafe(24)
        resp = render(request, "login.html", status_code=401, csrf=fresh, user=None,
                      error="Unknown or revoked token. Ask for one made with `claimtrack token create`.")
        _cookie(request, resp, LOGIN_CSRF_COOKIE, fresh, 3600)
        return resp
    resp = RedirectResponse("/desk", status_code=303)
    _cookie(request, resp, SESSION_COOKIE, secret, int(settings.session_hours() * 3600))
    _drop_cookie(request, resp, LOGIN_CSRF_COOKIE)
    return resp


@router.post("/desk/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=100)], who: Caller = Depends(user)):
    _check_csrf(who, csrf)
    with session_scope(engine(request)) as s:
        tk.close_session(s, request.cookies.get(SESSION_COOKIE))
    resp = RedirectResponse("/desk/login", status_code=303)
    _drop_cookie(request, resp, SESSION_COOKIE)
    return resp


def _filters(status, relation, kind, region, source, since) -> dict:
    def pick(values, allowed):
        return [v for v in values if v in allowed]

    try:
        since_d = date.fromisoformat(since) if since else None
    except ValueError:
        raise HTTPException(400, f"since={since!r} is not a date (YYYY-MM-DD)") from None
    def text(value):  # PostgreSQL text cannot hold NUL
        return (value or "").replace("\x00", "").strip()[:255] or None

    return {"status": pick(status, STATUSES), "relation": pick(relation, RELATIONS),
            "kind": kind if kind in KINDS else None, "region": text(region), "source": text(source), "since": since_d}


@router.get("/desk")
def queue(request: Request, status: Annotated[list[str] | None, Query()] = None,
          relation: Annotated[list[str] | None, Query()] = None, kind: str | None = None, region: str | None = None, source: str | None = None, since: str | None = None,
          sort: str | None = None, cursor: str | None = None, who: Caller = Depends(user)):
    f = _filters(status or [], relation or [], kind, region, source, since)
    sort = sort if sort in wq.flag_sorts() else wq.DEFAULT_FLAG_SORT
    with session_scope(engine(request)) as s:
        try:
            page = wq.flags_page(s, **f, sort=sort, limit=QUEUE_PAGE, cursor=cursor)
        except wq.CursorError as e:
            raise HTTPException(400, str(e)) from None
        counts = wq.flag_status_counts(s, **{k: v for k, v in f.items() if k != "status"})
        rows = [flag_full(fl) for fl in page.rows]
    query = [(k, v) for k, vs in (("status", f["status"]), ("relation", f["relation"])) for v in vs]
    query += [(k, v) for k, v in (("kind", f["kind"]), ("region", f["region"]), ("source", f["source"]),
                                  ("since", f["since"].isoformat() if f["since"] else None), ("sort", sort)) if v]
    here = "/desk" + ("?" + urlencode(query + ([("cursor", cursor)] if cursor else [])) if query or cursor else "")
    nxt = "/desk?" + urlencode(query + [("cursor", page.next_cursor)]) if page.next_cursor else None
    base = [(k, v) for k, v in query if k != "status"]
    return render(request, "queue.html", user=who, rows=rows, counts=counts, filters=f, sort=sort,
                  sorts=list(wq.flag_sorts()), kinds=KINDS, relations=RELATIONS, here=here, next_page=nxt,
                  status_link=lambda st: "/desk?" + urlencode(base + ([("status", st)] if st else [])),
                  total=sum(counts.values()))


def _flag_page(request: Request, who: Caller, flag_id: int, status_code: int = 200, error: str | None = None,
               form: dict | None = None):
    with session_scope(engine(request)) as s:
        flag = rq.flag_by_id(s, flag_id)
        if flag is None:
            raise HTTPException(404, f"there is no flag {flag_id}")
        metric = flag.a.metric
        claims = wq.metric_claims(s, [metric])
        data = flag_full(flag)
        ctx = {"flag": data, "a": side(flag.a), "b": side(flag.b),
               "chart": chart(claims, wq.marked_links_of_metric(s, metric, ("contradicts", "revises_down")),
                              wq.flags_of_metric(s, metric), metric)}
    return render(request, "flag.html", status_code=status_code, user=who, error=error,
                  form=form or {"status": data["status"], "note": "", "verdict": data["verdict"] or ""}, **ctx)


@router.get("/desk/flags/{flag_id}")
def flag_page(request: Request, flag_id: FlagId, who: Caller = Depends(user)):
    return _flag_page(request, who, flag_id)


@router.post("/desk/flags/{flag_id}")
def flag_change(request: Request, flag_id: FlagId, csrf: Annotated[str, Form(max_length=100)],
                version: Annotated[int, Form(ge=0, le=2**31 - 1)], status: Annotated[str, Form(max_length=32)],
                note: Annotated[str, Form(max_length=10_000)] = "", verdict: Annotated[str, Form(max_length=2_000)] = "",
                next: Annotated[str, Form(max_length=2_000)] = "", who: Caller = Depends(user)):
    _check_csrf(who, csrf)
    if not who.may("review"):
        raise HTTPException(403, f"your token has the {who.role} role; changing a flag needs the review role")
    form = {"status": status, "note": note, "verdict": verdict}
    if "\x00" in note + verdict:
        return _flag_page(request, who, flag_id, 422, "the note or verdict holds a NUL character: remove it", form)
    try:
        actions.review_flag(engine(request), flag_id, version, status, note, verdict, who.name, writes(request))
    except actions.FlagNotFound as e:
        raise HTTPException(404, str(e)) from None
    except actions.StaleVersion as e:
        return _flag_page(request, who, flag_id, 409, str(e), form)
    except ReviewError as e:
        return _flag_page(request, who, flag_id, 422, str(e), form)
    # back to the queue (or wherever the form came from), never off this site
    target = next if next.startswith("/desk") and not next.startswith("//") else f"/desk/flags/{flag_id}"
    return RedirectResponse(target, status_code=303)


@router.get("/desk/metrics/{metric_id:path}")
def metric_page(request: Request, metric_id: str, who: Caller = Depends(user)):
    with session_scope(engine(request)) as s:
        claims = wq.metric_claims(s, [metric_id])
        if not claims:
            raise HTTPException(404, f"there is no metric {metric_id!r}")
        flags = wq.flags_of_metric(s, metric_id)
        ctx = {"metric": metric_id, "originators": observations(claims),
               "chart": chart(claims, wq.marked_links_of_metric(s, metric_id, ("contradicts", "revises_down")),
                              flags, metric_id),
               "flags": [flag_full(fl) for fl in flags]}
    return render(request, "metric.html", user=who, **ctx)
