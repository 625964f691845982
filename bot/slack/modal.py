"""Opening a command's modal: the trigger_id is single-use and lives 3 s, so a failure here
gets the user a way forward instead of silence."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.kernel.mrkdwn import Mrkdwn, code, md
from bot.slack.respond import ephemeral

log = logging.getLogger("baton.modal")


def open_modal(
    client: WebClient,
    respond: Respond,
    command: dict[str, Any],
    view: dict[str, Any] | dict[str, object],
    *,
    otherwise: Mrkdwn | None = None,
) -> None:
    """Open `view` for this command; if Slack refuses, say so (or `otherwise`) ephemerally."""
    try:
        client.views_open(trigger_id=command["trigger_id"], view=view)
    except SlackApiError as error:
        log.warning(
            "%s: views.open failed: %s", command.get("command"), error.response.get("error")
        )
        name = command.get("command") or "the command"
        ephemeral(
            respond,
            otherwise
            or md(
                "Slack closed the window before the form could open. Run ", code(name), " again."
            ),
        )
