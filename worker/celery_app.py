"""The Celery application: claimtrack as a job queue on Redis (SPEC §4, docs/queue.md).

Configuration is read from the environment (``worker.settings``) when Celery first
needs it — in the worker, in beat, or in the process that enqueues — never when this
module is imported, so tests and tools can set the environment first.

    python -m celery -A worker.celery_app worker      # what `claimtrack worker` runs
    python -m celery -A worker.celery_app beat        # what `claimtrack beat` runs
"""
from __future__ import annotations


from celery import Celery
from celery.signals import worker_process_init, worker_process_shutdown

from worker import settings

# Redis on localhost, so that `celery -A worker.celery_app inspect ...` does something
# useful on a developer machine; the CLI refuses to enqueue without CLAIMTRACK_BROKER_URL.
FALLBACK_BROKER = "redis://127.0.0.1:6379/0"
RECHECK_SCHEDULE = "claimtrack-recheck"
RESEND_SCHEDULE = "claimtrack-resend-lost"


def celery_config() -> dict:
    """Every Celery setting claimtrack uses, read from the environment now.

    JSON only (no pickle: anything that can enqueue must not be able to run code in the
    worker); acknowledgement after the task ran, so a worker killed mid-task leaves the
    message to be delivered again; one message prefetched per process, so a killed
    worker strands little and a slow article does not hold others back.
    """
    broker = settings.broker_url() or FALLBACK_BROKER
    return {
        "broker_url": broker,
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,  # a worker outlives a Redis restart
        "broker_transport_options": transport_options(),
        "task_serializer": "json",
        "result_serializer": "json",
        "event_serializer": "json",
        "accept_content": ["json"],
        "result_accept_content": ["json"],
        # the store is the result: tasks return a small JSON summary for logs and
        # monitoring, nobody waits on it
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_acks_on_failure_or_timeout": True,
        "worker_prefetch_multiplier": 1,
        # when Redis goes away, running tasks could not be acknowledged anyway: stop them
        # (their messages are restored and redelivered; storing is idempotent) rather than
        # let the consumer count them as in flight forever and stop fetching
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "worker_concurrency": settings.worker_concurrency(),
        "worker_hijack_root_logger": False,
        "task_default_queue": settings.queue_name(),
        "task_publish_retry": True,
        "task_publish_retry_policy": {"max_retries": 5, "interval_start": 0.2,
                                      "interval_step": 0.5, "interval_max": 3},
        "timezone": "UTC",
        "enable_utc": True,
        "beat_schedule": beat_schedule(),
    }


def transport_options() -> dict:
    """Redis transport settings around redelivery (docs/queue.md).

    A message delivered to a worker that died without acknowledging it is put back
    ``CLAIMTRACK_VISIBILITY_TIMEOUT`` seconds after delivery, by a sweep that kombu runs
    by default only every 100 s; sweeping every few seconds (one indexed Redis read)
    makes redelivery follow the timeout instead.
    """
    visibility = settings.visibility_timeout()
    return {"visibility_timeout": visibility,
            "unacked_restore_interval": max(1, min(10, visibility // 4)),
            "unacked_restore_throttle": 1}


def beat_schedule() -> dict:
    """The periodic jobs: one re-check every ``CLAIMTRACK_RECHECK_INTERVAL`` seconds, and a
    search for lost batch messages every ``CLAIMTRACK_RESEND_INTERVAL`` (worker/redelivery.py).

    The tasks read ``CLAIMTRACK_RECHECK_DAYS`` and ``CLAIMTRACK_RESEND_GRACE`` when they
    run; a run that could not start before the next one is due expires instead of piling up.
    """
    every = settings.recheck_interval()
    resend = settings.resend_interval()
    return {RECHECK_SCHEDULE: {"task": "claimtrack.recheck", "schedule": every,
                               "options": {"expires": every}},
            RESEND_SCHEDULE: {"task": "claimtrack.resend_lost", "schedule": resend,
                              "options": {"expires": resend}}}


def guard_redis_close() -> None:
    """Keep a worker alive when Redis dies while it holds unacknowledged messages.

    kombu 5.7's Redis channel, when closed, puts the messages it holds back on the queue
    through a new connection pool. After a lost connection Celery closes the connection
    twice (``collect()``, then ``close()``); the first clears the transport's client, so
    the second one's pool fails on ``None.hostname`` — an AttributeError, not a connection
    error, which stopped the worker ("Unrecoverable error"; about one Redis kill in eight
    in tests/test_queue_faults.py). Raise the connection error it stands for instead: the
    close goes on, the worker reconnects, and the messages, still in Redis's ``unacked``
    hash, come back with the visibility-timeout sweep.
    """
    import redis.exceptions
    from kombu.transport import redis as kombu_redis

    original = getattr(kombu_redis.Channel, "_connparams", None)
    if original is None or getattr(original, "claimtrack_guard", False):
        return  # another kombu: nothing to guard (tests/test_queue_faults.py tells if it is needed)

    def _connparams(self, asynchronous=False):
        if getattr(self.connection, "client", None) is None:
            raise redis.exceptions.ConnectionError("the broker connection is already closed")
        return original(self, asynchronous=asynchronous)

    _connparams.claimtrack_guard = True
    kombu_redis.Channel._connparams = _connparams


def create_app() -> Celery:
    """A Celery app whose configuration is read from the environment on first use."""
    celery = Celery("claimtrack", include=["worker.tasks"])
    celery.add_defaults(celery_config)
    return celery


app = create_app()
guard_redis_close()


@worker_process_init.connect
def _fresh_engines(**_kwargs) -> None:
    # a forked pool process must not share the parent's database sockets
    from store.db import dispose_engines

    dispose_engines()


@worker_process_shutdown.connect
def _close_engines(**_kwargs) -> None:
    from store.db import dispose_engines

    dispose_engines()
