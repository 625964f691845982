"""The outbox: messages Baton owes Slack, claimed atomically by whichever sweeper gets there."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Integer, bindparam, event, func, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from store.db import Database
from store.models import OutboxMessage, OutboxOp, OutboxStatus
from store.types import as_utc


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


# -- waking sweepers when a row is written --------------------------------------------------

NOTIFY_CHANNEL = "baton_outbox"
_EARLIEST = "baton_outbox_earliest_due"
_DUE_NOW = "baton_outbox_due_now"
_listeners: list[Callable[[datetime], None]] = []
_senders: list[Callable[[Any, list[str]], None]] = []
_listeners_guard = threading.Lock()


def on_enqueued(callback: Callable[[datetime], None]) -> Callable[[], None]:
    """Call `callback(earliest due_at)` after each commit that wrote outbox rows, in this
    process. Returns the function that stops it."""
    with _listeners_guard:
        _listeners.append(callback)

    def stop() -> None:
        with _listeners_guard:
            if callback in _listeners:
                _listeners.remove(callback)

    return stop


def on_committed(callback: Callable[[Any, list[str]], None]) -> Callable[[], None]:
    """Call `callback(bind, keys)` after each commit, in this process, that wrote rows due at
    once: the keys, and the engine they were written with. This is how a committed message
    goes out promptly (no handler asks for it). Returns the function that stops it."""
    with _listeners_guard:
        _senders.append(callback)

    def stop() -> None:
        with _listeners_guard:
            if callback in _senders:
                _senders.remove(callback)

    return stop


def _announce_later(session: Session, due_at: datetime, due_now: Sequence[str] = ()) -> None:
    if due_now:
        session.info.setdefault(_DUE_NOW, []).extend(due_now)
    earliest = session.info.get(_EARLIEST)
    if earliest is not None and due_at >= earliest:
        return
    session.info[_EARLIEST] = due_at
    if session.get_bind().dialect.name == "postgresql":
        # Delivered at commit (never on rollback) to every process LISTENing: other sweepers.
        session.execute(
            text("SELECT pg_notify(:channel, :due)"),
            {"channel": NOTIFY_CHANNEL, "due": f"{due_at.timestamp():.6f}"},
        )


@event.listens_for(OrmSession, "after_commit")
def _announce(session: OrmSession) -> None:
    earliest = session.info.pop(_EARLIEST, None)
    due_now: list[str] = session.info.pop(_DUE_NOW, [])
    if earliest is None:
        return
    with _listeners_guard:
        listeners, senders = list(_listeners), list(_senders)
    for listener in listeners:
        listener(earliest)
    if due_now:
        bind = session.get_bind()
        for send in senders:
            send(bind, due_now)


@event.listens_for(OrmSession, "after_rollback")
def _forget(session: OrmSession) -> None:
    session.info.pop(_EARLIEST, None)
    session.info.pop(_DUE_NOW, None)


# -- claiming ------------------------------------------------------------------------------


def claim_due(
    db: Database,
    *,
    now: datetime,
    lease: timedelta,
    limit: int,
    keys: Sequence[str] | None = None,
    skip_busy_targets: bool = False,
    per_target: int | None = None,
    max_targets: int | None = None,
    exclude_targets: Collection[str] | None = None,
) -> list[OutboxMessage]:
    """Move due rows (and rows whose lease ran out) to `sending`, in one write transaction.

    The candidates come from two index ranges, each with its own LIMIT: pending rows by
    `due_at`, and `sending` rows whose lease ran out. Neither sorts the backlog, so a claim
    costs the same with 100 due rows as with 50k. On PostgreSQL the candidates are locked
    with SKIP LOCKED so concurrent sweepers never wait on or take each other's rows; on
    SQLite the transaction starts with BEGIN IMMEDIATE, which serialises claimers.

    `skip_busy_targets` leaves alone conversations another sweeper is sending to (a live
    lease), so that sweepers in several processes do not share one channel's 1 msg/s.
    `per_target` takes at most that many rows of one conversation, `max_targets` at most
    that many conversations (the rest stay pending for the next claim), none of
    `exclude_targets`.
    """
    with db.write() as session:
        picked = _pick(
            _candidates(
                session,
                db.dialect,
                now=now,
                limit=limit,
                keys=keys,
                skip_busy_targets=skip_busy_targets,
                exclude_targets=exclude_targets,
            ),
            limit=limit,
            per_target=per_target,
            max_targets=max_targets,
        )
        if not picked:
            return []
        rows = list(
            session.execute(
                _CLAIM, {"picked": picked, "claim_lease": now + lease, "claim_now": now}
            ).scalars()
        )
    return sorted(rows, key=lambda row: (as_utc(row.due_at), row.id or 0))


_CLAIM = (
    update(OutboxMessage)
    .where(col(OutboxMessage.id).in_(bindparam("picked", expanding=True)))
    .values(
        status=OutboxStatus.SENDING,
        lease_until=bindparam("claim_lease"),
        attempts=OutboxMessage.attempts + 1,
        updated_at=bindparam("claim_now"),
    )
    .returning(OutboxMessage)
)


def _candidates(
    session: Session,
    dialect: str,
    *,
    now: datetime,
    limit: int,
    keys: Sequence[str] | None,
    skip_busy_targets: bool,
    exclude_targets: Collection[str] | None,
) -> list[tuple[int, str, datetime]]:
    params: dict[str, Any] = {"now": now, "limit": limit}
    if keys is not None:
        params["keys"] = list(keys)
    if exclude_targets:
        params["exclude"] = list(exclude_targets)
    found: list[tuple[int, str, datetime]] = []
    for status in (OutboxStatus.SENDING, OutboxStatus.PENDING):
        query = _candidates_query(
            dialect,
            status,
            by_keys=keys is not None,
            excluding=bool(exclude_targets),
            skip_busy_targets=skip_busy_targets,
        )
        found.extend(
            (int(i or 0), t, as_utc(d)) for i, t, d in session.execute(query, params).all()
        )
    return sorted(found, key=lambda row: (row[2], row[0]))


@cache
def _candidates_query(
    dialect: str, status: OutboxStatus, *, by_keys: bool, excluding: bool, skip_busy_targets: bool
) -> Any:
    """One candidate range, built once per shape (building it cost more than running it):
    `sending` rows whose lease ran out, or `pending` rows that are due; both in due_at order,
    the order of ix_outbox_status_due_at, so nothing is sorted."""
    o = OutboxMessage
    now: BindParameter[datetime] = bindparam("now")
    ready = col(o.lease_until) <= now if status == OutboxStatus.SENDING else col(o.due_at) <= now
    query = (
        select(o.id, o.target, o.due_at)
        .where(col(o.status) == status, ready)
        .order_by(col(o.due_at))
        .limit(bindparam("limit", type_=Integer))
    )
    if by_keys:
        query = query.where(col(o.idempotency_key).in_(bindparam("keys", expanding=True)))
    if excluding:
        query = query.where(col(o.target).not_in(bindparam("exclude", expanding=True)))
    if skip_busy_targets:
        busy = aliased(OutboxMessage)
        query = query.where(
            col(o.target).not_in(
                select(busy.target).where(
                    col(busy.status) == OutboxStatus.SENDING, col(busy.lease_until) > now
                )
            )
        )
    if dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return query


def _pick(
    candidates: list[tuple[int, str, datetime]],
    *,
    limit: int,
    per_target: int | None,
    max_targets: int | None,
) -> list[int]:
    taken: dict[str, int] = {}
    picked: list[int] = []
    for row_id, target, _due in candidates:
        count = taken.get(target, 0)
        if per_target is not None and count >= per_target:
            continue
        if count == 0 and max_targets is not None and len(taken) >= max_targets:
            continue
        taken[target] = count + 1
        picked.append(row_id)
        if len(picked) >= limit:
            break
    return picked


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


def of_handoff(session: Session, handoff_id: int) -> list[OutboxMessage]:
    """Every message about one handoff, oldest first."""
    return list(
        session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.handoff_id) == handoff_id)
            .order_by(col(OutboxMessage.id))
        ).all()
    )


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


def count_with_prefix(session: Session, prefix: str, *, excluding: str | None = None) -> int:
    """Messages under a key prefix that were sent or are still to be sent."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = (
        select(func.count())
        .select_from(OutboxMessage)
        .where(col(OutboxMessage.idempotency_key).like(f"{escaped}%", escape="\\"))
        .where(col(OutboxMessage.status).not_in([OutboxStatus.CANCELLED, OutboxStatus.FAILED]))
    )
    if excluding is not None:
        query = query.where(OutboxMessage.idempotency_key != excluding)
    return int(session.exec(query).one())


def find(session: Session, key: str) -> OutboxMessage | None:
    return session.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).first()


def by_keys(session: Session, keys: Sequence[str]) -> dict[str, OutboxMessage]:
    rows = session.exec(
        select(OutboxMessage).where(col(OutboxMessage.idempotency_key).in_(list(keys)))
    ).all()
    return {row.idempotency_key: row for row in rows}


def next_due(db: Database) -> datetime | None:
    """When the next row falls due (or a lease runs out): what a sweeper sleeps until."""
    o = OutboxMessage
    with db.read() as session:
        pending = session.exec(
            select(func.min(o.due_at)).where(col(o.status) == OutboxStatus.PENDING)
        ).one()
        leased = session.exec(
            select(func.min(o.lease_until)).where(col(o.status) == OutboxStatus.SENDING)
        ).one()
    times = [as_utc(t) for t in (pending, leased) if t is not None]
    return min(times) if times else None
