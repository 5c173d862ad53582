"""Shared fixtures: real SQLite files and (when configured) a real PostgreSQL."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from store.db import make_engine, upgrade
from store.models import Base

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
POSTGRES_URL = os.environ.get("CLAIMTRACK_TEST_POSTGRES_URL")


def pg_url() -> str:
    from worker.settings import database_url

    old = os.environ.get("CLAIMTRACK_DATABASE_URL")
    os.environ["CLAIMTRACK_DATABASE_URL"] = POSTGRES_URL
    try:
        return database_url()
    finally:
        if old is None:
            os.environ.pop("CLAIMTRACK_DATABASE_URL")
        else:
            os.environ["CLAIMTRACK_DATABASE_URL"] = old


def reset_postgres(url: str) -> None:
    """Drop everything claimtrack owns so each test starts from an empty, migrated schema."""
    engine = make_engine(url)
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """A migrated, empty database: a SQLite file, and PostgreSQL when configured."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'claimtrack.db'}"
    else:
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
    """Environment for CLI runs against ``db_url``."""
    monkeypatch.setenv("CLAIMTRACK_DATABASE_URL", db_url)
    monkeypatch.delenv("CLAIMTRACK_BROKER_URL", raising=False)
    return db_url
