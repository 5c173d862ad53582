"""``claimtrack ingest`` and ``claimtrack extract``: articles streamed from files.

Both read their inputs one article at a time (``worker.inputs.InputStream``); ingest
stores them in transactions of CLAIMTRACK_BATCH_SIZE articles as they come, so memory
stays flat whatever the size of the corpus. Bad input is named with its reason as soon
as it is met, recorded, and never stops the rest.
"""
from __future__ import annotations

import json
import signal
import sys
import time
from collections import Counter
from contextlib import contextmanager

import click

from worker import settings
from worker.articles import printable
from worker.cli_common import aliases as load_aliases
from worker.cli_common import console
from worker.cli_common import engine as open_engine
from worker.core.types import RELATIONS

INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl-C


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


def short(article_id: str, limit: int = 60) -> str:
    """An article id as printed beside its origin: a 5,000-character id is cut."""
    return article_id if len(article_id) <= limit else article_id[:limit - 1] + "…"


def say_rejected(err, origin: str, reason: str, word: str = "rejected", style: str = "red") -> None:
    """``rejected <origin>: <reason>`` on stderr; names and reasons are never read as markup."""
    from rich.text import Text

    err.print(Text.assemble((word, style), f" {printable(origin)}: {printable(reason)}"))


class StopAfterBatch:
    """Ctrl-C once: the command finishes the batch it is filling, stores it and stops.
    Ctrl-C twice: it stops at once (the open transaction is rolled back)."""

    def __init__(self) -> None:
        self.requested = False
        self._previous = None

    def _handle(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self) -> StopAfterBatch:
        try:
            self._previous = signal.signal(signal.SIGINT, self._handle)
        except ValueError:  # not the main thread (an embedding program): Ctrl-C keeps its default
            self._previous = None
        return self

    def __exit__(self, *exc) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


@contextmanager
def progress_bar(err, stream, enabled: bool):
    """A live bar on stderr: articles, MB read of the total, articles per second, ETA.

    Yields ``update(articles)``; the MB come from ``stream.bytes_done``.
    """
    from rich.progress import (
        BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
    )

    started = time.monotonic()
    with Progress(TextColumn("ingesting"), BarColumn(), TextColumn("{task.fields[articles]:,} articles"),
                  DownloadColumn(), TextColumn("{task.fields[rate]:,.0f} articles/s"), TimeElapsedColumn(),
                  TextColumn("ETA"), TimeRemainingColumn(), console=err, transient=True,
                  disable=not enabled) as bar:
        task = bar.add_task("ingesting", total=stream.total_bytes() if enabled else None, articles=0, rate=0.0)

        def update(articles: int) -> None:
            rate = articles / max(time.monotonic() - started, 1e-6)
            bar.update(task, completed=stream.bytes_done, articles=articles, rate=rate)

        yield update


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--queue", is_flag=True, help="Enqueue on the Celery broker instead of running in-process.")
@click.option("--quiet", "-q", is_flag=True, help="Only the summary and what was rejected.")
def ingest(paths: tuple[str, ...], queue: bool, quiet: bool) -> None:
    """Store the articles under PATHS with their claims and links.

    Reads .json, .jsonl, .txt, .html and RSS/Atom files and directories of them, one
    article at a time, and stores them in transactions of CLAIMTRACK_BATCH_SIZE articles
    as they come (an article that fails is tried again alone, so the others are stored);
    articles already stored are skipped. Each rejected input is named with its reason
    as it is met; the exit status is 1 when any was. Ctrl-C stops after the current
    batch: run the same command again to continue.

    \b
    Example:
        claimtrack ingest seeds/
        claimtrack ingest feed.xml page.html archive.jsonl
    """
    err = console(stderr=True)
    if queue:
        _enqueue(paths, err)
        return
    from worker.inputs import InputStream, Parsed
    from worker.pipeline import Config, ingest_many, record_rejection

    engine, aliases, cfg = open_engine(), load_aliases(), Config.from_env()
    stream = InputStream(paths, settings.max_article_bytes())
    size = settings.batch_size()
    stats: Counter = Counter()
    links: Counter = Counter()
    batch: list[Parsed] = []
    started = time.monotonic()

    def store() -> None:
        outs = ingest_many(engine, [i.article for i in batch], aliases, cfg, [i.origin for i in batch])
        for item, out in zip(batch, outs):
            stats[out.status] += 1
            stats["claims"] += out.claims if out.status == "stored" else 0
            links.update(net_links(out.links))
            if out.status in ("rejected", "failed"):
                say_rejected(err, f"{item.origin} ({short(out.article)})", out.reason or "", out.status)
        batch.clear()

    with StopAfterBatch() as stop, progress_bar(err, stream, not quiet and err.is_terminal) as update:
        for item in stream:
            stats["read"] += 1
            if isinstance(item, Parsed):
                for w in item.warnings:
                    where, _, what = w.partition(": ")
                    say_rejected(err, where, what, "warning", "yellow")
                batch.append(item)
                if len(batch) >= size:
                    store()
            else:
                record_rejection(engine, item.origin, item.article, item.reason, payload=item.payload)
                stats["rejected"] += 1
                say_rejected(err, item.origin + (f" ({short(item.article)})" if item.article else ""), item.reason)
            update(stats["read"])
            if stop.requested:
                break
        if batch:
            store()
    seconds = time.monotonic() - started
    err.print(f"read {stream.bytes_done / 1e6:,.1f} MB, {stats['read']:,} inputs in {seconds:,.1f} s "
              f"({stats['read'] / max(seconds, 1e-6):,.0f} per second)")
    if stop.requested:
        err.print("[yellow]interrupted[/]: the articles above are stored. Run the same command again to "
                  "continue; articles already stored are skipped.")
    console().print(f"articles stored {stats['stored']}, already known {stats['known']}, "
                    f"rejected {stats['rejected'] + stats['failed']}; claims {stats['claims']}; "
                    "links " + (", ".join(f"{r} {links[r]}" for r in RELATIONS if links[r]) or "none"))
    if stop.requested:
        sys.exit(INTERRUPTED)
    sys.exit(1 if stats["rejected"] or stats["failed"] else 0)


def _enqueue(paths: tuple[str, ...], err) -> None:
    from worker.queueing import enqueue_paths

    def on_reject(origin: str, article: str | None, reason: str) -> None:
        say_rejected(err, origin + (f" ({short(article)})" if article else ""), reason)

    summary = enqueue_paths(paths, on_reject=on_reject)
    console().print(f"enqueued {summary['enqueued']} articles; rejected {summary['rejected']}")
    sys.exit(1 if summary["rejected"] else 0)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="table", show_default=True)
def extract(paths: tuple[str, ...], fmt: str) -> None:
    """Print the claims found in PATHS; store nothing.

    With --format jsonl, one line per claim is written as each article is read, so any
    size of input streams through. Exits with status 1 when any input was rejected.

    \b
    Example:
        claimtrack extract --format jsonl seeds/gaza-toll-2023-12-24.json
    """
    from worker.core.extract import extract as run_extract
    from worker.inputs import Parsed, read_inputs

    aliases = load_aliases()
    err = None  # the stderr console (rich) is made when a first input is rejected
    encode = json.JSONEncoder(ensure_ascii=False).encode  # what json.dumps(..., ensure_ascii=False) makes
    rows, bad = [], 0
    for item in read_inputs(paths, settings.max_article_bytes()):
        if not isinstance(item, Parsed):
            err = err or console(stderr=True)
            say_rejected(err, item.origin, item.reason)
            bad += 1
            continue
        try:
            claims = run_extract(item.article, aliases)
        except Exception as e:  # noqa: BLE001 - named with its reason; the other articles go on
            err = err or console(stderr=True)
            say_rejected(err, f"{item.origin} ({item.article.id})", f"extraction failed: {type(e).__name__}: {e}",
                         "failed")
            bad += 1
            continue
        if fmt == "jsonl":
            if claims:  # one write (and flush) per article, not per claim
                click.echo("\n".join(encode(c.to_json()) for c in claims))
        else:
            rows.extend(claims)
    if fmt == "table":
        from rich.table import Table
        from rich.text import Text

        table = Table("article", "kind", "value", "qualifier", "scope", "subject", "location", "source", "as_of", "quote")
        for c in rows:
            table.add_row(*(Text(str(v)) for v in (
                c.article, c.kind, f"{c.value:,}", c.qualifier, c.scope, c.subject or "", c.location or "",
                c.source_canonical or "", c.as_of or "", c.quote)))
        console().print(table)
    sys.exit(1 if bad else 0)


def register(cli: click.Group) -> None:
    """Add this module's commands to ``cli``."""
    cli.add_command(ingest)
    cli.add_command(extract)
