"""Whose turn it is on a backup rotation, and who is next from when: in the rotation's zone,
across daylight-saving changes (Berlin and New York change a week apart)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.rotations.turns import Changeover, Rotation, next_turn, turn_at

# Tuesday 2026-10-20, noon UTC. Berlin leaves summer time on Sun 25 Oct; New York on Sun 1 Nov.
SET = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
BERLIN_MONDAYS = Changeover(weekday=0, hour=9, zone="Europe/Berlin")
NEW_YORK_MONDAYS = Changeover(weekday=0, hour=9, zone="America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_the_first_person_is_on_from_when_it_is_set_until_the_first_changeover() -> None:
    rotation = Rotation(("ana", "ben", "cai"), BERLIN_MONDAYS, SET)
    now = turn_at(rotation, SET)
    assert now is not None and now.person == "ana"
    assert now.starts == SET
    # Mon 26 Oct 09:00 Berlin is winter time already (UTC+1): 08:00 UTC.
    assert now.ends == utc(2026, 10, 26, 8, 0)
    after = next_turn(rotation, SET)
    assert after is not None and (after.person, after.starts) == ("ben", utc(2026, 10, 26, 8, 0))


def test_turns_change_on_the_wall_clock_of_berlin_across_the_dst_weekend() -> None:
    rotation = Rotation(("ana", "ben", "cai"), BERLIN_MONDAYS, SET)
    assert turn_at(rotation, utc(2026, 10, 26, 7, 59)).person == "ana"  # type: ignore[union-attr]
    assert turn_at(rotation, utc(2026, 10, 26, 8, 0)).person == "ben"  # type: ignore[union-attr]
    # A week later, then round again: ana.
    assert turn_at(rotation, utc(2026, 11, 2, 8, 0)).person == "cai"  # type: ignore[union-attr]
    assert turn_at(rotation, utc(2026, 11, 9, 8, 0)).person == "ana"  # type: ignore[union-attr]
    # Spring: Sun 29 Mar 2027 the clocks go forward; Mon 29 Mar 09:00 is 07:00 UTC.
    spring = turn_at(rotation, utc(2027, 3, 29, 7, 0))
    assert spring is not None and spring.starts == utc(2027, 3, 29, 7, 0)
    assert turn_at(rotation, utc(2027, 3, 29, 6, 59)).ends == spring.starts  # type: ignore[union-attr]


def test_new_york_changes_an_hour_later_in_utc_after_its_own_dst_weekend() -> None:
    rotation = Rotation(("ana", "ben"), NEW_YORK_MONDAYS, SET)
    # Mon 26 Oct 09:00 EDT = 13:00 UTC; Mon 2 Nov 09:00 EST = 14:00 UTC.
    assert turn_at(rotation, utc(2026, 10, 26, 12, 59)).person == "ana"  # type: ignore[union-attr]
    ben = turn_at(rotation, utc(2026, 10, 26, 13, 0))
    assert ben is not None and ben.person == "ben"
    assert ben.ends == utc(2026, 11, 2, 14, 0)
    assert ben.ends - ben.starts == timedelta(days=7, hours=1)  # the week the clocks went back
    assert turn_at(rotation, utc(2026, 11, 2, 13, 59)).person == "ben"  # type: ignore[union-attr]
    assert turn_at(rotation, utc(2026, 11, 2, 14, 0)).person == "ana"  # type: ignore[union-attr]


def test_a_changeover_at_an_hour_the_clocks_skip_happens_as_they_jump() -> None:
    # Sundays 02:00 Berlin: on Sun 29 Mar 2026 02:00 does not exist (01:00 UTC is 03:00 CEST).
    rotation = Rotation(
        ("ana", "ben"), Changeover(weekday=6, hour=2, zone="Europe/Berlin"), utc(2026, 3, 25)
    )
    assert turn_at(rotation, utc(2026, 3, 29, 0, 59)).person == "ana"  # type: ignore[union-attr]
    assert turn_at(rotation, utc(2026, 3, 29, 1, 0)).person == "ben"  # type: ignore[union-attr]
    # The week after, 02:00 CEST is 00:00 UTC.
    assert turn_at(rotation, utc(2026, 4, 5, 0, 0)).person == "ana"  # type: ignore[union-attr]


def test_a_changeover_at_the_moment_it_is_set_waits_a_week() -> None:
    monday_nine = utc(2026, 10, 26, 8, 0)
    rotation = Rotation(("ana", "ben"), BERLIN_MONDAYS, monday_nine)
    now = turn_at(rotation, monday_nine)
    assert now is not None and now.person == "ana" and now.ends == utc(2026, 11, 2, 8, 0)


def test_someone_who_cannot_take_a_turn_is_passed_over() -> None:
    rotation = Rotation(("ana", "gone", "cai"), BERLIN_MONDAYS, SET)
    can_take = lambda person: person != "gone"  # noqa: E731
    week_two = utc(2026, 10, 27)
    covered = turn_at(rotation, week_two, can_take)
    assert covered is not None and (covered.person, covered.passed_over) == ("cai", ("gone",))
    # cai covers gone's week and then has their own: next is ana, two changeovers on.
    after = next_turn(rotation, week_two, can_take)
    assert after is not None and (after.person, after.starts) == ("ana", utc(2026, 11, 9, 8, 0))
    assert turn_at(rotation, week_two, lambda person: False) is None
    assert next_turn(Rotation(("ana", "gone"), BERLIN_MONDAYS, SET), SET, can_take) is None
