"""Approvals on a publish, over signed HTTP: who is asked, who may answer, what the post shows,
a request for changes back to the owner, and the chase two hours before the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import wait_for
from tests.publishing.test_publish_flow import errors_of, publish


def post_of(baton: RunningBaton) -> str:
    post = next(m for m in baton.standin.messages("C0LAUNCH") if not m.get("thread_ts"))
    return baton.standin.render(post["blocks"], post["text"])


def dm(baton: RunningBaton, user: str, index: int = -1) -> dict[str, Any]:
    wait_for(lambda: baton.standin.dms(user))
    return baton.standin.dms(user)[index]


def rendered_dms(baton: RunningBaton, user: str) -> list[str]:
    return [baton.standin.render(m.get("blocks") or [], m["text"]) for m in baton.standin.dms(user)]


@pytest.fixture
def asked(baton: RunningBaton) -> RunningBaton:
    answer = publish(baton, Approvers=["U0CAI", "U0DEE"])
    assert answer.text == "", answer.text
    wait_for(lambda: baton.standin.messages("C0LAUNCH"))
    return baton


def test_the_modal_offers_approvers_and_each_approver_is_asked_by_dm(asked: RunningBaton) -> None:
    baton = asked
    shown = post_of(baton)
    assert "Approvals: @cai … waiting, @dee … waiting" in shown
    for user in ("U0CAI", "U0DEE"):
        [request] = rendered_dms(baton, user)
        assert "asks you to approve spring launch" in request
        assert "[ Approve ]" in request and "[ Request changes ]" in request
        assert "Owner:" not in request  # ana asks for her own publish: said once
    assert baton.standin.dms("U0BEN") == []


def test_the_request_names_the_owner_when_someone_else_asks(baton: RunningBaton) -> None:
    assert (
        publish(baton, Owner="U0BEN", Approvers=["U0CAI"], **{"Backup owner": "U0ANA"}).text == ""
    )
    wait_for(lambda: baton.standin.dms("U0CAI"))
    [request] = rendered_dms(baton, "U0CAI")
    assert "@ana asks you to approve spring launch" in request and "Owner: @ben." in request


def test_a_bot_cannot_approve(baton: RunningBaton) -> None:
    errors = errors_of(publish(baton, Approvers=["U0CAI", "U0BOT"]))
    assert "bot" in errors["approvers"]


def test_only_approvers_answer_and_the_post_shows_who_approved(asked: RunningBaton) -> None:
    baton = asked
    request = dm(baton, "U0CAI")
    # A forged click (ben never sees that DM) is refused all the same.
    baton.slack.click(request, "Approve", user="U0BEN", channel="DU0BEN")
    wait_for(lambda: baton.standin.ephemerals("U0BEN"))
    refused = baton.standin.render([], baton.standin.ephemerals("U0BEN")[-1]["text"])
    assert "Only the approvers of spring launch (@cai, @dee)" in refused
    assert baton.standin.calls_to("chat.update") == []
    baton.slack.click(request, "Approve", user="U0CAI", channel="DU0CAI")
    wait_for(lambda: baton.standin.calls_to("chat.update"), count=2)  # the post and the DM
    assert "Approvals: @cai ✓ approved, @dee … waiting" in post_of(baton)
    assert "Approvals: 1 of 2 approved — @dee" in post_of(baton)
    [answered] = rendered_dms(baton, "U0CAI")
    assert "You: ✓ approved" in answered and "[ Approve ]" not in answered


def test_a_request_for_changes_goes_back_to_the_owner(asked: RunningBaton) -> None:
    baton = asked
    opened = len(baton.standin.calls_to("views.open"))
    baton.slack.click(dm(baton, "U0DEE"), "Request changes", user="U0DEE", channel="DU0DEE")
    wait_for(lambda: baton.standin.calls_to("views.open"), count=opened + 1)
    view = baton.slack.last_view()
    assert "say what" in errors_of(baton.slack.submit(view, {}, user="U0DEE"))["what"].lower()
    sent = baton.slack.submit(view, {"What to change": "say 20% off, not 25%"}, user="U0DEE")
    assert sent.text == ""
    wait_for(lambda: baton.standin.dms("U0ANA"))
    [back] = rendered_dms(baton, "U0ANA")
    assert "@dee requests changes to spring launch" in back and "say 20% off, not 25%" in back
    shown = post_of(baton)
    assert "@dee ✗ changes requested (“say 20% off, not 25%”)" in shown
    assert "Approvals: changes requested by 1 of 2 — @ana" in shown
    # The approver can still approve once it is changed.
    assert "[ Approve ]" in rendered_dms(baton, "U0DEE")[0]


def test_missing_approvers_are_chased_once_two_hours_before_the_window(
    baton: RunningBaton,
) -> None:
    # ana is in Berlin: the window opens 11:00 UTC on Thursday the 26th.
    answer = publish(
        baton, Approvers=["U0CAI", "U0DEE"], **{"Posting window": "2026-11-26 12:00-14:00"}
    )
    assert answer.text == ""
    baton.slack.click(dm(baton, "U0CAI"), "Approve", user="U0CAI", channel="DU0CAI")
    wait_for(lambda: baton.standin.calls_to("chat.update"), count=2)
    opens = datetime(2026, 11, 26, 11, 0, tzinfo=UTC)
    baton.clock.set(opens - timedelta(hours=2, minutes=1))
    baton.sweep()
    assert len(baton.standin.dms("U0DEE")) == 1 and baton.standin.dms("U0ANA") == []
    baton.clock.set(opens - timedelta(hours=2))
    baton.sweep()
    baton.clock.set(opens - timedelta(minutes=30))
    baton.sweep()
    chased = rendered_dms(baton, "U0DEE")
    assert len(chased) == 2 and "still waits for your approval" in chased[1]
    assert len(baton.standin.dms("U0CAI")) == 1  # cai approved: not chased
    [owner] = rendered_dms(baton, "U0ANA")
    assert "not fully approved" in owner and "@dee" in owner and "@cai" not in owner
