"""Duration settings: seconds or ISO 8601, anything else refused with a message for admins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from bot.kernel.durations import EXPECTED, MAX_DURATION, Duration, format_duration, parse_duration


class _Settings(BaseModel):
    act_within: Duration


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4", timedelta(seconds=4)),
        ("0.5", timedelta(milliseconds=500)),
        (" 30 ", timedelta(seconds=30)),
        (".25", timedelta(milliseconds=250)),
        ("1e3", timedelta(seconds=1000)),
        (4, timedelta(seconds=4)),
        (0.5, timedelta(milliseconds=500)),
        (timedelta(minutes=3), timedelta(minutes=3)),
        ("PT24H", timedelta(hours=24)),
        ("P1D", timedelta(days=1)),
        ("PT1H30M", timedelta(hours=1, minutes=30)),
        ("pt1h30m", timedelta(hours=1, minutes=30)),
        ("P1DT2H", timedelta(days=1, hours=2)),
        ("P2W", timedelta(days=14)),
        ("PT0.5S", timedelta(milliseconds=500)),
        ("PT1,5H", timedelta(minutes=90)),
        ("P30D", timedelta(days=30)),
        ("P3650D", MAX_DURATION),
    ],
)
def test_accepts_seconds_and_iso_8601(value: str | float | timedelta, expected: timedelta) -> None:
    assert parse_duration(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "soon",
        "",
        "4s",
        "4 hours",
        "1:30:00",
        "P",
        "PT",
        "P1DT",
        "P1D2H",
        "PT1H30",
        "P 1D",
        "-PT1H",
        "P-1D",
        "nan",
        "inf",
        "1_000",
        "0x10",
        "P1.5.5D",
        True,
        None,
    ],
)
def test_refuses_anything_else_with_the_expected_forms(value: object) -> None:
    with pytest.raises(ValueError) as refused:
        parse_duration(value)  # type: ignore[arg-type]
    assert str(refused.value) == f"{EXPECTED}, got {value!r}"


@pytest.mark.parametrize(
    "value", ["0", "0.0", "PT0S", "P0D", "-4", "-0.5", "1e-9", -1, 0, timedelta(0), float("-inf")]
)
def test_zero_and_negative_durations_are_refused(value: object) -> None:
    # Every duration setting is a delay or an interval: zero would spin or fire at once.
    with pytest.raises(ValueError, match=r"^must be more than zero, got "):
        parse_duration(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["P1Y", "P2M", "P1Y2M3D", "P1MT1H"])
def test_years_and_months_are_refused_for_having_no_fixed_length(value: str) -> None:
    with pytest.raises(ValueError, match=r"years and months have no fixed length.*P30D"):
        parse_duration(value)


def test_months_and_minutes_are_told_apart() -> None:
    assert parse_duration("PT1M") == timedelta(minutes=1)


@pytest.mark.parametrize(
    "value", ["P3651D", "PT87601H", "1e20", "1e400", 10**30, timedelta(days=4000)]
)
def test_absurdly_long_durations_are_refused_not_overflowed(value: object) -> None:
    with pytest.raises(ValueError, match=r"^must be at most 3650 days \(P3650D\), got "):
        parse_duration(value)  # type: ignore[arg-type]


def test_settings_see_the_same_message_as_a_validation_error() -> None:
    assert _Settings(act_within="PT4H").act_within == timedelta(hours=4)
    for bad in ("soon", "inf", "1e400", "0"):
        with pytest.raises(ValidationError) as refused:
            _Settings(act_within=bad)
        message = refused.value.errors()[0]["msg"]
        assert message.startswith("Value error, ") and repr(bad) in message


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=int(MAX_DURATION.total_seconds())))
def test_whole_seconds_and_their_iso_form_agree(seconds: int) -> None:
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    iso = f"P{days}DT{hours}H{minutes}M{secs}S"
    assert parse_duration(str(seconds)) == parse_duration(iso) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("td", "shown"),
    [
        (timedelta(0), "0s"),
        (timedelta(seconds=-5), "0s"),
        (timedelta(milliseconds=900), "0s"),
        (timedelta(seconds=30), "30s"),
        (timedelta(minutes=45), "45m"),
        (timedelta(hours=26), "26h"),
        (timedelta(days=1, hours=2, minutes=3, seconds=4), "26h 3m"),
        (timedelta(days=1, minutes=5), "24h 5m"),
        (timedelta(days=2, hours=3, minutes=5), "2d 3h"),
        (timedelta(days=3, minutes=5), "3d 5m"),
        (timedelta(hours=2, seconds=1), "2h 1s"),
    ],
)
def test_format_duration_counts_hours_under_two_days_then_days(td: timedelta, shown: str) -> None:
    assert format_duration(td) == shown
