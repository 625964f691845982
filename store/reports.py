"""The records the cycle-time report is computed from (bot.reports.cycle_time)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlmodel import Session, col, select

from store import approvals, chains
from store.models import (
    FailureOccurrence,
    Handoff,
    HandoffStateChange,
    OutboxMessage,
    OutboxStatus,
    Publish,
    PublishApproval,
    WorkItem,
)
from store.types import as_utc
from store.vocabulary import (
    LIVE,
    HandoffRecord,
    HandoffState,
    OpenHandoffRecord,
    PublishRecord,
    UnapprovedRecord,
)

NUDGE = "nudge"
ESCALATION = "escalate-dm"
ESCALATION_STEP = "escalation_step"  # the outbox kind (bot/outbox/payloads.py)


def handoff_records(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    channel_id: str | None = None,
    person: str | None = None,
) -> list[HandoffRecord]:
    query = select(Handoff).where(col(Handoff.created_at) >= start, col(Handoff.created_at) < end)
    if channel_id:
        query = query.where(Handoff.channel_id == channel_id)
    if person:
        query = query.where(Handoff.next_owner_id == person)
    handoffs = list(session.exec(query.order_by(col(Handoff.created_at))).all())
    ids = [h.id for h in handoffs if h.id is not None]
    if not ids:
        return []
    # Kinds of message Slack accepted per handoff: `handoff:<id>:<kind>[:r<n>]`, a later
    # act-by's nudge or escalation keyed `…:r2`.
    sent = {
        (row.handoff_id, _kind_of(row))
        for row in session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.handoff_id).in_(ids))
            .where(OutboxMessage.status == OutboxStatus.SENT)
            .where(col(OutboxMessage.idempotency_key).startswith("handoff:"))
        ).all()
    }
    # Done and taken over are the handoff's own state changes (the first of each counts).
    done_at: dict[int, datetime] = {}
    taken_over: set[int] = set()
    for change in session.exec(
        select(HandoffStateChange)
        .where(col(HandoffStateChange.handoff_id).in_(ids))
        .where(col(HandoffStateChange.to_state).in_([HandoffState.DONE, HandoffState.TAKEN_OVER]))
        .order_by(col(HandoffStateChange.changed_at))
    ).all():
        if change.to_state == HandoffState.DONE:
            done_at.setdefault(change.handoff_id, as_utc(change.changed_at))
        else:
            taken_over.add(change.handoff_id)
    steps = {hid: chain.fired for hid, chain in chains.of_handoffs(session, ids).items()}
    records = []
    for h in handoffs:
        assert h.id is not None
        records.append(
            HandoffRecord(
                channel_id=h.channel_id,
                next_owner_id=h.next_owner_id,
                created_at=as_utc(h.created_at),
                act_by=as_utc(h.act_by),
                acknowledged_at=as_utc(h.acknowledged_at) if h.acknowledged_at else None,
                done_at=done_at.get(h.id),
                nudged=(h.id, NUDGE) in sent,
                escalated=(h.id, ESCALATION) in sent,
                taken_over=h.id in taken_over,
                chain_steps=steps.get(h.id),
            )
        )
    return records


def _kind_of(row: OutboxMessage) -> str:
    if row.kind == ESCALATION_STEP:  # a policy's step: a nudge when it asks the next owner
        return NUDGE if row.payload.get("target") == "next owner" else ESCALATION
    parts = row.idempotency_key.split(":")
    return parts[2] if len(parts) > 2 else ""


def publish_records(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    channel_id: str | None = None,
    person: str | None = None,
) -> list[PublishRecord]:
    query = select(Publish).where(
        col(Publish.window_start) >= start, col(Publish.window_start) < end
    )
    if channel_id:
        query = query.where(Publish.channel_id == channel_id)
    if person:
        query = query.where(Publish.owner_id == person)
    publishes = list(session.exec(query.order_by(col(Publish.window_start))).all())
    ids = [p.id for p in publishes if p.id is not None]
    asked = Counter(
        session.exec(
            select(PublishApproval.publish_id).where(col(PublishApproval.publish_id).in_(ids))
        ).all()
    )
    return [
        PublishRecord(
            channel_id=p.channel_id,
            owner_id=p.owner_id,
            created_at=as_utc(p.created_at),
            window_start=as_utc(p.window_start),
            approvers=asked.get(p.id or 0, 0),
            approved_at=approvals.approved_at(session, p.id or 0) if asked.get(p.id or 0) else None,
        )
        for p in publishes
    ]


def refused_by_channel(
    session: Session, start: datetime, end: datetime, *, channel_id: str | None = None
) -> dict[str, int]:
    """Handoff forms refused at the field (each attempt once, whatever classes it showed)."""
    query = (
        select(FailureOccurrence.channel_id, FailureOccurrence.ref)
        .where(col(FailureOccurrence.ref).startswith("handoff-attempt:"))
        .where(col(FailureOccurrence.at) >= start, col(FailureOccurrence.at) < end)
    )
    if channel_id:
        query = query.where(FailureOccurrence.channel_id == channel_id)
    attempts = {(channel, ref.rsplit(":", 1)[0]) for channel, ref in session.exec(query).all()}
    return dict(Counter(channel for channel, _ in attempts))


def open_past_act_by(
    session: Session,
    *,
    before: datetime,
    channel_id: str | None = None,
    person: str | None = None,
    limit: int = 200,
) -> list[OpenHandoffRecord]:
    """Live handoffs whose act-by is before `before`, the most overdue first."""
    query = (
        select(Handoff, WorkItem.name)
        .join(WorkItem, col(WorkItem.id) == Handoff.work_item_id)
        .where(col(Handoff.state).in_(list(LIVE)))
        .where(col(Handoff.act_by) < before)
    )
    if channel_id:
        query = query.where(Handoff.channel_id == channel_id)
    if person:
        query = query.where(Handoff.next_owner_id == person)
    rows = session.exec(query.order_by(col(Handoff.act_by), col(Handoff.id)).limit(limit)).all()
    return [
        OpenHandoffRecord(h.channel_id, name, h.next_owner_id, as_utc(h.act_by)) for h, name in rows
    ]


def unapproved_after_opening(
    session: Session,
    start: datetime,
    now: datetime,
    *,
    channel_id: str | None = None,
    person: str | None = None,
) -> list[UnapprovedRecord]:
    """Publishes whose window opened in [start, now) without every approval; with `person`,
    those that person had not approved."""
    found = []
    for publish, missing in approvals.missing_after_opening(
        session, opened_from=start, now=now, channel_id=channel_id
    ):
        if person and person not in missing:
            continue
        found.append(
            UnapprovedRecord(
                publish.channel_id,
                publish.name,
                publish.owner_id,
                as_utc(publish.window_start),
                tuple([person] if person else missing),
            )
        )
    return found
