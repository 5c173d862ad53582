"""``GET /api/exports/…``: the review exports of SPEC §6 over HTTP, with the export filters."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from store.db import session_scope
from worker.exports import load, tabular
from worker.exports.load import Filters
from worker.web.api import KindQ, Relation, RegionQ, SinceQ, SourceQ, Status
from worker.web.auth import Caller, engine, reader

router = APIRouter(prefix="/api/exports", tags=["exports"])

# the report is one self-contained page with inline CSS and no script
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'"


def filters(kind: KindQ = None, source: SourceQ = None, region: RegionQ = None, since: SinceQ = None,
            status: Annotated[list[Status] | None, Query(description="Only what is on a flag with this status.")] = None,
            relation: Annotated[list[Relation] | None, Query()] = None) -> Filters:
    return Filters(since=since, kind=kind, region=region, source=source, status=tuple(status or ()),
                   relation=tuple(relation or ()))


def claim_filters(kind: KindQ = None, source: SourceQ = None, region: RegionQ = None, since: SinceQ = None,
                  status: Annotated[list[Status] | None, Query(description="Only claims on a flag with this "
                                                                           "status.")] = None) -> Filters:
    """The claims exports' filters: those of `claimtrack export claims` (no relation)."""
    return filters(kind, source, region, since, status)


Fl = Annotated[Filters, Depends(filters)]
Fc = Annotated[Filters, Depends(claim_filters)]


def _load(request: Request, loader, f: Filters):
    with session_scope(engine(request)) as s:
        return loader(s, f)


def _file(text: str, media: str, name: str) -> Response:
    return Response(text, media_type=media, headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.get("/claims.csv", response_class=Response)
def claims_csv(request: Request, f: Fc, _who: Caller = Depends(reader)) -> Response:
    """Every claim (SPEC §2 fields), sorted, as CSV."""
    return _file(tabular.claims_csv(_load(request, load.claims, f)), "text/csv; charset=utf-8", "claims.csv")


@router.get("/claims.jsonl", response_class=Response)
def claims_jsonl(request: Request, f: Fc, _who: Caller = Depends(reader)) -> Response:
    """Every claim, sorted, one JSON object per line."""
    return _file(tabular.claims_jsonl(_load(request, load.claims, f)), "application/x-ndjson", "claims.jsonl")


@router.get("/links.csv", response_class=Response)
def links_csv(request: Request, f: Fl, _who: Caller = Depends(reader)) -> Response:
    """Every link with relation, reason, score, both sides and its flag's id and status, as CSV."""
    return _file(tabular.links_csv(_load(request, load.links, f)), "text/csv; charset=utf-8", "links.csv")


@router.get("/links.jsonl", response_class=Response)
def links_jsonl(request: Request, f: Fl, _who: Caller = Depends(reader)) -> Response:
    """Every link (SPEC §5), one JSON object per line."""
    return _file(tabular.links_jsonl(_load(request, load.links, f)), "application/x-ndjson", "links.jsonl")


@router.get("/claimreview.json", response_class=Response)
def claimreview(request: Request, f: Fl, _who: Caller = Depends(reader)) -> Response:
    """schema.org ClaimReview JSON-LD, one per reviewed (confirmed or dismissed) flag."""
    from worker.exports.claimreview import claim_reviews
    from worker.settings import org_name, org_url, review_url_template

    docs = claim_reviews(_load(request, load.reviewed_flags, f), {"name": org_name(), "url": org_url()},
                         review_url_template())
    return _file(json.dumps(docs, ensure_ascii=False, indent=2) + "\n", "application/ld+json", "claimreview.json")


@router.get("/report.html", response_class=Response)
def report(request: Request, f: Fl, _who: Caller = Depends(reader)) -> Response:
    """The HTML report: per metric a timeline chart, the flags and their evidence."""
    from worker.exports.report import report_html

    html = report_html(_load(request, load.report_data, f), now=datetime.now(timezone.utc))
    resp = _file(html, "text/html; charset=utf-8", "report.html")
    resp.headers["Content-Security-Policy"] = REPORT_CSP
    return resp


