"""The outbox: messages Baton owes Slack, claimed atomically by whichever sweeper gets there."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from store.db import Database
from store.models import OutboxMessage, OutboxOp, OutboxStatus


@dataclass(frozen=True)
class NewMessage:
    key: str
    target: str
    text: str
    blocks: list[dict[str, Any]]
    due_at: datetime
    op: OutboxOp = OutboxOp.POST
    parent_key: str | None = None
    handoff_id: int | None = None
    needs_unacknowledged: bool = False  # scheduled: sent only while its handoff is live
    notify_on_failure: str | None = None
    after_key: str | None = None


def enqueue(session: Session, message: NewMessage, *, now: datetime) -> bool:
    """Add a message unless one with the same key exists (then it is the same message)."""
    return enqueue_many(session, [message], now=now) == 1


def enqueue_many(session: Session, messages: Sequence[NewMessage], *, now: datetime) -> int:
    """Add these messages in one statement, skipping keys that exist; how many were added.
    (One INSERT instead of a look-up and an ORM insert each: it is on the 3-second path.)"""
    if not messages:
        return 0
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(OutboxMessage)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(col(OutboxMessage.id))
    )
    rows = [
        {
            "idempotency_key": m.key,
            "op": m.op,
            "target": m.target,
            "parent_key": m.parent_key,
            "text": m.text,
            "blocks": m.blocks,
            "handoff_id": m.handoff_id,
            "needs_unacknowledged": m.needs_unacknowledged,
            "notify_on_failure": m.notify_on_failure,
            "after_key": m.after_key,
            "status": OutboxStatus.PENDING,
            "due_at": m.due_at,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        for m in messages
    ]
    # Many parameter sets, one statement compiled once (SQLAlchemy's insertmanyvalues).
    return len(session.execute(statement, rows).all())


def _claimable(now: datetime) -> Any:
    return or_(
        and_(col(OutboxMessage.status) == OutboxStatus.PENDING, col(OutboxMessage.due_at) <= now),
        and_(
            col(OutboxMessage.status) == OutboxStatus.SENDING,
            col(OutboxMessage.lease_until) <= now,
        ),
    )


def claim_due(
    db: Database,
    *,
    now: datetime,
    lease: timedelta,
    limit: int,
    keys: Sequence[str] | None = None,
    skip_busy_targets: bool = False,
) -> list[OutboxMessage]:
    """Move due rows (and rows whose lease ran out) to `sending`, in one atomic statement.

    On PostgreSQL the candidate rows are locked with SKIP LOCKED so concurrent sweepers
    never wait on or take each other's rows; on SQLite the write transaction starts with
    BEGIN IMMEDIATE, which serialises claimers.

    `skip_busy_targets` leaves alone conversations another sweeper is sending to (a live
    lease), so that sweepers in several processes do not share one channel's 1 msg/s.
    """
    candidates = (
        select(OutboxMessage.id)
        .where(_claimable(now))
        .order_by(col(OutboxMessage.due_at))
        .limit(limit)
    )
    if keys is not None:
        candidates = candidates.where(col(OutboxMessage.idempotency_key).in_(list(keys)))
    if skip_busy_targets:
        busy = aliased(OutboxMessage)
        candidates = candidates.where(
            col(OutboxMessage.target).not_in(
                select(busy.target).where(
                    col(busy.status) == OutboxStatus.SENDING, col(busy.lease_until) > now
                )
            )
        )
    if db.dialect == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    statement = (
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(candidates.scalar_subquery()))
        .values(
            status=OutboxStatus.SENDING,
            lease_until=now + lease,
            attempts=OutboxMessage.attempts + 1,
            updated_at=now,
        )
        .returning(OutboxMessage)
    )
    with db.write() as session:
        rows = list(session.exec(statement).scalars())
    return sorted(rows, key=lambda row: (row.due_at, row.id or 0))


def _finish(db: Database, row_id: int, now: datetime, **values: Any) -> bool:
    """Settle a row this sweeper is sending; False when it was not ours to settle any more."""
    with db.write() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == row_id)
            .where(col(OutboxMessage.status) == OutboxStatus.SENDING)
            .values(updated_at=now, lease_until=None, **values)
        )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_sent(
    db: Database, row_id: int, *, channel: str | None, ts: str | None, now: datetime
) -> bool:
    return _finish(db, row_id, now, status=OutboxStatus.SENT, sent_channel=channel, sent_ts=ts)


def mark_failed(db: Database, row_id: int, *, error: str, now: datetime) -> None:
    _finish(db, row_id, now, status=OutboxStatus.FAILED, last_error=error)


def mark_cancelled(db: Database, row_id: int, *, reason: str, now: datetime) -> None:
    _finish(db, row_id, now, status=OutboxStatus.CANCELLED, last_error=reason)


def retry_later(
    db: Database, row_id: int, *, due_at: datetime, error: str | None, now: datetime, count: bool
) -> None:
    """Back to pending. `count=False` gives the attempt back (nothing was tried)."""
    values: dict[str, Any] = {"status": OutboxStatus.PENDING, "due_at": due_at, "last_error": error}
    if not count:
        values["attempts"] = OutboxMessage.attempts - 1
    _finish(db, row_id, now, **values)


def cancel_pending_for_handoff(
    session: Session, handoff_id: int, *, now: datetime, reason: str = "acknowledged"
) -> int:
    """Cancel the handoff's scheduled reminders (nudges, escalations) not yet sent."""
    result = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.handoff_id) == handoff_id)
        .where(col(OutboxMessage.needs_unacknowledged).is_(True))
        .where(col(OutboxMessage.status) == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED, last_error=reason, updated_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def of_handoff(session: Session, handoff_id: int) -> list[OutboxMessage]:
    """Every message about one handoff, oldest first."""
    return list(
        session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.handoff_id) == handoff_id)
            .order_by(col(OutboxMessage.id))
        ).all()
    )


def keep_permalink(db: Database, key: str, permalink: str) -> None:
    with db.write() as session:
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.idempotency_key) == key)
            .values(permalink=permalink[:500])
        )


def cancel_pending_with_prefix(session: Session, prefix: str, *, reason: str, now: datetime) -> int:
    """Cancel what is still pending under a key prefix (e.g. a resolved blocker's DMs)."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    result = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.idempotency_key).like(f"{escaped}%", escape="\\"))
        .where(col(OutboxMessage.status) == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED, last_error=reason, updated_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def count_with_prefix(session: Session, prefix: str, *, excluding: str | None = None) -> int:
    """Messages under a key prefix that were sent or are still to be sent."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = (
        select(func.count())
        .select_from(OutboxMessage)
        .where(col(OutboxMessage.idempotency_key).like(f"{escaped}%", escape="\\"))
        .where(col(OutboxMessage.status).not_in([OutboxStatus.CANCELLED, OutboxStatus.FAILED]))
    )
    if excluding is not None:
        query = query.where(OutboxMessage.idempotency_key != excluding)
    return int(session.exec(query).one())


def find(session: Session, key: str) -> OutboxMessage | None:
    return session.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).first()


def by_keys(session: Session, keys: Sequence[str]) -> dict[str, OutboxMessage]:
    rows = session.exec(
        select(OutboxMessage).where(col(OutboxMessage.idempotency_key).in_(list(keys)))
    ).all()
    return {row.idempotency_key: row for row in rows}
