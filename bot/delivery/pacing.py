"""Keep to Slack's ~1 message per second per channel, without holding up other channels."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

DEFAULT_INTERVAL = 1.0


class ChannelPacer:
    """One post at a time per channel, the next `interval` after the previous one returned.

    Counting from the answer rather than from the send means two posts can never reach Slack
    closer together than `interval`, however their requests were delayed on the way.
    """

    def __init__(
        self,
        interval: float = DEFAULT_INTERVAL,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._free_at: dict[str, float] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, channel: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(channel, threading.Lock())

    @contextmanager
    def turn(self, channel: str) -> Iterator[None]:
        """Wait for the channel to be free, hold it while the caller posts, then keep it
        for `interval`."""
        with self._lock(channel):
            while (delay := self._free_at.get(channel, 0.0) - self._monotonic()) > 0:
                self._sleep(delay)
            try:
                yield
            finally:
                with self._guard:
                    self._free_at[channel] = max(
                        self._free_at.get(channel, 0.0), self._monotonic() + self.interval
                    )

    def push_back(self, channel: str, seconds: float) -> None:
        """Slack said wait (429 Retry-After): nobody posts there until then."""
        with self._guard:
            until = self._monotonic() + seconds
            self._free_at[channel] = max(self._free_at.get(channel, until), until)
