"""Whom one step of a policy asks when it fires (pure: Slack's answers come in as callables).

The next owner, the backup (or the author, when none was named), the author, the channel's
owners, one person, a user group's members now, whoever's turn it is on the rotation, or the
handoff's thread. A step never asks the next owner to step in for themselves, and skips people
who are away; when no one is left to ask, it passes on and says why in the thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.handoffs.lifecycle import HandoffPeople
from bot.people.group_members import GroupMembers
from bot.policies.policy import Step, TargetKind

# Who is away at a time, and why ("out of office until Mon 8 Dec"); None: reachable.
Away = Callable[[str, datetime], str | None]
# Whose turn it is on a channel's backup rotation at a time; None: no one's.
OnTurn = Callable[[str, datetime], str | None]
MembersOf = Callable[[str], GroupMembers]


# Why a person is passed over once Slack says they have left (the owners hear of it once).
LEFT_SLACK = "no longer in this Slack workspace"


def nobody_away(user_id: str, at: datetime) -> str | None:
    return None


def no_rotation(channel_id: str, at: datetime) -> str | None:
    return None


def no_groups(group_id: str) -> GroupMembers:
    return GroupMembers(error="no_such_subteam")


@dataclass(frozen=True)
class Facts:
    """What a step needs to know of the handoff when it fires."""

    channel_id: str
    people: HandoffPeople
    owners: tuple[str, ...]  # the channel's owners (/baton settings)


@dataclass(frozen=True)
class Ask:
    to: tuple[str, ...]  # user ids to DM, or the channel (a thread step)
    passed: str | None = None  # why no one was asked (plain text)
    passed_who: str | None = None  # the one person it is about, when one


def whom(
    step: Step,
    facts: Facts,
    at: datetime,
    *,
    members_of: MembersOf,
    on_turn: OnTurn,
    away: Away,
) -> Ask:
    target = step.target
    kind = target.kind
    people = facts.people
    named = f"@{target.handle or target.ref}"
    if kind is TargetKind.THREAD:
        return Ask((facts.channel_id,))
    if kind is TargetKind.OWNERS and not facts.owners:
        return Ask((), passed="The channel has no owners to ask")
    if kind is TargetKind.GROUP:
        found = members_of(target.ref or "")
        if found.error:
            return Ask((), passed=f"Baton cannot read who is in {named} ({found.error})")
        asked: tuple[str, ...] = found.members
    elif kind is TargetKind.ROTATION:
        on_now = on_turn(facts.channel_id, at)
        if on_now is None:
            return Ask((), passed="No one is on the rotation now")
        asked = (on_now,)
    else:
        asked = {
            TargetKind.NEXT_OWNER: (people.next_owner_id,),
            TargetKind.BACKUP: (people.escalation_contact(),),
            TargetKind.AUTHOR: (people.author_id,),
            TargetKind.PERSON: (target.ref or "",),
            TargetKind.OWNERS: facts.owners,
        }[kind]
    if kind is not TargetKind.NEXT_OWNER:  # never asked to step in for themselves
        asked = tuple(user for user in asked if user and user != people.next_owner_id)
    asked = tuple(dict.fromkeys(asked))
    if not asked:
        return Ask((), passed="There is no one but the next owner to ask")
    reasons = {user: away(user, at) for user in asked}
    reachable = tuple(user for user in asked if not reasons[user])
    if reachable:
        return Ask(reachable)
    if len(asked) == 1:
        return Ask((), passed=reasons[asked[0]], passed_who=asked[0])
    return Ask(
        (),
        passed=f"Everyone in {named} is away"
        if kind is TargetKind.GROUP
        else "Everyone it asks is away",
    )
