"""What waits on a person, in the order they should act: pure rules, no Slack, no SQL.

Everything on "Waiting on you" has a due time (a handoff's act-by, a publish window's start
for an approval, a decision's due time) or, for an item of theirs that blocks other work,
none: it has waited since its oldest edge. Overdue first, most overdue first; then what is
due next; then the blockers, longest-blocking first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from bot.kernel.durations import format_duration

T = TypeVar("T")


class Owed(StrEnum):
    """Why something waits on the viewer."""

    HANDOFF = "handoff"  # they are its next owner
    ESCALATION = "escalation"  # they are asked to take it over or reach the next owner
    BLOCKER = "blocker"  # their item blocks other work
    APPROVAL = "approval"  # they were asked to approve a publish
    DECISION = "decision"  # a publish's 24h decision is theirs


@dataclass(frozen=True)
class Due:
    """When one waiting thing was (or is) due; `since` for those with no due time."""

    owed: Owed
    due: datetime | None
    since: datetime | None = None


def overdue_by(due: datetime | None, now: datetime) -> timedelta | None:
    """How late it is, when it is past due; None when not yet due (or never due)."""
    if due is None or due >= now:
        return None
    return now - due


def overdue_words(due: datetime | None, now: datetime) -> str | None:
    """`3d 4h overdue`, or None when it is not."""
    late = overdue_by(due, now)
    return f"{format_duration(late)} overdue" if late is not None else None


def in_order(found: Sequence[T], due_of: Callable[[T], Due], now: datetime) -> list[T]:
    """Overdue first (most overdue first), then by due time, then undated, oldest first.
    Stable: equal ones keep the order they came in."""

    def key(thing: T) -> tuple[int, float]:
        due = due_of(thing)
        if due.due is None:
            since = due.since or now
            return (2, since.timestamp())
        if due.due < now:
            return (0, due.due.timestamp())
        return (1, due.due.timestamp())

    return sorted(found, key=key)


def escalation_stands(
    *,
    viewer: str,
    live: bool,
    next_owner_id: str,
    contact: str,
    act_by: datetime,
    escalated_at: datetime | None,
    reached_since_act_by: bool,
    now: datetime,
) -> bool:
    """An escalation DM still asks the viewer to take over or reach the next owner: it went
    to them for the current act-by, the handoff is live and past that act-by, they are the
    one its buttons are for, and they have neither taken it over nor reached them."""
    return (
        live
        and escalated_at is not None
        and escalated_at >= act_by
        and act_by <= now
        and viewer == contact
        and viewer != next_owner_id
        and not reached_since_act_by
    )
