"""Engines and sessions: SQLite by default (WAL, busy timeout, BEGIN IMMEDIATE for writes),
PostgreSQL by URL (psycopg 3)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 10_000
SUPPORTED = "sqlite:///path/to/baton.db or postgresql://user@host:5432/baton"


def check_url(url: str) -> str:
    """The URL when Baton can use it (SQLite, or PostgreSQL through psycopg 3), else
    ValueError saying what it takes; the URL itself is not repeated (it may hold a password)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(f"not a database URL; expected {SUPPORTED}") from None
    backend, _, driver = parsed.drivername.partition("+")
    if (backend == "sqlite" and driver in ("", "pysqlite")) or (
        backend in ("postgresql", "postgres") and driver in ("", "psycopg")
    ):
        return url
    raise ValueError(f"{parsed.drivername!r} databases are not supported; expected {SUPPORTED}")


def redacted(url: str) -> str:
    """The URL as it may be shown: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def normalise_url(url: str) -> str:
    """`postgresql://` and `postgres://` mean psycopg 3, the driver Baton ships with."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so BEGIN is ours to choose.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock up front, so a read-then-write never fails
        # half-way with "database is locked".
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


class WriterLock:
    """SQLite's one writer, taken in turn within this process: writers are woken the moment
    it is free (SQLite's busy handler would sleep on its back-off, up to 100 ms a try), and an
    urgent writer (a request Slack is waiting on) goes before background ones. Re-entrant."""

    def __init__(self) -> None:
        self._free = threading.Condition()
        self._owner: int | None = None
        self._depth = 0
        self._urgent_waiting = 0

    @contextmanager
    def turn(self, *, urgent: bool) -> Iterator[None]:
        me = threading.get_ident()
        with self._free:
            if self._owner != me:
                if urgent:
                    self._urgent_waiting += 1
                try:
                    self._free.wait_for(
                        lambda: self._owner is None and (urgent or self._urgent_waiting == 0)
                    )
                finally:
                    if urgent:
                        self._urgent_waiting -= 1
                self._owner = me
            self._depth += 1
        try:
            yield
        finally:
            with self._free:
                self._depth -= 1
                if self._depth == 0:
                    self._owner = None
                    self._free.notify_all()


class Database:
    """One engine per process; `read()` and `write()` hand out short transactions."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = create_engine(
                self.url,
                echo=echo,
                connect_args={
                    "check_same_thread": False,
                    "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                },
            )
            _configure_sqlite(self.engine)
            self._write_engine: Engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
            # Other processes still meet SQLite's busy timeout.
            self._writer: WriterLock | None = WriterLock()
        else:
            self.engine = create_engine(
                self.url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10
            )
            self._write_engine = self.engine
            self._writer = None  # PostgreSQL locks rows, not the database

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self, *, urgent: bool = False) -> Iterator[Session]:
        """A transaction that commits on success and rolls back on error. `urgent`: someone
        waits for it (Slack's 3-second answer); on SQLite it goes before background writers."""
        turn = self._writer.turn(urgent=urgent) if self._writer else nullcontext()
        with turn, Session(self._write_engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            return True
        except Exception:
            return False

    def dispose(self) -> None:
        self.engine.dispose()
