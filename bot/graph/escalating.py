"""Blocker escalations: the DMs to a root blocker's owner, their reminders, the channel's last
word, and Snooze 1 day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.clock import Clock
from bot.graph import messages as views
from bot.graph.reading import chain_ids_up, ref_of
from bot.graph.rules import EdgeKind, ItemRef, root_blockers
from bot.handoffs.lifecycle import BlockerStep, blocker_step
from bot.kernel.working_hours import WorkingHours
from bot.outbox import intents, messages
from bot.people.hours import hours_for
from store import graph, outbox
from store.db import Database
from store.models import ItemState, WorkItem
from store.types import as_utc

PLAN_EVERY = timedelta(minutes=1)  # how often a sweeper looks for blockers to escalate
SNOOZE_FOR = timedelta(days=1)


def waits_on(session: Session, root_id: int) -> list[views.Wait]:
    """What waits on the root (each chain down to it), whose it is, and why."""
    waits: list[views.Wait] = []
    chains = chain_ids_up(session, root_id)
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


def declarer_onto(session: Session, item_id: int) -> str | None:
    edges = [e for e in graph.dependents(session, item_id) if e.kind == EdgeKind.HARD]
    return min(edges, key=lambda e: e.created_at).declared_by if edges else None


class BlockerEscalations:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        escalate_after: timedelta,
        hours: WorkingHours,
        reminder_limit: int = 3,
    ) -> None:
        self.db = db
        self.clock = clock
        self.escalate_after = escalate_after
        self.hours = hours
        self.reminder_limit = reminder_limit
        # When planning last ran, on the monotonic clock: a wall clock stepped back must not
        # make "planned a minute ago" last for hours.
        self._planned_at: float | None = None

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
                session, intents.blocker_prefix(item_id), reason=f"snoozed by {by}", now=now
            )
            return ref_of(item), until

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
                recipient = root.owner_id or declarer_onto(session, root_id)
                if recipient is not None:
                    plans.append((ref_of(root), recipient, since, waits_on(session, root_id)))
        # Time zones may need users.info: never while holding the database.
        zones = {recipient: tz_of(recipient) for _, recipient, _, _ in plans}
        added = 0
        with self.db.write() as session:
            for root_ref, recipient, since, waits in plans:
                current = session.get(WorkItem, root_ref.id)
                if current is None or current.state != ItemState.OPEN:
                    continue  # resolved meanwhile
                reader = hours_for(session, recipient, zones[recipient], self.hours)
                due = reader.plan(now)
                prefix = intents.blocker_prefix(root_ref.id)
                intent: intents.Payload = intents.BlockerDm(
                    item_id=root_ref.id, to=recipient, day=due.astimezone(reader.zone).date()
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
