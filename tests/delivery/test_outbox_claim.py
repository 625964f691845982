"""Claiming outbox rows: atomic, lease-based, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from store import outbox
from store.db import Database
from store.migrate import upgrade
from store.models import OutboxStatus

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
LEASE = timedelta(minutes=1)


def fresh(url: str) -> Database:
    db = Database(url)
    upgrade(db)
    return db


def add(db: Database, key: str, due: datetime, target: str = "C1") -> None:
    with db.write() as session:
        outbox.enqueue(
            session,
            outbox.NewMessage(key=key, target=target, text=key, blocks=[], due_at=due),
            now=NOW,
        )


def test_only_due_rows_are_claimed_once(database_url: str) -> None:
    db = fresh(database_url)
    add(db, "due-1", NOW - timedelta(seconds=1))
    add(db, "due-2", NOW)
    add(db, "later", NOW + timedelta(hours=1))
    claimed = outbox.claim_due(db, now=NOW, lease=LEASE, limit=10)
    assert [row.idempotency_key for row in claimed] == ["due-1", "due-2"]
    assert all(row.status == OutboxStatus.SENDING and row.attempts == 1 for row in claimed)
    assert outbox.claim_due(db, now=NOW, lease=LEASE, limit=10) == []
    db.dispose()


def test_an_expired_lease_makes_a_row_claimable_again(database_url: str) -> None:
    db = fresh(database_url)
    add(db, "k", NOW)
    (row,) = outbox.claim_due(db, now=NOW, lease=LEASE, limit=10)
    assert outbox.claim_due(db, now=NOW + LEASE - timedelta(seconds=1), lease=LEASE, limit=10) == []
    (again,) = outbox.claim_due(db, now=NOW + LEASE, lease=LEASE, limit=10)
    assert again.id == row.id and again.attempts == 2
    db.dispose()


def test_a_sweeper_leaves_a_conversation_another_is_sending_to(database_url: str) -> None:
    db = fresh(database_url)
    add(db, "c1-first", NOW)
    (first,) = outbox.claim_due(db, now=NOW, lease=LEASE, limit=1, skip_busy_targets=True)
    add(db, "c1-second", NOW)
    add(db, "c2", NOW, target="C2")
    other = outbox.claim_due(db, now=NOW, lease=LEASE, limit=10, skip_busy_targets=True)
    assert [row.idempotency_key for row in other] == ["c2"]  # C1 has a live lease elsewhere
    outbox.mark_sent(db, first.id or 0, channel="C1", ts="1.0", now=NOW)
    after = outbox.claim_due(db, now=NOW, lease=LEASE, limit=10, skip_busy_targets=True)
    assert [row.idempotency_key for row in after] == ["c1-second"]
    db.dispose()


def test_the_same_key_is_enqueued_once(database_url: str) -> None:
    db = fresh(database_url)
    add(db, "once", NOW)
    add(db, "once", NOW)
    assert len(outbox.claim_due(db, now=NOW, lease=LEASE, limit=10)) == 1
    db.dispose()


def test_concurrent_claimers_never_share_a_row(database_url: str) -> None:
    db = fresh(database_url)
    with db.write() as session:
        for n in range(300):
            outbox.enqueue(
                session,
                outbox.NewMessage(key=f"k{n}", target="C1", text="x", blocks=[], due_at=NOW),
                now=NOW,
            )
    claimed: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(6)

    def claimer() -> None:
        other = Database(database_url)  # a separate engine: as another process would
        start.wait()
        while rows := outbox.claim_due(other, now=NOW, lease=LEASE, limit=7):
            with lock:
                claimed.extend(row.idempotency_key for row in rows)
        other.dispose()

    threads = [threading.Thread(target=claimer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(claimed) == 300
    assert len(set(claimed)) == 300
    db.dispose()


def test_the_sweep_query_uses_the_status_due_index(database_url: str) -> None:
    db = fresh(database_url)
    with db.read() as session:
        conn = session.connection()
        if db.dialect == "sqlite":
            plan = conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE status = 'pending' "
                "AND due_at <= '2026-11-24' ORDER BY due_at LIMIT 100"
            ).all()
            assert any("ix_outbox_status_due_at" in str(step) for step in plan), plan
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = conn.exec_driver_sql(
                "EXPLAIN SELECT id FROM outbox WHERE status = 'pending' "
                "AND due_at <= now() ORDER BY due_at LIMIT 100"
            ).all()
            assert any("ix_outbox_status_due_at" in str(step) for step in plan), plan
    db.dispose()
