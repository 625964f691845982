"""Outbox sweep cost against table size, and delivery throughput under Slack's channel limit.

(a) Claim cost. Two databases per backend, one with 10k pending rows and one with `--rows`
    (1M), almost all due weeks from now and 100 due already. Each repetition times one
    `outbox.claim_due` as `Deliverer.sweep` calls it (limit 200, a 60 s lease, skipping
    conversations another sweeper holds), checks it claimed exactly the 100 due rows, and
    puts them back to pending. The two sizes alternate (A B, B A, ...) so machine noise lands
    on both. Target: median(large) / median(small) <= 1.5 on SQLite and on PostgreSQL, i.e.
    the claim does not scan the table. The claim's query plan is printed (EXPLAIN QUERY PLAN /
    EXPLAIN of the exact statement it sent).

(b) Delivery throughput. The stand-in refuses a second post to a channel within a second (429,
    Retry-After: 1). N messages over M channels are enqueued, all due, and Baton's own sweeper
    (bot.delivery.sweeper.Sweeper ticking Deliverer.sweep, services from build_services, real
    clock) delivers them. Achieved rate = N / (last post - start + 1 s), against the M msg/s
    the limit allows. Target: >= 90%, and no message posted twice (counted by the idempotency
    key in each message's metadata).

    .venv/bin/python -m bench.sweep [--rows 1000000] [--channels 8,40] [--per-channel 10]
    .venv/bin/python -m bench.sweep --quick          # 100k rows, fewer repetitions and messages
"""

from __future__ import annotations

import argparse
import logging
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy import Table, event, update
from sqlmodel import col, func, select

from bench.common import add_database_arguments, database, interleaved, url_of, verdict
from bot.clock import SystemClock
from bot.config import load_settings
from bot.delivery.sweeper import Sweeper
from bot.ids import MetadataEvent
from bot.services.container import build_services
from bot.slack_standin import SlackStandIn
from store import outbox
from store.db import Database
from store.migrate import upgrade
from store.models import OutboxMessage, OutboxStatus

TOKEN = "xoxb-bench"
SECRET = "bench-signing-secret"
BATCH = 200  # Deliverer.sweep's default claim size
LEASE = timedelta(seconds=60)  # BATON_DELIVERY_LEASE's default
CLAIM_TARGET = 1.5
RATE_TARGET = 0.9
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
        db, now=datetime.now(UTC), lease=LEASE, limit=BATCH, skip_busy_targets=True
    )
    elapsed = time.perf_counter() - started
    if len(rows) != due:
        raise RuntimeError(f"claimed {len(rows)} rows, expected the {due} due ones")
    with db.write() as session:
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_([r.id for r in rows]))
            .values(status=OutboxStatus.PENDING, lease_until=None, attempts=0)
        )
    return elapsed


def claim_statement(db: Database, due: int) -> tuple[str, Any]:
    """The SQL claim_due sends (captured off the engine), with its parameters."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE OUTBOX"):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        claim_and_reset(db, due)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    return seen[0]


def query_plan(db: Database, due: int) -> list[str]:
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
    small_rows: int
    large_rows: int
    small: list[float]
    large: list[float]
    plan: list[str]
    small_plan: list[str]
    load_seconds: float

    @property
    def ratio(self) -> float:
        return statistics.median(self.large) / statistics.median(self.small)


def bench_claims(
    backend: str, *, small: int, large: int, due: int, reps: int, scratch: str, pg_url: str
) -> ClaimResult:
    now = datetime.now(UTC)
    with (
        database(backend, scratch, pg_url, "small") as small_db,
        database(backend, scratch, pg_url, "large") as large_db,
    ):
        populate(small_db, pending=small, due=due, now=now)
        load = populate(large_db, pending=large, due=due, now=now)
        plan = query_plan(large_db, due)
        small_plan = query_plan(small_db, due)
        # 5 untimed rounds first: caches, statement compilation, connections.
        small_times, large_times = interleaved(
            [lambda: claim_and_reset(small_db, due), lambda: claim_and_reset(large_db, due)],
            reps,
            warmup=5,
        )
    return ClaimResult(backend, small, large, small_times, large_times, plan, small_plan, load)


def _count(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def report_claims(results: list[ClaimResult], *, due: int, reps: int) -> bool:
    ok = True
    for result in results:
        print(
            f"\nclaim query plan on {result.backend}, {_count(result.large_rows)} rows "
            f"(loaded in {result.load_seconds:.1f} s):"
        )
        for line in result.plan:
            print(f"    {line}")
        print(f"  full table scan in plan: {'YES' if scans_table(result.plan) else 'no'}")
        print(f"  and at {_count(result.small_rows)} rows, its scans:")
        for line in result.small_plan:
            if re.search(r"SCAN|SEARCH|Scan on|Scan using", line):
                print(f"    {line.strip()}")
        print(f"  full table scan in plan: {'YES' if scans_table(result.small_plan) else 'no'}")
    print(
        f"\n(a) claim_due(limit={BATCH}) with {due} due rows: median of {reps} claims per size,"
        " sizes alternated (ms)"
    )
    if not results:
        return ok
    small, large = _count(results[0].small_rows), _count(results[0].large_rows)
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


# -- (b) delivery throughput --------------------------------------------------------------


@dataclass
class DeliveryResult:
    channels: int
    messages: int
    sent_rows: int
    seconds: float
    posted: int
    refused_429: int
    refused_right_after: int  # < 0.1 s after the channel's previous post
    refused_at_slot: int  # 0.9-1.0 s after it: the pacer's 1 s spacing, minus jitter
    duplicates: int
    missing: int
    finished: bool
    setup: str

    @property
    def allowed(self) -> float:
        return float(self.channels)  # 1 msg/s/channel

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds > 0 else 0.0


def refusal_gaps(posts: list[Any]) -> list[float]:
    """For each 429, the time since that channel's previous accepted post."""
    last: dict[str, float] = {}
    gaps = []
    for call in sorted(posts, key=lambda c: c.at):
        channel = str(call.params.get("channel"))
        if call.status == 429 and channel in last:
            gaps.append(call.at - last[channel])
        elif call.status == 200:
            last[channel] = call.at
    return gaps


def bench_delivery(
    *,
    channels: int,
    per_channel: int,
    tick: float,
    db_url: str,
    timeout: float,
    sweepers: int,
    lease: float | None,
) -> DeliveryResult:
    standin = SlackStandIn(bot_token=TOKEN)
    standin.per_channel_post_limit = 1.0
    ids = [f"C0BENCH{i:04d}" for i in range(channels)]
    for channel in ids:
        standin.add_channel(channel, channel.lower())
    api_url = standin.serve()
    overrides: dict[str, Any] = {} if lease is None else {"delivery_lease": lease}
    settings = load_settings(
        env_file=None,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=api_url,
        database_url=db_url,
        **overrides,
    )
    db = Database(settings.database_url)
    upgrade(db)
    # One set of services per sweeper, as separate `baton serve` / `baton worker` processes
    # have: their own Deliverer, pacer, Web API client and engine, one outbox.
    everyone = [
        build_services(settings, SystemClock(), db=Database(settings.database_url))
        for _ in range(sweepers)
    ]
    total = channels * per_channel
    now = datetime.now(UTC)
    with db.write() as session:
        for index in range(total):  # round-robin over the channels, as traffic interleaves
            channel = ids[index % channels]
            outbox.enqueue(
                session,
                outbox.NewMessage(
                    key=f"bench:{channel}:{index // channels}",
                    target=channel,
                    text=f"message {index // channels} for {channel}",
                    blocks=[],
                    due_at=now - timedelta(seconds=1) + timedelta(microseconds=index),
                ),
                now=now,
            )

    def sent() -> int:
        with db.read() as session:
            query = select(func.count()).where(col(OutboxMessage.status) == OutboxStatus.SENT)
            return int(session.exec(query).one())

    running = [Sweeper(services.deliverer.sweep, timedelta(seconds=tick)) for services in everyone]
    started = time.time()
    deadline = time.monotonic() + timeout
    try:
        for sweeper in running:
            sweeper.start()
            time.sleep(min(tick, 0.2) if sweepers > 1 else 0)  # not in lockstep
        while sent() < total and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        for sweeper in running:
            sweeper.shutdown()
        for services in everyone:
            services.close()
        standin.stop()
        db.dispose()
    done = sent()

    posts = standin.calls_to("chat.postMessage")
    accepted = [call.at for call in posts if call.status == 200]
    gaps = refusal_gaps(posts)
    keys: Counter[str] = Counter()
    for channel in ids:
        for message in standin.messages(channel):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == MetadataEvent.OUTBOX:
                keys[metadata["event_payload"]["key"]] += 1
    expected = {f"bench:{c}:{i}" for c in ids for i in range(per_channel)}
    deliverer = everyone[0].deliverer
    waits = [
        h.max_retry_count
        for h in deliverer.client.retry_handlers
        if isinstance(h, RateLimitErrorRetryHandler)
    ]
    setup = (
        f"Deliverer as build_services makes it: {deliverer._pool.workers} worker threads, "
        f"ChannelPacer({deliverer.pacer.interval} s), claim batch {BATCH}, lease "
        f"{deliverer.lease.total_seconds():.0f} s; "
        + (
            f"its WebClient itself waits out up to {waits[0]} 429s per post (Retry-After + 0-1 s)"
            if waits
            else "its WebClient passes 429s straight back"
        )
    )
    return DeliveryResult(
        channels=channels,
        messages=total,
        sent_rows=done,
        # Each channel's last post holds its 1 s slot: ideal = per_channel seconds exactly.
        seconds=(max(accepted) - started + 1.0) if accepted else float("inf"),
        posted=len(accepted),
        refused_429=sum(1 for call in posts if call.status == 429),
        refused_right_after=sum(1 for gap in gaps if gap < 0.1),
        refused_at_slot=sum(1 for gap in gaps if 0.9 <= gap < 1.0),
        duplicates=sum(n - 1 for n in keys.values() if n > 1),
        missing=len(expected - set(keys)),
        finished=done == total,
        setup=setup,
    )


def report_delivery(
    results: list[DeliveryResult], *, tick: float, backend: str, sweepers: int
) -> bool:
    print(
        f"\n(b) delivery against a 1 msg/s/channel limit (429 + Retry-After: 1 over it): "
        f"{sweepers} Baton Sweeper(s) ticking Deliverer.sweep every {tick} s, {backend}, "
        "real clock"
    )
    if results:
        print(f"    {results[0].setup}")
    header = (
        f"{'channels':>8} {'msgs':>5} {'seconds':>8} {'msg/s':>6} {'allowed':>7} {'ratio':>6} "
        f"{'429s':>5} {'<0.1s':>5} {'~1s':>4} {'posted':>6} {'dupes':>5} {'missing':>7}  target"
    )
    print(header)
    print("-" * len(header))
    ok = True
    for r in results:
        ratio = r.rate / r.allowed
        met = r.finished and ratio >= RATE_TARGET and r.duplicates == 0 and r.missing == 0
        ok &= met
        print(
            f"{r.channels:>8} {r.messages:>5} {r.seconds:>8.1f} {r.rate:>6.2f} {r.allowed:>7.0f} "
            f"{ratio:>6.2f} {r.refused_429:>5} {r.refused_right_after:>5} "
            f"{r.refused_at_slot:>4} {r.posted:>6} {r.duplicates:>5} {r.missing:>7}  "
            f">= {RATE_TARGET:.0%}, 0 dupes: {verdict(met)}"
            + ("" if r.finished else f" (timed out: {r.sent_rows}/{r.messages} sent)")
        )
    print(
        "    429s: refused posts; <0.1s / ~1s: how long after the channel's previous accepted "
        "post they came\n    (right after a Retry-After wait / on the pacer's 1 s slot, "
        "minus jitter)"
    )
    return ok


# -- main ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("claim", "delivery", "both"), default="both")
    parser.add_argument("--rows", type=int, default=1_000_000, help="the large table's size")
    parser.add_argument("--small", type=int, default=10_000, help="the small table's size")
    parser.add_argument("--due", type=int, default=100, help="rows due at each claim")
    parser.add_argument("--reps", type=int, default=40, help="claims timed per size")
    add_database_arguments(parser)
    parser.add_argument("--channels", default="8,40", help="channel counts, comma-separated")
    parser.add_argument("--per-channel", type=int, default=10, help="messages per channel")
    parser.add_argument("--tick", type=float, default=0.1, help="sweeper interval, seconds")
    parser.add_argument("--delivery-backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--lease", type=float, help="BATON_DELIVERY_LEASE in seconds (default: Baton's)"
    )
    parser.add_argument(
        "--sweepers", type=int, default=1, help="concurrent sweepers (serve + worker, HA workers)"
    )
    parser.add_argument("--quick", action="store_true", help="100k rows, 15 reps, 4,16 x 4 msgs")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.reps, args.channels, args.per_channel = 100_000, 15, "4,16", 4
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # "skipped: max instances"

    claims_ok = delivery_ok = True
    with tempfile.TemporaryDirectory() as scratch:
        if args.part in ("claim", "both"):
            results = [
                bench_claims(
                    backend,
                    small=args.small,
                    large=args.rows,
                    due=args.due,
                    reps=args.reps,
                    scratch=scratch,
                    pg_url=args.pg_url,
                )
                for backend in args.backends.split(",")
            ]
            claims_ok = report_claims(results, due=args.due, reps=args.reps)
        if args.part in ("delivery", "both"):
            deliveries = []
            for count in (int(c) for c in args.channels.split(",")):
                with database(args.delivery_backend, scratch, args.pg_url, f"d{count}") as db:
                    deliveries.append(
                        bench_delivery(
                            channels=count,
                            per_channel=args.per_channel,
                            tick=args.tick,
                            db_url=url_of(db),
                            # The ideal takes per_channel seconds (1 msg/s/channel).
                            timeout=max(60.0, 20.0 * args.per_channel),
                            sweepers=args.sweepers,
                            lease=args.lease,
                        )
                    )
            delivery_ok = report_delivery(
                deliveries, tick=args.tick, backend=args.delivery_backend, sweepers=args.sweepers
            )
    print()
    if args.part in ("claim", "both"):
        print("(a) claim cost target (ratio <= 1.5):", verdict(claims_ok))
    if args.part in ("delivery", "both"):
        print("(b) delivery target (>= 90% of the limit, no duplicates):", end=" ")
        print(verdict(delivery_ok))
    return 0


if __name__ == "__main__":
    sys.exit(main())
