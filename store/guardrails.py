"""Failure occurrences, the guardrails they lead to, and drafts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, literal
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from store.fit import fitted_key, shortened
from store.models import (
    ChannelGuardrail,
    Draft,
    FailureOccurrence,
    GuardrailState,
    Handoff,
    KpiReading,
    OutboxMessage,
    OutboxStatus,
    Publish,
)
from store.work_items import name_key

REF_LENGTH = FailureOccurrence.__table__.c.ref.type.length  # type: ignore[attr-defined]
WHERE_LENGTH = FailureOccurrence.__table__.c.where.type.length  # type: ignore[attr-defined]
MANUAL_SOURCES = ("slack",)  # readings typed with /kpi; anything else came from a tool


def record_occurrence(session: Session, occurrence: FailureOccurrence) -> FailureOccurrence | None:
    """Store it unless its `ref` was seen in the channel already; the stored row, or None."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    inserted = session.execute(
        insert(FailureOccurrence)
        .values(
            channel_id=occurrence.channel_id,
            class_id=occurrence.class_id,
            ref=fitted_key(occurrence.ref, REF_LENGTH),
            where=shortened(occurrence.where, WHERE_LENGTH),
            link=occurrence.link if occurrence.link and len(occurrence.link) <= 500 else None,
            at=occurrence.at,
            people=list(occurrence.people),
            owner_id=occurrence.owner_id,
            act_by=occurrence.act_by,
            prevention=occurrence.prevention,
            words=shortened(occurrence.words, 200) if occurrence.words else None,
        )
        .on_conflict_do_nothing(index_elements=["channel_id", "ref"])
        # RETURNING, not rowcount: psycopg reports -1 for an INSERT that did nothing.
        .returning(col(FailureOccurrence.id))
    ).first()
    if inserted is None:
        return None
    return session.get(FailureOccurrence, inserted[0])


def occurrences(
    session: Session, channel_id: str, class_id: str, *, since: datetime
) -> list[FailureOccurrence]:
    return list(
        session.exec(
            select(FailureOccurrence)
            .where(FailureOccurrence.channel_id == channel_id)
            .where(FailureOccurrence.class_id == class_id)
            .where(col(FailureOccurrence.at) >= since)
            .order_by(col(FailureOccurrence.at), col(FailureOccurrence.id))
        ).all()
    )


def involved(session: Session, row: ChannelGuardrail) -> set[str]:
    """Everyone named in the recorded failures of the guardrail's class in its channel."""
    people: set[str] = set()
    for (named,) in session.execute(
        select(FailureOccurrence.people)
        .where(FailureOccurrence.channel_id == row.channel_id)
        .where(FailureOccurrence.class_id == row.class_id)
    ).all():
        people.update(named or [])
    return people


def checklist(session: Session, channel_id: str) -> list[tuple[str, str | None]]:
    """The channel's enabled checklist guardrails: each class id, with the words people used
    for it most recently (None when nobody typed any)."""
    classes = session.exec(
        select(ChannelGuardrail.class_id)
        .where(ChannelGuardrail.channel_id == channel_id)
        .where(ChannelGuardrail.state == GuardrailState.ENABLED)
        .where(ChannelGuardrail.guardrail == "checklist")
        .order_by(col(ChannelGuardrail.id))
    ).all()
    found = []
    for class_id in classes:
        words = session.exec(
            select(FailureOccurrence.words)
            .where(FailureOccurrence.channel_id == channel_id)
            .where(FailureOccurrence.class_id == class_id)
            .where(col(FailureOccurrence.words).is_not(None))
            .order_by(col(FailureOccurrence.at).desc())
        ).first()
        found.append((class_id, words))
    return found


def guardrail_for(session: Session, channel_id: str, class_id: str) -> ChannelGuardrail | None:
    return session.exec(
        select(ChannelGuardrail).where(
            ChannelGuardrail.channel_id == channel_id, ChannelGuardrail.class_id == class_id
        )
    ).first()


def of_channel(session: Session, channel_id: str) -> list[ChannelGuardrail]:
    return list(
        session.exec(
            select(ChannelGuardrail)
            .where(ChannelGuardrail.channel_id == channel_id)
            .order_by(col(ChannelGuardrail.proposed_at))
        ).all()
    )


def enabled(session: Session, channel_id: str) -> set[str]:
    """The guardrails a channel's forms enforce."""
    return set(
        session.exec(
            select(ChannelGuardrail.guardrail)
            .where(ChannelGuardrail.channel_id == channel_id)
            .where(ChannelGuardrail.state == GuardrailState.ENABLED)
        ).all()
    )


def latest_draft(session: Session, channel_id: str, name: str) -> Draft | None:
    return session.exec(
        select(Draft)
        .where(Draft.channel_id == channel_id, Draft.name_key == name_key(name))
        .order_by(col(Draft.created_at).desc(), col(Draft.id).desc())
    ).first()


def escalated_handoffs(
    session: Session, *, since: datetime, limit: int = 200
) -> list[tuple[Handoff, OutboxMessage]]:
    """Handoffs whose act-by escalation went out since `since` and is not yet recorded as a
    missed act-by, each with its first escalation thread reply: the evidence, and what was
    true when it went out (its payload), whatever changed since."""
    ref = literal("handoff:") + cast(Handoff.id, String) + literal(":missed")
    recorded = (
        select(FailureOccurrence.id)
        .where(FailureOccurrence.channel_id == Handoff.channel_id)
        .where(FailureOccurrence.ref == ref)
        .exists()
    )
    # The first escalation's key, or a rescheduled one's (`…:escalate-thread:r2`).
    escalation_key = literal("handoff:") + cast(Handoff.id, String) + literal(":escalate-thread")
    rows = session.exec(
        select(Handoff, OutboxMessage)
        .join(OutboxMessage, col(OutboxMessage.handoff_id) == col(Handoff.id))
        .where(col(OutboxMessage.due_at) >= since)
        .where(
            (col(OutboxMessage.idempotency_key) == escalation_key)
            | col(OutboxMessage.idempotency_key).startswith(escalation_key + literal(":"))
        )
        .where(OutboxMessage.status == OutboxStatus.SENT)
        .where(~recorded)
        .order_by(col(OutboxMessage.due_at), col(OutboxMessage.id))
        .limit(limit)
    ).all()
    first: dict[int | None, tuple[Handoff, OutboxMessage]] = {}
    for handoff, escalation in rows:
        first.setdefault(handoff.id, (handoff, escalation))
    return list(first.values())


def automatic_metrics(session: Session, channel_id: str, *, since: datetime) -> set[str]:
    """Metrics analytics tools (POST /kpi) delivered for this channel's publishes lately."""
    return set(
        session.exec(
            select(KpiReading.metric)
            .join(Publish, col(Publish.id) == col(KpiReading.publish_id))
            .where(Publish.channel_id == channel_id)
            .where(col(KpiReading.source).not_in(MANUAL_SOURCES))
            .where(col(KpiReading.created_at) >= since)
            .distinct()
        ).all()
    )


def by_id(session: Session, guardrail_id: int, *, lock: bool = False) -> ChannelGuardrail | None:
    """`lock` holds the row for this transaction (PostgreSQL), so two clicks decide in turn."""
    return session.get(ChannelGuardrail, guardrail_id, with_for_update=lock or None)


def occurrence_pair(
    session: Session, guardrail: ChannelGuardrail
) -> tuple[FailureOccurrence | None, FailureOccurrence | None]:
    return (
        session.get(FailureOccurrence, guardrail.first_occurrence_id),
        session.get(FailureOccurrence, guardrail.second_occurrence_id),
    )


def draft_names(session: Session, channel_id: str, limit: int = 500) -> set[str]:
    return set(
        session.exec(
            select(Draft.name_key)
            .where(Draft.channel_id == channel_id)
            .order_by(col(Draft.created_at).desc())
            .limit(limit)
        ).all()
    )
