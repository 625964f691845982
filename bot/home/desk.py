"""A person's desk as values: what App Home shows, read by the service and laid out by the
messages module (both import it; neither imports the other's internals)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.graph.rules import ItemRef, ItemReport
from bot.handoffs.messages import HandoffCard


@dataclass(frozen=True)
class Section:
    cards: list[HandoffCard] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return max(self.total - len(self.cards), 0)


@dataclass(frozen=True)
class Desk:
    waiting_on_you: Section
    handed_off: Section
    done: Section
    blocking: list[tuple[ItemRef, list[list[str]]]]
    waiting: list[ItemReport]
