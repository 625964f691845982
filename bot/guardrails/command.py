"""/guardrails: the channel's guardrails, who enabled them and why; Disable for the enabler
or an admin."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond

from bot.container import Services
from bot.guardrails.messages import guardrails_list
from bot.slack.acked import acked_first
from bot.slack.respond import ephemeral


@acked_first
def list_guardrails(services: Services, command: dict[str, Any], respond: Respond) -> None:
    message = guardrails_list(services.guardrails.of_channel(command["channel_id"]))
    ephemeral(respond, message.text, message.blocks)
