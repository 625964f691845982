"""Work a listener owes after Slack has its answer.

Slack wants every request acknowledged within 3 seconds, and Bolt (run with
`process_before_response`) answers only when the listener returns. So a listener does what
decides the answer (checks, one database write), acks, and hands everything that talks to
Slack (views.open, ephemerals, response_url replies, App Home) to this pool.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

log = logging.getLogger("baton.after_ack")

# Background work waits at most this long for a gap between requests (never starved: posts
# have no deadline, but they should not wait long), and a gap is a moment with no request in
# flight for QUIET (a client sends its next request at once).
MAX_YIELD = 5.0
QUIET = 0.005


class Foreground:
    """The requests Slack is timing in this process. Python threads share one interpreter
    lock, so work running beside a burst of requests makes every answer in the burst later;
    background work (a handoff's post, which nobody is timing) waits for a gap instead."""

    def __init__(self, *, max_yield: float = MAX_YIELD, quiet: float = QUIET) -> None:
        self.max_yield = max_yield
        self.quiet = quiet
        self._changed = threading.Condition()  # notified when the last request in flight ends
        self._in_flight = 0
        self._idle_since = float("-inf")
        self._inside = threading.local()
        # One waiter at a time watches for the gap (the others queue here), so the end of a
        # request wakes one thread, not every delivery that waits.
        self._turnstile = threading.Lock()

    @contextmanager
    def request(self) -> Iterator[None]:
        with self._changed:
            self._in_flight += 1
        self._inside.now = True
        try:
            yield
        finally:
            self._inside.now = False
            with self._changed:
                self._in_flight -= 1
                if self._in_flight == 0:
                    self._idle_since = time.monotonic()
                    self._changed.notify_all()

    def wait_for_gap(self, *, since: float) -> None:
        """Return once no request has been in flight for `quiet` seconds, or `max_yield` after
        `since`."""
        if getattr(self._inside, "now", False):
            return  # run from a request itself: waiting would wait for itself
        deadline = since + self.max_yield
        if not self._turnstile.acquire(timeout=max(deadline - time.monotonic(), 0.0)):
            return
        try:
            with self._changed:
                while (left := deadline - time.monotonic()) > 0:
                    if self._in_flight:
                        self._changed.wait(left)
                        continue
                    quiet_left = self._idle_since + self.quiet - time.monotonic()
                    if quiet_left <= 0:
                        return
                    self._changed.wait(min(quiet_left, left))
        finally:
            self._turnstile.release()


class TrackedPool:
    """A thread pool that can say when it has nothing left to do (tests and shutdown wait on
    it; nothing on a request path ever does)."""

    def __init__(self, workers: int, name: str) -> None:
        self.workers = workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, work: Callable[..., Any], *args: Any) -> Future[Any]:
        with self._idle:
            self._pending += 1
        try:
            future = self._pool.submit(work, *args)
        except RuntimeError:  # shut down: nothing more is accepted
            self._done(None)
            raise
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future[Any] | None) -> None:
        with self._idle:
            self._pending -= 1
            if self._pending == 0:
                self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once every submitted piece of work has finished (including work that work
        submitted), False if `timeout` passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)

    def map(self, work: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        return [future.result() for future in [self.submit(work, item) for item in items]]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class AfterAck:
    """Runs a listener's after-ack work; a failure is logged and, where the listener said how,
    told to the person who asked (they must never be left thinking it worked)."""

    def __init__(
        self,
        workers: int = 16,
        background_workers: int = 2,
        *,
        foreground: Foreground | None = None,
    ) -> None:
        self.pool = TrackedPool(workers, "baton-after-ack")
        # Apart, so work waiting for a gap never holds up a views.open (its trigger expires).
        self.background_pool = TrackedPool(background_workers, "baton-background")
        self.foreground = foreground or Foreground()

    def __call__(
        self,
        work: Callable[[], None],
        *,
        on_failure: Callable[[], None] | None = None,
        background: bool = False,
    ) -> None:
        """`background`: nobody is waiting to see it at once (a post may appear a moment
        later), so it lets the requests in flight be answered first."""
        if background:
            self.background_pool.submit(self._run_in_gap, work, on_failure, time.monotonic())
        else:
            self.pool.submit(self._run, work, on_failure)

    def _run_in_gap(
        self, work: Callable[[], None], on_failure: Callable[[], None] | None, since: float
    ) -> None:
        self.foreground.wait_for_gap(since=since)
        self._run(work, on_failure)

    @staticmethod
    def _run(work: Callable[[], None], on_failure: Callable[[], None] | None) -> None:
        try:
            work()
        except Exception:
            log.exception("work after the ack failed")
            if on_failure is not None:
                try:
                    on_failure()
                except Exception:
                    log.exception("could not tell the user that it failed")

    def wait_idle(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        # Background work may hand prompt work on, and the other way round: until both rest.
        while True:
            left = deadline - time.monotonic()
            background = self.background_pool.wait_idle(max(left, 0.0))
            prompt = self.pool.wait_idle(max(deadline - time.monotonic(), 0.0))
            if not (background and prompt):
                return False
            if self.background_pool.wait_idle(0) and self.pool.wait_idle(0):
                return True

    def close(self) -> None:
        self.background_pool.close()
        self.pool.close()
