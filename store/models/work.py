"""Work items, their handoffs and the dependencies between them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.models.base import utc_column
from store.vocabulary import HandoffState, Urgency


class ItemState(StrEnum):
    OPEN = "open"
    DONE = "done"


class WorkItem(SQLModel, table=True):
    __tablename__ = "work_item"
    __table_args__ = (
        UniqueConstraint("channel_id", "name_key"),
        # The channel's blocked items, longest-waiting first, as one index range.
        Index("ix_work_item_channel_blocked", "channel_id", "blocked_since", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel_id: str = Field(max_length=32)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)  # casefolded name: items match case-insensitively
    owner_id: str | None = Field(default=None, max_length=32)
    state: str = Field(default=ItemState.OPEN, max_length=16)
    created_at: datetime = utc_column(nullable=False)
    done_at: datetime | None = utc_column()
    done_by: str | None = Field(default=None, max_length=32)
    # When its oldest hard edge onto an open item was declared, while it is open itself;
    # None when nothing blocks it. Kept by store.graph whenever items or edges change.
    blocked_since: datetime | None = utc_column()
    # A blocker DM's Snooze 1 day: no reminder about this item before then.
    reminders_paused_until: datetime | None = utc_column()


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
    state: str = Field(default=HandoffState.OPEN, max_length=16, index=True)
    urgency: str = Field(default=Urgency.NORMAL, max_length=8)
    # The next owner before a reassignment or takeover ("took over from @ben").
    previous_owner_id: str | None = Field(default=None, max_length=32)
    state_changed_at: datetime | None = utc_column()
    state_changed_by: str | None = Field(default=None, max_length=32)
    # Bumped by every change: names the message updates and schedules it causes.
    revision: int = Field(default=0)
    # The channel's escalation policy when the handoff was made (bot/policies/policy.py, as
    # JSON), frozen: editing the channel's policy changes new handoffs only. None: the default.
    escalation_policy: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )


class HandoffStateChange(SQLModel, table=True):
    """One change of a handoff's state: who, when, from what to what, and why."""

    __tablename__ = "handoff_state_change"
    __table_args__ = (Index("ix_handoff_state_change_handoff", "handoff_id", "changed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    handoff_id: int = Field(foreign_key="handoff.id")
    from_state: str = Field(max_length=16)
    to_state: str = Field(max_length=16)
    changed_by: str = Field(max_length=32)
    changed_at: datetime = utc_column(nullable=False)
    next_owner_id: str = Field(max_length=32)  # the next owner after the change
    note: str | None = Field(default=None, max_length=500)


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
