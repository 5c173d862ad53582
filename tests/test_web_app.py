"""The application's wiring, in process: what no served request should ever reach."""
from __future__ import annotations

import asyncio

import httpx


def test_an_unexpected_error_is_a_500_with_the_security_headers_and_no_details(tmp_path, monkeypatch):
    from worker.web.app import CSP, create_app

    monkeypatch.setenv("CLAIMTRACK_DATABASE_URL", f"sqlite:///{tmp_path / 'claimtrack.db'}")
    app = create_app()

    @app.get("/api/boom")
    def boom():
        raise RuntimeError("secret detail")

    async def call():
        # the 500 is sent from outside every middleware (Starlette's ServerErrorMiddleware)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get("/api/boom")

    r = asyncio.run(call())
    assert r.status_code == 500
    assert r.json() == {"detail": "internal error: the server log has the details"}
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["cache-control"] == "no-store"
