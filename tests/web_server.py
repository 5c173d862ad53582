"""A real `claimtrack serve` process for the web tests (and bench/bench_api.py).

The server runs as a subprocess on a free loopback port against a real SQLite file or
PostgreSQL database; tokens are made through the store, the way `claimtrack token
create` makes them.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_tokens(db_url: str, **roles: str) -> dict[str, str]:
    """``make_tokens(url, ana="review")`` → ``{"ana": "ct_…"}`` (created in the store)."""
    from store.db import make_engine, session_scope, upgrade
    from store.tokens import create_token

    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with session_scope(engine) as s:
            return {name: create_token(s, name, role)[1] for name, role in roles.items()}
    finally:
        engine.dispose()


@dataclass
class Server:
    """``claimtrack serve`` on 127.0.0.1; ``stop()`` ends it (SIGTERM, then SIGKILL)."""

    db_url: str
    log_path: Path
    env: dict = field(default_factory=dict)
    port: int = 0

    def start(self, timeout: float = 40) -> Server:
        self.port = self.port or free_port()
        env = {**os.environ, "CLAIMTRACK_DATABASE_URL": self.db_url, **self.env}
        for key in ("CLAIMTRACK_BROKER_URL", "CLAIMTRACK_PUBLIC_READ"):
            if key not in self.env:
                env.pop(key, None)
        self.log = open(self.log_path, "ab")
        cmd = [str(Path(sys.executable).with_name("claimtrack")), "serve", "--port", str(self.port),
               "--log-level", "warning"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"claimtrack serve exited:\n{self.text()[-3000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code in (200, 503):
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"claimtrack serve did not answer in {timeout:.0f}s:\n{self.text()[-3000:]}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def client(self, token: str | None = None, headers: dict | None = None, **kw) -> httpx.Client:
        headers = {**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60, **kw)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()


def desk_login(client: httpx.Client, token: str) -> httpx.Response:
    """Sign in to the desk the way the browser's form does (CSRF cookie and field)."""
    import re

    page = client.get("/desk/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return client.post("/desk/login", data={"token": token, "csrf": csrf})


def csrf_of(html: str) -> str:
    import re

    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)
