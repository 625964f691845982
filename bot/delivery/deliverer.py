"""Deliver claimed outbox rows to Slack exactly once: claim, render, send, mark sent.

The steps of one row are collaborators made once, here: freshness (render at delivery),
links and parents (what a row waits for), posting and uploads (recovery: was it already
sent?), marks (posted, not yet written as sent) and failures (what happens when Slack says
no)."""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.after_ack import Foreground, TrackedPool
from bot.clock import Clock
from bot.delivery.failures import Failures
from bot.delivery.freshness import Freshness
from bot.delivery.history_budget import HistoryBudget
from bot.delivery.links import Links
from bot.delivery.marks import SentMarks
from bot.delivery.membership import ChannelMembership
from bot.delivery.pacing import ChannelPacer
from bot.delivery.parents import ParentLost, ParentNotReady, find_parent
from bot.delivery.posting import Poster
from bot.delivery.recovery import CheckLater, EarlierSends, HistoryUnreadable
from bot.delivery.uploads import ChartUploads
from bot.observability.metrics import Metrics
from bot.outbox.rendering import Renderers
from store import outbox
from store.db import Database
from store.models import OutboxMessage, OutboxOp

log = logging.getLogger("baton.delivery")

GROUP_SECONDS = 5.0  # a claim takes about this many seconds of one conversation's posts
MAX_GROUP = 50  # rows of one conversation per claim, when its pacer does not limit it
RECLAIM_EVERY = 0.5  # seconds: while posts are in flight, look for newly due rows this often


class Deliverer:
    def __init__(
        self,
        db: Database,
        client: WebClient,
        clock: Clock,
        *,
        pacer: ChannelPacer | None = None,
        lease: timedelta = timedelta(minutes=2),
        max_attempts: int = 8,
        backoff: timedelta = timedelta(seconds=2),
        max_backoff: timedelta = timedelta(minutes=10),
        parent_wait: timedelta = timedelta(seconds=2),
        workers: int = 64,  # channels served at once; each mostly waits for its pacer turn
        metrics: Metrics | None = None,
        foreground: Foreground | None = None,
        renderers: Renderers | None = None,
        history_limited: bool = False,
    ) -> None:
        self.metrics = metrics or Metrics()
        # Kinds whose text is built when they are sent; the others are sent as written.
        self.renderers = renderers or Renderers()
        self.db = db
        self.client = client
        self.clock = clock
        self.pacer = pacer or ChannelPacer()
        self.lease = lease
        self.membership = ChannelMembership(client)
        self.workers = workers
        self._pool = TrackedPool(workers, "baton-deliver")
        # Posts are not what Slack's 3-second answers wait for: they go in the gaps.
        self.foreground = foreground or Foreground()
        self._wake = threading.Event()
        self._marks = SentMarks(db, clock)  # posted, not yet written as sent
        # The collaborators each row goes through, made once: nothing is built per message.
        self.freshness = Freshness(db, clock, self.renderers)
        self.links = Links(db, client, clock, self._marks)
        self.uploads = ChartUploads(client, self.membership, self.pacer)
        self.poster = Poster(
            client,
            clock,
            self.pacer,
            self.membership,
            EarlierSends(
                client,
                self.membership,
                db,
                clock,
                HistoryBudget(db, clock, limited=history_limited),
            ),
            self._sent,
        )
        self.failures = Failures(
            db,
            clock,
            self.pacer,
            max_attempts=max_attempts,
            backoff=backoff,
            max_backoff=max_backoff,
            parent_wait=parent_wait,
        )

    @property
    def max_attempts(self) -> int:
        return self.failures.max_attempts

    @property
    def backoff(self) -> timedelta:
        return self.failures.backoff

    @property
    def max_backoff(self) -> timedelta:
        return self.failures.max_backoff

    # -- entry points -------------------------------------------------------------------

    def deliver_keys(self, keys: Sequence[str]) -> None:
        """Send these rows now if they are due: called for the rows a commit wrote due now
        (outbox.on_committed, wired in Services), so nobody waits a tick.

        Returns at once: the commit may be on Slack's 3-second clock, and a post may have to
        wait for its conversation's turn. What the pool never gets to, the sweeper sends."""
        if keys:
            self._pool.submit(self._deliver_keys_now, list(keys))

    def _deliver_keys_now(self, keys: list[str]) -> None:
        # No more of one conversation than its pacer gets through within the lease: what a
        # commit wrote beyond that waits for the sweeper.
        rows = outbox.claim_due(
            self.db,
            now=self.clock.now(),
            lease=self.lease,
            limit=len(keys),
            keys=keys,
            per_target=self.per_target(),
        )
        groups: dict[str, list[OutboxMessage]] = defaultdict(list)
        for row in rows:
            groups[row.parent_key or row.target].append(row)
        # One conversation's turn must not hold up another's (a DM behind a busy channel).
        claimed = time.monotonic()
        for group in groups.values():
            self._pool.submit(self._deliver_and_flush, group, claimed)

    def _deliver_and_flush(self, rows: list[OutboxMessage], claimed: float) -> None:
        self._deliver_all(rows, claimed)
        self.flush_marks()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """For tests and shutdown: True once no delivery is under way."""
        return self._pool.wait_idle(timeout)

    def per_target(self) -> int:
        """How many rows of one conversation a claim takes: what its pacer lets it post in a
        few seconds (so other conversations' turns come round soon) and well within the
        lease (or the last rows would outlive their lease waiting their turn, and another
        sweeper would post them too)."""
        interval = max(self.pacer.interval, 0.01)
        within_lease = self.lease.total_seconds() / 2 / interval
        return max(1, int(min(GROUP_SECONDS / interval, within_lease, MAX_GROUP)))

    def sweep(self, *, batch: int = 200, continuous: bool = False) -> int:
        """Deliver what is due: rows of one conversation in order, conversations in parallel,
        and a claim for more whenever a worker frees up, so one busy channel never holds up
        the others. Returns once nothing is in flight and nothing more is claimable.

        One pass (the default) serves each conversation once, at most `per_target()` rows;
        `continuous` comes back to a conversation as soon as its previous rows are done."""
        delivered = 0
        running: dict[Future[int], str] = {}
        served: set[str] = set()
        failure: BaseException | None = None
        while True:
            self._wake.clear()
            self.flush_marks()
            free = self.workers - len(running)
            rows = (
                outbox.claim_due(
                    self.db,
                    now=self.clock.now(),
                    lease=self.lease,
                    limit=batch,
                    skip_busy_targets=True,
                    per_target=self.per_target(),
                    max_targets=free,
                    exclude_targets=None if continuous else served,
                )
                if free > 0
                else []
            )
            groups: dict[str, list[OutboxMessage]] = defaultdict(list)
            for row in rows:
                served.add(row.target)
                groups[row.parent_key or row.target].append(row)
            claimed = time.monotonic()
            for key, group in groups.items():
                future = self._pool.submit(self._deliver_all, group, claimed)
                future.add_done_callback(lambda _done: self._wake.set())
                running[future] = key
            if not running:
                break
            self._wake.wait(timeout=RECLAIM_EVERY)
            for future in [f for f in running if f.done()]:
                del running[future]
                try:
                    delivered += future.result()
                except Exception as error:  # logged in deliver; the lease brings the row back
                    failure = failure or error
        self.flush_marks()
        if failure is not None:
            raise failure
        return delivered

    def wake(self) -> None:
        """New rows may be due: claim again now (from any thread)."""
        self._wake.set()

    def wait_for_work(self, timeout: float) -> bool:
        """Sleep up to `timeout` seconds, less if `wake()` is called. True when woken."""
        woken = self._wake.wait(timeout=max(timeout, 0.0))
        self._wake.clear()
        return woken

    def flush_marks(self) -> None:
        """Write the rows posted since the last flush as sent, in one transaction."""
        self._marks.flush()

    def close(self) -> None:
        self._pool.close()
        self.flush_marks()

    # -- one row ------------------------------------------------------------------------

    def _deliver_all(self, rows: Iterable[OutboxMessage], claimed: float | None = None) -> int:
        if claimed is not None:
            self.foreground.wait_for_gap(since=claimed)
        count = 0
        for row in rows:
            self._deliver(row)
            count += 1
        return count

    def _sent(self, row: OutboxMessage, channel: str | None, ts: str | None) -> None:
        """Posted: remembered at once (replies may need its ts), written at the next flush."""
        self._marks.add(row, channel, ts)
        self.metrics.message_sent(row.kind, row.due_at, self.clock.now())

    def deliver(self, row: OutboxMessage) -> None:
        self._deliver(row)
        self.flush_marks()

    def _deliver(self, row: OutboxMessage) -> None:
        assert row.id is not None
        try:
            cancelled = self.freshness.cancel_reason(row)
            if cancelled is not None:
                outbox.mark_cancelled(self.db, row.id, reason=cancelled, now=self.clock.now())
                return
            self.links.resolve(row)
            parent = find_parent(self.db, self._marks, row)
            if row.op == OutboxOp.UPDATE:
                assert parent is not None
                self.client.chat_update(
                    channel=parent[0], ts=parent[1], text=row.text, blocks=row.blocks
                )
                self._sent(row, parent[0], parent[1])
                return
            if row.op == OutboxOp.UPLOAD:
                self._sent(row, self.uploads.upload(row, parent), None)
                return
            self.poster.post(row, parent)
        except ParentNotReady:
            self.failures.parent_not_ready(row)
        except ParentLost as lost:
            self.failures.fail(row, str(lost))
        except CheckLater as later:
            self.failures.check_later(row, later)
        except HistoryUnreadable as unreadable:
            self.failures.history_unreadable(row, unreadable)
        except SlackApiError as error:
            self.failures.slack_error(row, error)
        except (OSError, TimeoutError) as error:  # connection refused, reset, timed out
            self.failures.retry_or_fail(row, f"connection error: {error}")
        except Exception:
            # Never lose a row to a bug: log it and let the lease bring it back.
            log.exception("unexpected error delivering %s", row.idempotency_key)
            raise
