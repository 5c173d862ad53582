"""API tokens and desk sessions. Functions take a session and never commit.

A token is shown once, when it is created; the store keeps only its sha256. Tokens are
256-bit random strings, so a fast hash is enough: nobody can guess one from the hash.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, joinedload

from store.models import ApiToken, WebSession, utcnow

ROLES = ("read", "ingest", "review")
TOKEN_PREFIX = "ct_"


class TokenError(ValueError):
    """A token that cannot be created or revoked; the message says why."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(session: Session, name: str, role: str, reserved: tuple[str, ...] = ()) -> tuple[ApiToken, str]:
    """A new token for ``name`` with ``role``; returns the row and the secret (shown once).

    >>> # row, secret = create_token(session, "ana", "review")
    """
    name = (name or "").strip()
    if not name:
        raise TokenError("a token needs a name: the reviewer's or the system's that uses it")
    if len(name) > 255:
        raise TokenError(f"the name is {len(name)} characters long (at most 255)")
    if name in reserved:
        raise TokenError(f"the name {name!r} is reserved for claimtrack's own notes: choose another")
    if role not in ROLES:
        raise TokenError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    if session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise TokenError(f"a token named {name!r} exists: revoke it first or choose another name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(name=name, role=role, secret_hash=digest(secret), prefix=secret[:10])
    session.add(row)
    session.flush()
    return row, secret


def tokens(session: Session, include_revoked: bool = False) -> list[ApiToken]:
    stmt = select(ApiToken).order_by(ApiToken.id)
    if not include_revoked:
        stmt = stmt.where(ApiToken.revoked_at.is_(None))
    return list(session.scalars(stmt))


def revoke_token(session: Session, name: str) -> ApiToken:
    """Revoke the token named ``name`` (its desk sessions end with it)."""
    row = session.scalar(select(ApiToken).where(ApiToken.name == name))
    if row is None:
        raise TokenError(f"there is no token named {name!r}: `claimtrack token list` shows them")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    session.execute(delete(WebSession).where(WebSession.token_id == row.id))
    session.flush()
    return row


def token_for(session: Session, secret: str) -> ApiToken | None:
    """The live token whose secret is ``secret``, or None."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    return session.scalar(select(ApiToken).where(ApiToken.secret_hash == digest(secret),
                                                 ApiToken.revoked_at.is_(None)))


def needs_touch(token: ApiToken, now: datetime) -> bool:
    """Whether ``last_used_at`` is worth writing again (at most once a minute: a busy
    client should not turn every read into a write)."""
    last = token.last_used_at
    if last is None:
        return True
    return now - (last if last.tzinfo else last.replace(tzinfo=now.tzinfo)) > timedelta(minutes=1)


def touch(session: Session, token_id: int, now: datetime) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))


def open_session(session: Session, token: ApiToken, hours: float) -> tuple[WebSession, str]:
    """A desk session for ``token``; returns the row and the cookie's secret."""
    secret = secrets.token_urlsafe(32)
    row = WebSession(secret_hash=digest(secret), token_id=token.id, csrf=secrets.token_urlsafe(32),
                     expires_at=utcnow() + timedelta(hours=hours))
    session.add(row)
    session.flush()
    return row, secret


def session_for(session: Session, secret: str | None) -> WebSession | None:
    """The live session of the cookie ``secret`` (its token not revoked, not expired)."""
    if not secret or len(secret) > 200:
        return None
    row = session.scalar(select(WebSession).join(ApiToken, WebSession.token_id == ApiToken.id)
                         .where(WebSession.secret_hash == digest(secret), ApiToken.revoked_at.is_(None))
                         .options(joinedload(WebSession.token)))
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=utcnow().tzinfo)
    return row if expires > utcnow() else None


def close_session(session: Session, secret: str | None) -> None:
    if secret:
        session.execute(delete(WebSession).where(WebSession.secret_hash == digest(secret)))


def same(a: str | None, b: str | None) -> bool:
    """Constant-time equality of two secrets (None never matches)."""
    return a is not None and b is not None and hmac.compare_digest(a.encode(), b.encode())
