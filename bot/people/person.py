"""What Baton knows about a Slack user when it applies a rule (no Slack client here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str = ""
    tz: str | None = None
    is_bot: bool = False
    deleted: bool = False

    @property
    def can_act(self) -> bool:
        return not (self.is_bot or self.deleted)
