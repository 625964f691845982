"""/guardrails: the channel's guardrails, who enabled them and why; Disable for the enabler
or an admin."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond

from bot.listeners.acked import acked_first
from bot.listeners.respond import ephemeral
from bot.services.container import Services
from bot.views.guardrails import guardrails_list


def register(app: App, services: Services) -> None:
    @app.command("/guardrails")
    @acked_first(services)
    def list_guardrails(command: dict[str, Any], respond: Respond) -> None:
        message = guardrails_list(services.guardrails.of_channel(command["channel_id"]))
        ephemeral(respond, message.text, message.blocks)
