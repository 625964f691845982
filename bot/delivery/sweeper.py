"""Deliver each outbox row as soon as it is due; the outbox table is the source of truth.

A sweeper thread sleeps until the earliest due row (at most `interval`, the safety net) and
is woken early when a row due sooner is written: in this process by `outbox.on_enqueued`,
from other processes on PostgreSQL by LISTEN/NOTIFY (the NOTIFY is sent in the transaction
that writes the row). APScheduler only ticks the planners, which turn state into rows.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import psycopg
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import make_url

from bot import allocator
from bot.delivery.deliverer import Deliverer
from bot.observability.faults import FaultLog
from store import outbox

log = logging.getLogger("baton.sweeper")

BUSY_RETRY = 0.25  # seconds: something is due but another sweeper holds its conversation
# Woken by the write of a row due at once, wait this long before claiming: rows the writing
# commit sends itself (outbox.on_committed) are gone by then, and a burst of writes costs one
# claim, not one each.
COALESCE = 0.1
LISTEN_POLL = 2.0  # seconds between checks for shutdown while listening
RECONNECT_AFTER = 5.0


class Sweeper:
    def __init__(
        self,
        deliverer: Deliverer,
        interval: timedelta,
        *,
        plan: Callable[[], object] | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.deliverer = deliverer
        self.interval = max(interval.total_seconds(), 0.05)
        self.plan = plan  # turn state into due rows (escalations, prompts, digests)
        # A fault that repeats every pass is said once, then once a minute, then cleared.
        now = now or deliverer.clock.now
        self.fault = FaultLog(log, "sweep", now=now)
        # Not hearing other processes only delays their rows to the next sweep: a warning, and
        # a connection refused needs no traceback.
        self.listen_fault = FaultLog(
            log,
            f"LISTEN {outbox.NOTIFY_CHANNEL}",
            now=now,
            level=logging.WARNING,
            traceback=False,
            retrying=f"every {RECONNECT_AFTER:g} s (meanwhile other processes' messages wait "
            "for the next sweep)",
        )
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._scheduler = BackgroundScheduler(timezone=UTC)
        self._sleeping_until = datetime.max.replace(tzinfo=UTC)  # wake for anything sooner
        self._unsubscribe: Callable[[], None] | None = None
        self._written_due_now = False

    def tick(self) -> int:
        """One pass, as the loop makes it: plan, then deliver what is due."""
        if self.plan is not None:
            self.plan()
        try:
            return self._sweep(continuous=False)
        except Exception:  # logged by the fault log; the lease brings rows back
            return 0

    def _sweep(self, *, continuous: bool) -> int:
        try:
            sent = self.deliverer.sweep(continuous=continuous)
        except Exception as error:
            self.fault.failed(error)
            raise
        self.fault.cleared()
        return sent

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        self._unsubscribe = outbox.on_enqueued(self._row_written)
        self._spawn(self._deliver_forever, "baton-sweeper")
        if self.deliverer.db.dialect == "postgresql":
            self._spawn(self._listen_forever, "baton-listen")
        if self.plan is not None:
            self._scheduler.add_job(
                self._plan,
                "interval",
                seconds=self.interval,
                id="baton-plan",
                max_instances=1,
                coalesce=True,
                next_run_time=datetime.now(UTC),
            )
        allocator.give_back_every(self._scheduler)
        self._scheduler.start()
        log.info("sweeper delivering as rows fall due; planning every %ss", self.interval)

    def shutdown(self) -> None:
        self._stop.set()
        self.deliverer.wake()
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        for thread in self._threads:
            thread.join()

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    # -- the loops ----------------------------------------------------------------------

    def _plan(self) -> None:
        assert self.plan is not None
        try:
            self.plan()
        except Exception:
            log.exception("planning failed; the next tick retries")

    def _deliver_forever(self) -> None:
        while not self._stop.is_set():
            self._sleeping_until = datetime.max.replace(tzinfo=UTC)
            self._written_due_now = False  # this sweep takes whatever was written so far
            try:
                delivered = self._sweep(continuous=True)
            except Exception:  # logged by the fault log; the lease brings rows back
                self._stop.wait(self.interval)
                continue
            self._sleep_until_due(delivered)

    def _sleep_until_due(self, delivered: int) -> None:
        """Until the next row falls due (at most `interval`), or a write brings one due now."""
        wait = self._seconds_to_next_due()
        if wait is not None and wait <= 0:
            if delivered:
                return
            wait = BUSY_RETRY  # due, but another sweeper is sending to its conversation
        while not self._stop.is_set():
            wait = self.interval if wait is None else min(wait, self.interval)
            self._sleeping_until = self.deliverer.clock.now() + timedelta(seconds=wait)
            if not self.deliverer.wait_for_work(wait):
                return  # its time came
            wait = self._seconds_to_next_due()
            if wait is not None and wait <= 0:
                if self._written_due_now:  # let the commit's own send go first
                    self._written_due_now = False
                    self._stop.wait(COALESCE)
                return

    def _seconds_to_next_due(self) -> float | None:
        try:
            due = outbox.next_due(self.deliverer.db)
        except Exception:
            log.exception("could not read when the next message is due")
            return None
        return None if due is None else (due - self.deliverer.clock.now()).total_seconds()

    def _row_written(self, due_at: datetime) -> None:
        if due_at < self._sleeping_until:
            if due_at <= self.deliverer.clock.now():
                self._written_due_now = True
            self.deliverer.wake()

    def _listen_forever(self) -> None:
        """Hear other processes' rows (PostgreSQL NOTIFY) while this one sleeps."""
        conninfo = (
            make_url(self.deliverer.db.url)
            .set(drivername="postgresql")
            .render_as_string(hide_password=False)
        )
        while not self._stop.is_set():
            if not self.listen_once(conninfo):
                self._stop.wait(RECONNECT_AFTER)

    def listen_once(self, conninfo: str) -> bool:
        """Listen until shutdown (True) or until the connection fails (False; the fault log
        says so once, then at most once a minute, and when listening works again)."""
        try:
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(f"LISTEN {outbox.NOTIFY_CHANNEL}")
                self.listen_fault.cleared()
                self.deliverer.wake()  # rows written while nobody listened
                while not self._stop.is_set():
                    for note in conn.notifies(timeout=LISTEN_POLL):
                        self._row_written(_due_of(note.payload))
        except psycopg.Error as error:
            self.listen_fault.failed(error)
            return False
        return True


def polling_worker_warning(interval: timedelta) -> str:
    """What `baton worker` on SQLite says at start: nothing wakes it from another process."""
    return (
        "on SQLite a separate worker cannot be woken by other processes (LISTEN/NOTIFY is "
        "PostgreSQL's): it finds the messages `baton serve` writes by looking every "
        f"{interval.total_seconds():g} s (BATON_SWEEP_INTERVAL), so one due sooner may go out "
        "up to that late; on SQLite run the sweeper in `baton serve`, or use PostgreSQL"
    )


def _due_of(payload: str) -> datetime:
    try:
        return datetime.fromtimestamp(float(payload), UTC)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)  # unknown: wake up and look
