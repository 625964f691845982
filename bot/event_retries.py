"""Slack retries an event it thinks was not received (X-Slack-Retry-Num 1-3, within about an
hour); Baton acts on each `event_id` once and answers the repeats 200.

The seen ids live in a bounded in-process cache rather than the database: Bolt acks an event
before its listener runs, so a retry only comes when the first 200 was lost or late, and Slack
sends it to the same request URL within the hour; Baton's event work (publishing App Home) is
idempotent besides, so a retry that reaches another process costs one extra views.publish, not
a wrong result. A table would cost a write on every event to save that.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse

log = logging.getLogger("baton.events")

REMEMBER_FOR = 2 * 3600.0  # seconds; Slack's last retry comes about an hour after the first
MAX_REMEMBERED = 10_000  # ids; beyond this the oldest are forgotten first


class SeenEvents:
    """Event ids seen recently, oldest first; thread-safe (Bolt runs requests in parallel)."""

    def __init__(
        self,
        *,
        remember_for: float = REMEMBER_FOR,
        limit: int = MAX_REMEMBERED,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.remember_for = remember_for
        self.limit = limit
        self._monotonic = monotonic
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        """Whether this is the first time `event_id` is seen (and remember it)."""
        now = self._monotonic()
        with self._lock:
            while self._seen and (
                len(self._seen) >= self.limit
                or now - next(iter(self._seen.values())) > self.remember_for
            ):
                self._seen.popitem(last=False)
            if event_id in self._seen:
                return False
            self._seen[event_id] = now
            return True


def drop_repeated_events(seen: SeenEvents) -> Callable[..., BoltResponse | None]:
    """A Bolt global middleware: an event already seen is answered 200 and goes no further."""

    def middleware(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and event_id and not seen.first_time(event_id):
            log.info("event %s already handled; answering its retry without acting", event_id)
            return BoltResponse(status=200, body="")
        next()
        return None

    return middleware
