"""``claimtrack serve`` and ``claimtrack token …``: the HTTP API and review desk, and its tokens."""
from __future__ import annotations

import json

import click

from store.tokens import ROLES


def _engine():
    from worker.cli_common import engine

    return engine()


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (0.0.0.0: every one).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes (each one serves requests on its own).")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
def serve(host: str, port: int, workers: int, log_level: str) -> None:
    """Serve the JSON API (/api, /docs) and the review desk (/desk) with uvicorn.

    Uses CLAIMTRACK_DATABASE_URL and, when set, CLAIMTRACK_BROKER_URL (posted articles
    are then enqueued for the workers). Behind a TLS proxy, the proxy's
    X-Forwarded-Proto makes the desk's cookie Secure (trusted from 127.0.0.1 by default;
    FORWARDED_ALLOW_IPS widens that).

    \b
    Example:
        claimtrack token create --name ana --role review
        claimtrack serve --host 0.0.0.0 --port 8000
    """
    import uvicorn

    _engine()  # migrate before the first request, and fail here if the store is unreachable
    uvicorn.run("worker.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, proxy_headers=True, server_header=False)


@click.group()
def token() -> None:
    """Create, list and revoke the tokens of the HTTP API and the review desk.

    Roles: read (queries and exports), ingest (also POST /api/articles), review (also
    changes flags). A token's name is the reviewer's name on every change made with it.

    \b
    Example:
        claimtrack token create --name ana --role review
        claimtrack token list
        claimtrack token revoke ana
    """


@token.command("create")
@click.option("--name", required=True, help="Who uses it: the reviewer's name, or the system's.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What it may do besides reading.")
def token_create(name: str, role: str) -> None:
    """Create a token and print it, once: only its hash is stored.

    \b
    Example:
        claimtrack token create --name newsroom-cms --role ingest
    """
    from store.db import session_scope
    from store.tokens import TokenError, create_token
    from worker.review import SYSTEM

    try:
        with session_scope(_engine()) as s:
            _row, secret = create_token(s, name, role, reserved=(SYSTEM,))
    except TokenError as e:
        raise click.ClickException(str(e)) from None
    click.echo(secret)
    click.echo(f"token for {name!r} ({role}); it is shown only now: keep it somewhere safe", err=True)


@token.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include revoked tokens.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def token_list(show_all: bool, fmt: str) -> None:
    """List tokens: name, role, prefix, when created and last used (never the secret).

    \b
    Example:
        claimtrack token list --all
    """
    from rich.table import Table
    from rich.text import Text

    from store.db import session_scope
    from store.tokens import tokens
    from worker.review import iso

    with session_scope(_engine()) as s:
        rows = [{"name": t.name, "role": t.role, "prefix": t.prefix, "created_at": iso(t.created_at),
                 "last_used_at": iso(t.last_used_at), "revoked_at": iso(t.revoked_at)}
                for t in tokens(s, include_revoked=show_all)]
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    table = Table("name", "role", "prefix", "created", "last used", "revoked")
    for r in rows:
        table.add_row(*(Text(r[k] or "") for k in ("name", "role", "prefix", "created_at", "last_used_at",
                                                     "revoked_at")))
    _console().print(table)


@token.command("revoke")
@click.argument("name")
def token_revoke(name: str) -> None:
    """Revoke the token NAME: its API calls and desk sessions stop at once.

    \b
    Example:
        claimtrack token revoke ana
    """
    from store.db import session_scope
    from store.tokens import TokenError, revoke_token

    try:
        with session_scope(_engine()) as s:
            revoke_token(s, name)
    except TokenError as e:
        raise click.ClickException(str(e)) from None
    _console().print(f"revoked the token {name!r}", markup=False)


def register(cli: click.Group) -> None:
    """Add ``serve`` and ``token`` to ``cli``."""
    cli.add_command(serve)
    cli.add_command(token)
