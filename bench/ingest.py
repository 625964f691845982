"""Sustained `POST /kpi` readings per second against a bare insert of the same rows, in one run.

`baton serve --no-scheduler` (a process of its own, BATON_INGEST_TOKEN set) takes readings
from one keep-alive client posting back to back: batches of `--batch` readings per request,
then one reading per request. The baseline is bench/bare_ingest.py: a minimal WSGI endpoint on
the same server (waitress, 8 threads, its own process) that checks the token, parses the same
JSON and inserts the same rows with one Core executemany per request. The two alternate over
`--rounds` rounds (B A, A B, ...) into the same database; the medians are reported, with
Baton's share of the bare endpoint's rate, on SQLite and PostgreSQL. Every row is counted at
the end. Target (issue 6 set none; this is a floor against regressions): Baton >= 15% of the
bare endpoint's rate in every mode; the bench exits non-zero below it or when a row is lost.

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
    verdict,
)
from bot.slack_standin import SlackStandIn
from store.db import Database
from store.models import KpiReading, Publish

TOKEN = "bench-ingest-token"
CHANNEL = "C0BENCH"
READINGS: Table = KpiReading.__table__  # type: ignore[attr-defined]
SHARE_TARGET = 0.15
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


def count(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(READINGS)).scalar_one())


def bench(
    backend: str, modes: list[tuple[int, int]], *, rounds: int, scratch: str, pg_url: str
) -> list[tuple[int, float, float]]:
    """(readings per request, Baton's median rate, bare median rate) for each mode."""
    standin = SlackStandIn(bot_token="xoxb-bench")  # never called: /kpi needs no Slack
    port, bare_port = free_port(), free_port()
    results = []
    with database(backend, scratch, pg_url, f"ingest-{backend}") as db:
        add_publish(db)
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
        bare_log = Path(scratch) / f"bare-{backend}.log"
        url = f"http://127.0.0.1:{port}/kpi"
        bare_url = f"http://127.0.0.1:{bare_port}/kpi"
        bare_cmd = [sys.executable, "-m", "bench.bare_ingest", "--port", str(bare_port)]
        bare_cmd += ["--database-url", url_of(db), "--token", TOKEN]
        expected = 0
        try:
            with (
                process(baton_serve("127.0.0.1", "--no-scheduler"), env, port, log),
                process(bare_cmd, env, bare_port, bare_log),
                requests.Session() as session,
                requests.Session() as bare_session,
            ):
                for size, total in modes:
                    chunks = batches(readings(total), size)
                    post_all(session, url, chunks[:5])  # warm-up, both ways
                    post_all(bare_session, bare_url, chunks[:5])
                    baton, bare = interleaved(
                        [
                            partial(post_all, session, url, chunks),
                            partial(post_all, bare_session, bare_url, chunks),
                        ],
                        rounds,
                    )
                    expected += 2 * (rounds * total + sum(map(len, chunks[:5])))
                    results.append((size, statistics.median(baton), statistics.median(bare)))
        except Exception:
            print(f"--- baton serve's log (tail)\n{tail(log)}", file=sys.stderr)
            print(f"--- the bare endpoint's log (tail)\n{tail(bare_log)}", file=sys.stderr)
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
        "POST /kpi to `baton serve` (one keep-alive client, back to back) vs a minimal WSGI "
        "endpoint on waitress that parses the same JSON and inserts the same rows; median of "
        f"{args.rounds} alternated rounds"
    )
    header = (
        f"{'backend':<11} {'per request':>11} {'POST /kpi/s':>11} {'bare/s':>9} {'share':>6} "
        f"{'ms/request':>10}"
    )
    print(header)
    print("-" * len(header))
    ok = True
    with tempfile.TemporaryDirectory() as scratch:
        for backend in args.backends.split(","):
            for size, baton, bare in bench(
                backend, modes, rounds=args.rounds, scratch=scratch, pg_url=args.pg_url
            ):
                ok &= baton / bare >= SHARE_TARGET
                print(
                    f"{backend:<11} {size:>11} {baton:>11.0f} {bare:>9.0f} {baton / bare:>6.1%} "
                    f"{size / baton * 1e3:>10.2f}"
                )
    print(
        "readings/s; share = POST /kpi rate / the bare endpoint's rate; "
        f"target share >= {SHARE_TARGET:.0%}: {verdict(ok)}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
