"""Working hours in each recipient's own time zone: no DM at 3 a.m.

`BATON_WORKING_HOURS` is `always`, or `HH:MM-HH:MM` optionally followed by days (`Mon-Fri`,
`Mon,Wed,Fri`, `Sat Sun`, `Fri-Mon`). The window is a wall-clock window in the recipient's zone:

* an end of `24:00` is midnight at the end of the day (`00:00-24:00 Mon-Fri`: all of weekdays);
* an end at or before the start is an overnight window (`22:00-06:00`), and the days name the
  day each window *starts* on (`22:00-06:00 Fri` is Friday night into Saturday morning);
* a start or end that falls in a daylight-saving gap moves to the end of the gap (the first
  instant the wall clock is past it); one that occurs twice (clocks going back) opens at its
  first occurrence and closes at its second, so the window is never shortened.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
EXPECTED = "expected 'always' or 'HH:MM-HH:MM [Mon-Fri]'"
_SPEC = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})(?:\s+(.+))?$")
_ALL_WEEK = frozenset(range(7))
# How far ahead to look for the next open window: two weeks and a day, so that a weekly window
# missing once (a DST gap on its only day) is found the week after, and a missed day as well.
LOOKAHEAD_DAYS = 15


def _day(name: str, spec: str) -> int:
    """A day from its three-letter abbreviation or any longer prefix of its name."""
    key = name.strip().lower()
    for index, full in enumerate(_FULL_DAYS):
        if len(key) >= 3 and full.startswith(key):
            return index
    raise ValueError(f"{EXPECTED}, got {spec!r} (unknown day {name.strip()!r})")


def _days(text: str, spec: str) -> frozenset[int]:
    days: set[int] = set()
    text = re.sub(r"\s*-\s*", "-", text.strip())
    for part in re.split(r"[\s,]+", text):
        if "-" in part:
            first, last = (_day(p, spec) for p in part.split("-", 1))
            span = (last - first) % 7
            days.update((first + n) % 7 for n in range(span + 1))
        else:
            days.add(_day(part, spec))
    return frozenset(days)


def _utc(at: datetime) -> datetime:
    """An instant in UTC; a naive datetime is taken as UTC (as the store keeps them)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


@dataclass(frozen=True)
class WorkingHours:
    start: time | None = None  # None: always
    end: time | None = None  # at or before `start`: the window ends the next day
    days: frozenset[int] = _ALL_WEEK  # the days a window starts on, Monday = 0

    ALWAYS: ClassVar[WorkingHours]
    DEFAULT: ClassVar[WorkingHours]

    def __post_init__(self) -> None:
        # Hours with no open time at all would hold every message forever: refuse them.
        if (self.start is None) != (self.end is None):
            raise ValueError(f"{EXPECTED}: a window needs a start and an end")
        if self.start is not None and not self.days:
            raise ValueError(f"{EXPECTED}, got {self} (no days: never open)")

    @classmethod
    def parse(cls, spec: str) -> WorkingHours:
        text = spec.strip()
        if text.lower() == "always":
            return cls()
        match = _SPEC.match(text)
        if not match:
            raise ValueError(f"{EXPECTED}, got {spec!r}")
        h1, m1, h2, m2, day_text = match.groups()
        end_of_day = (int(h2), int(m2)) == (24, 0)
        try:
            start = time(int(h1), int(m1))
            end = time(0, 0) if end_of_day else time(int(h2), int(m2))
        except ValueError:
            raise ValueError(f"{EXPECTED}, got {spec!r} (not a time of day)") from None
        if start == end and not end_of_day:
            raise ValueError(f"{EXPECTED}, got {spec!r} (an empty window)")
        days = _days(day_text, spec) if day_text else _ALL_WEEK
        return cls(start, end, days)

    def __str__(self) -> str:
        if self.start is None or self.end is None:
            return "always"
        end = "24:00" if self.end == time(0, 0) else f"{self.end:%H:%M}"
        window = f"{self.start:%H:%M}-{end}"
        if self.days == _ALL_WEEK:
            return window
        return f"{window} " + ",".join(DAYS[d].title() for d in sorted(self.days))

    def _windows(self, around: date, tz: ZoneInfo) -> Iterator[tuple[datetime, datetime]]:
        """Working periods (UTC, chronological, none empty) starting on the local days from the
        day before `around` to LOOKAHEAD_DAYS after it, made lazily: the next one is usually
        today's. A window that does not happen on a day (wholly inside a DST gap, or a day the
        zone skipped) is left out, and the search goes on to the following weeks."""
        assert self.start is not None and self.end is not None
        for offset in range(-1, LOOKAHEAD_DAYS + 1):
            day = around + timedelta(days=offset)
            if day.weekday() not in self.days:
                continue
            end_day = day + timedelta(days=1) if self.end <= self.start else day
            start = _resolve(day, self.start, tz, latest=False)
            end = _resolve(end_day, self.end, tz, latest=True)
            if start < end:
                yield start, end

    def is_open(self, at: datetime, tz: ZoneInfo) -> bool:
        """Whether `at` falls in a working period of someone in `tz`."""
        if self.start is None:
            return True
        at = _utc(at)
        for start, end in self._windows(at.astimezone(tz).date(), tz):
            if start > at:
                return False  # chronological: no later window can hold `at`
            if at < end:
                return True
        return False

    def next_open(self, at: datetime, tz: ZoneInfo) -> datetime:
        """The earliest instant at or after `at` inside a working period (UTC). Should no
        window happen within LOOKAHEAD_DAYS (a zone that keeps skipping the window's wall
        times), `at` itself: a message sent out of hours beats one never sent."""
        at = _utc(at)
        if self.start is None:
            return at
        for start, end in self._windows(at.astimezone(tz).date(), tz):
            if end > at:
                return max(start, at)
        return at


def _wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


def _resolve(day: date, clock: time, tz: ZoneInfo, *, latest: bool) -> datetime:
    """A local wall time as a UTC instant. A wall time that occurs twice (clocks going back)
    gives its first occurrence, or its last if `latest`; one that does not occur (a DST gap)
    gives the end of the gap: the first instant whose wall time is past it."""
    wall = datetime.combine(day, clock)
    candidates = {wall.replace(tzinfo=tz, fold=fold).astimezone(UTC) for fold in (0, 1)}
    real = [instant for instant in candidates if _wall(instant, tz) == wall]
    if real:
        return max(real) if latest else min(real)
    # In a gap: the wall time read at `low` is before it, at `high` after it. Transitions
    # happen on whole seconds, so bisect on seconds for the first instant past it.
    low, high = (int(instant.timestamp()) for instant in sorted(candidates))
    while high - low > 1:
        middle = (low + high) // 2
        if _wall(datetime.fromtimestamp(middle, UTC), tz) > wall:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


WorkingHours.ALWAYS = WorkingHours()
WorkingHours.DEFAULT = WorkingHours.parse("09:00-18:00 Mon-Fri")


def zone_or_utc(name: str | None) -> ZoneInfo:
    """The IANA zone Slack gave for a user; UTC when it is missing or not a zone we know."""
    if not name or not name.strip():
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: e.g. a directory, "America"
        return ZoneInfo("UTC")


def deliver_at(due: datetime, hours: WorkingHours, tz: ZoneInfo) -> datetime:
    """The earliest instant at or after `due` inside the recipient's working hours (UTC)."""
    return hours.next_open(due, tz)


def open_until(at: datetime, hours: WorkingHours, tz: ZoneInfo) -> datetime | None:
    """The end of the working period `at` falls in (UTC); None when always open."""
    if hours.start is None:
        return None
    at = _utc(at)
    ends = [end for start, end in hours._windows(at.astimezone(tz).date(), tz) if start <= at < end]
    return max(ends) if ends else at


def add_working_time(
    start: datetime, duration: timedelta, hours: WorkingHours, tz: ZoneInfo
) -> datetime:
    """`duration` of the recipient's working time from `start`: a Friday 17:00 start with
    four hours, for someone working 09:00-18:00 Mon-Fri, ends Monday 12:00 their time."""
    at = _utc(start)
    if hours.start is None:
        return at + duration
    left = duration
    while True:
        at = hours.next_open(at, tz)
        end = open_until(at, hours, tz)
        assert end is not None
        if at + left <= end:
            return at + left
        left -= end - at
        at = end


def working_days_ahead(start: datetime, days: int, hours: WorkingHours, tz: ZoneInfo) -> datetime:
    """The end of the `days`-th working period from `start` on (the one under way counts)."""
    at = _utc(start)
    if hours.start is None:
        return at + timedelta(days=days)
    for _ in range(days):
        at = hours.next_open(at, tz)
        end = open_until(at, hours, tz)
        assert end is not None
        at = end
    return at
