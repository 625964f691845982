"""Whose hours a message waits for: the reader's own (App Home), else the team's, in the
reader's zone."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.kernel.reader_hours import (
    HoursRefused,
    check_own_hours,
    days_text,
    hours_text,
    reader_hours,
)
from bot.kernel.working_hours import WorkingHours

TEAM = WorkingHours.parse("09:00-18:00 Mon-Fri")
TUE_TO_SAT_NOON = WorkingHours.parse("12:00-20:00 Tue-Sat")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_without_own_hours_the_team_default_in_the_readers_zone() -> None:
    reader = reader_hours(TEAM, None, "Europe/Berlin")
    assert reader.hours == TEAM and reader.zone == BERLIN and not reader.own
    # Tue 2026-11-24 06:00 UTC is 07:00 in Berlin: held to 09:00 Berlin (08:00 UTC).
    assert reader.plan(utc(2026, 11, 24, 6, 0)) == utc(2026, 11, 24, 8, 0)


def test_own_hours_win_over_the_team_default() -> None:
    reader = reader_hours(TEAM, TUE_TO_SAT_NOON, "Europe/Berlin")
    assert reader.own and reader.hours == TUE_TO_SAT_NOON
    # 10:30 Berlin is inside the team's hours but before her noon start.
    assert reader.plan(utc(2026, 11, 24, 9, 30)) == utc(2026, 11, 24, 11, 0)
    # 19:30 Berlin is after the team's 18:00 but inside her hours: at once.
    assert reader.plan(utc(2026, 11, 24, 18, 30)) == utc(2026, 11, 24, 18, 30)


def test_the_same_instant_planned_in_two_zones() -> None:
    due = utc(2026, 11, 24, 13, 0)  # 14:00 Berlin, 08:00 New York
    assert reader_hours(TEAM, None, "Europe/Berlin").plan(due) == due
    assert reader_hours(TEAM, None, "America/New_York").plan(due) == utc(2026, 11, 24, 14, 0)
    own = reader_hours(TEAM, TUE_TO_SAT_NOON, "America/New_York")
    assert own.plan(due) == utc(2026, 11, 24, 17, 0)  # 12:00 New York


def test_weekend_days_follow_the_persons_days() -> None:
    # Fri 2026-11-27 21:30 New York (Sat 02:30 UTC): the team waits for Monday 09:00; a
    # Tuesday-to-Saturday person gets it on Saturday at noon.
    late_friday = utc(2026, 11, 28, 2, 30)
    team = reader_hours(TEAM, None, "America/New_York").plan(late_friday)
    own = reader_hours(TEAM, TUE_TO_SAT_NOON, "America/New_York").plan(late_friday)
    assert team.astimezone(NEW_YORK) == datetime(2026, 11, 30, 9, 0, tzinfo=NEW_YORK)
    assert own.astimezone(NEW_YORK) == datetime(2026, 11, 28, 12, 0, tzinfo=NEW_YORK)
    # Their Sunday and Monday are off: Sunday noon waits for Tuesday noon.
    sunday = datetime(2026, 11, 29, 12, 0, tzinfo=NEW_YORK)
    own_sunday = reader_hours(TEAM, TUE_TO_SAT_NOON, "America/New_York").plan(sunday)
    assert own_sunday.astimezone(NEW_YORK) == datetime(2026, 12, 1, 12, 0, tzinfo=NEW_YORK)


def test_own_hours_apply_even_when_the_team_has_none() -> None:
    anytime = reader_hours(WorkingHours.ALWAYS, None, "Europe/Berlin")
    assert anytime.plan(utc(2026, 11, 24, 3, 0)) == utc(2026, 11, 24, 3, 0)
    own = reader_hours(WorkingHours.ALWAYS, TUE_TO_SAT_NOON, "Europe/Berlin")
    assert own.plan(utc(2026, 11, 24, 3, 0)) == utc(2026, 11, 24, 11, 0)


def test_an_unknown_zone_is_utc() -> None:
    reader = reader_hours(TEAM, TUE_TO_SAT_NOON, None)
    assert reader.zone == ZoneInfo("UTC")
    assert reader.plan(utc(2026, 11, 24, 4, 0)) == utc(2026, 11, 24, 12, 0)


WEEKDAYS = frozenset(range(5))


@pytest.mark.parametrize(
    ("days", "start", "end", "refused"),
    [
        (frozenset(), time(9), time(18), HoursRefused.NO_DAY),
        (WEEKDAYS, time(18), time(9), HoursRefused.END_NOT_AFTER_START),
        (WEEKDAYS, time(9), time(9), HoursRefused.END_NOT_AFTER_START),
        (WEEKDAYS, None, time(9), HoursRefused.NO_TIME),
        (WEEKDAYS, time(9), None, HoursRefused.NO_TIME),
    ],
)
def test_hours_that_would_never_be_open_are_refused(
    days: frozenset[int], start: time | None, end: time | None, refused: HoursRefused
) -> None:
    assert check_own_hours(days, start, end) is refused


def test_a_same_day_window_on_some_days_is_taken() -> None:
    checked = check_own_hours(frozenset({1, 2, 3, 4, 5}), time(12), time(20))
    assert checked == TUE_TO_SAT_NOON


@pytest.mark.parametrize(
    ("days", "text"),
    [
        ({0, 1, 2, 3, 4}, "Mon–Fri"),
        ({1, 2, 3, 4, 5}, "Tue–Sat"),
        ({0, 2, 4}, "Mon, Wed, Fri"),
        ({0, 1, 2, 4}, "Mon–Wed, Fri"),
        ({5, 6}, "Sat, Sun"),
        (set(range(7)), "every day"),
    ],
)
def test_days_read_as_a_person_says_them(days: set[int], text: str) -> None:
    assert days_text(frozenset(days)) == text


def test_hours_read_as_a_person_says_them() -> None:
    assert hours_text(TEAM) == "Mon–Fri 09:00–18:00"
    assert hours_text(TUE_TO_SAT_NOON) == "Tue–Sat 12:00–20:00"
    assert hours_text(WorkingHours.parse("00:00-24:00 Mon-Fri")) == "Mon–Fri 00:00–24:00"
    assert hours_text(WorkingHours.ALWAYS) == "any time"
