"""(a) Claim cost: one `outbox.claim_due` page against a small and a large due backlog in a
table of the same size, alternated, and the candidate query's plan (see bench/sweep/__init__.py)."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, event, update
from sqlmodel import col

from bench.common import database, interleaved, verdict
from store import outbox
from store.db import Database
from store.models import OutboxMessage, OutboxStatus

PAGE = 100  # rows per claim, the same for both backlogs: the comparison is of one page
PER_TARGET = 5  # what Deliverer.per_target() gives at Slack's 1 post/s
LEASE = timedelta(seconds=60)  # BATON_DELIVERY_LEASE's default
CLAIM_TARGET = 1.5
TABLE: Table = OutboxMessage.__table__  # type: ignore[attr-defined]


def _row(key: str, target: str, due_at: datetime, now: datetime) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "kind": "plain",
        "payload": {},
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
                    row["payload"] = "{}"
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
