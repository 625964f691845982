"""Time: planning intervals on the monotonic clock, due times from stored instants."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.clock import ManualClock, SystemClock
from tests.conftest import START
from tests.graph.test_blocked_flow import blocked


def test_the_manual_clock_steps_its_wall_clock_without_time_passing() -> None:
    clock = ManualClock(START)
    clock.advance(timedelta(minutes=5))
    assert clock.monotonic() == 300.0
    clock.set(START - timedelta(hours=2))  # NTP steps the wall clock back
    assert clock.now() == START - timedelta(hours=2)
    assert clock.monotonic() == 300.0
    with pytest.raises(ValueError):
        clock.advance(timedelta(seconds=-1))


def test_the_system_clock_has_a_monotonic_clock() -> None:
    clock = SystemClock()
    first = clock.monotonic()
    assert clock.monotonic() >= first


def test_a_wall_clock_stepped_back_does_not_delay_a_blocker_escalation(
    baton_factory: Any,
) -> None:
    baton = baton_factory(escalate_after="PT30M")
    baton.sweep()  # blocker planning has just run
    baton.clock.set(baton.clock.now() - timedelta(hours=2))
    said = blocked(baton, '"KPI capture" on "instrumentation metadata" <@U0DEE|dee>')
    assert "instrumentation metadata" in said
    baton.clock.advance(timedelta(minutes=29))
    baton.sweep()
    assert baton.standin.dms("U0DEE") == []
    baton.clock.advance(timedelta(minutes=2))  # 31 minutes after it was declared
    baton.sweep()
    dms = baton.standin.dms("U0DEE")
    assert len(dms) == 1 and "instrumentation metadata" in dms[0]["text"]
