"""What a handoff use case answers: kept apart so the listeners and every use case module share
it without importing one another."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.handoffs import messages as views
from bot.handoffs.lifecycle import Refused


@dataclass(frozen=True)
class Created:
    handoff_id: int
    send_now: list[str]


class Outcome(StrEnum):
    CHANGED = "changed"
    NOT_ALLOWED = "not_allowed"  # `allowed` says who may
    NOT_NOW = "not_now"  # `refused` says why (done already, acknowledged already…)
    INVALID = "invalid"  # `problem` says what to fix (a modal field)
    REPEAT = "repeat"  # this form (view id) was submitted and acted on already
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Change:
    outcome: Outcome
    card: views.HandoffCard | None = None
    send_now: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    refused: Refused | None = None
    problem: str | None = None
