"""Posting windows in the submitter's zone, and schedules for the digest."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.kernel.schedule import Weekly, next_occurrence, parse_weekly
from bot.kernel.windows import Window, format_window, overlaps, parse_window

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_a_window_is_read_in_the_submitters_zone() -> None:
    assert parse_window("2026-11-24 12:00-14:00", BERLIN) == Window(
        utc(2026, 11, 24, 11), utc(2026, 11, 24, 13)
    )


def test_an_end_before_the_start_means_the_next_day() -> None:
    assert parse_window("2026-11-24 22:30-01:00", NEW_YORK) == Window(
        utc(2026, 11, 25, 3, 30), utc(2026, 11, 25, 6)
    )


def test_a_window_across_a_dst_change_keeps_its_real_length() -> None:
    # Europe/Berlin falls back at 03:00 on 2026-10-25: 01:00-05:00 local is five hours.
    window = parse_window("2026-10-25 01:00-05:00", BERLIN)
    assert isinstance(window, Window)
    assert window.end - window.start == (utc(2026, 10, 25, 4) - utc(2026, 10, 24, 23))


@pytest.mark.parametrize(
    "text", ["tomorrow 9-11", "2026-02-30 09:00-10:00", "2026-11-24 25:00-26:00", ""]
)
def test_a_bad_window_says_how_to_write_one(text: str) -> None:
    assert "YYYY-MM-DD" in str(parse_window(text, BERLIN))


def test_windows_overlap_when_they_share_time_but_not_when_they_touch() -> None:
    a = Window(utc(2026, 11, 24, 11), utc(2026, 11, 24, 13))
    assert overlaps(a, Window(utc(2026, 11, 24, 12, 30), utc(2026, 11, 24, 14)))
    assert overlaps(a, Window(utc(2026, 11, 24, 11, 30), utc(2026, 11, 24, 12)))
    assert not overlaps(a, Window(utc(2026, 11, 24, 13), utc(2026, 11, 24, 14)))


@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)),
    st.integers(1, 60 * 20),
)
def test_a_window_formats_back_to_what_parses_it(start: datetime, minutes: int) -> None:
    end = start + timedelta(minutes=minutes)
    window = parse_window(f"{start:%Y-%m-%d %H:%M}-{end:%H:%M}", NEW_YORK)
    assume(isinstance(window, Window))  # a start inside a DST gap can end "before" it
    assert isinstance(window, Window)
    assert parse_window(format_window(window, NEW_YORK), NEW_YORK) == window


def test_weekly_schedules_parse_days_times_and_zones() -> None:
    assert parse_weekly("Mon 09:00") == Weekly(0, time(9), ZoneInfo("UTC"))
    assert parse_weekly("friday 16:30 Europe/Berlin") == Weekly(4, time(16, 30), BERLIN)
    for bad in ("Funday 09:00", "Mon 9am", "Mon 09:00 Mars/Olympus", "Mon"):
        assert "expected" in str(parse_weekly(bad))


def test_the_next_occurrence_is_strictly_after_and_follows_dst() -> None:
    schedule = Weekly(0, time(9), BERLIN)
    # Mon 2026-11-23 09:00 Berlin is 08:00 UTC.
    assert next_occurrence(schedule, utc(2026, 11, 20)) == utc(2026, 11, 23, 8)
    assert next_occurrence(schedule, utc(2026, 11, 23, 8)) == utc(2026, 11, 30, 8)
    # Summer time: Mon 2026-06-01 09:00 Berlin is 07:00 UTC.
    assert next_occurrence(schedule, utc(2026, 5, 30)) == utc(2026, 6, 1, 7)
