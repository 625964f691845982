"""/draft [surface]: open a template that states the surface's constraints."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.container import Services
from bot.drafts.messages import draft_modal
from bot.kernel.mrkdwn import code, md
from bot.kernel.slack_text import plain_text_of
from bot.slack.acked import acked_first
from bot.slack.modal import open_modal
from bot.slack.modal_context import ModalContext
from bot.slack.respond import ephemeral


@acked_first
def open_draft_modal(
    services: Services, command: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    surfaces = services.drafts.surfaces
    asked = " ".join(plain_text_of(command.get("text") or "").split())
    chosen = next((s for s in surfaces.values() if s.name.lower() == asked.lower()), None)
    if asked and chosen is None:
        ephemeral(
            respond,
            md(
                "No surface called “",
                asked,
                f"”. Use one of: {', '.join(surfaces)}, e.g. ",
                code("/draft LinkedIn"),
                ".",
            ),
        )
        return
    view = draft_modal(
        context=ModalContext(channel_id=command["channel_id"]),
        surfaces=surfaces,
        chosen=chosen,
        name="",
    )
    open_modal(client, respond, command, view)
