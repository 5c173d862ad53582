"""Who is calling: Bearer tokens for the API, a session cookie for the desk, roles, CSRF.

A token's name is the reviewer's name on every change made with it; nothing in a
request body can choose it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import OperationalError

from store import tokens as tk
from store.db import session_scope
from store.models import utcnow
from worker import settings

log = logging.getLogger("claimtrack.web")

SESSION_COOKIE = "ct_session"
LOGIN_CSRF_COOKIE = "ct_login_csrf"
# what each role may do besides reading (every role may read)
WRITES = {"read": set(), "ingest": {"ingest"}, "review": {"review"}}

bearer = HTTPBearer(auto_error=False, description="A token from `claimtrack token create`.")


@dataclass(frozen=True)
class Caller:
    """The token behind a request (None name: an anonymous public read)."""

    name: str | None
    role: str | None
    csrf: str | None = None  # desk sessions only

    def may(self, action: str) -> bool:
        return self.role is not None and action in WRITES.get(self.role, set())


def engine(request: Request):
    return request.app.state.engine


def writes(request: Request):
    """What a write holds: on SQLite (one writer) this process's write lock, so a read,
    a check and the write that follows are not interleaved with another request's;
    on PostgreSQL nothing (row locks and advisory locks do that job)."""
    from contextlib import nullcontext

    return request.app.state.sqlite_writes if engine(request).dialect.name == "sqlite" else nullcontext()


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


def caller_of_token(request: Request, secret: str) -> Caller | None:
    with session_scope(engine(request)) as s:
        row = tk.token_for(s, secret)
        if row is None:
            return None
        who, due = Caller(row.name, row.role), tk.needs_touch(row, utcnow())
    if due:
        _touch(request, row.id)
    return who


def _touch(request: Request, token_id: int) -> None:
    """Note when a token was last used, in a transaction of its own that only writes
    (on SQLite, under the write lock when it is free: the note is not worth a wait)."""
    lock = writes(request)
    if hasattr(lock, "acquire") and not lock.acquire(blocking=False):
        return
    try:
        with session_scope(engine(request)) as s:
            tk.touch(s, token_id, utcnow())
    except OperationalError:
        log.warning("could not note when token %s was last used (store busy)", token_id)
    finally:
        if hasattr(lock, "release"):
            lock.release()


def desk_caller(request: Request) -> Caller | None:
    """The signed-in desk user of this request's session cookie, or None."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    with session_scope(engine(request)) as s:
        row = tk.session_for(s, secret)
        return Caller(row.token.name, row.token.role, row.csrf) if row else None


def _from_bearer(request: Request, creds: HTTPAuthorizationCredentials | None) -> Caller | None:
    if creds is None:
        if request.headers.get("authorization"):
            raise _unauthorized("the Authorization header must be `Bearer TOKEN`")
        return None
    who = caller_of_token(request, creds.credentials)
    if who is None:
        raise _unauthorized("unknown or revoked token: create one with `claimtrack token create`")
    return who


def reader(request: Request, creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Caller:
    """Any valid token; a signed-in desk session; or nobody when CLAIMTRACK_PUBLIC_READ=1."""
    who = _from_bearer(request, creds)
    if who is not None:
        return who
    # reads only: the cookie is SameSite=Strict and a read changes nothing
    who = desk_caller(request)
    if who is not None:
        return who
    if settings.public_read():
        return Caller(None, None)
    raise _unauthorized("this needs a token: send `Authorization: Bearer TOKEN` "
                        "(or set CLAIMTRACK_PUBLIC_READ=1 to open reads)")


def writer(action: str):
    """A dependency that lets through tokens whose role allows ``action`` (Bearer only)."""
    role = {"ingest": "ingest", "review": "review"}[action]

    def check(request: Request, creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Caller:
        who = _from_bearer(request, creds)
        if who is None:
            raise _unauthorized(f"this needs a token with the {role} role: send `Authorization: Bearer TOKEN`")
        if not who.may(action):
            raise HTTPException(403, f"the token {who.name!r} has the {who.role} role; this needs the {role} role")
        return who

    return check
