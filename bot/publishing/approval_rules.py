"""Approval signals from the owners of brand and product context: who may give them, whether a
publish is approved, and when the approvers still missing are chased."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from store.vocabulary import Approval, ApprovalState

__all__ = ["Approval", "ApprovalState"]  # stored words, re-exported

MAX_APPROVERS = 10
MAX_CHANGES = 3000
CHASE_BEFORE = timedelta(hours=2)  # not fully approved this long before the window: chase


def may_approve(person: str, approvals: Sequence[Approval]) -> bool:
    return any(a.approver_id == person for a in approvals)


def fully_approved(approvals: Sequence[Approval]) -> bool:
    """True when every approver approved (also when nobody was asked)."""
    return all(a.state is ApprovalState.APPROVED for a in approvals)


def still_missing(approvals: Sequence[Approval]) -> tuple[str, ...]:
    """Approvers who have not approved (yet, or since asking for changes)."""
    return tuple(a.approver_id for a in approvals if a.state is not ApprovalState.APPROVED)


def changes_requested(approvals: Sequence[Approval]) -> tuple[Approval, ...]:
    return tuple(a for a in approvals if a.state is ApprovalState.CHANGES_REQUESTED)


def chase_due(window_start: datetime, now: datetime) -> bool:
    """From CHASE_BEFORE before the window opens until it opens."""
    return window_start - CHASE_BEFORE <= now < window_start


def check_changes(text: str | None) -> str | None:
    """The requested changes, tidied; None when there is nothing to act on."""
    words = (text or "").strip()
    if not words or len(words) > MAX_CHANGES:
        return None
    return words
