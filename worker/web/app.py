"""The ASGI application behind `claimtrack serve` (FastAPI on uvicorn).

Every response carries a Content-Security-Policy: the desk loads its CSS and script
from this server only, and nothing inline runs, so even an escaping mistake could not
execute an article's markup. ``/docs`` serves Swagger UI 5 from the installed
``swagger-ui-py`` package (no CDN: the service may run without internet access).
"""
from __future__ import annotations

import importlib.util
import logging
import threading
from contextlib import asynccontextmanager
from importlib.metadata import version
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import HTTPException
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from worker import settings

log = logging.getLogger("claimtrack.web")
HERE = Path(__file__).parent

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
# Swagger UI sets element styles from its script
DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")

DESCRIPTION = """The JSON API of claimtrack: post articles, query claims, metrics and flags,
review flags with optimistic concurrency, and download the review exports.

Send `Authorization: Bearer TOKEN` (`claimtrack token create --name NAME --role read|ingest|review`).
Reads need any token (or none with `CLAIMTRACK_PUBLIC_READ=1`); posting articles needs the
`ingest` role, changing flags the `review` role. Errors are `{"detail": …}`."""


def security_headers(path: str) -> dict[bytes, bytes]:
    """The headers every response to ``path`` carries (unless it set its own)."""
    docs = path == "/docs" or path.startswith("/docs-assets/")
    out = {b"content-security-policy": (DOCS_CSP if docs else CSP).encode(), b"x-content-type-options": b"nosniff",
           b"referrer-policy": b"same-origin", b"x-frame-options": b"DENY"}
    if not path.startswith(("/static/", "/docs-assets/")):
        out[b"cache-control"] = b"no-store"
    return out


class SecurityHeaders:
    """Pure ASGI middleware: security headers on every HTTP response (streamed bodies untouched).

    A response to an unexpected exception is sent from outside every middleware
    (Starlette's ServerErrorMiddleware), so :func:`_unexpected` sets them itself."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                have = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in security_headers(scope["path"]).items() if k not in have]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


@asynccontextmanager
async def lifespan(app: FastAPI):
    from store.db import dispose_engines, engine_for, ensure_schema

    engine = engine_for(settings.database_url())
    ensure_schema(engine)
    app.state.engine = engine
    app.state.aliases = warm_up()
    app.state.sqlite_writes = threading.Lock()
    yield
    dispose_engines()


def warm_up():
    """Load the alias tables and everything extraction builds on first use (place indexes,
    gazetteers, patterns), so the first articles posted do not wait for it; returns the aliases."""
    from worker.aliases import load_aliases
    from worker.core.extract import extract
    from worker.core.types import ArticleIn

    aliases = load_aliases(settings.aliases_file())
    extract(ArticleIn(id="warm-up", text="At least 12 people were killed in Gaza City on Monday, the health "
                                         "ministry said, according to Reuters."), aliases)
    return aliases


def _http_error(request: Request, exc: StarletteHTTPException):
    if request.url.path.startswith("/desk"):
        if exc.status_code == 401:
            return RedirectResponse("/desk/login", status_code=303)
        from worker.web.pages import error_page

        return error_page(request, exc.status_code, str(exc.detail))
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def _store_unavailable(request: Request, exc: Exception):
    log.warning("store unavailable on %s %s: %s", request.method, request.url.path, exc)
    return JSONResponse({"detail": "the store is busy or unreachable: try again shortly"}, status_code=503,
                        headers={"Retry-After": "5"})


async def _unexpected(request: Request, exc: Exception):
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    headers = {k.decode(): v.decode() for k, v in security_headers(request.url.path).items()}
    return JSONResponse({"detail": "internal error: the server log has the details"}, status_code=500,
                        headers=headers)


def docs_page() -> HTMLResponse:
    return HTMLResponse("""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>claimtrack API</title>
<link rel="stylesheet" href="/docs-assets/swagger-ui.css">
<link rel="icon" href="/docs-assets/favicon-32x32.png"></head><body><div id="swagger-ui"></div>
<script src="/docs-assets/swagger-ui-bundle.js"></script><script src="/static/docs.js"></script></body></html>""")


def swagger_ui_files() -> Path:
    """Swagger UI's own files (swagger-ui-py's copy of swagger-ui-dist), found without
    importing the package (its import loads handlers for a dozen frameworks)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("Swagger UI's files are missing: pip install swagger-ui-py")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def create_app() -> FastAPI:
    """The application (uvicorn calls this: ``uvicorn --factory worker.web.app:create_app``)."""
    from worker.web import api, desk, exports, ingest

    app = FastAPI(title="claimtrack", version=version("claimtrack"), description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(OperationalError, _store_unavailable)
    app.add_exception_handler(Exception, _unexpected)
    for router in (api.router, ingest.router, exports.router, desk.router):
        app.include_router(router)
    app.add_api_route("/docs", docs_page, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_files()), name="docs-assets")
    return app
