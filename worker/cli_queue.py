"""Queue commands: ``claimtrack worker``, ``beat``, ``rechecks``, ``failed`` and ``queue``
(docs/queue.md)."""
from __future__ import annotations

import json

import click

from worker import settings
from worker.cli_common import console as _console
from worker.cli_common import engine as _engine




@click.command()
@click.option("--concurrency", "-c", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: CLAIMTRACK_CONCURRENCY, 2).")
@click.option("--loglevel", "-l", default="INFO", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
@click.option("--hostname", "-n", default=None, help="Node name (default: celery@<host>).")
def worker(concurrency: int | None, loglevel: str, hostname: str | None) -> None:
    """Run a Celery worker that stores what `ingest --queue` enqueues.

    Needs CLAIMTRACK_BROKER_URL (Redis) and CLAIMTRACK_DATABASE_URL (PostgreSQL in
    production). Several workers, each with several processes, may run at once:
    the pipeline locks the metrics an article touches (see docs/queue.md).

    \b
    Example:
        CLAIMTRACK_BROKER_URL=redis://localhost:6379/0 \\
        CLAIMTRACK_DATABASE_URL=postgresql://claimtrack@localhost/claimtrack claimtrack worker -c 4
    """
    from worker.celery_app import app
    from worker.queueing import broker_or_fail

    broker_or_fail()
    argv = ["worker", f"--loglevel={loglevel.upper()}",
            f"--concurrency={concurrency or settings.worker_concurrency()}"]
    if hostname:
        argv.append(f"--hostname={hostname}")
    app.worker_main(argv)


@click.command()
@click.option("--loglevel", "-l", default="INFO", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
@click.option("--schedule-file", "-s", default="celerybeat-schedule", show_default=True,
              type=click.Path(dir_okay=False), help="Where beat keeps the time of the last runs.")
def beat(loglevel: str, schedule_file: str) -> None:
    """Run Celery beat: a re-check every CLAIMTRACK_RECHECK_INTERVAL seconds, and a search
    for lost batch messages every CLAIMTRACK_RESEND_INTERVAL (see `claimtrack queue resend`).

    Each re-check re-links the claims of the last CLAIMTRACK_RECHECK_DAYS days (figures
    that arrived out of order, flags whose evidence moved) and is listed by
    `claimtrack rechecks`. Run exactly one beat per deployment.

    \b
    Example:
        CLAIMTRACK_BROKER_URL=redis://localhost:6379/0 CLAIMTRACK_RECHECK_INTERVAL=900 claimtrack beat
    """
    from worker.celery_app import app
    from worker.queueing import broker_or_fail

    broker_or_fail()
    app.start(["beat", f"--loglevel={loglevel.upper()}", f"--schedule={schedule_file}"])


@click.command()
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Most recent runs shown.")
@click.option("--run", "run_now", is_flag=True, help="Run one re-check now, in this process, and record it.")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="With --run: how many days back (default CLAIMTRACK_RECHECK_DAYS).")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def rechecks(limit: int, run_now: bool, days: int | None, fmt: str) -> None:
    """List the scheduled re-checks: when, from which date, what they examined and changed.

    \b
    Example:
        claimtrack rechecks --limit 5
        claimtrack rechecks --run --days 30     # re-check now, without beat
    """
    from sqlalchemy import select

    from store.db import session_scope
    from store.models import Recheck
    from worker.pipeline import Config
    from worker.tasks import recheck_since, run_recheck

    engine = _engine()
    if run_now:
        out = run_recheck(engine, Config.from_env(), recheck_since(days, None))
        _console().print(f"re-check {out['recheck']} since {out['since']}: examined {out['examined']} claims "
                         f"in {out['metrics']} metrics, changed {out['changed']} links")
    with session_scope(engine) as session:
        rows = list(session.scalars(select(Recheck).order_by(Recheck.id.desc()).limit(limit)))
        data = [{"id": r.id, "started_at": r.started_at.isoformat(timespec="seconds"),
                 "finished_at": r.finished_at.isoformat(timespec="seconds") if r.finished_at else None,
                 "since": r.since.isoformat() if r.since else None, "examined": r.examined,
                 "changed": r.changed, "details": r.details or {}} for r in rows]
    if fmt == "jsonl":
        for d in data:
            click.echo(json.dumps(d, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table("id", "started", "finished", "since", "examined", "changed", "changes")
    for d in data:
        det = d["details"]
        changes = det.get("error") or ", ".join(f"{k} {v}" for k, v in (det.get("changes") or {}).items()) or "none"
        table.add_row(str(d["id"]), _when(d["started_at"]), _when(d["finished_at"]) or "[red]failed[/]", d["since"] or "",
                      str(d["examined"]), str(d["changed"]), changes)
    _console().print(table if data else "no re-checks recorded yet (start `claimtrack beat`, "
                     "or run one with `claimtrack rechecks --run`)")


@click.command()
@click.option("--retry", is_flag=True,
              help="Enqueue the failed articles again (in-process without a broker) and mark them retried.")
@click.option("--rejected", "with_rejected", is_flag=True, help="Also list bad input (status rejected).")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def failed(retry: bool, with_rejected: bool, fmt: str) -> None:
    """List articles that failed while being processed, with the reason; --retry them.

    A failure is an error in claimtrack or its database, not bad input: after fixing the
    cause, `--retry` sends each failed article again and marks it `retried`, so a
    second `--retry` does not send it twice. Storing is idempotent: an article that got
    stored meanwhile is simply found known.

    \b
    Example:
        claimtrack failed
        claimtrack failed --retry
    """
    from sqlalchemy import select

    from store.db import session_scope
    from store.models import Rejection

    engine = _engine()
    if retry:
        _retry(engine)
        return
    statuses = ["failed", "rejected"] if with_rejected else ["failed"]
    with session_scope(engine) as session:
        rows = list(session.scalars(select(Rejection).where(Rejection.status.in_(statuses)).order_by(Rejection.id)))
        data = [{"id": r.id, "status": r.status, "origin": r.origin, "article": r.article, "reason": r.reason,
                 "at": r.created_at.isoformat(timespec="seconds"), "retryable": _retryable(r),
                 "traceback": _last_frame(r.traceback)} for r in rows]
    if fmt == "jsonl":
        for d in data:
            click.echo(json.dumps(d, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table("id", "status", "article", "origin", "reason", "where")
    for d in data:
        table.add_row(str(d["id"]), d["status"], d["article"] or "", d["origin"], d["reason"], d["traceback"] or "")
    out = _console()
    out.print(table if data else "nothing failed")
    if any(d["retryable"] and d["status"] == "failed" for d in data):
        out.print("retry them with `claimtrack failed --retry`")


def _when(iso: str | None) -> str | None:
    return iso[:19].replace("T", " ") if iso else None


def _retryable(r) -> bool:
    return r.payload is not None or r.origin.startswith("reprocess:")


def _last_frame(traceback: str | None) -> str | None:
    """The innermost ``File …, line …, in …`` of a traceback: where it failed."""
    if not traceback:
        return None
    frames = [line.strip() for line in traceback.splitlines() if line.strip().startswith("File ")]
    return frames[-1] if frames else None


def _retry(engine) -> None:
    """Mark every failed, retryable record ``retried``, commit, then send them again.

    Marking first means a second `--retry` (even a concurrent one: the rows are locked
    FOR UPDATE SKIP LOCKED on PostgreSQL) does not send them twice, and an article that
    fails again is recorded as a new failure. If sending fails the marks are undone.
    """
    from sqlalchemy import select, update

    from store.db import session_scope
    from store.models import Rejection

    out, err = _console(), _console(stderr=True)
    with session_scope(engine) as session:
        stmt = select(Rejection).where(Rejection.status == "failed").order_by(Rejection.id)
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        todo = []
        for r in session.scalars(stmt):
            if _retryable(r):
                r.status = "retried"
                todo.append({"id": r.id, "payload": r.payload, "origin": r.origin})
            else:
                err.print(f"[yellow]cannot retry[/] #{r.id} {r.origin}: no article payload was recorded; "
                          "ingest its file again")
    broker = settings.broker_url()
    try:
        if broker:
            _send(todo, broker, engine)
        else:
            _run_here(todo, engine)
    except BaseException:
        with session_scope(engine) as session:
            session.execute(update(Rejection).where(Rejection.id.in_([t["id"] for t in todo]))
                            .values(status="failed"))
        raise
    if not todo:
        out.print("nothing to retry")
        return
    verb = "enqueued" if broker else "ran in-process"
    out.print(f"{verb} {len(todo)} failed articles again; marked retried")


def _send(rows, broker: str, engine) -> None:
    from worker.celery_app import app
    from worker.settings import queue_name
    from worker.queueing import batches, connection, send_batches
    from worker.tasks import reprocess_target

    with connection(broker) as conn:
        articles = [(r["payload"], r["origin"]) for r in rows if r["payload"] is not None]
        for _ in send_batches(conn, batches(articles), engine):
            pass
        for r in rows:
            if r["payload"] is None:
                app.send_task("claimtrack.process_article", args=[reprocess_target(r["origin"])],
                              connection=conn, queue=queue_name())


def _run_here(rows, engine) -> None:
    # one transaction per article, as in the worker
    from worker.aliases import load_aliases
    from worker.pipeline import Config
    from worker.tasks import ingest_payload, process_stored, reprocess_target

    aliases, cfg = load_aliases(settings.aliases_file()), Config.from_env()
    for r in rows:
        if r["payload"] is not None:
            ingest_payload(engine, r["payload"], aliases, cfg, r["origin"])
        else:
            try:
                process_stored(engine, reprocess_target(r["origin"]), aliases, cfg)
            except Exception as e:  # noqa: BLE001 - recorded as a new failure by process_stored
                _console(stderr=True).print(f"[red]failed again[/] {r['origin']}: {type(e).__name__}: {e}")


@click.group("queue")
def queue() -> None:
    """The queue and its ledger of sent batches: `status`, and `resend` the lost ones.

    \b
    Example:
        claimtrack queue status
        claimtrack queue resend --grace 300
    """


@queue.command("status")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def queue_status(fmt: str) -> None:
    """Messages waiting and in flight, and the ledger's batches sent and not yet finished.

    A batch stays in the ledger from before it is published until its task has stored
    (or rejected, or given up on) its articles; `claimtrack beat` sends again those the
    broker lost (docs/queue.md).

    \b
    Example:
        CLAIMTRACK_BROKER_URL=redis://localhost:6379/0 claimtrack queue status
    """
    from store import ledger
    from store.db import session_scope
    from worker.queueing import broker_or_fail, connection
    from worker.redelivery import inspect_broker

    broker = broker_or_fail()
    with connection(broker) as conn:
        view = inspect_broker(conn, settings.queue_name())
    with session_scope(_engine()) as session:
        pending = ledger.pending_count(session)
    data = {"queue": settings.queue_name(), "waiting": view.waiting,
            "in_flight": None if view.in_flight is None else len(view.in_flight),
            "ledger_batches": pending["batches"], "ledger_articles": pending["articles"],
            "ledger_oldest": pending["oldest"].isoformat(timespec="seconds") if pending["oldest"] else None,
            "ledger_resent": pending["resent"]}
    if fmt == "jsonl":
        click.echo(json.dumps(data))
        return
    flight = "unknown (not Redis)" if data["in_flight"] is None else str(data["in_flight"])
    out = _console()
    out.print(f"queue {data['queue']}: {data['waiting']} waiting, {flight} delivered and not acknowledged")
    oldest = f", the oldest sent {_when(data['ledger_oldest'])}" if data["ledger_oldest"] else ""
    resent = f", {data['ledger_resent']} of them resent" if data["ledger_resent"] else ""
    out.print(f"ledger: {data['ledger_batches']} batches ({data['ledger_articles']} articles) sent and not "
              f"finished{oldest}{resent}")


@queue.command("resend")
@click.option("--grace", type=click.FloatRange(min=0), default=None,
              help="Seconds a batch must be unfinished before it may count as lost "
                   "(default: CLAIMTRACK_RESEND_GRACE).")
def queue_resend(grace: float | None) -> None:
    """Send again, once, the batches whose messages the broker lost (what beat runs).

    A batch counts as lost when its ledger row is older than the grace period, nothing
    waits on the queue, and (on Redis) no worker holds its message. Each is sent with
    its own task id; storing is idempotent, so a batch sent twice is stored once.

    \b
    Example:
        CLAIMTRACK_BROKER_URL=redis://localhost:6379/0 claimtrack queue resend
    """
    from worker.queueing import broker_or_fail
    from worker.redelivery import resend_lost

    report = resend_lost(_engine(), broker_or_fail(), grace)
    out = _console()
    for r in report.resent:
        out.print(f"resent {r['task']} ({r['articles']} articles, resend {r['resent']})")
    if report.resent:
        out.print(f"resent {len(report.resent)} batches ({sum(r['articles'] for r in report.resent)} articles)")
    elif report.reason:
        out.print(f"nothing resent: {report.reason}")
    else:
        out.print(f"nothing lost: {report.pending} batches older than {report.grace:g} s, "
                  "all still held by the broker")


def register(cli: click.Group) -> None:
    """Add this module's commands to ``cli``."""
    for command in (worker, beat, rechecks, failed, queue):
        cli.add_command(command)
