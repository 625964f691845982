"""Approvals of publishes: who was asked, who answered, and which publishes need chasing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from store.models import Publish, PublishApproval
from store.types import as_utc
from store.vocabulary import Approval, ApprovalState


def add(session: Session, publish_id: int, approvers: Sequence[str]) -> None:
    for approver in dict.fromkeys(approvers):
        session.add(PublishApproval(publish_id=publish_id, approver_id=approver))


def of_publish(session: Session, publish_id: int) -> list[Approval]:
    rows = session.exec(
        select(PublishApproval)
        .where(PublishApproval.publish_id == publish_id)
        .order_by(col(PublishApproval.id))
    ).all()
    return [
        Approval(
            row.approver_id,
            ApprovalState(row.state),
            row.note,
            as_utc(row.decided_at) if row.decided_at else None,
        )
        for row in rows
    ]


def row_for(session: Session, publish_id: int, approver_id: str) -> PublishApproval | None:
    return session.exec(
        select(PublishApproval)
        .where(PublishApproval.publish_id == publish_id)
        .where(PublishApproval.approver_id == approver_id)
    ).first()


def to_chase(session: Session, *, opens_from: datetime, opens_until: datetime) -> list[Publish]:
    """Publishes whose window opens in [opens_from, opens_until), not chased yet, with an
    approver who has not approved."""
    waiting = (
        select(PublishApproval.id)
        .where(PublishApproval.publish_id == Publish.id)
        .where(PublishApproval.state != ApprovalState.APPROVED)
        .exists()
    )
    return list(
        session.exec(
            select(Publish)
            .where(col(Publish.window_start) >= opens_from)
            .where(col(Publish.window_start) < opens_until)
            .where(col(Publish.approvals_chased_at).is_(None))
            .where(waiting)
            .order_by(col(Publish.window_start))
            .limit(200)
        ).all()
    )


def approved_at(session: Session, publish_id: int) -> datetime | None:
    """When the last approver approved; None while any has not (or none was asked)."""
    rows = session.exec(
        select(PublishApproval).where(PublishApproval.publish_id == publish_id)
    ).all()
    if not rows or any(r.state != ApprovalState.APPROVED or r.decided_at is None for r in rows):
        return None
    return max(as_utc(r.decided_at) for r in rows if r.decided_at is not None)
