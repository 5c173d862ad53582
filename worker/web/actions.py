"""What a reviewer does through the API or the desk: set a flag's status, with the
version they saw; or set many at once. One transaction each."""
from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from sqlalchemy import Engine
from sqlalchemy.orm.exc import StaleDataError

from store import review_queries as rq
from store import web_queries as wq
from store.db import session_scope
from worker.review import ReviewError, set_status
from worker.web.shape import flag_full

MAX_BULK = 500


class FlagNotFound(LookupError):
    pass


class StaleVersion(Exception):
    """The flag changed since the reviewer loaded it."""

    def __init__(self, flag_id: int, sent: int, current: int):
        super().__init__(f"flag {flag_id} is at version {current}, not {sent}: someone changed it since you "
                         "loaded it; reload it, check the history, and send again with the new version")
        self.current = current


def review_flag(engine: Engine, flag_id: int, version: int, status: str, note: str | None,
                verdict: str | None, reviewer: str, lock: AbstractContextManager = nullcontext()) -> dict:
    """Set flag ``flag_id``'s status if it is still at ``version``; returns it in full.

    The row is locked before the version is compared (PostgreSQL; on SQLite the caller's
    ``lock`` serialises writers), so of two reviewers sending the same version exactly one
    wins. Should another writer slip in anyway, the update itself checks the version
    (``version_id_col``) and this one loses with :class:`StaleVersion`.
    """
    try:
        with lock, session_scope(engine) as session:
            flag = rq.flag_by_id(session, flag_id, for_update=True)
            if flag is None:
                raise FlagNotFound(f"there is no flag {flag_id}")
            if flag.version != version:
                raise StaleVersion(flag_id, version, flag.version)
            set_status(session, flag_id, status, note=note, verdict=verdict, reviewer=reviewer)
            session.expunge_all()
            return flag_full(rq.flag_by_id(session, flag_id))
    except StaleDataError:
        raise StaleVersion(flag_id, version, version + 1) from None


def review_many(engine: Engine, ids: list[int], status: str, note: str | None, verdict: str | None,
                reviewer: str, lock: AbstractContextManager = nullcontext()) -> dict:
    """Set the status of every flag of ``ids`` in one transaction.

    Returns ``{"updated": [{"id", "status", "version"}], "missing": [ids]}``; an unknown
    status or reviewer changes nothing (ReviewError).
    """
    ids = sorted(set(ids))
    if len(ids) > MAX_BULK:
        raise ReviewError(f"{len(ids)} flags in one request: send at most {MAX_BULK}")
    with lock, session_scope(engine) as session:
        found = {f.id: f for f in wq.flags_by_ids(session, ids)}  # locked in id order
        updated = []
        for flag_id in ids:
            if flag_id in found:
                flag = set_status(session, flag_id, status, note=note, verdict=verdict, reviewer=reviewer)
                updated.append({"id": flag.id, "status": flag.status, "version": flag.version})
        return {"updated": updated, "missing": [i for i in ids if i not in found]}
