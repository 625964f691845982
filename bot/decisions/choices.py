"""Deciding after a publish: which readings count, who decides, what a decision says, and how
one cycle compares with the one it follows.

A decision picks an action: Repeat and Stop are actions in themselves; Revise names the
candidate action it takes up (a triggered rule's, or one written in words). Only readings
observed from the window's start up to the decision point count; older ones are shown as
"before the window" and no rule reads them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from store.vocabulary import Choice

__all__ = ["Choice"]  # stored words, re-exported

MAX_ACTION = 200


@dataclass(frozen=True)
class Decision:
    choice: Choice
    action: str | None  # Revise: the action taken up
    by: str
    at: datetime

    @property
    def summary(self) -> str:
        """“Revise: shorter opener”, “Repeat”, “Stop”."""
        label = self.choice.value.title()
        return f"{label}: {self.action}" if self.action else label


@dataclass(frozen=True)
class Recommendation:
    """The button the rules point at, and the triggered candidate actions behind it (none:
    nothing triggered, so the plan stands and Repeat is recommended)."""

    choice: Choice
    actions: tuple[str, ...] = ()


_LEADING_WORD = re.compile(r"[a-z]+")
# Candidate actions are free text; the ones that open with these words are that button's own.
_CHOICE_WORDS = {"stop": Choice.STOP, "repeat": Choice.REPEAT}
# When several rules triggered, the strongest call wins: stopping outweighs revising, and
# revising outweighs repeating.
_STRENGTH = (Choice.STOP, Choice.REVISE, Choice.REPEAT)


def choice_of(action: str) -> Choice:
    """The button a candidate action is taken up with: “stop the series” is Stop, “repeat
    next week on X” is Repeat, anything else (“revise opening line”) is Revise."""
    word = _LEADING_WORD.match(action.strip().casefold())
    return _CHOICE_WORDS.get(word.group(0) if word else "", Choice.REVISE)


def recommended(triggered: Sequence[str]) -> Recommendation:
    """What the pre-committed rules recommend, given the candidate actions that triggered."""
    by_choice: dict[Choice, list[str]] = {}
    for action in dict.fromkeys(triggered):
        by_choice.setdefault(choice_of(action), []).append(action)
    for choice in _STRENGTH:
        if choice in by_choice:
            return Recommendation(choice, tuple(by_choice[choice]))
    return Recommendation(Choice.REPEAT)


def may_decide(person: str, *, owner_id: str, backup_owner_id: str) -> bool:
    return person in (owner_id, backup_owner_id)


def revision(current: Decision | None, earlier: Sequence[Decision]) -> int:
    """How many decisions have been made: a click carries the revision its message showed,
    so a click on a message that is out of date is told what happened instead of applied."""
    return len(earlier) + (1 if current is not None else 0)


@dataclass(frozen=True)
class DecisionRefusal:
    message: str


def check_revise_action(picked: str | None, written: str | None) -> str | DecisionRefusal:
    """The action a Revise takes up: a listed candidate, or one in words (not both)."""
    picked = " ".join((picked or "").split())
    written = " ".join((written or "").split())
    if picked and written:
        return DecisionRefusal("Pick a listed action or write another one, not both.")
    action = picked or written
    if not action:
        return DecisionRefusal("Revise means changing something: say what, e.g. “shorter opener”.")
    if len(action) > MAX_ACTION:
        return DecisionRefusal(f"Keep the action under {MAX_ACTION} characters.")
    return action


@dataclass(frozen=True)
class CountedReadings:
    """The latest reading per metric observed from the window's start up to the decision
    point, and the latest per metric from before the window (listed, never counted)."""

    counted: dict[str, tuple[float, datetime]]
    before_window: dict[str, tuple[float, datetime]]

    @property
    def values(self) -> dict[str, float]:
        return {metric: value for metric, (value, _) in self.counted.items()}
