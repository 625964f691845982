"""Weekly schedules like `Mon 09:00 Europe/Berlin` (the digest's `BATON_DIGEST_AT`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS = {
    name: i for names in (DAYS, _FULL_NAMES) for i, name in enumerate(n.lower() for n in names)
}
USAGE = "expected `<Mon..Sun> HH:MM [time zone]`, e.g. `Mon 09:00 Europe/Berlin`"


@dataclass(frozen=True)
class Weekly:
    weekday: int  # Monday is 0
    at: time
    zone: ZoneInfo

    def __str__(self) -> str:
        return f"{DAYS[self.weekday]} {self.at:%H:%M} {self.zone.key}"


def parse_weekly(text: str) -> Weekly | str:
    parts = text.split()
    if len(parts) not in (2, 3):
        return USAGE
    weekday = _WEEKDAYS.get(parts[0].lower())
    if weekday is None:
        return f"unknown day {parts[0]!r}: {USAGE}"
    try:
        at = time.fromisoformat(parts[1].zfill(5))
    except ValueError:
        return f"unknown time {parts[1]!r}: {USAGE}"
    zone_name = parts[2] if len(parts) == 3 else "UTC"
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {zone_name!r}: {USAGE}"
    return Weekly(weekday, at, zone)


def next_occurrence(schedule: Weekly, after: datetime) -> datetime:
    """The first time strictly after `after` (aware), in UTC, following the zone's DST."""
    local = after.astimezone(schedule.zone)
    day = local.date() + timedelta(days=(schedule.weekday - local.weekday()) % 7)
    for _ in range(3):
        candidate = datetime.combine(day, schedule.at, tzinfo=schedule.zone).astimezone(UTC)
        if candidate > after:
            return candidate
        day += timedelta(days=7)
    raise AssertionError("unreachable: a week always has a next occurrence")
