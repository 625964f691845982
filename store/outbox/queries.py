"""Reading rows: by key, by handoff, by key prefix, and when the next one falls due."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.db import Database
from store.models import OutboxMessage, OutboxOp, OutboxStatus
from store.types import as_utc


def of_handoff(session: Session, handoff_id: int) -> list[OutboxMessage]:
    """Every message about one handoff, oldest first."""
    return list(
        session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.handoff_id) == handoff_id)
            .order_by(col(OutboxMessage.id))
        ).all()
    )


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


def pending_dms_to(session: Session, user_id: str, *, due_after: datetime) -> list[OutboxMessage]:
    """Messages to this person (DMs) still planned for later than `due_after`."""
    o = OutboxMessage
    return list(
        session.exec(
            select(o)
            .where(col(o.status) == OutboxStatus.PENDING)
            .where(col(o.due_at) > due_after)
            .where(col(o.target) == user_id)
            .where(col(o.op) == OutboxOp.POST)
            .order_by(col(o.id))
        ).all()
    )


def next_due(db: Database) -> datetime | None:
    """When the next row falls due (or a lease runs out): what a sweeper sleeps until."""
    o = OutboxMessage
    with db.read() as session:
        pending = session.exec(
            select(func.min(o.due_at)).where(col(o.status) == OutboxStatus.PENDING)
        ).one()
        leased = session.exec(
            select(func.min(o.lease_until)).where(col(o.status) == OutboxStatus.SENDING)
        ).one()
    times = [as_utc(t) for t in (pending, leased) if t is not None]
    return min(times) if times else None
