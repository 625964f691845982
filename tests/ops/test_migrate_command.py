"""`baton migrate` says what it did: created the schema, upgraded it from one revision to the
latest, or found it already there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from store.db import Database
from store.migrate import alembic_config, current_revision, downgrade


def migrate(database_url: str, cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "migrate"],
        cwd=cwd,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_migrate_says_whether_it_created_upgraded_or_found_the_latest_schema(
    database_url: str, tmp_path: Path
) -> None:
    db = Database(database_url)
    try:
        head = ScriptDirectory.from_config(alembic_config(db)).get_current_head()
        assert migrate(database_url, tmp_path) == f"database created at the latest schema ({head})"
        assert current_revision(db) == head
        assert migrate(database_url, tmp_path) == (
            f"database already at the latest schema ({head}); nothing to do"
        )
        downgrade(db, "0007")
        older = current_revision(db)
        assert older is not None and older != head
        assert migrate(database_url, tmp_path) == (
            f"database upgraded from {older} to {head} (the latest schema)"
        )
        assert current_revision(db) == head
    finally:
        db.dispose()
