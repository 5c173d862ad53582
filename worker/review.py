"""Review flags: the shell around links that need a fact-checker's eyes.

A flag's current status lives on :class:`~store.models.Flag`; every change is a new
:class:`~store.models.Review` row (who, when, status, note, verdict), never an update.
Automatic notes are written by the reviewer ``claimtrack``.

New evidence: a re-check never reopens a dismissed flag by itself. When a new flag
opens between the same metric and the same originators as an earlier, reviewed flag,
and one of its claims was ingested after that review, the earlier flag is told so (a
dismissed one is reopened as ``new``) and the new flag names the earlier one.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable

from sqlalchemy.orm import Session

from store import review_queries as rq
from store.models import Claim, Flag, Review, utcnow
from worker.core.relate import Decision
from worker.views import LINK_SIDE_FIELDS, claim_json

STATUSES = ("new", "in_review", "confirmed", "dismissed", "needs_source")
SYSTEM = "claimtrack"


class ReviewError(ValueError):
    """A review request that cannot be applied; the message says what to do."""


# ---- flags opened by the pipeline -------------------------------------------------------------

def flag_links(session: Session, decisions: Iterable[Decision]) -> None:
    """Open a flag for each link in ``decisions`` (idempotent: a pair has one flag), or
    note changed evidence on the flag it has.

    A flag that already exists keeps its status when its relation or reason changes
    (a re-check never reopens what a reviewer closed); the change is recorded. New
    flags are inserted together; only those on a metric where a person has reviewed a
    flag before can be new evidence for it (:func:`note_new_evidence`).
    """
    wanted = {(d.a, d.b): d for d in decisions}
    if not wanted:
        return
    session.flush()
    existing = {(f.a_id, f.b_id): f for f in rq.flags_of_pairs(session, wanted)}
    for pair, flag in existing.items():
        d = wanted[pair]
        if (flag.confidence, list(flag.reasons or ())) != (d.confidence, list(d.reasons)):
            flag.confidence, flag.reasons = d.confidence, list(d.reasons)
        if flag.relation != d.relation or flag.reason != d.reason:
            flag.relation, flag.reason, flag.updated_at = d.relation, d.reason, utcnow()
            session.add(Review(flag_id=flag.id, status=flag.status, note=f"evidence changed: {d.reason}",
                               reviewer=SYSTEM))
    new = [d for pair, d in sorted(wanted.items()) if pair not in existing]
    opened = rq.insert_flags(session, [{"a_id": d.a, "b_id": d.b, "relation": d.relation, "reason": d.reason,
                                        "confidence": d.confidence, "reasons": list(d.reasons),
                                        "status": "new"} for d in new])
    rq.insert_reviews(session, [{"flag_id": opened[(d.a, d.b)], "status": "new", "note": f"opened: {d.reason}",
                                 "reviewer": SYSTEM} for d in new if (d.a, d.b) in opened])
    reviewed = rq.metrics_reviewed_by_people(session, {a for a, _ in opened}) if opened else set()
    for (a, _b), flag_id in sorted(opened.items()):
        if a in reviewed:
            note_new_evidence(session, session.get(Flag, flag_id))
    session.flush()


def _utc(dt: datetime) -> datetime:
    # SQLite hands back naive datetimes (stored as UTC); PostgreSQL aware ones
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def _claim_name(c: Claim) -> str:
    day = c.as_of.isoformat() if c.as_of else "undated"
    return f'claim #{c.id} ({c.article.ext_id}, {day}: "{c.quote}")'


def _last_human_review(flag: Flag) -> Review | None:
    human = [r for r in flag.reviews if r.reviewer != SYSTEM]
    return human[-1] if human else None


def note_new_evidence(session: Session, flag: Flag) -> list[Flag]:
    """Tell earlier reviewed flags on the same metric and originators about ``flag``'s new claims.

    Returns the earlier flags that were told. A claim counts as new evidence for an
    earlier flag when it is not one of that flag's claims and its article was stored
    after the flag's last human review; each claim is announced to a flag once.
    """
    a, b = rq.claim_with_article(session, flag.a_id), rq.claim_with_article(session, flag.b_id)
    told = []
    for earlier in rq.flags_on_pair(session, a.metric, {a.originator, b.originator}):
        last = _last_human_review(earlier) if earlier.id != flag.id else None
        if last is None:
            continue
        announced = " ".join(r.note or "" for r in earlier.reviews if r.reviewer == SYSTEM)
        fresh = [c for c in (a, b) if c.id not in (earlier.a_id, earlier.b_id)
                 and _utc(c.article.ingested_at) > _utc(last.created_at)
                 and f"claim #{c.id} (" not in announced]
        if not fresh:
            continue
        names = "; ".join(_claim_name(c) for c in fresh)
        was = earlier.status
        if was == "dismissed":
            earlier.status, earlier.verdict, earlier.updated_at = "new", None, utcnow()
            note = f"reopened: new evidence {names} on the same metric and originators (flag #{flag.id})"
        else:
            note = f"new evidence {names} on the same metric and originators (flag #{flag.id})"
        session.add(Review(flag_id=earlier.id, status=earlier.status, note=note, reviewer=SYSTEM))
        session.add(Review(flag_id=flag.id, status=flag.status, reviewer=SYSTEM,
                           note=f"earlier flag #{earlier.id} on the same metric and originators was {was} "
                                f"by {last.reviewer}" + (f" ({last.note})" if last.note else "")
                                + f"; new evidence {names}"))
        told.append(earlier)
    session.flush()
    return told


# ---- reviewer actions ---------------------------------------------------------------------------

def set_status(session: Session, flag_id: int, status: str, note: str | None = None,
               verdict: str | None = None, reviewer: str | None = None) -> Flag:
    """Record a reviewer's decision on flag ``flag_id`` and make it the flag's current status.

    The verdict is kept while the status stays the same and cleared when the status
    changes without a new one (a ``confirmed`` verdict must not survive a dismissal).

    >>> # set_status(session, 12, "dismissed", note="different scope", verdict="No conflict", reviewer="ana")
    """
    if status not in STATUSES:
        raise ReviewError(f"unknown status {status!r}: use one of {', '.join(STATUSES)}")
    reviewer = (reviewer or "").strip()
    if not reviewer:
        raise ReviewError("no reviewer name: pass --reviewer NAME or set CLAIMTRACK_REVIEWER")
    if reviewer == SYSTEM:
        raise ReviewError(f"the reviewer name {SYSTEM!r} is reserved for automatic notes: pass your own name")
    flag = rq.flag_by_id(session, flag_id, for_update=True)
    if flag is None:
        raise ReviewError(f"there is no flag {flag_id}: `claimtrack review list` shows the flags")
    note = (note or "").strip() or None
    verdict = (verdict or "").strip() or None
    if verdict is not None:
        flag.verdict = verdict
    elif status != flag.status:
        flag.verdict = None
    flag.status, flag.updated_at = status, utcnow()
    session.add(Review(flag_id=flag.id, status=status, note=note, verdict=verdict, reviewer=reviewer))
    session.flush()
    session.expire(flag, ["reviews"])
    return flag


def reviewed_at(flag: Flag) -> datetime | None:
    """When the flag's current status was set: the review row that last changed it."""
    when, previous = None, None
    for r in flag.reviews:
        if r.status != previous:
            when = r.created_at
        previous = r.status
    return _utc(when) if when else None


# ---- shaping flags as plain dicts ---------------------------------------------------------------

def iso(dt: datetime | None) -> str | None:
    return _utc(dt).isoformat(timespec="seconds").replace("+00:00", "Z") if dt else None


def side_json(c: Claim) -> dict:
    """A flag's side with the fields of a link side (SPEC §5)."""
    full = claim_json(c)
    return {k: full[k] for k in LINK_SIDE_FIELDS}


def flag_json(flag: Flag) -> dict:
    """One row of ``review list``: id, relation, status, confidence and its reasons,
    reason, verdict and sides a, b."""
    return {"id": flag.id, "relation": flag.relation, "status": flag.status, "confidence": flag.confidence,
            "reasons": list(flag.reasons or ()), "reason": flag.reason,
            "verdict": flag.verdict, "a": side_json(flag.a), "b": side_json(flag.b)}


def history_json(flag: Flag) -> list[dict]:
    """Every review row of ``flag``, oldest first."""
    return [{"at": iso(r.created_at), "reviewer": r.reviewer, "status": r.status, "note": r.note,
             "verdict": r.verdict} for r in sorted(flag.reviews, key=lambda r: r.id)]


def flag_detail(flag: Flag) -> dict:
    """``review show``: the flag, both claims in full (with article title) and its history."""
    def full(c: Claim) -> dict:
        return {"id": c.id, **claim_json(c), "title": c.article.title or None,
                "published": c.article.published.isoformat() if c.article.published else None}

    return {"id": flag.id, "relation": flag.relation, "status": flag.status, "confidence": flag.confidence,
            "reasons": list(flag.reasons or ()), "reason": flag.reason,
            "verdict": flag.verdict, "created_at": iso(flag.created_at), "updated_at": iso(flag.updated_at),
            "a": full(flag.a), "b": full(flag.b), "history": history_json(flag)}
