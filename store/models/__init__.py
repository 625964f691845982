"""Baton's tables, one module per group. Times are aware UTC; Slack ids are strings as Slack
gives them. Everything is importable from here, as before the split."""

from __future__ import annotations

from store.models.base import metadata, utc_column
from store.models.chains import EscalationChain
from store.models.channels import (
    ChannelGuardrail,
    ChannelSettings,
    Draft,
    FailureOccurrence,
    GuardrailState,
    ModalSubmission,
)
from store.models.outbox import OutboxMessage, OutboxOp, OutboxStatus, SlackCallBudget
from store.models.people import PersonHours, SlackPresence, SlackUser
from store.models.publishing import KpiReading, Publish, PublishApproval
from store.models.rotations import ChannelRotation
from store.models.work import Dependency, Handoff, HandoffStateChange, ItemState, WorkItem
from store.vocabulary import ApprovalState, Choice

__all__ = [
    "ApprovalState",
    "ChannelGuardrail",
    "ChannelRotation",
    "ChannelSettings",
    "Choice",
    "Dependency",
    "Draft",
    "EscalationChain",
    "FailureOccurrence",
    "GuardrailState",
    "Handoff",
    "HandoffStateChange",
    "ItemState",
    "KpiReading",
    "ModalSubmission",
    "OutboxMessage",
    "OutboxOp",
    "OutboxStatus",
    "PersonHours",
    "Publish",
    "PublishApproval",
    "SlackCallBudget",
    "SlackPresence",
    "SlackUser",
    "WorkItem",
    "metadata",
    "utc_column",
]
