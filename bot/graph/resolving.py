"""Marking an item done: who may, and who hears that their work is unblocked now."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session

from bot.clock import Clock
from bot.graph import messages as views
from bot.graph.reading import ref_of, report_of
from bot.graph.rules import ItemReport
from bot.kernel.rights import DoneRights, may_mark_done
from bot.outbox import intents, messages
from store import graph, outbox, work_items
from store.db import Database
from store.models import ItemState, WorkItem


@dataclass(frozen=True)
class Resolved:
    report: ItemReport
    notify_keys: list[str]  # the "now unblocked" DMs, to send right away
    handoff_keys: list[str] = field(default_factory=list)  # its handoffs marked done

    @property
    def send_now(self) -> list[str]:
        return [*self.notify_keys, *self.handoff_keys]


@dataclass(frozen=True)
class DoneRefused:
    """The person may not mark this item done; `rights` names who may."""

    item: str
    rights: DoneRights


def rights_of(session: Session, item: WorkItem) -> DoneRights:
    assert item.id is not None
    edges = sorted(graph.dependents(session, item.id), key=lambda e: e.created_at)
    waiting = graph.items(session, [e.item_id for e in edges])
    return DoneRights.of(
        item.owner_id,
        [e.declared_by for e in edges],
        [waiting[e.item_id].owner_id for e in edges if e.item_id in waiting],
    )


class ItemResolver:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        on_item_done: Callable[..., list[str]] | None = None,
        on_item_blockers: Callable[..., list[str]] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.on_item_done = on_item_done
        self.on_item_blockers = on_item_blockers

    def mark_done(
        self, channel_id: str, item_name: str, *, by: str, is_admin: Callable[[str], bool]
    ) -> Resolved | DoneRefused | None:
        """Mark an item done; owners of what waited on it hear what is unblocked now."""
        with self.db.read() as session:
            item = work_items.find(session, channel_id, item_name)
        if item is None:
            return None
        assert item.id is not None
        return self.resolve(item.id, by=by, is_admin=is_admin)

    def resolve(
        self, item_id: int, *, by: str, is_admin: Callable[[str], bool]
    ) -> Resolved | DoneRefused | None:
        """Mark the item done if `by` may (see `domain.rights`); admin status is asked for only
        when no role allows it, and never while holding the database."""
        with self.db.read() as session:
            item = session.get(WorkItem, item_id)
            if item is None:
                return None
            rights = rights_of(session, item)
        if not may_mark_done(by, rights, is_admin=is_admin):
            return DoneRefused(item.name, rights)
        by_role = bool(rights.roles_of(by))
        now = self.clock.now()
        keys: list[str] = []
        with self.db.write() as session:
            item = session.get(WorkItem, item_id)
            if item is None:
                return None
            rights = rights_of(session, item)
            if by_role and not rights.roles_of(by):  # the role was lost meanwhile
                session.rollback()
                return DoneRefused(item.name, rights)
            first_time = item.state != ItemState.DONE
            item.state, item.done_at, item.done_by = (
                ItemState.DONE,
                item.done_at or now,
                item.done_by or by,
            )
            session.add(item)
            session.flush()
            outbox.cancel_pending_with_prefix(
                session, intents.blocker_prefix(item_id), reason="resolved", now=now
            )
            handoff_keys = (
                self.on_item_done(session, item_id, by=by, now=now) if self.on_item_done else []
            )
            if first_time:
                for waiting_edge in graph.dependents(session, item_id):
                    waiting = session.get(WorkItem, waiting_edge.item_id)
                    if waiting is None or waiting.state == ItemState.DONE:
                        continue
                    still = report_of(session, waiting)
                    if self.on_item_blockers is not None and waiting.id is not None:
                        handoff_keys += self.on_item_blockers(session, waiting.id, now=now)
                    recipient = waiting.owner_id or waiting_edge.declared_by
                    message = views.unblocked_dm(ref_of(item), still, by=by)
                    assert waiting.id is not None
                    notify = messages.new(
                        intents.UnblockedDm(item_id=item_id, waiting_id=waiting.id),
                        target=recipient,
                        text=message.text,
                        blocks=message.blocks,
                        due_at=now,
                    )
                    keys.append(notify.key)
                    outbox.enqueue(session, notify, now=now)
            return Resolved(report_of(session, item), keys, handoff_keys)
