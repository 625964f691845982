"""Outliers that still wait: open handoffs far past act-by (with how late and whose), and
approvals still missing once the window opened; over signed HTTP, and the pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.reports.waiting_outliers import (
    OpenHandoffRecord,
    UnapprovedRecord,
    approval_outliers,
    far_past_act_by,
    open_handoff_outliers,
)
from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import wait_for
from tests.handoffs.test_lifecycle import made
from tests.publishing.test_publish_flow import command, publish

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.fixture
def baton(baton_factory: Any, database_url: str) -> RunningBaton:
    """SQLite, and PostgreSQL when TEST_DATABASE_URL is set: the report's queries on both."""
    running: RunningBaton = baton_factory(database_url)
    return running


def test_far_means_more_than_a_day_past_act_by() -> None:
    def open_since(late: timedelta) -> OpenHandoffRecord:
        return OpenHandoffRecord("C1", "launch copy", "U0ANA", NOW - late)

    assert far_past_act_by(open_since(timedelta(days=6, hours=2)), NOW)
    assert far_past_act_by(open_since(timedelta(hours=25)), NOW)
    assert not far_past_act_by(open_since(timedelta(hours=23)), NOW)  # late, not far
    [found] = open_handoff_outliers(
        [open_since(timedelta(hours=3)), open_since(timedelta(days=6, hours=2))], NOW
    )
    assert (found.who, found.is_person) == ("U0ANA", True)
    assert found.observation == "owns “launch copy”, still open 6d 2h past its act-by"


def test_each_missing_approver_once_the_window_opened() -> None:
    opened = UnapprovedRecord("C1", "spring launch", "U0ANA", NOW - timedelta(hours=5), ("U0CAI",))
    later = UnapprovedRecord("C1", "summer", "U0ANA", NOW + timedelta(hours=5), ("U0DEE",))
    [found] = approval_outliers([opened, later], NOW)
    assert found.who == "U0CAI"
    assert found.observation == "has not approved “spring launch”, whose window opened 5h ago"


def test_the_report_names_an_open_handoff_far_past_act_by_and_a_missing_approval(
    baton: RunningBaton,
) -> None:
    made(baton)  # to ana, act-by in 4h; nobody acts on it
    assert publish(baton, Approvers=["U0CAI"]).text == ""
    wait_for(lambda: baton.standin.dms("U0CAI"))
    baton.clock.advance(timedelta(days=6, hours=4))
    said = command(baton, "/report", "", user="U0CAI")
    assert "@ana owns “launch copy”, still open 6d past its act-by → mark it done" in said
    assert "@cai has not approved “spring launch”, whose window opened 6d 3h ago" in said
    assert "nobody stands out" not in said
    mine = command(baton, "/report", "<@U0ANA|ana>", user="U0CAI")
    assert "@ana owns “launch copy”" in mine and "has not approved" not in mine
