"""/publish [name]: open the publish modal (the decision table is committed here)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.container import Services
from bot.kernel.slack_text import plain_text_of
from bot.publishing.modal import publish_modal
from bot.slack.acked import acked_first
from bot.slack.modal import open_modal
from bot.slack.modal_context import ModalContext


@acked_first
def open_publish_modal(
    services: Services, command: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    # Only what Baton already knows: the trigger lives 3 s, users.info can wait.
    zone = services.people.cached_tz(command["user_id"]) or "your Slack time zone"
    view = publish_modal(
        context=ModalContext(channel_id=command["channel_id"]),
        name=plain_text_of(command.get("text") or "").strip(),
        zone_name=zone,
        earlier=services.publishes.earlier_in(command["channel_id"]),
        surfaces=tuple(services.drafts.surfaces),  # surfaces.yml, as /draft reads it
    )
    open_modal(client, respond, command, view)
    # The author's zone reads the form's times: known before they press Submit.
    services.people.learn([command["user_id"]])
