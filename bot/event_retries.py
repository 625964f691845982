"""Slack retries an event it thinks was not received (no 2xx within 3 s, or an error): up to
three times, at once, after a minute and after five, with X-Slack-Retry-Num 1-3 and
X-Slack-Retry-Reason. A retry for a timeout may come while the first delivery is still being
handled, so an `event_id` counts as seen when it arrives; Baton acts on it once and answers the
repeats 200.

The seen ids live in a bounded in-process cache rather than the database: Bolt acks an event
before its listener runs, so retries are rare and come within minutes; Baton's event work
(publishing App Home) is idempotent besides, so a retry that reaches another process behind a
load balancer costs one extra views.publish, not a wrong result. A table would cost a write on
every event to save that.
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

REMEMBER_FOR = 3600.0  # seconds; Slack's last retry comes about five minutes after the first
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
