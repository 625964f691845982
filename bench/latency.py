"""How soon a due message reaches Slack with default settings, and what an idle worker costs.

(a) Due to posted. BATON_SWEEP_INTERVAL stays at its default (15 s, the safety net). Rows are
    written one at a time at random moments, each due at a random instant 0-3 s after it is
    written (so the sweeper must sleep until it) or already due (so a write must wake it).
    Measured: the stand-in's arrival time of each post minus the row's due_at.
    - "one process": the sweeper in the writing process (as `baton serve` runs it), SQLite;
    - "PostgreSQL, other process": a `baton worker` process, rows written by this one (woken
      by LISTEN/NOTIFY).
    Target: p50 <= 1 s and p99 <= 2 s in each.

(b) Idle cost. A `baton worker` with default settings and nothing to do: CPU seconds (user +
    system, /proc/<pid>/stat) over 60 s. Target: < 1% of a core.

    .venv/bin/python -m bench.latency [--messages 80] [--idle 60]
    .venv/bin/python -m bench.latency --quick        # 30 messages, 20 s idle
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import DEFAULT_PG_URL, database, quantile_ms, url_of, verdict
from bot.clock import SystemClock
from bot.config import load_settings
from bot.container import build_services
from bot.delivery.sweeper import Sweeper
from bot.ids import MetadataEvent
from bot.slack_standin import SlackStandIn
from store import outbox
from store.db import Database
from store.migrate import upgrade

TOKEN = "xoxb-bench"
P50_TARGET, P99_TARGET = 1.0, 2.0
IDLE_TARGET = 0.01  # of one core


def _channels(n: int) -> list[str]:
    return [f"C0LAT{i:03d}" for i in range(n)]


def write_rows(db: Database, count: int, channels: list[str], seed: int = 7) -> dict[str, float]:
    """Rows written one by one at random moments; returns key -> due (epoch seconds)."""
    rng = random.Random(seed)
    due: dict[str, float] = {}
    for index in range(count):
        time.sleep(rng.uniform(0.05, 0.6))
        now = datetime.now(UTC)
        ahead = 0.0 if rng.random() < 0.3 else rng.uniform(0.0, 3.0)
        key = f"lat:{index}"
        when = now + timedelta(seconds=ahead)
        with db.write() as session:
            outbox.enqueue(
                session,
                outbox.NewMessage(
                    key=key,
                    target=channels[index % len(channels)],
                    text=f"message {index}",
                    blocks=[],
                    due_at=when,
                ),
                now=now,
            )
        due[key] = when.timestamp()
    return due


def arrivals(standin: Any, channels: list[str]) -> dict[str, float]:
    """key -> when the stand-in accepted the post (epoch seconds)."""
    found: dict[str, float] = {}
    for call in standin.calls_to("chat.postMessage"):
        metadata = call.params.get("metadata") or {}
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        if call.status == 200 and metadata.get("event_type") == MetadataEvent.OUTBOX:
            found.setdefault(metadata["event_payload"]["key"], call.at)
    return found


def wait_all(standin: Any, channels: list[str], keys: set[str], timeout: float) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while True:
        got = arrivals(standin, channels)
        if keys <= set(got) or time.monotonic() > deadline:
            return got
        time.sleep(0.2)


def lateness(due: dict[str, float], got: dict[str, float]) -> list[float]:
    return [max(got[k] - due[k], 0.0) if k in got else float("inf") for k in due]


def in_one_process(count: int, scratch: str) -> list[float]:
    standin = SlackStandIn(bot_token=TOKEN)
    channels = _channels(20)
    for channel in channels:
        standin.add_channel(channel, channel.lower())
    api_url = standin.serve()
    settings = load_settings(
        env_file=None,
        slack_bot_token=TOKEN,
        slack_api_url=api_url,
        database_url=f"sqlite:///{Path(scratch) / 'latency.db'}",
    )
    db = Database(settings.database_url)
    upgrade(db)
    services = build_services(settings, SystemClock(), db=db)
    sweeper = Sweeper(services.deliverer, settings.sweep_interval, plan=services.plan)
    try:
        sweeper.start()
        time.sleep(1.0)
        due = write_rows(db, count, channels)
        got = wait_all(standin, channels, set(due), timeout=30)
    finally:
        sweeper.shutdown()
        services.close()
        standin.stop()
    return lateness(due, got)


def worker_env(api_url: str, db_url: str) -> dict[str, str]:
    env = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": api_url, "DATABASE_URL": db_url}
    for name in ("BATON_SWEEP_INTERVAL", "SLACK_APP_TOKEN"):
        env.pop(name, None)  # defaults
    return env


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = log.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "worker"], env=env, stdout=out, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while "sweeper delivering" not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"baton worker did not start:\n{log.read_text()[-2000:]}")
        time.sleep(0.1)
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def in_another_process(count: int, scratch: str, pg_url: str) -> list[float]:
    standin = SlackStandIn(bot_token=TOKEN)
    channels = _channels(20)
    for channel in channels:
        standin.add_channel(channel, channel.lower())
    api_url = standin.serve()
    try:
        with database("postgresql", scratch, pg_url, "latency") as db:
            proc = start_worker(worker_env(api_url, url_of(db)), Path(scratch) / "worker.log")
            try:
                time.sleep(1.0)
                due = write_rows(db, count, channels, seed=11)
                got = wait_all(standin, channels, set(due), timeout=30)
            finally:
                stop(proc)
    finally:
        standin.stop()
    return lateness(due, got)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


def idle_worker(seconds: float, scratch: str, backend: str, pg_url: str) -> float:
    standin = SlackStandIn(bot_token=TOKEN)
    api_url = standin.serve()
    try:
        with database(backend, scratch, pg_url, "idle") as db:
            proc = start_worker(worker_env(api_url, url_of(db)), Path(scratch) / "idle.log")
            try:
                time.sleep(3.0)  # past start-up: imports, migrations, the first plan
                before = cpu_seconds(proc.pid)
                time.sleep(seconds)
                used = cpu_seconds(proc.pid) - before
            finally:
                stop(proc)
    finally:
        standin.stop()
    return used / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=80)
    parser.add_argument("--idle", type=float, default=60.0, help="seconds of idle measured")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL))
    parser.add_argument("--quick", action="store_true", help="30 messages, 20 s idle")
    args = parser.parse_args()
    if args.quick:
        args.messages, args.idle = 30, 20.0
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    ok = True
    with tempfile.TemporaryDirectory() as scratch:
        runs = {
            "one process, SQLite": in_one_process(args.messages, scratch),
            "PostgreSQL, other process": in_another_process(args.messages, scratch, args.pg_url),
        }
        idle = {
            backend: idle_worker(args.idle, scratch, backend, args.pg_url)
            for backend in ("sqlite", "postgresql")
        }
    print(
        f"(a) due -> posted, default BATON_SWEEP_INTERVAL (15 s), {args.messages} messages "
        "written at random moments, due 0-3 s later or at once (ms)"
    )
    header = f"{'where':<27} {'p50':>7} {'p90':>7} {'p99':>7} {'max':>7}  target"
    print(header)
    print("-" * len(header))
    for name, late in runs.items():
        p50, p90, p99 = (quantile_ms(late, q) for q in (50, 90, 99))
        met = p50 <= P50_TARGET * 1e3 and p99 <= P99_TARGET * 1e3
        ok &= met
        print(
            f"{name:<27} {p50:>7.0f} {p90:>7.0f} {p99:>7.0f} {max(late) * 1e3:>7.0f}  "
            f"p50 <= {P50_TARGET * 1e3:.0f}, p99 <= {P99_TARGET * 1e3:.0f}: {verdict(met)}"
        )
    print(f"\n(b) idle `baton worker`, default settings, CPU over {args.idle:.0f} s")
    for backend, share in idle.items():
        met = share < IDLE_TARGET
        ok &= met
        print(f"    {backend:<11} {share:.2%} of a core  (< {IDLE_TARGET:.0%}: {verdict(met)})")
    print("\ntarget:", verdict(ok))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
