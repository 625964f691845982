"""A frozen escalation policy, run over signed HTTP against the stand-in: each step at its
time in its reader's working hours, repeats, holds, ends, groups, the thread, people away."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select

from store.models import EscalationChain
from tests.conftest import START, RunningBaton
from tests.policies.chains import (
    BACKUP,
    DEE,
    NEXT_OWNER,
    OWNERS,
    THREAD,
    click,
    made_under,
    policy,
    run_until,
    said_to,
    set_owners,
    shown,
    steps_heard,
    timeline,
)

H = timedelta(hours=1)
OFFICE = "09:00-18:00 Mon-Fri"


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def chain_row(baton: RunningBaton) -> EscalationChain:
    with baton.services.db.read() as session:
        row = session.exec(select(EscalationChain)).one()
        session.expunge(row)
        return row


def test_each_step_comes_in_order_in_its_readers_working_hours(baton_factory: Any) -> None:
    # Ana (next owner) works 09–18 in Berlin, Ben (backup) 09–18 in London.
    baton: RunningBaton = baton_factory(working_hours=OFFICE)
    chain = policy((0 * H, NEXT_OWNER), (3 * H, BACKUP), (H, THREAD), repeat=1)
    made_under(baton, chain, **{"Act by": int(utc(24, 16).timestamp())})
    run_until(baton, utc(27, 12))
    assert timeline(baton) == [
        (utc(24, 16), "ana"),  # at act-by: 17:00 in Berlin
        # Three hours of Ben's time: 16:00–18:00 in London on Tuesday, then 09:00–10:00.
        (utc(25, 10), "ben"),
        (utc(25, 11), "thread"),  # an hour of the next owner's time after that
        (utc(25, 14), "ben"),  # repeat 1: the steps after the first, once more
        (utc(25, 15), "thread"),
    ]
    nudge, backup = said_to(baton, "ana")[0], said_to(baton, "ben")[0]
    assert "is waiting on you" in nudge and "[ Done ]" in nudge
    assert "@ana has not acknowledged launch copy, 18h past its act-by" in backup.replace("*", "")
    assert "You are the backup owner: please take it over or reach them." in backup
    assert "[ Take over ]  [ Reach them ]" in backup


def test_a_person_asked_is_timed_in_their_own_zone_once_slack_says_it(
    baton_factory: Any,
) -> None:
    # Dee, in Kolkata, is named by the policy only: Baton asks Slack her zone before her step
    # is timed. An hour of her time after Ben's step (22:30 for her) ends Wednesday 10:00 IST.
    baton: RunningBaton = baton_factory(working_hours=OFFICE)
    chain = policy((0 * H, NEXT_OWNER), (H, BACKUP), (H, DEE))
    made_under(baton, chain, **{"Act by": int(utc(24, 16).timestamp())})
    run_until(baton, utc(25, 12))
    assert timeline(baton) == [(utc(24, 16), "ana"), (utc(24, 17), "ben"), (utc(25, 4, 30), "dee")]


def test_a_step_due_at_night_waits_for_its_readers_morning(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(working_hours=OFFICE)
    chain = policy((0 * H, NEXT_OWNER), (H, BACKUP))
    # Act-by 17:30 UTC is 18:30 in Berlin: Ana hears at 09:00 Berlin; Ben an hour after, his
    # 09:00 London being Wednesday 09:00 UTC.
    made_under(baton, chain, **{"Act by": int(utc(24, 17, 30).timestamp())})
    run_until(baton, utc(25, 12))
    assert timeline(baton) == [(utc(25, 8), "ana"), (utc(25, 10), "ben")]


def test_repeat_2_runs_the_steps_after_the_first_twice_more_then_stops(
    baton_factory: Any,
) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H")
    made_under(baton, policy((0 * H, NEXT_OWNER), (H, BACKUP), (H, THREAD), repeat=2))
    run_until(baton, START + timedelta(days=3), tick=H)
    hours = [(int((at - START) / H), where) for at, where in timeline(baton)]
    assert hours == [
        (1, "ana"),
        (2, "ben"),
        (3, "thread"),
        (4, "ben"),
        (5, "thread"),
        (6, "ben"),
        (7, "thread"),
    ]
    for reply in said_to(baton, "thread"):
        assert "Not acknowledged: @ana was to “Publish the copy on LinkedIn”" in reply
        assert "Asked to step in: @ben." in reply
    assert "now 2h late" in said_to(baton, "thread")[0]
    assert chain_row(baton).due_at is None and chain_row(baton).fired == 7


def test_acknowledged_is_not_done_the_hold_ends_at_act_by_and_goes_on_where_it_stood(
    baton_factory: Any,
) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H")
    set_owners(baton, "U0DEE")
    made_under(baton, policy((0 * H, NEXT_OWNER), (H, BACKUP), (H, OWNERS)))
    handoff_dm = baton.standin.dms("U0ANA")[0]
    click(baton, handoff_dm, "Acknowledge", "U0ANA")
    run_until(baton, START + 2 * H, tick=H)
    assert timeline(baton) == [(START + H, "ana"), (START + 2 * H, "ben")]
    # Ana snoozes a day: the owners' step waits for the new act-by, and the chain goes on
    # from there (no new nudge, no second ask of Ben).
    click(baton, baton.standin.dms("U0ANA")[-1], "Snooze", "U0ANA")
    tomorrow = START + timedelta(days=1)
    answer = baton.slack.submit(
        baton.slack.last_view(), {"New act by": int(tomorrow.timestamp())}, user="U0ANA"
    )
    assert answer.text in ("", "null")
    # Acknowledged is not done: Ben's ask, edited with the snooze, still stands.
    ben = shown(baton, baton.standin.dms("U0BEN")[0])
    assert "has not marked done" in ben and "[ Take over ]  [ Reach them ]" in ben
    run_until(baton, tomorrow - H, tick=H)
    assert len(timeline(baton)) == 2
    run_until(baton, tomorrow + timedelta(days=2), tick=H)
    assert timeline(baton) == [(START + H, "ana"), (START + 2 * H, "ben"), (tomorrow, "dee")]
    assert "You own #launch: please take it over or reach them." in said_to(baton, "dee")[0]


def test_done_ends_the_chain_and_the_asks_already_sent_say_so(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H")
    made_under(baton, policy((0 * H, NEXT_OWNER), (H, BACKUP), (H, THREAD), repeat=2))
    run_until(baton, START + 2 * H, tick=H)
    [(_, _, nudge), (_, _, ask)] = steps_heard(baton)
    assert "[ Take over ]  [ Reach them ]" in shown(baton, ask)
    click(baton, nudge, "Done", "U0ANA")
    run_until(baton, START + timedelta(days=3), tick=H)
    assert timeline(baton) == [(START + H, "ana"), (START + 2 * H, "ben")]
    assert chain_row(baton).due_at is None
    # Ben's ask is edited in place: what happened, and no buttons to press any more.
    edited = baton.standin.dms("U0BEN")[0]
    assert edited["text"].startswith("You were asked to step in on launch copy: ")
    assert "Done" in edited["text"] and "[ Take over ]" not in shown(baton, edited)
    assert "[ Done ]" not in shown(baton, baton.standin.dms("U0ANA")[-1])
