"""Writing rows: a message Baton owes Slack, added once per idempotency key."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from store.models import OutboxMessage, OutboxOp, OutboxStatus
from store.outbox.wakeup import _announce_later


@dataclass(frozen=True)
class NewMessage:
    key: str
    target: str
    text: str
    blocks: list[dict[str, Any]]
    due_at: datetime
    op: OutboxOp = OutboxOp.POST
    parent_key: str | None = None
    handoff_id: int | None = None
    needs_unacknowledged: bool = False  # scheduled: sent only while its handoff is live
    notify_on_failure: str | None = None
    after_key: str | None = None
    # What the message is (bot/outbox/intents.py Kind) and about what; the key derives from
    # them. A row of a kind rendered at delivery has no text or blocks of its own.
    kind: str = "plain"
    payload: dict[str, Any] = field(default_factory=dict)


def enqueue(session: Session, message: NewMessage, *, now: datetime) -> bool:
    """Add a message unless one with the same key exists (then it is the same message)."""
    return enqueue_many(session, [message], now=now) == 1


def enqueue_many(session: Session, messages: Sequence[NewMessage], *, now: datetime) -> int:
    """Add these messages in one statement, skipping keys that exist; how many were added.
    (One INSERT instead of a look-up and an ORM insert each: it is on the 3-second path.)"""
    if not messages:
        return 0
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(OutboxMessage)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(col(OutboxMessage.id))
    )
    rows = [
        {
            "idempotency_key": m.key,
            "kind": m.kind,
            "payload": m.payload,
            "op": m.op,
            "target": m.target,
            "parent_key": m.parent_key,
            "text": m.text,
            "blocks": m.blocks,
            "handoff_id": m.handoff_id,
            "needs_unacknowledged": m.needs_unacknowledged,
            "notify_on_failure": m.notify_on_failure,
            "after_key": m.after_key,
            "status": OutboxStatus.PENDING,
            "due_at": m.due_at,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        for m in messages
    ]
    # Many parameter sets, one statement compiled once (SQLAlchemy's insertmanyvalues).
    added = len(session.execute(statement, rows).all())
    if added:
        due_now = [m.key for m in messages if m.due_at <= now]
        _announce_later(session, min(m.due_at for m in messages), due_now)
    return added
