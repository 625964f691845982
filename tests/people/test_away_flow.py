"""People who are out (issue 23, point 5), over signed HTTP against the stand-in: a next
owner whose Slack status says they are out past the act-by is named at the field once; the
same Submit again keeps them. Read when they are picked, never on the Submit's clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.conftest import RunningBaton
from tests.handoffs.test_contract_flow import submit, top_posts
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal, wait_for

BERLIN = ZoneInfo("Europe/Berlin")  # ana's zone; the author, cai, is in New York
OUT = (
    "@ana is out of office until Mon 30 Nov — pick someone else, or keep @ana and the backup "
    "is asked at act-by"
)


def act_by(baton: RunningBaton, after: timedelta = timedelta(days=1)) -> int:
    return int((baton.clock.now() + after).timestamp())


def end_of_sunday() -> float:
    """Slack's "until the end of Sunday" for ana (the clock starts Tue 24 Nov 2026)."""
    return datetime(2026, 11, 29, 23, 59, 59, tzinfo=BERLIN).timestamp()


def form(baton: RunningBaton, **changes: Any) -> dict[str, Any]:
    return {**GOOD_FORM, "Act by": act_by(baton), **changes}


def test_an_owner_out_past_the_act_by_is_named_once_then_kept(baton: RunningBaton) -> None:
    baton.standin.set_status("U0ANA", "Out of office", ":palm_tree:", expiration=end_of_sunday())
    view = open_modal(baton)
    filled = form(baton)
    assert submit(baton, view, filled) == {
        "response_action": "errors",
        "errors": {"next_owner": OUT},
    }
    baton.services.settle()
    assert top_posts(baton) == []

    assert submit(baton, view, filled) == {}  # the same Submit again: ana is kept
    wait_for(lambda: top_posts(baton))
    wait_for(lambda: baton.standin.dms("U0ANA"))


def test_another_owner_picked_instead_is_not_asked_about_again(baton: RunningBaton) -> None:
    baton.standin.set_status("U0ANA", "OOO", expiration=end_of_sunday())
    view = open_modal(baton)
    assert "errors" in submit(baton, view, form(baton))
    assert submit(baton, view, form(baton, **{"Next owner": "U0DEE"})) == {}
    wait_for(lambda: baton.standin.dms("U0DEE"))


def test_someone_back_before_the_act_by_is_not_named(baton: RunningBaton) -> None:
    back = (baton.clock.now() + timedelta(hours=20)).timestamp()
    baton.standin.set_status("U0ANA", "Vacation", ":palm_tree:", expiration=back)
    assert submit(baton, open_modal(baton), form(baton)) == {}
    wait_for(lambda: top_posts(baton))


def test_an_owner_whose_status_is_not_away_is_not_named(baton: RunningBaton) -> None:
    baton.standin.set_status("U0ANA", "In a meeting", ":calendar:")
    assert submit(baton, open_modal(baton), form(baton)) == {}
    wait_for(lambda: top_posts(baton))


def test_a_status_without_expiry_is_out_without_an_end(baton: RunningBaton) -> None:
    baton.standin.set_status("U0ANA", "", ":face_with_thermometer:")
    errors = submit(baton, open_modal(baton), form(baton))["errors"]
    assert errors == {
        "next_owner": "@ana is off sick — pick someone else, or keep @ana and the backup is "
        "asked at act-by"
    }


def test_the_status_is_read_at_the_pick_and_the_submit_asks_slack_nothing(
    baton: RunningBaton,
) -> None:
    baton.standin.set_status("U0ANA", "OOO", expiration=end_of_sunday())
    view = open_modal(baton)
    filled = form(baton)
    baton.slack.submit(view, filled, user="U0CAI")
    asked = [
        str(call.params.get("user"))
        for method in ("users.profile.get", "dnd.info")
        for call in baton.standin.calls_to(method)
    ]
    assert sorted(asked) == ["U0ANA", "U0ANA", "U0BEN", "U0BEN"]  # the picks: owner, backup
    # Picked again at once (the second Submit's picks): not asked again.
    assert submit(baton, view, filled) == {}
    assert len(baton.standin.calls_to("users.profile.get")) == 2


def test_without_the_profile_scope_nobody_is_taken_for_away(baton: RunningBaton) -> None:
    baton.standin.remove_scope("users.profile:read")  # installed before the manifest asked
    baton.standin.set_status("U0ANA", "OOO", expiration=end_of_sunday())
    assert submit(baton, open_modal(baton), form(baton)) == {}
    wait_for(lambda: top_posts(baton))
    [call] = baton.standin.calls_to("users.profile.get")[:1]
    assert call.response["error"] == "missing_scope"


def test_the_chain_asks_whether_a_steps_target_is_out(baton: RunningBaton) -> None:
    """What the chain calls before a step: a refresh off the ack path, then an answer from
    the database; the status Slack cleared is read as back."""
    people = baton.services.people
    baton.standin.set_status("U0BEN", "On leave", expiration=end_of_sunday())
    at = baton.clock.now() + timedelta(days=2)
    assert people.away("U0BEN", at) is None  # never read: nothing known
    people.read_away(["U0BEN", None])
    assert people.away("U0BEN", at) == "is on leave until Sun 29 Nov 22:59"  # London's day
    assert people.away("U0BEN", at, zone="Europe/Berlin") == "is on leave until Mon 30 Nov"
    assert people.away("U0BEN", at + timedelta(days=5)) is None  # back by then
    baton.clock.advance(timedelta(days=6))
    people.read_away(["U0BEN"])
    assert people.away("U0BEN", baton.clock.now()) is None
