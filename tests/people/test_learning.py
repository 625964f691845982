"""Baton learns who people are when it first hears of them (a pick in a form, a mention in
/blocked), off Slack's clock, so that forms are answered from memory and every message is
planned in its reader's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.outbox.payloads import Kind
from store.models import OutboxMessage
from tests.conftest import RunningBaton
from tests.graph.test_blocked_flow import blocked
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal, wait_for

NEW_YORK = ZoneInfo("America/New_York")


def escalations_to(baton: RunningBaton, user_id: str) -> list[OutboxMessage]:
    with baton.services.db.read() as session:
        rows = session.exec(
            select(OutboxMessage).where(OutboxMessage.kind == Kind.ESCALATION_DM)
        ).all()
    return [row for row in rows if row.target == user_id]


def test_a_blocker_owner_only_mentioned_in_blocked_is_escalated_to_in_her_own_hours(
    baton_factory: Any,
) -> None:
    # Dee is in New York and Baton has never seen her: /blocked names her, and the handoff of
    # the item she blocks escalates to her. Ana (Berlin) is nudged at her next morning, and
    # Dee is asked an hour later in Dee's own hours: 09:00 New York, not 09:00 UTC (04:00).
    baton: RunningBaton = baton_factory(escalate_after="PT1H", working_hours="09:00-18:00 Mon-Fri")
    baton.standin.add_user("U0DEE", "dee", tz="America/New_York")
    blocked(baton, '"KPI capture" on "instrumentation metadata" <@U0DEE|dee> because no UTM labels')
    assert "U0DEE" in [c.params.get("user") for c in baton.standin.calls_to("users.info")]
    act_by = datetime(2026, 11, 24, 21, 30, tzinfo=UTC)
    view = open_modal(baton, text="KPI capture")
    form = {**GOOD_FORM, "Work item": "KPI capture", "Act by": int(act_by.timestamp())}
    assert baton.slack.submit(view, form, user="U0CAI").text == ""
    wait_for(lambda: baton.standin.dms("U0ANA"))
    [row] = escalations_to(baton, "U0DEE")
    due = row.due_at.replace(tzinfo=UTC).astimezone(NEW_YORK)
    assert due.weekday() < 5 and 9 <= due.hour < 18, due
