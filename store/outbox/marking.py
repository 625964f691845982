"""Settling rows: sent, failed, cancelled, or back to pending for a later try."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session, col

from store.db import Database
from store.models import OutboxMessage, OutboxStatus


def _finish(db: Database, row_id: int, now: datetime, **values: Any) -> bool:
    """Settle a row this sweeper is sending; False when it was not ours to settle any more."""
    with db.write() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == row_id)
            .where(col(OutboxMessage.status) == OutboxStatus.SENDING)
            .values(updated_at=now, lease_until=None, **values)
        )
    return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Sent:
    row_id: int
    channel: str | None
    ts: str | None
    key: str = ""


_MARK_SENT = (
    update(OutboxMessage)
    .where(col(OutboxMessage.id) == bindparam("row_id"))
    .where(col(OutboxMessage.status) == OutboxStatus.SENDING)
    .values(
        status=OutboxStatus.SENT,
        sent_channel=bindparam("channel"),
        sent_ts=bindparam("ts"),
        updated_at=bindparam("now"),
        lease_until=None,
    )
)


def mark_all_sent(db: Database, sent: Sequence[Sent], *, now: datetime) -> None:
    """Mark many rows sent in one transaction (one executemany)."""
    if not sent:
        return
    with db.write() as session:
        session.connection().execute(
            _MARK_SENT,
            [{"row_id": s.row_id, "channel": s.channel, "ts": s.ts, "now": now} for s in sent],
        )


def mark_sent(
    db: Database, row_id: int, *, channel: str | None, ts: str | None, now: datetime
) -> None:
    mark_all_sent(db, [Sent(row_id, channel, ts)], now=now)


def mark_failed(db: Database, row_id: int, *, error: str, now: datetime) -> None:
    _finish(db, row_id, now, status=OutboxStatus.FAILED, last_error=error)


def mark_cancelled(db: Database, row_id: int, *, reason: str, now: datetime) -> None:
    _finish(db, row_id, now, status=OutboxStatus.CANCELLED, last_error=reason)


def retry_later(
    db: Database, row_id: int, *, due_at: datetime, error: str | None, now: datetime, count: bool
) -> None:
    """Back to pending. `count=False` gives the attempt back (nothing was tried)."""
    values: dict[str, Any] = {"status": OutboxStatus.PENDING, "due_at": due_at, "last_error": error}
    if not count:
        values["attempts"] = OutboxMessage.attempts - 1
    _finish(db, row_id, now, **values)


def cancel_pending_for_handoff(
    session: Session, handoff_id: int, *, now: datetime, reason: str = "acknowledged"
) -> int:
    """Cancel the handoff's scheduled reminders (nudges, escalations) not yet sent."""
    result = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.handoff_id) == handoff_id)
        .where(col(OutboxMessage.needs_unacknowledged).is_(True))
        .where(col(OutboxMessage.status) == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED, last_error=reason, updated_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def cancel_pending_of_kind(
    session: Session, handoff_id: int, kind: str, *, now: datetime, reason: str
) -> int:
    """Cancel the handoff's messages of one kind not yet sent (an escalation's next steps)."""
    result = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.handoff_id) == handoff_id)
        .where(col(OutboxMessage.kind) == kind)
        .where(col(OutboxMessage.status) == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED, last_error=reason, updated_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def keep_permalink(db: Database, key: str, permalink: str) -> None:
    with db.write() as session:
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.idempotency_key) == key)
            .values(permalink=permalink[:500])
        )


def cancel_pending_with_prefix(session: Session, prefix: str, *, reason: str, now: datetime) -> int:
    """Cancel what is still pending under a key prefix (e.g. a resolved blocker's DMs)."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    result = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.idempotency_key).like(f"{escaped}%", escape="\\"))
        .where(col(OutboxMessage.status) == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED, last_error=reason, updated_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def cancel_pending_keys(
    session: Session, keys: Sequence[str], *, reason: str, now: datetime
) -> int:
    """Cancel these messages if they are still pending."""
    result = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.idempotency_key).in_(list(keys)))
        .where(col(OutboxMessage.status) == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED, last_error=reason, updated_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def check_later(
    db: Database,
    row_id: int,
    *,
    due_at: datetime,
    error: str,
    now: datetime,
    unverified_since: datetime | None,
    unread_before: datetime | None,
) -> None:
    """Back to pending without counting an attempt: the check for an earlier send could not
    finish yet. What it has read so far is kept, so the next check reads on from there."""
    _finish(
        db,
        row_id,
        now,
        status=OutboxStatus.PENDING,
        due_at=due_at,
        last_error=error,
        attempts=OutboxMessage.attempts - 1,
        unverified_since=unverified_since,
        unread_before=unread_before,
    )


def read_back(db: Database, row_id: int, *, claimed_at: datetime) -> None:
    """No earlier attempt reached Slack: only this attempt, claimed at `claimed_at`, is left
    to look for if it is interrupted too."""
    with db.write() as session:
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == row_id)
            .where(col(OutboxMessage.status) == OutboxStatus.SENDING)
            .values(unverified_since=claimed_at, unread_before=None)
        )
