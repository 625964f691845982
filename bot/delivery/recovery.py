"""Was it already sent? After a crash or a lost answer, a row's earlier attempt may have
reached Slack: look for the row's key in the metadata of the conversation's messages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, NoReturn

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.delivery.errors import error_code, is_transient
from bot.delivery.membership import ChannelMembership, is_user
from bot.ids import MetadataEvent
from store.models import OutboxMessage

RECONCILE_PAGES = 5


class HistoryUnreadable(Exception):
    """Slack would not show Baton the conversation, so it cannot tell whether an earlier
    attempt got through: posting now could post twice."""

    def __init__(self, error: str, *, transient: bool) -> None:
        super().__init__(error)
        self.error = error
        self.transient = transient  # a Slack hiccup, not something a person must fix


class EarlierSends:
    def __init__(self, client: WebClient, membership: ChannelMembership) -> None:
        self.client = client
        self.membership = membership

    def find(
        self, row: OutboxMessage, channel: str, thread_ts: str | None
    ) -> tuple[str, str] | None:
        """Did an earlier attempt reach Slack? Look for the row's key in message metadata."""
        if is_user(channel):
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
            if error_code(error) != "not_in_channel":
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


def _raise_unreadable(error: SlackApiError) -> NoReturn:
    if error.response.status_code == 429:
        raise error  # waited out like any 429, without counting an attempt
    code = error_code(error)
    transient = error.response.status_code >= 500 or is_transient(code)
    raise HistoryUnreadable(code, transient=transient) from error
