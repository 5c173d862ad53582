"""What every ``claimtrack`` command module shares: the store, the alias tables, dates,
consoles. Command modules import this one, never each other."""
from __future__ import annotations

from datetime import date

import click

from worker import settings


def engine():
    """The store at CLAIMTRACK_DATABASE_URL, its schema created or upgraded."""
    from store.db import engine_for, ensure_schema

    eng = engine_for(settings.database_url())
    ensure_schema(eng)
    return eng


def aliases():
    """The shipped alias tables, extended by CLAIMTRACK_ALIASES."""
    from worker.aliases import load_aliases

    return load_aliases(settings.aliases_file())


def since_date(value: str | None) -> date | None:
    """A ``--since`` option's ISO date, or a usage error that says the format."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


def console(stderr: bool = False):
    """A rich console on stdout (or stderr) that leaves text as it is (no highlighting, no wrapping)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)
