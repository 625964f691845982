"""Sustained `POST /kpi` readings per second against a bare insert of the same rows, in one run.

`baton serve --no-scheduler` (a process of its own, BATON_INGEST_TOKEN set) takes readings
from one keep-alive client posting back to back: batches of `--batch` readings per request,
then one reading per request. The baseline, in this process, inserts the same rows into
kpi_reading with SQLAlchemy Core, one executemany per batch (per reading for singles) in a
transaction of its own, as Baton commits once per request. Baton and the baseline alternate
over `--rounds` rounds (B A, A B, ...) into the same database; the medians are reported, with
Baton's share of the bare rate, on SQLite and PostgreSQL. Every row is counted at the end.
No fixed target (issue 6): the figures are for the README.

    .venv/bin/python -m bench.ingest [--readings 20000] [--singles 2000] [--batch 100]
    .venv/bin/python -m bench.ingest --quick
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import Table, func, select

from bench.common import (
    add_database_arguments,
    baton_serve,
    database,
    free_port,
    interleaved,
    process,
    tail,
    url_of,
)
from bot.slack_standin import SlackStandIn
from store.db import Database
from store.models import KpiReading, Publish

TOKEN = "bench-ingest-token"
CHANNEL = "C0BENCH"
READINGS: Table = KpiReading.__table__  # type: ignore[attr-defined]
METRICS = ("reach", "impressions", "clicks", "engagement_rate", "click_through_rate")


def add_publish(db: Database) -> int:
    now = datetime.now(UTC)
    with db.write() as session:
        publish = Publish(
            channel_id=CHANNEL,
            name="Bench launch",
            name_key="bench launch",
            link="https://example.com/launch",
            surface="LinkedIn",
            owner_id="U0ANA",
            backup_owner_id="U0BEN",
            window_start=now - timedelta(days=1),
            window_end=now - timedelta(hours=22),
            rules=[],
            created_by="U0ANA",
            created_at=now - timedelta(days=1),
            decision_due_at=now + timedelta(days=30),
        )
        session.add(publish)
        session.flush()
        assert publish.id is not None
        return publish.id


def readings(count: int) -> list[dict[str, Any]]:
    """What an analytics tool posts: the publish by name, a metric, a value, when."""
    start = datetime.now(UTC) - timedelta(hours=12)
    out = []
    for i in range(count):
        metric = METRICS[i % len(METRICS)]
        out.append(
            {
                "channel": CHANNEL,
                "publish": "bench launch",
                "metric": metric,
                "value": 0.012 if metric.endswith("rate") else float(i),
                "observed_at": (start + timedelta(seconds=i)).isoformat(),
                "source": "bench",
            }
        )
    return out


def batches(body: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [body[i : i + size] for i in range(0, len(body), size)]


def post_all(session: requests.Session, url: str, chunks: list[list[dict[str, Any]]]) -> float:
    """Readings per second through POST /kpi, one request per chunk, back to back."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    started = time.perf_counter()
    for chunk in chunks:
        answer = session.post(url, json=chunk if len(chunk) > 1 else chunk[0], headers=headers)
        if answer.status_code != 201 or answer.json() != {"recorded": len(chunk)}:
            raise RuntimeError(f"POST /kpi answered {answer.status_code}: {answer.text[:300]}")
    return sum(map(len, chunks)) / (time.perf_counter() - started)


def insert_all(db: Database, publish_id: int, chunks: list[list[dict[str, Any]]]) -> float:
    """Readings per second through SQLAlchemy Core alone, one transaction per chunk."""
    now = datetime.now(UTC)
    rows = [
        [
            {
                "publish_id": publish_id,
                "metric": r["metric"],
                "value": r["value"],
                "observed_at": datetime.fromisoformat(r["observed_at"]),
                "source": r["source"],
                "recorded_by": None,
                "created_at": now,
            }
            for r in chunk
        ]
        for chunk in chunks
    ]
    started = time.perf_counter()
    for chunk_rows in rows:
        with db.engine.begin() as conn:
            conn.execute(READINGS.insert(), chunk_rows)
    return sum(map(len, rows)) / (time.perf_counter() - started)


def count(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(READINGS)).scalar_one())


def bench(
    backend: str, modes: list[tuple[int, int]], *, rounds: int, scratch: str, pg_url: str
) -> list[tuple[int, float, float]]:
    """(readings per request, Baton's median rate, bare median rate) for each mode."""
    standin = SlackStandIn(bot_token="xoxb-bench")  # never called: /kpi needs no Slack
    port = free_port()
    results = []
    with database(backend, scratch, pg_url, f"ingest-{backend}") as db:
        publish_id = add_publish(db)
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": "bench-signing-secret",
            "SLACK_API_URL": standin.serve(),
            "DATABASE_URL": url_of(db),
            "PORT": str(port),
            "BATON_INGEST_TOKEN": TOKEN,
        }
        env.pop("SLACK_APP_TOKEN", None)
        log = Path(scratch) / f"baton-{backend}.log"
        url = f"http://127.0.0.1:{port}/kpi"
        expected = 0
        try:
            with (
                process(baton_serve("127.0.0.1", "--no-scheduler"), env, port, log),
                requests.Session() as session,
            ):
                for size, total in modes:
                    chunks = batches(readings(total), size)
                    post_all(session, url, chunks[:5])  # warm-up, both ways
                    insert_all(db, publish_id, chunks[:5])
                    baton, bare = interleaved(
                        [
                            partial(post_all, session, url, chunks),
                            partial(insert_all, db, publish_id, chunks),
                        ],
                        rounds,
                    )
                    expected += 2 * (rounds * total + sum(map(len, chunks[:5])))
                    results.append((size, statistics.median(baton), statistics.median(bare)))
        except Exception:
            print(f"--- baton serve's log (tail)\n{tail(log)}", file=sys.stderr)
            raise
        finally:
            standin.stop()
        if count(db) != expected:
            raise RuntimeError(f"{count(db)} readings stored, {expected} sent")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readings", type=int, default=20_000, help="per round, in batches")
    parser.add_argument("--batch", type=int, default=100, help="readings per request")
    parser.add_argument("--singles", type=int, default=2_000, help="per round, one a request")
    parser.add_argument("--rounds", type=int, default=3, help="alternations of Baton and bare")
    add_database_arguments(parser)
    parser.add_argument("--quick", action="store_true", help="4,000 + 400 readings, 2 rounds")
    args = parser.parse_args()
    if args.quick:
        args.readings, args.singles, args.rounds = 4_000, 400, 2
    modes = [(args.batch, args.readings), (1, args.singles)]
    print(
        "POST /kpi to `baton serve` (one keep-alive client, back to back) vs a bare SQLAlchemy "
        f"Core insert of the same rows; median of {args.rounds} alternated rounds"
    )
    header = (
        f"{'backend':<11} {'per request':>11} {'POST /kpi/s':>11} {'bare/s':>9} {'share':>6} "
        f"{'ms/request':>10}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as scratch:
        for backend in args.backends.split(","):
            for size, baton, bare in bench(
                backend, modes, rounds=args.rounds, scratch=scratch, pg_url=args.pg_url
            ):
                print(
                    f"{backend:<11} {size:>11} {baton:>11.0f} {bare:>9.0f} {baton / bare:>6.1%} "
                    f"{size / baton * 1e3:>10.2f}"
                )
    print("readings/s; share = POST /kpi rate / bare insert rate (no fixed target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
