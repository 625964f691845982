"""A publish's five moving parts: final source content, channel formatting, approval signals,
instrumentation and the decision point. Each is ready or not, and has an owner: whoever must
supply it when it is missing."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.guardrails.rules import DRAFT_MAX_AGE
from bot.publishing.approval_rules import Approval, changes_requested, still_missing

BLOCKED_HORIZON = timedelta(hours=24)  # a part missing this close to the window blocks it


class Part(StrEnum):
    SOURCE = "Source link"
    FORMATTING = "Formatting"
    APPROVALS = "Approvals"
    INSTRUMENTATION = "Instrumentation"
    DECISION_TABLE = "Decision table"


@dataclass(frozen=True)
class PartState:
    part: Part
    ready: bool
    state: str  # what is there, or what is missing
    owners: tuple[str, ...]  # who supplies it


@dataclass(frozen=True)
class PublishFacts:
    name: str
    surface: str
    link: str | None
    owner_id: str
    draft_age: timedelta | None  # of the latest /draft of this name on this surface
    approvals: Sequence[Approval]
    tracking_labels: Mapping[str, str]
    rule_metrics: Collection[str]
    automatic_metrics: Collection[str]  # metrics POST /kpi delivered in the channel lately
    rules: int
    logged_metrics: Collection[str] = ()  # metrics people logged with /kpi in the channel lately


def _days(age: timedelta) -> str:
    days = age.days
    return "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"


def readiness(facts: PublishFacts) -> tuple[PartState, ...]:
    owner = (facts.owner_id,)
    source = PartState(
        Part.SOURCE,
        bool(facts.link),
        "final source linked" if facts.link else "no link to the final source",
        owner,
    )
    fresh = facts.draft_age is not None and facts.draft_age <= DRAFT_MAX_AGE
    formatting = PartState(
        Part.FORMATTING,
        fresh,
        f"/draft for {facts.surface} checked {_days(facts.draft_age)}"
        if fresh and facts.draft_age is not None
        else f"no /draft of “{facts.name}” for {facts.surface} checked in the last "
        f"{DRAFT_MAX_AGE.days} days",
        owner,
    )
    missing = still_missing(facts.approvals)
    asked_changes = changes_requested(facts.approvals)
    if not facts.approvals:
        approvals = PartState(Part.APPROVALS, True, "no approvers asked", owner)
    elif asked_changes:
        approvals = PartState(
            Part.APPROVALS,
            False,
            f"changes requested by {len(asked_changes)} of {len(facts.approvals)}",
            owner,
        )
    elif missing:
        done = len(facts.approvals) - len(missing)
        approvals = PartState(
            Part.APPROVALS, False, f"{done} of {len(facts.approvals)} approved", missing
        )
    else:
        approvals = PartState(Part.APPROVALS, True, "all approved", owner)
    instrumentation = _instrumentation(facts)
    table = PartState(
        Part.DECISION_TABLE,
        facts.rules > 0,
        f"{facts.rules} rule{'s' if facts.rules != 1 else ''}" if facts.rules else "no rules",
        owner,
    )
    return (source, formatting, approvals, instrumentation, table)


def _instrumentation(facts: PublishFacts) -> PartState:
    """Will the rules' metrics arrive: from a tool (POST /kpi) or typed with /kpi."""
    owner = (facts.owner_id,)
    expected = sorted(set(facts.rule_metrics) & set(facts.automatic_metrics))
    by_hand = sorted(set(facts.rule_metrics) & set(facts.logged_metrics))
    if not facts.tracking_labels:
        return PartState(Part.INSTRUMENTATION, False, "no tracking labels", owner)
    if expected:
        said = f"tracking labels set; {', '.join(expected)} expected from POST /kpi"
        return PartState(Part.INSTRUMENTATION, True, said, owner)
    if by_hand:
        said = f"tracking labels set; {', '.join(by_hand)} logged with /kpi here lately"
        return PartState(Part.INSTRUMENTATION, True, said, owner)
    metrics = sorted(facts.rule_metrics) or ["reach"]
    example = " ".join(f"{m}=…" for m in metrics)
    said = (
        f"tracking labels set; no tool sends {', '.join(metrics)} through POST /kpi yet: "
        f"log them with /kpi “{facts.name}” {example}"
    )
    return PartState(Part.INSTRUMENTATION, False, said, owner)


@dataclass(frozen=True)
class BlockedPublish:
    """A publish whose window opens soon, with the parts it still misses."""

    name: str
    surface: str
    window_start: datetime
    missing: list[PartState]


def blocking(parts: Sequence[PartState], window_start: datetime, now: datetime) -> list[PartState]:
    """The missing parts of a publish whose window opens within BLOCKED_HORIZON."""
    if not now <= window_start <= now + BLOCKED_HORIZON:
        return []
    return [p for p in parts if not p.ready]
