"""Whose hours a message waits for: the reader's own working hours when they set them in App
Home, else the team's (`BATON_WORKING_HOURS`), always read in the reader's own time zone.

Every planner (nudges, escalations, blocker reminders, approval chases, decision reminders)
asks `reader_hours` and plans with `ReaderHours.plan`, so no message goes out at 04:00 for
someone who starts at 09:00, nor at 09:00 for someone who starts at noon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.kernel.working_hours import DAYS, WorkingHours, deliver_at, zone_or_utc

DAY_NAMES = tuple(day.title() for day in DAYS)  # Mon … Sun, Monday = 0


@dataclass(frozen=True)
class ReaderHours:
    hours: WorkingHours
    zone: ZoneInfo
    own: bool = False  # the reader set them (App Home), not the team default

    def plan(self, due: datetime) -> datetime:
        """The earliest instant at or after `due` inside the reader's hours (UTC)."""
        return deliver_at(due, self.hours, self.zone)


def reader_hours(team: WorkingHours, own: WorkingHours | None, zone: str | None) -> ReaderHours:
    """The one rule: the reader's own hours when set, else the team's; in their zone (UTC only
    when Slack could not tell it)."""
    if own is not None:
        return ReaderHours(own, zone_or_utc(zone), own=True)
    return ReaderHours(team, zone_or_utc(zone))


class HoursRefused(StrEnum):
    """Why hours from App Home were refused: at the days field, or at the end field."""

    NO_DAY = "Pick at least one day."
    NO_TIME = "Pick a start and an end time."
    END_NOT_AFTER_START = "End after you start, on the same day (e.g. 09:00 to 18:00)."


def check_own_hours(
    days: frozenset[int], start: time | None, end: time | None
) -> WorkingHours | HoursRefused:
    """A person's own hours as App Home takes them: one same-day window on the chosen days;
    refused when they would never be open."""
    if not days:
        return HoursRefused.NO_DAY
    if start is None or end is None:
        return HoursRefused.NO_TIME
    if end <= start:
        return HoursRefused.END_NOT_AFTER_START
    return WorkingHours(start, end, days)


def days_text(days: frozenset[int]) -> str:
    """`Mon–Fri`, `Tue–Sat`, `Mon, Wed, Fri`, `Mon–Wed, Fri`, `every day`."""
    if len(days) == 7:
        return "every day"
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = [
        f"{DAY_NAMES[run[0]]}–{DAY_NAMES[run[-1]]}"
        if len(run) > 2
        else ", ".join(DAY_NAMES[d] for d in run)
        for run in runs
    ]
    return ", ".join(parts)


def hours_text(hours: WorkingHours) -> str:
    """`Mon–Fri 09:00–18:00`; `any time` for hours that are always open."""
    if hours.start is None or hours.end is None:
        return "any time"
    end = "24:00" if hours.end == time(0, 0) else f"{hours.end:%H:%M}"
    return f"{days_text(hours.days)} {hours.start:%H:%M}–{end}"
