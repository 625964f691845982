"""APScheduler only ticks the sweeper; the outbox table is the source of truth."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from bot.observability.faults import FaultLog

log = logging.getLogger("baton.sweeper")


class Sweeper:
    def __init__(
        self,
        work: Callable[[], int],
        interval: timedelta,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.work = work  # plan what is due, then deliver it; returns how many were sent
        self.interval = interval
        self.fault = FaultLog(log, "sweep", now=now)
        self._scheduler = BackgroundScheduler(timezone=UTC)

    def tick(self) -> int:
        try:
            sent = self.work()
        except Exception as error:
            self.fault.failed(error)
            return 0
        self.fault.cleared()
        return sent

    def start(self) -> None:
        self._scheduler.add_job(
            self.tick,
            "interval",
            seconds=max(self.interval.total_seconds(), 0.05),
            id="baton-sweep",
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )
        self._scheduler.start()
        log.info("sweeper ticking every %ss", self.interval.total_seconds())

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
