"""/handoff [work item]: open the handoff modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.domain.slack_text import plain_text_of
from bot.listeners.acked import acked_first
from bot.listeners.commands.modal import open_modal
from bot.services.container import Services
from bot.views.handoff_modal import ModalContext, handoff_modal


def register(app: App, services: Services) -> None:
    @app.command("/handoff")
    @acked_first(services)
    def open_handoff_modal(command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        # The trigger lives 3 s and is single-use: open the view before anything slow.
        view = handoff_modal(
            context=ModalContext(channel_id=command["channel_id"]),
            work_item=plain_text_of(command.get("text") or "").strip(),
            default_act_by=services.clock.now() + services.settings.act_within,
            checklist=services.guardrails.checklist(command["channel_id"]),
        )
        open_modal(client, respond, command, view)
