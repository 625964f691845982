"""A channel's backup rotation as a use case other features call: who is on turn now
(`on_turn`: the handoff modal's Backup owner, the escalation target `rotation`), who is next,
and `/baton who`. Someone in it who can no longer take a turn is passed over, and the channel's
owners are told so once (a DM each, through the outbox)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.clock import Clock
from bot.kernel.working_hours import WorkingHours
from bot.outbox import intents, messages
from bot.people.hours import hours_for
from bot.rotations.messages import passed_over_dm
from bot.rotations.turns import Changeover, Rotation, Turn, next_turn, turn_at
from store import channel_settings, handoffs, outbox, rotations, users, work_items
from store.db import Database
from store.models import ChannelRotation, Handoff, WorkItem

WHO_LIMIT = 18  # open items listed by /baton who (with its header lines: about 20 lines)


@dataclass(frozen=True)
class RotationPick:
    """A rotation as its editor picked it: people in turn order, and when the turn changes."""

    people: tuple[str, ...]
    changes: Changeover


@dataclass(frozen=True)
class WhoIsOn:
    """What `/baton who` says: the rotation's turns (None without a rotation), the channel's
    live handoffs (most overdue first) and its open items no handoff carries."""

    changes: Changeover | None
    now: Turn | None
    next: Turn | None
    handoffs: list[tuple[Handoff, WorkItem]]
    items: list[WorkItem]
    more: int  # open items not listed


def write_rotation(
    session: Session, channel_id: str, pick: RotationPick | None, *, by: str, now: datetime
) -> None:
    """Set (or, with None, remove) a channel's rotation, in the caller's transaction."""
    if pick is None:
        rotations.remove(session, channel_id)
        return
    changes = pick.changes
    rotations.save(
        session,
        channel_id,
        people=list(pick.people),
        weekday=changes.weekday,
        hour=changes.hour,
        zone=changes.zone,
        by=by,
        now=now,
    )


def _rotation(row: ChannelRotation) -> Rotation:
    return Rotation(tuple(row.people), Changeover(row.weekday, row.hour, row.zone), row.since)


def _can_take(session: Session, people: tuple[str, ...]) -> Callable[[str], bool]:
    """Who may take a turn, from what Baton knows of them (someone it never heard of may)."""
    known = users.known_many(session, list(people))
    gone = {uid for uid, user in known.items() if user.deleted or user.is_bot}
    return lambda person: person not in gone


class Rotations:
    def __init__(self, db: Database, clock: Clock, *, team_hours: WorkingHours) -> None:
        self.db = db
        self.clock = clock
        self.team_hours = team_hours  # the owners hear of it in their working hours

    def pick_of(self, channel_id: str) -> RotationPick | None:
        """The channel's rotation as last saved (for the settings form)."""
        with self.db.read() as session:
            row = rotations.rotation_of(session, channel_id)
            return RotationPick(tuple(row.people), _rotation(row).changes) if row else None

    def on_turn(self, channel_id: str, at: datetime) -> str | None:
        """Whose turn it is at `at`; None when the channel has no rotation (or nobody in it
        can take a turn)."""
        turns = self._turns(channel_id, at)
        return turns[0].person if turns and turns[0] else None

    def next_turn(self, channel_id: str, at: datetime) -> Turn | None:
        """Who is on after the person on turn at `at`, and from when."""
        turns = self._turns(channel_id, at)
        return turns[1] if turns else None

    def who(self, channel_id: str, at: datetime) -> WhoIsOn:
        turns = self._turns(channel_id, at)
        with self.db.read() as session:
            row = rotations.rotation_of(session, channel_id)
            live, live_total = handoffs.live_in_channel(session, channel_id, limit=WHO_LIMIT)
            items, items_total = work_items.open_without_handoff(
                session, channel_id, limit=max(WHO_LIMIT - len(live), 0)
            )
        return WhoIsOn(
            changes=_rotation(row).changes if row else None,
            now=turns[0] if turns else None,
            next=turns[1] if turns else None,
            handoffs=live,
            items=items,
            more=live_total + items_total - len(live) - len(items),
        )

    def _turns(self, channel_id: str, at: datetime) -> tuple[Turn | None, Turn | None] | None:
        with self.db.read() as session:
            row = rotations.rotation_of(session, channel_id)
            if row is None:
                return None
            rotation = _rotation(row)
            can_take = _can_take(session, rotation.people)
        now = turn_at(rotation, at, can_take)
        if now is not None and now.passed_over:
            self._tell_owners(channel_id, now)
        return now, next_turn(rotation, at, can_take)

    def _tell_owners(self, channel_id: str, turn: Turn) -> None:
        """The owners hear once of each person passed over (else whoever set the rotation)."""
        now = self.clock.now()
        with self.db.write() as session:
            row = rotations.rotation_of(session, channel_id)
            if row is None:
                return
            owners = channel_settings.roles_of(session, channel_id).owners or (row.updated_by,)
            for person in turn.passed_over:
                if not rotations.mark_told(session, channel_id, person):
                    continue
                message = passed_over_dm(channel_id, person, covering=turn.person)
                zones = users.known_many(session, list(owners))
                outbox.enqueue_many(
                    session,
                    [
                        messages.new(
                            intents.RotationPassedOver(
                                channel_id=channel_id, person=person, to=owner
                            ),
                            target=owner,
                            text=message.text,
                            blocks=message.blocks,
                            due_at=hours_for(
                                session, owner, known.tz if known else None, self.team_hours
                            ).plan(now),
                        )
                        for owner in owners
                        for known in (zones.get(owner),)
                    ],
                    now=now,
                )
