"""Per channel: settings, failures seen, guardrails, drafts; and forms submitted."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.models.base import utc_column


class ChannelSettings(SQLModel, table=True):
    """Roles per channel (/baton settings): who owns it, where its weekly digest goes, and how
    long after a window its decision prompt comes. Absent: the workspace defaults."""

    __tablename__ = "channel_settings"

    channel_id: str = Field(primary_key=True, max_length=32)
    owners: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    strategy_channel: str | None = Field(default=None, max_length=32)
    decision_delay_seconds: float | None = Field(default=None)
    # How handoffs made here escalate (bot/policies/policy.py, as JSON); None: the default.
    escalation_policy: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )
    updated_by: str = Field(max_length=32)
    updated_at: datetime = utc_column(nullable=False)


class FailureOccurrence(SQLModel, table=True):
    """One time a class of execution failure showed up in a channel. `ref` names the thing
    that failed, so the same failure seen twice (a retried form, a re-run sweep) counts once."""

    __tablename__ = "failure_occurrence"
    __table_args__ = (
        UniqueConstraint("channel_id", "ref"),
        Index("ix_failure_occurrence_class", "channel_id", "class_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel_id: str = Field(max_length=32)
    class_id: str = Field(max_length=80)
    ref: str = Field(max_length=200)
    where: str = Field(max_length=500)  # mrkdwn, user text escaped (bot.views.mrkdwn)
    link: str | None = Field(default=None, max_length=500)
    at: datetime = utc_column(nullable=False)
    # Who was involved (they may decide the guardrail it leads to).
    people: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Who owned the failed thing, and its act-by, when it failed (a missed act-by: the next
    # owner then, not whoever took it over since).
    owner_id: str | None = Field(default=None, max_length=32)
    act_by: datetime | None = utc_column()
    # What would have prevented it, when Baton knows (a missed act-by): guardrail values
    # joined by commas, or "none" when no guardrail would have.
    prevention: str | None = Field(default=None, max_length=40)
    # The words people used for it (`because …`): a checklist guardrail quotes them.
    words: str | None = Field(default=None, max_length=200)


class GuardrailState(StrEnum):
    PROPOSED = "proposed"
    ENABLED = "enabled"
    DISMISSED = "dismissed"
    DISABLED = "disabled"


class ChannelGuardrail(SQLModel, table=True):
    """A guardrail proposed to a channel, and what the channel decided. One per class and
    channel: once decided, never proposed again."""

    __tablename__ = "channel_guardrail"
    __table_args__ = (UniqueConstraint("channel_id", "class_id"),)

    id: int | None = Field(default=None, primary_key=True)
    channel_id: str = Field(max_length=32, index=True)
    class_id: str = Field(max_length=80)
    guardrail: str = Field(max_length=40)
    state: str = Field(default=GuardrailState.PROPOSED, max_length=16)
    first_occurrence_id: int = Field(foreign_key="failure_occurrence.id")
    second_occurrence_id: int = Field(foreign_key="failure_occurrence.id")
    proposed_at: datetime = utc_column(nullable=False)
    decided_by: str | None = Field(default=None, max_length=32)
    decided_at: datetime | None = utc_column()
    # Proposed again after a dismissal and two new occurrences: each proposal its own message.
    proposals: int = Field(default=1)


class Draft(SQLModel, table=True):
    """Copy checked against its surface's constraints, posted to the channel as a durable draft."""

    __tablename__ = "draft"
    __table_args__ = (Index("ix_draft_name", "channel_id", "name_key", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    channel_id: str = Field(max_length=32)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)
    surface: str = Field(max_length=40)
    subject: str | None = Field(default=None, max_length=500)
    copy_text: str
    link: str | None = Field(default=None, max_length=2000)
    created_by: str = Field(max_length=32)
    created_at: datetime = utc_column(nullable=False)


class ModalSubmission(SQLModel, table=True):
    """A modal whose submission created something, by Slack's view id: Submit pressed twice,
    or Slack retrying after a slow answer, creates it once."""

    __tablename__ = "modal_submission"

    view_id: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=16)  # handoff, publish, draft, reassign, snooze, edit, as_is
    created_at: datetime = utc_column(nullable=False)
    # An accepted form whose creation runs after the ack: what to create, until it is done
    # (a crash in between leaves it here for the planner to finish).
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    done_at: datetime | None = utc_column()
