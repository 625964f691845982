"""A person's desk as values: what App Home shows, read by the service and laid out by the
messages module (both import it; neither imports the other's internals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.graph.rules import Blocking, ItemReport
from bot.handoffs.messages import HandoffCard
from bot.home.waiting import Due, Owed
from bot.publishing.messages import PublishCard


@dataclass(frozen=True)
class Section:
    cards: list[HandoffCard] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return max(self.total - len(self.cards), 0)


@dataclass(frozen=True)
class HandoffWaiting:
    """A live handoff: the viewer is its next owner, or (`escalated`) was asked to take it
    over or reach the next owner."""

    card: HandoffCard
    escalated: bool = False

    @property
    def due(self) -> Due:
        return Due(Owed.ESCALATION if self.escalated else Owed.HANDOFF, self.card.act_by)


@dataclass(frozen=True)
class BlockerWaiting:
    """An item of the viewer's that blocks other work."""

    blocking: Blocking

    @property
    def due(self) -> Due:
        return Due(Owed.BLOCKER, None, since=self.blocking.since)


@dataclass(frozen=True)
class ApprovalWaiting:
    """A publish the viewer was asked to approve: due when its window opens."""

    card: PublishCard

    @property
    def due(self) -> Due:
        return Due(Owed.APPROVAL, self.card.window.start)


@dataclass(frozen=True)
class DecisionWaiting:
    """A publish whose decision prompt is out and is the viewer's to answer."""

    card: PublishCard
    decision_due: datetime
    revision: int  # what its buttons carry, as on the prompt

    @property
    def due(self) -> Due:
        return Due(Owed.DECISION, self.decision_due)


Waiting = HandoffWaiting | BlockerWaiting | ApprovalWaiting | DecisionWaiting


@dataclass(frozen=True)
class WaitingSection:
    items: list[Waiting] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return max(self.total - len(self.items), 0)


@dataclass(frozen=True)
class Desk:
    waiting_on_you: WaitingSection
    handed_off: Section
    done: Section
    blocking: list[Blocking]
    waiting: list[ItemReport]
