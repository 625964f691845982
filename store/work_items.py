"""Work items: named per channel, matched case-insensitively."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from store.models import ItemState, WorkItem


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
