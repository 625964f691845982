"""/baton settings' Escalation policy over signed HTTP: read back in words before it is saved,
refused at the field naming the line, a user group Baton cannot read explained; each new
handoff's post and DM say its plan in one line, and an old handoff keeps its own."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from bot.policies.policy import Policy
from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal, wait_for
from tests.publishing.test_publish_flow import baton, errors_of
from tests.settings.test_channel_settings_flow import open_settings

__all__ = ["baton"]
POLICY = "at act-by: next owner\n+2h: @cai\n+1d: owners\n+1d: @launch-oncall\nrepeat 2"
# cai is picked as an owner, so Baton knows who @cai is by Submit.
FORM = {"Channel owners": ["U0ANA", "U0CAI"], "Escalation policy": POLICY}


def stored_policy(baton: RunningBaton) -> Policy | None:
    return baton.services.channel_settings.policy("C0LAUNCH")


def read_back(baton: RunningBaton, response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 200
    assert response.json()["response_action"] == "push", response.text
    return baton.slack.shown[-1]


def save_policy(baton: RunningBaton, form: dict[str, Any]) -> requests.Response:
    pushed = read_back(baton, baton.slack.submit(open_settings(baton), form, user="U0ANA"))
    return baton.slack.submit(pushed, {}, user="U0ANA")


def test_a_policy_is_read_back_in_words_before_it_is_saved(baton: RunningBaton) -> None:
    baton.standin.add_usergroup("S0LAUNCH", "launch-oncall", ["U0BEN", "U0DEE"])
    pushed = read_back(baton, baton.slack.submit(open_settings(baton), FORM, user="U0ANA"))
    words = baton.standin.render(pushed["blocks"])
    assert "Baton will escalate new handoffs in #launch like this:" in words
    assert (
        "Escalation: next owner at act-by → @cai +2h → owners +1d → @launch-oncall +1d, "
        "repeats 2×" in words
    )
    assert "Existing handoffs keep theirs." in words
    assert pushed["submit"]["text"] == "Save" and pushed["close"]["text"] == "Back"
    assert stored_policy(baton) is None  # nothing saved before Save
    saved = baton.slack.submit(pushed, {}, user="U0ANA")
    assert saved.json() == {"response_action": "clear"}
    policy = stored_policy(baton)
    assert policy is not None and policy.repeat == 2
    assert [s.target.ref for s in policy.steps] == [None, "U0CAI", None, "S0LAUNCH"]
    wait_for(lambda: baton.standin.ephemerals("U0ANA"))
    confirmed = baton.standin.ephemerals("U0ANA")[-1]["text"]
    assert "owners <@U0ANA>, <@U0CAI>" in confirmed
    assert "New handoffs here: Escalation: next owner at act-by → @cai +2h" in confirmed
    again = open_settings(baton)
    field = next(b for b in again["blocks"] if b.get("block_id") == "escalation_policy")
    assert field["element"]["initial_value"] == POLICY
    # Unchanged, it saves at once; emptied, the read-back says the default comes back.
    assert baton.slack.submit(again, {}, user="U0ANA").text == ""
    emptied = read_back(
        baton, baton.slack.submit(open_settings(baton), {"Escalation policy": ""}, user="U0ANA")
    )
    assert "Escalation: as by default: a nudge to the next owner at act-by" in (
        baton.standin.render(emptied["blocks"])
    )
    baton.slack.submit(emptied, {}, user="U0ANA")
    assert stored_policy(baton) is None


@pytest.mark.parametrize(
    ("policy", "answer"),
    [
        (
            "at act-by: next owner\n+2 hours backup",
            "Line 2: expected `at act-by: <target>`, `+<delay>: <target>` (e.g. `+2h: backup`) "
            "or `repeat N`, not “+2 hours backup”.",
        ),
        (
            "at act-by: next owner\n" + "+1h: thread\n" * 10,
            "Line 11: a policy has at most 10 steps.",
        ),
        (
            "at act-by: next owner\n+2h: bakup",
            "Line 2: “bakup” is not a target; expected next owner, backup, author, owners, "
            "thread, rotation, @person or @user-group.",
        ),
        (
            "at act-by: next owner\n+2h: @zed",
            "Line 2: Baton knows no person or user group @zed; check the handle.",
        ),
        (
            "at act-by: next owner\n+0m: backup\nrepeat 3",
            "Line 3: the repeated steps all have no delay, so they would repeat at once: "
            "give one a delay, e.g. `+1h: owners`.",
        ),
        (
            "at act-by: next owner\n+2h: backup\nrepeat 12",
            "Line 3: repeat at most 9 times (`repeat 0` to `repeat 9`).",
        ),
    ],
)
def test_each_refusal_is_answered_at_the_field(
    baton: RunningBaton, policy: str, answer: str
) -> None:
    response = baton.slack.submit(open_settings(baton), {"Escalation policy": policy}, user="U0ANA")
    assert errors_of(response) == {"escalation_policy": answer}
    assert stored_policy(baton) is None
    assert baton.slack.shown == []


def test_a_user_group_baton_cannot_read(baton: RunningBaton) -> None:
    baton.standin.add_usergroup("S0LAUNCH", "launch-oncall", ["U0BEN"])
    baton.standin.remove_scope("usergroups:read")
    form = {"Escalation policy": "at act-by: next owner\n+1h: @launch-oncall"}
    response = baton.slack.submit(open_settings(baton), form, user="U0ANA")
    assert errors_of(response) == {
        "escalation_policy": "Line 2: Baton cannot read user groups to find @launch-oncall: the "
        "app lacks the usergroups:read scope. A workspace admin must reinstall Baton to add it."
    }
    assert baton.standin.calls_to("usergroups.list")[-1].response["error"] == "missing_scope"
    # Reinstalled with the scope: the next form reads the groups again.
    baton.standin.grant_scope("usergroups:read")
    read_back(baton, baton.slack.submit(open_settings(baton), form, user="U0ANA"))


def hand_off(baton: RunningBaton, item: str) -> None:
    view = open_modal(baton, text=item)
    form = {**GOOD_FORM, "Work item": item, "Next owner": "U0BEN", "Backup owner": "U0DEE"}
    assert baton.slack.submit(view, form, user="U0ANA").text == ""
    wait_for(lambda: [m for m in baton.standin.messages("C0LAUNCH") if item in m["text"]])


def post_of(baton: RunningBaton, item: str) -> str:
    post = next(m for m in baton.standin.messages("C0LAUNCH") if item in m["text"])
    return baton.standin.render(post["blocks"])


def dm_of(baton: RunningBaton, item: str) -> dict[str, Any]:
    return next(m for m in baton.standin.dms("U0BEN") if item in m["text"])


def test_the_post_and_the_dm_say_the_plan_and_an_old_handoff_keeps_its_own(
    baton: RunningBaton,
) -> None:
    hand_off(baton, "before any policy")
    assert "Escalation:" not in post_of(baton, "before any policy")
    save_policy(baton, {"Escalation policy": "at act-by: next owner\n+2h: backup\nrepeat 1"})
    hand_off(baton, "launch copy")
    plan = "Escalation: @ben at act-by → @dee +2h, repeats 1×"
    assert plan in post_of(baton, "launch copy")
    assert plan in baton.standin.render(dm_of(baton, "launch copy")["blocks"])
    save_policy(baton, {"Escalation policy": "+30m: owners"})
    hand_off(baton, "newsletter")
    assert "Escalation: owners +30m after act-by" in post_of(baton, "newsletter")
    # The old handoff's post, updated after an Acknowledge, still shows the plan it was made under.
    updates = len(baton.standin.calls_to("chat.update"))
    dm = dm_of(baton, "launch copy")
    baton.slack.click(dm, "Acknowledge", user="U0BEN", channel=dm["channel"])
    wait_for(lambda: baton.standin.calls_to("chat.update"), count=updates + 2)
    after = post_of(baton, "launch copy")
    assert "Acknowledged by @ben" in after and plan in after
    assert "Escalation:" not in post_of(baton, "before any policy")


def test_user_groups_slack_did_not_give_are_read_after_the_answer(baton: RunningBaton) -> None:
    baton.standin.add_usergroup("S0LAUNCH", "launch-oncall", ["U0BEN"])
    baton.standin.fail_next(method="usergroups.list", error="fatal_error")
    view = open_settings(baton)  # the read when it opens fails
    form = {"Escalation policy": "at act-by: next owner\n+1h: @launch-oncall"}
    assert errors_of(baton.slack.submit(view, form, user="U0ANA")) == {
        "escalation_policy": "Line 2: Slack has not said yet who @launch-oncall is; "
        "try again in a moment."
    }
    # Read again after that answer, off Slack's clock: the same Submit is read back.
    pushed = read_back(baton, baton.slack.submit(view, form, user="U0ANA"))
    assert "→ @launch-oncall +1h" in baton.standin.render(pushed["blocks"])


def test_a_rotation_set_with_a_policy_is_saved_by_the_read_back(baton: RunningBaton) -> None:
    # One form, both new: the read-back carries the rotation until Save, and saves it too.
    form = {**FORM, "Backup rotation": ["U0BEN", "U0CAI"]}
    form["Escalation policy"] = "at act-by: next owner\n+2h: rotation"
    pushed = read_back(baton, baton.slack.submit(open_settings(baton), form, user="U0ANA"))
    assert baton.services.rotations.on_turn("C0LAUNCH", baton.clock.now()) is None
    assert baton.slack.submit(pushed, {}, user="U0ANA").json() == {"response_action": "clear"}
    assert baton.services.rotations.on_turn("C0LAUNCH", baton.clock.now()) == "U0BEN"
    assert stored_policy(baton) is not None
    wait_for(lambda: baton.standin.ephemerals("U0ANA"))
    confirmed = baton.standin.ephemerals("U0ANA")[-1]["text"]
    assert "backup rotation <@U0BEN> → <@U0CAI>" in confirmed and "rotation +2h" in confirmed
