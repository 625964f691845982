"""A backup rotation's turns (pure: no Slack, no SQL).

People take turns in the order they were picked. The first one's turn starts when the rotation
is set; each turn ends at the next changeover, a weekday and hour on the wall clock of the
rotation's zone (so a turn around a daylight-saving change is an hour longer or shorter, and a
changeover at an hour the clocks skip happens as the clocks jump). Someone who can no longer take
a turn (deactivated, a bot) is passed over: the next person in order covers it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
MIN_PEOPLE = 2
MAX_PEOPLE = 20


def known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Changeover:
    """When the turn changes: `weekday` (0 = Monday) at `hour`:00 in `zone`."""

    weekday: int
    hour: int
    zone: str

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.hour:02d}:00 {self.zone}"

    def at(self, day: date) -> datetime:
        """The changeover on `day` (a local date), in UTC."""
        local = datetime(day.year, day.month, day.day, self.hour, tzinfo=ZoneInfo(self.zone))
        return local.astimezone(UTC)


@dataclass(frozen=True)
class Rotation:
    people: tuple[str, ...]
    changes: Changeover
    since: datetime  # when the first person's turn began (the rotation was set)


@dataclass(frozen=True)
class Turn:
    person: str
    starts: datetime  # UTC
    ends: datetime  # UTC: the next changeover
    passed_over: tuple[str, ...] = ()  # whose turn it was, before them, who cannot take it


def _first_day(rotation: Rotation) -> date:
    """The local date of the first changeover after `since`."""
    changes = rotation.changes
    local = rotation.since.astimezone(ZoneInfo(changes.zone))
    day = local.date() + timedelta(days=(changes.weekday - local.weekday()) % 7)
    return day if changes.at(day) > rotation.since else day + timedelta(days=7)


def _changes_by(rotation: Rotation, at: datetime) -> int:
    """How many changeovers came after `since`, up to and including `at`."""
    first = _first_day(rotation)
    local_day = at.astimezone(ZoneInfo(rotation.changes.zone)).date()
    weeks = (local_day - first).days // 7
    if weeks >= 0 and rotation.changes.at(first + timedelta(weeks=weeks)) > at:
        weeks -= 1
    return max(weeks + 1, 0)


def _changeover(rotation: Rotation, number: int) -> datetime:
    """The start of turn `number` (0: the first, from `since`)."""
    if number == 0:
        return rotation.since
    return rotation.changes.at(_first_day(rotation) + timedelta(weeks=number - 1))


def _turn(rotation: Rotation, number: int, can_take: Callable[[str], bool]) -> Turn | None:
    people = rotation.people
    for step in range(len(people)):
        person = people[(number + step) % len(people)]
        if can_take(person):
            passed = tuple(people[(number + s) % len(people)] for s in range(step))
            return Turn(
                person, _changeover(rotation, number), _changeover(rotation, number + 1), passed
            )
    return None  # nobody in the rotation can take a turn


def _everyone(person: str) -> bool:
    return True


def turn_at(
    rotation: Rotation, at: datetime, can_take: Callable[[str], bool] = _everyone
) -> Turn | None:
    """Whose turn it is at `at` (before the rotation was set: the first person's); None when
    nobody in it can take a turn."""
    return _turn(rotation, _changes_by(rotation, at), can_take)


def next_turn(
    rotation: Rotation, at: datetime, can_take: Callable[[str], bool] = _everyone
) -> Turn | None:
    """The next turn that goes to someone else than the person on turn at `at`, and from
    when; None when nobody else can take one."""
    number = _changes_by(rotation, at)
    now = _turn(rotation, number, can_take)
    if now is None:
        return None
    for later in range(number + 1, number + len(rotation.people) + 1):
        turn = _turn(rotation, later, can_take)
        if turn is not None and turn.person != now.person:
            return turn
    return None
