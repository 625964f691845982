"""A handoff's life after it is made: who may press which button, when reminders go and to
whom, and when a new handoff hands the previous one on.

Pure rules: the service gathers the facts (states, people, zones, blockers), this module decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.kernel.reader_hours import ReaderHours
from bot.kernel.working_hours import WorkingHours, add_working_time, working_days_ahead
from store.vocabulary import LIVE, HandoffState, Urgency

__all__ = ["LIVE", "HandoffState", "Urgency"]  # stored words, re-exported


# Live, and the current next owner has not said they have it yet.
UNACKNOWLEDGED = frozenset({HandoffState.OPEN, HandoffState.REASSIGNED})
SNOOZE_WORKING_DAYS = 3


def is_live(state: str) -> bool:
    return state in LIVE


class Button(StrEnum):
    """The lifecycle buttons, named as people read them."""

    ACKNOWLEDGE = "Acknowledge"
    DONE = "Done"
    REASSIGN = "Reassign"
    SNOOZE = "Snooze"
    TAKE_OVER = "Take over"
    REACH_THEM = "Reach them"
    EDIT = "Edit"
    WITHDRAW = "Withdraw"


class Role(StrEnum):
    NEXT_OWNER = "next owner"
    BACKUP = "backup owner"
    AUTHOR = "author"


@dataclass(frozen=True)
class HandoffPeople:
    author_id: str
    next_owner_id: str
    backup_owner_id: str | None
    # Whom an escalation policy asked to step in besides: they may Take over / Reach them too.
    asked: tuple[str, ...] = ()

    def escalation_contact(self) -> str:
        """Who steps in when the next owner does not act: the backup owner, else the author
        (a backup who has become the next owner hands it back to the author)."""
        if self.backup_owner_id and self.backup_owner_id != self.next_owner_id:
            return self.backup_owner_id
        return self.author_id


# Who each button is for. The escalation's buttons are for whoever the escalation asked.
_ROLES: dict[Button, tuple[Role, ...]] = {
    Button.ACKNOWLEDGE: (Role.NEXT_OWNER, Role.BACKUP),
    Button.DONE: (Role.NEXT_OWNER, Role.BACKUP),
    Button.REASSIGN: (Role.NEXT_OWNER, Role.AUTHOR),
    Button.SNOOZE: (Role.NEXT_OWNER,),
    Button.EDIT: (Role.AUTHOR,),
    Button.WITHDRAW: (Role.AUTHOR,),
}


def allowed(button: Button, people: HandoffPeople) -> list[str]:
    """The user ids that may press `button` on this handoff, most responsible first."""
    if button in (Button.TAKE_OVER, Button.REACH_THEM):
        return list(dict.fromkeys([people.escalation_contact(), *people.asked]))
    ids = {
        Role.NEXT_OWNER: people.next_owner_id,
        Role.BACKUP: people.backup_owner_id,
        Role.AUTHOR: people.author_id,
    }
    found: list[str] = []
    for role in _ROLES[button]:
        user = ids[role]
        if user and user not in found:
            found.append(user)
    return found


def may_press(button: Button, user_id: str, people: HandoffPeople) -> bool:
    return user_id in allowed(button, people)


class Refused(StrEnum):
    """Why a button does nothing in the handoff's current state."""

    FINISHED = "finished"  # done, handed on or withdrawn
    ACKNOWLEDGED = "acknowledged"  # Edit after acknowledgement; a second Acknowledge
    YOURS = "yours"  # Take over by the next owner (a second Take over)
    REACHED = "reached"  # a second Reach them for the same act-by


def state_refusal(button: Button, state: str) -> Refused | None:
    """Whether `button` applies in `state` (permissions aside)."""
    if not is_live(state):
        return Refused.FINISHED
    if button is Button.ACKNOWLEDGE and state not in UNACKNOWLEDGED:
        return Refused.ACKNOWLEDGED
    if button is Button.EDIT and state != HandoffState.OPEN:
        return Refused.ACKNOWLEDGED
    return None


@dataclass(frozen=True)
class Holder:
    """Who holds a handoff now, and who acknowledged it when: what tells a repeat."""

    state: str
    next_owner_id: str
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    act_by: datetime


def repeat_refusal(button: Button, user_id: str, holder: Holder) -> Refused | None:
    """A press that would do again what is done already, answered as such before asking who
    may press it (a Take over makes its presser the next owner, whom the button is not for):
    Take over by the next owner; Reach them by whoever reached the next owner since the
    act-by (a snooze moves the act-by, and a later escalation may be answered again)."""
    if not is_live(holder.state):
        return None
    if button is Button.TAKE_OVER and user_id == holder.next_owner_id:
        return Refused.YOURS
    if (
        button is Button.REACH_THEM
        and holder.state == HandoffState.ACKNOWLEDGED
        and user_id == holder.acknowledged_by
        and user_id != holder.next_owner_id
        and holder.acknowledged_at is not None
        and holder.acknowledged_at >= holder.act_by
    ):
        return Refused.REACHED
    return None


# -- when, and to whom ----------------------------------------------------------------------


def default_act_by(
    now: datetime, act_within: timedelta, hours: WorkingHours, owner_zone: ZoneInfo
) -> datetime:
    """`act_within` of the next owner's working time from now."""
    return add_working_time(now, act_within, hours, owner_zone)


def snooze_limit(now: datetime, hours: WorkingHours, owner_zone: ZoneInfo) -> datetime:
    """The latest act-by a snooze may pick: the end of the next owner's third working day."""
    return working_days_ahead(now, SNOOZE_WORKING_DAYS, hours, owner_zone)


@dataclass(frozen=True)
class Reminders:
    """What a live handoff is owed: the nudge to the next owner at its act-by, then the
    escalation DM and, with it (never before), the thread reply."""

    nudge_at: datetime
    escalate_to: str | None  # None: low urgency, never escalated
    escalate_due: datetime | None  # when the escalation is due (late-by is measured to it)
    escalate_dm_at: datetime | None  # the recipient's working hours: the thread waits for it


def plan_reminders(
    *,
    act_by: datetime,
    urgency: str,
    escalate_after: timedelta,
    owner: ReaderHours,
    escalate_to: str,
    escalate: ReaderHours,
) -> Reminders:
    """The nudge in the next owner's hours, the escalation in its recipient's (each person's
    own hours when they set them, else the team's)."""
    nudge_at = owner.plan(act_by)
    if urgency == Urgency.LOW:
        return Reminders(nudge_at, None, None, None)
    due = nudge_at + escalate_after
    return Reminders(nudge_at, escalate_to, due, escalate.plan(due))


def escalation_recipient(people: HandoffPeople, root_blocker_owners: list[str]) -> str:
    """Narrow: a handoff whose item waits on a hard blocker escalates to the root blocker's
    owner (who can unblock it), otherwise to the backup owner (or the author)."""
    for owner in root_blocker_owners:
        if owner and owner != people.next_owner_id:
            return owner
    return people.escalation_contact()


def hands_on(previous: HandoffPeople, previous_state: str, new_author_id: str) -> bool:
    """A new handoff of the same item in the same channel, made by the previous one's next
    owner (or backup), hands that one on: its next action became this handoff."""
    return is_live(previous_state) and new_author_id in (
        previous.next_owner_id,
        previous.backup_owner_id,
    )


# -- blocker reminders ----------------------------------------------------------------------


class BlockerStep(StrEnum):
    REMIND = "remind"  # a DM to the root blocker's owner today
    LAST_WORD = "last_word"  # one message in the channel, then silence
    STOP = "stop"


def blocker_step(days_reminded: int, limit: int, *, last_word_sent: bool) -> BlockerStep:
    """At most `limit` working days of DMs about one blocker; then one last message in the
    channel, and nothing more."""
    if days_reminded < limit:
        return BlockerStep.REMIND
    return BlockerStep.STOP if last_word_sent else BlockerStep.LAST_WORD
