"""Escalation chains plan their next step in flat time: a planner tick over 10,000 open
handoffs against one over 100, in one run.

Every handoff runs a 3-step policy with 2 repeats (at act-by: next owner, +2h: backup, +1d:
thread; repeat 2: up to 7 steps), made an hour ago: each has had its nudge and waits for its
next step at some time in the next two days. Measured: `Chains.plan()` (the planner tick) at a
moment when the same 10 chains are due in both databases: it finds them through the due index,
fires their step (an outbox row each) and aims each at the step after. Between ticks the 10 are
made due again (untimed, with a new run, so their rows are new). The sizes alternate (A B, B
A, ...). On SQLite and PostgreSQL, each size in its own database. Target: median(10k) /
median(100) <= 1.5 on each backend.

    .venv/bin/python -m bench.policies [--reps 200] [--backends sqlite,postgresql]
    .venv/bin/python -m bench.policies --quick
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, update

from bench.common import add_database_arguments, database, interleaved, median_ms, verdict
from bot.clock import ManualClock
from bot.kernel.working_hours import WorkingHours
from bot.policies.policy import Policy, Step, Target, TargetKind
from bot.policies.running import Chains
from store.db import Database
from store.models import EscalationChain, Handoff, WorkItem

CHANNEL = "C0BENCH"
SIZES = (100, 10_000)
DUE = 10  # chains due at each timed tick, in both databases
TARGET = 1.5
POLICY = Policy(
    (
        Step(timedelta(0), Target(TargetKind.NEXT_OWNER)),
        Step(timedelta(hours=2), Target(TargetKind.BACKUP)),
        Step(timedelta(days=1), Target(TargetKind.THREAD)),
    ),
    repeat=2,
)
ITEMS: Table = WorkItem.__table__  # type: ignore[attr-defined]
HANDOFFS: Table = Handoff.__table__  # type: ignore[attr-defined]
CHAINS: Table = EscalationChain.__table__  # type: ignore[attr-defined]


def populate(db: Database, size: int, now: datetime) -> None:
    rng = random.Random(size)
    act_by = now - timedelta(hours=1)
    items: list[dict[str, Any]] = []
    handoffs: list[dict[str, Any]] = []
    chains: list[dict[str, Any]] = []
    for n in range(1, size + 1):
        name = f"item {n}"
        items.append(
            {"id": n, "channel_id": CHANNEL, "name": name, "name_key": name, "state": "open"}
            | {"owner_id": f"U{n % 40:04d}", "created_at": now - timedelta(hours=5)}
        )
        handoffs.append(
            {
                "id": n,
                "work_item_id": n,
                "channel_id": CHANNEL,
                "author_id": f"U{(n + 1) % 40:04d}",
                "status": "in progress",
                "done": ["drafted"],
                "open": ["review"],
                "next_owner_id": f"U{n % 40:04d}",
                "next_action": "review it",
                "backup_owner_id": f"U{(n + 2) % 40:04d}",
                "act_by": act_by,
                "created_at": now - timedelta(hours=5),
                "state": "open",
                "urgency": "normal",
                "revision": 0,
                "escalation_policy": POLICY.to_json(),
            }
        )
        chains.append(
            {
                "handoff_id": n,
                "run": 0,
                "done_round": 0,
                "done_step": 0,
                "last_due": act_by,
                "due_at": now + timedelta(minutes=rng.randrange(60, 48 * 60)),
                "fired": 1,
                "asked": [],
                "updated_at": now,
            }
        )
    with db.engine.begin() as conn:
        for table, rows in ((ITEMS, items), (HANDOFFS, handoffs), (CHAINS, chains)):
            for start in range(0, len(rows), 5_000):
                conn.execute(table.insert(), rows[start : start + 5_000])
    if db.dialect == "postgresql":  # as autovacuum would after a bulk load
        with db.engine.begin() as conn:
            for name in ("work_item", "handoff", "escalation_chain"):
                conn.exec_driver_sql(f"ANALYZE {name}")


class Sized:
    """One database and its planner; `tick` times one planner tick with DUE chains due."""

    def __init__(self, db: Database, now: datetime) -> None:
        self.db = db
        self.now = now
        self.chains = Chains(db, ManualClock(now), WorkingHours.parse("always"))
        self.run = 0

    def tick(self) -> float:
        self.run += 1
        with self.db.engine.begin() as conn:  # the same 10 are due again, as a new run
            conn.execute(
                update(CHAINS)
                .where(CHAINS.c.handoff_id <= DUE)
                .values(run=self.run, done_round=0, done_step=0, due_at=self.now, fired=1)
            )
        started = time.perf_counter()
        fired = self.chains.plan()
        elapsed = time.perf_counter() - started
        if fired != DUE:
            raise RuntimeError(f"{fired} steps fired, not {DUE}")
        return elapsed


def bench(backend: str, *, reps: int, scratch: str, pg_url: str) -> tuple[float, float]:
    now = datetime.now(UTC).replace(microsecond=0)
    with (
        database(backend, scratch, pg_url, "policies-small") as small_db,
        database(backend, scratch, pg_url, "policies-large") as large_db,
    ):
        populate(small_db, SIZES[0], now)
        populate(large_db, SIZES[1], now)
        small, large = Sized(small_db, now), Sized(large_db, now)
        times = interleaved([small.tick, large.tick], reps, warmup=5)
    return median_ms(times[0]), median_ms(times[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=200, help="timed ticks per size")
    add_database_arguments(parser)
    parser.add_argument("--quick", action="store_true", help="40 repetitions")
    args = parser.parse_args()
    if args.quick:
        args.reps = 40
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for backend in args.backends.split(","):
            results.append(
                (backend, bench(backend, reps=args.reps, scratch=scratch, pg_url=args.pg_url))
            )
    print(
        f"escalation chains: one planner tick (Chains.plan) firing the same {DUE} due steps "
        f"among {SIZES[0]} vs {SIZES[1]} open handoffs (3-step policy, repeat 2); "
        f"median of {args.reps} per size, sizes alternated (ms)"
    )
    header = f"{'backend':<11} {'100':>8} {'10k':>8} {'ratio':>6}  target"
    print(header)
    print("-" * len(header))
    met_all = True
    for backend, (small, large) in results:
        ratio = large / small
        met = ratio <= TARGET
        met_all &= met
        print(
            f"{backend:<11} {small:>8.2f} {large:>8.2f} {ratio:>6.2f}  <= {TARGET}: {verdict(met)}"
        )
    print(f"target (10k / 100 <= {TARGET} on every backend):", verdict(met_all))
    return 0 if met_all else 1


if __name__ == "__main__":
    sys.exit(main())
