"""Which conversations a person can read, as Slack tells it: a public channel (anyone in the
workspace can read it), or one they are a member of.

Used where Baton shows one person what happened in other conversations (`/report`), so that a
report never carries a private channel's handoffs to someone who is not in it. Each answer
costs Web API calls: never call this on the ack path. Whatever Slack does not answer (a private
channel Baton is not in, a scope the install lacks, an outage) counts as not readable.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger("baton.channel_access")

MEMBERS_PAGE = 1000  # Slack's largest page of conversations.members


class ChannelAccess:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def readable_by(
        self, user_id: str, channels: Iterable[str], *, known: Iterable[str] = ()
    ) -> set[str]:
        """The `channels` `user_id` can read. `known` are readable without asking (the
        conversation the person ran a command in: Slack sent it from there)."""
        trusted = set(known)
        return {c for c in dict.fromkeys(channels) if c in trusted or self._can_read(user_id, c)}

    def _can_read(self, user_id: str, channel_id: str) -> bool:
        try:
            found = self.client.conversations_info(channel=channel_id)["channel"]
            if found.get("is_channel") and not found.get("is_private"):
                return True
            return user_id in self._members(channel_id)
        except SlackApiError as error:
            code = str(error.response.get("error") or "")
            if code != "channel_not_found":  # not found: private, and Baton is not in it
                log.warning("could not tell who reads %s: %s", channel_id, code)
            return False

    def _members(self, channel_id: str) -> set[str]:
        members: set[str] = set()
        cursor = ""
        while True:
            page = self.client.conversations_members(
                channel=channel_id, limit=MEMBERS_PAGE, cursor=cursor or None
            )
            members.update(page.get("members") or [])
            cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return members
