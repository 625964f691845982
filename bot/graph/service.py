"""The dependency graph as people use it: declare, ask, resolve, and escalate to root owners."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.clock import Clock
from bot.graph import messages as views
from bot.graph.rules import (
    BlockerLine,
    Edge,
    EdgeKind,
    ItemRef,
    ItemReport,
    cycle_through,
    root_blockers,
)
from bot.handoffs.lifecycle import BlockerStep, blocker_step
from bot.kernel.rights import DoneRights, may_mark_done
from bot.kernel.working_hours import WorkingHours, deliver_at, zone_or_utc
from bot.outbox import intents, messages
from store import graph, outbox, work_items
from store.db import Database
from store.models import Dependency, ItemState, WorkItem
from store.types import as_utc

LIST_PAGE = 15
PLAN_EVERY = timedelta(minutes=1)  # how often a sweeper looks for blockers to escalate


SNOOZE_FOR = timedelta(days=1)


def _blocker_key(item_id: int) -> str:
    return intents.blocker_prefix(item_id)


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


def _ref(item: WorkItem) -> ItemRef:
    assert item.id is not None
    return ItemRef(
        id=item.id, name=item.name, owner_id=item.owner_id, done=item.state == ItemState.DONE
    )


class GraphService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        escalate_after: timedelta,
        hours: WorkingHours,
        reminder_limit: int = 3,
        on_item_done: Callable[..., list[str]] | None = None,
        on_item_blockers: Callable[..., list[str]] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.escalate_after = escalate_after
        self.hours = hours
        self.reminder_limit = reminder_limit
        self.on_item_done = on_item_done
        self.on_item_blockers = on_item_blockers
        # When planning last ran, on the monotonic clock: a wall clock stepped back must not
        # make "planned a minute ago" last for hours.
        self._planned_at: float | None = None

    # -- declaring ----------------------------------------------------------------------

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
                    session, _blocker_key(item.id), reason="blocked itself", now=now
                )
            session.flush()
            keys = self.on_item_blockers(session, item.id, now=now) if self.on_item_blockers else []
        return Declared(item.name, dependency.name, kind, existing is not None, keys)

    # -- asking -------------------------------------------------------------------------

    def report(self, channel_id: str, item_name: str) -> ItemReport | None:
        with self.db.read() as session:
            item = work_items.find(session, channel_id, item_name)
            if item is None:
                return None
            return self._report(session, item)

    def _report(self, session: Session, item: WorkItem) -> ItemReport:
        assert item.id is not None
        hard = graph.reachable(session, item.id, hard_open_only=True)
        direct = graph.direct_dependencies(session, item.id)
        return self._reports(session, [item], hard, {item.id: direct})[0]

    def _reports(
        self,
        session: Session,
        items: list[WorkItem],
        hard: dict[int, list[Edge]],
        direct: dict[int, list[Dependency]],
    ) -> list[ItemReport]:
        """Reports for these items from the open hard edges they reach (one map for all)
        and their direct edges: one names query for all."""
        blockers = {
            item.id: root_blockers(item.id, hard, done=set())
            for item in items
            if item.id is not None
        }
        named = graph.items(
            session,
            [i for found in blockers.values() for b in found for i in b.chain]
            + [d.dependency_id for rows in direct.values() for d in rows],
        )
        reports = []
        for item in items:
            assert item.id is not None
            report = ItemReport(item=_ref(item))
            for blocker in blockers[item.id]:
                report.blockers.append(
                    BlockerLine(
                        root=_ref(named[blocker.root]),
                        chain=[named[i].name for i in blocker.chain],
                        since=blocker.since,
                    )
                )
            for row in direct.get(item.id, []):
                dependency = named[row.dependency_id]
                if row.kind == EdgeKind.SOFT and dependency.state == ItemState.OPEN:
                    report.soft.append((_ref(dependency), row.reason))
            reports.append(report)
        return reports

    def blocked_in_channel(self, channel_id: str) -> tuple[list[ItemReport], int]:
        """The channel's longest-waiting blocked items (a page) and how many there are: a
        fixed number of queries, whatever the size of the channel."""
        with self.db.read() as session:
            rows, total = graph.blocked_items(session, channel_id, limit=LIST_PAGE)
            items = [item for item, _ in rows]
            ids = [item.id for item in items if item.id is not None]
            hard = graph.reachable(session, ids, hard_open_only=True)
            direct = graph.direct_dependencies_of(session, ids)
            return self._reports(session, items, hard, direct), total

    def home_for(
        self, user_id: str
    ) -> tuple[list[tuple[ItemRef, list[list[str]]]], list[ItemReport]]:
        """What the user's items block (with chains), and what the user's items wait on."""
        blocking: list[tuple[ItemRef, list[list[str]]]] = []
        waiting: list[ItemReport] = []
        with self.db.read() as session:
            for item in graph.owned_open_items(session, user_id):
                assert item.id is not None
                report = self._report(session, item)
                if report.blockers:
                    waiting.append(report)
                else:
                    chains = self._chains_up(session, item.id)
                    if chains:
                        blocking.append((_ref(item), chains))
        return blocking, waiting

    # -- resolving ----------------------------------------------------------------------

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

    @staticmethod
    def _rights(session: Session, item: WorkItem) -> DoneRights:
        assert item.id is not None
        edges = sorted(graph.dependents(session, item.id), key=lambda e: e.created_at)
        waiting = graph.items(session, [e.item_id for e in edges])
        return DoneRights.of(
            item.owner_id,
            [e.declared_by for e in edges],
            [waiting[e.item_id].owner_id for e in edges if e.item_id in waiting],
        )

    def resolve(
        self, item_id: int, *, by: str, is_admin: Callable[[str], bool]
    ) -> Resolved | DoneRefused | None:
        """Mark the item done if `by` may (see `domain.rights`); admin status is asked for only
        when no role allows it, and never while holding the database."""
        with self.db.read() as session:
            item = session.get(WorkItem, item_id)
            if item is None:
                return None
            rights = self._rights(session, item)
        if not may_mark_done(by, rights, is_admin=is_admin):
            return DoneRefused(item.name, rights)
        by_role = bool(rights.roles_of(by))
        now = self.clock.now()
        keys: list[str] = []
        with self.db.write() as session:
            item = session.get(WorkItem, item_id)
            if item is None:
                return None
            rights = self._rights(session, item)
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
                session, _blocker_key(item_id), reason="resolved", now=now
            )
            handoff_keys = (
                self.on_item_done(session, item_id, by=by, now=now) if self.on_item_done else []
            )
            if first_time:
                for waiting_edge in graph.dependents(session, item_id):
                    waiting = session.get(WorkItem, waiting_edge.item_id)
                    if waiting is None or waiting.state == ItemState.DONE:
                        continue
                    still = self._report(session, waiting)
                    if self.on_item_blockers is not None and waiting.id is not None:
                        handoff_keys += self.on_item_blockers(session, waiting.id, now=now)
                    recipient = waiting.owner_id or waiting_edge.declared_by
                    message = views.unblocked_dm(_ref(item), still, by=by)
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
            return Resolved(self._report(session, item), keys, handoff_keys)

    # -- escalating ---------------------------------------------------------------------

    def snooze_blocker(self, item_id: int, *, by: str) -> tuple[ItemRef, datetime] | None:
        """No reminder about this blocker for a day (a blocker DM's Snooze 1 day)."""
        now = self.clock.now()
        with self.db.write() as session:
            item = session.get(WorkItem, item_id)
            if item is None:
                return None
            until = now + SNOOZE_FOR
            item.reminders_paused_until = until
            session.add(item)
            outbox.cancel_pending_with_prefix(
                session, _blocker_key(item_id), reason=f"snoozed by {by}", now=now
            )
            return _ref(item), until

    def enqueue_blocker_escalations(self, tz_of: Callable[[str], str | None]) -> int:
        """One DM to the owner of each root blocker once work has waited on it for the
        escalation delay, then at most one reminder per working day (the outbox key carries the
        owner's local date), for at most `reminder_limit` working days; then one last message
        in the channel, and silence. A wait whose blocker is now blocked itself escalates to the
        new root's owner; a root without an owner, to whoever declared the edge onto it."""
        now = self.clock.now()
        checked_at = self.clock.monotonic()
        if (
            self._planned_at is not None
            and checked_at - self._planned_at < PLAN_EVERY.total_seconds()
        ):
            return 0  # idempotent anyway (outbox keys); this only spares the database
        self._planned_at = checked_at
        plans: list[tuple[ItemRef, str, datetime, list[views.Wait]]] = []
        with self.db.read() as session:
            since_by_root: dict[int, datetime] = {}
            roots_of: dict[int, list[int]] = {}
            for wait in graph.old_hard_waits(session, older_than=now - self.escalate_after):
                dependency = wait.dependency_id
                if dependency not in roots_of:
                    beneath = graph.reachable(session, dependency, hard_open_only=True)
                    found = root_blockers(dependency, beneath, done=set())
                    roots_of[dependency] = [b.root for b in found] or [dependency]
                for root_id in roots_of[dependency]:
                    since_by_root.setdefault(root_id, as_utc(wait.created_at))
            named = graph.items(session, since_by_root)
            for root_id, since in since_by_root.items():
                root = named[root_id]
                paused = root.reminders_paused_until
                if paused is not None and as_utc(paused) > now:
                    continue
                recipient = root.owner_id or self._declarer_onto(session, root_id)
                if recipient is not None:
                    plans.append((_ref(root), recipient, since, self._waits(session, root_id)))
        # Time zones may need users.info: never while holding the database.
        zones = {recipient: zone_or_utc(tz_of(recipient)) for _, recipient, _, _ in plans}
        added = 0
        with self.db.write() as session:
            for root_ref, recipient, since, waits in plans:
                current = session.get(WorkItem, root_ref.id)
                if current is None or current.state != ItemState.OPEN:
                    continue  # resolved meanwhile
                zone = zones[recipient]
                due = deliver_at(now, self.hours, zone)
                prefix = _blocker_key(root_ref.id)
                intent: intents.Payload = intents.BlockerDm(
                    item_id=root_ref.id, to=recipient, day=due.astimezone(zone).date()
                )
                if outbox.find(session, intents.key_of(intent)) is not None:
                    continue  # today's is planned already
                last_word_key = intents.key_of(intents.BlockerLastWord(item_id=root_ref.id))
                reminded = outbox.count_with_prefix(session, prefix, excluding=last_word_key)
                last_word = outbox.find(session, last_word_key) is not None
                step = blocker_step(reminded, self.reminder_limit, last_word_sent=last_word)
                if step is BlockerStep.STOP:
                    continue
                if step is BlockerStep.LAST_WORD:
                    message = views.blocker_last_word(
                        root_ref, waits, days=reminded, since=since, now=due
                    )
                    intent = intents.BlockerLastWord(item_id=root_ref.id)
                    target = current.channel_id
                else:
                    message = views.blocker_dm(
                        root_ref, waits, since=since, now=due, channel_id=current.channel_id
                    )
                    target = recipient
                added += outbox.enqueue(
                    session,
                    messages.new(
                        intent, target=target, text=message.text, blocks=message.blocks, due_at=due
                    ),
                    now=now,
                )
        return added

    def _waits(self, session: Session, root_id: int) -> list[views.Wait]:
        """What waits on the root (each chain down to it), whose it is, and why."""
        waits: list[views.Wait] = []
        chains = self._chain_ids_up(session, root_id)
        named = graph.items(session, [i for c in chains for i in c])
        for chain in chains:
            onto = graph.edge(session, chain[-2], chain[-1])
            waits.append(
                views.Wait(
                    chain=[named[i].name for i in chain],
                    owner_id=named[chain[0]].owner_id,
                    reason=onto.reason if onto else None,
                )
            )
        return waits

    @staticmethod
    def _declarer_onto(session: Session, item_id: int) -> str | None:
        edges = [e for e in graph.dependents(session, item_id) if e.kind == EdgeKind.HARD]
        return min(edges, key=lambda e: e.created_at).declared_by if edges else None

    def _chains_up(self, session: Session, root_id: int, limit: int = 10) -> list[list[str]]:
        """What the root blocks: chains of names from each top item down to the root."""
        chains = self._chain_ids_up(session, root_id, limit)
        named = graph.items(session, [i for c in chains for i in c])
        return [[named[i].name for i in chain] for chain in chains]

    def _chain_ids_up(self, session: Session, root_id: int, limit: int = 10) -> list[list[int]]:
        """What the root blocks: chains from each top item down to the root (a few)."""
        chains: list[list[int]] = []
        frontier: list[list[int]] = [[root_id]]
        seen = {root_id}
        while frontier and len(chains) < limit:
            path = frontier.pop(0)
            ups = [e for e in graph.dependents(session, path[0]) if e.kind == EdgeKind.HARD]
            ups = [e for e in ups if e.item_id not in seen]
            open_ups = []
            for e in ups:
                up = session.get(WorkItem, e.item_id)
                if up is not None and up.state == ItemState.OPEN:
                    open_ups.append(e.item_id)
            if not open_ups and len(path) > 1:
                chains.append(path)
            for up_id in open_ups:
                seen.add(up_id)
                frontier.append([up_id, *path])
        return chains
