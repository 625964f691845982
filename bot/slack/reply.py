"""Answering whoever clicked, and only them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.kernel.mrkdwn import Mrkdwn


def tell_clicker(client: WebClient, body: dict[str, Any]) -> Callable[[Mrkdwn], None]:
    """An ephemeral reply to the user who clicked, in the channel of the click (a click in a
    DM has no channel to answer in, and gets nothing)."""
    user_id = body["user"]["id"]
    channel_id = (body.get("channel") or {}).get("id")

    def tell(text: Mrkdwn) -> None:
        if channel_id:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)

    return tell
