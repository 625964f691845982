"""Time as a dependency: domain rules and the sweeper ask a clock, tests drive it."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware in UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary origin that never go back, whatever the wall clock does:
        for "how long since I last did this", never for when something is due."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


class ManualClock:
    """A clock that only moves when told to (the demo and tests)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)
        self._elapsed = 0.0
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            return self._elapsed

    def advance(self, delta: timedelta) -> datetime:
        """Time passes: the wall clock and the monotonic clock move together."""
        if delta < timedelta(0):
            raise ValueError("time does not pass backwards; use set() to step the wall clock")
        with self._lock:
            self._now += delta
            self._elapsed += delta.total_seconds()
            return self._now

    def set(self, instant: datetime) -> None:
        """Step the wall clock (as NTP or an operator may), forwards or back; no time passes."""
        with self._lock:
            self._now = instant.astimezone(UTC)

    def timestamp(self) -> float:
        """Epoch seconds, for collaborators that want a `time.time`-like callable."""
        return self.now().timestamp()
