"""Keep to Slack's ~1 message per second per channel, without holding up other channels."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# A little over a second: requests leave here a second apart but reach Slack with jitter, and
# one that lands early is a 429 that costs a full Retry-After.
DEFAULT_INTERVAL = 1.05


class ChannelPacer:
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
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait_turn(self, channel: str) -> None:
        """Reserve the channel's next slot, then sleep until it comes."""
        with self._lock:
            now = self._monotonic()
            slot = max(now, self._next_slot.get(channel, now))
            self._next_slot[channel] = slot + self.interval
        delay = slot - now
        if delay > 0:
            self._sleep(delay)

    def push_back(self, channel: str, seconds: float) -> None:
        """Slack said wait (429 Retry-After): nobody posts there until then."""
        with self._lock:
            until = self._monotonic() + seconds
            self._next_slot[channel] = max(self._next_slot.get(channel, until), until)
