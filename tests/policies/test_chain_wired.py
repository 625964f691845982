"""The chain as deployed: who is out comes from Slack (a status read just before the step),
whose turn it is from the channel's rotation set in /baton settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.policies.policy import Target, TargetKind
from tests.conftest import START, RunningBaton
from tests.policies.chains import (
    BACKUP,
    DEE,
    NEXT_OWNER,
    made_under,
    policy,
    run_until,
    said_to,
    set_owners,
)
from tests.policies.test_chain_targets import H, hours_of
from tests.settings.test_channel_settings_flow import open_settings


def test_a_backup_whose_slack_status_says_ooo_is_passed_over_saying_so(
    baton_factory: Any,
) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H")
    back = START + timedelta(days=6)
    baton.standin.set_status("U0BEN", "OOO", ":palm_tree:", expiration=back.timestamp())
    made_under(baton, policy((0 * H, NEXT_OWNER), (H, BACKUP), (H, DEE)))
    run_until(baton, START + timedelta(days=1), tick=H)
    assert hours_of(baton) == [(1, "ana"), (2, "dee"), (2, "thread")]
    [passed] = said_to(baton, "thread")
    assert passed.startswith(":fast_forward: Step 2 (backup): @ben is out of office until ")
    assert passed.endswith(", so the next step goes ahead now.")
    assert "U0BEN" in [c.params.get("user") for c in baton.standin.calls_to("users.profile.get")]


def test_a_rotation_step_asks_whoever_the_channels_rotation_has_on_turn(
    baton_factory: Any,
) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H")
    form = {"Channel owners": ["U0CAI"], "Backup rotation": ["U0DEE", "U0BEN"]}
    assert baton.slack.submit(open_settings(baton, user="U0CAI"), form, user="U0CAI").text == ""
    made_under(baton, policy((0 * H, NEXT_OWNER), (H, Target(TargetKind.ROTATION))))
    run_until(baton, START + timedelta(days=1), tick=H)
    assert [where for _, where in hours_of(baton)] == ["ana", "dee"]
    assert "It is your turn on the rotation" in said_to(baton, "dee")[0]


def test_someone_a_policy_names_who_has_left_slack_is_passed_over_and_owners_told_once(
    baton_factory: Any,
) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H")
    set_owners(baton, "U0CAI")
    made_under(baton, policy((0 * H, NEXT_OWNER), (H, DEE), (H, BACKUP)))
    baton.standin.add_user("U0DEE", "dee", tz="Asia/Kolkata", deleted=True)  # left since
    baton.clock.advance(timedelta(hours=13))  # what Baton knew of her is stale by then
    run_until(baton, baton.clock.now() + timedelta(days=1), tick=H)
    assert "dee" not in [where for _, where in hours_of(baton)]
    assert said_to(baton, "thread") == [
        ":fast_forward: Step 2 (person): @dee is no longer in this Slack workspace, so the "
        "next step goes ahead now."
    ]
    # A second handoff under the same policy passes her over too; the owner heard once.
    made_under(
        baton, policy((0 * H, NEXT_OWNER), (H, DEE), (H, BACKUP)), **{"Work item": "newsletter"}
    )
    run_until(baton, baton.clock.now() + timedelta(days=1), tick=H)
    told = [m for m in baton.standin.dms("U0CAI") if "named in the escalation policy" in m["text"]]
    assert len(told) == 1
    assert baton.standin.render(told[0]["blocks"], told[0]["text"]) == (
        "@dee, named in the escalation policy of #launch, is no longer in this Slack workspace: "
        "the steps that ask them pass on to the next. Change the policy in `/baton settings`."
    )
