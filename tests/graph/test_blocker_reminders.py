"""Blocker DMs say what waits, who waits and why; Snooze 1 day; reminders stop after
BATON_REMINDER_LIMIT working days with one last message in the channel."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.conftest import RunningBaton
from tests.graph.test_blocked_flow import blocked, dm_texts
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal, wait_for


def kpi_blocked(baton: RunningBaton) -> None:
    view = open_modal(baton, text="KPI capture")
    baton.slack.submit(view, {**GOOD_FORM, "Work item": "KPI capture"}, user="U0CAI")
    wait_for(lambda: baton.standin.dms("U0ANA"))
    blocked(baton, '"KPI capture" on "instrumentation metadata" <@U0DEE|dee> because no UTM labels')


def blocker_dms(baton: RunningBaton) -> list[str]:
    return [t for t in dm_texts(baton, "U0DEE") if "is blocking other work" in t]


def channel_texts(baton: RunningBaton) -> list[str]:
    return [
        baton.standin.render(m["blocks"], m["text"])
        for m in baton.standin.messages("C0LAUNCH")
        if not m.get("thread_ts")
    ]


def test_the_blocker_dm_names_what_waits_who_waits_and_why(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory()
    kpi_blocked(baton)
    baton.clock.advance(timedelta(hours=2, minutes=1))
    baton.sweep()
    [text] = blocker_dms(baton)
    assert "• KPI capture (owner @ana) · reason: no UTM labels" in text
    assert "in #launch" in text and '/blocked "instrumentation metadata" done` in #launch' in text
    assert "[ Resolved ]  [ Snooze 1 day ]" in text


def test_reminders_stop_after_the_limit_with_one_last_message_in_the_channel(
    baton_factory: Any,
) -> None:
    baton: RunningBaton = baton_factory(reminder_limit=3)
    kpi_blocked(baton)
    before = len(channel_texts(baton))
    baton.clock.advance(timedelta(hours=2, minutes=1))
    baton.sweep()
    for _ in range(5):
        baton.clock.advance(timedelta(days=1))
        baton.sweep()
    assert len(blocker_dms(baton)) == 3  # three working days of DMs, no more
    last = channel_texts(baton)[before:]
    assert len(last) == 1
    # the blocker is named once: not "has blocked KPI capture → instrumentation metadata"
    assert "instrumentation metadata has blocked KPI capture for 3d 2h." in last[0]
    assert "@dee had a reminder on 3 working days; Baton stops reminding now" in last[0]


def test_snooze_1_day_skips_a_day_of_reminders(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory()
    kpi_blocked(baton)
    baton.clock.advance(timedelta(hours=2, minutes=1))
    baton.sweep()
    dm = baton.standin.dms("U0DEE")[-1]
    baton.slack.click(dm, "Snooze 1 day", user="U0DEE", channel=dm["channel"])
    assert "no reminder before" in dm_texts(baton, "U0DEE")[-1]
    baton.clock.advance(timedelta(hours=23))
    baton.sweep()
    assert blocker_dms(baton) == []  # the snoozed DM was replaced; nothing new
    baton.clock.advance(timedelta(hours=2))
    baton.sweep()
    assert len(blocker_dms(baton)) == 1
