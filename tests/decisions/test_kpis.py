"""The KPI schema and the /kpi grammar: no Slack, no database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.decisions.kpis import (
    KpiCommand,
    KpiRefusal,
    check_observed_at,
    check_value,
    parse_kpi_command,
)

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def test_a_command_with_a_quoted_name_and_a_time_is_read() -> None:
    parsed = parse_kpi_command(
        '"spring launch" reach=1200 engagement_rate=0.015 at=2026-11-24T09:00Z', now=NOW
    )
    assert parsed == KpiCommand(
        "spring launch",
        (("reach", 1200.0), ("engagement_rate", 0.015)),
        datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
    )


def test_an_unquoted_name_is_everything_before_the_first_reading() -> None:
    parsed = parse_kpi_command("spring launch Reach=10", now=NOW)
    assert parsed == KpiCommand("spring launch", (("reach", 10.0),), None)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('"spring launch" reach=many', "reach"),
        ('"spring launch" reach=-3', "reach"),
        ('"spring launch" engagement_rate=1.5', "0.015"),
        ('"spring launch" vibes=3', "vibes"),
        ('"spring launch" reach=1 at=2027-01-01T00:00Z', "future"),
        ('"spring launch" reach=1 at=yesterday', "ISO 8601"),
        ('"spring launch" reach=1 reach=2', "twice"),
        ("reach=1", "Name the publish"),
        ('"spring launch"', "at least one reading"),
        ('"spring launch reach=1', "quote"),
    ],
)
def test_bad_input_is_refused_naming_the_problem(text: str, named: str) -> None:
    parsed = parse_kpi_command(text, now=NOW)
    assert isinstance(parsed, KpiRefusal)
    assert any(named in problem for problem in parsed.problems)


def test_every_problem_is_reported_at_once() -> None:
    parsed = parse_kpi_command('"x" reach=-1 clicks=lots vibes=2', now=NOW)
    assert isinstance(parsed, KpiRefusal) and len(parsed.problems) == 3


def test_rates_stay_within_zero_and_one_and_counts_non_negative() -> None:
    assert check_value("engagement_rate", "0") == 0.0
    assert check_value("engagement_rate", 1) == 1.0
    assert isinstance(check_value("click_through_rate", 1.01), str)
    assert check_value("impressions", "1e6") == 1_000_000.0
    assert isinstance(check_value("impressions", "nan"), str)
    assert "Unknown metric" in str(check_value("vibes", 1))


def test_observed_times_are_aware_and_never_in_the_future() -> None:
    assert check_observed_at(None, now=NOW) is None
    assert check_observed_at("2026-11-24T09:00:00+01:00", now=NOW) == datetime(
        2026, 11, 24, 8, tzinfo=UTC
    )
    assert check_observed_at("2026-11-24T09:00", now=NOW) == datetime(2026, 11, 24, 9, tzinfo=UTC)
    assert "future" in str(check_observed_at("2026-11-24T11:00Z", now=NOW))
