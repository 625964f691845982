"""Dependency-graph queries: load only what one question needs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import case, event, func, text, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select as sa_select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from store.models import Dependency, ItemState, WorkItem
from store.types import as_utc
from store.vocabulary import Edge, EdgeKind

REACH_LIMIT = 5_000  # edges; past this a question is answered from what was loaded


def edge(session: Session, item_id: int, dependency_id: int) -> Dependency | None:
    return session.exec(
        select(Dependency).where(
            Dependency.item_id == item_id, Dependency.dependency_id == dependency_id
        )
    ).first()


def waits_on_anything(session: Session, item_id: int) -> bool:
    """Whether any edge starts at the item (one index probe)."""
    found = session.exec(
        select(Dependency.id).where(Dependency.item_id == item_id).limit(1)
    ).first()
    return found is not None


def reachable(
    session: Session,
    start: int | Iterable[int],
    *,
    hard_open_only: bool,
    limit: int = REACH_LIMIT,
) -> dict[int, list[Edge]]:
    """Every edge reachable from `start` (one item, or several at once), as an adjacency
    map: one recursive query, so the cost follows the reachable part of the graph, not the
    channel's size. What one of several starts reaches in the map is exactly what it
    reaches in the graph, so the map serves each of them."""
    starts = [start] if isinstance(start, int) else sorted(set(start))
    if not starts:
        return {}
    d = Dependency.__table__  # type: ignore[attr-defined]
    dep_item = WorkItem.__table__.alias("dep_item")  # type: ignore[attr-defined]

    def step() -> Any:
        query = sa_select(d.c.item_id, d.c.dependency_id, d.c.kind, d.c.created_at)
        if hard_open_only:
            query = query.join(dep_item, dep_item.c.id == d.c.dependency_id).where(
                d.c.kind == EdgeKind.HARD, dep_item.c.state == ItemState.OPEN
            )
        return query

    base = step().where(d.c.item_id.in_(starts))
    reach = base.cte("reach", recursive=True)
    recursive = step().join(reach, d.c.item_id == reach.c.dependency_id)
    reach = reach.union(recursive)
    with _walking(session):
        rows = session.execute(sa_select(reach).limit(limit)).all()
    graph: dict[int, list[Edge]] = defaultdict(list)
    for item_id, dependency_id, kind, created_at in rows:
        graph[item_id].append(Edge(item_id, dependency_id, EdgeKind(kind), as_utc(created_at)))
    return graph


@contextmanager
def _walking(session: Session) -> Iterator[None]:
    """PostgreSQL cannot estimate how far a recursive query goes and, on a big table, hashes
    the whole edge table at each step; a walk is index lookups from the few rows reached,
    so for this one query (SET LOCAL, then back) it gets nested loops."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    session.execute(text("SET LOCAL enable_hashjoin = off"))
    session.execute(text("SET LOCAL enable_mergejoin = off"))
    try:
        yield
    finally:
        session.execute(text("SET LOCAL enable_hashjoin = DEFAULT"))
        session.execute(text("SET LOCAL enable_mergejoin = DEFAULT"))


def items(session: Session, ids: Iterable[int]) -> dict[int, WorkItem]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.exec(select(WorkItem).where(col(WorkItem.id).in_(wanted))).all()
    return {row.id: row for row in rows if row.id is not None}


def direct_dependencies(session: Session, item_id: int) -> list[Dependency]:
    return list(session.exec(select(Dependency).where(Dependency.item_id == item_id)).all())


def dependents(session: Session, item_id: int) -> list[Dependency]:
    return list(session.exec(select(Dependency).where(Dependency.dependency_id == item_id)).all())


def blocked_items(
    session: Session, channel_id: str, *, limit: int, offset: int = 0
) -> tuple[list[tuple[WorkItem, datetime]], int]:
    """Open items of the channel with an open hard dependency, most-waited first, with the
    time of their oldest such edge; and how many there are in all. Both read one range of
    ix_work_item_channel_blocked, so the cost follows the page, not the channel."""
    blocked = (
        col(WorkItem.channel_id) == channel_id,
        col(WorkItem.blocked_since).is_not(None),
    )
    total = session.exec(select(func.count()).select_from(WorkItem).where(*blocked)).one()
    rows = session.exec(
        select(WorkItem)
        .where(*blocked)
        .order_by(col(WorkItem.blocked_since), col(WorkItem.id))
        .offset(offset)
        .limit(limit)
    ).all()
    return [(item, as_utc(item.blocked_since)) for item in rows if item.blocked_since], int(total)


def direct_dependencies_of(
    session: Session, item_ids: Iterable[int]
) -> dict[int, list[Dependency]]:
    wanted = list(set(item_ids))
    found: dict[int, list[Dependency]] = {item_id: [] for item_id in wanted}
    if wanted:
        for row in session.exec(
            select(Dependency).where(col(Dependency.item_id).in_(wanted))
        ).all():
            found[row.item_id].append(row)
    return found


# -- keeping work_item.blocked_since ---------------------------------------------------------


def refresh_blocked_since(session: OrmSession, item_ids: Iterable[int] | None) -> None:
    """Recompute `blocked_since` for these items (all, when None): the oldest hard edge onto
    an open item, while the item itself is open."""
    w = WorkItem.__table__  # type: ignore[attr-defined]
    d = Dependency.__table__  # type: ignore[attr-defined]
    dep_item = w.alias("dep_item")
    since = (
        sa_select(func.min(d.c.created_at))
        .select_from(d.join(dep_item, dep_item.c.id == d.c.dependency_id))
        .where(d.c.item_id == w.c.id, d.c.kind == EdgeKind.HARD, dep_item.c.state == ItemState.OPEN)
        .scalar_subquery()
    )
    statement = update(w).values(blocked_since=case((w.c.state == ItemState.OPEN, since)))
    if item_ids is not None:
        wanted = sorted(set(item_ids))
        if not wanted:
            return
        statement = statement.where(w.c.id.in_(wanted))
    session.connection().execute(statement)


def _state_changed(item: WorkItem) -> bool:
    return bool(sa_inspect(item).attrs.state.history.has_changes())


@event.listens_for(OrmSession, "after_flush")
def _keep_blocked_since(session: OrmSession, _context: object) -> None:
    """Whatever changed an item's state or an edge, through the ORM, refreshes the
    `blocked_since` of the items it concerns, in the same transaction."""
    touched: set[int] = set()
    states: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Dependency):
            touched.add(obj.item_id)
    for obj in session.dirty:  # a new item has no edges but those flushed with it
        if isinstance(obj, WorkItem) and obj.id is not None and _state_changed(obj):
            states.add(obj.id)
    if not touched and not states:
        return
    if states:
        d = Dependency.__table__  # type: ignore[attr-defined]
        waiting = session.connection().execute(
            sa_select(d.c.item_id).where(d.c.dependency_id.in_(sorted(states)))
        )
        touched |= states | {row[0] for row in waiting}
    refresh_blocked_since(session, touched)


def old_hard_waits(session: Session, *, older_than: datetime, limit: int = 500) -> list[Dependency]:
    """Hard edges between two open items, declared before `older_than`, oldest first: work
    that has waited long enough for its blocker's owner to hear of it."""
    waiting = aliased(WorkItem)
    blocking = aliased(WorkItem)
    return list(
        session.exec(
            select(Dependency)
            .join(waiting, col(waiting.id) == Dependency.item_id)
            .join(blocking, col(blocking.id) == Dependency.dependency_id)
            .where(Dependency.kind == EdgeKind.HARD)
            .where(waiting.state == ItemState.OPEN)
            .where(blocking.state == ItemState.OPEN)
            .where(col(Dependency.created_at) <= older_than)
            .order_by(col(Dependency.created_at), col(Dependency.id))
            .limit(limit)
        ).all()
    )


def owned_open_items(session: Session, owner_id: str, *, limit: int = 50) -> list[WorkItem]:
    return list(
        session.exec(
            select(WorkItem)
            .where(WorkItem.owner_id == owner_id)
            .where(WorkItem.state == ItemState.OPEN)
            .order_by(col(WorkItem.created_at))
            .limit(limit)
        ).all()
    )
