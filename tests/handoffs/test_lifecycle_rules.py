"""The lifecycle's rules, pure: who may press what, when reminders go and to whom, working-time
act-bys, handing on, and when blocker reminders stop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.handoffs.lifecycle import (
    BlockerStep,
    Button,
    HandoffPeople,
    HandoffState,
    Refused,
    Urgency,
    allowed,
    blocker_step,
    default_act_by,
    escalation_recipient,
    hands_on,
    may_press,
    plan_reminders,
    snooze_limit,
    state_refusal,
)
from bot.kernel.reader_hours import ReaderHours
from bot.kernel.working_hours import WorkingHours, add_working_time, working_days_ahead

LONDON = ZoneInfo("Europe/London")
KOLKATA = ZoneInfo("Asia/Kolkata")
NEW_YORK = ZoneInfo("America/New_York")
OFFICE = WorkingHours.parse("09:00-18:00 Mon-Fri")
PEOPLE = HandoffPeople(author_id="U0CAI", next_owner_id="U0BEN", backup_owner_id="U0ANA")


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)  # type: ignore[misc]


def test_a_friday_17_00_handoff_with_four_hours_is_due_monday_noon_their_time() -> None:
    friday = local(LONDON, 2026, 11, 27, 17, 0)
    due = default_act_by(friday, timedelta(hours=4), OFFICE, LONDON)
    assert due.astimezone(LONDON) == local(LONDON, 2026, 11, 30, 12, 0)


def test_the_next_owners_zone_counts_not_the_authors() -> None:
    friday_utc = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)  # 22:30 in Kolkata
    due = default_act_by(friday_utc, timedelta(hours=4), OFFICE, KOLKATA)
    assert due.astimezone(KOLKATA) == local(KOLKATA, 2026, 11, 30, 13, 0)
    assert default_act_by(friday_utc, timedelta(hours=4), WorkingHours.ALWAYS, KOLKATA) == (
        friday_utc + timedelta(hours=4)
    )


def test_working_time_runs_across_days_and_a_dst_change() -> None:
    # Fri 16:00 New York, 20 working hours: 2 on Friday, 9 on Monday, 9 on Tuesday.
    start = local(NEW_YORK, 2026, 10, 30, 16, 0)  # DST ends Sunday 1 November
    end = add_working_time(start, timedelta(hours=20), OFFICE, NEW_YORK)
    assert end.astimezone(NEW_YORK) == local(NEW_YORK, 2026, 11, 3, 18, 0)


def test_a_snooze_reaches_to_the_end_of_the_third_working_day() -> None:
    tuesday = local(LONDON, 2026, 11, 24, 10, 0)
    assert snooze_limit(tuesday, OFFICE, LONDON).astimezone(LONDON) == local(
        LONDON, 2026, 11, 26, 18, 0
    )
    friday_night = local(LONDON, 2026, 11, 27, 20, 0)  # Mon, Tue, Wed
    assert working_days_ahead(friday_night, 3, OFFICE, LONDON).astimezone(LONDON) == local(
        LONDON, 2026, 12, 2, 18, 0
    )


@pytest.mark.parametrize(
    ("button", "who"),
    [
        (Button.ACKNOWLEDGE, ["U0BEN", "U0ANA"]),
        (Button.DONE, ["U0BEN", "U0ANA"]),
        (Button.REASSIGN, ["U0BEN", "U0CAI"]),
        (Button.SNOOZE, ["U0BEN"]),
        (Button.TAKE_OVER, ["U0ANA"]),
        (Button.REACH_THEM, ["U0ANA"]),
        (Button.EDIT, ["U0CAI"]),
        (Button.WITHDRAW, ["U0CAI"]),
    ],
)
def test_each_button_is_for_its_people(button: Button, who: list[str]) -> None:
    assert allowed(button, PEOPLE) == who
    for user in ("U0ANA", "U0BEN", "U0CAI", "U0DEE"):
        assert may_press(button, user, PEOPLE) == (user in who)


def test_without_a_backup_the_escalation_and_its_buttons_go_to_the_author() -> None:
    alone = HandoffPeople("U0CAI", "U0BEN", None)
    assert allowed(Button.TAKE_OVER, alone) == ["U0CAI"]
    taken = HandoffPeople("U0CAI", "U0ANA", "U0ANA")  # the backup took over
    assert taken.escalation_contact() == "U0CAI"


def test_states_decide_what_a_button_may_still_do() -> None:
    assert state_refusal(Button.DONE, HandoffState.DONE) is Refused.FINISHED
    assert state_refusal(Button.DONE, HandoffState.WITHDRAWN) is Refused.FINISHED
    assert state_refusal(Button.DONE, HandoffState.HANDED_ON) is Refused.FINISHED
    assert state_refusal(Button.ACKNOWLEDGE, HandoffState.ACKNOWLEDGED) is Refused.ACKNOWLEDGED
    assert state_refusal(Button.ACKNOWLEDGE, HandoffState.REASSIGNED) is None
    assert state_refusal(Button.EDIT, HandoffState.ACKNOWLEDGED) is Refused.ACKNOWLEDGED
    assert state_refusal(Button.EDIT, HandoffState.OPEN) is None
    assert state_refusal(Button.DONE, HandoffState.TAKEN_OVER) is None


def test_escalation_goes_narrowly_to_the_root_blockers_owner() -> None:
    assert escalation_recipient(PEOPLE, []) == "U0ANA"
    assert escalation_recipient(PEOPLE, ["U0DEE"]) == "U0DEE"
    assert escalation_recipient(PEOPLE, ["U0BEN"]) == "U0ANA"  # blocked by their own item


def test_a_new_handoff_by_the_next_owner_or_backup_hands_the_live_one_on() -> None:
    assert hands_on(PEOPLE, HandoffState.OPEN, "U0BEN")
    assert hands_on(PEOPLE, HandoffState.ACKNOWLEDGED, "U0ANA")
    assert not hands_on(PEOPLE, HandoffState.OPEN, "U0DEE")
    assert not hands_on(PEOPLE, HandoffState.DONE, "U0BEN")


def test_reminders_wait_for_each_recipients_working_hours() -> None:
    act_by = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
    plan = plan_reminders(
        act_by=act_by,
        urgency=Urgency.NORMAL,
        escalate_after=timedelta(hours=2),
        owner=ReaderHours(OFFICE, LONDON),
        escalate_to="U0CAI",
        escalate=ReaderHours(OFFICE, NEW_YORK),
    )
    assert plan.nudge_at == act_by
    assert plan.escalate_due == act_by + timedelta(hours=2)
    assert plan.escalate_dm_at == datetime(2026, 11, 24, 14, 0, tzinfo=UTC)  # 09:00 New York
    low = plan_reminders(
        act_by=act_by,
        urgency=Urgency.LOW,
        escalate_after=timedelta(hours=2),
        owner=ReaderHours(OFFICE, LONDON),
        escalate_to="U0CAI",
        escalate=ReaderHours(OFFICE, NEW_YORK),
    )
    assert low.nudge_at == act_by and low.escalate_to is None and low.escalate_dm_at is None


def test_blocker_reminders_stop_after_the_limit_with_one_last_word() -> None:
    assert [blocker_step(n, 3, last_word_sent=False) for n in range(4)] == [
        BlockerStep.REMIND,
        BlockerStep.REMIND,
        BlockerStep.REMIND,
        BlockerStep.LAST_WORD,
    ]
    assert blocker_step(3, 3, last_word_sent=True) is BlockerStep.STOP


def test_reminders_wait_for_a_persons_own_hours() -> None:
    # The next owner works Tue-Sat 12:00-20:00 London: an act-by at 11:00 is nudged at noon;
    # the escalation, due 14:00 UTC (09:00 New York), waits for the backup's own 12:00.
    act_by = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
    own = WorkingHours.parse("12:00-20:00 Tue-Sat")
    plan = plan_reminders(
        act_by=act_by,
        urgency=Urgency.NORMAL,
        escalate_after=timedelta(hours=2),
        owner=ReaderHours(own, LONDON, own=True),
        escalate_to="U0CAI",
        escalate=ReaderHours(own, NEW_YORK, own=True),
    )
    assert plan.nudge_at == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert plan.escalate_due == datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    assert plan.escalate_dm_at == datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # 12:00 New York
