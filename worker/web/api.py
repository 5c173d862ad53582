"""The JSON API: health, claims, metrics, flags, and reviewing flags.

Listings take the CLI's filters and keyset pagination (``limit``, ``cursor``): each
page answers ``{"items": [...], "next_cursor": "…" | null}``.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Header, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, Field

from store import review_queries as rq
from store import web_queries as wq
from store.db import ping, session_scope
from worker import settings
from worker.core.types import KINDS, RELATIONS
from worker.review import STATUSES, ReviewError
from worker.web import actions
from worker.web.auth import Caller, engine, reader, writer, writes
from worker.web.shape import claim_out, flag_full, flag_out, metrics_out

router = APIRouter()

Kind = Literal[KINDS]  # type: ignore[valid-type]
Relation = Literal[RELATIONS]  # type: ignore[valid-type]
Status = Literal[STATUSES]  # type: ignore[valid-type]
Sort = Literal[tuple(wq.flag_sorts())]  # type: ignore[valid-type]

KindQ = Annotated[Kind | None, Query(description="Only this kind of head count.")]
# PostgreSQL text cannot hold NUL: such input is refused (422), never sent to the store
NO_NUL = r"^[^\x00]*$"
SourceQ = Annotated[str | None, Query(max_length=255, pattern=NO_NUL, description="Part of a source or originator name.")]
RegionQ = Annotated[str | None, Query(max_length=255, pattern=NO_NUL, description="Part of a region name.")]
SinceQ = Annotated[date | None, Query(description="Only figures as of this date or later.")]
StatusQ = Annotated[list[Status] | None, Query(description="Only claims on a flag with this status "
                                                          "(repeatable).")]
RelationQ = Annotated[list[Relation] | None, Query(description="Only claims on a link (with status: a flag) of "
                                                              "this relation (repeatable).")]
LimitQ = Annotated[int, Query(ge=1, le=wq.MAX_LIMIT, description="Rows per page.")]
CursorQ = Annotated[str | None, Query(max_length=2000, description="`next_cursor` of the previous page.")]
# ids are the store's integer keys (32-bit on PostgreSQL)
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
FlagId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class PageOut(BaseModel):
    items: list[dict]
    next_cursor: str | None


def _page(fn, **kw) -> tuple[wq.Page, object]:
    try:
        return fn(**kw)
    except wq.CursorError as e:
        raise HTTPException(400, str(e)) from None


@router.get("/healthz", tags=["service"])
def healthz(request: Request, response: Response) -> dict:
    """Is the store reachable, and the broker (or is this the embedded mode)?"""
    out = {"status": "ok", "database": "ok", "broker": "embedded"}
    try:
        ping(engine(request))
    except Exception as e:  # noqa: BLE001 - reported, not raised: this is the health check
        out["status"], out["database"] = "error", f"unreachable: {type(e).__name__}"
    if settings.broker_url():
        from worker.queueing import QueueError, connection

        try:
            with connection():
                out["broker"] = "ok"
        except QueueError:
            out["status"], out["broker"] = "error", "unreachable"
    if out["status"] != "ok":
        response.status_code = 503
    return out


@router.get("/api/claims", tags=["read"], response_model=PageOut)
def list_claims(request: Request, kind: KindQ = None, source: SourceQ = None, region: RegionQ = None,
                since: SinceQ = None, status: StatusQ = None, relation: RelationQ = None, limit: LimitQ = 100,
                cursor: CursorQ = None, _who: Caller = Depends(reader)) -> dict:
    """Stored claims (SPEC §2 fields, with id and metric), in the order they were stored."""
    with session_scope(engine(request)) as s:
        page = _page(wq.claims_page, session=s, kind=kind, source=source, region=region, since=since,
                     status=status, relation=relation, limit=limit, cursor=cursor)
        return {"items": [claim_out(c) for c in page.rows], "next_cursor": page.next_cursor}


@router.get("/api/metrics", tags=["read"], response_model=PageOut)
def list_metrics(request: Request, kind: KindQ = None, source: SourceQ = None, region: RegionQ = None,
                 since: SinceQ = None, status: StatusQ = None, relation: RelationQ = None,
                 limit: Annotated[int, Query(ge=1, le=wq.MAX_LIMIT)] = 50,
                 cursor: CursorQ = None, _who: Caller = Depends(reader)) -> dict:
    """Per metric (by key), each originator's latest figure and its history: the metrics
    with a claim that passes the filters."""
    with session_scope(engine(request)) as s:
        page = _page(wq.metrics_page, session=s, kind=kind, source=source, region=region, since=since,
                     status=status, relation=relation, limit=limit, cursor=cursor)
        return {"items": metrics_out(page.rows), "next_cursor": page.next_cursor}


@router.get("/api/metrics/{metric_id:path}", tags=["read"])
def get_metric(request: Request, metric_id: Annotated[str, Path(max_length=512, pattern=NO_NUL)],
               since: SinceQ = None, status: Annotated[list[Status] | None, Query(description="Only its flags "
                                                                                   "with this status.")] = None,
               _who: Caller = Depends(reader)) -> dict:
    """One metric (its key, e.g. `killed|Gaza Strip|people|cumulative`, url-encoded): its
    timeline per originator, every claim (from `since`), and its flags (of `status`)."""
    with session_scope(engine(request)) as s:
        claims = wq.metric_claims(s, [metric_id], since)
        if not claims:
            dated = f" with figures as of {since} or later" if since else ""
            raise HTTPException(404, f"there is no metric {metric_id!r}{dated}: GET /api/metrics lists them")
        flags = wq.flags_of_metric(s, metric_id, status)
        return {**metrics_out(claims)[0], "claims": [claim_out(c) for c in claims],
                "flags": [flag_out(f) for f in flags]}


@router.get("/api/flags", tags=["read"], response_model=PageOut)
def list_flags(request: Request, status: Annotated[list[Status] | None, Query()] = None,
               relation: Annotated[list[Relation] | None, Query()] = None, kind: KindQ = None,
               source: SourceQ = None, region: RegionQ = None, since: SinceQ = None,
               sort: Annotated[Sort | None, Query(description="Queue order (default: confidence when "
                                                              "flags carry one, else date)")] = None,
               limit: LimitQ = 50, cursor: CursorQ = None, _who: Caller = Depends(reader)) -> dict:
    """Flags to review with both figures, status, version and history; highest first."""
    with session_scope(engine(request)) as s:
        page = _page(wq.flags_page, session=s, status=status, relation=relation, kind=kind, source=source,
                     region=region, since=since, sort=sort, limit=limit, cursor=cursor)
        return {"items": [flag_out(f) for f in page.rows], "next_cursor": page.next_cursor}


@router.get("/api/flags/{flag_id}", tags=["read"])
def get_flag(request: Request, response: Response, flag_id: FlagId, _who: Caller = Depends(reader)) -> dict:
    """One flag in full: both claims with their articles, the reasons, the history, the version
    (also the ETag: send it back in If-Match)."""
    with session_scope(engine(request)) as s:
        flag = rq.flag_by_id(s, flag_id)
        if flag is None:
            raise HTTPException(404, f"there is no flag {flag_id}")
        response.headers["ETag"] = f'"{flag.version}"'
        return flag_full(flag)


class FlagChange(BaseModel):
    status: Status
    note: str | None = Field(None, max_length=10_000, pattern=NO_NUL)
    verdict: str | None = Field(None, max_length=2_000, pattern=NO_NUL)
    version: int | None = Field(None, ge=0, le=2**31 - 1, description="The version you saw (or send it as If-Match).")


class BulkChange(BaseModel):
    ids: list[Id] = Field(min_length=1, max_length=actions.MAX_BULK)
    status: Status
    note: str | None = Field(None, max_length=10_000, pattern=NO_NUL)
    verdict: str | None = Field(None, max_length=2_000, pattern=NO_NUL)


def _version(if_match: str | None, body_version: int | None) -> int:
    if if_match is not None:
        m = re.fullmatch(r'\s*(?:W/)?"?(\d{1,12})"?\s*', if_match)
        if not m:
            raise HTTPException(400, f"If-Match must be the flag's version, e.g. \"3\" (got {if_match[:40]!r})")
        version = int(m.group(1))
        if body_version is not None and body_version != version:
            raise HTTPException(400, "If-Match and the body's version differ: send one of them")
        return version
    if body_version is None:
        raise HTTPException(428, "send the version of the flag you saw (If-Match header or `version` field), "
                                 "so a change made meanwhile is not overwritten")
    return body_version


@router.patch("/api/flags/{flag_id}", tags=["review"],
              responses={404: {}, 409: {"description": "stale version"}, 428: {"description": "no version"}})
def patch_flag(request: Request, response: Response, flag_id: FlagId, change: FlagChange,
               if_match: Annotated[str | None, Header(max_length=100)] = None,
               who: Caller = Depends(writer("review"))) -> dict:
    """Set a flag's status (with a note and a verdict) if it is still at the version you saw;
    a stale version gets 409. The reviewer is the token's name."""
    version = _version(if_match, change.version)
    try:
        out = actions.review_flag(engine(request), flag_id, version, change.status, change.note, change.verdict,
                                  who.name, writes(request))
    except actions.FlagNotFound as e:
        raise HTTPException(404, str(e)) from None
    except actions.StaleVersion as e:
        raise HTTPException(409, str(e), headers={"ETag": f'"{e.current}"'}) from None
    except ReviewError as e:
        raise HTTPException(422, str(e)) from None
    response.headers["ETag"] = f'"{out["version"]}"'
    return out


@router.post("/api/flags/bulk", tags=["review"])
def bulk_flags(request: Request, change: Annotated[BulkChange, Body()],
               who: Caller = Depends(writer("review"))) -> dict:
    """Set one status (and note) on many flags at once: `{"updated": [...], "missing": [ids]}`."""
    try:
        return actions.review_many(engine(request), change.ids, change.status, change.note, change.verdict,
                                   who.name, writes(request))
    except ReviewError as e:
        raise HTTPException(422, str(e)) from None
