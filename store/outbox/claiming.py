"""Claiming due rows: one write transaction moves them to `sending` under a lease."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Integer, bindparam, case, func, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from store.db import Database
from store.models import OutboxMessage, OutboxStatus
from store.types import as_utc


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
        claimed_at=bindparam("claim_now"),
        # A first attempt (none counted: never tried, or each try given back as not made)
        # starts the span an after-crash check reads; later attempts keep its start.
        unverified_since=case(
            (col(OutboxMessage.attempts) == 0, bindparam("claim_now")),
            else_=func.coalesce(OutboxMessage.unverified_since, OutboxMessage.created_at),
        ),
        unread_before=case(
            (col(OutboxMessage.attempts) == 0, None), else_=OutboxMessage.unread_before
        ),
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
