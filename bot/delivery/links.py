"""A row that comes after another (`after_key`): wait for that one, and link to it.

A `<baton-link|label>` in the row's text or blocks becomes a link to the message it comes
after (chat.getPermalink, asked once per message and kept)."""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import Clock
from bot.delivery.errors import error_code
from bot.delivery.marks import SentMarks
from bot.delivery.parents import ParentNotReady
from bot.ids import AFTER_LINK
from bot.kernel.mrkdwn import escape
from store import outbox
from store.db import Database
from store.models import OutboxMessage, OutboxStatus
from store.types import as_utc

log = logging.getLogger("baton.delivery")

AFTER_WAIT = 3.0  # seconds a message waits in-process for the one it comes after
# How often that wait looks in the database (another process may be sending it); a post by
# this process wakes it at once.
AFTER_RECHECK = 0.25
_LINK = re.compile(r"<" + re.escape(AFTER_LINK) + r"\|([^<>]*)>")


class Links:
    def __init__(self, db: Database, client: WebClient, clock: Clock, marks: SentMarks) -> None:
        self.db = db
        self.client = client
        self.clock = clock
        self.marks = marks

    def resolve(self, row: OutboxMessage) -> None:
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
        sent = self.marks.wait_for(key, timeout=wait)
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
                "chat.getPermalink for %s failed: %s", sent.idempotency_key, error_code(error)
            )
            # The archive address Slack's permalinks redirect from: still a working link.
            link = (
                f"https://slack.com/archives/{sent.sent_channel}/p{sent.sent_ts.replace('.', '')}"
            )
        outbox.keep_permalink(self.db, sent.idempotency_key, link)
        return link


def _substitute(value: Any, change: Any) -> Any:
    """`change` applied to every string inside blocks."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_substitute(v, change) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, change) for k, v in value.items()}
    return value
