"""Review flags: the shell around links that need a fact-checker's eyes."""
from __future__ import annotations

from sqlalchemy.orm import Session

from store import repository as repo
from store.models import Flag, Review, utcnow
from worker.core.relate import Decision

STATUSES = ("new", "in_review", "confirmed", "dismissed", "needs_source")
SYSTEM = "claimtrack"


def flag_link(session: Session, d: Decision) -> Flag:
    """Open a flag for link ``d`` (idempotent: a pair has one flag)."""
    flag = repo.flag_for(session, d.a, d.b)
    if flag is None:
        repo.insert_ignore(session, Flag, {"a_id": d.a, "b_id": d.b, "relation": d.relation,
                                           "reason": d.reason, "status": "new"}, ["a_id", "b_id"])
        flag = repo.flag_for(session, d.a, d.b)
        session.add(Review(flag_id=flag.id, status="new", note=f"opened: {d.reason}", reviewer=SYSTEM))
    elif flag.relation != d.relation or flag.reason != d.reason:
        flag.relation, flag.reason, flag.updated_at = d.relation, d.reason, utcnow()
        session.add(Review(flag_id=flag.id, status=flag.status, note=f"evidence changed: {d.reason}",
                           reviewer=SYSTEM))
    return flag
