"""Work a listener owes after Slack has its answer.

Slack wants every request acknowledged within 3 seconds, and Bolt (run with
`process_before_response`) answers only when the listener returns. So a listener does what
decides the answer (checks, one database write), acks, and hands everything that talks to
Slack (views.open, ephemerals, response_url replies, App Home) to this pool.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

log = logging.getLogger("baton.after_ack")


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

    def __init__(self, workers: int = 16) -> None:
        self.pool = TrackedPool(workers, "baton-after-ack")

    def __call__(
        self, work: Callable[[], None], *, on_failure: Callable[[], None] | None = None
    ) -> None:
        self.pool.submit(self._run, work, on_failure)

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
        return self.pool.wait_idle(timeout)

    def close(self) -> None:
        self.pool.close()
