"""Celery tasks (docs/queue.md): small JSON in, small JSON out, the work in plain functions.

The plain functions in the first half take an engine, the alias tables and the pipeline
config and are what the tests call; the tasks in the second half are a few lines each:
they gather those from the environment, call one function, and carry the time limits and
the retry policy on the decorator.

Every task is safe to run twice (the pipeline stores an article once by its content
hash, claims and links by unique keys with insert-or-ignore), so they acknowledge late:
a worker killed mid-task leaves the message to be delivered again.
"""
from __future__ import annotations

import inspect
import logging
import traceback as tb
from collections import Counter
from datetime import date, timedelta

import kombu.exceptions
import psycopg
import redis.exceptions
import sqlalchemy.exc
from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy import Engine, select

from store import ledger
from store import repository as repo
from store.db import engine_for, session_scope
from store.models import Article, Claim, Recheck, utcnow
from worker import settings
from worker.articles import BadArticle, article_from_payload, payload_id, storable
from worker.celery_app import app
from worker.core.types import Aliases, ArticleIn
from worker.message_json import MAX_DEPTH, register_json, too_deep
from worker.pipeline import (
    Config, Outcome, article_payload, ingest_many, recheck, record_rejection, reprocess_article,
)

log = logging.getLogger(__name__)

# every worker imports this module before it consumes: no message can be too deep for it
register_json()

# Errors that say "the database or the broker is not reachable right now" (a restart, a
# failover, a deadlock victim): the task is retried with backoff. Anything else is a
# property of the input or a bug, and retrying would fail the same way.
TRANSIENT = (sqlalchemy.exc.OperationalError, psycopg.OperationalError,
             redis.exceptions.ConnectionError, kombu.exceptions.OperationalError)

RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": True, "retry_backoff_max": 120,
         "retry_jitter": True, "max_retries": 10}

QUEUE_ORIGIN = "queue"


# ---- the work, as plain functions -----------------------------------------------------------

def summary(outcome: Outcome) -> dict:
    """An outcome as small JSON (what a task returns)."""
    out = {"article": outcome.article, "status": outcome.status}
    if outcome.reason:
        out["reason"] = outcome.reason
    if outcome.status == "stored":
        out["claims"] = outcome.claims
        out["links"] = {k: v for k, v in sorted(outcome.links.items()) if not k.startswith("-")}
    return out


def _origin(origin) -> str:
    """A message's origin label, or ``queue`` when it is missing or not a string."""
    return storable(origin)[:2048] if isinstance(origin, str) and origin else QUEUE_ORIGIN


def _valid(engine: Engine, payload, origin: str) -> ArticleIn | dict:
    """The article of one SPEC §1 payload, or (recorded) the summary of its rejection.

    A payload that cannot be an article — wrong types, lone surrogates, a gigantic
    string, a nested bomb — is rejected here with its reason and never retried.
    """
    try:
        if too_deep(payload):
            raise BadArticle(f"payload nested deeper than {MAX_DEPTH} levels: not an article")
        return article_from_payload(payload, max_bytes=settings.max_article_bytes())
    except (BadArticle, RecursionError) as e:
        reason = str(e) if isinstance(e, BadArticle) else "payload nested too deeply to read"
        art_id = payload_id(payload)
        record_rejection(engine, origin, art_id, reason, payload=payload if isinstance(payload, dict) else None)
        return {"article": art_id, "status": "rejected", "reason": reason}


def store_batch(engine: Engine, arts: list[ArticleIn], aliases: Aliases, cfg: Config, origins: list[str],
                defer=None) -> list[Outcome]:
    """Store valid articles in one transaction (``pipeline.ingest_many``); transient
    errors propagate so the task is retried, anything else is recorded per article.

    When the soft time limit interrupts a batch, nothing of it is stored: with ``defer``
    its articles are handed back one per message (``defer(payloads, origins)``, so a
    slow article meets the limit alone) and reported as deferred. A single article that
    meets the limit is recorded as failed and the limit re-raised.
    """
    try:
        return ingest_many(engine, arts, aliases, cfg, origins, reraise=(*TRANSIENT, SoftTimeLimitExceeded))
    except SoftTimeLimitExceeded:
        if len(arts) > 1 and defer is not None:
            for art, origin in zip(arts, origins):
                defer([article_payload(art)], [origin])
            return [Outcome(a.id, "deferred") for a in arts]
        for art, origin in zip(arts, origins):
            record_rejection(engine, origin or art.id, art.id,
                        "took longer than the task's soft time limit; retry it or split the article",
                        payload=article_payload(art), traceback=tb.format_exc()[-4000:], status="failed")
        raise


def ingest_payload(engine: Engine, payload, aliases: Aliases, cfg: Config, origin: str = "") -> dict:
    """Validate one SPEC §1 payload and store it; bad input is recorded, never retried.

    Example: ``ingest_payload(engine, {"id": "x1", "text": "At least 12 people were killed,
    police said."}, aliases, cfg)`` returns ``{"article": "x1", "status": "stored",
    "claims": 1, "links": {}}``; the same call again returns ``{"article": "x1",
    "status": "known"}``.
    """
    origin = _origin(origin)
    art = _valid(engine, payload, origin)
    if isinstance(art, dict):
        return art
    return summary(store_batch(engine, [art], aliases, cfg, [origin])[0])


def ingest_payloads(engine: Engine, payloads: list, aliases: Aliases, cfg: Config,
                    origins: list[str] | None = None, defer=None) -> dict:
    """Store a batch of payloads in one transaction; returns counts by status.

    Bad payloads are recorded and left out; if the transaction fails, each article is
    tried alone so one bad article does not hold back the others (``store_batch``).
    """
    if not isinstance(payloads, list):
        what = f"nested deeper than {MAX_DEPTH} levels" if too_deep(payloads) else type(payloads).__name__
        record_rejection(engine, QUEUE_ORIGIN, None, f"a batch is a JSON list of articles, got {what}")
        return {"rejected": 1}
    origins = list(origins) if isinstance(origins, (list, tuple)) else []
    origins += [""] * (len(payloads) - len(origins))
    counts: Counter = Counter()
    arts, arts_origins = [], []
    for payload, origin in zip(payloads, origins):
        origin = _origin(origin)
        art = _valid(engine, payload, origin)
        if isinstance(art, dict):
            counts["rejected"] += 1
        else:
            arts.append(art)
            arts_origins.append(origin)
    if arts:
        counts.update(out.status for out in store_batch(engine, arts, aliases, cfg, arts_origins, defer))
    return dict(sorted(counts.items()))


def process_stored(engine: Engine, article: int | str, aliases: Aliases, cfg: Config) -> dict:
    """Extract a stored article again and relink it (after alias tables or rules changed).

    ``article`` is the row id (an int) or the article's own id (a string, SPEC §1).
    A missing article is not an error: the task may outlive a deleted row.
    """
    try:
        with session_scope(engine) as session:
            if isinstance(article, int):
                pk = article
            else:
                pk = session.scalar(select(Article.id).where(Article.ext_id == str(article)))
            outcome = reprocess_article(session, pk, aliases, cfg) if pk is not None else None
            if outcome is None:
                return {"article": article, "status": "missing"}
            return summary(outcome)
    except TRANSIENT:
        raise
    except Exception as e:
        record_rejection(engine, reprocess_origin(article), str(article),
                    f"{type(e).__name__}: {e}".splitlines()[0][:500], traceback=tb.format_exc()[-4000:],
                    status="failed")
        raise


def reprocess_origin(article: int | str) -> str:
    """How a failed re-processing is named in ``rejections.origin``: ``reprocess:#12`` (row
    id) or ``reprocess:g007`` (article id); :func:`reprocess_target` reads it back."""
    return f"reprocess:#{article}" if isinstance(article, int) else f"reprocess:{article}"


def reprocess_target(origin: str) -> int | str:
    target = origin.split(":", 1)[1]
    return int(target[1:]) if target.startswith("#") and target[1:].isdigit() else target


def recheck_since(days: int | None, since: str | date | None, today: date | None = None) -> date:
    """The first as_of date a re-check looks at: ``since`` itself, or ``days`` before today."""
    if since:
        return since if isinstance(since, date) else date.fromisoformat(str(since))
    today = today or utcnow().date()
    return today - timedelta(days=settings.recheck_days() if days is None else int(days))


def run_recheck(engine: Engine, cfg: Config, since: date, run: str | None = None) -> dict:
    """Re-link every claim as of ``since`` or later and record the run in ``rechecks``.

    Takes the advisory locks of every metric it re-links (sorted, like an ingest), so an
    article stored meanwhile waits rather than interleaving. A run id already recorded
    (the same beat message delivered twice) is not run again.
    """
    started = utcnow()
    with session_scope(engine) as session:
        if run is not None:
            for done in session.scalars(select(Recheck).order_by(Recheck.id.desc()).limit(100)):
                if done.finished_at is not None and (done.details or {}).get("run") == run:
                    return {"recheck": done.id, "status": "already done", "since": since.isoformat()}
        metrics = set(session.scalars(select(Claim.metric).where(Claim.as_of >= since).distinct()))
        repo.lock_keys(session, {"recheck", *metrics})
        examined, changed, counter = recheck(session, since, cfg)
        row = Recheck(started_at=started, finished_at=utcnow(), since=since, examined=examined,
                      changed=changed, details={"run": run, "metrics": len(metrics),
                                                "changes": dict(sorted(counter.items()))})
        session.add(row)
        session.flush()
        return {"recheck": row.id, "status": "done", "since": since.isoformat(), "examined": examined,
                "changed": changed, "metrics": len(metrics)}


def finish_batch(engine: Engine, task_id: str | None) -> None:
    """A batch reached a final state: delete its ledger row (none for a duplicate, or a
    message sent without the ledger)."""
    if task_id:
        with session_scope(engine) as session:
            ledger.mark_done(session, task_id)


# ---- the tasks ------------------------------------------------------------------------------

def _runtime() -> tuple[Engine, Aliases, Config]:
    from worker.aliases import load_aliases  # cached per path

    return engine_for(settings.database_url()), load_aliases(settings.aliases_file()), Config.from_env()


def exit_behind(exc: BaseException | None) -> BaseException | None:
    """The SystemExit (or KeyboardInterrupt) an error was raised from, if any.

    Billiard stops a pool process (a task cancelled when the broker connection is lost,
    a warm shutdown) by raising SystemExit wherever the task is; code that cleans up on
    the way out can turn it into an ordinary error — SQLAlchemy's connection ping then
    fails with psycopg's "can't change 'autocommit' now". Such an error says nothing
    about the articles.
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, (SystemExit, KeyboardInterrupt)):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


class ClaimtrackTask(app.Task):
    """Records articles whose task gave up (retries exhausted, hard time limit) as failed.

    A task stopped by its process's exit stops as such (the exit is re-raised), rather
    than failing with the error the exit turned into: its message is delivered again,
    and nothing is recorded as failed.
    """

    def __call__(self, *args, **kwargs):
        misfit = self._misfit(args, kwargs)
        if misfit is not None:
            return misfit
        try:
            return super().__call__(*args, **kwargs)
        except Exception as e:
            stop = exit_behind(e)
            if stop is not None:
                raise stop from e
            raise

    def _misfit(self, args, kwargs) -> dict | None:
        """A message whose arguments do not fit the task ("claimtrack.ingest_article" with
        three arguments) is rejected with its reason, recorded once and acknowledged: a
        property of the message, which no retry would change. None when they fit."""
        try:
            inspect.signature(self.run).bind(*args, **kwargs)
            return None
        except TypeError as e:
            reason = f"the message's arguments do not fit {self.name}: {e}"[:500]
        task_id = getattr(self.request, "id", None) or "?"
        payloads = [p for p in _payloads_of(self.name, args, kwargs) if isinstance(p, dict)]
        try:
            engine = engine_for(settings.database_url())
            for payload in payloads or [None]:
                art_id = payload.get("id") if payload else None
                record_rejection(engine, f"task:{task_id}", art_id if isinstance(art_id, str) else None, reason,
                                 payload=payload)
        except Exception:  # noqa: BLE001 - the store is unreachable; the log has the reason
            log.exception("task %s rejected (%s) and could not be recorded", task_id, reason)
        self._off_ledger(task_id)
        return {"status": "rejected", "reason": reason}

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if self.name == recheck_claims.name:
            _record_failed_recheck(task_id, exc)
            return
        payloads = _payloads_of(self.name, args, kwargs)
        if not payloads:
            self._off_ledger(task_id)
            return
        reason = f"gave up after {self.request.retries} retries: {type(exc).__name__}: {exc}".splitlines()[0][:500]
        try:
            engine = engine_for(settings.database_url())
            for payload in payloads:
                art_id = payload.get("id") if isinstance(payload, dict) else None
                record_rejection(engine, f"task:{task_id}", art_id, reason, status="failed",
                            payload=payload if isinstance(payload, dict) else None, traceback=str(einfo)[-4000:])
        except Exception:  # noqa: BLE001 - the store is unreachable; the log keeps the payload ids
            log.exception("task %s failed and could not be recorded; article ids: %s", task_id,
                          [p.get("id") for p in payloads if isinstance(p, dict)])
            return  # its ledger row stays: the batch is sent again once the grace period is over
        self._off_ledger(task_id)

    def _off_ledger(self, task_id: str) -> None:
        """A batch that failed for good (its articles recorded as failed) leaves the ledger."""
        if self.name != ingest_batch.name:
            return
        try:
            finish_batch(engine_for(settings.database_url()), task_id)
        except Exception:  # noqa: BLE001 - the row stays; a resend finds the articles known or failed
            log.exception("task %s: its ledger row could not be deleted", task_id)


def _record_failed_recheck(task_id: str, exc: BaseException) -> None:
    try:
        with session_scope(engine_for(settings.database_url())) as session:
            session.add(Recheck(started_at=utcnow(), finished_at=None, since=None, examined=0, changed=0,
                                details={"run": task_id, "error": f"{type(exc).__name__}: {exc}"[:500]}))
    except Exception:  # noqa: BLE001 - the store is unreachable; the worker log has the error
        log.exception("re-check %s failed and could not be recorded", task_id)


def _payloads_of(name: str, args, kwargs) -> list:
    if name == ingest_article.name:
        payload = args[0] if args else kwargs.get("payload")
        return [payload] if payload is not None else []
    if name == ingest_batch.name:
        batch = args[0] if args else kwargs.get("payloads")
        return list(batch) if isinstance(batch, list) else []
    return []


@app.task(name="claimtrack.ingest_article", base=ClaimtrackTask, acks_late=True,
          reject_on_worker_lost=True, soft_time_limit=120, time_limit=150, **RETRY)
def ingest_article(payload: dict, origin: str = "") -> dict:
    """Store one article (the JSON of SPEC §1) with its claims and links."""
    engine, aliases, cfg = _runtime()
    return ingest_payload(engine, payload, aliases, cfg, origin)


@app.task(name="claimtrack.ingest_batch", base=ClaimtrackTask, bind=True, acks_late=True,
          reject_on_worker_lost=True, soft_time_limit=300, time_limit=330, **RETRY)
def ingest_batch(self, payloads: list, origins: list | None = None) -> dict:
    """Store a batch of articles in one transaction; returns counts by status."""
    engine, aliases, cfg = _runtime()
    deferred: list[tuple[list, list]] = []
    out = ingest_payloads(engine, payloads, aliases, cfg, origins,
                          defer=lambda rest, rest_origins: deferred.append((rest, rest_origins)))
    if deferred:  # one message per article, recorded in the ledger like any batch
        from worker.queueing import send_batches

        for _ in send_batches(None, deferred, engine):
            pass
    finish_batch(engine, self.request.id)
    return out


@app.task(name="claimtrack.process_article", base=ClaimtrackTask, acks_late=True,
          reject_on_worker_lost=True, soft_time_limit=120, time_limit=150, **RETRY)
def process_article(article: int | str) -> dict:
    """Re-extract and relink a stored article: its row id (int) or its own id (str)."""
    engine, aliases, cfg = _runtime()
    return process_stored(engine, article, aliases, cfg)


@app.task(name="claimtrack.recheck", base=ClaimtrackTask, bind=True, acks_late=True,
          reject_on_worker_lost=True, soft_time_limit=1800, time_limit=1900, **RETRY)
def recheck_claims(self, days: int | None = None, since: str | None = None) -> dict:
    """Re-link the claims of the last ``days`` (default CLAIMTRACK_RECHECK_DAYS) or since a date."""
    engine, _aliases, cfg = _runtime()
    return run_recheck(engine, cfg, recheck_since(days, since), run=self.request.id)


@app.task(name="claimtrack.resend_lost", acks_late=True, soft_time_limit=240, time_limit=300)
def resend_lost_batches(grace: float | None = None) -> dict:
    """Send again the batch messages the broker lost (worker/redelivery.py); beat runs it
    every CLAIMTRACK_RESEND_INTERVAL seconds. ``grace``: default CLAIMTRACK_RESEND_GRACE."""
    from worker.redelivery import resend_lost

    report = resend_lost(engine_for(settings.database_url()), settings.broker_url(), grace)
    return report.summary()


@app.task(name="claimtrack.ping", acks_late=True, time_limit=10)
def ping() -> str:
    """A no-op: health checks, and the baseline of bench/bench_queue.py."""
    return "pong"
