"""The dependency graph's use cases, for the handlers in one place; each job has its own module:
declaring.py (edges), resolving.py (done), reading.py (/blocked, App Home), escalating.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.clock import Clock
from bot.graph.declaring import EdgeDeclarer
from bot.graph.escalating import BlockerEscalations
from bot.graph.reading import GraphReader
from bot.graph.resolving import ItemResolver
from bot.kernel.working_hours import WorkingHours
from store.db import Database


class GraphService:
    """Delegates only: it holds no state and no logic of its own."""

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
        self.reading = GraphReader(db)
        self.declaring = EdgeDeclarer(db, clock, on_item_blockers=on_item_blockers)
        self.resolving = ItemResolver(
            db, clock, on_item_done=on_item_done, on_item_blockers=on_item_blockers
        )
        self.escalations = BlockerEscalations(
            db, clock, escalate_after=escalate_after, hours=hours, reminder_limit=reminder_limit
        )
        self.report = self.reading.report
        self.blocked_in_channel = self.reading.blocked_in_channel
        self.home_for = self.reading.home_for
        self.declare = self.declaring.declare
        self.mark_done = self.resolving.mark_done
        self.resolve = self.resolving.resolve
        self.snooze_blocker = self.escalations.snooze_blocker
        self.enqueue_blocker_escalations = self.escalations.enqueue_blocker_escalations
