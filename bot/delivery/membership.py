"""Baton joins a public channel before it posts there, so that it can read its posts back.

chat:write.public lets a bot post where it is not a member, but conversations.history and
conversations.replies answer `not_in_channel` there, and reading its own posts back is how a
send is made exactly-once after a crash. Joining is cheap and idempotent (Slack answers
`already_in_channel` as a warning), so a process-local memory of joined channels is enough.
"""

from __future__ import annotations

import logging
import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.delivery.errors import is_transient

log = logging.getLogger("baton.delivery")


def is_conversation_with_people(target: str) -> bool:
    """A channel or group conversation (C…, G…), not a DM or a user ID (D…, U…, W…)."""
    return target[:1] in ("C", "G")


def is_user(target: str) -> bool:
    """A person (U…, W…): a post to one goes to the DM with them."""
    return target[:1] in ("U", "W")


class ChannelMembership:
    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._settled: set[str] = set()  # joined, or joining cannot help
        self._guard = threading.Lock()

    def ensure(self, channel: str) -> None:
        """Join `channel` unless this process already did. 429s and server errors propagate
        (the caller retries the row later). Other refusals mean joining cannot help: a private
        channel or group DM takes `/invite @Baton` (method_not_supported_for_channel_type), a
        token may lack channels:join, a channel may be archived; they are logged and left to the
        post, whose own answer says what is wrong."""
        if not is_conversation_with_people(channel):
            return
        with self._guard:
            if channel in self._settled:
                return
        try:
            self.client.conversations_join(channel=channel)
        except SlackApiError as error:
            code = str(error.response.get("error") or "")
            if error.response.status_code == 429 or error.response.status_code >= 500:
                raise
            if is_transient(code):
                raise
            log.warning("could not join %s: %s", channel, code)
        with self._guard:
            self._settled.add(channel)

    def forget(self, channel: str) -> None:
        """Slack says Baton is not in `channel` (someone removed it): join again next time."""
        with self._guard:
            self._settled.discard(channel)
