"""What happens to a row that cannot go now: it is tried again later, or it fails for good and
whoever asked for it is told."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk.errors import SlackApiError

from bot.clock import Clock
from bot.delivery.errors import is_transient
from bot.delivery.membership import is_user
from bot.delivery.pacing import ChannelPacer
from bot.delivery.recovery import CheckLater, HistoryUnreadable
from bot.kernel.mrkdwn import Mrkdwn, channel, clip, code, md, mention
from bot.outbox import intents, messages
from store import outbox
from store.db import Database
from store.models import OutboxMessage

log = logging.getLogger("baton.delivery")


class Failures:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        pacer: ChannelPacer,
        *,
        max_attempts: int,
        backoff: timedelta,
        max_backoff: timedelta,
        parent_wait: timedelta,
    ) -> None:
        self.db = db
        self.clock = clock
        self.pacer = pacer
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.parent_wait = parent_wait

    def parent_not_ready(self, row: OutboxMessage) -> None:
        assert row.id is not None
        outbox.retry_later(
            self.db,
            row.id,
            due_at=self.clock.now() + self.parent_wait,
            error="waiting for the parent message",
            now=self.clock.now(),
            count=False,
        )

    def history_unreadable(self, row: OutboxMessage, unreadable: HistoryUnreadable) -> None:
        """Never failed for this, never posted blind: the row waits until Baton can look (soon
        after a hiccup; after a missing scope or invitation, once someone fixed it)."""
        assert row.id is not None
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

    def check_later(self, row: OutboxMessage, later: CheckLater) -> None:
        """The row waits for its check; the rows behind it go on."""
        assert row.id is not None
        log.info("%s: %s; checking again at %s", row.idempotency_key, later.reason, later.due_at)
        outbox.check_later(
            self.db,
            row.id,
            due_at=later.due_at,
            error=f"checking for an earlier send: {later.reason}",
            now=self.clock.now(),
            unverified_since=later.unverified_since,
            unread_before=later.unread_before,
        )

    def slack_error(self, row: OutboxMessage, error: SlackApiError) -> None:
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
            self.retry_or_fail(row, code)
        else:
            self.fail(row, code)

    def retry_or_fail(self, row: OutboxMessage, error: str) -> None:
        assert row.id is not None
        if row.attempts >= self.max_attempts:
            self.fail(row, f"gave up after {row.attempts} attempts: {error}")
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

    def fail(self, row: OutboxMessage, error: str) -> None:
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


def _target(target: str) -> Mrkdwn:
    return mention(target) if is_user(target) else channel(target)
