"""The ``claimtrack`` command line (SPEC §5). Commands are thin: they call the pipeline."""
from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import date

import click
from rich.console import Console
from rich.table import Table

from worker import settings

RELATIONS = ("agrees", "repeats", "updates", "revises_down", "contradicts")
KINDS = ("killed", "injured", "displaced", "missing", "hostages", "detained", "food_insecure", "population")


def _engine():
    from store.db import engine_for, ensure_schema

    engine = engine_for(settings.database_url())
    ensure_schema(engine)
    return engine


def _aliases():
    from worker.aliases import load_aliases

    return load_aliases(settings.aliases_file())


def _since(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


def _out() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="claimtrack")
def cli() -> None:
    """claimtrack: attributed head counts in the news, linked across sources.

    \b
    Example:
        claimtrack ingest seeds/ && claimtrack flags
    """


def net_links(changes: Counter) -> Counter:
    """Links by relation after an article: added, minus removed (``-r``), with re-labelled
    ones (``~old>new``) moved; a late article can replace a link it slots into."""
    net: Counter = Counter()
    for key, n in changes.items():
        if key.startswith("-"):
            net[key[1:]] -= n
        elif key.startswith("~"):
            old, new = key[1:].split(">", 1)
            net[old] -= n
            net[new] += n
        else:
            net[key] += n
    return net


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--queue", is_flag=True, help="Enqueue on the Celery broker instead of running in-process.")
@click.option("--quiet", "-q", is_flag=True, help="Only the summary.")
def ingest(paths: tuple[str, ...], queue: bool, quiet: bool) -> None:
    """Store the articles under PATHS with their claims and links.

    Reads .json, .jsonl, .txt, .html and RSS/Atom files and directories of them; stores
    them in transactions of CLAIMTRACK_BATCH_SIZE articles (an article that fails is
    tried again alone, so the others are stored); articles already stored are skipped. Exits with status 1
    when any input was rejected (each is listed with its reason).

    \b
    Example:
        claimtrack ingest seeds/
        claimtrack ingest feed.xml page.html more.jsonl
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from worker.inputs import Parsed, read_inputs
    from worker.pipeline import Config, ingest_many, record_rejection

    if queue:
        from worker.queueing import enqueue_paths

        summary = enqueue_paths(paths)
        _out().print(f"enqueued {summary['enqueued']} articles; rejected {len(summary['rejected'])}")
        for origin, reason in summary["rejected"]:
            _err().print(f"[red]rejected[/] {origin}: {reason}")
        sys.exit(1 if summary["rejected"] else 0)

    engine, aliases, cfg = _engine(), _aliases(), Config.from_env()
    max_bytes = settings.max_article_bytes()
    items = list(read_inputs(paths, max_bytes))
    err = _err()
    stats: Counter = Counter()
    links: Counter = Counter()
    problems: list[tuple[str, str]] = []
    batch: list[Parsed] = []

    def store(progress, task) -> None:
        outs = ingest_many(engine, [i.article for i in batch], aliases, cfg, [i.origin for i in batch])
        for item, out in zip(batch, outs):
            stats[out.status] += 1
            stats["claims"] += out.claims if out.status == "stored" else 0
            links.update(net_links(out.links))
            if out.status in ("rejected", "failed"):
                problems.append((f"{item.origin} ({out.article})", out.reason or ""))
        progress.advance(task, len(batch))
        batch.clear()

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err,
                  transient=True, disable=quiet or len(items) < 20 or not err.is_terminal) as progress:
        task = progress.add_task("ingesting", total=len(items))
        for item in items:
            if isinstance(item, Parsed):
                for w in item.warnings:
                    err.print(f"[yellow]warning[/] {w}")
                batch.append(item)
                if len(batch) >= settings.batch_size():
                    store(progress, task)
            else:
                record_rejection(engine, item.origin, item.article, item.reason, payload=item.payload)
                stats["rejected"] += 1
                problems.append((item.origin + (f" ({item.article})" if item.article else ""), item.reason))
                progress.advance(task)
        if batch:
            store(progress, task)
    for origin, reason in problems:
        err.print(f"[red]rejected[/] {origin}: {reason}")
    out = _out()
    out.print(f"articles stored {stats['stored']}, already known {stats['known']}, "
              f"rejected {stats['rejected'] + stats['failed']}; claims {stats['claims']}; "
              "links " + (", ".join(f"{r} {links[r]}" for r in RELATIONS if links[r]) or "none"))
    sys.exit(1 if problems else 0)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="table", show_default=True)
def extract(paths: tuple[str, ...], fmt: str) -> None:
    """Print the claims found in PATHS; store nothing.

    \b
    Example:
        claimtrack extract --format jsonl seeds/g01-gaza-toll.json
    """
    from worker.core.extract import extract as run_extract
    from worker.inputs import Parsed, read_inputs

    aliases = _aliases()
    out, err = _out(), _err()
    rows, bad = [], 0
    for item in read_inputs(paths, settings.max_article_bytes()):
        if not isinstance(item, Parsed):
            err.print(f"[red]rejected[/] {item.origin}: {item.reason}")
            bad += 1
            continue
        for c in run_extract(item.article, aliases):
            if fmt == "jsonl":
                click.echo(json.dumps(c.to_json(), ensure_ascii=False))
            else:
                rows.append(c)
    if fmt == "table":
        table = Table("article", "kind", "value", "qualifier", "scope", "subject", "location", "source", "as_of", "quote")
        for c in rows:
            table.add_row(c.article, c.kind, f"{c.value:,}", c.qualifier, c.scope, c.subject or "",
                          c.location or "", c.source_canonical or "", str(c.as_of or ""), c.quote)
        out.print(table)
    sys.exit(1 if bad else 0)


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
    """Per metric, each originator's latest figure and its history.

    \b
    Example:
        claimtrack metrics --kind killed --region gaza
    """
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
            hist = " → ".join(f"{p['value']:,}" for p in o["history"])
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


def _register_commands() -> None:
    # queue and review commands live in their own modules (one concern per module)
    from worker import cli_queue, cli_review

    cli_queue.register(cli)
    cli_review.register(cli)


_register_commands()


def main() -> None:
    cli(prog_name="claimtrack")


if __name__ == "__main__":
    main()
