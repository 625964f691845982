"""Deliver claimed outbox rows to Slack exactly once, and decide what happens when Slack says no."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any, NoReturn

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import charts
from bot.after_ack import TrackedPool
from bot.clock import Clock
from bot.delivery.errors import is_transient
from bot.delivery.membership import ChannelMembership
from bot.delivery.pacing import ChannelPacer
from bot.ids import MetadataEvent
from store import outbox
from store.db import Database
from store.models import Handoff, OutboxMessage, OutboxOp, OutboxStatus
from store.types import as_utc

log = logging.getLogger("baton.delivery")

RECONCILE_PAGES = 5


class ParentNotReady(Exception):
    """The message this one threads under or edits has not reached Slack yet."""


class ParentLost(Exception):
    """The message this one threads under or edits will never reach Slack."""


class HistoryUnreadable(Exception):
    """Slack would not show Baton the conversation, so it cannot tell whether an earlier
    attempt got through: posting now could post twice."""

    def __init__(self, error: str, *, transient: bool) -> None:
        super().__init__(error)
        self.error = error
        self.transient = transient  # a Slack hiccup, not something a person must fix


def _is_user(target: str) -> bool:
    return target[:1] in ("U", "W")


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
    ) -> None:
        self.db = db
        self.client = client
        self.clock = clock
        self.pacer = pacer or ChannelPacer()
        self.lease = lease
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.parent_wait = parent_wait
        self.membership = ChannelMembership(client)
        self._pool = TrackedPool(workers, "baton-deliver")

    # -- entry points -------------------------------------------------------------------

    def deliver_keys(self, keys: Sequence[str]) -> None:
        """Send these rows now if they are due (after a user action, so nobody waits a tick).

        Returns at once: listeners call this on Slack's 3-second clock, and a post may have to
        wait for its conversation's turn. What the pool never gets to, the sweeper sends."""
        if keys:
            self._pool.submit(self._deliver_keys_now, list(keys))

    def _deliver_keys_now(self, keys: list[str]) -> None:
        rows = outbox.claim_due(
            self.db, now=self.clock.now(), lease=self.lease, limit=len(keys), keys=keys
        )
        groups: dict[str, list[OutboxMessage]] = defaultdict(list)
        for row in rows:
            groups[row.parent_key or row.target].append(row)
        # One conversation's turn must not hold up another's (a DM behind a busy channel).
        for group in groups.values():
            self._pool.submit(self._deliver_all, group)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """For tests and shutdown: True once no delivery is under way."""
        return self._pool.wait_idle(timeout)

    def sweep(self, *, batch: int = 200) -> int:
        """Deliver everything due; rows for one channel go in order, channels in parallel."""
        delivered = 0
        while True:
            rows = outbox.claim_due(
                self.db,
                now=self.clock.now(),
                lease=self.lease,
                limit=batch,
                skip_busy_targets=True,
            )
            if not rows:
                return delivered
            # A conversation takes one post per pacer interval: keep only what it can take
            # well within the lease, or the last rows would outlive their lease while waiting
            # their turn, and another sweeper would post them too.
            per_target = max(
                1, int(self.lease.total_seconds() / 2 / max(self.pacer.interval, 0.01))
            )
            taken: dict[str, int] = defaultdict(int)
            groups: dict[str, list[OutboxMessage]] = defaultdict(list)
            later: list[OutboxMessage] = []
            for row in rows:
                if taken[row.target] < per_target:
                    taken[row.target] += 1
                    groups[row.parent_key or row.target].append(row)
                else:
                    later.append(row)
            self._release(later)
            batches = list(groups.values())
            self._pool.map(self._deliver_all, batches)
            delivered += sum(len(b) for b in batches)
            if len(rows) < batch:
                return delivered

    def close(self) -> None:
        self._pool.close()

    # -- one row ------------------------------------------------------------------------

    def _deliver_all(self, rows: Iterable[OutboxMessage]) -> None:
        for row in rows:
            self.deliver(row)

    def _release(self, rows: Iterable[OutboxMessage]) -> None:
        for row in rows:
            assert row.id is not None
            outbox.retry_later(
                self.db, row.id, due_at=row.due_at, error=None, now=self.clock.now(), count=False
            )

    def deliver(self, row: OutboxMessage) -> None:
        assert row.id is not None
        try:
            if row.needs_unacknowledged and self._acknowledged(row.handoff_id):
                outbox.mark_cancelled(self.db, row.id, reason="acknowledged", now=self.clock.now())
                return
            parent = self._parent(row)
            if row.op == OutboxOp.UPDATE:
                assert parent is not None and parent.sent_channel and parent.sent_ts
                self.client.chat_update(
                    channel=parent.sent_channel, ts=parent.sent_ts, text=row.text, blocks=row.blocks
                )
                outbox.mark_sent(
                    self.db,
                    row.id,
                    channel=parent.sent_channel,
                    ts=parent.sent_ts,
                    now=self.clock.now(),
                )
                return
            if row.op == OutboxOp.UPLOAD:
                self._upload(row, parent)
                return
            self._post(row, parent)
        except ParentNotReady:
            outbox.retry_later(
                self.db,
                row.id,
                due_at=self.clock.now() + self.parent_wait,
                error="waiting for the parent message",
                now=self.clock.now(),
                count=False,
            )
        except ParentLost as lost:
            self._fail(row, str(lost))
        except HistoryUnreadable as unreadable:
            # Never failed for this, never posted blind: the row waits until Baton can look
            # (soon after a hiccup; after a missing scope or invitation, once someone fixed it).
            delay = self.backoff if unreadable.transient else self.max_backoff
            log.warning(
                "%s: cannot read the conversation to check for an earlier send (%s); "
                "looking again in %s",
                row.idempotency_key,
                unreadable.error,
                delay,
            )
            outbox.retry_later(
                self.db,
                row.id,
                due_at=self.clock.now() + delay,
                error=f"history unreadable: {unreadable.error}",
                now=self.clock.now(),
                count=False,
            )
        except SlackApiError as error:
            self._on_slack_error(row, error)
        except (OSError, TimeoutError) as error:  # connection refused, reset, timed out
            self._retry_or_fail(row, f"connection error: {error}")
        except Exception:
            # Never lose a row to a bug: log it and let the lease bring it back.
            log.exception("unexpected error delivering %s", row.idempotency_key)
            raise

    def _post(self, row: OutboxMessage, parent: OutboxMessage | None) -> None:
        assert row.id is not None
        channel = parent.sent_channel if parent and parent.sent_channel else row.target
        thread_ts = parent.sent_ts if parent else None
        self.membership.ensure(channel)  # a member can read its posts back after a crash
        if row.attempts > 1:
            found = self._find_sent(row, channel, thread_ts)
            if found is not None:
                log.info("%s was already in Slack; not posting again", row.idempotency_key)
                outbox.mark_sent(
                    self.db, row.id, channel=found[0], ts=found[1], now=self.clock.now()
                )
                return
        with self.pacer.turn(channel):
            if row.lease_until is not None and self.clock.now() >= as_utc(row.lease_until):
                # Our lease ran out while we waited: the row may be another sweeper's now.
                log.warning(
                    "%s: lease expired before posting; left to the next claim",
                    row.idempotency_key,
                )
                return
            response = self.client.chat_postMessage(
                channel=channel,
                text=row.text,
                blocks=row.blocks or None,
                thread_ts=thread_ts,
                metadata={
                    "event_type": MetadataEvent.OUTBOX,
                    "event_payload": {"key": row.idempotency_key},
                },
                unfurl_links=False,
            )
        outbox.mark_sent(
            self.db,
            row.id,
            channel=response.get("channel"),
            ts=response.get("ts"),
            now=self.clock.now(),
        )

    def _upload(self, row: OutboxMessage, parent: OutboxMessage | None) -> None:
        """A chart: rendered from its spec, uploaded with files_upload_v2 (into the parent's
        thread, or the DM when the target is a person). A file carries no metadata to find
        it by after a crash, so a retry after an upload that did reach Slack shows it twice:
        a chart only repeats its message's text, so that is the cheaper mistake."""
        assert row.id is not None and row.blocks
        spec = row.blocks[0]
        channel = parent.sent_channel if parent and parent.sent_channel else row.target
        if _is_user(channel):
            channel = self.client.conversations_open(users=channel)["channel"]["id"]
        else:
            self.membership.ensure(channel)
        image = charts.render(spec)
        with self.pacer.turn(channel):
            self.client.files_upload_v2(
                channel=channel,
                thread_ts=parent.sent_ts if parent else None,
                file=image,
                filename=f"{spec['chart']}.png",
                title=row.text[:250],
                alt_txt=charts.describe(spec),
            )
        outbox.mark_sent(self.db, row.id, channel=channel, ts=None, now=self.clock.now())

    # -- helpers ------------------------------------------------------------------------

    def _acknowledged(self, handoff_id: int | None) -> bool:
        if handoff_id is None:
            return False
        with self.db.read() as session:
            handoff = session.get(Handoff, handoff_id)
            return handoff is not None and handoff.acknowledged_at is not None

    def _parent(self, row: OutboxMessage) -> OutboxMessage | None:
        if row.parent_key is None:
            if row.op == OutboxOp.UPDATE:
                raise ParentLost("an update needs the message it edits")
            return None
        with self.db.read() as session:
            parent = outbox.find(session, row.parent_key)
        if parent is None or parent.status in (OutboxStatus.FAILED, OutboxStatus.CANCELLED):
            raise ParentLost(f"the message it belongs to ({row.parent_key}) was never delivered")
        if parent.status != OutboxStatus.SENT:
            raise ParentNotReady
        return parent

    def _find_sent(
        self, row: OutboxMessage, channel: str, thread_ts: str | None
    ) -> tuple[str, str] | None:
        """Did an earlier attempt reach Slack? Look for the row's key in message metadata."""
        if _is_user(channel):
            channel = self.client.conversations_open(users=channel)["channel"]["id"]
        oldest = f"{(row.created_at - timedelta(minutes=5)).timestamp():.6f}"
        cursor: str | None = None
        for _ in range(RECONCILE_PAGES):
            page = self._read_page(channel, thread_ts, oldest, cursor)
            messages: list[dict[str, Any]] = page.get("messages", [])
            for message in messages:
                metadata: dict[str, Any] = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if (
                    metadata.get("event_type") == MetadataEvent.OUTBOX
                    and payload.get("key") == row.idempotency_key
                ):
                    return channel, str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
        return None

    def _read_page(
        self, channel: str, thread_ts: str | None, oldest: str, cursor: str | None
    ) -> Any:
        """One page of the thread or the channel. `not_in_channel` (Baton was removed, or never
        joined) means join and read again; whatever else stops the read, but a 429, is
        HistoryUnreadable."""
        try:
            return self._fetch_page(channel, thread_ts, oldest, cursor)
        except SlackApiError as error:
            if _error_code(error) != "not_in_channel":
                _raise_unreadable(error)
        self.membership.forget(channel)
        self.membership.ensure(channel)
        try:
            return self._fetch_page(channel, thread_ts, oldest, cursor)
        except SlackApiError as error:
            _raise_unreadable(error)

    def _fetch_page(
        self, channel: str, thread_ts: str | None, oldest: str, cursor: str | None
    ) -> Any:
        if thread_ts:
            return self.client.conversations_replies(
                channel=channel, ts=thread_ts, include_all_metadata=True, limit=200, cursor=cursor
            )
        return self.client.conversations_history(
            channel=channel, oldest=oldest, include_all_metadata=True, limit=200, cursor=cursor
        )

    def _on_slack_error(self, row: OutboxMessage, error: SlackApiError) -> None:
        assert row.id is not None
        response = error.response
        code = str(response.get("error") or f"http_{response.status_code}")
        if response.status_code == 429:
            retry_after = float(
                response.headers.get("Retry-After", response.headers.get("retry-after", 1))
            )
            self.pacer.push_back(row.target, retry_after)
            outbox.retry_later(
                self.db,
                row.id,
                due_at=self.clock.now() + timedelta(seconds=retry_after),
                error="ratelimited",
                now=self.clock.now(),
                count=False,
            )
        elif response.status_code >= 500 or is_transient(code):
            self._retry_or_fail(row, code)
        else:
            self._fail(row, code)

    def _retry_or_fail(self, row: OutboxMessage, error: str) -> None:
        assert row.id is not None
        if row.attempts >= self.max_attempts:
            self._fail(row, f"gave up after {row.attempts} attempts: {error}")
            return
        delay = min(self.backoff * (2 ** (row.attempts - 1)), self.max_backoff)
        log.warning("%s: %s; retrying in %s", row.idempotency_key, error, delay)
        outbox.retry_later(
            self.db,
            row.id,
            due_at=self.clock.now() + delay,
            error=error,
            now=self.clock.now(),
            count=True,
        )

    def _fail(self, row: OutboxMessage, error: str) -> None:
        assert row.id is not None
        log.error("%s failed for good: %s", row.idempotency_key, error)
        now = self.clock.now()
        outbox.mark_failed(self.db, row.id, error=error, now=now)
        if row.notify_on_failure:
            with self.db.write() as session:
                outbox.enqueue(
                    session,
                    outbox.NewMessage(
                        key=f"{row.idempotency_key}:failed",
                        target=row.notify_on_failure,
                        text=(
                            f"Baton could not deliver a message to <{_mention_target(row.target)}>"
                            f" ({row.text[:200]}): Slack said `{error}`."
                        ),
                        blocks=[],
                        due_at=now,
                    ),
                    now=now,
                )


def _error_code(error: SlackApiError) -> str:
    return str(error.response.get("error") or f"http_{error.response.status_code}")


def _raise_unreadable(error: SlackApiError) -> NoReturn:
    if error.response.status_code == 429:
        raise error  # waited out like any 429, without counting an attempt
    code = _error_code(error)
    transient = error.response.status_code >= 500 or is_transient(code)
    raise HistoryUnreadable(code, transient=transient) from error


def _mention_target(target: str) -> str:
    return f"@{target}" if _is_user(target) else f"#{target}"
