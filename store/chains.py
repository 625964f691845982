"""Escalation chains: where each handoff's policy stands, and which are due."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from store.models import EscalationChain


def get(session: Session, handoff_id: int, *, lock: bool = False) -> EscalationChain | None:
    return session.get(EscalationChain, handoff_id, with_for_update=lock)


def due(session: Session, now: datetime, *, limit: int) -> list[EscalationChain]:
    """Chains whose next step is due by `now`, the longest-waiting first (one index range)."""
    c = EscalationChain
    return list(
        session.exec(
            select(c)
            .where(col(c.due_at).is_not(None))
            .where(col(c.due_at) <= now)
            .order_by(col(c.due_at))
            .limit(limit)
        ).all()
    )


def of_handoffs(session: Session, handoff_ids: list[int]) -> dict[int, EscalationChain]:
    if not handoff_ids:
        return {}
    rows = session.exec(
        select(EscalationChain).where(col(EscalationChain.handoff_id).in_(handoff_ids))
    ).all()
    return {row.handoff_id: row for row in rows}
