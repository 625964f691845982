"""`baton backup PATH`: a consistent copy of a live SQLite database (SQLite's online backup
API, which copies one snapshot while writers carry on). PostgreSQL has `pg_dump` for this."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from store.db import SQLITE_BUSY_TIMEOUT_MS, normalise_url

PG_DUMP_HINT = (
    "baton backup copies SQLite databases; for PostgreSQL use pg_dump, e.g.\n"
    '  pg_dump --format=custom --file=baton.dump "$DATABASE_URL"\n'
    "and restore with\n"
    '  pg_restore --clean --if-exists --dbname="$DATABASE_URL" baton.dump'
)


class NotSqlite(Exception):
    """The database is not a SQLite file; the message says what to use instead."""


@dataclass(frozen=True)
class Backup:
    path: Path
    pages: int
    integrity: str


def sqlite_path(database_url: str) -> Path:
    url = make_url(normalise_url(database_url))
    if url.get_backend_name() != "sqlite":
        raise NotSqlite(PG_DUMP_HINT)
    if not url.database or url.database == ":memory:":
        raise NotSqlite("baton backup needs a SQLite file, not an in-memory database")
    return Path(url.database)


def backup_sqlite(database_url: str, target: Path) -> Backup:
    """Copy the database to `target` (written beside it, then renamed into place, so a
    half-written copy never carries the final name) and check the copy's integrity."""
    source_path = sqlite_path(database_url)
    if not source_path.exists():
        raise FileNotFoundError(f"no database at {source_path}")
    target = target.resolve()
    if target == source_path.resolve():
        raise ValueError("the backup must not overwrite the database itself")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        copy = sqlite3.connect(partial)
        try:
            # pages=-1: the whole database in one step, from one read snapshot; in WAL mode
            # writers are not blocked meanwhile.
            source.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
            integrity = str(copy.execute("PRAGMA integrity_check").fetchone()[0])
        finally:
            copy.close()
    finally:
        source.close()
    if integrity != "ok":
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"the copy failed its integrity check: {integrity}")
    os.replace(partial, target)
    return Backup(target, pages, integrity)
