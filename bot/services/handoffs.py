"""Handoffs: store the accepted contract and owe Slack its messages, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.clock import Clock
from bot.domain.handoff import HandoffDraft, can_acknowledge
from bot.domain.people import Person
from bot.domain.working_hours import WorkingHours, deliver_at, zone_or_utc
from bot.views import handoff_messages as views
from store import handoffs, outbox, submissions, work_items
from store.db import Database
from store.models import Handoff, OutboxOp, WorkItem


def post_key(handoff_id: int) -> str:
    return f"handoff:{handoff_id}:post"


def dm_key(handoff_id: int) -> str:
    return f"handoff:{handoff_id}:dm"


def card(handoff: Handoff, item: WorkItem) -> views.HandoffCard:
    assert handoff.id is not None
    return views.HandoffCard(
        id=handoff.id,
        work_item=item.name,
        status=handoff.status,
        done=list(handoff.done),
        open=list(handoff.open),
        author_id=handoff.author_id,
        next_owner_id=handoff.next_owner_id,
        next_action=handoff.next_action,
        backup_owner_id=handoff.backup_owner_id,
        act_by=handoff.act_by,
        created_at=handoff.created_at,
        acknowledged_by=handoff.acknowledged_by,
        acknowledged_at=handoff.acknowledged_at,
    )


@dataclass(frozen=True)
class EscalationPolicy:
    escalate_after: timedelta
    working_hours: WorkingHours


@dataclass(frozen=True)
class Created:
    handoff_id: int
    send_now: list[str]


class AckOutcome(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    ALREADY = "already"
    NOT_YOURS = "not_yours"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Acknowledgement:
    outcome: AckOutcome
    card: views.HandoffCard | None = None
    send_now: tuple[str, ...] = ()


class HandoffService:
    def __init__(self, db: Database, clock: Clock, policy: EscalationPolicy) -> None:
        self.db = db
        self.clock = clock
        self.policy = policy

    def create(
        self,
        draft: HandoffDraft,
        *,
        author_id: str,
        channel_id: str,
        people: dict[str, Person],
        view_id: str | None = None,
    ) -> Created | None:
        """Store the handoff and owe Slack its messages; None when this view (Submit pressed
        twice) already created it."""
        now = self.clock.now()
        try:
            return self._create(draft, author_id, channel_id, people, view_id, now)
        except submissions.AlreadySubmitted:
            return None

    def _create(
        self,
        draft: HandoffDraft,
        author_id: str,
        channel_id: str,
        people: dict[str, Person],
        view_id: str | None,
        now: datetime,
    ) -> Created:
        with self.db.write() as session:
            if view_id is not None:
                submissions.claim(session, view_id, "handoff", now=now)
            item = work_items.get_or_create(session, channel_id, draft.work_item, now=now)
            item.owner_id = draft.next_owner_id
            session.add(item)
            assert item.id is not None
            handoff = Handoff(
                work_item_id=item.id,
                channel_id=channel_id,
                author_id=author_id,
                status=draft.status,
                done=draft.done,
                open=draft.open,
                next_owner_id=draft.next_owner_id,
                next_action=draft.next_action,
                backup_owner_id=draft.backup_owner_id,
                act_by=draft.act_by,
                created_at=now,
            )
            session.add(handoff)
            session.flush()
            assert handoff.id is not None
            the_card = card(handoff, item)
            outbox.enqueue_many(session, self._messages(the_card, channel_id, people, now), now=now)
        return Created(handoff_id=handoff.id, send_now=[post_key(handoff.id), dm_key(handoff.id)])

    def _messages(
        self,
        the_card: views.HandoffCard,
        channel_id: str,
        people: dict[str, Person],
        now: datetime,
    ) -> list[outbox.NewMessage]:
        hid = the_card.id
        post = views.channel_post(the_card)
        dm = views.next_owner_dm(the_card)
        hours = self.policy.working_hours

        def tz_of(user_id: str) -> str | None:
            person = people.get(user_id)
            return person.tz if person else None

        nudge_at = deliver_at(the_card.act_by, hours, zone_or_utc(tz_of(the_card.next_owner_id)))
        escalate_due = nudge_at + self.policy.escalate_after
        escalate_to = the_card.backup_owner_id or the_card.author_id
        escalate_dm_at = deliver_at(escalate_due, hours, zone_or_utc(tz_of(escalate_to)))
        nudge = views.nudge_dm(the_card)
        escalation = views.escalation_dm(the_card, late_by=escalate_dm_at)
        thread = views.escalation_thread_reply(the_card, late_by=escalate_due)
        author = the_card.author_id
        return [
            outbox.NewMessage(
                key=post_key(hid),
                target=channel_id,
                text=post.text,
                blocks=post.blocks,
                due_at=now,
                handoff_id=hid,
                notify_on_failure=author,
            ),
            outbox.NewMessage(
                key=dm_key(hid),
                target=the_card.next_owner_id,
                text=dm.text,
                blocks=dm.blocks,
                due_at=now,
                handoff_id=hid,
                notify_on_failure=author,
            ),
            outbox.NewMessage(
                key=f"handoff:{hid}:nudge",
                target=the_card.next_owner_id,
                text=nudge.text,
                blocks=nudge.blocks,
                due_at=nudge_at,
                handoff_id=hid,
                needs_unacknowledged=True,
                notify_on_failure=author,
            ),
            outbox.NewMessage(
                key=f"handoff:{hid}:escalate-dm",
                target=escalate_to,
                text=escalation.text,
                blocks=escalation.blocks,
                due_at=escalate_dm_at,
                handoff_id=hid,
                needs_unacknowledged=True,
                notify_on_failure=author,
            ),
            outbox.NewMessage(
                key=f"handoff:{hid}:escalate-thread",
                target=channel_id,
                text=thread.text,
                blocks=thread.blocks,
                due_at=escalate_due,
                parent_key=post_key(hid),
                handoff_id=hid,
                needs_unacknowledged=True,
                notify_on_failure=author,
            ),
        ]

    def acknowledge(self, handoff_id: int, user_id: str) -> Acknowledgement:
        now = self.clock.now()
        with self.db.write() as session:
            found = handoffs.get_with_item(session, handoff_id)
            if found is None:
                return Acknowledgement(AckOutcome.UNKNOWN)
            handoff, item = found
            if not can_acknowledge(user_id, handoff.next_owner_id, handoff.backup_owner_id):
                return Acknowledgement(AckOutcome.NOT_YOURS, card(handoff, item))
            if not handoffs.acknowledge(session, handoff_id, user_id, now=now):
                session.refresh(handoff)
                return Acknowledgement(AckOutcome.ALREADY, card(handoff, item))
            session.refresh(handoff)
            outbox.cancel_pending_for_handoff(session, handoff_id, now=now)
            acked = card(handoff, item)
            post = views.channel_post(acked)
            dm = views.next_owner_dm(acked)
            keys = (f"handoff:{handoff_id}:ack:post", f"handoff:{handoff_id}:ack:dm")
            for key, message, parent in zip(
                keys, (post, dm), (post_key(handoff_id), dm_key(handoff_id)), strict=True
            ):
                outbox.enqueue(
                    session,
                    outbox.NewMessage(
                        key=key,
                        target=handoff.channel_id,
                        text=message.text,
                        blocks=message.blocks,
                        due_at=now,
                        op=OutboxOp.UPDATE,
                        parent_key=parent,
                        handoff_id=handoff_id,
                    ),
                    now=now,
                )
        return Acknowledgement(AckOutcome.ACKNOWLEDGED, acked, keys)
