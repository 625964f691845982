"""App Home's "Waiting on you" over signed HTTP against the stand-in: the escalations,
blockers, approvals and decisions a person owes, each with its DM's buttons (pressed on the
page itself), overdue first and marked with how late."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.handoffs.lifecycle import HandoffState
from store.models import ApprovalState, ItemState, Publish, PublishApproval, WorkItem
from tests.conftest import RunningBaton
from tests.graph.test_blocked_flow import blocked
from tests.handoffs.test_handoff_flow import wait_for
from tests.handoffs.test_lifecycle import advance, handoff_row, made
from tests.publishing.test_publish_flow import DECISION_DUE, advance_to, publish


@pytest.fixture
def baton(baton_factory: Any, database_url: str) -> RunningBaton:
    """SQLite, and PostgreSQL when TEST_DATABASE_URL is set: the desk's queries on both."""
    running: RunningBaton = baton_factory(database_url)
    return running


def home(baton: RunningBaton, user: str) -> str:
    baton.slack.open_home(user)
    view = baton.standin.home(user)
    assert view is not None
    return baton.standin.render(view["blocks"])


def page(baton: RunningBaton, user: str) -> str:
    """The page as it is now (after a click published it again), without reopening it."""
    view = baton.standin.home(user)
    assert view is not None
    return baton.standin.render(view["blocks"])


def waiting_part(text: str) -> str:
    return text.split("Handed off by you")[0]


def test_a_backup_sees_each_escalation_with_take_over_and_takes_over_from_home(
    baton_factory: Any, database_url: str
) -> None:
    baton: RunningBaton = baton_factory(database_url, act_within="PT1H", escalate_after="PT1H")
    made(baton)
    made(baton, **{"Work item": "newsletter"})
    advance(baton, timedelta(hours=1))
    advance(baton, timedelta(hours=1))
    assert len(baton.standin.dms("U0BEN")) == 2  # two escalations, unanswered
    ben = waiting_part(home(baton, "U0BEN"))
    assert "Waiting on you (2)" in ben and "Nothing waits on you" not in ben
    for name in ("launch copy", "newsletter"):
        assert f"{name} in #launch: @ana has not acknowledged it. You are the backup owner" in ben
    assert ben.count("[ Take over ]  [ Reach them ]") == 2
    assert ben.count(":warning: 1h overdue") == 2

    baton.slack.home_click("U0BEN", "Take over", near="launch copy")
    row = handoff_row(baton, 1)
    assert (row.state, row.next_owner_id) == (HandoffState.TAKEN_OVER, "U0BEN")
    ben = waiting_part(page(baton, "U0BEN"))  # published again by the click
    assert "Waiting on you (2)" in ben
    assert "launch copy from @cai in #launch" in ben  # now his to do, with the owner's buttons
    assert "[ Done ]" in ben and ben.count("[ Take over ]") == 1  # newsletter still asks


def test_the_most_overdue_comes_first_marked_with_how_late(
    baton_factory: Any, database_url: str
) -> None:
    baton: RunningBaton = baton_factory(database_url, act_within="PT1H")
    made(baton, **{"Work item": "old copy"})
    advance(baton, timedelta(days=6, hours=4))
    made(baton, **{"Work item": "new copy"})
    ana = waiting_part(home(baton, "U0ANA"))
    assert ana.index("old copy") < ana.index("new copy")  # newest first before: not any more
    old, new = ana.split("new copy", 1)
    assert ":warning: 6d 3h overdue" in old
    assert "overdue" not in new


def test_an_approver_approves_from_home_and_the_owner_decides_there(baton: RunningBaton) -> None:
    assert publish(baton, Approvers=["U0CAI"]).text == ""
    wait_for(lambda: baton.standin.dms("U0CAI"))
    cai = waiting_part(home(baton, "U0CAI"))
    assert "Approve spring launch (LinkedIn) in #launch, asked by @ana" in cai
    assert "[ Approve ]  [ Request changes ]" in cai and "overdue" not in cai
    advance(baton, timedelta(hours=2))  # the window opened at 11:00 UTC, now 12:00
    cai = waiting_part(home(baton, "U0CAI"))
    assert "Window opened" in cai and ":warning: 1h overdue" in cai
    baton.slack.home_click("U0CAI", "Approve", near="spring launch")
    with baton.services.db.read() as session:
        approval = session.get(PublishApproval, 1)
        assert approval is not None and approval.state == ApprovalState.APPROVED
    assert "Nothing waits on you" in page(baton, "U0CAI")

    advance_to(baton, DECISION_DUE + timedelta(hours=3))  # the prompt is out, 3h ago
    ana = waiting_part(home(baton, "U0ANA"))
    assert "Decide on spring launch (LinkedIn) in #launch" in ana
    assert "[ Repeat ]  [ Revise ]  [ Stop ]" in ana and ":warning: 3h overdue" in ana
    assert "Decide on" not in home(baton, "U0BEN")  # the owner's to decide, not the backup's
    baton.slack.home_click("U0ANA", "Stop", near="spring launch")
    with baton.services.db.read() as session:
        decided = session.get(Publish, 1)
        assert decided is not None and decided.decision == "stop"
    assert "Decide on" not in page(baton, "U0ANA")


def test_a_blocker_owner_resolves_from_home(baton: RunningBaton) -> None:
    blocked(baton, '"KPI capture" on "instrumentation metadata" <@U0DEE|dee> because no labels')
    baton.clock.advance(timedelta(hours=26))
    dee = waiting_part(home(baton, "U0DEE"))
    assert "Your instrumentation metadata in #launch blocks KPI capture, for 26h now" in dee
    assert "[ Resolved ]  [ Snooze 1 day ]" in dee
    baton.slack.home_click("U0DEE", "Resolved", near="instrumentation metadata")
    with baton.services.db.read() as session:
        item = session.get(WorkItem, 2)
        assert item is not None and item.state == ItemState.DONE
    dee = page(baton, "U0DEE")
    assert "instrumentation metadata is done" in dee and "Nothing waits on you" in dee


def test_the_buttons_that_open_a_form_work_from_home_too(baton: RunningBaton) -> None:
    assert publish(baton, Approvers=["U0CAI"]).text == ""
    wait_for(lambda: baton.standin.dms("U0CAI"))
    home(baton, "U0CAI")
    opened = len(baton.standin.calls_to("views.open"))
    baton.slack.home_click("U0CAI", "Request changes", near="spring launch")
    wait_for(lambda: baton.standin.calls_to("views.open"), count=opened + 1)
    changes = {"What to change": "say 20% off, not 25%"}
    assert baton.slack.submit(baton.slack.last_view(), changes, user="U0CAI").text == ""
    assert "Nothing waits on you" in page(baton, "U0CAI")  # answered: off the page

    advance_to(baton, DECISION_DUE)
    home(baton, "U0ANA")
    opened = len(baton.standin.calls_to("views.open"))
    baton.slack.home_click("U0ANA", "Revise", near="spring launch")
    wait_for(lambda: baton.standin.calls_to("views.open"), count=opened + 1)
    revised = {"Another action": "shorter opener"}
    assert baton.slack.submit(baton.slack.last_view(), revised, user="U0ANA").text == ""
    with baton.services.db.read() as session:
        decided = session.get(Publish, 1)
        assert decided is not None
        assert (decided.decision, decided.decision_action) == ("revise", "shorter opener")
    assert "Decide on" not in page(baton, "U0ANA")
