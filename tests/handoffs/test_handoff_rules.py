"""The handoff contract, as pure rules: no Slack, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.handoffs.contract import (
    MAX_BULLET_CHARS,
    MAX_BULLETS,
    HandoffDraft,
    HandoffField,
    HandoffForm,
    Refusal,
    split_bullets,
    validate_handoff,
)
from bot.people.person import Person

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
PEOPLE = {
    "U1": Person("U1", "ana", "Europe/Berlin"),
    "U2": Person("U2", "ben", "Europe/London"),
    "UBOT": Person("UBOT", "bot", is_bot=True),
    "UGONE": Person("UGONE", "gone", deleted=True),
}
GOOD = HandoffForm(
    work_item="launch copy",
    status="Copy ready, KPI capture pending",
    done="- Drafted launch copy in https://docs.example.com/copy\n- Legal review passed",
    open="Instrumentation metadata missing",
    next_owner_id="U1",
    next_action="Publish the copy on LinkedIn",
    backup_owner_id="U2",
    act_by=None,
)


def check(form: HandoffForm) -> HandoffDraft | Refusal:
    return validate_handoff(form, PEOPLE, now=NOW, act_within=timedelta(hours=4))


def refused(form: HandoffForm) -> dict[HandoffField, str]:
    result = check(form)
    assert isinstance(result, Refusal), result
    return result.errors


def test_a_complete_handoff_is_accepted_with_default_act_by() -> None:
    result = check(GOOD)
    assert isinstance(result, HandoffDraft)
    assert result.done == [
        "Drafted launch copy in https://docs.example.com/copy",
        "Legal review passed",
    ]
    assert result.open == ["Instrumentation metadata missing"]
    assert result.act_by == NOW + timedelta(hours=4)


@pytest.mark.parametrize("blank", [None, "", "   ", "\n\t"])
def test_blank_status_and_next_action_are_refused_at_their_fields(blank: str | None) -> None:
    errors = refused(replace(GOOD, status=blank, next_action=blank))
    assert set(errors) == {HandoffField.STATUS, HandoffField.NEXT_ACTION}
    assert "next action" in errors[HandoffField.NEXT_ACTION]


@pytest.mark.parametrize(
    ("user", "says"),
    [("UBOT", "bot"), ("UGONE", "deactivated"), ("UNOBODY", "not a member")],
)
def test_next_owner_must_be_a_real_active_person(user: str, says: str) -> None:
    errors = refused(replace(GOOD, next_owner_id=user))
    assert says in errors[HandoffField.NEXT_OWNER]


def test_missing_next_owner_is_refused() -> None:
    assert HandoffField.NEXT_OWNER in refused(replace(GOOD, next_owner_id=None))


def test_backup_owner_is_checked_like_the_next_owner() -> None:
    assert "bot" in refused(replace(GOOD, backup_owner_id="UBOT"))[HandoffField.BACKUP_OWNER]
    same = refused(replace(GOOD, backup_owner_id="U1"))
    assert "other than the next owner" in same[HandoffField.BACKUP_OWNER]


def test_backup_owner_is_optional() -> None:
    assert isinstance(check(replace(GOOD, backup_owner_id=None)), HandoffDraft)


def test_act_by_in_the_past_is_refused_and_in_the_future_kept() -> None:
    errors = refused(replace(GOOD, act_by=NOW - timedelta(minutes=1)))
    assert "past" in errors[HandoffField.ACT_BY]
    later = NOW + timedelta(days=1)
    result = check(replace(GOOD, act_by=later))
    assert isinstance(result, HandoffDraft) and result.act_by == later


def test_too_many_or_too_long_bullets_are_refused_with_the_excess() -> None:
    many = "\n".join(f"Task number {n} finished" for n in range(MAX_BULLETS + 1))
    assert f"{MAX_BULLETS + 1} bullets" in refused(replace(GOOD, done=many))[HandoffField.DONE]
    long_line = "word " * (MAX_BULLET_CHARS // 5 + 10)
    message = refused(replace(GOOD, open=long_line))[HandoffField.OPEN]
    assert "Line 1" in message and "over the" in message


@pytest.mark.parametrize("vague", ["TBD", "stuff", "Drafted", "wip"])
def test_untestable_bullets_are_refused(vague: str) -> None:
    message = refused(replace(GOOD, done=f"Legal review passed\n{vague}"))[HandoffField.DONE]
    assert "Line 2" in message and vague in message


def test_a_single_word_with_a_link_is_testable() -> None:
    assert isinstance(check(replace(GOOD, done="https://docs.example.com/copy")), HandoffDraft)


def test_bullets_drop_markers_and_blank_lines() -> None:
    assert split_bullets("- one thing\n\n* two things\n3. three things\n• four things") == [
        "one thing",
        "two things",
        "three things",
        "four things",
    ]


def test_every_problem_is_reported_at_once() -> None:
    errors = refused(HandoffForm(None, None, None, None, None, None, None, None))
    assert set(errors) == {
        HandoffField.WORK_ITEM,
        HandoffField.STATUS,
        HandoffField.DONE,
        HandoffField.OPEN,
        HandoffField.NEXT_OWNER,
        HandoffField.NEXT_ACTION,
    }
