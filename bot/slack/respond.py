"""Answering through a response_url: text is mrkdwn made by `bot.kernel.mrkdwn`, never a bare
string, so user text in a reply is shown and never executed."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond

from bot.kernel.mrkdwn import Mrkdwn


def ephemeral(respond: Respond, text: Mrkdwn, blocks: list[dict[str, Any]] | None = None) -> None:
    """Only the person who asked sees it; the message they clicked in stays as it is."""
    respond(response_type="ephemeral", replace_original=False, text=text, blocks=blocks)


def replace(respond: Respond, text: Mrkdwn, blocks: list[dict[str, Any]] | None = None) -> None:
    """The message the person clicked in becomes this one."""
    respond(replace_original=True, text=text, blocks=blocks)
