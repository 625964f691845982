"""Deliver claimed outbox rows to Slack exactly once, and decide what happens when Slack says no."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from datetime import timedelta
from typing import Any, NoReturn

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.after_ack import Foreground, TrackedPool
from bot.clock import Clock
from bot.delivery.errors import is_transient
from bot.delivery.membership import ChannelMembership
from bot.delivery.pacing import ChannelPacer
from bot.handoffs.lifecycle import is_live
from bot.ids import AFTER_LINK, MetadataEvent
from bot.kernel.mrkdwn import Mrkdwn, channel, clip, code, escape, md, mention
from bot.observability.metrics import Metrics
from bot.outbox import intents, messages
from bot.outbox.rendering import Renderers
from bot.reports import charts
from store import outbox
from store.db import Database
from store.models import Handoff, OutboxMessage, OutboxOp, OutboxStatus
from store.types import as_utc

log = logging.getLogger("baton.delivery")

RECONCILE_PAGES = 5
GROUP_SECONDS = 5.0  # a claim takes about this many seconds of one conversation's posts
MAX_GROUP = 50  # rows of one conversation per claim, when its pacer does not limit it
RECLAIM_EVERY = 0.5  # seconds: while posts are in flight, look for newly due rows this often
AFTER_WAIT = 3.0  # seconds a message waits in-process for the one it comes after
# How often that wait looks in the database (another process may be sending it); a post by
# this process wakes it at once.
AFTER_RECHECK = 0.25
_LINK = re.compile(r"<" + re.escape(AFTER_LINK) + r"\|([^<>]*)>")


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
        metrics: Metrics | None = None,
        foreground: Foreground | None = None,
        renderers: Renderers | None = None,
    ) -> None:
        self.metrics = metrics or Metrics()
        # Kinds whose text is built when they are sent; the others are sent as written.
        self.renderers = renderers or Renderers()
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
        self.workers = workers
        self._pool = TrackedPool(workers, "baton-deliver")
        # Posts are not what Slack's 3-second answers wait for: they go in the gaps.
        self.foreground = foreground or Foreground()
        self._wake = threading.Event()
        self._marks: dict[str, outbox.Sent] = {}  # posted, not yet written as sent
        # Notified when a row is posted, so whatever comes after it goes at once.
        self._marks_guard = threading.Condition()

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
        with self._marks_guard:
            pending = list(self._marks.values())
        if not pending:
            return
        try:
            outbox.mark_all_sent(self.db, pending, now=self.clock.now())
        except Exception:
            # Kept for the next flush; were this process to die, the lease brings the rows
            # back and the key in Slack's message metadata stops a second post.
            log.exception("marking %d rows sent failed; retrying at the next flush", len(pending))
            return
        with self._marks_guard:
            for sent in pending:
                if self._marks.get(sent.key) is sent:
                    del self._marks[sent.key]

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
        assert row.id is not None
        with self._marks_guard:
            self._marks[row.idempotency_key] = outbox.Sent(row.id, channel, ts, row.idempotency_key)
            self._marks_guard.notify_all()
        self.metrics.message_sent(row.kind, row.due_at, self.clock.now())

    def deliver(self, row: OutboxMessage) -> None:
        self._deliver(row)
        self.flush_marks()

    def _deliver(self, row: OutboxMessage) -> None:
        assert row.id is not None
        try:
            if row.needs_unacknowledged and not self._still_live(row.handoff_id):
                outbox.mark_cancelled(self.db, row.id, reason="not live", now=self.clock.now())
                return
            if not self._say_what_is_true_now(row):
                outbox.mark_cancelled(
                    self.db, row.id, reason="nothing to say any more", now=self.clock.now()
                )
                return
            self._resolve_links(row)
            parent = self._parent(row)
            if row.op == OutboxOp.UPDATE:
                assert parent is not None
                self.client.chat_update(
                    channel=parent[0], ts=parent[1], text=row.text, blocks=row.blocks
                )
                self._sent(row, parent[0], parent[1])
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

    def _post(self, row: OutboxMessage, parent: tuple[str, str] | None) -> None:
        assert row.id is not None
        channel = parent[0] if parent else row.target
        thread_ts = parent[1] if parent else None
        self.membership.ensure(channel)  # a member can read its posts back after a crash
        if row.attempts > 1:
            found = self._find_sent(row, channel, thread_ts)
            if found is not None:
                log.info("%s was already in Slack; not posting again", row.idempotency_key)
                self._sent(row, found[0], found[1])
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
        self._sent(row, response.get("channel"), response.get("ts"))

    def _upload(self, row: OutboxMessage, parent: tuple[str, str] | None) -> None:
        """A chart: rendered from its spec, uploaded with files_upload_v2 (into the parent's
        thread, or the DM when the target is a person). A file carries no metadata to find
        it by after a crash, so a retry after an upload that did reach Slack shows it twice:
        a chart only repeats its message's text, so that is the cheaper mistake."""
        assert row.id is not None and row.blocks
        spec = row.blocks[0]
        channel = parent[0] if parent else row.target
        if _is_user(channel):
            channel = self.client.conversations_open(users=channel)["channel"]["id"]
        else:
            self.membership.ensure(channel)
        image = charts.render(spec)
        with self.pacer.turn(channel):
            self.client.files_upload_v2(
                channel=channel,
                thread_ts=parent[1] if parent else None,
                file=image,
                filename=f"{spec['chart']}.png",
                title=row.text[:250],
                alt_txt=charts.describe(spec),
            )
        self._sent(row, channel, None)

    # -- helpers ------------------------------------------------------------------------

    def _say_what_is_true_now(self, row: OutboxMessage) -> bool:
        """A row of a kind with a renderer gets its text and blocks from the state now; False
        when there is nothing true to say any more. A row of another kind keeps the text it
        was written with (sent as written)."""
        if not self.renderers.renders(row.kind):
            return True
        with self.db.read() as session:
            message = self.renderers.render(session, row.kind, row.payload, self.clock.now())
        if message is None:
            return False
        row.text, row.blocks = message.text, list(message.blocks)
        return True

    def _still_live(self, handoff_id: int | None) -> bool:
        """A reminder goes only while its handoff still waits on someone."""
        if handoff_id is None:
            return True
        with self.db.read() as session:
            handoff = session.get(Handoff, handoff_id)
            return handoff is not None and is_live(handoff.state)

    def _resolve_links(self, row: OutboxMessage) -> None:
        """Order and links by `after_key`. With a `<baton-link|label>` in it, the row waits a
        moment for that message (a post and its DM leave together) and links to it
        (chat.getPermalink, asked once per message and kept); if that message is not in Slack
        soon, the label stays plain text rather than hold the row up. Without a link, the
        row must come after that message: it waits as long as that one does."""
        if row.after_key is None:
            return
        token = f"<{AFTER_LINK}|"
        linking = token in row.text or token in json.dumps(row.blocks)
        after = self._wait_for(row.after_key, hard=not linking)
        if not linking:
            return
        link = self._permalink(after) if after is not None else None

        def replace(match: re.Match[str]) -> str:
            # The label is mrkdwn already; the URL is Slack's (a thread's has `&cid=`).
            return f"<{escape(link)}|{match.group(1)}>" if link else match.group(1)

        row.text = _LINK.sub(replace, row.text)
        row.blocks = _substitute(row.blocks, lambda text: _LINK.sub(replace, text))

    def _wait_for(self, key: str, *, hard: bool) -> OutboxMessage | None:
        """The sent message `key`; None if it will never be sent (or, unless `hard`, not
        soon). Waits a moment in-process while it is due or being sent."""
        deadline = time.monotonic() + AFTER_WAIT
        while True:
            just_sent = self._just_sent(key, wait=0.0)
            if just_sent is not None:
                return just_sent
            with self.db.read() as session:
                after = outbox.find(session, key)
            if after is None or after.status in (OutboxStatus.FAILED, OutboxStatus.CANCELLED):
                return None
            if after.status == OutboxStatus.SENT:
                return after
            later = after.status == OutboxStatus.PENDING and as_utc(after.due_at) > self.clock.now()
            left = deadline - time.monotonic()
            if later or left <= 0:
                if hard:
                    raise ParentNotReady
                return None
            just_sent = self._just_sent(key, wait=min(AFTER_RECHECK, left))
            if just_sent is not None:
                return just_sent

    def _just_sent(self, key: str, *, wait: float) -> OutboxMessage | None:
        """`key` as this process posted it and has not yet written as sent, waiting up to
        `wait` seconds for that post."""
        with self._marks_guard:
            sent = self._marks_guard.wait_for(lambda: self._marks.get(key), timeout=wait)
        if sent is None:
            return None
        return OutboxMessage(
            idempotency_key=key,
            target=sent.channel or "",
            text="",
            sent_channel=sent.channel,
            sent_ts=sent.ts,
        )

    def _permalink(self, sent: OutboxMessage) -> str | None:
        if sent.permalink:
            return sent.permalink
        if not sent.sent_channel or not sent.sent_ts:
            return None
        try:
            found = self.client.chat_getPermalink(
                channel=sent.sent_channel, message_ts=sent.sent_ts
            )
            link = str(found["permalink"])
        except SlackApiError as error:
            log.warning(
                "chat.getPermalink for %s failed: %s", sent.idempotency_key, _error_code(error)
            )
            # The archive address Slack's permalinks redirect from: still a working link.
            link = (
                f"https://slack.com/archives/{sent.sent_channel}/p{sent.sent_ts.replace('.', '')}"
            )
        outbox.keep_permalink(self.db, sent.idempotency_key, link)
        return link

    def _parent(self, row: OutboxMessage) -> tuple[str, str] | None:
        """The channel and ts of the message this row threads under or edits."""
        if row.parent_key is None:
            if row.op == OutboxOp.UPDATE:
                raise ParentLost("an update needs the message it edits")
            return None
        with self._marks_guard:
            just_sent = self._marks.get(row.parent_key)
        if just_sent is not None and just_sent.channel and just_sent.ts:
            return just_sent.channel, just_sent.ts
        with self.db.read() as session:
            parent = outbox.find(session, row.parent_key)
        if parent is None or parent.status in (OutboxStatus.FAILED, OutboxStatus.CANCELLED):
            raise ParentLost(f"the message it belongs to ({row.parent_key}) was never delivered")
        if parent.status != OutboxStatus.SENT or not parent.sent_channel or not parent.sent_ts:
            raise ParentNotReady
        return parent.sent_channel, parent.sent_ts

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
                    messages.new(
                        intents.FailureNotice(of=row.idempotency_key),
                        target=row.notify_on_failure,
                        text=md(
                            "Baton could not deliver a message to ",
                            _target(row.target),
                            " (",
                            clip(Mrkdwn(row.text), 200),  # Baton's own mrkdwn, as it was sent
                            "): Slack said ",
                            code(error),
                            ".",
                        ),
                        due_at=now,
                    ),
                    now=now,
                )


def _substitute(value: Any, change: Any) -> Any:
    """`change` applied to every string inside blocks."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_substitute(v, change) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, change) for k, v in value.items()}
    return value


def _error_code(error: SlackApiError) -> str:
    return str(error.response.get("error") or f"http_{error.response.status_code}")


def _raise_unreadable(error: SlackApiError) -> NoReturn:
    if error.response.status_code == 429:
        raise error  # waited out like any 429, without counting an attempt
    code = _error_code(error)
    transient = error.response.status_code >= 500 or is_transient(code)
    raise HistoryUnreadable(code, transient=transient) from error


def _target(target: str) -> Mrkdwn:
    return mention(target) if _is_user(target) else channel(target)
