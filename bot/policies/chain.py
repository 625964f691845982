"""Walking a frozen escalation policy: which step comes next, and when (pure: no Slack, no SQL).

The steps run in order; `repeat N` runs the steps after the first again N times, so the
positions are (0, 0) … (0, n-1), then (1, 1) … (1, n-1), and so on. Each step is due `delay`
of the asked person's working time after the step before was due (the first: after act-by),
inside their working hours, and never before act-by: an acknowledgement holds the chain until
then (a Snooze moves act-by, and with it the hold), and it goes on from where it stood.
A low-urgency handoff only nudges: steps that ask anyone but the next owner fire nothing, and
their delays count towards the next nudge.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.kernel.reader_hours import ReaderHours
from bot.kernel.working_hours import add_working_time
from bot.policies.policy import Policy, Step, TargetKind
from store.vocabulary import Urgency


@dataclass(frozen=True, order=True)
class Position:
    round: int  # 0: the first run through; 1 … repeat: the repeats
    step: int  # the step's index in the policy

    def label(self) -> str:
        """`step 2`, `step 2, repeat 1`: as people count, from one."""
        again = f", repeat {self.round}" if self.round else ""
        return f"step {self.step + 1}{again}"


@dataclass(frozen=True)
class Next:
    position: Position
    step: Step
    delay: timedelta  # since the step before was due (the steps it skipped included)


def positions(policy: Policy) -> Iterator[Position]:
    """Every step the policy runs, in order, repeats included."""
    for index in range(len(policy.steps)):
        yield Position(0, index)
    for again in range(1, policy.repeat + 1):
        for index in range(1, len(policy.steps)):
            yield Position(again, index)


def length(policy: Policy) -> int:
    """How many steps the policy runs at most, repeats included."""
    return len(policy.steps) + policy.repeat * max(len(policy.steps) - 1, 0)


def asks(step: Step, urgency: str) -> bool:
    """Whether the step asks anyone at this urgency (low: nudges to the next owner only)."""
    return urgency != Urgency.LOW or step.target.kind is TargetKind.NEXT_OWNER


def next_step(policy: Policy, urgency: str, done: Position | None) -> Next | None:
    """The step after `done` (None: before the first) that asks anyone; None when none is
    left."""
    delay = timedelta(0)
    for position in positions(policy):
        if done is not None and position <= done:
            continue
        step = policy.steps[position.step]
        delay += step.delay
        if asks(step, urgency):
            return Next(position, step, delay)
    return None


def due_at(since: datetime, delay: timedelta, reader: ReaderHours, *, act_by: datetime) -> datetime:
    """`delay` of the reader's working time after `since`, inside their hours, not before
    `act_by` (the hold an acknowledgement or a Snooze puts on the chain)."""
    at = since
    if delay > timedelta(0):
        at = add_working_time(since, delay, reader.hours, reader.zone)
    return reader.plan(max(at, act_by))
