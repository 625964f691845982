"""Own working hours, set in App Home, over signed HTTP against the stand-in: Berlin and New
York, the team on 09:00-18:00 Mon-Fri. Messages to a person wait for their own hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.kernel.working_hours import WorkingHours
from bot.slack_standin import payloads
from store import person_hours
from store.models import Handoff
from store.types import as_utc
from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal, wait_for
from tests.publishing.test_publish_flow import publish

TEAM_HOURS = "09:00-18:00 Mon-Fri"
TUE_TO_SAT = ["1", "2", "3", "4", "5"]


def home(baton: RunningBaton, user: str) -> str:
    baton.slack.open_home(user)
    view = baton.standin.home(user)
    assert view is not None
    return baton.standin.render(view["blocks"])


def shown(baton: RunningBaton, user: str) -> str:
    """The home tab as it is now, without opening it again."""
    view = baton.standin.home(user)
    assert view is not None
    return baton.standin.render(view["blocks"])


def open_hours_modal(baton: RunningBaton, user: str) -> dict[str, Any]:
    home(baton, user)
    opened = len(baton.standin.calls_to("views.open"))
    response = baton.slack.home_click(user, "Set working hours", near="in your time zone")
    assert response.status_code == 200
    wait_for(lambda: baton.standin.calls_to("views.open"), count=opened + 1)
    return baton.slack.last_view()


def set_hours(baton: RunningBaton, user: str, days: list[str], start: str, end: str) -> Any:
    view = open_hours_modal(baton, user)
    return baton.slack.submit(view, {"Days": days, "Start": start, "End": end}, user=user)


def advance(baton: RunningBaton, delta: timedelta) -> None:
    baton.clock.advance(delta)
    baton.sweep()


def walk_until(baton: RunningBaton, until: datetime, still: Any) -> None:
    """Ten-minute ticks up to just before `until`, checking `still()` holds at each."""
    while baton.clock.now() < until - timedelta(minutes=10):
        advance(baton, timedelta(minutes=10))
        assert still(), baton.clock.now()
    advance(baton, until - baton.clock.now())


def test_home_shows_the_team_default_until_a_person_sets_their_own(
    baton_factory: Any,
) -> None:
    baton: RunningBaton = baton_factory(working_hours=TEAM_HOURS)
    assert "Your working hours" in home(baton, "U0ANA")
    assert "Mon–Fri 09:00–18:00 (team default)" in home(baton, "U0ANA")
    assert "[ Use team default ]" not in home(baton, "U0ANA")

    view = open_hours_modal(baton, "U0ANA")
    days, start, end = (b["element"] for b in view["blocks"] if b["type"] == "input")
    assert days["type"] == "checkboxes" and len(days["options"]) == 7
    assert [o["value"] for o in days["initial_options"]] == ["0", "1", "2", "3", "4"]
    assert (start["type"], start["initial_time"]) == ("timepicker", "09:00")
    assert (end["type"], end["initial_time"]) == ("timepicker", "18:00")

    response = baton.slack.submit(
        view, {"Days": TUE_TO_SAT, "Start": "12:00", "End": "20:00"}, user="U0ANA"
    )
    assert response.status_code == 200 and "errors" not in response.text
    assert "Saved: Baton's messages to you now wait for Tue–Sat 12:00–20:00" in shown(
        baton, "U0ANA"
    )
    ana = home(baton, "U0ANA")
    assert "Tue–Sat 12:00–20:00 (yours)" in ana and "[ Use team default ]" in ana
    assert "Mon–Fri 09:00–18:00 (team default)" in home(baton, "U0CAI")  # only hers
    with baton.services.db.read() as session:
        assert person_hours.hours_of(session, "U0ANA") == WorkingHours.parse("12:00-20:00 Tue-Sat")

    # The modal opens on what she set; Use team default takes her back.
    view = open_hours_modal(baton, "U0ANA")
    days, start, _ = (b["element"] for b in view["blocks"] if b["type"] == "input")
    assert [o["value"] for o in days["initial_options"]] == TUE_TO_SAT
    assert start["initial_time"] == "12:00"
    baton.slack.home_click("U0ANA", "Use team default", near="in your time zone")
    assert "Back to Mon–Fri 09:00–18:00 (team default)" in shown(baton, "U0ANA")
    with baton.services.db.read() as session:
        assert person_hours.hours_of(session, "U0ANA") is None


def test_hours_that_would_never_be_open_are_refused_at_the_field(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(working_hours=TEAM_HOURS)
    body = set_hours(baton, "U0ANA", [], "09:00", "18:00").json()
    assert body["response_action"] == "errors"
    assert body["errors"] == {"days": "Pick at least one day."}
    for start, end in (("18:00", "09:00"), ("09:00", "09:00")):
        body = set_hours(baton, "U0ANA", TUE_TO_SAT, start, end).json()
        assert set(body["errors"]) == {"end"} and "End after you start" in body["errors"]["end"]
    assert "(team default)" in home(baton, "U0ANA")


def hand_off(baton: RunningBaton, author: str, **changes: Any) -> None:
    view = open_modal(baton, user=author)
    form = {**GOOD_FORM, **changes}
    response = baton.slack.submit(
        view, {k: v for k, v in form.items() if v is not None}, user=author
    )
    assert response.status_code == 200 and "errors" not in response.text
    wait_for(lambda: baton.standin.dms(form["Next owner"]))


@pytest.mark.parametrize("hours_set", ["before the handoff", "after the handoff"])
def test_a_nudge_due_before_her_start_waits_for_her_own_hours(
    baton_factory: Any, hours_set: str
) -> None:
    # Ana (Berlin) works Tue-Sat 12:00-20:00. Her act-by, Tue 11:30 Berlin, is inside the
    # team's hours but not hers: the nudge comes at her noon (11:00 UTC), not at 10:30 UTC,
    # also when she sets her hours after the nudge was planned.
    baton: RunningBaton = baton_factory(escalate_after="PT8H", working_hours=TEAM_HOURS)
    act_by = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
    if hours_set == "before the handoff":
        set_hours(baton, "U0ANA", TUE_TO_SAT, "12:00", "20:00")
    hand_off(baton, "U0CAI", **{"Act by": int(act_by.timestamp())})
    if hours_set == "after the handoff":
        set_hours(baton, "U0ANA", TUE_TO_SAT, "12:00", "20:00")
    noon_berlin = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
    walk_until(baton, noon_berlin, lambda: len(baton.standin.dms("U0ANA")) == 1)
    ana = baton.standin.dms("U0ANA")
    assert len(ana) == 2 and "waiting on you" in ana[-1]["text"]


def test_an_escalation_due_at_night_reaches_her_on_her_saturday(
    baton_factory: Any, database_url: str
) -> None:
    # Cai (New York) is the backup and works Tue-Sat 12:00-20:00. The escalation is due Fri
    # 21:30 New York: the team default would hold it to Monday 09:00; hers is Saturday noon.
    baton: RunningBaton = baton_factory(
        database_url, escalate_after="PT10H", working_hours=TEAM_HOURS
    )
    set_hours(baton, "U0CAI", TUE_TO_SAT, "12:00", "20:00")
    act_by = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)  # Fri 17:30 Berlin, ana's hours
    hand_off(baton, "U0BEN", **{"Backup owner": "U0CAI", "Act by": int(act_by.timestamp())})
    advance(baton, act_by - baton.clock.now())
    assert len(baton.standin.dms("U0ANA")) == 2  # the nudge, at act-by
    saturday_noon = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)  # 12:00 New York
    walk_until(baton, saturday_noon, lambda: baton.standin.dms("U0CAI") == [])
    cai = baton.standin.dms("U0CAI")
    assert len(cai) == 1 and "Escalation" in cai[0]["text"]


def test_the_default_act_by_counts_her_own_working_time(baton_factory: Any) -> None:
    # Tue 11:00 Berlin, four hours of her time (she starts at noon): 16:00 Berlin, 15:00 UTC.
    baton: RunningBaton = baton_factory(act_within="PT4H", working_hours=TEAM_HOURS)
    set_hours(baton, "U0ANA", TUE_TO_SAT, "12:00", "20:00")
    hand_off(baton, "U0CAI")
    with baton.services.db.read() as session:
        handoff = session.exec(select(Handoff)).one()
    assert as_utc(handoff.act_by) == datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def test_the_approval_chase_waits_for_the_approvers_own_hours(baton_factory: Any) -> None:
    # The window opens Thu 11:00 UTC, so the chase is due at 09:00 UTC: 04:00 for cai in New
    # York, who works Tue-Sat 12:00-20:00. dee (Kolkata, team hours) gets it at once.
    baton: RunningBaton = baton_factory(working_hours=TEAM_HOURS)
    set_hours(baton, "U0CAI", TUE_TO_SAT, "12:00", "20:00")
    answer = publish(
        baton, Approvers=["U0CAI", "U0DEE"], **{"Posting window": "2026-11-26 12:00-14:00"}
    )
    assert answer.text == ""
    wait_for(lambda: baton.standin.dms("U0CAI"))
    baton.clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    advance(baton, timedelta(minutes=1))
    assert len(baton.standin.dms("U0DEE")) == 2  # the request, then the chase
    noon_new_york = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    walk_until(baton, noon_new_york, lambda: len(baton.standin.dms("U0CAI")) == 1)
    chased = baton.standin.dms("U0CAI")
    assert len(chased) == 2
    assert "still waits for your approval" in baton.standin.render(chased[1]["blocks"])


def test_a_form_without_a_time_is_refused_at_the_empty_field(
    baton_factory: Any,
) -> None:
    # Slack lets nobody submit an empty required timepicker; Baton refuses one all the same.
    baton: RunningBaton = baton_factory(working_hours=TEAM_HOURS)
    view = open_hours_modal(baton, "U0ANA")
    submitted = payloads.submission(baton.standin, view, {"Days": TUE_TO_SAT}, user="U0ANA")
    for block, emptied in (("start", "start"), ("end", "end")):
        state = submitted["view"]["state"]["values"]
        cleared = {**state, emptied: {"value": {"type": "timepicker", "selected_time": None}}}
        payload = {**submitted, "view": {**submitted["view"], "state": {"values": cleared}}}
        body = baton.slack.post_payload(payload).json()
        assert body["errors"] == {block: "Pick a start and an end time."}
    assert "(team default)" in home(baton, "U0ANA")
