"""Keep to Slack's ~1 message per second per channel, without holding up other channels."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

DEFAULT_INTERVAL = 1.0
FORGET_EVERY = 1_000  # turns between clean-ups of conversations that went quiet


class ChannelPacer:
    """One post at a time per channel, the next `interval` after the previous one returned.

    Counting from the answer rather than from the send means two posts can never reach Slack
    closer together than `interval`, however their requests were delayed on the way.
    A channel nobody is posting to and whose wait is over is forgotten (it would start free
    anyway), so memory follows the busy conversations, not every one ever seen.
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
        self._users: dict[str, int] = {}  # threads holding or waiting for a channel's lock
        self._turns = 0
        self._guard = threading.Lock()

    def __len__(self) -> int:
        """Conversations remembered."""
        with self._guard:
            return len(self._locks.keys() | self._free_at.keys())

    @contextmanager
    def turn(self, channel: str) -> Iterator[None]:
        """Wait for the channel to be free, hold it while the caller posts, then keep it
        for `interval`."""
        with self._guard:
            lock = self._locks.setdefault(channel, threading.Lock())
            self._users[channel] = self._users.get(channel, 0) + 1
        try:
            with lock:
                while (delay := self._free_at.get(channel, 0.0) - self._monotonic()) > 0:
                    self._sleep(delay)
                try:
                    yield
                finally:
                    with self._guard:
                        self._free_at[channel] = max(
                            self._free_at.get(channel, 0.0), self._monotonic() + self.interval
                        )
        finally:
            with self._guard:
                self._users[channel] -= 1
                if not self._users[channel]:
                    del self._users[channel]
                self._turns += 1
                if self._turns % FORGET_EVERY == 0:
                    self._forget_idle()

    def push_back(self, channel: str, seconds: float) -> None:
        """Slack said wait (429 Retry-After): nobody posts there until then."""
        with self._guard:
            until = self._monotonic() + seconds
            self._free_at[channel] = max(self._free_at.get(channel, until), until)

    def forget_idle(self) -> None:
        with self._guard:
            self._forget_idle()

    def _forget_idle(self) -> None:
        now = self._monotonic()
        for channel in [c for c, free_at in self._free_at.items() if free_at <= now]:
            if channel not in self._users:
                del self._free_at[channel]
        for channel in [c for c in self._locks if c not in self._users]:
            del self._locks[channel]
