"""One change of a handoff's state, and a new next owner: every use case (making, the buttons,
the forms, the graph's item changes) goes through these so the record, the messages and the
reminders always move together."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.handoffs.lifecycle import HandoffState, default_act_by, is_live
from bot.handoffs.outbox import EscalationPolicy, HandoffOutbox
from bot.outbox import intents, messages
from bot.people.person import Person
from store import handoffs, outbox
from store.models import Handoff, HandoffStateChange, WorkItem
from store.types import as_utc


class Transitions:
    def __init__(self, policy: EscalationPolicy, handoff_messages: HandoffOutbox) -> None:
        self.policy = policy
        self.messages = handoff_messages

    def change(
        self,
        session: Session,
        handoff: Handoff,
        item: WorkItem,
        to: HandoffState,
        *,
        by: str,
        now: datetime,
        note: str | None = None,
        people: dict[str, Person] | None = None,
        restart: bool = False,
    ) -> list[str]:
        """Record the change, cancel the reminders planned for the old state, edit every
        message that shows the handoff, and plan what the new state is owed (under an
        escalation policy: its chain ends, goes on, or, for a new next owner, `restart`s)."""
        assert handoff.id is not None
        from_state = handoff.state
        handoff.state = to
        handoff.state_changed_at, handoff.state_changed_by = now, by
        handoff.revision += 1
        session.add(handoff)
        handoffs.record_change(
            session,
            HandoffStateChange(
                handoff_id=handoff.id,
                from_state=from_state,
                to_state=to,
                changed_by=by,
                changed_at=now,
                next_owner_id=handoff.next_owner_id,
                note=(note or "").strip()[:500] or None,
            ),
        )
        outbox.cancel_pending_for_handoff(session, handoff.id, now=now, reason=f"now {to}")
        session.flush()
        fresh = self.messages.card(session, handoff, item)
        keys = self.messages.update_all(session, handoff, fresh, now)
        if handoff.escalation_policy is not None:
            self.messages.chains.follow(session, handoff, now, restart=restart, people=people)
        elif is_live(to):
            self.messages.schedule(session, handoff, fresh, now, people or {})
        return keys

    def transfer(
        self,
        session: Session,
        handoff: Handoff,
        item: WorkItem,
        *,
        to: str,
        by: str,
        now: datetime,
        state: HandoffState,
        note: str | None,
        people: dict[str, Person] | None = None,
    ) -> list[str]:
        """A new next owner: a fresh act-by in their working time (unless the current one is
        still ahead), the item's owner follows, and they get the handoff DM."""
        handoff.previous_owner_id = handoff.next_owner_id
        handoff.next_owner_id = to
        if state == HandoffState.TAKEN_OVER:
            handoff.acknowledged_by, handoff.acknowledged_at = to, now
        else:
            handoff.acknowledged_by, handoff.acknowledged_at = None, None
        if as_utc(handoff.act_by) <= now:
            owner = self.messages.hours_of(session, to, people)
            handoff.act_by = default_act_by(now, self.policy.act_within, owner.hours, owner.zone)
        item.owner_id = to
        session.add(item)
        keys = self.change(
            session, handoff, item, state, by=by, now=now, note=note, people=people, restart=True
        )
        assert handoff.id is not None
        new_dm = messages.new(
            intents.HandoffDm(handoff_id=handoff.id, revision=handoff.revision, to=to),
            target=to,
            due_at=now,
            handoff_id=handoff.id,
            notify_on_failure=by,
            after=intents.HandoffPost(handoff_id=handoff.id),
        )
        outbox.enqueue(session, new_dm, now=now)
        return [*keys, new_dm.key]

    # -- the work item changed (the graph feature calls these, see bot/container.py) ----

    def finish_item(self, session: Session, item_id: int, *, by: str, now: datetime) -> list[str]:
        """The work item is done (`/blocked <item> done`): so are its live handoffs."""
        keys: list[str] = []
        item = session.get(WorkItem, item_id)
        if item is None:
            return keys
        for handoff in handoffs.live_of_item(session, item_id):
            keys += self.change(
                session,
                handoff,
                item,
                HandoffState.DONE,
                by=by,
                now=now,
                note="the work item was marked done",
            )
        return keys

    def refresh_item(self, session: Session, item_id: int, *, now: datetime) -> list[str]:
        """The item got blocked or unblocked: its live handoffs' messages say so, and their
        escalation goes to whoever can move it now (the root blocker's owner, or the backup)."""
        keys: list[str] = []
        item = session.get(WorkItem, item_id)
        if item is None:
            return keys
        for handoff in handoffs.live_of_item(session, item_id):
            assert handoff.id is not None
            handoff.revision += 1
            session.add(handoff)
            outbox.cancel_pending_for_handoff(session, handoff.id, now=now, reason="blockers")
            session.flush()
            fresh = self.messages.card(session, handoff, item)
            keys += self.messages.update_all(session, handoff, fresh, now)
            self.messages.schedule(session, handoff, fresh, now, {})
        return keys
