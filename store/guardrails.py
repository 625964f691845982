"""Failure occurrences, the guardrails they lead to, and drafts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from store.models import ChannelGuardrail, Draft, FailureOccurrence, GuardrailState
from store.work_items import name_key


def record_occurrence(session: Session, occurrence: FailureOccurrence) -> FailureOccurrence | None:
    """Store it unless its `ref` was seen in the channel already; the stored row, or None."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    result = session.execute(
        insert(FailureOccurrence)
        .values(
            channel_id=occurrence.channel_id,
            class_id=occurrence.class_id,
            ref=occurrence.ref,
            where=occurrence.where,
            link=occurrence.link,
            at=occurrence.at,
        )
        .on_conflict_do_nothing(index_elements=["channel_id", "ref"])
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return None
    return session.exec(
        select(FailureOccurrence).where(
            FailureOccurrence.channel_id == occurrence.channel_id,
            FailureOccurrence.ref == occurrence.ref,
        )
    ).one()


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
