"""Configuration, read from the environment by functions (never at import time)."""
from __future__ import annotations

import getpass
import os

DEFAULT_DATABASE_URL = "sqlite:///claimtrack.db"


def database_url() -> str:
    """Where the store lives: ``CLAIMTRACK_DATABASE_URL`` or a SQLite file here.

    ``postgresql://`` urls are routed to psycopg 3 (``postgresql+psycopg://``).
    """
    url = os.environ.get("CLAIMTRACK_DATABASE_URL") or DEFAULT_DATABASE_URL
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def broker_url() -> str | None:
    """The Celery broker (Redis), or None for the embedded in-process mode."""
    return os.environ.get("CLAIMTRACK_BROKER_URL") or None


def aliases_file() -> str | None:
    """An optional user JSON file extending the shipped alias tables."""
    return os.environ.get("CLAIMTRACK_ALIASES") or None


def max_article_bytes() -> int:
    """Articles larger than this are rejected as gigantic (default 20 MB)."""
    return int(os.environ.get("CLAIMTRACK_MAX_ARTICLE_BYTES", str(20 * 1024 * 1024)))


def window_days() -> int:
    """How far apart two as_of dates may be and still be 'the same time window'."""
    return int(os.environ.get("CLAIMTRACK_WINDOW_DAYS", "2"))


def batch_size() -> int:
    """Articles per transaction in-process, and per message on the queue (default 50).

    A batch costs a few statements whatever its size; an article that fails in one is
    retried alone, so the others are stored all the same.
    """
    return max(1, int(os.environ.get("CLAIMTRACK_BATCH_SIZE", "50")))


def visibility_timeout() -> int:
    """Seconds before Redis redelivers an unacknowledged task."""
    return int(os.environ.get("CLAIMTRACK_VISIBILITY_TIMEOUT", "3600"))


def queue_name() -> str:
    """The queue claimtrack's tasks go to: ``CLAIMTRACK_QUEUE``, default ``claimtrack``.

    Deployments (or test runs) that share one Redis database keep apart by name.
    """
    return os.environ.get("CLAIMTRACK_QUEUE") or "claimtrack"


def worker_concurrency() -> int:
    """Worker processes per `claimtrack worker`."""
    return int(os.environ.get("CLAIMTRACK_CONCURRENCY", "2"))


def recheck_days() -> int:
    """How many days back the scheduled re-check looks."""
    return int(os.environ.get("CLAIMTRACK_RECHECK_DAYS", "14"))


def recheck_interval() -> float:
    """Seconds between scheduled re-checks (Celery beat)."""
    return float(os.environ.get("CLAIMTRACK_RECHECK_INTERVAL", "3600"))


def resend_interval() -> float:
    """Seconds between searches for lost batch messages (Celery beat; default 60)."""
    return float(os.environ.get("CLAIMTRACK_RESEND_INTERVAL", "60"))


def resend_grace() -> float:
    """How old a ledger row must be before its message may count as lost and be sent again.

    ``CLAIMTRACK_RESEND_GRACE``; default twice the visibility timeout, at least 120 s.
    """
    raw = os.environ.get("CLAIMTRACK_RESEND_GRACE")
    return float(raw) if raw else max(120.0, 2.0 * visibility_timeout())


def review_relations() -> tuple[str, ...]:
    """Relations that open a review flag (``CLAIMTRACK_REVIEW_RELATIONS``, comma-separated)."""
    raw = os.environ.get("CLAIMTRACK_REVIEW_RELATIONS", "contradicts,revises_down")
    return tuple(r.strip() for r in raw.split(",") if r.strip())


# ---- review and ClaimReview ----------------------------------------------------------------

def org_name() -> str:
    """The reviewing organisation named as ClaimReview author (``CLAIMTRACK_ORG_NAME``)."""
    return os.environ.get("CLAIMTRACK_ORG_NAME") or "claimtrack"


def org_url() -> str | None:
    """The organisation's web site (``CLAIMTRACK_ORG_URL``)."""
    return os.environ.get("CLAIMTRACK_ORG_URL") or None


def review_url_template() -> str:
    """Where a published review lives, ``{id}`` standing for the flag id.

    ``CLAIMTRACK_REVIEW_URL`` (e.g. ``https://news.example/fact-checks/{id}``); else an
    anchor on the organisation's site; else a ``urn:`` that is not a web page.
    """
    explicit = os.environ.get("CLAIMTRACK_REVIEW_URL")
    if explicit:
        return explicit if "{id}" in explicit else explicit.rstrip("/") + "/{id}"
    site = org_url()
    return f"{site.rstrip('/')}/#claimtrack-flag-{{id}}" if site else "urn:claimtrack:flag:{id}"


def default_reviewer() -> str:
    """Who is reviewing when ``--reviewer`` is not given: ``CLAIMTRACK_REVIEWER`` or the login name."""
    name = os.environ.get("CLAIMTRACK_REVIEWER")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


# ---- the HTTP API and the review desk (`claimtrack serve`) ---------------------------------

def public_read() -> bool:
    """``CLAIMTRACK_PUBLIC_READ=1``: API reads (claims, metrics, flags, exports) need no token."""
    return os.environ.get("CLAIMTRACK_PUBLIC_READ", "").strip().lower() in ("1", "true", "yes", "on")


def session_hours() -> float:
    """How long a desk sign-in lasts (``CLAIMTRACK_SESSION_HOURS``, default 12)."""
    return float(os.environ.get("CLAIMTRACK_SESSION_HOURS", "12"))
