"""claimtrack store: SQLAlchemy 2.0 models, sessions, queries and Alembic migrations."""
