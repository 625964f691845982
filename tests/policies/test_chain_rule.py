"""The pure chain rule: which step is next, and when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.kernel.reader_hours import ReaderHours
from bot.kernel.working_hours import WorkingHours, zone_or_utc
from bot.policies.chain import Position, due_at, length, next_step, positions
from bot.policies.policy import Policy, Step, Target, TargetKind

NEXT_OWNER, BACKUP, OWNERS, THREAD = (
    Target(TargetKind.NEXT_OWNER),
    Target(TargetKind.BACKUP),
    Target(TargetKind.OWNERS),
    Target(TargetKind.THREAD),
)
POLICY = Policy(
    (
        Step(timedelta(0), NEXT_OWNER),
        Step(timedelta(hours=2), BACKUP),
        Step(timedelta(days=1), OWNERS),
        Step(timedelta(days=1), THREAD),
    ),
    repeat=2,
)
OFFICE = WorkingHours.parse("09:00-18:00 Mon-Fri")


def walk(policy: Policy, urgency: str = "normal") -> list[tuple[Position, timedelta]]:
    found, done = [], None
    while (step := next_step(policy, urgency, done)) is not None:
        found.append((step.position, step.delay))
        done = step.position
    return found


def test_the_steps_run_in_order_and_the_repeats_skip_the_first() -> None:
    walked = [position for position, _ in walk(POLICY)]
    assert walked == list(positions(POLICY))
    first_round = [Position(0, 0), Position(0, 1), Position(0, 2), Position(0, 3)]
    assert walked[:5] == [*first_round, Position(1, 1)]
    assert walked[-1] == Position(2, 3) and len(walked) == length(POLICY) == 10
    assert Position(1, 2).label() == "step 3, repeat 1" and Position(0, 0).label() == "step 1"


def test_each_step_waits_its_own_delay_after_the_one_before() -> None:
    delays = [delay for _, delay in walk(POLICY)]
    assert delays[:4] == [timedelta(0), timedelta(hours=2), timedelta(days=1), timedelta(days=1)]
    assert delays[4] == timedelta(hours=2)  # repeat 1 starts again at the backup


def test_a_one_step_policy_has_nothing_to_repeat() -> None:
    once = Policy((Step(timedelta(0), NEXT_OWNER),), repeat=3)
    assert walk(once) == [(Position(0, 0), timedelta(0))] and length(once) == 1


def test_low_urgency_only_nudges_and_the_skipped_delays_still_count() -> None:
    nudges = Policy(
        (
            Step(timedelta(0), NEXT_OWNER),
            Step(timedelta(hours=2), BACKUP),
            Step(timedelta(hours=1), NEXT_OWNER),
        ),
        repeat=1,
    )
    assert walk(nudges, "low") == [
        (Position(0, 0), timedelta(0)),
        (Position(0, 2), timedelta(hours=3)),
        (Position(1, 2), timedelta(hours=3)),
    ]
    assert walk(POLICY, "low") == [(Position(0, 0), timedelta(0))]


def test_a_delay_is_working_time_of_the_person_asked_in_their_zone() -> None:
    # Friday 16:00 UTC; Ben in London works 09–18: two hours of his time end Monday 09:00.
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    ben = ReaderHours(OFFICE, zone_or_utc("Europe/London"))
    assert due_at(friday, timedelta(hours=2), ben, act_by=friday) == datetime(
        2026, 11, 30, 9, 0, tzinfo=UTC
    )
    # Dee in Kolkata (UTC+5:30) is past 18:00 already: her two hours are Monday 09:00–11:00.
    dee = ReaderHours(OFFICE, zone_or_utc("Asia/Kolkata"))
    assert due_at(friday, timedelta(hours=2), dee, act_by=friday) == datetime(
        2026, 11, 30, 5, 30, tzinfo=UTC
    )


def test_a_step_at_act_by_waits_for_the_readers_morning() -> None:
    evening = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # 19:00 in Berlin
    ana = ReaderHours(OFFICE, zone_or_utc("Europe/Berlin"))
    assert due_at(evening, timedelta(0), ana, act_by=evening) == datetime(
        2026, 11, 25, 8, 0, tzinfo=UTC
    )


def test_nothing_is_due_before_act_by_the_hold_of_an_acknowledgement_or_snooze() -> None:
    since = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    snoozed_to = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    anyone = ReaderHours(WorkingHours(), zone_or_utc(None))
    assert due_at(since, timedelta(hours=2), anyone, act_by=snoozed_to) == snoozed_to
    assert due_at(since, timedelta(hours=2), anyone, act_by=since) == since + timedelta(hours=2)
