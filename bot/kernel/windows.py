"""Posting windows: `YYYY-MM-DD HH:MM-HH:MM` in the submitter's time zone, stored in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_LENGTH = timedelta(days=7)
_WINDOW = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})$")
USAGE = "Write the window as YYYY-MM-DD HH:MM-HH:MM in your time zone, e.g. 2026-11-24 09:00-11:00."


@dataclass(frozen=True)
class Window:
    start: datetime  # aware, UTC
    end: datetime


def overlaps(a: Window, b: Window) -> bool:
    """Half-open: a window ending at 10:00 does not clash with one starting at 10:00.
    store.publishes.overlapping asks the database the same question."""
    return a.start < b.end and b.start < a.end


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Wall time in `zone` as UTC; a time skipped by a DST change lands after the gap, as
    clocks do (fold=0 takes the offset from before the change)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def parse_window(text: str, zone: ZoneInfo) -> Window | str:
    match = _WINDOW.match(" ".join(text.split()))
    if match is None:
        return USAGE
    raw_day, raw_start, raw_end = match.groups()
    try:
        day = date.fromisoformat(raw_day)
        start_at = time.fromisoformat(raw_start.zfill(5))
        end_at = time.fromisoformat(raw_end.zfill(5))
    except ValueError:
        return f"“{text.strip()}” is not a real date and time. {USAGE}"
    start = _local(day, start_at, zone)
    end_day = day + timedelta(days=1) if end_at <= start_at else day
    end = _local(end_day, end_at, zone)
    if end <= start:
        return f"The window must end after it starts. {USAGE}"
    if end - start > MAX_LENGTH:
        return "Keep the posting window under a week."
    return Window(start, end)


def format_window(window: Window, zone: ZoneInfo) -> str:
    start = window.start.astimezone(zone)
    end = window.end.astimezone(zone)
    return f"{start:%Y-%m-%d %H:%M}-{end:%H:%M}"
