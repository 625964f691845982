"""Whom a step asks when it fires (pure: Slack's answers and who is away come in as functions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.handoffs.lifecycle import HandoffPeople
from bot.people.group_members import GroupMembers
from bot.policies.asking import Ask, Facts, no_rotation, nobody_away, whom
from bot.policies.policy import Step, Target, TargetKind

AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
DEE_ONLY = GroupMembers(("U0DEE",))
FACTS = Facts("C0LAUNCH", HandoffPeople("U0CAI", "U0ANA", "U0BEN"), owners=("U0DEE", "U0ANA"))


def step(kind: TargetKind, ref: str | None = None, handle: str | None = None) -> Step:
    return Step(timedelta(hours=1), Target(kind, ref, handle))


def ask(
    s: Step,
    facts: Facts = FACTS,
    *,
    members: GroupMembers = DEE_ONLY,
    away: dict[str, str] | None = None,
    on_turn: str | None = None,
) -> Ask:
    return whom(
        s,
        facts,
        AT,
        members_of=lambda group_id: members,
        on_turn=(lambda channel_id, at: on_turn) if on_turn else no_rotation,
        away=(lambda user_id, at: (away or {}).get(user_id)) if away else nobody_away,
    )


def test_each_target_asks_its_people() -> None:
    assert ask(step(TargetKind.NEXT_OWNER)) == Ask(("U0ANA",))
    assert ask(step(TargetKind.BACKUP)) == Ask(("U0BEN",))
    assert ask(step(TargetKind.AUTHOR)) == Ask(("U0CAI",))
    assert ask(step(TargetKind.PERSON, "U0DEE")) == Ask(("U0DEE",))
    assert ask(step(TargetKind.THREAD)) == Ask(("C0LAUNCH",))
    assert ask(step(TargetKind.ROTATION), on_turn="U0BEN") == Ask(("U0BEN",))


def test_no_backup_asks_the_author_and_nobody_steps_in_for_themselves() -> None:
    alone = Facts("C0LAUNCH", HandoffPeople("U0CAI", "U0ANA", None), owners=())
    assert ask(step(TargetKind.BACKUP), alone) == Ask(("U0CAI",))
    # The owners and the group include the next owner: only the others are asked.
    assert ask(step(TargetKind.OWNERS)) == Ask(("U0DEE",))
    group = step(TargetKind.GROUP, "S0ONCALL", "launch-oncall")
    assert ask(group, members=GroupMembers(("U0ANA", "U0BEN"))) == Ask(("U0BEN",))


def test_a_step_that_can_ask_nobody_passes_on_saying_why() -> None:
    group = step(TargetKind.GROUP, "S0ONCALL", "launch-oncall")
    assert ask(group, members=GroupMembers(error="missing_scope")) == Ask(
        (), passed="Baton cannot read who is in @launch-oncall (missing_scope)"
    )
    assert ask(step(TargetKind.ROTATION)).passed == "No one is on the rotation now"
    no_owners = Facts("C0LAUNCH", HandoffPeople("U0CAI", "U0ANA", "U0BEN"), owners=())
    assert ask(step(TargetKind.OWNERS), no_owners).passed == "The channel has no owners to ask"
    assert ask(step(TargetKind.PERSON, "U0ANA")).passed == (
        "There is no one but the next owner to ask"
    )


def test_people_who_are_out_are_passed_over() -> None:
    out = {"U0BEN": "out of office until Mon 8 Dec", "U0DEE": "sick"}
    assert ask(step(TargetKind.BACKUP), away=out) == Ask(
        (), passed="out of office until Mon 8 Dec", passed_who="U0BEN"
    )
    group = step(TargetKind.GROUP, "S0ONCALL", "launch-oncall")
    assert ask(group, members=GroupMembers(("U0BEN", "U0CAI")), away=out) == Ask(("U0CAI",))
    assert ask(group, members=GroupMembers(("U0BEN", "U0DEE")), away=out) == Ask(
        (), passed="Everyone in @launch-oncall is away"
    )
