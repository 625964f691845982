"""An escalation policy: who is asked, when, and how many rounds (pure: no Slack, no SQL).

A channel's owners write one in `/baton settings`; each handoff keeps the policy it was made
under (frozen as JSON on the handoff), so a later edit changes new handoffs only. No policy:
Baton escalates as it always has (a nudge at act-by, then the backup and the thread).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

MAX_STEPS = 10
MAX_REPEAT = 9


class TargetKind(StrEnum):
    NEXT_OWNER = "next owner"
    BACKUP = "backup"
    AUTHOR = "author"
    OWNERS = "owners"  # the channel's owners (/baton settings)
    THREAD = "thread"  # a reply in the handoff's thread
    PERSON = "person"  # `ref`: a user id
    GROUP = "group"  # `ref`: a user group id; its members when the step fires
    ROTATION = "rotation"  # whoever's turn it is on the channel's backup rotation


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    ref: str | None = None  # the user id (PERSON) or user group id (GROUP)
    handle: str | None = None  # as the editor wrote it, e.g. "launch-oncall"


@dataclass(frozen=True)
class Step:
    """Ask `target` once `delay` of their working time has passed since the step before (the
    first step: since act-by)."""

    delay: timedelta
    target: Target


@dataclass(frozen=True)
class Policy:
    steps: tuple[Step, ...]
    repeat: int = 0  # how many times the steps after the first run again

    def to_json(self) -> dict[str, Any]:
        return {
            "steps": [
                {
                    "delay": step.delay.total_seconds(),
                    "target": step.target.kind.value,
                    "ref": step.target.ref,
                    "handle": step.target.handle,
                }
                for step in self.steps
            ],
            "repeat": self.repeat,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Policy:
        return cls(
            steps=tuple(
                Step(
                    delay=timedelta(seconds=float(step["delay"])),
                    target=Target(TargetKind(step["target"]), step.get("ref"), step.get("handle")),
                )
                for step in data["steps"]
            ),
            repeat=int(data.get("repeat", 0)),
        )
