"""Handoff queries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from store.models import Handoff, HandoffStateChange, OutboxMessage, OutboxStatus, WorkItem
from store.types import as_utc
from store.vocabulary import LIVE, HandoffState

ESCALATION_DM = "escalation_dm"  # the outbox kind (bot/outbox/payloads.py: Kind.ESCALATION_DM)
# An escalation policy's step (bot/outbox/payloads.py: Kind.ESCALATION_STEP): to the next owner
# it is a nudge, which App Home's rule (bot/home/waiting.py) leaves out.
ESCALATION_KINDS = [ESCALATION_DM, "escalation_step"]


def get_with_item(
    session: Session, handoff_id: int, *, lock: bool = False
) -> tuple[Handoff, WorkItem] | None:
    """The handoff and its work item; `lock` holds the handoff's row until the transaction
    ends (PostgreSQL; SQLite's write transaction holds the whole database already)."""
    query = (
        select(Handoff, WorkItem)
        .join(WorkItem, col(WorkItem.id) == Handoff.work_item_id)
        .where(Handoff.id == handoff_id)
    )
    if lock:
        query = query.with_for_update(of=Handoff)
    row = session.exec(query).first()
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


def record_change(session: Session, change: HandoffStateChange) -> None:
    session.add(change)


def history(session: Session, handoff_id: int) -> list[HandoffStateChange]:
    return list(
        session.exec(
            select(HandoffStateChange)
            .where(HandoffStateChange.handoff_id == handoff_id)
            .order_by(col(HandoffStateChange.changed_at), col(HandoffStateChange.id))
        ).all()
    )


def live_of_item(session: Session, work_item_id: int) -> list[Handoff]:
    return list(
        session.exec(
            select(Handoff)
            .where(Handoff.work_item_id == work_item_id)
            .where(col(Handoff.state).in_(list(LIVE)))
            .order_by(col(Handoff.id))
        ).all()
    )


def _page(
    session: Session, query: object, count_query: object, limit: int
) -> tuple[list[tuple[Handoff, WorkItem]], int]:
    rows = session.exec(query.limit(limit)).all()  # type: ignore[attr-defined]
    total = session.exec(count_query).one()  # type: ignore[call-overload]
    return [(h, w) for h, w in rows], int(total)


def waiting_on(
    session: Session, user_id: str, *, limit: int = 20
) -> tuple[list[tuple[Handoff, WorkItem]], int]:
    """Live handoffs whose next owner is this user, the earliest act-by first (the most
    overdue), newest first among equals; and how many in all."""
    return _live_page(
        session,
        Handoff.next_owner_id == user_id,
        limit,
        order=(col(Handoff.act_by), col(Handoff.created_at).desc(), col(Handoff.id).desc()),
    )


def handed_off_by(
    session: Session, user_id: str, *, limit: int = 20
) -> tuple[list[tuple[Handoff, WorkItem]], int]:
    """Live handoffs this user made, newest first, and how many in all."""
    return _live_page(session, Handoff.author_id == user_id, limit)


def _live_page(
    session: Session, whose: Any, limit: int, *, order: tuple[Any, ...] = ()
) -> tuple[list[tuple[Handoff, WorkItem]], int]:
    where = (whose, col(Handoff.state).in_(list(LIVE)))
    return _page(
        session,
        select(Handoff, WorkItem)
        .join(WorkItem, col(WorkItem.id) == Handoff.work_item_id)
        .where(*where)
        .order_by(*(order or (col(Handoff.created_at).desc(), col(Handoff.id).desc()))),
        select(func.count()).select_from(Handoff).where(*where),
        limit,
    )


def done_since(
    session: Session, user_id: str, *, since: datetime, limit: int = 20
) -> tuple[list[tuple[Handoff, WorkItem]], int]:
    """Handoffs done since `since` that this user made or was the next owner of."""
    where = (
        (col(Handoff.next_owner_id) == user_id) | (col(Handoff.author_id) == user_id),
        Handoff.state == HandoffState.DONE,
        col(Handoff.state_changed_at) >= since,
    )
    return _page(
        session,
        select(Handoff, WorkItem)
        .join(WorkItem, col(WorkItem.id) == Handoff.work_item_id)
        .where(*where)
        .order_by(col(Handoff.state_changed_at).desc(), col(Handoff.id).desc()),
        select(func.count()).select_from(Handoff).where(*where),
        limit,
    )


def escalated_to(
    session: Session, user_id: str, *, limit: int = 50
) -> list[tuple[Handoff, WorkItem, datetime]]:
    """Live handoffs whose escalation DM (or a policy's step) went to this user, with when it
    was planned to go
    (the latest, per handoff); whether it still stands is the caller's rule to decide."""
    rows = session.exec(
        select(Handoff, WorkItem, func.max(OutboxMessage.due_at))
        .join(WorkItem, col(WorkItem.id) == Handoff.work_item_id)
        .join(OutboxMessage, col(OutboxMessage.handoff_id) == Handoff.id)
        .where(col(OutboxMessage.kind).in_(ESCALATION_KINDS))
        .where(OutboxMessage.target == user_id)
        .where(OutboxMessage.status == OutboxStatus.SENT)
        .where(col(Handoff.state).in_(list(LIVE)))
        .group_by(col(Handoff.id), col(WorkItem.id))
        .order_by(col(Handoff.act_by), col(Handoff.id))
        .limit(limit)
    ).all()
    return [(h, w, as_utc(at)) for h, w, at in rows]


def live_in_channel(
    session: Session, channel_id: str, *, limit: int = 20
) -> tuple[list[tuple[Handoff, WorkItem]], int]:
    """A channel's live handoffs, the earliest act-by first (the most overdue), and how many."""
    return _live_page(
        session,
        Handoff.channel_id == channel_id,
        limit,
        order=(col(Handoff.act_by), col(Handoff.id)),
    )
