"""Was it already sent? After a crash or a lost answer, a row's earlier attempt may have
reached Slack: look for the row's key in the metadata of the conversation's messages.

Only the span in which an earlier attempt could have posted is read (from the claim of the
earliest attempt not yet read back to this attempt's claim), a page at a time, within
Slack's history limit (history_budget.py). When a read cannot be made now, or a full page
does not reach back far enough, the row waits and reads on later: it never posts unsure."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, NoReturn

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import Clock
from bot.delivery.errors import error_code, is_transient
from bot.delivery.history_budget import HISTORY, REPLIES, HistoryBudget
from bot.delivery.membership import ChannelMembership, is_user
from bot.delivery.readback import ReadBack, Span, unread_rest
from store import outbox
from store.db import Database
from store.models import OutboxMessage
from store.types import as_utc

log = logging.getLogger("baton.delivery")

# Slack's clock against ours, and a post still on its way when its attempt's lease ran out.
MARGIN = timedelta(minutes=1)
UNLIMITED_PAGES = 5  # pages one check reads when history is not limited


class HistoryUnreadable(Exception):
    """Slack would not show Baton the conversation, so it cannot tell whether an earlier
    attempt got through: posting now could post twice."""

    def __init__(self, error: str, *, transient: bool) -> None:
        super().__init__(error)
        self.error = error
        self.transient = transient  # a Slack hiccup, not something a person must fix


class CheckLater(Exception):
    """The check cannot finish now (history's minute is spent, or what is read so far does
    not reach back to the earlier attempt): the row waits, keeping what was read."""

    def __init__(
        self, due_at: datetime, reason: str, *, unverified_since: datetime, unread_before: datetime
    ) -> None:
        super().__init__(reason)
        self.due_at = due_at
        self.reason = reason
        self.unverified_since = unverified_since
        self.unread_before = unread_before


class EarlierSends:
    def __init__(
        self,
        client: WebClient,
        membership: ChannelMembership,
        db: Database,
        clock: Clock,
        budget: HistoryBudget,
        *,
        workspace: str = "",
    ) -> None:
        self.client = client
        self.membership = membership
        self.db = db
        self.clock = clock
        self.budget = budget
        self.workspace = workspace  # whose history minute a read spends
        self.read_back = ReadBack()  # what this process has read lately, for the next rows

    def find(
        self, row: OutboxMessage, channel: str, thread_ts: str | None
    ) -> tuple[str, str] | None:
        """Did an earlier attempt reach Slack? Look for the row's key in message metadata.
        Raises CheckLater when it cannot tell yet."""
        assert row.id is not None
        if is_user(channel):
            channel = self.client.conversations_open(users=channel)["channel"]["id"]
        claimed = as_utc(row.claimed_at) if row.claimed_at else self.clock.now()
        since = as_utc(row.unverified_since or row.created_at)
        latest = claimed + MARGIN
        if row.unread_before is not None:
            latest = min(latest, as_utc(row.unread_before))
        window = Span(since - MARGIN, latest, read_at=claimed)
        conversation = (channel, thread_ts or "")
        known = self.read_back.found(row.idempotency_key)
        if known is not None:
            return known
        if self.read_back.covers(conversation, window):
            outbox.read_back(self.db, row.id, claimed_at=claimed)
            return None
        method = REPLIES if thread_ts else HISTORY
        pages = 1 if self.budget.limited else UNLIMITED_PAGES
        for _ in range(pages):
            page = self._read_page(method, channel, thread_ts, window)
            messages: list[dict[str, Any]] = page.get("messages", [])
            self.read_back.note(channel, messages)
            if not page.get("has_more"):  # the next rows of this conversation need no call
                self.read_back.cover(conversation, window, read_at=self.clock.now())
            found = self.read_back.found(row.idempotency_key)
            if found is not None:
                return found
            if not page.get("has_more"):
                outbox.read_back(self.db, row.id, claimed_at=claimed)
                return None
            window = unread_rest(window, messages, thread_ts)
        raise CheckLater(
            self.budget.next_free(self.workspace, method),
            "the earlier attempt's span of history is not read to the end yet",
            unverified_since=window.oldest + MARGIN,
            unread_before=window.latest,
        )

    def _read_page(
        self,
        method: str,
        channel: str,
        thread_ts: str | None,
        window: Span,
    ) -> Any:
        """One page of the thread or the channel, if history's budget allows a call now.
        `not_in_channel` (Baton was removed, or never joined) means join and read again;
        whatever else stops the read is HistoryUnreadable (a 429 waits, as CheckLater)."""
        for joined in (False, True):
            self._spend(method, window)
            try:
                return self._fetch_page(channel, thread_ts, window)
            except SlackApiError as error:
                if error.response.status_code == 429:
                    retry_after = float(error.response.headers.get("Retry-After", 60))
                    until = self.budget.hold(self.workspace, method, retry_after)
                    wait = "Slack asked to wait before reading history"
                    raise _later(until, wait, window) from error
                if joined or error_code(error) != "not_in_channel":
                    _raise_unreadable(error)
            self.membership.forget(channel)
            self.membership.ensure(channel)
        raise AssertionError("unreachable")  # pragma: no cover

    def _spend(self, method: str, window: Span) -> None:
        free_at = self.budget.take(self.workspace, method)
        if free_at is not None:
            raise _later(free_at, "waiting for Slack's history limit", window)

    def _fetch_page(self, channel: str, thread_ts: str | None, window: Span) -> Any:
        bounds: dict[str, Any] = {
            "oldest": _ts(window.oldest),
            "latest": _ts(window.latest),
            "inclusive": True,
            "include_all_metadata": True,
            "limit": self.budget.page_size,
        }
        if thread_ts:
            return self.client.conversations_replies(channel=channel, ts=thread_ts, **bounds)
        return self.client.conversations_history(channel=channel, **bounds)


def _later(due_at: datetime, reason: str, window: Span) -> CheckLater:
    return CheckLater(
        due_at, reason, unverified_since=window.oldest + MARGIN, unread_before=window.latest
    )


def _ts(moment: datetime) -> str:
    return f"{moment.timestamp():.6f}"


def _raise_unreadable(error: SlackApiError) -> NoReturn:
    code = error_code(error)
    transient = error.response.status_code >= 500 or is_transient(code)
    raise HistoryUnreadable(code, transient=transient) from error
