"""Migrations build exactly the schema the models describe, up and down, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from store.db import Database
from store.migrate import current_revision, downgrade, upgrade
from store.models import metadata


def schema_drift(db: Database) -> list[object]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_migrations_match_the_models_and_downgrade_cleanly(database_url: str) -> None:
    db = Database(database_url)
    try:
        upgrade(db)
        assert schema_drift(db) == []
        downgrade(db, "base")
        assert current_revision(db) is None
        upgrade(db)  # and again, from nothing
        assert schema_drift(db) == []
    finally:
        db.dispose()
