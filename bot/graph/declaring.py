"""Declaring an edge: `/blocked X on Y`, refused when it would close a cycle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.graph.rules import EdgeKind, cycle_through
from bot.outbox import intents
from store import graph, outbox, work_items
from store.db import Database
from store.models import Dependency, ItemState


@dataclass(frozen=True)
class Declared:
    item: str
    dependency: str
    kind: EdgeKind
    updated: bool
    send_now: list[str] = field(default_factory=list)  # its handoffs' messages, edited


@dataclass(frozen=True)
class CycleRefused:
    names: list[str]


class EdgeDeclarer:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        on_item_blockers: Callable[..., list[str]] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.on_item_blockers = on_item_blockers

    def declare(
        self,
        channel_id: str,
        item_name: str,
        dependency_name: str,
        *,
        kind: EdgeKind,
        owner_id: str | None,
        reason: str | None,
        declared_by: str,
    ) -> Declared | CycleRefused:
        now = self.clock.now()
        with self.db.write() as session:
            item = work_items.get_or_create(session, channel_id, item_name, now=now)
            dependency = work_items.get_or_create(session, channel_id, dependency_name, now=now)
            assert item.id is not None and dependency.id is not None
            existing = graph.edge(session, item.id, dependency.id)
            if existing is None:
                cycle = cycle_through(
                    item.id,
                    dependency.id,
                    graph.reachable(session, dependency.id, hard_open_only=False),
                )
                if cycle is not None:
                    session.rollback()
                    with self.db.read() as names_session:
                        named = graph.items(names_session, cycle)
                    names = [named[i].name if i in named else item_name for i in cycle]
                    return CycleRefused(names)
                session.add(
                    Dependency(
                        channel_id=channel_id,
                        item_id=item.id,
                        dependency_id=dependency.id,
                        kind=kind,
                        reason=reason,
                        declared_by=declared_by,
                        created_at=now,
                        updated_at=now,
                    )
                )
            else:
                existing.kind = kind
                existing.reason = reason or existing.reason
                existing.updated_at = now
                session.add(existing)
            if owner_id:
                dependency.owner_id = owner_id
                session.add(dependency)
            if kind == EdgeKind.HARD and dependency.state == ItemState.OPEN:
                # No longer a root blocker: a DM about it still waiting would be stale.
                outbox.cancel_pending_with_prefix(
                    session, intents.blocker_prefix(item.id), reason="blocked itself", now=now
                )
            session.flush()
            keys = self.on_item_blockers(session, item.id, now=now) if self.on_item_blockers else []
        return Declared(item.name, dependency.name, kind, existing is not None, keys)
