"""What waits on a person, in order: overdue first (most overdue first), then what is due
next, then blockers (no due time) longest-blocking first; and when an escalation still asks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.home.waiting import Due, Owed, escalation_stands, in_order, overdue_by, overdue_words

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def test_overdue_is_said_with_how_late() -> None:
    assert overdue_words(NOW - timedelta(days=3, hours=4), NOW) == "3d 4h overdue"
    assert overdue_words(NOW - timedelta(days=6, hours=2, minutes=5), NOW) == "6d 2h overdue"
    assert overdue_words(NOW - timedelta(hours=26), NOW) == "26h overdue"
    assert overdue_words(NOW + timedelta(hours=1), NOW) is None  # not yet due
    assert overdue_words(NOW, NOW) is None  # due this instant: not late yet
    assert overdue_words(None, NOW) is None  # a blocker has no due time
    assert overdue_by(NOW - timedelta(minutes=5), NOW) == timedelta(minutes=5)


def test_overdue_first_most_overdue_first_then_due_next_then_blockers() -> None:
    found = {
        "approval due in 2h": Due(Owed.APPROVAL, NOW + timedelta(hours=2)),
        "blocker for 1h": Due(Owed.BLOCKER, None, since=NOW - timedelta(hours=1)),
        "handoff 1h late": Due(Owed.HANDOFF, NOW - timedelta(hours=1)),
        "blocker for 3d": Due(Owed.BLOCKER, None, since=NOW - timedelta(days=3)),
        "escalation 6d late": Due(Owed.ESCALATION, NOW - timedelta(days=6)),
        "handoff due in 1h": Due(Owed.HANDOFF, NOW + timedelta(hours=1)),
    }
    assert in_order(list(found), found.__getitem__, NOW) == [
        "escalation 6d late",
        "handoff 1h late",
        "handoff due in 1h",
        "approval due in 2h",
        "blocker for 3d",
        "blocker for 1h",
    ]


def test_equal_due_times_keep_the_order_they_came_in() -> None:
    due = Due(Owed.HANDOFF, NOW - timedelta(hours=1))
    assert in_order(["newer", "older"], lambda _: due, NOW) == ["newer", "older"]


def stands(**changes: object) -> bool:
    facts: dict[str, object] = {
        "viewer": "U0BEN",
        "live": True,
        "next_owner_id": "U0ANA",
        "contact": "U0BEN",
        "act_by": NOW - timedelta(hours=2),
        "escalated_at": NOW - timedelta(hours=1),
        "reached_since_act_by": False,
        "now": NOW,
    }
    return escalation_stands(**{**facts, **changes})  # type: ignore[arg-type]


def test_an_escalation_asks_the_backup_until_they_act() -> None:
    assert stands()
    assert not stands(live=False)  # done, withdrawn or handed on
    assert not stands(next_owner_id="U0BEN")  # taken over: it is his as next owner now
    assert not stands(reached_since_act_by=True)  # he reached them for this act-by
    assert not stands(contact="U0CAI")  # the buttons are someone else's
    assert not stands(escalated_at=None)  # no escalation went to him
    # snoozed: a later act-by the escalation was not for, and not yet due
    assert not stands(act_by=NOW + timedelta(hours=3))
    assert not stands(escalated_at=NOW - timedelta(hours=3))  # before this act-by
