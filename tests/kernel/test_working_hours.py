"""Working hours in each recipient's own time zone: no DM at 3 a.m., none skipped either."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.kernel.working_hours import EXPECTED, WorkingHours, deliver_at, zone_or_utc

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")  # +10:30, and +11 in summer: a 30-minute DST
UTC_ZONE = ZoneInfo("UTC")
DEFAULT = WorkingHours.DEFAULT
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def local(
    zone: ZoneInfo,
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    *,
    fold: int = 0,
) -> datetime:
    """A wall time in `zone`, as the UTC instant it names."""
    return datetime(year, month, day, hour, minute, second, tzinfo=zone, fold=fold).astimezone(UTC)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# -- the setting ----------------------------------------------------------------------------


def test_the_default_is_nine_to_six_on_weekdays() -> None:
    assert WorkingHours.parse("09:00-18:00 Mon-Fri") == DEFAULT
    assert (DEFAULT.start, DEFAULT.end, DEFAULT.days) == (
        time(9),
        time(18),
        frozenset({MON, TUE, WED, THU, FRI}),
    )


@pytest.mark.parametrize(
    ("spec", "start", "end", "days"),
    [
        ("9:00-17:30", time(9), time(17, 30), set(range(7))),
        (" 08:00 - 16:00  mon-fri ", time(8), time(16), {MON, TUE, WED, THU, FRI}),
        ("09:00-18:00 Mon,Wed,Fri", time(9), time(18), {MON, WED, FRI}),
        ("09:00-18:00 Sat Sun", time(9), time(18), {SAT, SUN}),
        ("09:00-18:00 Sun-Thu", time(9), time(18), {SUN, MON, TUE, WED, THU}),
        ("09:00-18:00 Fri-Mon", time(9), time(18), {FRI, SAT, SUN, MON}),
        ("09:00-18:00 Monday - Friday", time(9), time(18), {MON, TUE, WED, THU, FRI}),
        ("09:00-18:00 Thurs", time(9), time(18), {THU}),
        ("22:00-06:00 Mon-Fri", time(22), time(6), {MON, TUE, WED, THU, FRI}),
        ("09:00-24:00", time(9), time(0), set(range(7))),
        ("00:00-24:00 Sat,Sun", time(0), time(0), {SAT, SUN}),
    ],
)
def test_parses_windows_and_day_ranges(spec: str, start: time, end: time, days: set[int]) -> None:
    hours = WorkingHours.parse(spec)
    assert (hours.start, hours.end, hours.days) == (start, end, frozenset(days))
    assert WorkingHours.parse(str(hours)) == hours  # what an admin is shown parses back


def test_always_is_always_open() -> None:
    assert WorkingHours.parse(" Always ") == WorkingHours.ALWAYS
    assert str(WorkingHours.ALWAYS) == "always"
    due = local(NEW_YORK, 2026, 6, 13, 3, 0)  # a Saturday, 3 a.m.
    assert WorkingHours.ALWAYS.is_open(due, NEW_YORK)
    assert deliver_at(due, WorkingHours.ALWAYS, NEW_YORK) == due


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        ("nine to five", ""),
        ("", ""),
        ("09:00", ""),
        ("9-17", ""),
        ("09:00-18:00Mon-Fri", ""),
        ("25:00-26:00", "(not a time of day)"),
        ("09:60-18:00", "(not a time of day)"),
        ("24:00-09:00", "(not a time of day)"),
        ("09:00-24:30", "(not a time of day)"),
        ("09:00-09:00", "(an empty window)"),
        ("09:00-18:00 Mongoose", "(unknown day 'Mongoose')"),
        ("09:00-18:00 Mon-Fri,", "(unknown day '')"),
        ("09:00-18:00 weekdays", "(unknown day 'weekdays')"),
    ],
)
def test_refuses_other_specs_with_the_expected_form(spec: str, why: str) -> None:
    with pytest.raises(ValueError) as refused:
        WorkingHours.parse(spec)
    message = str(refused.value)
    assert message.startswith(f"{EXPECTED}, got {spec!r}")
    assert message.endswith(why)


def test_mo_fr_names_the_day_it_does_not_know() -> None:
    # "Mo-Fr" is read as a range; the first end is what is unknown.
    with pytest.raises(ValueError, match=r"unknown day 'Mo'"):
        WorkingHours.parse("09:00-18:00 Mo-Fr")


def test_several_days_separated_by_spaces_are_all_kept() -> None:
    # Once read as Monday only ("Mon Wed"[:3]): Wednesday's nudges then waited a week.
    hours = WorkingHours.parse("09:00-18:00 Mon Wed")
    wednesday_ten = local(BERLIN, 2026, 6, 10, 10, 0)
    assert hours.is_open(wednesday_ten, BERLIN)


# -- zones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", [None, "", "  ", "Mars/Olympus_Mons", "America", "Europe/", "../etc/passwd", "a\0b"]
)
def test_unknown_zones_fall_back_to_utc(name: str | None) -> None:
    assert zone_or_utc(name) == ZoneInfo("UTC")


def test_known_zones_are_used() -> None:
    assert zone_or_utc("Asia/Kolkata") == KOLKATA
    assert zone_or_utc(" Europe/Berlin ") == BERLIN


# -- deliver_at: ordinary days --------------------------------------------------------------


def test_a_due_time_inside_hours_is_unchanged() -> None:
    due = local(BERLIN, 2026, 6, 9, 10, 17, 23)
    assert DEFAULT.is_open(due, BERLIN)
    assert deliver_at(due, DEFAULT, BERLIN) == due


def test_the_window_is_closed_at_its_end_and_open_at_its_start() -> None:
    assert DEFAULT.is_open(local(BERLIN, 2026, 6, 9, 9, 0), BERLIN)
    assert not DEFAULT.is_open(local(BERLIN, 2026, 6, 9, 8, 59, 59), BERLIN)
    assert DEFAULT.is_open(local(BERLIN, 2026, 6, 9, 17, 59, 59), BERLIN)
    assert not DEFAULT.is_open(local(BERLIN, 2026, 6, 9, 18, 0), BERLIN)


def test_an_evening_due_time_waits_for_the_next_morning() -> None:
    due = local(BERLIN, 2026, 6, 9, 20, 0)  # Tuesday evening
    assert deliver_at(due, DEFAULT, BERLIN) == local(BERLIN, 2026, 6, 10, 9, 0)


def test_friday_evening_waits_for_monday_morning_local() -> None:
    due = local(NEW_YORK, 2026, 6, 12, 19, 0)  # Friday 7 p.m. in New York
    assert deliver_at(due, DEFAULT, NEW_YORK) == local(NEW_YORK, 2026, 6, 15, 9, 0)


def test_a_saturday_due_time_waits_for_monday() -> None:
    due = local(KOLKATA, 2026, 6, 13, 11, 0)
    assert deliver_at(due, DEFAULT, KOLKATA) == local(KOLKATA, 2026, 6, 15, 9, 0)


def test_one_instant_is_delivered_by_each_recipients_own_clock() -> None:
    due = utc(2026, 6, 10, 3, 0)  # Wednesday: 05:00 Berlin, 23:00 (Tue) New York, 08:30 Kolkata
    assert deliver_at(due, DEFAULT, BERLIN) == utc(2026, 6, 10, 7, 0)
    assert deliver_at(due, DEFAULT, NEW_YORK) == utc(2026, 6, 10, 13, 0)
    assert deliver_at(due, DEFAULT, KOLKATA) == utc(2026, 6, 10, 3, 30)
    assert deliver_at(due, DEFAULT, LORD_HOWE) == due  # 13:30 there, in winter (+10:30)
    assert deliver_at(due, DEFAULT, UTC_ZONE) == utc(2026, 6, 10, 9, 0)
    assert deliver_at(due, DEFAULT, zone_or_utc(None)) == utc(2026, 6, 10, 9, 0)


def test_results_are_aware_utc_whatever_the_input_zone() -> None:
    due = datetime(2026, 6, 13, 3, 0, tzinfo=NEW_YORK)
    result = deliver_at(due, DEFAULT, BERLIN)
    assert result.utcoffset() == timedelta(0)
    assert result == local(BERLIN, 2026, 6, 15, 9, 0)
    assert deliver_at(utc(2026, 6, 9, 12), DEFAULT, BERLIN).utcoffset() == timedelta(0)


def test_a_naive_due_time_is_taken_as_utc() -> None:
    # As the store hands them back; not the server's local time.
    naive = datetime(2026, 6, 10, 3, 0)
    assert deliver_at(naive, DEFAULT, BERLIN) == utc(2026, 6, 10, 7, 0)
    assert DEFAULT.is_open(datetime(2026, 6, 10, 7, 0), BERLIN)
    assert not DEFAULT.is_open(datetime(2026, 6, 10, 6, 59), BERLIN)


# -- overnight windows and 24:00 ------------------------------------------------------------


NIGHTS = WorkingHours.parse("22:00-06:00 Mon-Fri")  # the days name the night's first evening


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (utc(2026, 6, 12, 23, 0), utc(2026, 6, 12, 23, 0)),  # Friday night: open
        (utc(2026, 6, 13, 5, 59), utc(2026, 6, 13, 5, 59)),  # Saturday dawn, Friday's night
        (utc(2026, 6, 13, 6, 0), utc(2026, 6, 15, 22, 0)),  # Saturday 06:00: closed till Monday
        (utc(2026, 6, 14, 23, 0), utc(2026, 6, 15, 22, 0)),  # Sunday night is not worked
        (utc(2026, 6, 15, 3, 0), utc(2026, 6, 15, 22, 0)),  # nor Monday dawn (Sunday's night)
        (utc(2026, 6, 16, 3, 0), utc(2026, 6, 16, 3, 0)),  # Tuesday dawn: Monday's night
        (utc(2026, 6, 16, 12, 0), utc(2026, 6, 16, 22, 0)),  # midday waits for the evening
    ],
)
def test_overnight_windows_span_midnight(due: datetime, expected: datetime) -> None:
    assert deliver_at(due, NIGHTS, UTC_ZONE) == expected


def test_overnight_windows_follow_the_local_clock() -> None:
    tuesday_late = local(KOLKATA, 2026, 6, 16, 23, 0)  # 17:30 UTC
    assert NIGHTS.is_open(tuesday_late, KOLKATA)
    assert not NIGHTS.is_open(tuesday_late, UTC_ZONE)
    saturday_morning = local(KOLKATA, 2026, 6, 13, 7, 0)  # 01:30 UTC, still Friday's night there
    assert not NIGHTS.is_open(saturday_morning, KOLKATA)
    assert NIGHTS.is_open(saturday_morning, UTC_ZONE)
    assert deliver_at(saturday_morning, NIGHTS, KOLKATA) == local(KOLKATA, 2026, 6, 15, 22, 0)


def test_24_00_ends_at_midnight() -> None:
    evenings = WorkingHours.parse("18:00-24:00")
    assert evenings.is_open(local(BERLIN, 2026, 6, 9, 23, 59, 59), BERLIN)
    assert not evenings.is_open(local(BERLIN, 2026, 6, 10, 0, 0), BERLIN)
    weekdays = WorkingHours.parse("00:00-24:00 Mon-Fri")
    assert weekdays.is_open(local(BERLIN, 2026, 6, 12, 23, 59), BERLIN)
    saturday = local(BERLIN, 2026, 6, 13, 0, 0)
    assert deliver_at(saturday, weekdays, BERLIN) == local(BERLIN, 2026, 6, 15, 0, 0)


# -- daylight saving ------------------------------------------------------------------------


EVERY_DAY_FROM_0230 = WorkingHours.parse("02:30-18:00")


def test_us_spring_forward_opens_when_the_clock_passes_the_start() -> None:
    # 2026-03-08: 01:59:59 EST is followed by 03:00 EDT; 02:30 never happens that day.
    due = local(NEW_YORK, 2026, 3, 8, 1, 0)
    opened = deliver_at(due, EVERY_DAY_FROM_0230, NEW_YORK)
    assert opened == utc(2026, 3, 8, 7, 0)  # 03:00 EDT, the first instant past 02:30
    assert opened.astimezone(NEW_YORK).strftime("%H:%M %Z") == "03:00 EDT"
    assert not EVERY_DAY_FROM_0230.is_open(opened - timedelta(seconds=1), NEW_YORK)
    # Once the wall clock read 03:10 it was past 02:30: open, not 30 minutes later.
    assert EVERY_DAY_FROM_0230.is_open(local(NEW_YORK, 2026, 3, 8, 3, 10), NEW_YORK)


def test_a_window_wholly_inside_the_gap_does_not_happen_that_day() -> None:
    gap_only = WorkingHours.parse("02:10-02:40")
    due = local(NEW_YORK, 2026, 3, 8, 1, 0)
    result = deliver_at(due, gap_only, NEW_YORK)
    assert result == local(NEW_YORK, 2026, 3, 9, 2, 10)
    assert gap_only.is_open(result, NEW_YORK)
    assert not gap_only.is_open(utc(2026, 3, 8, 7, 0), NEW_YORK)


def test_us_fall_back_opens_at_the_first_and_closes_at_the_second_occurrence() -> None:
    # 2026-11-01: 01:00-01:59 happens twice, first in EDT, then in EST.
    opens = WorkingHours.parse("01:30-18:00")
    due = local(NEW_YORK, 2026, 11, 1, 0, 0)
    assert deliver_at(due, opens, NEW_YORK) == utc(2026, 11, 1, 5, 30)  # 01:30 EDT
    closes = WorkingHours.parse("00:00-01:30")
    first_0115 = local(NEW_YORK, 2026, 11, 1, 1, 15, fold=0)
    second_0115 = local(NEW_YORK, 2026, 11, 1, 1, 15, fold=1)
    assert second_0115 - first_0115 == timedelta(hours=1)
    assert closes.is_open(first_0115, NEW_YORK)
    assert closes.is_open(second_0115, NEW_YORK)
    assert closes.is_open(utc(2026, 11, 1, 6, 29, 59), NEW_YORK)
    assert not closes.is_open(utc(2026, 11, 1, 6, 30), NEW_YORK)  # 01:30 EST


def test_default_hours_keep_local_nine_across_the_us_change() -> None:
    # Friday 18:30 EST (23:30 UTC) -> Monday 09:00 EDT, which is 13:00 UTC, not 14:00.
    due = local(NEW_YORK, 2026, 3, 6, 18, 30)
    assert due == utc(2026, 3, 6, 23, 30)
    assert deliver_at(due, DEFAULT, NEW_YORK) == utc(2026, 3, 9, 13, 0)


def test_europe_spring_forward() -> None:
    # 2026-03-29: 02:00 CET is followed by 03:00 CEST.
    due = local(BERLIN, 2026, 3, 29, 1, 0)
    assert deliver_at(due, EVERY_DAY_FROM_0230, BERLIN) == utc(2026, 3, 29, 1, 0)  # 03:00 CEST
    # Monday's 09:00 is 07:00 UTC now; the Friday before, it was 08:00 UTC.
    assert deliver_at(local(BERLIN, 2026, 3, 27, 18, 0), DEFAULT, BERLIN) == utc(2026, 3, 30, 7)
    assert deliver_at(utc(2026, 3, 27, 7, 30), DEFAULT, BERLIN) == utc(2026, 3, 27, 8)


def test_europe_fall_back() -> None:
    # 2026-10-25: 02:00-02:59 happens twice, first in CEST, then in CET.
    due = local(BERLIN, 2026, 10, 25, 1, 0)
    assert deliver_at(due, EVERY_DAY_FROM_0230, BERLIN) == utc(2026, 10, 25, 0, 30)  # CEST
    late = utc(2026, 10, 25, 17, 30)  # 18:30 CET: closed
    assert deliver_at(late, EVERY_DAY_FROM_0230, BERLIN) == local(BERLIN, 2026, 10, 26, 2, 30)


def test_lord_howe_half_hour_spring_forward() -> None:
    # 2026-10-04: 02:00 +10:30 is followed by 02:30 +11.
    opens = WorkingHours.parse("02:15-18:00")
    due = local(LORD_HOWE, 2026, 10, 4, 1, 0)
    opened = deliver_at(due, opens, LORD_HOWE)
    assert opened == utc(2026, 10, 3, 15, 30)
    assert opened.astimezone(LORD_HOWE).strftime("%H:%M %z") == "02:30 +1100"


def test_lord_howe_half_hour_fall_back() -> None:
    # 2026-04-05: 02:00 +11 is followed by 01:30 +10:30; 01:30-01:59 happens twice.
    opens = WorkingHours.parse("01:45-18:00")
    assert deliver_at(local(LORD_HOWE, 2026, 4, 5, 0, 0), opens, LORD_HOWE) == utc(
        2026, 4, 4, 14, 45
    )
    closes = WorkingHours.parse("00:00-01:45")
    assert closes.is_open(utc(2026, 4, 4, 15, 14), LORD_HOWE)  # the second 01:44
    assert not closes.is_open(utc(2026, 4, 4, 15, 15), LORD_HOWE)


def test_a_day_a_zone_skipped_has_no_window() -> None:
    # Samoa skipped Friday 2011-12-30 entirely, moving across the date line.
    apia = ZoneInfo("Pacific/Apia")
    fridays = WorkingHours.parse("09:00-18:00 Fri")
    due = local(apia, 2011, 12, 29, 20, 0)  # Thursday evening; next came Saturday
    result = deliver_at(due, fridays, apia)
    assert result.astimezone(apia).date().isoformat() == "2012-01-06"
    assert result == local(apia, 2012, 1, 6, 9, 0)


# -- properties -----------------------------------------------------------------------------


TRICKY = (
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/St_Johns",
    "Asia/Kathmandu",
    "Antarctica/Troll",
    "America/Santiago",
    "Pacific/Apia",
    "Africa/Casablanca",
    "UTC",
)
ALL_ZONES = sorted(available_timezones() - {"Factory", "localtime"})
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@cache
def _transitions(name: str) -> tuple[datetime, ...]:
    """The instants the zone's UTC offset changes in 2025-2027 (day by day, then bisected)."""
    zone = ZoneInfo(name)

    def offset(at: datetime) -> timedelta | None:
        return at.astimezone(zone).utcoffset()

    found: list[datetime] = []
    day = utc(2025, 1, 1)
    while day < utc(2028, 1, 1):
        low, high = day, day + timedelta(days=1)
        if offset(low) != offset(high):
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if offset(middle) == offset(low) else (low, middle)
            found.append(high.replace(microsecond=0))
        day += timedelta(days=1)
    return tuple(found)


def _spec(start: time, end: time, days: set[str]) -> WorkingHours:
    shown_end = "24:00" if end == time(0) else f"{end:%H:%M}"
    return WorkingHours.parse(f"{start:%H:%M}-{shown_end} {','.join(sorted(days))}")


quarter_hours = st.integers(0, 24 * 4 - 1).map(lambda q: time(q // 4, q % 4 * 15))
day_sets = st.sets(st.sampled_from(DAY_NAMES), min_size=1)


@st.composite
def hours_specs(draw: st.DrawFn) -> WorkingHours:
    start = draw(quarter_hours)
    end = draw(quarter_hours.filter(lambda t: t != start) | st.just(time(0)))
    return _spec(start, end, draw(day_sets))


@st.composite
def cases(draw: st.DrawFn) -> tuple[ZoneInfo, WorkingHours, datetime]:
    """A zone, working hours and an instant; half the time all three crowd around one of the
    zone's DST changes (the window's ends near the wall times the change skips or repeats)."""
    zone = ZoneInfo(draw(st.sampled_from(TRICKY) | st.sampled_from(ALL_ZONES)))
    changes = _transitions(zone.key)
    if not changes or draw(st.booleans()):
        hours = draw(st.just(DEFAULT) | hours_specs())
        moment = draw(st.datetimes(datetime(2000, 1, 1), datetime(2037, 12, 31)))
        return zone, hours, moment.replace(tzinfo=UTC)
    change = draw(st.sampled_from(changes))
    wall = (change - timedelta(seconds=1)).astimezone(zone) + timedelta(seconds=1)
    near = st.integers(-6, 6).map(lambda k: (wall + timedelta(minutes=15 * k)).time())
    start = draw(near)
    end = draw((near | quarter_hours).filter(lambda t: t != start))
    days = draw(st.just(set(DAY_NAMES)) | day_sets)
    at = change + timedelta(seconds=draw(st.integers(-4 * 3600, 4 * 3600)))
    return zone, _spec(start, end, days), at


@settings(max_examples=200, deadline=None)
@given(case=cases())
def test_deliver_at_is_the_first_open_instant_at_or_after_due(
    case: tuple[ZoneInfo, WorkingHours, datetime],
) -> None:
    zone, hours, due = case
    result = deliver_at(due, hours, zone)
    assert result.utcoffset() == timedelta(0)
    assert result >= due
    assert hours.is_open(result, zone)
    if hours.is_open(due, zone):
        assert result == due
    else:
        assert result > due
        # No open instant is skipped: sample the wait, and the last second before the result.
        wait = result - due
        step = max(wait / 60, timedelta(minutes=1))
        probe = due
        while probe < result:
            assert not hours.is_open(probe, zone), f"{probe} is open, yet {due} waits to {result}"
            probe += step
        assert not hours.is_open(result - timedelta(seconds=1), zone)
    assert deliver_at(result, hours, zone) == result


def _wall_clock_open(hours: WorkingHours, at: datetime, zone: ZoneInfo) -> bool:
    """What the setting means, read off the recipient's wall clock."""
    assert hours.start is not None and hours.end is not None
    wall = at.astimezone(zone)
    clock, day = wall.time(), wall.weekday()
    if hours.start < hours.end:
        return day in hours.days and hours.start <= clock < hours.end
    return (day in hours.days and clock >= hours.start) or (
        (day - 1) % 7 in hours.days and clock < hours.end
    )


def _repeated(at: datetime, zone: ZoneInfo) -> bool:
    """Whether the wall clock reads the same at another instant (clocks went back)."""
    wall = at.astimezone(zone).replace(tzinfo=None)
    return bool(
        wall.replace(tzinfo=zone, fold=0).utcoffset()
        != wall.replace(tzinfo=zone, fold=1).utcoffset()
    )


@settings(max_examples=200, deadline=None)
@given(case=cases())
def test_is_open_reads_the_local_wall_clock(case: tuple[ZoneInfo, WorkingHours, datetime]) -> None:
    # Skipped wall times move to the end of the gap, which is what the wall clock says too.
    # Only a repeated wall time is ambiguous: there a window opens at the first occurrence of
    # its start and closes at the last occurrence of its end (tested above).
    zone, hours, at = case
    if not _repeated(at, zone):
        assert hours.is_open(at, zone) == _wall_clock_open(hours, at, zone)


@settings(max_examples=60, deadline=None)
@given(hours=hours_specs())
def test_every_spec_shown_parses_back_to_itself(hours: WorkingHours) -> None:
    assert WorkingHours.parse(str(hours)) == hours


# -- windows that vanish, settings that never open ---------------------------------------------


SUNDAY_TWO_TO_THREE = WorkingHours.parse("02:00-03:00 Sun")


def test_a_weekly_window_lost_to_the_spring_forward_waits_a_week() -> None:
    # 2026-03-29 (a Sunday): Berlin's 02:00-03:00 does not happen. From just after the window
    # of the Sunday before, the next one is two weeks on: April 5th.
    after_last = local(BERLIN, 2026, 3, 22, 3, 3)
    result = deliver_at(after_last, SUNDAY_TWO_TO_THREE, BERLIN)
    assert result == local(BERLIN, 2026, 4, 5, 2, 0)
    on_the_day = local(BERLIN, 2026, 3, 29, 1, 59)
    assert deliver_at(on_the_day, SUNDAY_TWO_TO_THREE, BERLIN) == result
    assert not SUNDAY_TWO_TO_THREE.is_open(utc(2026, 3, 29, 1, 0), BERLIN)  # 03:00 CEST


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(TRICKY),
    hour=st.integers(0, 23),
    day=st.sampled_from(DAY_NAMES),
    moment=st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31)),
)
def test_a_one_hour_weekly_window_is_always_found(
    zone: str, hour: int, day: str, moment: datetime
) -> None:
    tz = ZoneInfo(zone)
    hours = WorkingHours.parse(f"{hour:02d}:00-{hour + 1:02d}:00 {day}")
    due = moment.replace(tzinfo=UTC)
    result = deliver_at(due, hours, tz)
    assert result >= due and hours.is_open(result, tz)
    assert result - due <= timedelta(days=15)


@pytest.mark.parametrize("spec", ["00:00-00:00", "09:00-09:00 Mon-Fri", "13:30-13:30 Sat"])
def test_a_setting_with_no_open_time_is_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="empty window"):
        WorkingHours.parse(spec)


def test_hours_without_days_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="never open"):
        WorkingHours(time(9), time(17), frozenset())
