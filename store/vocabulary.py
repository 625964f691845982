"""The words the database stores and its queries answer in: states, kinds and the plain
records built from rows.

Pure values (no SQL, no Slack). They live here, below every feature, so that `store` never
imports feature code; each feature's rules re-export the ones it speaks of.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class HandoffState(StrEnum):
    """Where a handoff is in its life. Open, acknowledged, reassigned and taken over are live
    (someone still has to do the next action); done, handed on and withdrawn are final."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    DONE = "done"
    REASSIGNED = "reassigned"
    TAKEN_OVER = "taken_over"
    HANDED_ON = "handed_on"
    WITHDRAWN = "withdrawn"


class Urgency(StrEnum):
    NORMAL = "normal"
    LOW = "low"  # nudged at act-by, never escalated


LIVE = frozenset(
    {HandoffState.OPEN, HandoffState.ACKNOWLEDGED, HandoffState.REASSIGNED, HandoffState.TAKEN_OVER}
)


class EdgeKind(StrEnum):
    HARD = "hard"
    SOFT = "soft"


@dataclass(frozen=True)
class Edge:
    """`item` depends on `dependency`."""

    item: int
    dependency: int
    kind: EdgeKind
    since: datetime


class ApprovalState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"


@dataclass(frozen=True)
class Approval:
    approver_id: str
    state: ApprovalState
    note: str | None = None
    at: datetime | None = None


class Choice(StrEnum):
    """What a decision after a publish picks."""

    REPEAT = "repeat"
    REVISE = "revise"
    STOP = "stop"


@dataclass(frozen=True)
class HandoffRecord:
    """A handoff as the cycle-time report reads it."""

    channel_id: str
    next_owner_id: str
    created_at: datetime
    act_by: datetime
    acknowledged_at: datetime | None = None
    done_at: datetime | None = None
    nudged: bool = False
    escalated: bool = False
    taken_over: bool = False
    chain_steps: int | None = None  # the steps its escalation policy fired; None: no policy


@dataclass(frozen=True)
class PublishRecord:
    """A publish as the cycle-time report reads it."""

    channel_id: str
    owner_id: str
    created_at: datetime
    window_start: datetime
    approvers: int
    approved_at: datetime | None  # when the last approver approved


@dataclass(frozen=True)
class OpenHandoffRecord:
    """A live handoff past its act-by, as the report's outliers read it."""

    channel_id: str
    work_item: str
    next_owner_id: str
    act_by: datetime


@dataclass(frozen=True)
class UnapprovedRecord:
    """A publish whose window opened while approvers had not approved, and who they are."""

    channel_id: str
    name: str
    owner_id: str
    window_start: datetime
    missing: tuple[str, ...]
