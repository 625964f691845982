"""Baton's tables. Times are aware UTC; Slack ids are strings as Slack gives them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, MetaData, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.types import UTCDateTime
from store.vocabulary import ApprovalState, Choice, HandoffState, Urgency

__all__ = ["ApprovalState", "Choice"]  # re-exported: decisions are stored by their domain name

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


class Publish(SQLModel, table=True):
    """A publish and the decision table committed to before it: metric thresholds, each with
    the candidate action it would trigger."""

    __tablename__ = "publish"
    __table_args__ = (
        UniqueConstraint("channel_id", "name_key"),
        # The planner's questions: which prompts are due, which decisions are overdue.
        Index("ix_publish_prompt_due", "prompted_at", "decision_due_at"),
        Index("ix_publish_window", "channel_id", "surface", "window_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel_id: str = Field(max_length=32)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)
    link: str = Field(max_length=2000)
    surface: str = Field(max_length=40)
    owner_id: str = Field(max_length=32)
    backup_owner_id: str = Field(max_length=32)
    window_start: datetime = utc_column(nullable=False)
    window_end: datetime = utc_column(nullable=False)
    rules: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_by: str = Field(max_length=32)
    created_at: datetime = utc_column(nullable=False)
    decision_due_at: datetime = utc_column(nullable=False)
    prompted_at: datetime | None = utc_column()
    reminders_sent: int = Field(default=0)
    decision: str | None = Field(default=None, max_length=16)
    decided_by: str | None = Field(default=None, max_length=32)
    decided_at: datetime | None = utc_column()
    decision_actions: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    tracking_labels: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    # The candidate action a decision takes up (Revise: the one picked; Repeat/Stop: none).
    decision_action: str | None = Field(default=None, max_length=500)
    # Earlier decisions, oldest first, when the owner or backup changed their mind:
    # [{"choice", "action", "by", "at"}].
    decision_history: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # The earlier publish this one is the next cycle of.
    follows_id: int | None = Field(default=None, foreign_key="publish.id")
    # Bumped on every change the channel post shows (approvals): each edit has its own key.
    post_revision: int = Field(default=0)
    # When the approvers still missing 2 hours before the window were chased (once).
    approvals_chased_at: datetime | None = utc_column()


class PublishApproval(SQLModel, table=True):
    """One approver of one publish, and where they stand."""

    __tablename__ = "publish_approval"
    __table_args__ = (UniqueConstraint("publish_id", "approver_id"),)

    id: int | None = Field(default=None, primary_key=True)
    publish_id: int = Field(foreign_key="publish.id", index=True)
    approver_id: str = Field(max_length=32)
    state: str = Field(default=ApprovalState.PENDING, max_length=24)
    note: str | None = Field(default=None, max_length=3000)  # what to change
    decided_at: datetime | None = utc_column()


class ChannelSettings(SQLModel, table=True):
    """Roles per channel (/baton settings): who owns it, where its weekly digest goes, and how
    long after a window its decision prompt comes. Absent: the workspace defaults."""

    __tablename__ = "channel_settings"

    channel_id: str = Field(primary_key=True, max_length=32)
    owners: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    strategy_channel: str | None = Field(default=None, max_length=32)
    decision_delay_seconds: float | None = Field(default=None)
    updated_by: str = Field(max_length=32)
    updated_at: datetime = utc_column(nullable=False)


class KpiReading(SQLModel, table=True):
    """One observation of one metric of one publish, with the time it was observed."""

    __tablename__ = "kpi_reading"
    __table_args__ = (Index("ix_kpi_reading_latest", "publish_id", "metric", "observed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    publish_id: int = Field(foreign_key="publish.id")
    metric: str = Field(max_length=64)
    value: float
    observed_at: datetime = utc_column(nullable=False)
    source: str = Field(max_length=64)
    recorded_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = utc_column(nullable=False)


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


class PersonHours(SQLModel, table=True):
    """A person's own working hours, set in App Home: their messages wait for them instead of
    the team's (BATON_WORKING_HOURS). Wall-clock times in the person's Slack time zone."""

    __tablename__ = "person_hours"

    user_id: str = Field(primary_key=True, max_length=32)
    days: str = Field(max_length=40)  # the days a window is open: "mon,tue,wed,thu,fri"
    start_time: str = Field(max_length=5)  # "09:00"
    end_time: str = Field(max_length=5)  # "18:00", after start_time
    updated_at: datetime = utc_column(nullable=False)
