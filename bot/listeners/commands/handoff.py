"""/handoff [work item]: open the handoff modal."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.container import Services
from bot.views.handoff_modal import ModalContext, handoff_modal

log = logging.getLogger("baton.handoff")


def register(app: App, services: Services) -> None:
    @app.command("/handoff")
    def open_handoff_modal(
        ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        # The trigger lives 3 s and is single-use: open the view before anything slow.
        view = handoff_modal(
            context=ModalContext(channel_id=command["channel_id"]),
            work_item=(command.get("text") or "").strip(),
            default_act_by=services.clock.now() + services.settings.act_within,
        )
        try:
            client.views_open(trigger_id=command["trigger_id"], view=view)
        except SlackApiError as error:
            log.warning("views.open failed: %s", error.response.get("error"))
            respond(
                response_type="ephemeral",
                text="Slack closed the window before the handoff form could open. "
                "Run `/handoff` again.",
            )
