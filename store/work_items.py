"""Work items: named per channel, matched case-insensitively."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from store.models import Handoff, ItemState, WorkItem
from store.vocabulary import LIVE


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def find(session: Session, channel_id: str, name: str) -> WorkItem | None:
    return session.exec(
        select(WorkItem).where(
            WorkItem.channel_id == channel_id, WorkItem.name_key == name_key(name)
        )
    ).first()


def get_or_create(
    session: Session, channel_id: str, name: str, *, now: datetime, owner_id: str | None = None
) -> WorkItem:
    """The channel's item of that name, created if new (safe against a concurrent create)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(WorkItem)
        .values(
            channel_id=channel_id,
            name=" ".join(name.split()),
            name_key=name_key(name),
            owner_id=owner_id,
            state=ItemState.OPEN,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["channel_id", "name_key"])
    )
    item = find(session, channel_id, name)
    assert item is not None
    return item


def open_without_handoff(
    session: Session, channel_id: str, *, limit: int = 20
) -> tuple[list[WorkItem], int]:
    """A channel's open items that no live handoff carries, oldest first, and how many."""
    carried = exists().where(
        col(Handoff.work_item_id) == WorkItem.id, col(Handoff.state).in_(list(LIVE))
    )
    where = (WorkItem.channel_id == channel_id, WorkItem.state == ItemState.OPEN, ~carried)
    rows = session.exec(
        select(WorkItem)
        .where(*where)
        .order_by(col(WorkItem.created_at), col(WorkItem.id))
        .limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(WorkItem).where(*where)).one()
    return list(rows), int(total)
