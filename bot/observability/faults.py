"""A fault that repeats every tick, logged at its start, once a minute while it lasts, and when
it clears, instead of once per tick (a database outage would otherwise flood the log)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

REPEAT_EVERY = timedelta(minutes=1)


class FaultLog:
    def __init__(
        self,
        log: logging.Logger,
        what: str,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        every: timedelta = REPEAT_EVERY,
        level: int = logging.ERROR,
        traceback: bool = True,
        retrying: str = "every tick",
    ) -> None:
        self.log = log
        self.what = what
        self.now = now
        self.every = every
        self.level = level
        self.traceback = traceback  # with the first line only; the repeats are one line each
        self.retrying = retrying
        self._lock = threading.Lock()
        self._since: datetime | None = None
        self._last_logged: datetime | None = None
        self._count = 0  # failures since the fault started
        self._unlogged = 0  # failures since the last line about it

    @property
    def active(self) -> bool:
        return self._since is not None

    def failed(self, error: BaseException, *, detail: str = "") -> None:
        """Another failure; `detail` says which part failed when the fault has several."""
        what = f"{self.what} ({detail})" if detail else self.what
        now = self.now()
        with self._lock:
            self._count += 1
            self._unlogged += 1
            if self._since is None:
                self._since = self._last_logged = now
                self._unlogged = 0
                self.log.log(
                    self.level,
                    "%s failed: %s; retrying %s, repeats reported once a minute",
                    what,
                    _one_line(error),
                    self.retrying,
                    exc_info=error if self.traceback else None,
                )
                return
            assert self._last_logged is not None
            if now - self._last_logged < self.every:
                return
            self.log.log(
                self.level,
                "%s still failing: %d more times in the last %ds (%d since %s): %s",
                what,
                self._unlogged,
                round((now - self._last_logged).total_seconds()),
                self._count,
                self._since.isoformat(timespec="seconds"),
                _one_line(error),
            )
            self._last_logged = now
            self._unlogged = 0

    def cleared(self) -> None:
        with self._lock:
            if self._since is None:
                return
            lasted = self.now() - self._since
            self.log.warning(
                "%s recovered after %d failures over %ds",
                self.what,
                self._count,
                round(lasted.total_seconds()),
            )
            self._since = self._last_logged = None
            self._count = self._unlogged = 0


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    text = text[:300] + "…" if len(text) > 300 else text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
