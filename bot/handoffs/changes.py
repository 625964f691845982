"""The forms' changes (Reassign, Snooze, Edit): checked against the handoff as it is now, then
recorded once per form, however often Submit reaches us."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.clock import Clock
from bot.handoffs.lifecycle import Button, HandoffState, Urgency, snooze_limit
from bot.handoffs.outbox import EscalationPolicy, HandoffOutbox
from bot.handoffs.outcome import Change, Outcome
from bot.handoffs.presses import pressable
from bot.handoffs.transitions import Transitions
from bot.kernel.mrkdwn import local_time, md, mention
from bot.people.person import Person
from store import submissions
from store.db import Database
from store.models import Handoff


@dataclass(frozen=True)
class Edits:
    """What an Edit may change."""

    status: str
    done: list[str]
    open: list[str]
    next_action: str
    backup_owner_id: str | None
    act_by: datetime
    urgency: Urgency


class FormChanges:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        policy: EscalationPolicy,
        handoff_messages: HandoffOutbox,
        transitions: Transitions,
    ) -> None:
        self.db = db
        self.clock = clock
        self.policy = policy
        self.messages = handoff_messages
        self.transitions = transitions

    def reassign(
        self,
        handoff_id: int,
        by: str,
        new_owner: Person,
        note: str | None,
        *,
        view_id: str | None = None,
    ) -> Change:
        now = self.clock.now()
        with self.db.write() as session:
            held = pressable(self.messages, session, handoff_id, Button.REASSIGN, by)
            if isinstance(held, Change):
                return held
            handoff, item = held
            if new_owner.id == handoff.next_owner_id:
                return Change(
                    Outcome.INVALID, problem="They are the next owner already: pick someone else."
                )
            if not new_owner.can_act:
                return Change(
                    Outcome.INVALID,
                    problem="Pick a person who can act (not a bot or a deactivated account).",
                )
            if not _first_submission(session, view_id, "reassign", now):
                return Change(Outcome.REPEAT)
            previous = handoff.next_owner_id
            keys = self.transitions.transfer(
                session,
                handoff,
                item,
                to=new_owner.id,
                by=by,
                now=now,
                state=HandoffState.REASSIGNED,
                note=note,
                people={new_owner.id: new_owner},
            )
            because = f" ({note.strip()})" if note and note.strip() else ""
            keys += self.messages.notices(
                session,
                handoff,
                item,
                (previous, handoff.author_id),
                md(
                    ":arrows_counterclockwise: ",
                    mention(by),
                    " reassigned to ",
                    mention(new_owner.id),
                    because,
                    ":",
                ),
                now,
                besides=by,
            )
            return Change(Outcome.CHANGED, self.messages.card(session, handoff, item), tuple(keys))

    def snooze_bounds(self, handoff_id: int) -> tuple[datetime, datetime] | None:
        """A snooze's earliest and latest act-by, in the next owner's working time."""
        with self.db.read() as session:
            handoff = session.get(Handoff, handoff_id)
            if handoff is None:
                return None
            owner = self.messages.hours_of(session, handoff.next_owner_id)
        now = self.clock.now()
        return now, snooze_limit(now, owner.hours, owner.zone)

    def snooze(
        self, handoff_id: int, by: str, act_by: datetime, *, view_id: str | None = None
    ) -> Change:
        now = self.clock.now()
        with self.db.write() as session:
            held = pressable(self.messages, session, handoff_id, Button.SNOOZE, by)
            if isinstance(held, Change):
                return held
            handoff, item = held
            owner = self.messages.hours_of(session, handoff.next_owner_id)
            latest = snooze_limit(now, owner.hours, owner.zone)
            if act_by <= now:
                return Change(Outcome.INVALID, problem="That is in the past: pick a later time.")
            if act_by > latest:
                return Change(
                    Outcome.INVALID,
                    problem="Snooze within your next 3 working days, until "
                    f"{latest.astimezone(owner.zone):%a %d %b %H:%M} your time at the latest.",
                )
            if not _first_submission(session, view_id, "snooze", now):
                return Change(Outcome.REPEAT)
            handoff.act_by = act_by
            keys = self.transitions.change(
                session,
                handoff,
                item,
                HandoffState(handoff.state),
                by=by,
                now=now,
                note=f"snoozed to {act_by:%Y-%m-%d %H:%M} UTC",
            )
            if handoff.author_id != by:
                keys.append(
                    self.messages.notice(
                        session,
                        handoff,
                        item,
                        handoff.author_id,
                        md(":zzz: ", mention(by), " snoozed to ", local_time(act_by), ":"),
                        now,
                    )
                )
            return Change(Outcome.CHANGED, self.messages.card(session, handoff, item), tuple(keys))

    def edit(self, handoff_id: int, by: str, edits: Edits, *, view_id: str | None = None) -> Change:
        now = self.clock.now()
        with self.db.write() as session:
            held = pressable(self.messages, session, handoff_id, Button.EDIT, by)
            if isinstance(held, Change):
                return held
            handoff, item = held
            if not _first_submission(session, view_id, "edit", now):
                return Change(Outcome.REPEAT)
            handoff.status, handoff.done, handoff.open = edits.status, edits.done, edits.open
            handoff.next_action = edits.next_action
            handoff.backup_owner_id = edits.backup_owner_id
            handoff.act_by, handoff.urgency = edits.act_by, edits.urgency
            keys = self.transitions.change(
                session, handoff, item, HandoffState.OPEN, by=by, now=now, note="edited"
            )
            return Change(Outcome.CHANGED, self.messages.card(session, handoff, item), tuple(keys))


def _first_submission(session: Session, view_id: str | None, kind: str, now: datetime) -> bool:
    """Claim a lifecycle form's view id in the changing transaction, as the handoff form does:
    False when it was submitted and acted on already (Submit pressed twice, a retried request).
    Claimed only once the form passed its checks, so a form answered with field errors can be
    corrected and submitted again."""
    if view_id is None:
        return True
    try:
        submissions.claim(session, view_id, kind, now=now)
    except submissions.AlreadySubmitted:
        return False
    return True
