"""Shared by the benchmarks: scratch databases at Baton's latest schema (SQLite files, or
PostgreSQL databases created and dropped on a server), server processes (`baton serve`),
and interleaved timing."""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from store.db import Database, normalise_url
from store.migrate import upgrade

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def add_database_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL),
        help="a PostgreSQL server to create (and drop) scratch databases on "
        "(default: $BENCH_DATABASE_URL or %(default)s)",
    )


@contextmanager
def sqlite_database(directory: str, name: str) -> Iterator[Database]:
    db = Database(f"sqlite:///{Path(directory) / name}.db")
    try:
        upgrade(db)
        yield db
    finally:
        db.dispose()


@contextmanager
def postgres_database(admin_url: str) -> Iterator[Database]:
    """A fresh database on the server, dropped afterwards."""
    name = f"baton_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(admin.url.set(database=name).render_as_string(hide_password=False))
    try:
        upgrade(db)
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def database(backend: str, scratch: str, pg_url: str, name: str) -> Iterator[Database]:
    """A migrated scratch database: `backend` is "sqlite" (a file in `scratch`) or
    "postgresql" (a new database on the server at `pg_url`)."""
    if backend == "sqlite":
        with sqlite_database(scratch, name) as db:
            yield db
    elif backend == "postgresql":
        with postgres_database(pg_url) as db:
            yield db
    else:
        raise ValueError(f"unknown backend {backend!r}")


def url_of(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def interleaved(
    runs: Sequence[Callable[[], float]], reps: int, *, warmup: int = 0
) -> list[list[float]]:
    """Each run's results over `reps` rounds, the order reversed every other round (A B, B A,
    ...) so drift and neighbours' noise land on all alike. `warmup` untimed rounds first."""
    for _ in range(warmup):
        for run in runs:
            run()
    results: list[list[float]] = [[] for _ in runs]
    order = list(range(len(runs)))
    for index in range(reps):
        for which in order if index % 2 == 0 else reversed(order):
            results[which].append(runs[which]())
    return results


def median_ms(samples: Sequence[float]) -> float:
    return statistics.median(samples) * 1e3


def quantile_ms(samples: Sequence[float], q: int) -> float:
    """The q-th percentile, in milliseconds."""
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1] * 1e3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")


@contextmanager
def process(args: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[None]:
    """A server process, its output in `log`, up once `port` answers; SIGTERM on the way out."""
    with log.open("wb") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for_port(port, proc)
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def serve_env(
    scratch: str, *, api_url: str, port: int, token: str, secret: str, **more: str
) -> dict[str, str]:
    """The environment `baton serve` gets in a bench: HTTP mode against the stand-in, a
    scratch SQLite database, and `more` settings (e.g. BATON_WORKING_HOURS)."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": token,
        "SLACK_SIGNING_SECRET": secret,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": f"sqlite:///{Path(scratch) / 'bench.db'}",
        "PORT": str(port),
        **more,
    }
    env.pop("SLACK_APP_TOKEN", None)  # HTTP mode, not Socket Mode
    return env


def baton_serve(host: str = "127.0.0.1", *extra: str) -> list[str]:
    """`baton serve` as this interpreter runs it (the console script is `bot.cli:main`)."""
    return [sys.executable, "-m", "bot.cli", "serve", "--host", host, *extra]


def tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"
