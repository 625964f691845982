"""Handoff queries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from store.models import Handoff, WorkItem


def get_with_item(session: Session, handoff_id: int) -> tuple[Handoff, WorkItem] | None:
    row = session.exec(
        select(Handoff, WorkItem)
        .join(WorkItem, col(WorkItem.id) == Handoff.work_item_id)
        .where(Handoff.id == handoff_id)
    ).first()
    return (row[0], row[1]) if row else None


def acknowledge(session: Session, handoff_id: int, user_id: str, *, now: datetime) -> bool:
    """Record the first acknowledgement; False when someone already acknowledged."""
    result = session.execute(
        update(Handoff)
        .where(col(Handoff.id) == handoff_id)
        .where(col(Handoff.acknowledged_at).is_(None))
        .values(acknowledged_by=user_id, acknowledged_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def waiting_on(
    session: Session, user_id: str, *, limit: int = 20
) -> list[tuple[Handoff, WorkItem]]:
    """Unacknowledged handoffs whose next owner is this user, soonest act-by first."""
    rows = session.exec(
        select(Handoff, WorkItem)
        .join(WorkItem, col(WorkItem.id) == Handoff.work_item_id)
        .where(Handoff.next_owner_id == user_id)
        .where(col(Handoff.acknowledged_at).is_(None))
        .order_by(col(Handoff.act_by))
        .limit(limit)
    ).all()
    return [(h, w) for h, w in rows]
