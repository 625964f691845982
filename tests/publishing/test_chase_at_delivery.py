"""The approval chase says what is true when it is sent: an approver who approved while their
chase waited for their working hours is not chased, and the owner's line names only who is
still missing then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import wait_for
from tests.home.test_own_hours import TEAM_HOURS, TUE_TO_SAT, advance, set_hours, walk_until
from tests.publishing.test_publish_flow import publish


def test_an_approver_who_approved_while_the_chase_waited_is_not_chased(
    baton_factory: Any,
) -> None:
    # The window opens Thu 11:00 UTC; the chase is due at 09:00 UTC, 04:00 for cai in New
    # York, whose own hours start at noon: his chase waits. He approves at 10:00 UTC.
    baton: RunningBaton = baton_factory(working_hours=TEAM_HOURS)
    set_hours(baton, "U0CAI", TUE_TO_SAT, "12:00", "20:00")
    window = {"Posting window": "2026-11-26 12:00-14:00"}
    assert publish(baton, Approvers=["U0CAI"], **window).text == ""
    wait_for(lambda: baton.standin.dms("U0CAI"))
    [request] = baton.standin.dms("U0CAI")
    baton.clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    advance(baton, timedelta(minutes=1))
    baton.clock.set(datetime(2026, 11, 26, 10, 0, tzinfo=UTC))
    baton.slack.click(request, "Approve", user="U0CAI", channel=request["channel"])
    walk_until(baton, datetime(2026, 11, 26, 17, 30, tzinfo=UTC), lambda: True)
    assert len(baton.standin.dms("U0CAI")) == 1  # the request only: nothing to chase
