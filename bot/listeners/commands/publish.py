"""/publish [name]: open the publish modal (the decision table is committed here)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.container import Services
from bot.views.handoff_modal import ModalContext
from bot.views.publish_modal import publish_modal

log = logging.getLogger("baton.publish")


def register(app: App, services: Services) -> None:
    @app.command("/publish")
    def open_publish_modal(
        ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        # Only what Baton already knows: the trigger lives 3 s, users.info can wait.
        zone = services.people.cached_tz(command["user_id"]) or "your Slack time zone"
        view = publish_modal(
            context=ModalContext(channel_id=command["channel_id"]),
            name=(command.get("text") or "").strip(),
            zone_name=zone,
        )
        try:
            client.views_open(trigger_id=command["trigger_id"], view=view)
        except SlackApiError as error:
            log.warning("views.open failed: %s", error.response.get("error"))
            respond(
                response_type="ephemeral",
                text="Slack closed the window before the publish form could open. "
                "Run `/publish` again.",
            )
