"""Nudges and escalations: the right person, at the right time, exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal, wait_for


def hand_off(baton: RunningBaton, **changes: Any) -> None:
    view = open_modal(baton)
    form = {**GOOD_FORM, **changes}
    response = baton.slack.submit(
        view, {k: v for k, v in form.items() if v is not None}, user="U0CAI"
    )
    assert response.status_code == 200 and "errors" not in response.text
    wait_for(lambda: baton.standin.dms("U0ANA"))


def advance(baton: RunningBaton, delta: timedelta) -> None:
    baton.clock.advance(delta)
    baton.sweep()


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for m in messages]


def test_nudge_at_act_by_then_backup_and_thread_after_the_escalation_delay(
    baton_factory: Any,
) -> None:
    baton: RunningBaton = baton_factory(act_within="PT4H", escalate_after="PT2H")
    hand_off(baton)
    advance(baton, timedelta(hours=3, minutes=59))
    assert len(baton.standin.dms("U0ANA")) == 1  # just the handoff DM so far

    advance(baton, timedelta(minutes=1))
    ana = baton.standin.dms("U0ANA")
    assert len(ana) == 2 and "waiting on you" in ana[-1]["text"]
    assert baton.standin.dms("U0BEN") == []

    advance(baton, timedelta(hours=2))
    ben = baton.standin.dms("U0BEN")
    assert len(ben) == 1 and "Escalation" in ben[0]["text"]
    thread = [m for m in baton.standin.messages("C0LAUNCH") if m.get("thread_ts")]
    assert len(thread) == 1
    rendered = baton.standin.render(thread[0]["blocks"], thread[0]["text"])
    assert (
        "@ana" in rendered and "Publish the copy on LinkedIn" in rendered and "2h late" in rendered
    )

    # Nothing else, ever.
    advance(baton, timedelta(days=3))
    assert len(baton.standin.dms("U0ANA")) == 2
    assert len(baton.standin.dms("U0BEN")) == 1
    assert len(baton.standin.messages("C0LAUNCH")) == 2


def test_without_a_backup_owner_the_author_is_asked(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H", escalate_after="PT1H")
    hand_off(baton, **{"Backup owner": None})
    advance(baton, timedelta(hours=1))
    advance(baton, timedelta(hours=1))
    cai = baton.standin.dms("U0CAI")  # the author
    assert len(cai) == 1 and "No backup owner" in baton.standin.render(cai[0]["blocks"])


def test_acknowledged_is_not_done_the_escalation_still_comes(baton_factory: Any) -> None:
    # As PagerDuty re-triggers an acknowledged incident: acknowledging is not finishing.
    baton: RunningBaton = baton_factory(act_within="PT1H", escalate_after="PT1H")
    hand_off(baton)
    dm = baton.standin.dms("U0ANA")[0]
    baton.slack.click(dm, "Acknowledge", user="U0ANA", channel=dm["channel"])
    advance(baton, timedelta(hours=1))  # act-by: one nudge, though acknowledged
    ana = baton.standin.dms("U0ANA")
    assert len(ana) == 2 and "waiting on you" in ana[-1]["text"]
    assert "[ Done ]" in baton.standin.render(ana[-1]["blocks"])
    advance(baton, timedelta(hours=1))
    ben = baton.standin.dms("U0BEN")
    assert len(ben) == 1 and "has not marked done" in ben[0]["text"]
    thread = [m for m in baton.standin.messages("C0LAUNCH") if m.get("thread_ts")]
    assert len(thread) == 1 and "Not done by its act-by" in thread[0]["text"]


def test_done_cancels_what_is_pending(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H", escalate_after="PT1H")
    hand_off(baton)
    advance(baton, timedelta(hours=1))  # nudge sent
    nudge = baton.standin.dms("U0ANA")[-1]
    baton.slack.click(nudge, "Done", user="U0ANA", channel=nudge["channel"])
    advance(baton, timedelta(days=2))
    assert baton.standin.dms("U0BEN") == []
    assert [m for m in baton.standin.messages("C0LAUNCH") if m.get("thread_ts")] == []


def test_default_act_by_comes_from_the_setting(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT30M", escalate_after="PT1H")
    hand_off(baton)
    advance(baton, timedelta(minutes=30))
    assert len(baton.standin.dms("U0ANA")) == 2


def test_a_nudge_due_at_night_waits_for_the_recipients_morning(baton_factory: Any) -> None:
    # Ana is in Berlin. Handoff at Tue 10:00 UTC, act-by 18:00 UTC = 19:00 Berlin: after hours.
    baton: RunningBaton = baton_factory(escalate_after="PT1H", working_hours="09:00-18:00 Mon-Fri")
    hand_off(baton, **{"Act by": int(datetime(2026, 11, 24, 18, 0, tzinfo=UTC).timestamp())})
    advance(baton, timedelta(hours=8))
    assert len(baton.standin.dms("U0ANA")) == 1
    # Walk through the night in 30-minute ticks: nothing until 09:00 Berlin (08:00 UTC).
    morning = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    while baton.clock.now() < morning - timedelta(minutes=30):
        advance(baton, timedelta(minutes=30))
        assert len(baton.standin.dms("U0ANA")) == 1, baton.clock.now()
    advance(baton, morning - baton.clock.now())
    assert len(baton.standin.dms("U0ANA")) == 2


@pytest.mark.parametrize("error", ["user_not_found", "account_inactive"])
def test_a_permanent_error_fails_the_row_and_tells_the_author_once(
    baton_factory: Any, error: str
) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H", escalate_after="PT1H")
    hand_off(baton)
    baton.standin.fail_next(method="chat.postMessage", error=error, times=1)
    advance(baton, timedelta(hours=1))  # the nudge fails for good
    advance(baton, timedelta(minutes=1))  # the notice to the author goes out
    notices = [m for m in baton.standin.dms("U0CAI") if "could not deliver" in m["text"]]
    assert len(notices) == 1 and error in notices[0]["text"]
    advance(baton, timedelta(hours=1))
    notices = [m for m in baton.standin.dms("U0CAI") if "could not deliver" in m["text"]]
    assert len(notices) == 1
