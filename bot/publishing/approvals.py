"""Approvals: ask each approver by DM, record Approve / Request changes (approvers only),
and chase the ones still missing two hours before the window opens."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.clock import Clock
from bot.kernel.working_hours import WorkingHours
from bot.outbox import intents, messages
from bot.people.hours import hours_for
from bot.publishing import messages as views
from bot.publishing.approval_rules import CHASE_BEFORE, ApprovalState, may_approve, still_missing
from bot.publishing.cards import card_of
from bot.publishing.messages import PublishCard
from bot.publishing.posts import enqueue_post_update
from store import approvals, outbox
from store.db import Database
from store.models import OutboxOp, Publish


@dataclass(frozen=True)
class Answered:
    card: PublishCard
    state: ApprovalState
    send_now: list[str]
    changed: bool  # False: they had answered so already


@dataclass(frozen=True)
class NotApprover:
    card: PublishCard
    approvers: tuple[str, ...]


def enqueue_requests(
    session: Session, publish: Publish, approvers: Sequence[str], *, now: datetime
) -> list[str]:
    """Record the approvers and DM each one the request (in the publish's transaction)."""
    assert publish.id is not None
    approvals.add(session, publish.id, approvers)
    session.flush()
    card = card_of(publish)
    keys = []
    for approver in dict.fromkeys(approvers):
        message = views.approval_request_dm(card)
        request = messages.new(
            intents.ApprovalRequest(publish_id=publish.id, approver=approver),
            target=approver,
            text=message.text,
            blocks=message.blocks,
            due_at=now,
            notify_on_failure=publish.created_by,
        )
        outbox.enqueue(session, request, now=now)
        keys.append(request.key)
    return keys


class ApprovalService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        kpi_lookback: timedelta,
        hours: WorkingHours = WorkingHours.ALWAYS,
    ) -> None:
        self.db = db
        self.clock = clock
        self.kpi_lookback = kpi_lookback
        self.hours = hours  # the team default; each person's own hours win

    def approvers_of(self, publish_id: int, person: str) -> PublishCard | NotApprover | None:
        """The card when `person` may answer; who may, when they may not."""
        with self.db.read() as session:
            publish = session.get(Publish, publish_id)
            if publish is None:
                return None
            asked = approvals.of_publish(session, publish_id)
        card = card_of(publish)
        if not may_approve(person, asked):
            return NotApprover(card, tuple(a.approver_id for a in asked))
        return card

    def answer(
        self, publish_id: int, *, by: str, approve: bool, note: str | None = None
    ) -> Answered | NotApprover | None:
        now = self.clock.now()
        state = ApprovalState.APPROVED if approve else ApprovalState.CHANGES_REQUESTED
        with self.db.write() as session:
            publish = session.get(Publish, publish_id, with_for_update=True)
            if publish is None:
                return None
            card = card_of(publish)
            row = approvals.row_for(session, publish_id, by)
            if row is None:
                asked = approvals.of_publish(session, publish_id)
                return NotApprover(card, tuple(a.approver_id for a in asked))
            if row.state == state and (approve or row.note == note):
                return Answered(card, state, [], changed=False)
            row.state, row.note, row.decided_at = state, (None if approve else note), now
            session.add(row)
            session.flush()
            keys = [enqueue_post_update(session, publish, now=now, kpi_lookback=self.kpi_lookback)]
            dm = views.approval_request_dm(
                card, approvals=approvals.of_publish(session, publish_id), me=by
            )
            revision = publish.post_revision
            update = messages.new(
                intents.ApprovalUpdate(publish_id=publish_id, approver=by, revision=revision),
                target=by,
                op=OutboxOp.UPDATE,
                parent=intents.ApprovalRequest(publish_id=publish_id, approver=by),
                text=dm.text,
                blocks=dm.blocks,
                due_at=now,
            )
            outbox.enqueue(session, update, now=now)
            keys.append(update.key)
            if not approve:
                back = views.changes_requested_dm(card, by=by, what=note or "")
                changes = messages.new(
                    intents.ChangesRequested(publish_id=publish_id, by=by, revision=revision),
                    target=publish.owner_id,
                    text=back.text,
                    blocks=back.blocks,
                    due_at=now,
                )
                outbox.enqueue(session, changes, now=now)
                keys.append(changes.key)
        return Answered(card, state, keys, changed=True)

    def plan(self, tz_of: Callable[[str], str | None]) -> int:
        """Once per publish, from two hours before its window: one DM to each approver still
        missing (only them) and one line to the owner, each in its reader's working hours."""
        now = self.clock.now()
        with self.db.read() as session:
            due = approvals.to_chase(session, opens_from=now, opens_until=now + CHASE_BEFORE)
        added = 0
        for publish in due:
            assert publish.id is not None
            card = card_of(publish)
            with self.db.read() as session:
                waiting = still_missing(approvals.of_publish(session, publish.id))
            # Time zones may need users.info: never while holding the database.
            zones = {person: tz_of(person) for person in [*waiting, publish.owner_id]}
            with self.db.write() as session:
                fresh = session.get(Publish, publish.id, with_for_update=True)
                if fresh is None or fresh.approvals_chased_at is not None:
                    continue
                missing = still_missing(approvals.of_publish(session, publish.id))
                fresh.approvals_chased_at = now
                session.add(fresh)
                if not missing:
                    continue
                for approver in missing:
                    dm = views.approval_chase_dm(card)
                    reader = hours_for(session, approver, zones.get(approver), self.hours)
                    added += outbox.enqueue(
                        session,
                        messages.new(
                            intents.ApprovalChase(publish_id=publish.id, approver=approver),
                            target=approver,
                            text=dm.text,
                            blocks=dm.blocks,
                            due_at=reader.plan(now),
                        ),
                        now=now,
                    )
                line = views.approval_chase_owner_dm(card, missing)
                owner = hours_for(session, publish.owner_id, zones[publish.owner_id], self.hours)
                added += outbox.enqueue(
                    session,
                    messages.new(
                        intents.ApprovalChaseOwner(publish_id=publish.id),
                        target=publish.owner_id,
                        text=line.text,
                        blocks=line.blocks,
                        due_at=owner.plan(now),
                    ),
                    now=now,
                )
        return added
