"""Outbox claim cost against the backlog, fair delivery under Slack's channel limit, and CPU
per delivered message against the original code.

(a) Claim cost. Two databases per backend, each with `--rows` (1M) pending rows: in one, 100
    are due; in the other, 50k (the rest due weeks from now). Each repetition times one
    `outbox.claim_due` as the deliverer calls it (a page of 100 rows, at most 5 per
    conversation, a 60 s lease, skipping conversations another sweeper holds), checks it
    claimed a full page, and puts the rows back. The two alternate (A B, B A, ...). Target:
    median(50k due) / median(100 due) <= 1.5 on SQLite and PostgreSQL: the claim reads an
    index range, it does not sort the backlog. The candidate query's plan is printed.

(b) Fair delivery. One busy channel (60 messages) and 49 quiet ones (10 each), all due at
    once (the busy one's rows first), delivered by Baton's Sweeper with default settings
    against a stand-in that refuses a second post to a channel within a second. Target:
    every quiet channel done within 1.5x its own ideal time (10 posts at 1/s: 10 s), the
    channels' achieved rates summed >= 90% of 1 msg/s each, no message posted twice, no
    message missing; on SQLite with one sweeper, on PostgreSQL with two.

(c) CPU per delivered message: bench/delivery_cpu.py (2000 messages over 40 channels, the
    stand-in in another process and unthrottled) run on this code and on the original
    commit (`--baseline`, checked out with git archive), alternated. Target: <= 0.5x.

    .venv/bin/python -m bench.sweep [--part claim|fair|cpu|all] [--backends sqlite,postgresql]
    .venv/bin/python -m bench.sweep --quick     # 100k rows / 10k due, 20 + 19x5 messages
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, event, update
from sqlmodel import col, func, select

from bench.common import add_database_arguments, database, interleaved, url_of, verdict
from bot.clock import SystemClock
from bot.config import load_settings
from bot.container import build_services
from bot.delivery.sweeper import Sweeper
from bot.ids import MetadataEvent
from bot.slack_standin import SlackStandIn
from store import outbox
from store.db import Database
from store.migrate import upgrade
from store.models import OutboxMessage, OutboxStatus

TOKEN = "xoxb-bench"
SECRET = "bench-signing-secret"
PAGE = 100  # rows per claim, the same for both backlogs: the comparison is of one page
PER_TARGET = 5  # what Deliverer.per_target() gives at Slack's 1 post/s
LEASE = timedelta(seconds=60)  # BATON_DELIVERY_LEASE's default
CLAIM_TARGET = 1.5
RATE_TARGET = 0.9
QUIET_TARGET = 1.5  # a quiet channel's time against its own ideal
CPU_TARGET = 0.5
BASELINE = "139080b"  # the code before issue 15
TABLE: Table = OutboxMessage.__table__  # type: ignore[attr-defined]

# -- (a) claim cost -----------------------------------------------------------------------


def _row(key: str, target: str, due_at: datetime, now: datetime) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "op": "post",
        "target": target,
        "parent_key": None,
        "text": "bench",
        "blocks": [],
        "handoff_id": None,
        "needs_unacknowledged": False,
        "after_key": None,
        "permalink": None,
        "notify_on_failure": None,
        "status": OutboxStatus.PENDING.value,
        "due_at": due_at,
        "lease_until": None,
        "attempts": 0,
        "last_error": None,
        "sent_channel": None,
        "sent_ts": None,
        "created_at": now,
        "updated_at": now,
    }


def populate(db: Database, *, pending: int, due: int, now: datetime) -> float:
    """`pending` rows in all, `due` of them due a minute ago, the rest spread over weeks from
    now. Bulk: COPY on PostgreSQL, executemany through Baton's column types on SQLite."""
    started = time.perf_counter()
    later = now + timedelta(days=30)
    far = pending - due

    def rows(start: int, stop: int) -> Iterator[dict[str, Any]]:
        for i in range(start, stop):
            if i < far:
                yield _row(f"bench:far:{i}", f"C{i % 500:05d}", later + timedelta(seconds=i), now)
            else:
                yield _row(f"bench:due:{i}", f"C{i % 500:05d}", now - timedelta(minutes=1), now)

    chunk = 20_000
    if db.dialect == "postgresql":
        columns = [c.name for c in TABLE.columns if c.name != "id"]
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            copy_sql = f"COPY outbox ({', '.join(columns)}) FROM STDIN"
            with cursor.copy(copy_sql) as copy:
                for row in rows(0, pending):
                    row["blocks"] = "[]"
                    copy.write_row([row[c] for c in columns])
            raw.commit()
            cursor.execute("ANALYZE outbox")  # as autovacuum would after a bulk load
            raw.commit()
        finally:
            raw.close()
    else:
        with db.engine.begin() as conn:
            for start in range(0, pending, chunk):
                conn.execute(TABLE.insert(), list(rows(start, min(start + chunk, pending))))
    return time.perf_counter() - started


def claim_and_reset(db: Database, due: int) -> float:
    started = time.perf_counter()
    rows = outbox.claim_due(
        db,
        now=datetime.now(UTC),
        lease=LEASE,
        limit=PAGE,
        skip_busy_targets=True,
        per_target=PER_TARGET,
    )
    elapsed = time.perf_counter() - started
    if len(rows) != min(due, PAGE):
        raise RuntimeError(f"claimed {len(rows)} rows, expected {min(due, PAGE)}")
    with db.write() as session:
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_([r.id for r in rows]))
            .values(status=OutboxStatus.PENDING, lease_until=None, attempts=0)
        )
    return elapsed


def claim_statement(db: Database, due: int) -> tuple[str, Any]:
    """The SQL claim_due sends (captured off the engine), with its parameters."""
    seen: list[tuple[str, Any]] = []  # the expired-lease candidates, then the pending ones

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM outbox" in statement and "outbox.status" in statement and "LIMIT" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        claim_and_reset(db, due)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    return seen[-1]


def query_plan(db: Database, due: int) -> list[str]:
    """The plan of the pending-rows candidate query (the one whose cost could follow the
    backlog)."""
    statement, parameters = claim_statement(db, due)
    with db.engine.connect() as conn:
        if db.dialect == "sqlite":
            found = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            depth: dict[int, int] = {0: 0}
            lines = []
            for node, parent, _unused, detail in found:
                depth[node] = depth.get(parent, 0) + 1
                lines.append("  " * (depth[node] - 1) + str(detail))
        else:
            found = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
            lines = [str(row[0]) for row in found]
        conn.rollback()
    return lines


def scans_table(plan: list[str]) -> bool:
    """A full pass over outbox: `SCAN outbox` (SQLite), `Seq Scan on outbox` (PostgreSQL)."""
    return any(re.search(r"\bSCAN outbox\b|Seq Scan on outbox\b", line) for line in plan)


@dataclass
class ClaimResult:
    backend: str
    rows: int
    small_due: int
    large_due: int
    small: list[float]
    large: list[float]
    plan: list[str]
    small_plan: list[str]
    load_seconds: float

    @property
    def ratio(self) -> float:
        return statistics.median(self.large) / statistics.median(self.small)


def bench_claims(
    backend: str,
    *,
    rows: int,
    small_due: int,
    large_due: int,
    reps: int,
    scratch: str,
    pg_url: str,
) -> ClaimResult:
    now = datetime.now(UTC)
    with (
        database(backend, scratch, pg_url, "small") as small_db,
        database(backend, scratch, pg_url, "large") as large_db,
    ):
        populate(small_db, pending=rows, due=small_due, now=now)
        load = populate(large_db, pending=rows, due=large_due, now=now)
        plan = query_plan(large_db, large_due)
        small_plan = query_plan(small_db, small_due)
        # 5 untimed rounds first: caches, statement compilation, connections.
        small_times, large_times = interleaved(
            [
                lambda: claim_and_reset(small_db, small_due),
                lambda: claim_and_reset(large_db, large_due),
            ],
            reps,
            warmup=5,
        )
    return ClaimResult(
        backend, rows, small_due, large_due, small_times, large_times, plan, small_plan, load
    )


def _count(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def report_claims(results: list[ClaimResult], *, reps: int) -> bool:
    ok = True
    for result in results:
        print(
            f"\nclaim's candidate query on {result.backend}, {_count(result.rows)} rows, "
            f"{_count(result.large_due)} due (loaded in {result.load_seconds:.1f} s):"
        )
        for line in result.plan:
            print(f"    {line}")
        print(
            f"  full table scan: {'YES' if scans_table(result.plan) else 'no'}; sort: "
            f"{'YES' if sorts(result.plan) else 'no'}"
        )
        print(f"  and with {_count(result.small_due)} due:")
        for line in result.small_plan:
            print(f"    {line.strip()}")
    if not results:
        return ok
    small, large = _count(results[0].small_due), _count(results[0].large_due)
    print(
        f"\n(a) claim_due(limit={PAGE}, per_target={PER_TARGET}) in a "
        f"{_count(results[0].rows)}-row table with {small} vs {large} due rows: median of "
        f"{reps} claims each, alternated (ms)"
    )
    header = (
        f"{'backend':<11} {small + ' p50':>9} {large + ' p50':>9} {small + ' p90':>9} "
        f"{large + ' p90':>9} {'ratio':>6}  target"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        met = result.ratio <= CLAIM_TARGET
        ok &= met
        p90 = [statistics.quantiles(t, n=10)[-1] * 1e3 for t in (result.small, result.large)]
        print(
            f"{result.backend:<11} {statistics.median(result.small) * 1e3:>9.2f} "
            f"{statistics.median(result.large) * 1e3:>9.2f} {p90[0]:>9.2f} {p90[1]:>9.2f} "
            f"{result.ratio:>6.2f}  <= {CLAIM_TARGET}: {verdict(met)}"
        )
    return ok


def sorts(plan: list[str]) -> bool:
    """A sort of the candidates: `USE TEMP B-TREE FOR ORDER BY` (SQLite), `Sort` (PostgreSQL)."""
    return any(re.search(r"TEMP B-TREE FOR ORDER BY|\bSort\b", line) for line in plan)


# -- (b) fair delivery ----------------------------------------------------------------------


@dataclass
class FairResult:
    label: str
    counts: dict[str, int]  # channel -> messages
    done: dict[str, float]  # channel -> seconds from start to its last post, + its 1 s slot
    refused_429: int
    duplicates: int
    missing: int

    def quiet(self) -> dict[str, float]:
        """Each quiet channel's time against its ideal (n posts at 1/s take n seconds)."""
        busiest = max(self.counts.values())
        return {
            c: self.done.get(c, float("inf")) / n for c, n in self.counts.items() if n < busiest
        }

    @property
    def worst_quiet(self) -> float:
        return max(self.quiet().values(), default=0.0)

    @property
    def rate_share(self) -> float:
        """Achieved per-channel rates, summed, against the summed 1 msg/s per channel."""
        rates = [n / self.done[c] if c in self.done else 0.0 for c, n in self.counts.items()]
        return sum(rates) / len(self.counts)

    @property
    def met(self) -> bool:
        return (
            self.worst_quiet <= QUIET_TARGET
            and self.rate_share >= RATE_TARGET
            and self.duplicates == 0
            and self.missing == 0
        )


def bench_fair(
    *, busy: int, quiet_channels: int, quiet: int, db_url: str, sweepers: int, label: str
) -> FairResult:
    """One busy channel and many quiet ones, all due at once, delivered by Baton's Sweeper
    with default settings (BATON_SWEEP_INTERVAL 15 s) against a stand-in that refuses a
    second post to a channel within a second."""
    standin = SlackStandIn(bot_token=TOKEN)
    standin.per_channel_post_limit = 1.0
    counts = {"C0BUSY": busy} | {f"C0QUIET{i:03d}": quiet for i in range(quiet_channels)}
    for channel in counts:
        standin.add_channel(channel, channel.lower())
    api_url = standin.serve()
    settings = load_settings(
        env_file=None,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=api_url,
        database_url=db_url,
    )
    db = Database(settings.database_url)
    upgrade(db)
    # One set of services per sweeper, as separate `baton serve` / `baton worker` processes
    # have: their own Deliverer, pacer, Web API client and engine, one outbox.
    everyone = [
        build_services(settings, SystemClock(), db=Database(settings.database_url))
        for _ in range(sweepers)
    ]
    now = datetime.now(UTC)
    with db.write() as session:
        # The busy channel's backlog first, as when it was written in a burst before the rest.
        index = 0
        for channel, n in counts.items():
            for k in range(n):
                index += 1
                outbox.enqueue(
                    session,
                    outbox.NewMessage(
                        key=f"bench:{channel}:{k}",
                        target=channel,
                        text=f"message {k} for {channel}",
                        blocks=[],
                        due_at=now - timedelta(seconds=1) + timedelta(microseconds=index),
                    ),
                    now=now,
                )
    total = sum(counts.values())

    def sent() -> int:
        with db.read() as session:
            query = select(func.count()).where(col(OutboxMessage.status) == OutboxStatus.SENT)
            return int(session.exec(query).one())

    running = [Sweeper(s.deliverer, settings.sweep_interval) for s in everyone]
    started = time.time()
    deadline = time.monotonic() + 3 * busy + 60
    try:
        for sweeper in running:
            sweeper.start()
        while sent() < total and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        for sweeper in running:
            sweeper.shutdown()
        for services in everyone:
            services.close()
        standin.stop()
        db.dispose()
    posts = standin.calls_to("chat.postMessage")
    done: dict[str, float] = {}
    for call in posts:
        if call.status == 200:
            channel = str(call.params.get("channel"))
            done[channel] = max(done.get(channel, 0.0), call.at - started + 1.0)
    keys: Counter[str] = Counter()
    for channel in counts:
        for message in standin.messages(channel):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == MetadataEvent.OUTBOX:
                keys[metadata["event_payload"]["key"]] += 1
    expected = {f"bench:{c}:{k}" for c, n in counts.items() for k in range(n)}
    return FairResult(
        label=label,
        counts=counts,
        done=done,
        refused_429=sum(1 for call in posts if call.status == 429),
        duplicates=sum(n - 1 for n in keys.values() if n > 1),
        missing=len(expected - set(keys)),
    )


def report_fair(results: list[FairResult]) -> bool:
    if not results:
        return True
    first = results[0]
    busy = max(first.counts.values())
    quiet = min(first.counts.values())
    print(
        f"\n(b) fair delivery at 1 post/s/channel (429 + Retry-After: 1 over it), default "
        f"settings: 1 channel with {busy} messages, {len(first.counts) - 1} with {quiet}"
    )
    header = (
        f"{'setup':<26} {'quiet worst':>11} {'quiet p50':>9} {'busy':>6} {'rate':>6} "
        f"{'429s':>5} {'dupes':>5} {'missing':>7}  target"
    )
    print(header)
    print("-" * len(header))
    ok = True
    for r in results:
        ok &= r.met
        ratios = sorted(r.quiet().values())
        print(
            f"{r.label:<26} {r.worst_quiet:>10.2f}x {statistics.median(ratios):>8.2f}x "
            f"{r.done.get('C0BUSY', float('inf')):>5.0f}s {r.rate_share:>6.0%} "
            f"{r.refused_429:>5} {r.duplicates:>5} {r.missing:>7}  quiet <= {QUIET_TARGET}x "
            f"ideal, rate >= {RATE_TARGET:.0%}, 0 dupes: {verdict(r.met)}"
        )
    print(
        "    quiet: a quiet channel's last post (+ its 1 s slot) against its ideal "
        f"({quiet} s); busy: the same for the busy one (ideal {busy} s);\n    rate: each "
        "channel's achieved msg/s, summed, against 1 msg/s per channel"
    )
    return ok


# -- (c) CPU per delivered message, against the original code -------------------------------


def cpu_per_message(source: Path, messages: int, channels: int) -> float:
    """Run bench/delivery_cpu.py with `source` first on the import path."""
    probe = Path(__file__).with_name("delivery_cpu.py")
    env = {**os.environ, "PYTHONPATH": str(source)}
    done = subprocess.run(
        [sys.executable, str(probe), "--messages", str(messages), "--channels", str(channels)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"delivery_cpu.py under {source} failed:\n{done.stderr[-2000:]}")
    return float(json.loads(done.stdout.strip().splitlines()[-1])["cpu_ms_per_message"])


def bench_cpu(baseline: str, messages: int, channels: int, rounds: int, scratch: str) -> bool:
    root = Path(__file__).resolve().parent.parent
    old = Path(scratch) / "baseline"
    old.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", baseline], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
    ours: list[float] = []
    theirs: list[float] = []
    for index in range(rounds):  # alternated, so drift lands on both
        order = [(root, ours), (old, theirs)]
        for source, into in order if index % 2 == 0 else reversed(order):
            into.append(cpu_per_message(source, messages, channels))
    ratio = statistics.median(ours) / statistics.median(theirs)
    met = ratio <= CPU_TARGET
    print(
        f"\n(c) CPU per delivered message (claim, post, mark sent; the stand-in in another "
        f"process, unthrottled), {messages} messages over {channels} channels, median of "
        f"{rounds} runs each:\n    this code {statistics.median(ours):.2f} ms, the original "
        f"({baseline}) {statistics.median(theirs):.2f} ms: x{ratio:.2f}  "
        f"(<= {CPU_TARGET}: {verdict(met)})"
    )
    return met


# -- main ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("claim", "fair", "cpu", "all"), default="all")
    parser.add_argument("--rows", type=int, default=1_000_000, help="the table's size")
    parser.add_argument("--small-due", type=int, default=100, help="due rows, small backlog")
    parser.add_argument("--large-due", type=int, default=50_000, help="due rows, large backlog")
    parser.add_argument("--reps", type=int, default=40, help="claims timed per backlog")
    add_database_arguments(parser)
    parser.add_argument("--busy", type=int, default=60, help="messages in the busy channel")
    parser.add_argument("--quiet-channels", type=int, default=49)
    parser.add_argument("--quiet", type=int, default=10, help="messages per quiet channel")
    parser.add_argument("--baseline", default=BASELINE, help="the commit CPU is compared with")
    parser.add_argument("--cpu-messages", type=int, default=2000)
    parser.add_argument("--cpu-rounds", type=int, default=3)
    parser.add_argument(
        "--quick", action="store_true", help="100k rows, 10k due, 15 reps; 20+19x5 messages"
    )
    args = parser.parse_args()
    if args.quick:
        args.rows, args.large_due, args.reps = 100_000, 10_000, 15
        args.busy, args.quiet_channels, args.quiet = 20, 19, 5
        args.cpu_messages, args.cpu_rounds = 1000, 1
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth is 1"
    backends = args.backends.split(",")

    verdicts: dict[str, bool] = {}
    with tempfile.TemporaryDirectory() as scratch:
        if args.part in ("claim", "all"):
            results = [
                bench_claims(
                    backend,
                    rows=args.rows,
                    small_due=args.small_due,
                    large_due=args.large_due,
                    reps=args.reps,
                    scratch=scratch,
                    pg_url=args.pg_url,
                )
                for backend in backends
            ]
            verdicts["(a) claim cost flat in the backlog"] = report_claims(results, reps=args.reps)
        if args.part in ("fair", "all"):
            fair = []
            setups = [(b, 1 if b == "sqlite" else 2) for b in backends]
            for backend, sweepers in setups:
                with database(backend, scratch, args.pg_url, f"fair{sweepers}") as db:
                    fair.append(
                        bench_fair(
                            busy=args.busy,
                            quiet_channels=args.quiet_channels,
                            quiet=args.quiet,
                            db_url=url_of(db),
                            sweepers=sweepers,
                            label=f"{backend}, {sweepers} sweeper{'s' if sweepers > 1 else ''}",
                        )
                    )
            verdicts["(b) fair delivery"] = report_fair(fair)
        if args.part in ("cpu", "all"):
            verdicts["(c) CPU per message"] = bench_cpu(
                args.baseline, args.cpu_messages, 40, args.cpu_rounds, scratch
            )
    print()
    for name, met in verdicts.items():
        print(f"{name}: {verdict(met)}")
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
