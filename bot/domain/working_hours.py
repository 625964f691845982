"""Working hours in each recipient's own time zone: no DM at 3 a.m."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EXPECTED = "expected 'always' or 'HH:MM-HH:MM [Mon-Fri]'"
_SPEC = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})(?:\s+(.+))?$")


def _day(name: str, spec: str) -> int:
    key = name.strip().lower()[:3]
    if key not in DAYS:
        raise ValueError(f"{EXPECTED}, got {spec!r} (unknown day {name!r})")
    return DAYS.index(key)


def _days(text: str, spec: str) -> frozenset[int]:
    days: set[int] = set()
    for part in text.split(","):
        if "-" in part:
            first, last = (_day(p, spec) for p in part.split("-", 1))
            span = (last - first) % 7
            days.update((first + n) % 7 for n in range(span + 1))
        else:
            days.add(_day(part, spec))
    return frozenset(days)


@dataclass(frozen=True)
class WorkingHours:
    start: time | None = None  # None: always
    end: time | None = None
    days: frozenset[int] = frozenset(range(7))

    ALWAYS: ClassVar[WorkingHours]
    DEFAULT: ClassVar[WorkingHours]

    @classmethod
    def parse(cls, spec: str) -> WorkingHours:
        text = spec.strip()
        if text.lower() == "always":
            return cls()
        match = _SPEC.match(text)
        if not match:
            raise ValueError(f"{EXPECTED}, got {spec!r}")
        h1, m1, h2, m2, day_text = match.groups()
        try:
            start, end = time(int(h1), int(m1)), time(int(h2), int(m2))
        except ValueError:
            raise ValueError(f"{EXPECTED}, got {spec!r} (not a time of day)") from None
        if start == end:
            raise ValueError(f"{EXPECTED}, got {spec!r} (an empty window)")
        days = _days(day_text, spec) if day_text else frozenset(range(7))
        return cls(start, end, days)

    def __str__(self) -> str:
        if self.start is None or self.end is None:
            return "always"
        window = f"{self.start:%H:%M}-{self.end:%H:%M}"
        if self.days == frozenset(range(7)):
            return window
        return f"{window} " + ",".join(DAYS[d].title() for d in sorted(self.days))

    def _windows(self, around: date, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
        """Working periods (UTC) starting on the local days around `around`."""
        assert self.start is not None and self.end is not None
        periods = []
        for offset in range(-1, 9):
            day = around + timedelta(days=offset)
            if day.weekday() not in self.days:
                continue
            end_day = day + timedelta(days=1) if self.end <= self.start else day
            periods.append((_resolve(day, self.start, tz), _resolve(end_day, self.end, tz)))
        return periods

    def is_open(self, at: datetime, tz: ZoneInfo) -> bool:
        if self.start is None:
            return True
        at = at.astimezone(UTC)
        local_day = at.astimezone(tz).date()
        return any(start <= at < end for start, end in self._windows(local_day, tz))

    def next_open(self, at: datetime, tz: ZoneInfo) -> datetime:
        at = at.astimezone(UTC)
        if self.start is None:
            return at
        local_day = at.astimezone(tz).date()
        for start, end in self._windows(local_day, tz):
            if end <= at:
                continue
            return max(start, at)
        raise AssertionError("a working week always has an open period")


def _resolve(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """A local wall time as UTC; a time inside a DST gap moves to the gap's end."""
    local = datetime.combine(day, clock, tzinfo=tz)
    instant = local.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        # Wall time does not exist (spring forward): first valid instant after the gap.
        before = datetime.combine(day, clock, tzinfo=tz).replace(fold=0).astimezone(UTC)
        after = datetime.combine(day, clock, tzinfo=tz).replace(fold=1).astimezone(UTC)
        return max(before, after) if before == after else min(before, after) + abs(before - after)
    return instant


WorkingHours.ALWAYS = WorkingHours()
WorkingHours.DEFAULT = WorkingHours.parse("09:00-18:00 Mon-Fri")


def zone_or_utc(name: str | None) -> ZoneInfo:
    if not name:
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def deliver_at(due: datetime, hours: WorkingHours, tz: ZoneInfo) -> datetime:
    """The earliest instant at or after `due` inside the recipient's working hours."""
    return hours.next_open(due, tz)
