"""Dependency-graph queries: load only what one question needs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.domain.graph import Edge, EdgeKind
from store.models import Dependency, ItemState, WorkItem
from store.types import as_utc

REACH_LIMIT = 5_000  # edges; past this a question is answered from what was loaded


def edge(session: Session, item_id: int, dependency_id: int) -> Dependency | None:
    return session.exec(
        select(Dependency).where(
            Dependency.item_id == item_id, Dependency.dependency_id == dependency_id
        )
    ).first()


def reachable(
    session: Session, start: int, *, hard_open_only: bool, limit: int = REACH_LIMIT
) -> dict[int, list[Edge]]:
    """Every edge reachable from `start`, as an adjacency map (a recursive query, so the
    cost follows the reachable part of the graph, not the channel's size)."""
    d = Dependency.__table__  # type: ignore[attr-defined]
    dep_item = WorkItem.__table__.alias("dep_item")  # type: ignore[attr-defined]

    def step(source: object) -> object:
        query = sa_select(d.c.item_id, d.c.dependency_id, d.c.kind, d.c.created_at)
        if hard_open_only:
            query = query.join(dep_item, dep_item.c.id == d.c.dependency_id).where(
                d.c.kind == EdgeKind.HARD, dep_item.c.state == ItemState.OPEN
            )
        return query

    base = step(None).where(d.c.item_id == start)  # type: ignore[attr-defined]
    reach = base.cte("reach", recursive=True)
    recursive = step(None).join(reach, d.c.item_id == reach.c.dependency_id)  # type: ignore[attr-defined]
    reach = reach.union(recursive)
    rows = session.execute(sa_select(reach).limit(limit)).all()
    graph: dict[int, list[Edge]] = defaultdict(list)
    for item_id, dependency_id, kind, created_at in rows:
        graph[item_id].append(Edge(item_id, dependency_id, EdgeKind(kind), as_utc(created_at)))
    return graph


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
    time of their oldest such edge; and how many there are in all."""
    dep_item = aliased(WorkItem)
    since = func.min(Dependency.created_at).label("since")
    base = (
        select(WorkItem, since)
        .join(Dependency, col(Dependency.item_id) == WorkItem.id)
        .join(dep_item, col(dep_item.id) == Dependency.dependency_id)
        .where(WorkItem.channel_id == channel_id)
        .where(WorkItem.state == ItemState.OPEN)
        .where(Dependency.kind == EdgeKind.HARD)
        .where(dep_item.state == ItemState.OPEN)
        .group_by(col(WorkItem.id))
    )
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    rows = session.exec(base.order_by(since, col(WorkItem.id)).offset(offset).limit(limit)).all()
    return [(item, as_utc(when)) for item, when in rows], int(total)


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
