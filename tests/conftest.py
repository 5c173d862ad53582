"""Shared fixtures: real SQLite files and (when configured) a real PostgreSQL."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from store.db import drop_everything, make_engine, upgrade

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
POSTGRES_URL = os.environ.get("CLAIMTRACK_TEST_POSTGRES_URL")


_PG_DB: dict[str, str] = {}


def _driver_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


def pg_url() -> str:
    """A PostgreSQL database of this test run's own (created on first use, dropped at the end).

    Named after the process id so concurrent runs on one server never share tables.
    """
    if "url" not in _PG_DB:
        from sqlalchemy.engine import make_url

        base = make_url(_driver_url(POSTGRES_URL))
        name = f"{base.database}_{os.getpid()}"
        admin = make_engine(base.render_as_string(hide_password=False))
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        _PG_DB["admin"] = base.render_as_string(hide_password=False)
        _PG_DB["name"] = name
        _PG_DB["url"] = base.set(database=name).render_as_string(hide_password=False)
    return _PG_DB["url"]


def pytest_sessionfinish(session, exitstatus):
    if "url" in _PG_DB:
        from store.db import dispose_engines

        dispose_engines()
        admin = make_engine(_PG_DB["admin"])
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{_PG_DB["name"]}" WITH (FORCE)'))
        admin.dispose()


def reset_postgres(url: str) -> None:
    """Drop everything claimtrack owns so each test starts from an empty, migrated schema."""
    drop_everything(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """A migrated, empty database: a SQLite file, and PostgreSQL when configured."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'claimtrack.db'}"
    else:
        return fresh_postgres()
    upgrade(url)
    return url


def fresh_postgres() -> str:
    """This run's PostgreSQL database, emptied and migrated (skips the test when unconfigured)."""
    if not POSTGRES_URL:
        pytest.skip("CLAIMTRACK_TEST_POSTGRES_URL is not set")
    url = pg_url()
    reset_postgres(url)
    upgrade(url)
    return url


@pytest.fixture
def engine(db_url):
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def cli_env(db_url, monkeypatch):
    """Environment for CLI runs against ``db_url``; the CLI's cached engines are closed after."""
    from store.db import dispose_engines

    monkeypatch.setenv("CLAIMTRACK_DATABASE_URL", db_url)
    monkeypatch.delenv("CLAIMTRACK_BROKER_URL", raising=False)
    yield db_url
    dispose_engines()
