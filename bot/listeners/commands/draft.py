"""/draft [surface]: open a template that states the surface's constraints."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.container import Services
from bot.views.drafts import draft_modal
from bot.views.handoff_modal import ModalContext

log = logging.getLogger("baton.draft")


def register(app: App, services: Services) -> None:
    @app.command("/draft")
    def open_draft_modal(
        ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        surfaces = services.drafts.surfaces
        asked = " ".join((command.get("text") or "").split())
        chosen = next((s for s in surfaces.values() if s.name.lower() == asked.lower()), None)
        if asked and chosen is None:
            respond(
                response_type="ephemeral",
                text=f"No surface called “{asked}”. Use one of: {', '.join(surfaces)}, "
                "e.g. `/draft LinkedIn`.",
            )
            return
        view = draft_modal(
            context=ModalContext(channel_id=command["channel_id"]),
            surfaces=surfaces,
            chosen=chosen,
            name="",
        )
        try:
            client.views_open(trigger_id=command["trigger_id"], view=view)
        except SlackApiError as error:
            log.warning("views.open failed: %s", error.response.get("error"))
            respond(
                response_type="ephemeral",
                text="Slack closed the window before the draft form could open. "
                "Run `/draft` again.",
            )
