"""The ``claimtrack`` command line (SPEC §5). Commands are thin: they call the pipeline."""
from __future__ import annotations

import importlib
import json
from collections import Counter
from collections.abc import Iterator, MutableMapping

import click

from worker import settings
from worker.cli_common import aliases, console, engine, since_date

RELATIONS = ("agrees", "repeats", "updates", "revises_down", "contradicts")
KINDS = ("killed", "injured", "displaced", "missing", "hostages", "detained", "food_insecure", "population")

# the names the commands below (and modules of other branches) use
_engine, _aliases, _since = engine, aliases, since_date


def _out():
    return console()


def _err():
    return console(stderr=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="claimtrack")
def cli() -> None:
    """claimtrack: attributed head counts in the news, linked across sources.

    \b
    Example:
        claimtrack ingest seeds/ && claimtrack flags
    """


@cli.command()
@click.option("--kind", type=click.Choice(KINDS))
@click.option("--source", help="Part of a source or originator name.")
@click.option("--region", help="Part of a region name.")
@click.option("--since", help="Only claims as of this ISO date or later.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def claims(kind, source, region, since, fmt) -> None:
    """List stored claims.

    \b
    Example:
        claimtrack claims --kind killed --source "health ministry" --format jsonl
    """
    from rich.table import Table

    from store.db import session_scope
    from store.repository import claims_query
    from worker.views import claim_json

    with session_scope(_engine()) as session:
        rows = [claim_json(c) for c in session.scalars(claims_query(kind, source, _since(since), region)).unique()]
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    table = Table("article", "kind", "value", "qualifier", "scope", "subject", "region", "originator", "as_of", "quote")
    for r in rows:
        table.add_row(r["article"], r["kind"], f"{r['value']:,}", r["qualifier"], r["scope"], r["subject"] or "",
                      r["region"] or "", r["originator"], r["as_of"] or "", r["quote"])
    _out().print(table)


@cli.command()
@click.option("--relation", "relations", multiple=True, type=click.Choice(RELATIONS),
              help="Only these relations (repeatable). Default: every relation but repeats.")
@click.option("--kind", type=click.Choice(KINDS))
@click.option("--source", help="Part of an originator name on either side.")
@click.option("--since", help="Only links whose newer claim is as of this ISO date or later.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def flags(relations, kind, source, since, fmt) -> None:
    """Show what claimtrack flags: agreements, updates, downward revisions, contradictions.

    \b
    Example:
        claimtrack flags --relation contradicts --relation revises_down
    """
    from rich.table import Table

    from store.db import session_scope
    from store.repository import links_query
    from worker.views import link_json

    rels = relations or tuple(r for r in RELATIONS if r != "repeats")
    with session_scope(_engine()) as session:
        rows = [link_json(link) for link in session.scalars(links_query(rels, kind, _since(since), source)).unique()]
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    colour = {"agrees": "green", "repeats": "dim", "updates": "cyan", "revises_down": "yellow", "contradicts": "red"}
    table = Table("relation", "kind", "reason", "articles (newer ← earlier)")
    for r in rows:
        table.add_row(f"[{colour[r['relation']]}]{r['relation']}[/]", r["a"]["kind"], r["reason"],
                      f"{r['a']['article']} ← {r['b']['article']}")
    out = _out()
    out.print(table)
    counts = Counter(r["relation"] for r in rows)
    out.print("  ".join(f"{k} {counts[k]}" for k in RELATIONS if counts[k]) or "no links")


@cli.command()
@click.option("--kind", type=click.Choice(KINDS))
@click.option("--region", help="Part of a region name.")
@click.option("--since", help="Only figures as of this ISO date or later.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def metrics(kind, region, since, fmt) -> None:
    """Per metric, each originator's chain of observations: every figure it stated, in
    order, with how many articles carried it (sub-counts and other events left out).

    \b
    Example:
        claimtrack metrics --kind killed --region gaza
    """
    from rich.table import Table

    from store.db import session_scope
    from store.repository import metric_claims
    from worker.views import metric_summaries

    with session_scope(_engine()) as session:
        rows = metric_summaries(list(session.scalars(metric_claims(kind, region, _since(since))).unique()))
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    table = Table("metric", "originator", "latest", "as_of", "history")
    for r in rows:
        first = True
        for o in r["originators"]:
            hist = " → ".join(f"{p['figure']} ({p['as_of'] or 'undated'}, {p['articles']} art.)" for p in o["history"])
            table.add_row(r["metric"] if first else "", o["originator"], f"{o['latest']['value']:,}",
                          o["latest"]["as_of"] or "", hist)
            first = False
    _out().print(table)


@cli.group()
def db() -> None:
    """Database schema commands.

    \b
    Example:
        CLAIMTRACK_DATABASE_URL=postgresql://localhost/claimtrack claimtrack db upgrade
    """


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply the Alembic migrations up to REVISION (default: head).

    \b
    Example:
        claimtrack db upgrade
    """
    from store.db import upgrade

    url = settings.database_url()
    upgrade(url, revision)
    _out().print(f"database at {url.split('@')[-1]} is at {revision}")


# ingest, queue, review and web commands live in their own modules (one concern per module),
# imported only when a command of theirs is run or listed: `claimtrack extract` never loads
# the store, the broker or the web stack (start-up time, issue 10)
_COMMAND_MODULES = {
    "ingest": "worker.cli_ingest", "extract": "worker.cli_ingest",
    "worker": "worker.cli_queue", "beat": "worker.cli_queue", "rechecks": "worker.cli_queue",
    "failed": "worker.cli_queue",
    "review": "worker.cli_review", "export": "worker.cli_review",
    "serve": "worker.cli_web", "token": "worker.cli_web",
}


class _LazyCommands(MutableMapping):
    """``cli.commands``, filled as it is read: a name loads the module that registers it (its
    ``register(cli)``); listing or an unknown name loads them all."""

    def __init__(self, group: click.Group, modules: dict[str, str]) -> None:
        self._group, self._modules = group, dict(modules)
        self._loaded: dict[str, click.Command] = dict(group.commands)
        self._done: set[str] = set()

    def _load(self, module: str) -> None:
        if module not in self._done:
            self._done.add(module)
            importlib.import_module(module).register(self._group)

    def _load_all(self) -> None:
        for module in dict.fromkeys(self._modules.values()):
            self._load(module)

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            if name in self._modules:
                self._load(self._modules[name])
            if name not in self._loaded:
                self._load_all()
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaded[name]

    def pop(self, name: str, *default):
        """Remove a registered command (loads nothing)."""
        return self._loaded.pop(name, *default)

    def __iter__(self) -> Iterator[str]:
        self._load_all()
        return iter(dict(self._loaded))

    def __len__(self) -> int:
        self._load_all()
        return len(self._loaded)


cli.commands = _LazyCommands(cli, _COMMAND_MODULES)


def main() -> None:
    cli(prog_name="claimtrack")


if __name__ == "__main__":
    main()
