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


# The live database's own files, by suffix: writing any of them corrupts the running Baton.
LIVE_FILES = {
    "": "the live database itself",
    "-wal": "the live database's write-ahead log",
    "-shm": "the live database's shared-memory index",
    "-journal": "the live database's rollback journal",
}


class NotSqlite(Exception):
    """The database is not a SQLite file; the message says what to use instead."""


class BadTarget(ValueError):
    """The backup cannot go where it was asked to; the message says why, in one line."""


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


def writable_target(source: Path, target: Path) -> Path:
    """`target`, resolved, if a backup may be written there: not one of the live database's
    files, not a directory, in a directory that exists; else BadTarget."""
    resolved = target.resolve()
    live = source.resolve()
    for suffix, what in LIVE_FILES.items():
        path = live.with_name(live.name + suffix)
        same = resolved == path or (
            resolved.exists() and path.exists() and os.path.samefile(resolved, path)
        )
        if same:
            raise BadTarget(f"cannot write {target}: it is {what}")
    if resolved.is_dir():
        raise BadTarget(f"cannot write {target}: it is a directory; name a file in it")
    if not resolved.parent.exists():
        raise BadTarget(f"cannot write {target}: directory {target.parent} does not exist")
    if not resolved.parent.is_dir():
        raise BadTarget(f"cannot write {target}: {target.parent} is not a directory")
    return resolved


def backup_sqlite(database_url: str, target: Path) -> Backup:
    """Copy the database to `target` (written beside it, then renamed into place, so a
    half-written copy never carries the final name) and check the copy's integrity. On any
    failure nothing is left behind."""
    source_path = sqlite_path(database_url)
    if not source_path.exists():
        raise FileNotFoundError(f"no database at {source_path}")
    target = writable_target(source_path, target)
    partial = target.with_name(f".{target.name}.partial")
    leftovers = (partial, partial.with_name(partial.name + "-journal"))
    for path in leftovers:
        path.unlink(missing_ok=True)
    try:
        pages, integrity = _copy(source_path, partial)
        if integrity != "ok":
            raise RuntimeError(f"the copy failed its integrity check: {integrity}")
        os.replace(partial, target)
    except BaseException:
        for path in leftovers:
            path.unlink(missing_ok=True)
        raise
    return Backup(target, pages, integrity)


def _copy(source_path: Path, partial: Path) -> tuple[int, str]:
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
    return pages, integrity
