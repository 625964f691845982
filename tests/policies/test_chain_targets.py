"""Whom a step reaches: a user group's members when it fires, the thread, people who are out,
the rotation; and who may then step in."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import select

from bot.policies.policy import Target, TargetKind
from store.models import Handoff
from tests.conftest import START, RunningBaton
from tests.policies.chains import (
    BACKUP,
    DEE,
    NEXT_OWNER,
    ONCALL,
    THREAD,
    click,
    made_under,
    policy,
    run_until,
    said_to,
    steps_heard,
    timeline,
)

H = timedelta(hours=1)


def hours_of(baton: RunningBaton) -> list[tuple[int, str]]:
    """Who heard a step, and in which hour; within one hour, by name: messages to different
    conversations due at the same moment are sent in parallel, in either order."""
    return sorted((int((at - START) / H), where) for at, where in timeline(baton))


def test_a_group_step_reaches_the_members_it_has_when_it_fires(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H")
    baton.standin.add_usergroup("S0ONCALL", "launch-oncall", ["U0BEN"])
    made_under(baton, policy((0 * H, NEXT_OWNER), (H, ONCALL)))
    # The group changes before the step fires: Dee joins, Ben leaves; Ana, the next owner,
    # is in it too but is never asked to step in for herself.
    baton.standin.add_usergroup("S0ONCALL", "launch-oncall", ["U0DEE", "U0ANA"])
    run_until(baton, START + timedelta(days=1), tick=H)
    assert hours_of(baton) == [(1, "ana"), (2, "dee")]
    dee = said_to(baton, "dee")[0]
    assert "You are in @launch-oncall: please take it over or reach them." in dee
    assert baton.standin.calls_to("usergroups.users.list")[-1].params["usergroup"] == "S0ONCALL"
    # Whoever the chain asked may step in: Dee takes it over.
    [(_, _, dm)] = [heard for heard in steps_heard(baton) if heard[1] == "dee"]
    click(baton, dm, "Take over", "U0DEE")
    with baton.services.db.read() as session:
        handoff = session.exec(select(Handoff)).one()
        assert (handoff.state, handoff.next_owner_id) == ("taken_over", "U0DEE")


def test_a_group_baton_cannot_read_passes_on_and_says_why(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H")
    baton.standin.add_usergroup("S0ONCALL", "launch-oncall", ["U0DEE"])
    baton.standin.remove_scope("usergroups:read")
    made_under(baton, policy((0 * H, NEXT_OWNER), (H, ONCALL), (H, BACKUP)))
    run_until(baton, START + timedelta(days=1), tick=H)
    # The group step passes at once to the backup (not an hour later).
    assert hours_of(baton) == [(1, "ana"), (2, "ben"), (2, "thread")]
    assert said_to(baton, "thread") == [
        ":fast_forward: Step 2 (group): Baton cannot read who is in @launch-oncall "
        "(missing_scope), so the next step goes ahead now."
    ]


def test_a_thread_step_says_who_was_asked_and_why(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H")
    made_under(baton, policy((0 * H, NEXT_OWNER), (H, BACKUP), (H, DEE), (H, THREAD)))
    run_until(baton, START + timedelta(days=1), tick=H)
    assert hours_of(baton) == [(1, "ana"), (2, "ben"), (3, "dee"), (4, "thread")]
    assert said_to(baton, "thread") == [
        ":rotating_light: Not acknowledged: @ana was to “Publish the copy on LinkedIn” by "
        "2026-11-24 11:00 UTC; now 3h late. Asked to step in: @ben, @dee."
    ]
    assert "The escalation policy of #launch asks you: please take" in said_to(baton, "dee")[0]
    thread = [m for m in baton.standin.messages("C0LAUNCH") if m.get("thread_ts")]
    post = next(m for m in baton.standin.messages("C0LAUNCH") if not m.get("thread_ts"))
    assert thread[0]["thread_ts"] == post["ts"]


def test_a_step_whose_target_is_away_passes_on_at_once_saying_why(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H")
    asked_about: list[tuple[str, datetime]] = []

    def away(user_id: str, at: datetime) -> str | None:
        asked_about.append((user_id, at))
        return "out of office until Mon 8 Dec" if user_id == "U0BEN" else None

    baton.services.handoffs.chains.away = away
    made_under(baton, policy((0 * H, NEXT_OWNER), (H, BACKUP), (H, DEE)))
    run_until(baton, START + timedelta(days=1), tick=H)
    assert hours_of(baton) == [(1, "ana"), (2, "dee"), (2, "thread")]
    assert said_to(baton, "thread") == [
        ":fast_forward: Step 2 (backup): @ben is out of office until Mon 8 Dec, so the next "
        "step goes ahead now."
    ]
    assert ("U0BEN", START + 2 * H) in asked_about


def test_the_rotation_asks_whoever_is_on_turn_when_the_step_fires(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H")
    rotation = Target(TargetKind.ROTATION)
    made_under(baton, policy((0 * H, NEXT_OWNER), (H, rotation), (H, rotation)))
    turns = iter(["U0DEE", None])
    baton.services.handoffs.chains.on_turn = lambda channel_id, at: next(turns)
    run_until(baton, START + timedelta(days=1), tick=H)
    assert hours_of(baton) == [(1, "ana"), (2, "dee"), (3, "thread")]
    assert "It is your turn on the rotation" in said_to(baton, "dee")[0]
    assert said_to(baton, "thread") == [
        ":fast_forward: Step 3 (rotation): No one is on the rotation now; that was the last step."
    ]


def test_low_urgency_only_nudges(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H")
    made_under(
        baton, policy((0 * H, NEXT_OWNER), (H, BACKUP), (H, NEXT_OWNER), repeat=1), Urgency="low"
    )
    run_until(baton, START + timedelta(days=1), tick=H)
    assert hours_of(baton) == [(1, "ana"), (3, "ana"), (5, "ana")]


def test_a_reassignment_starts_the_chain_again_for_the_new_next_owner(
    baton_factory: Any,
) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H")
    made_under(baton, policy((0 * H, NEXT_OWNER), (H, BACKUP)))
    run_until(baton, START + 2 * H, tick=H)
    assert hours_of(baton) == [(1, "ana"), (2, "ben")]
    dm = baton.standin.dms("U0ANA")[0]
    click(baton, dm, "Reassign", "U0ANA")
    answer = baton.slack.submit(baton.slack.last_view(), {"New next owner": "U0DEE"}, user="U0ANA")
    assert answer.status_code == 200 and "errors" not in answer.text, answer.text
    run_until(baton, START + timedelta(days=1), tick=H)
    # Dee's act-by is an hour of her time after the reassignment: then her nudge, then Ben.
    assert hours_of(baton) == [(1, "ana"), (2, "ben"), (3, "dee"), (4, "ben")]
