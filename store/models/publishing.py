"""Publishes, their approvals and their KPI readings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.models.base import utc_column
from store.vocabulary import ApprovalState


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
