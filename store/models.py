"""Baton's tables. Times are aware UTC; Slack ids are strings as Slack gives them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, MetaData, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.types import UTCDateTime

# A naming convention keeps Alembic's batch migrations on SQLite able to name constraints.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def utc_column(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class ItemState(StrEnum):
    OPEN = "open"
    DONE = "done"


class WorkItem(SQLModel, table=True):
    __tablename__ = "work_item"
    __table_args__ = (UniqueConstraint("channel_id", "name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    channel_id: str = Field(max_length=32)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)  # casefolded name: items match case-insensitively
    owner_id: str | None = Field(default=None, max_length=32)
    state: str = Field(default=ItemState.OPEN, max_length=16)
    created_at: datetime = utc_column(nullable=False)
    done_at: datetime | None = utc_column()
    done_by: str | None = Field(default=None, max_length=32)


class Handoff(SQLModel, table=True):
    __tablename__ = "handoff"

    id: int | None = Field(default=None, primary_key=True)
    work_item_id: int = Field(foreign_key="work_item.id", index=True)
    channel_id: str = Field(max_length=32)
    author_id: str = Field(max_length=32)
    status: str
    done: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    open: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    next_owner_id: str = Field(max_length=32, index=True)
    next_action: str
    backup_owner_id: str | None = Field(default=None, max_length=32)
    act_by: datetime = utc_column(nullable=False)
    created_at: datetime = utc_column(nullable=False)
    acknowledged_by: str | None = Field(default=None, max_length=32)
    acknowledged_at: datetime | None = utc_column()


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class OutboxOp(StrEnum):
    POST = "post"  # chat.postMessage (optionally in the thread of `parent_key`'s message)
    UPDATE = "update"  # chat.update of `parent_key`'s message


class OutboxMessage(SQLModel, table=True):
    """A message Baton owes Slack: written with the state change that causes it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_due_at", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=200, unique=True)
    op: str = Field(default=OutboxOp.POST, max_length=16)
    # A user id (delivered as a DM) or a conversation id.
    target: str = Field(max_length=32)
    parent_key: str | None = Field(default=None, max_length=200)
    text: str
    blocks: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    handoff_id: int | None = Field(default=None, foreign_key="handoff.id", index=True)
    # Sent only while its handoff is unacknowledged (nudges and escalations).
    needs_unacknowledged: bool = Field(default=False)
    # Told once, by DM, when this message can never be delivered.
    notify_on_failure: str | None = Field(default=None, max_length=32)
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    due_at: datetime = utc_column(nullable=False)
    lease_until: datetime | None = utc_column()
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None)
    sent_channel: str | None = Field(default=None, max_length=32)
    sent_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = utc_column(nullable=False)
    updated_at: datetime = utc_column(nullable=False)


class SlackUser(SQLModel, table=True):
    """What Baton last learned from users.info: time zone for working hours, bot/deleted flags."""

    __tablename__ = "slack_user"

    id: str = Field(primary_key=True, max_length=32)
    name: str = Field(default="", max_length=200)
    tz: str | None = Field(default=None, max_length=64)
    is_bot: bool = Field(default=False)
    deleted: bool = Field(default=False)
    fetched_at: datetime = utc_column(nullable=False)


class Dependency(SQLModel, table=True):
    """`item_id` depends on `dependency_id`: hard edges block, soft edges proceed on an
    assumption."""

    __tablename__ = "dependency"
    __table_args__ = (UniqueConstraint("item_id", "dependency_id"),)

    id: int | None = Field(default=None, primary_key=True)
    channel_id: str = Field(max_length=32, index=True)
    item_id: int = Field(foreign_key="work_item.id", index=True)
    dependency_id: int = Field(foreign_key="work_item.id", index=True)
    kind: str = Field(max_length=8)
    reason: str | None = Field(default=None, max_length=500)
    declared_by: str = Field(max_length=32)
    created_at: datetime = utc_column(nullable=False)
    updated_at: datetime = utc_column(nullable=False)
