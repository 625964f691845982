"""Slack's 3-second rule and honest answers, over signed HTTP against the stand-in.

Nothing on the ack path waits for a Slack Web API call or for delivery; a Submit pressed twice
makes one handoff; work that failed is never answered as if it had worked; text the database
cannot hold is refused at the field.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
import requests
from sqlalchemy.exc import OperationalError
from sqlmodel import func, select

from bot.ids import HandoffBlock
from bot.kernel.stored_text import NUL_PROBLEM
from bot.slack.failure import NOT_DONE, NOT_SAVED
from bot.slack_standin import payloads
from store.models import Draft, Handoff, Publish
from tests.conftest import SIGNING_SECRET, RunningBaton
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal, wait_for
from tests.publishing.test_publish_flow import FORM as PUBLISH_FORM
from tests.publishing.test_publish_flow import open_publish
from tests.slack_driver import SlackDriver


def unsettled(baton: RunningBaton) -> SlackDriver:
    """A driver that returns as soon as Slack would have Baton's answer."""
    return SlackDriver(baton.slack.base_url, SIGNING_SECRET, baton.standin)


def timed(call: Any) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def count(baton: RunningBaton, model: Any) -> int:
    with baton.services.db.read() as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def posts(baton: RunningBaton) -> list[dict[str, Any]]:
    return [m for m in baton.standin.messages("C0LAUNCH") if not m.get("thread_ts")]


@pytest.fixture
def baton(baton_factory: Any, database_url: str) -> RunningBaton:
    running: RunningBaton = baton_factory(database_url)
    return running


# -- nothing on the ack path waits for Slack ---------------------------------------------


def test_a_submission_is_answered_before_slack_has_the_posts(baton: RunningBaton) -> None:
    view = open_modal(baton)
    baton.standin.set_delay("chat.postMessage", 2.0)
    response, took = timed(lambda: unsettled(baton).submit(view, GOOD_FORM, user="U0CAI"))
    assert response.status_code == 200 and response.text == ""
    assert took < 1.5, f"the ack waited {took:.2f} s for delivery"
    assert baton.services.settle(timeout=15)
    assert len(posts(baton)) == 1 and len(baton.standin.dms("U0ANA")) == 1


def test_a_click_is_answered_before_slack_has_the_update(baton: RunningBaton) -> None:
    baton.slack.submit(open_modal(baton), GOOD_FORM, user="U0CAI")
    [dm] = baton.standin.dms("U0ANA")
    baton.standin.set_delay("chat.update", 2.0)
    response, took = timed(
        lambda: unsettled(baton).click(dm, "Acknowledge", user="U0ANA", channel=dm["channel"])
    )
    assert response.status_code == 200 and took < 1.5, f"the ack took {took:.2f} s"
    assert baton.services.settle(timeout=15)
    assert "Acknowledged by" in baton.standin.render(posts(baton)[0]["blocks"])


def test_a_command_is_answered_before_its_modal_opens(baton: RunningBaton) -> None:
    baton.standin.set_delay("views.open", 2.0)
    response, took = timed(lambda: unsettled(baton).command("/handoff", "x", user="U0CAI"))
    assert response.status_code == 200 and took < 1.5, f"the ack took {took:.2f} s"
    assert baton.services.settle(timeout=15)
    assert baton.standin.calls_to("views.open")


def test_people_baton_knows_are_not_asked_about_on_the_ack_path(baton: RunningBaton) -> None:
    baton.slack.submit(open_modal(baton), GOOD_FORM, user="U0CAI")  # learns ana and ben
    baton.standin.fail_next(method="users.info", status=429, retry_after=4, times=10)
    view = open_modal(baton, text="newsletter")
    response, took = timed(
        lambda: unsettled(baton).submit(
            view, {**GOOD_FORM, "Work item": "newsletter"}, user="U0CAI"
        )
    )
    assert response.status_code == 200 and response.text == "" and took < 1.5
    assert baton.services.settle()
    assert count(baton, Handoff) == 2


def test_people_described_long_ago_are_asked_again_after_the_ack_and_no_one_else(
    baton: RunningBaton,
) -> None:
    baton.slack.submit(open_modal(baton), GOOD_FORM, user="U0CAI")  # learns ana and ben
    asked = len(baton.standin.calls_to("users.info"))
    view = open_modal(baton, text="newsletter")
    baton.slack.submit(view, {**GOOD_FORM, "Work item": "newsletter"}, user="U0CAI")
    assert len(baton.standin.calls_to("users.info")) == asked  # all known, all fresh
    baton.clock.advance(timedelta(hours=13))  # Slack described them 13 hours ago
    baton.standin.add_user("U0ANA", "ana", tz="America/New_York")  # ana moved
    view = open_modal(baton, text="webinar")
    baton.slack.submit(view, {**GOOD_FORM, "Work item": "webinar"}, user="U0CAI")
    refreshed = [c.params.get("user") for c in baton.standin.calls_to("users.info")[asked:]]
    assert {"U0ANA", "U0BEN"} <= set(refreshed)
    assert baton.services.people.cached_tz("U0ANA") == "America/New_York"


def test_the_first_submit_naming_new_people_needs_no_web_api_call(
    baton: RunningBaton,
) -> None:
    # Slack sends a block_actions for each pick; Baton looks the person up then, so the answer
    # to Submit needs only memory, even with Slack down by the time it is pressed.
    baton.standin.add_user("U0NEW", "new", tz="America/New_York")
    baton.standin.add_user("U0BACK", "back", tz="Europe/Berlin")
    view = open_modal(baton)
    form = {**GOOD_FORM, "Next owner": "U0NEW", "Backup owner": "U0BACK"}
    for pick in payloads.picks(baton.standin, view, form, user="U0CAI"):
        assert baton.slack.post_payload(pick).status_code == 200
    looked_up = [c.params.get("user") for c in baton.standin.calls_to("users.info")]
    assert {"U0NEW", "U0BACK"} <= set(looked_up)
    baton.standin.fail_next(method="users.info", status=500, times=10)
    response = unsettled(baton).submit(view, form, user="U0CAI", picked=False)
    assert response.status_code == 200 and response.text == ""
    assert baton.services.settle()
    assert count(baton, Handoff) == 1 and len(baton.standin.dms("U0NEW")) == 1


def test_a_submit_naming_someone_never_picked_is_answered_at_once_and_they_are_looked_up(
    baton: RunningBaton,
) -> None:
    # A submission Slack sent without the picks (or a pick Baton missed): the answer does not
    # wait for users.info; it asks for a retry, and the person is looked up after it.
    baton.standin.add_user("U0NEW", "new", tz="UTC")
    baton.standin.set_delay("users.info", 3.0)
    view = open_modal(baton)
    form = {**GOOD_FORM, "Next owner": "U0NEW"}
    response, took = timed(lambda: unsettled(baton).submit(view, form, user="U0CAI", picked=False))
    assert took < 1.5, f"answered after {took:.2f} s"
    assert response.json()["errors"][HandoffBlock.NEXT_OWNER] == (
        "Slack did not answer who this is; try again."
    )
    assert baton.services.settle(timeout=15)
    assert "U0NEW" in [c.params.get("user") for c in baton.standin.calls_to("users.info")]
    baton.standin.set_delay("users.info", 0)
    assert unsettled(baton).submit(view, form, user="U0CAI", picked=False).text == ""
    assert baton.services.settle()
    assert count(baton, Handoff) == 1


def test_a_pick_slack_is_slow_to_describe_is_a_field_error_within_the_deadline(
    baton: RunningBaton,
) -> None:
    baton.standin.add_user("U0NEW", "new", tz="UTC")
    baton.standin.set_delay("users.info", 5.0)
    view = open_modal(baton)
    response, took = timed(
        lambda: unsettled(baton).submit(view, {**GOOD_FORM, "Next owner": "U0NEW"}, user="U0CAI")
    )
    assert took < 2.9, f"answered after {took:.2f} s"
    assert "Slack did not answer" in response.json()["errors"][HandoffBlock.NEXT_OWNER]
    assert count(baton, Handoff) == 0


def test_a_ratelimited_lookup_leaves_the_answer_in_time_and_the_retry_posts_once(
    baton: RunningBaton,
) -> None:
    # Slack answers users.info with a 429 and Retry-After 4: the lookup (started by the pick)
    # waits it out, but Submit is answered before Slack's 3 s, and the retry posts once.
    view = open_modal(baton)
    baton.services.after_ack.background_pool.wait_idle()  # /handoff learnt who cai is
    baton.standin.fail_next(method="users.info", status=429, retry_after=4)
    response, took = timed(lambda: unsettled(baton).submit(view, GOOD_FORM, user="U0CAI"))
    assert took < 2.9 and "errors" in response.json()
    assert baton.slack.submit(view, GOOD_FORM, user="U0CAI").text == ""
    assert len(posts(baton)) == 1 and len(baton.standin.dms("U0ANA")) == 1


# -- one creation per modal ---------------------------------------------------------------


def test_submit_pressed_twice_makes_one_handoff(baton: RunningBaton) -> None:
    view = open_modal(baton)
    first = baton.slack.submit(view, GOOD_FORM, user="U0CAI")
    second = baton.slack.submit(view, GOOD_FORM, user="U0CAI")
    assert first.status_code == second.status_code == 200
    assert first.text == second.text == ""
    assert count(baton, Handoff) == 1
    assert len(posts(baton)) == 1 and len(baton.standin.dms("U0ANA")) == 1


def test_submit_pressed_twice_at_once_makes_one_handoff(baton: RunningBaton) -> None:
    view = open_modal(baton)
    driver = unsettled(baton)
    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(lambda _: driver.submit(view, GOOD_FORM, user="U0CAI").text, range(4))
        )
    assert answers == ["", "", "", ""]
    assert baton.services.settle()
    assert count(baton, Handoff) == 1
    assert len(posts(baton)) == 1 and len(baton.standin.dms("U0ANA")) == 1


def test_a_publish_submitted_twice_is_recorded_once(baton: RunningBaton) -> None:
    view = open_publish(baton)
    first = baton.slack.submit(view, PUBLISH_FORM, user="U0ANA")
    second = baton.slack.submit(view, PUBLISH_FORM, user="U0ANA")
    assert first.text == second.text == ""  # not "spring launch already exists"
    assert count(baton, Publish) == 1 and len(posts(baton)) == 1


def test_a_draft_submitted_twice_is_recorded_once(baton: RunningBaton) -> None:
    baton.slack.command("/draft", "LinkedIn", user="U0ANA")
    view = baton.slack.last_view()
    form = {"Name": "spring launch", "Copy": "Spring is here: our launch, in one post."}
    assert baton.slack.submit(view, form, user="U0ANA").text == ""
    assert baton.slack.submit(view, form, user="U0ANA").text == ""
    assert count(baton, Draft) == 1 and len(posts(baton)) == 1


# -- never "done" for what was not done ---------------------------------------------------


def test_a_failed_save_keeps_the_modal_open_and_says_so(
    baton: RunningBaton, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("INSERT", {}, Exception("disk full"))

    monkeypatch.setattr(baton.services.handoffs, "accept", disk_full)
    response = baton.slack.submit(open_modal(baton), GOOD_FORM, user="U0CAI")
    assert response.status_code == 200
    assert response.json() == {
        "response_action": "errors",
        "errors": {HandoffBlock.WORK_ITEM: NOT_SAVED},
    }
    assert posts(baton) == [] and baton.standin.dms("U0ANA") == []


def test_a_handoff_accepted_before_a_crash_is_made_once_by_the_planner(
    baton: RunningBaton, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The form is stored before Slack's answer; the handoff is made right after it. A crash in
    # between (here: the work after the ack dies) must neither lose it nor make it twice.
    real = baton.services.handoffs.create_accepted

    def crash(view_id: str) -> None:
        raise SystemExit("killed after the ack")

    monkeypatch.setattr(baton.services.handoffs, "create_accepted", crash)
    response = baton.slack.submit(open_modal(baton), GOOD_FORM, user="U0CAI")
    assert response.status_code == 200 and response.text == ""
    assert count(baton, Handoff) == 0 and posts(baton) == []
    monkeypatch.setattr(baton.services.handoffs, "create_accepted", real)
    baton.clock.advance(timedelta(minutes=1))
    baton.sweep()
    baton.sweep()
    assert count(baton, Handoff) == 1
    assert len(posts(baton)) == 1 and len(baton.standin.dms("U0ANA")) == 1


def test_a_failed_command_answers_that_nothing_was_changed(
    baton: RunningBaton, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("SELECT", {}, Exception("connection lost"))

    monkeypatch.setattr(baton.services.graph, "blocked_in_channel", broken)
    assert baton.slack.command("/blocked", "", user="U0CAI").status_code == 200
    assert [e["text"] for e in baton.standin.ephemerals("U0CAI")] == [NOT_DONE]


def test_a_failed_click_answers_that_nothing_was_changed(
    baton: RunningBaton, monkeypatch: pytest.MonkeyPatch
) -> None:
    baton.slack.submit(open_modal(baton), GOOD_FORM, user="U0CAI")
    post = posts(baton)[0]

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("UPDATE", {}, Exception("connection lost"))

    monkeypatch.setattr(baton.services.handoffs, "press", broken)
    baton.slack.click(post, "Acknowledge", user="U0ANA", channel="C0LAUNCH")
    assert NOT_DONE in [e["text"] for e in baton.standin.ephemerals("U0ANA")]


# -- text the database cannot hold is refused at the field ---------------------------------


def test_a_name_longer_once_casefolded_is_refused_at_the_field(baton: RunningBaton) -> None:
    name = "ﬃ" * 70  # 70 characters, 210 once casefolded: over the 200 of its column
    response = baton.slack.submit(open_modal(baton), {**GOOD_FORM, "Work item": name}, user="U0CAI")
    assert "under 80 characters" in response.json()["errors"][HandoffBlock.WORK_ITEM]
    assert count(baton, Handoff) == 0


def test_a_nul_character_is_refused_at_the_field(baton: RunningBaton) -> None:
    response = baton.slack.submit(
        open_modal(baton), {**GOOD_FORM, "Status": "Copy ready\x00"}, user="U0CAI"
    )
    assert response.json()["errors"] == {HandoffBlock.STATUS: NUL_PROBLEM}
    answer = baton.slack.command("/blocked", '"copy\x00" on "metadata"', user="U0CAI")
    assert NUL_PROBLEM in answer.json()["text"]
    assert count(baton, Handoff) == 0 and posts(baton) == []


def command_answer(baton: RunningBaton, text: str) -> str:
    before = len(baton.standin.ephemerals("U0CAI"))
    assert baton.slack.command("/blocked", text, user="U0CAI").status_code == 200
    wait_for(lambda: baton.standin.ephemerals("U0CAI"), count=before + 1)
    return str(baton.standin.ephemerals("U0CAI")[-1]["text"])


def test_odd_but_honest_blocked_commands_get_answers(baton: RunningBaton) -> None:
    too_long = command_answer(baton, '"copy" on "metadata" because ' + "x" * 800)
    assert "under 500 characters (it has 800)" in too_long
    emoji = command_answer(baton, '"🚀" on "📈" because 🔥🔥')
    assert emoji.startswith("Noted: *🚀* must wait for *📈*")
    # The longest accepted names and reason still fit every column they are stored in.
    longest = command_answer(
        baton, f'"{"ß" * 40}" on "{"ǆ" * 80}" because ' + "why " * 120 + "here"
    )
    assert longest.startswith("Noted:"), longest
