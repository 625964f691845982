"""Slack's history limit for apps distributed outside the Marketplace: conversations.history
and conversations.replies each answer one call a minute per workspace, at most 15 messages a
page. Internal, single-workspace apps keep Tier 3 (50+ a minute, 200 a page)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from bot.clock import Clock
from store import call_budget
from store.db import Database

HISTORY = "conversations.history"
REPLIES = "conversations.replies"
LIMITED_EVERY = timedelta(minutes=1)
LIMITED_PAGE = 15
UNLIMITED_PAGE = 200


class HistoryBudget:
    """Who may read history now. Shared by every row of this process and, through the
    database, by every process: the check is rare (after a crash), so one small write per
    call is cheap, and two workers never spend one workspace's minute twice. The process
    remembers when the minute frees, so a waiting row costs no query at all."""

    def __init__(self, db: Database, clock: Clock, *, limited: bool) -> None:
        self.db = db
        self.clock = clock
        self.limited = limited
        self._free_at: dict[tuple[str, str], datetime] = {}
        self._lock = threading.Lock()

    @property
    def page_size(self) -> int:
        return LIMITED_PAGE if self.limited else UNLIMITED_PAGE

    def take(self, workspace: str, method: str) -> datetime | None:
        """Spend a call: None when it may be made now, else when the next one is free."""
        if not self.limited:
            return None
        now = self.clock.now()
        with self._lock:
            known = self._free_at.get((workspace, method))
        if known is not None and now < known:
            return known
        free_at = call_budget.take_call(self.db, workspace, method, now=now, every=LIMITED_EVERY)
        with self._lock:
            self._free_at[(workspace, method)] = free_at or now + LIMITED_EVERY
        return free_at

    def hold(self, workspace: str, method: str, seconds: float) -> datetime:
        """Slack answered 429: nobody here or elsewhere calls before its Retry-After."""
        until = self.clock.now() + timedelta(seconds=max(seconds, 1.0))
        with self._lock:
            known = self._free_at.get((workspace, method))
            self._free_at[(workspace, method)] = max(until, known) if known else until
        call_budget.hold_calls(self.db, workspace, method, until=until)
        return until

    def next_free(self, workspace: str, method: str) -> datetime:
        """When to come back to a check that needs another page."""
        now = self.clock.now()
        with self._lock:
            known = self._free_at.get((workspace, method))
        return max(known, now) if known else now
