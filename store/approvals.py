"""Approvals of publishes: who was asked, who answered, and which publishes need chasing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from store.models import Publish, PublishApproval
from store.types import as_utc
from store.vocabulary import Approval, ApprovalState

STILL_OWED = timedelta(days=7)  # after the window closes, an approval is owed this long


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


def owed_by(session: Session, approver_id: str, *, now: datetime, limit: int = 50) -> list[Publish]:
    """Publishes this approver has not answered yet, still undecided and whose window closed
    less than a week ago (an answer may still count); the soonest window first."""
    return list(
        session.exec(
            select(Publish)
            .join(PublishApproval, col(PublishApproval.publish_id) == Publish.id)
            .where(PublishApproval.approver_id == approver_id)
            .where(PublishApproval.state == ApprovalState.PENDING)
            .where(col(Publish.decision).is_(None))
            .where(col(Publish.window_end) > now - STILL_OWED)
            .order_by(col(Publish.window_start), col(Publish.id))
            .limit(limit)
        ).all()
    )


def missing_after_opening(
    session: Session, *, opened_from: datetime, now: datetime, channel_id: str | None = None
) -> list[tuple[Publish, list[str]]]:
    """Publishes whose window opened in [opened_from, now) with approvers who have not
    approved, and who they are."""
    query = (
        select(Publish, PublishApproval.approver_id)
        .join(PublishApproval, col(PublishApproval.publish_id) == Publish.id)
        .where(PublishApproval.state != ApprovalState.APPROVED)
        .where(col(Publish.window_start) >= opened_from)
        .where(col(Publish.window_start) < now)
        .order_by(col(Publish.window_start), col(Publish.id), col(PublishApproval.id))
    )
    if channel_id:
        query = query.where(Publish.channel_id == channel_id)
    found: dict[int, tuple[Publish, list[str]]] = {}
    for publish, approver in session.exec(query).all():
        found.setdefault(publish.id or 0, (publish, []))[1].append(approver)
    return list(found.values())
