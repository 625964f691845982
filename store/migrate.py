"""Bring a database to the latest schema with Alembic (run by `baton serve` at start).

Upgrades are serialized across processes, so any number of `serve`, `worker` and `migrate`
processes started at once on a fresh database all come up: PostgreSQL by an advisory lock,
SQLite by a lock file next to the database. (A SQLite transaction cannot do it: in WAL mode
readers are never locked out, and Alembic commits between revisions, so two processes could
each read "not migrated yet" and both create the tables.)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from filelock import FileLock, Timeout
from sqlalchemy import text
from sqlalchemy.engine import make_url

from store.db import Database

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
LOCK_WAIT_SECONDS = 300.0  # longer than any migration; then something is stuck
# pg_advisory_lock key: any bigint, the same in every Baton process ("baton" in ASCII).
ADVISORY_LOCK_KEY = 0x626174_6F6E


class MigrationLockTimeout(RuntimeError):
    """Another process held the migration lock for LOCK_WAIT_SECONDS."""


@contextmanager
def migration_lock(db: Database, *, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Held by one process at a time, across processes, while it migrates `db`."""
    if db.dialect == "postgresql":
        with _advisory_lock(db, wait):
            yield
        return
    database = make_url(db.url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        yield  # a private database: nobody to race with
        return
    lock = FileLock(f"{database}.migrate-lock", timeout=wait)
    try:
        with lock:
            yield
    except Timeout:
        raise MigrationLockTimeout(f"{lock.lock_file} held for {wait:.0f} s") from None


@contextmanager
def _advisory_lock(db: Database, wait: float) -> Iterator[None]:
    # A session-level lock on a connection of its own, held while Alembic migrates on another.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        deadline = time.monotonic() + wait
        take = text("SELECT pg_try_advisory_lock(:key)")
        while not conn.execute(take, {"key": ADVISORY_LOCK_KEY}).scalar():
            if time.monotonic() > deadline:
                raise MigrationLockTimeout(f"advisory lock {ADVISORY_LOCK_KEY} held for {wait} s")
            time.sleep(0.1)
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})


def alembic_config(db: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = db.engine
    return config


@dataclass(frozen=True)
class Migrated:
    """The schema revision before and after an upgrade (None: no schema yet)."""

    before: str | None
    after: str | None

    def summary(self) -> str:
        """What `baton migrate` did, in one line."""
        if self.before == self.after:
            return f"database already at the latest schema ({self.after}); nothing to do"
        if self.before is None:
            return f"database created at the latest schema ({self.after})"
        return f"database upgraded from {self.before} to {self.after} (the latest schema)"


def upgrade(db: Database, revision: str = "head") -> Migrated:
    """Upgrade to `revision`; the revisions before and after, both read under the lock."""
    with migration_lock(db):
        before = current_revision(db)
        command.upgrade(alembic_config(db), revision)
        return Migrated(before, current_revision(db))


def downgrade(db: Database, revision: str) -> None:
    with migration_lock(db):
        command.downgrade(alembic_config(db), revision)


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
