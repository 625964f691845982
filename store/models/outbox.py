"""The outbox: each message Baton owes Slack, as a typed intent."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from store.models.base import utc_column


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class OutboxOp(StrEnum):
    POST = "post"  # chat.postMessage (optionally in the thread of `parent_key`'s message)
    UPDATE = "update"  # chat.update of `parent_key`'s message
    UPLOAD = "upload"  # a chart (blocks[0] is its spec), in the thread of `parent_key`'s message


class OutboxMessage(SQLModel, table=True):
    """A message Baton owes Slack: written with the state change that causes it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_due_at", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=200, unique=True)
    # What the message is (a Kind of bot/outbox/intents.py) and its payload (who, about what,
    # which revision), from which the key is derived and, for most kinds, the text rendered.
    kind: str = Field(default="plain", max_length=32)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    op: str = Field(default=OutboxOp.POST, max_length=16)
    # A user id (delivered as a DM) or a conversation id.
    target: str = Field(max_length=32)
    parent_key: str | None = Field(default=None, max_length=200)
    text: str
    blocks: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    handoff_id: int | None = Field(default=None, foreign_key="handoff.id", index=True)
    # Sent only while its handoff is live (nudges and escalations: not once it is done,
    # handed on, withdrawn, or rescheduled by a snooze, reassignment or takeover).
    needs_unacknowledged: bool = Field(default=False)
    # A message this one links to (`<baton-link|…>` in its text: linked once it is in Slack)
    # or, without a link, must follow (an escalation's thread reply waits for its DM).
    after_key: str | None = Field(default=None, max_length=200)
    # This message's permalink (chat.getPermalink), kept once asked for.
    permalink: str | None = Field(default=None, max_length=500)
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
    # Crash recovery reads Slack back only around the attempts that may have posted (Slack
    # allows a distributed app one history read a minute): when this attempt was claimed,
    # when the earliest attempt not yet read back was, and, after a full page that did not
    # reach that far, the instant before which history is still unread.
    claimed_at: datetime | None = utc_column()
    unverified_since: datetime | None = utc_column()
    unread_before: datetime | None = utc_column()


class SlackCallBudget(SQLModel, table=True):
    """When a scarce Slack method may next be called in a workspace: shared by every process,
    so two workers never spend one workspace's conversations.history minute twice."""

    __tablename__ = "slack_call_budget"

    workspace: str = Field(primary_key=True, max_length=32)
    method: str = Field(primary_key=True, max_length=64)
    free_at: datetime = utc_column(nullable=False)
