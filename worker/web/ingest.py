"""``POST /api/articles``: newsroom systems push articles (SPEC §1) over HTTP.

With a broker the valid articles are enqueued (202, with the task ids); embedded they are
stored at once (201, with each article's outcome). Bad articles come back with their
reasons (and are recorded), the good ones are taken all the same; a body larger than
``CLAIMTRACK_MAX_ARTICLE_BYTES`` is refused with 413 before it is read to the end.
"""
from __future__ import annotations

import json

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from worker import settings
from worker.inputs import BadArticle, article_from_payload
from worker.web.auth import Caller, engine, writer, writes

router = APIRouter()

MAX_ARTICLES = 500

ARTICLE_SCHEMA = {
    "type": "object", "required": ["text"],
    "properties": {"id": {"type": "string", "maxLength": 255}, "url": {"type": "string", "maxLength": 2048},
                   "outlet": {"type": "string", "maxLength": 255}, "published": {"type": "string", "format": "date"},
                   "title": {"type": "string"}, "text": {"type": "string", "minLength": 1}},
}
BODY = {"required": True, "content": {"application/json": {"schema": {"oneOf": [
    ARTICLE_SCHEMA, {"type": "array", "items": ARTICLE_SCHEMA, "minItems": 1, "maxItems": MAX_ARTICLES}]}}}}


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the body is {int(declared):,} bytes; the limit is {limit:,} "
                                 "(CLAIMTRACK_MAX_ARTICLE_BYTES): send fewer or smaller articles per request")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the body passes {limit:,} bytes (CLAIMTRACK_MAX_ARTICLE_BYTES): "
                                     "send fewer or smaller articles per request")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_articles(body: bytes) -> list:
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise HTTPException(400, f"the body is not UTF-8 (byte {e.start})") from None
    except json.JSONDecodeError as e:
        raise HTTPException(400, f"malformed JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    items = data if isinstance(data, list) else [data]
    if not items:
        raise HTTPException(422, "an empty list: send one article or a list of them")
    if len(items) > MAX_ARTICLES:
        raise HTTPException(422, f"{len(items)} articles in one request: send at most {MAX_ARTICLES}")
    return items


def _take(request: Request, items: list, who: Caller) -> JSONResponse:
    from worker.pipeline import record_rejection

    eng = engine(request)
    origin = f"api:{who.name}"
    max_bytes = settings.max_article_bytes()
    arts, rejected = [], []
    for i, payload in enumerate(items):
        try:
            if isinstance(payload, dict) and any(isinstance(v, str) and "\x00" in v for v in payload.values()):
                raise BadArticle("a field holds NUL characters: binary data, not text")
            arts.append((i, article_from_payload(payload, max_bytes=max_bytes)))
        except BadArticle as e:
            art_id = payload.get("id") if isinstance(payload, dict) else None
            art_id = str(art_id)[:255] if art_id not in (None, "") else None
            record_rejection(eng, f"{origin}[{i}]", art_id and art_id.replace("\x00", ""), str(e),
                             payload=_printable(payload) if isinstance(payload, dict) else None)
            rejected.append({"index": i, "article": art_id, "status": "rejected", "reason": str(e)})
    if not arts:
        raise HTTPException(422, rejected)
    if settings.broker_url():
        return JSONResponse(_enqueue(arts, origin) | {"rejected": rejected}, status_code=202)
    return JSONResponse(_store(request, arts, origin) | {"rejected": rejected}, status_code=201)


def _printable(value):
    """``value`` as recorded: NUL characters dropped (PostgreSQL text cannot hold them)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_printable(k): _printable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable(v) for v in value]
    return value


def _enqueue(arts: list, origin: str) -> dict:
    from worker.pipeline import article_payload
    from worker.queueing import QueueError, batches, connection, send_batch

    tasks = []
    try:
        with connection() as conn:
            for payloads, origins in batches((article_payload(a), f"{origin}[{i}]") for i, a in arts):
                tasks.append({"id": send_batch(conn, payloads, origins), "articles": [p["id"] for p in payloads]})
    except QueueError as e:
        raise HTTPException(503, str(e)) from None
    return {"enqueued": len(arts), "tasks": tasks}


def _store(request: Request, arts: list, origin: str) -> dict:
    from worker.pipeline import Config, ingest_many

    state = request.app.state  # aliases loaded once, at start-up (worker.web.app.warm_up)
    cfg, size, out = Config.from_env(), settings.batch_size(), []
    eng = engine(request)
    # SQLite has one writer: requests queue here instead of polling its lock (a transaction
    # that read before another's commit could not write at all); PostgreSQL runs them
    # side by side, serialised only where they touch the same metrics
    lock = writes(request)
    for k in range(0, len(arts), size):
        part = arts[k:k + size]
        with lock:
            outcomes = ingest_many(eng, [a for _, a in part], state.aliases, cfg, [f"{origin}[{i}]" for i, _ in part])
        for (i, _), o in zip(part, outcomes):
            row = {"index": i, "article": o.article, "status": o.status}
            if o.reason:
                row["reason"] = o.reason
            if o.status == "stored":
                row["claims"] = o.claims
                row["links"] = {r: n for r, n in sorted(o.links.items()) if not r.startswith(("-", "~"))}
            out.append(row)
    return {"articles": out}


@router.post("/api/articles", tags=["ingest"], status_code=201, openapi_extra={"requestBody": BODY},
             responses={202: {"description": "enqueued (with a broker): the task ids"},
                        413: {"description": "body over CLAIMTRACK_MAX_ARTICLE_BYTES"},
                        422: {"description": "no article could be taken: each one's reason"}})
async def post_articles(request: Request, who: Caller = Depends(writer("ingest"))) -> JSONResponse:
    """Take one article (SPEC §1) or a list of at most 500."""
    items = parse_articles(await read_body(request, settings.max_article_bytes()))
    return await run_in_threadpool(_take, request, items, who)
